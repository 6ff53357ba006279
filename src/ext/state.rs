//! `-m state --state LIST` (the state match of libxt_conntrack): the
//! connection tracking state of the packet, from INVALID, NEW, RELATED,
//! ESTABLISHED and UNTRACKED. (SNAT and DNAT exist only for conntrack's
//! `--ctstate`.)
//!
//! Each item may be any case-insensitive prefix of a state (`est`), as
//! iptables compares with `strncasecmp`; an empty item is an error.
//! iptables-save prints the set in the fixed order INVALID, NEW, RELATED,
//! ESTABLISHED, UNTRACKED, so duplicates and input order disappear.
//! iptables-nft 1.8.9 keeps the match as `-m state` (it does not rewrite it
//! to conntrack).

use super::generic::Neg;
use super::value::{name_list, parse_name_list};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

/// The states in iptables-save order; bit `i` of a mask is `STATES[i]`.
pub const STATES: &[&str] = &["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED"];

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct State {
    /// `--state`, as a mask over [`STATES`]; mandatory.
    pub states: Option<Neg<u32>>,
}

/// The match for the prover (see `verify::pred`): the conntrack state is
/// one field, so the mask is a choice among its values.
impl State {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::Pred;
        match &self.states {
            None => Pred::True,
            Some(s) => states_pred(s.value).negate_if(s.neg),
        }
    }
}

/// A mask over [`STATES`] as a predicate on the state field; shared with
/// conntrack's `--ctstate`.
pub fn states_pred(mask: u32) -> crate::verify::pred::Pred {
    use crate::verify::pred::{Field, Pred};
    Pred::or((0..STATES.len()).filter(|i| mask & (1 << i) != 0).map(|i| Pred::eq(Field::CtState, i as u128)).collect())
}

impl Extension for State {
    const NAME: &'static str = "state";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["state"], true)];

    fn new(_: &Cx) -> State {
        State::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.states.is_some() {
            return Err(ExtError::new("`--state` given twice").help("list the states in one option: `--state RELATED,ESTABLISHED`"));
        }
        let mask = parse_name_list(a.value, STATES).map_err(|item| {
            let e = ExtError::new(format!("bad state `{item}` in `{}`", a.value));
            if ["SNAT", "DNAT"].iter().any(|s| s.eq_ignore_ascii_case(item)) {
                e.help("SNAT and DNAT are conntrack states: write `-m conntrack --ctstate` instead")
            } else {
                e.help("the states are INVALID, NEW, RELATED, ESTABLISHED and UNTRACKED, separated by commas without spaces")
            }
        })?;
        self.states = Some(Neg::new(a.neg, mask));
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.states.is_none() {
            return Err(ExtError::new("`-m state` without `--state`").help("write `-m state --state RELATED,ESTABLISHED`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(s) = &self.states {
            w.opt(s.neg, "state", name_list(s.value, STATES));
        }
    }
}

use super::MatchEval;
use crate::predict::{CtInfo, CtState, EvalCx, Packet, Tri};

/// The answer of the state and conntrack matches for a packet the model
/// gives no conntrack information.
pub(crate) const NO_CT: &str = "no conntrack entry";

/// `state_mt` (xt_state.c) tests one bit: the state of the entry, or
/// UNTRACKED or INVALID when `nf_ct_get` finds none. iptables stores `!`
/// as the complement of the state mask, which for one bit is the negation.
impl MatchEval for State {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let Some(ct) = &p.ct else {
            return Tri::unknown(NO_CT);
        };
        match &self.states {
            None => Tri::Yes,
            Some(s) => Tri::from_bool(s.value & state_bit(ct.state) != 0).negate_if(s.neg),
        }
    }
}

/// The state's bit in [`STATES`] and in conntrack's `CTSTATES`, which
/// start alike.
pub(crate) fn state_bit(s: CtState) -> u32 {
    1 << match s {
        CtState::Invalid => 0,
        CtState::New => 1,
        CtState::Related => 2,
        CtState::Established => 3,
        CtState::Untracked => 4,
    }
}

/// The entry the kernel's conntrack matches see. An untracked packet
/// carries `IP_CT_UNTRACKED` and no entry, and conntrack attaches none to
/// an invalid one, so `nf_ct_get` returns NULL for both.
pub(crate) fn entry(ct: &CtInfo) -> Option<&CtInfo> {
    (!matches!(ct.state, CtState::Invalid | CtState::Untracked)).then_some(ct)
}

/// libxt_state's print: ` state NEW,ESTABLISHED`, ` ! state NEW`, the
/// states in the save order.
impl super::ListForm for State {
    fn list(&self, out: &mut String) {
        if let Some(s) = &self.states {
            out.push_str(if s.neg { " ! state " } else { " state " });
            out.push_str(&name_list(s.value, STATES));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_in_save_order() {
        let m = parse_name_list("Established,new,rel,NEW", STATES);
        assert_eq!(m.map(|m| name_list(m, STATES)).as_deref(), Ok("NEW,RELATED,ESTABLISHED"));
        for bad in ["SNAT", "NEW,", ",NEW", "", "NEW, ESTABLISHED", "FOO"] {
            assert!(parse_name_list(bad, STATES).is_err(), "{bad}");
        }
    }

    fn eval(spec: &str, state: Option<CtState>) -> Tri {
        use crate::ir::{Family, Hook};
        use crate::predict::packet::rule_matches;
        use crate::predict::{CtDir, CtInfo};
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 22);
        let (a, b) = (p.src, p.dst);
        p.ct = state.map(|state| {
            Box::new(CtInfo { state, dir: CtDir::Original, status: 0, mark: 0, proto: 6, orig: (a, b, 1000, 22), reply: (b, a, 22, 1000), expires: 60 })
        });
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn one_state_bit() {
        use CtState::*;
        let spec = "-m state --state RELATED,ESTABLISHED";
        assert_eq!(eval(spec, Some(Established)), Tri::Yes);
        assert_eq!(eval(spec, Some(Related)), Tri::Yes);
        assert_eq!(eval(spec, Some(New)), Tri::No);
        assert_eq!(eval(spec, Some(Invalid)), Tri::No);
        assert_eq!(eval(spec, Some(Untracked)), Tri::No);
        assert_eq!(eval("-m state --state INVALID", Some(Invalid)), Tri::Yes);
        assert_eq!(eval("-m state --state UNTRACKED", Some(Untracked)), Tri::Yes);
        assert_eq!(eval("-m state ! --state NEW", Some(New)), Tri::No);
        assert_eq!(eval("-m state ! --state NEW", Some(Untracked)), Tri::Yes);
        assert_eq!(eval("-m state ! --state NEW", Some(Invalid)), Tri::Yes);
    }

    #[test]
    fn without_conntrack_information_it_is_unknown() {
        for spec in ["-m state --state NEW", "-m state ! --state NEW"] {
            assert_eq!(eval(spec, None), Tri::unknown(NO_CT), "{spec}");
        }
    }
}

/// `ct state established,related`, `ct state != new`.
impl crate::translate::ToNft for State {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        let Some(s) = &self.states else { return Ok(()) };
        cx.push(ct_state_stmt(s.value, s.neg));
        Ok(())
    }
}

/// A state mask over [`STATES`] as an nft flag test.
pub fn ct_state_stmt(mask: u32, neg: bool) -> crate::translate::nft::Stmt {
    use crate::translate::nft;
    let names: Vec<&str> =
        ["invalid", "new", "related", "established", "untracked"].iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect();
    nft::flags(nft::ct("state"), neg, names)
}
