//! `-m addrtype` (libxt_addrtype, revision 1): the routing type of the
//! source or destination address (`[!] --src-type`, `[!] --dst-type`, each a
//! comma list of types), optionally looked up only for the incoming or the
//! outgoing interface (`--limit-iface-in` / `--limit-iface-out`).
//!
//! Type names are case-insensitive prefixes, and the first type in kernel
//! order wins, so `U` is UNSPEC, not UNICAST. iptables-save prints the types
//! in kernel (bit) order, `--src-type` first.
//!
//! The kernel refuses `--limit-iface-in` where there is no incoming
//! interface (OUTPUT, POSTROUTING) and `--limit-iface-out` where there is no
//! outgoing one yet (PREROUTING, INPUT); for IPv6 it does not support
//! BROADCAST, BLACKHOLE, PROHIBIT, THROW, NAT or XRESOLVE.

use super::generic::Neg;
use super::value::{name_list, parse_name_list};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, Hook, HookMask};
use serde::Serialize;

/// The kernel's `rtn_type` names; bit `i` of a mask is `TYPES[i]`.
pub const TYPES: &[&str] =
    &["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"];

const BROADCAST: u32 = 1 << 3;
const BLACKHOLE: u32 = 1 << 6;
const PROHIBIT: u32 = 1 << 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitIface {
    In,
    Out,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Addrtype {
    /// Masks over [`TYPES`].
    pub src: Option<Neg<u32>>,
    pub dst: Option<Neg<u32>>,
    pub limit_iface: Option<LimitIface>,
}

fn types(s: &str) -> ExtResult<u32> {
    parse_name_list(s, TYPES)
        .map_err(|item| ExtError::new(format!("bad address type `{item}` in `{s}`")).help(format!("the types are {}, separated by commas", TYPES.join(", "))))
}

impl Extension for Addrtype {
    const NAME: &'static str = "addrtype";
    const OPTIONS: &'static [Opt] =
        &[Opt::value(&["src-type"], true), Opt::value(&["dst-type"], true), Opt::flag(&["limit-iface-in"], false), Opt::flag(&["limit-iface-out"], false)];

    fn new(_: &Cx) -> Addrtype {
        Addrtype::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        let twice = || ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match; list several types with commas");
        match opt {
            "src-type" | "dst-type" => {
                let slot = if opt == "src-type" { &mut self.src } else { &mut self.dst };
                if slot.is_some() {
                    return Err(twice());
                }
                *slot = Some(Neg::new(a.neg, types(a.value)?));
            }
            _ => {
                let want = if opt == "limit-iface-in" { LimitIface::In } else { LimitIface::Out };
                match self.limit_iface {
                    Some(l) if l == want => return Err(twice()),
                    Some(_) => {
                        return Err(ExtError::new("`--limit-iface-in` and `--limit-iface-out` together")
                            .help("the lookup is limited to one interface: give one of them"))
                    }
                    None => self.limit_iface = Some(want),
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &Cx) -> ExtResult {
        if self.src.is_none() && self.dst.is_none() {
            return Err(ExtError::new("`-m addrtype` without `--src-type` or `--dst-type`").help("write `-m addrtype --dst-type LOCAL`"));
        }
        if cx.family == Family::Ipv6 {
            let all = self.src.as_ref().map_or(0, |s| s.value) | self.dst.as_ref().map_or(0, |d| d.value);
            let bad = all & (BROADCAST | BLACKHOLE | !(PROHIBIT - 1));
            if bad != 0 {
                return Err(ExtError::new(format!("the kernel does not support addrtype {} for IPv6", name_list(bad, TYPES)))
                    .help("IPv6 has UNSPEC, UNICAST, LOCAL, ANYCAST, MULTICAST and UNREACHABLE"));
            }
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        for (name, t) in [("src-type", &self.src), ("dst-type", &self.dst)] {
            if let Some(t) = t {
                w.opt(t.neg, name, name_list(t.value, TYPES));
            }
        }
        match self.limit_iface {
            Some(LimitIface::In) => w.flag(false, "limit-iface-in"),
            Some(LimitIface::Out) => w.flag(false, "limit-iface-out"),
            None => {}
        }
    }

    fn restrictions(&self) -> Restrictions {
        let hooks = match self.limit_iface {
            None => HookMask::ALL,
            Some(LimitIface::In) => HookMask::of(&[Hook::Prerouting, Hook::Input, Hook::Forward]),
            Some(LimitIface::Out) => HookMask::of(&[Hook::Forward, Hook::Output, Hook::Postrouting]),
        };
        Restrictions { hooks, ..Restrictions::NONE }
    }
}

/// libxt_addrtype's print (revision 1): ` ADDRTYPE match`, then
/// ` src-type [!]TYPES` and ` dst-type [!]TYPES` (the `!` against the
/// list), then ` limit-in` or ` limit-out`.
impl super::ListForm for Addrtype {
    fn list(&self, out: &mut String) {
        out.push_str(" ADDRTYPE match");
        for (name, t) in [("src-type", &self.src), ("dst-type", &self.dst)] {
            if let Some(t) = t.as_ref().filter(|t| t.value != 0) {
                out.push_str(&format!(" {name} {}{}", if t.neg { "!" } else { "" }, name_list(t.value, TYPES)));
            }
        }
        match self.limit_iface {
            Some(LimitIface::In) => out.push_str(" limit-in"),
            Some(LimitIface::Out) => out.push_str(" limit-out"),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_lists() {
        assert_eq!(types("loc,U,B,M").map(|m| name_list(m, TYPES)).as_deref(), Ok("UNSPEC,LOCAL,BROADCAST,MULTICAST"));
        assert_eq!(types("UNICAST,unicast").map(|m| name_list(m, TYPES)).as_deref(), Ok("UNICAST"));
        assert!(types("LOCAL,,UNICAST").is_err());
        assert!(types("FOO").is_err());
    }
}
