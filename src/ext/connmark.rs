//! `-m connmark [!] --mark VALUE[/MASK]` (libxt_connmark, revision 1): the
//! mark of the packet's conntrack entry (ct mark), ANDed with MASK, equals
//! VALUE.
//!
//! Same numbers and printing as the mark match ([`super::mark`]): base-0
//! 32-bit numbers, lower-case hex, an all-ones mask left out. No table or
//! hook restriction (a packet without conntrack entry has ct mark 0).

use super::mark::parse_mark;
use super::value::ValueMask;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Connmark {
    /// `--mark` with its negation.
    pub mark: Option<(bool, ValueMask)>,
}

/// The match for the prover (see `verify::pred`): the connection's mark is
/// not a packet field, so a free choice.
impl Connmark {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::Pred;
        match self.mark {
            None => Pred::free("the packet has a conntrack entry"),
            Some((neg, vm)) => Pred::free(format!("connmark {:#x}/{:#x}", vm.value, vm.mask)).negate_if(neg),
        }
    }
}

impl Extension for Connmark {
    const NAME: &'static str = "connmark";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["mark"], true)];

    fn new(_: &Cx) -> Connmark {
        Connmark::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        parse_mark(&mut self.mark, a)
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.mark.is_none() {
            return Err(ExtError::new("`-m connmark` without `--mark`").help("write `-m connmark --mark VALUE[/MASK]`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some((neg, vm)) = self.mark {
            w.opt(neg, "mark", vm.to_save());
        }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `connmark_mt` (xt_connmark.c) returns false, `!` or not, when
/// `nf_ct_get` finds no conntrack entry: for an untracked or invalid
/// packet, and for one the model gives no conntrack information.
impl MatchEval for Connmark {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let Some(ct) = p.ct.as_deref().and_then(super::state::entry) else {
            return Tri::No;
        };
        match self.mark {
            None => Tri::Yes,
            Some((neg, vm)) => Tri::from_bool(ct.mark & vm.mask == vm.value).negate_if(neg),
        }
    }
}

/// libxt_connmark's print: ` connmark match ` then `!` when negated, then
/// the mark with its own leading space, so a plain match has two spaces
/// (` connmark match  0x1`) and a negated one reads ` connmark match ! 0x1`.
impl super::ListForm for Connmark {
    fn list(&self, out: &mut String) {
        out.push_str(" connmark match ");
        if let Some((neg, vm)) = self.mark {
            if neg {
                out.push('!');
            }
            super::mark::list_mark(out, vm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ir::{Family, Hook};
    use crate::predict::packet::rule_matches;
    use crate::predict::{CtDir, CtInfo, CtState};

    fn ct(state: CtState, mark: u32) -> CtInfo {
        let (a, b) = ([10, 0, 0, 1].into(), [10, 0, 0, 2].into());
        CtInfo { state, dir: CtDir::Original, status: 0, mark, proto: 6, orig: (a, b, 1000, 22), reply: (b, a, 22, 1000), expires: 60 }
    }

    fn eval(spec: &str, ct: Option<CtInfo>) -> Tri {
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 22);
        p.ct = ct.map(Box::new);
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn the_entry_mark_under_mask() {
        let est = |mark| Some(ct(CtState::Established, mark));
        assert_eq!(eval("-m connmark --mark 0x5", est(5)), Tri::Yes);
        assert_eq!(eval("-m connmark --mark 0x5", est(4)), Tri::No);
        assert_eq!(eval("-m connmark --mark 0x4/0x4", est(5)), Tri::Yes);
        assert_eq!(eval("-m connmark ! --mark 0x5", est(5)), Tri::No);
        assert_eq!(eval("-m connmark ! --mark 0x5", est(0)), Tri::Yes);
        assert_eq!(eval("-m connmark --mark 0", est(0)), Tri::Yes);
    }

    #[test]
    fn no_entry_never_matches_even_negated() {
        for spec in ["-m connmark --mark 0", "-m connmark ! --mark 0x5"] {
            assert_eq!(eval(spec, None), Tri::No, "{spec}");
            assert_eq!(eval(spec, Some(ct(CtState::Untracked, 0))), Tri::No, "{spec}");
            assert_eq!(eval(spec, Some(ct(CtState::Invalid, 0))), Tri::No, "{spec}");
        }
    }
}

/// `ct mark 0x1`, `ct mark & 0xf != 0x1`.
impl crate::translate::ToNft for Connmark {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        if let Some((neg, vm)) = &self.mark {
            cx.push(super::mark::mark_match(crate::translate::nft::ct("mark"), *neg, vm));
        }
        Ok(())
    }
}
