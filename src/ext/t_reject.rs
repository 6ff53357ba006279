//! `-j REJECT` (libipt_REJECT / libip6t_REJECT): drop the packet and answer
//! with an ICMP error or a TCP reset, chosen by `--reject-with TYPE`.
//!
//! iptables reads TYPE by case-insensitive *prefix* against each type's
//! name and alias, in the order of the kernel's `ipt_reject_with` enum, and
//! the first hit wins: `icmp` (or even an empty string) is
//! `icmp-net-unreachable`, `t` is `tcp-reset`. Without the option the kernel
//! sends port-unreachable, and iptables-save prints that default explicitly.
//!
//! The kernel (`reject_tg_check`) allows REJECT only in the filter table at
//! INPUT, FORWARD and OUTPUT, and `tcp-reset` only with a non-negated
//! `-p tcp`.

use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, Hook, HookMask, TableName};
use serde::Serialize;

/// A reject type: its name, the alias iptables also reads, and the ICMP
/// (or ICMPv6) error the kernel sends for it as (type, code): destination
/// unreachable (3; ICMPv6's 1) with the code the name says. `None` for
/// tcp-reset.
struct Type {
    name: &'static str,
    alias: &'static str,
    icmp: Option<(u8, u8)>,
}

/// In the order iptables tries them, IPv4 (`enum ipt_reject_with`, without
/// the dropped echo-reply).
const TYPES_V4: &[Type] = &[
    Type { name: "icmp-net-unreachable", alias: "net-unreach", icmp: Some((3, 0)) },
    Type { name: "icmp-host-unreachable", alias: "host-unreach", icmp: Some((3, 1)) },
    Type { name: "icmp-proto-unreachable", alias: "proto-unreach", icmp: Some((3, 2)) },
    Type { name: "icmp-port-unreachable", alias: "port-unreach", icmp: Some((3, 3)) },
    Type { name: "icmp-net-prohibited", alias: "net-prohib", icmp: Some((3, 9)) },
    Type { name: "icmp-host-prohibited", alias: "host-prohib", icmp: Some((3, 10)) },
    Type { name: "tcp-reset", alias: "tcp-rst", icmp: None },
    Type { name: "icmp-admin-prohibited", alias: "admin-prohib", icmp: Some((3, 13)) },
];

/// IPv6 (`enum ip6t_reject_with`); tcp-reset has no `tcp-rst` alias here.
const TYPES_V6: &[Type] = &[
    Type { name: "icmp6-no-route", alias: "no-route", icmp: Some((1, 0)) },
    Type { name: "icmp6-adm-prohibited", alias: "adm-prohibited", icmp: Some((1, 1)) },
    Type { name: "icmp6-addr-unreachable", alias: "addr-unreach", icmp: Some((1, 3)) },
    Type { name: "icmp6-port-unreachable", alias: "port-unreach", icmp: Some((1, 4)) },
    Type { name: "tcp-reset", alias: "tcp-reset", icmp: None },
    Type { name: "icmp6-policy-fail", alias: "policy-fail", icmp: Some((1, 5)) },
    Type { name: "icmp6-reject-route", alias: "reject-route", icmp: Some((1, 6)) },
];

const TCP_RESET: &str = "tcp-reset";

/// The ICMP (or ICMPv6) error, as (type, code), that the kernel sends for
/// reject type `with`; `None` for tcp-reset.
pub fn icmp_error(with: &str) -> Option<(u8, u8)> {
    TYPES_V4.iter().chain(TYPES_V6).find(|t| t.name == with).and_then(|t| t.icmp)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Reject {
    pub family: Family,
    /// The canonical type name; `None` only while parsing, until `finish`
    /// fills in the kernel's default, port-unreachable (so a rule with and
    /// without an explicit default are the same rule, as for `-D`).
    pub with: Option<&'static str>,
}

impl Reject {
    fn types(&self) -> &'static [Type] {
        match self.family {
            Family::Ipv4 => TYPES_V4,
            Family::Ipv6 => TYPES_V6,
        }
    }

    /// The type iptables sends, default included.
    pub fn kind(&self) -> &'static str {
        self.with.unwrap_or(match self.family {
            Family::Ipv4 => "icmp-port-unreachable",
            Family::Ipv6 => "icmp6-port-unreachable",
        })
    }
}

/// `strncasecmp(name, arg, strlen(arg)) == 0`: `arg` is a case-insensitive
/// prefix of `name`.
fn is_prefix(name: &str, arg: &str) -> bool {
    name.len() >= arg.len() && name.as_bytes()[..arg.len()].eq_ignore_ascii_case(arg.as_bytes())
}

/// The first type whose name or alias starts with `arg`.
fn lookup(types: &'static [Type], arg: &str) -> Option<&'static str> {
    types.iter().find(|t| is_prefix(t.name, arg) || is_prefix(t.alias, arg)).map(|t| t.name)
}

impl Extension for Reject {
    const NAME: &'static str = "REJECT";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["reject-with"], false)];

    fn new(cx: &Cx) -> Reject {
        Reject { family: cx.family, with: None }
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.with.is_some() {
            return Err(ExtError::new("`--reject-with` given twice").help("give one --reject-with"));
        }
        let types = self.types();
        match lookup(types, a.value) {
            Some(t) => self.with = Some(t),
            None => {
                let names: Vec<&str> = types.iter().map(|t| t.name).collect();
                let mut e = ExtError::new(format!("unknown reject type `{}`", a.value));
                let other = if self.family == Family::Ipv4 { TYPES_V6 } else { TYPES_V4 };
                e = if lookup(other, a.value).is_some() && !a.value.is_empty() {
                    e.help(format!("`{}` is a type of the other IP family; here the types are {}", a.value, names.join(", ")))
                } else {
                    e.help(format!("the types are {}", names.join(", ")))
                };
                return Err(e);
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        self.with = Some(self.kind());
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        w.opt(false, "reject-with", self.kind());
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions {
            tables: Some(&[TableName::Filter]),
            hooks: HookMask::of(&[Hook::Input, Hook::Forward, Hook::Output]),
            protos: if self.kind() == TCP_RESET { Some(&[6]) } else { None },
            negated_proto_ok: false,
        }
    }
}

/// libipt_REJECT's / libip6t_REJECT's print: ` reject-with TYPE`, the
/// default type written out.
impl super::ListForm for Reject {
    fn list(&self, out: &mut String) {
        out.push_str(" reject-with ");
        out.push_str(self.kind());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_take_the_first_type() {
        assert_eq!(lookup(TYPES_V4, ""), Some("icmp-net-unreachable"));
        assert_eq!(lookup(TYPES_V4, "icmp"), Some("icmp-net-unreachable"));
        assert_eq!(lookup(TYPES_V4, "t"), Some("tcp-reset"));
        assert_eq!(lookup(TYPES_V4, "ICMP-HOST"), Some("icmp-host-unreachable"));
        assert_eq!(lookup(TYPES_V4, "tcp-rst"), Some("tcp-reset"));
        assert_eq!(lookup(TYPES_V4, "icmp6-no-route"), None);
        assert_eq!(lookup(TYPES_V6, "tcp-rst"), None);
        assert_eq!(lookup(TYPES_V6, "adm"), Some("icmp6-adm-prohibited"));
        // proto-unreach comes before port-unreach, as in the kernel's enum.
        assert_eq!(lookup(TYPES_V4, "p"), Some("icmp-proto-unreachable"));
    }
}

/// `reject` (port unreachable, the default of both), `reject with icmp type
/// host-prohibited`, `reject with icmpv6 type admin-prohibited`, `reject
/// with tcp reset`.
impl crate::translate::ToNft for Reject {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::{Stmt, Untranslatable};
        use nftables::stmt::RejectType;
        use nftables::types::RejectCode as C;
        let (ty, code) = match self.kind() {
            "icmp-port-unreachable" | "icmp6-port-unreachable" => {
                // In an inet table a bare `reject` is icmpx; name the family.
                if cx.inet {
                    let t = if self.family == Family::Ipv4 { RejectType::ICMP } else { RejectType::ICMPv6 };
                    cx.target.push(Stmt::Reject(Some(nftables::stmt::Reject::new(Some(t), Some(C::PortUnreach)))));
                } else {
                    cx.target.push(Stmt::Reject(None));
                }
                return Ok(());
            }
            "tcp-reset" => {
                cx.target.push(Stmt::Reject(Some(nftables::stmt::Reject::new(Some(RejectType::TCPReset), None))));
                return Ok(());
            }
            "icmp-net-unreachable" => (RejectType::ICMP, C::NetUnreach),
            "icmp-host-unreachable" => (RejectType::ICMP, C::HostUnreach),
            "icmp-proto-unreachable" => (RejectType::ICMP, C::ProtUnreach),
            "icmp-net-prohibited" => (RejectType::ICMP, C::NetProhibited),
            "icmp-host-prohibited" => (RejectType::ICMP, C::HostProhibited),
            "icmp-admin-prohibited" => (RejectType::ICMP, C::AdminProhibited),
            "icmp6-no-route" => (RejectType::ICMPv6, C::NoRoute),
            "icmp6-adm-prohibited" => (RejectType::ICMPv6, C::AdminProhibited),
            "icmp6-addr-unreachable" => (RejectType::ICMPv6, C::AddrUnreach),
            other => return Err(Untranslatable::new(format!("--reject-with {other}: the nftables JSON schema fwcheck builds on has no such reject code"))),
        };
        cx.target.push(Stmt::Reject(Some(nftables::stmt::Reject::new(Some(ty), Some(code)))));
        Ok(())
    }
}
