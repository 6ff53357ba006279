//! `fwcheck equiv A B`: does every packet get the same verdict from both
//! rule sets, at every hook? If not, a packet that shows the difference.

use super::ipsets::Ipsets;
use super::model::{sets_marks, Cat, Model, Naming};
use super::pred::PredCx;
use super::smt::{Answer, Smt, Witness, F};
use crate::ir::{Family, Hook, Ruleset};
use crate::netfilter::conntrack_on;

/// A packet that the two rule sets treat differently at `hook`.
#[derive(Clone, Debug)]
pub struct Difference {
    pub family: Family,
    pub hook: Hook,
    /// The verdict category that one has for the packet and the other not.
    pub verdict: String,
    pub witness: Witness,
}

pub enum Outcome {
    Equivalent,
    Differs(Vec<Difference>),
    /// The solver gave up at a hook: no claim.
    Unknown(String),
}

/// Compares `a` and `b` family by family, hook by hook, each packet as it
/// arrives (a DNAT of the nat table rewrites the first packet of a
/// connection before the hook's other tables see it), with notes on what
/// could not be composed. Free choices are
/// named by rule text (see [`Naming::ByText`]), so the same rate limit in
/// both decides alike.
pub fn equiv(a: &Ruleset, b: &Ruleset, ipsets: Option<&Ipsets>) -> (Outcome, Vec<String>) {
    let mut notes = Vec::new();
    let mut fams = a.families();
    fams.extend(b.families());
    fams.sort();
    fams.dedup();
    let mut diffs = Vec::new();
    let mut unreal = Vec::new();
    for family in fams {
        let mut smt = Smt::new(family);
        smt.conntrack = conntrack_on(a) || conntrack_on(b);
        let marks_free = sets_marks(a) || sets_marks(b);
        let cx = PredCx { family, marks_free, ipsets };
        let ma = Model::build(a, family, &mut smt, Naming::ByText, &cx);
        let mb = Model::build(b, family, &mut smt, Naming::ByText, &cx);
        for hook in Hook::ALL {
            let plain = |m: &Model, name: &str, smt: &mut Smt, notes: &mut Vec<String>| {
                m.hook_outcome_after_nat(hook, smt).unwrap_or_else(|why| {
                    notes.push(format!("{name} at {}: the packet is taken as it arrives, without nat: {why}", hook.as_str()));
                    m.hook_outcome(hook)
                })
            };
            let oa = plain(&ma, "the first rule set", &mut smt, &mut notes);
            let ob = plain(&mb, "the second rule set", &mut smt, &mut notes);
            let mut cats: Vec<&Cat> = oa.keys().chain(ob.keys()).collect();
            cats.sort();
            cats.dedup();
            for cat in cats {
                let fa = oa.get(cat).cloned().unwrap_or_else(F::ff);
                let fb = ob.get(cat).cloned().unwrap_or_else(F::ff);
                let q = F::and(&[smt.at_hook(hook), fa.iff(&fb).not()]);
                match smt.solve(&q) {
                    Answer::Unsat => {}
                    Answer::Unknown(r) => return (Outcome::Unknown(format!("{} {}: {r}", family.command(), hook.as_str())), notes),
                    Answer::Sat(w) => {
                        // A counterexample is one packet that the concrete
                        // walk sends to different verdicts on the two sides;
                        // one that does not replay so is an encoding bug,
                        // and is never shown as a difference.
                        if replays_differently(a, b, family, hook, &w) {
                            diffs.push(Difference { family, hook, verdict: cat.name(), witness: w });
                        } else {
                            unreal.push(format!("{} {}: {}", family.command(), hook.as_str(), cat.name()));
                        }
                        break;
                    }
                }
            }
        }
    }
    let o = if !diffs.is_empty() {
        Outcome::Differs(diffs)
    } else if !unreal.is_empty() {
        Outcome::Unknown(format!(
            "the solver's difference at {} does not replay as one (the walk gives both rule sets the same verdicts for its packet); no claim is made",
            unreal.join(", ")
        ))
    } else {
        Outcome::Equivalent
    };
    (o, notes)
}

/// Whether the walk of `w`'s packet ends in different sets of verdicts in
/// `a` and `b` (each set holds one verdict per course the free choices
/// allow; a choice named alike on both sides splits both alike).
fn replays_differently(a: &Ruleset, b: &Ruleset, family: Family, hook: Hook, w: &Witness) -> bool {
    let verdicts = |rs: &Ruleset| {
        crate::verify::replay::replay_arriving(rs, family, hook, &w.packet).map(|cs| {
            let mut v: Vec<String> = cs.iter().map(|c| format!("{:?}", c.verdict)).collect();
            v.sort();
            v.dedup();
            v
        })
    };
    match (verdicts(a), verdicts(b)) {
        (Ok(va), Ok(vb)) => va != vb,
        // A walk that cannot be done cannot refute the solver.
        _ => true,
    }
}
