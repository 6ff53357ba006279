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
}
