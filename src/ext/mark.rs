//! `-m mark [!] --mark VALUE[/MASK]` (libxt_mark, revision 1): the packet's
//! firewall mark (skb->mark), ANDed with MASK, equals VALUE.
//!
//! Numbers are C `strtoul` with base 0 (so `010` is 8), 32 bits. The kernel
//! keeps VALUE as given, even with bits outside MASK (`0x1/0x0` can never
//! match, and iptables-save still prints it); save prints lower-case hex and
//! leaves out an all-ones mask. No table or hook restriction.

use super::value::ValueMask;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// `--mark` with its negation.
    pub mark: Option<(bool, ValueMask)>,
}

/// Reads `--mark` of the mark and connmark matches.
pub fn parse_mark(slot: &mut Option<(bool, ValueMask)>, a: &Arg) -> ExtResult {
    if slot.is_some() {
        return Err(ExtError::new("`--mark` given twice").help("give one --mark per match; add another match for a second test"));
    }
    let vm = ValueMask::parse(a.value).map_err(|e| ExtError::new(format!("bad mark `{}`", a.value)).help(e.help.unwrap_or_default()))?;
    *slot = Some((a.neg, vm));
    Ok(())
}

/// The match for the prover (see `verify::pred`): the mark field, unless
/// the rule set sets marks, which makes the mark depend on earlier rules.
impl Mark {
    pub fn pred(&self, cx: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        match self.mark {
            None => Pred::True,
            Some((neg, vm)) if cx.marks_free => Pred::free(format!("mark {:#x}/{:#x} (the rule set sets marks)", vm.value, vm.mask)).negate_if(neg),
            Some((neg, vm)) => Pred::masked(Field::Mark, vm.mask as u128, vm.value as u128).negate_if(neg),
        }
    }
}

impl Extension for Mark {
    const NAME: &'static str = "mark";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["mark"], true)];

    fn new(_: &Cx) -> Mark {
        Mark::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        parse_mark(&mut self.mark, a)
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.mark.is_none() {
            return Err(ExtError::new("`-m mark` without `--mark`").help("write `-m mark --mark VALUE[/MASK]`"));
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

/// `mark_mt` (xt_mark.c): `((skb->mark & mask) == mark) ^ invert`, with the
/// value compared as given, so a value with bits outside the mask never
/// matches (and always does with `!`).
impl MatchEval for Mark {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        match self.mark {
            None => Tri::Yes,
            Some((neg, vm)) => Tri::from_bool(p.mark & vm.mask == vm.value).negate_if(neg),
        }
    }
}

/// A mark as xtables' `print_mark` lists it: ` 0x1`, or ` 0x1/0xff` unless
/// the mask is all ones.
pub fn list_mark(out: &mut String, vm: ValueMask) {
    out.push(' ');
    out.push_str(&vm.to_save());
}

/// libxt_mark's print: ` mark match 0x1`, ` mark match ! 0x1/0xf`.
impl super::ListForm for Mark {
    fn list(&self, out: &mut String) {
        out.push_str(" mark match");
        if let Some((neg, vm)) = self.mark {
            if neg {
                out.push_str(" !");
            }
            list_mark(out, vm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ir::{Family, Hook};
    use crate::predict::packet::rule_matches;

    fn eval(spec: &str, mark: u32) -> Tri {
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 22);
        p.mark = mark;
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn value_under_mask() {
        assert_eq!(eval("-m mark --mark 0x1", 1), Tri::Yes);
        assert_eq!(eval("-m mark --mark 0x1", 3), Tri::No);
        assert_eq!(eval("-m mark --mark 0x1/0x1", 3), Tri::Yes);
        assert_eq!(eval("-m mark --mark 0x10/0xf0", 0x1f), Tri::Yes);
        assert_eq!(eval("-m mark --mark 0x10/0xf0", 0x20), Tri::No);
        assert_eq!(eval("-m mark ! --mark 0x1", 1), Tri::No);
        assert_eq!(eval("-m mark ! --mark 0x1", 0), Tri::Yes);
        // Bits outside the mask: never equal, so only the negation matches.
        assert_eq!(eval("-m mark --mark 0x3/0x1", 3), Tri::No);
        assert_eq!(eval("-m mark ! --mark 0x3/0x1", 3), Tri::Yes);
        assert_eq!(eval("-m mark --mark 0/0", 0xffff_ffff), Tri::Yes);
    }
}

/// `meta mark 0x1`, or `meta mark & 0xff == 0xa` with a mask.
pub fn mark_match(left: crate::translate::nft::Expr, neg: bool, vm: &ValueMask) -> crate::translate::nft::Stmt {
    use crate::translate::nft;
    if vm.mask == u32::MAX {
        nft::eq(left, neg, nft::n(vm.value))
    } else {
        nft::eq(nft::and(left, nft::n(vm.mask)), neg, nft::n(vm.value))
    }
}

impl crate::translate::ToNft for Mark {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        if let Some((neg, vm)) = &self.mark {
            cx.push(mark_match(crate::translate::nft::meta(nftables::expr::MetaKey::Mark), *neg, vm));
        }
        Ok(())
    }
}
