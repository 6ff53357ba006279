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

/// Compares `a` and `b` family by family, hook by hook. Free choices are
/// named by rule text (see [`Naming::ByText`]), so the same rate limit in
/// both decides alike.
pub fn equiv(a: &Ruleset, b: &Ruleset, ipsets: Option<&Ipsets>) -> Outcome {
    let mut fams = a.families();
    fams.extend(b.families());
    fams.sort();
    fams.dedup();
    let mut diffs = Vec::new();
    for family in fams {
        let mut smt = Smt::new(family);
        smt.conntrack = conntrack_on(a) || conntrack_on(b);
        let marks_free = sets_marks(a) || sets_marks(b);
        let cx = PredCx { family, marks_free, ipsets };
        let ma = Model::build(a, family, &mut smt, Naming::ByText, &cx);
        let mb = Model::build(b, family, &mut smt, Naming::ByText, &cx);
        for hook in Hook::ALL {
            let oa = ma.hook_outcome(hook);
            let ob = mb.hook_outcome(hook);
            let mut cats: Vec<&Cat> = oa.keys().chain(ob.keys()).collect();
            cats.sort();
            cats.dedup();
            for cat in cats {
                let fa = oa.get(cat).cloned().unwrap_or_else(F::ff);
                let fb = ob.get(cat).cloned().unwrap_or_else(F::ff);
                let q = F::and(&[smt.at_hook(hook), fa.iff(&fb).not()]);
                match smt.solve(&q) {
                    Answer::Unsat => {}
                    Answer::Unknown(r) => return Outcome::Unknown(format!("{} {}: {r}", family.command(), hook.as_str())),
                    Answer::Sat(w) => {
                        diffs.push(Difference { family, hook, verdict: cat.name(), witness: w });
                        break;
                    }
                }
            }
        }
    }
    if diffs.is_empty() {
        Outcome::Equivalent
    } else {
        Outcome::Differs(diffs)
    }
}
