//! `-j MARK` (libxt_MARK, revision 2): change the packet's firewall mark
//! (skb->mark).
//!
//! Every operation is one kernel operation, `mark = (mark & ~MASK) ^ VALUE`,
//! so iptables-save prints all of them as `--set-xmark VALUE/MASK`:
//! `--set-mark V/M` becomes `V/(M|V)`, `--and-mark M` becomes `0/~M`,
//! `--or-mark M` becomes `M/M` and `--xor-mark M` becomes `M/0`. Exactly one
//! operation per rule. Revision 2 has no table restriction (revision 0 was
//! mangle only).

use super::value::{parse_uint, ValueMask};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

/// The operations MARK and CONNMARK share.
pub const MARK_OPS: [Opt; 5] = [
    Opt::value(&["set-xmark"], false),
    Opt::value(&["set-mark"], false),
    Opt::value(&["and-mark"], false),
    Opt::value(&["or-mark"], false),
    Opt::value(&["xor-mark"], false),
];

fn u32_value(opt: &str, s: &str) -> ExtResult<u32> {
    parse_uint(s, u32::MAX as u64)
        .map(|v| v as u32)
        .ok_or_else(|| ExtError::new(format!("bad `--{opt}` value `{s}`")).help("give one number up to 0xffffffff (no /mask with this option)"))
}

/// One of the [`MARK_OPS`] as the kernel's (value, mask) pair.
pub fn mark_op(opt: &str, s: &str) -> ExtResult<ValueMask> {
    Ok(match opt {
        "set-xmark" => ValueMask::parse(s)?,
        "set-mark" => {
            let vm = ValueMask::parse(s)?;
            ValueMask { value: vm.value, mask: vm.mask | vm.value }
        }
        "and-mark" => ValueMask { value: 0, mask: !u32_value(opt, s)? },
        "or-mark" => {
            let v = u32_value(opt, s)?;
            ValueMask { value: v, mask: v }
        }
        _ => ValueMask { value: u32_value(opt, s)?, mask: 0 },
    })
}

/// `--set-xmark 0xV/0xM`, with the mask always written.
pub fn xmark_to_save(vm: ValueMask) -> String {
    format!("{:#x}/{:#x}", vm.value, vm.mask)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// `mark = (mark & ~mask) ^ value`.
    pub op: Option<ValueMask>,
}

impl Extension for Mark {
    const NAME: &'static str = "MARK";
    const OPTIONS: &'static [Opt] = &MARK_OPS;

    fn new(_: &Cx) -> Mark {
        Mark::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.op.is_some() {
            return Err(ExtError::new(format!("`--{opt}` after another mark operation"))
                .help("MARK takes exactly one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark; use two rules for two changes"));
        }
        self.op = Some(mark_op(opt, a.value)?);
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.op.is_none() {
            return Err(ExtError::new("`-j MARK` without an operation").help("write e.g. `-j MARK --set-mark 0x1`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(vm) = self.op {
            w.opt(false, "set-xmark", xmark_to_save(vm));
        }
    }
}

/// The operation as libxt_MARK's and libxt_CONNMARK's print name it: ` and
/// ~MASK` when the value is 0, ` or V` when value and mask are equal, ` xor
/// V` when the mask is 0, ` set V` when the mask is all ones, else ` xset
/// V/M` (so `--set-mark 0` lists as `and 0x0`).
pub fn list_xmark(out: &mut String, vm: ValueMask) {
    let (value, mask) = (vm.value, vm.mask);
    let s = if value == 0 {
        format!(" and {:#x}", !mask)
    } else if value == mask {
        format!(" or {value:#x}")
    } else if mask == 0 {
        format!(" xor {value:#x}")
    } else if mask == u32::MAX {
        format!(" set {value:#x}")
    } else {
        format!(" xset {value:#x}/{mask:#x}")
    };
    out.push_str(&s);
}

/// ` MARK set 0x1`, ` MARK and 0xff`, ...: see [`list_xmark`].
impl super::ListForm for Mark {
    fn list(&self, out: &mut String) {
        out.push_str(" MARK");
        if let Some(vm) = self.op {
            list_xmark(out, vm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(opt: &str, v: &str) -> String {
        mark_op(opt, v).map(xmark_to_save).unwrap_or_else(|e| e.message)
    }

    #[test]
    fn every_operation_is_an_xmark() {
        assert_eq!(s("set-mark", "10/0"), "0xa/0xa");
        assert_eq!(s("set-mark", "0x100/0xff"), "0x100/0x1ff");
        assert_eq!(s("set-xmark", "1"), "0x1/0xffffffff");
        assert_eq!(s("and-mark", "0xff"), "0x0/0xffffff00");
        assert_eq!(s("or-mark", "0xff"), "0xff/0xff");
        assert_eq!(s("xor-mark", "010"), "0x8/0x0");
        assert!(mark_op("or-mark", "1/2").is_err());
        assert!(mark_op("set-mark", "1/").is_err());
        assert!(mark_op("set-mark", "0x100000000").is_err());
    }
}

/// `REG set VALUE` for `REG = (REG & ~mask) ^ value`, in the shortest
/// form: `set 0x1`, `set REG | 0x1`, `set REG & 0xff`, `set REG ^ 0x1`,
/// else `set REG & ~mask ^ value`.
pub fn xmark_to_nft(reg: crate::translate::nft::Expr, vm: ValueMask) -> crate::translate::nft::Stmt {
    use crate::translate::nft::{self, Expression, Stmt};
    use nftables::expr::BinaryOperation;
    let keep = !vm.mask;
    let value = if vm.mask == u32::MAX {
        nft::n(vm.value)
    } else if vm.mask == 0 {
        Expression::BinaryOperation(Box::new(BinaryOperation::XOR(reg.clone(), nft::n(vm.value))))
    } else if vm.value == 0 {
        nft::and(reg.clone(), nft::n(keep))
    } else if vm.value == vm.mask {
        Expression::BinaryOperation(Box::new(BinaryOperation::OR(vec![reg.clone(), nft::n(vm.value)])))
    } else {
        Expression::BinaryOperation(Box::new(BinaryOperation::XOR(nft::and(reg.clone(), nft::n(keep)), nft::n(vm.value))))
    };
    Stmt::Mangle(nftables::stmt::Mangle { key: reg, value })
}

/// `meta mark set ...`.
impl crate::translate::ToNft for Mark {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        if let Some(vm) = self.op {
            cx.target.push(xmark_to_nft(crate::translate::nft::meta(nftables::expr::MetaKey::Mark), vm));
        }
        Ok(())
    }
}
