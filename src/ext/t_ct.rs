//! `-j CT` and `-j NOTRACK` (libxt_CT, revision 2): set up the connection
//! tracking of a packet before conntrack sees it: no tracking at all
//! (`--notrack`), a helper, a timeout policy, which events to report, and
//! the conntrack zone.
//!
//! `-j NOTRACK` is a CT target with `--notrack` in the kernel, but
//! iptables-save prints it back as `-j NOTRACK`, so it stays its own type.
//! Both are allowed only in the raw table (`xt_ct_tg_check`).
//!
//! The kernel looks a helper up by name *and* layer-4 protocol, which it
//! takes from the rule's non-negated `-p`; so `--helper ftp` needs
//! `-p tcp`. fwcheck knows the kernel's built-in helpers; a userspace
//! helper (`nfct add helper`) or a `--timeout` policy (`nfct add timeout`)
//! lives outside the rule set, so fwcheck cannot see it and reports it.
//!
//! Zones: `--zone` is both directions, `--zone-orig` and `--zone-reply`
//! add one direction each, and all three write the same ID field, so the
//! last ID given wins; `mark` (any case) takes the zone from the packet
//! mark. Zone 0 is the default and is not printed.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, HookMask, TableName};
use serde::Serialize;

const TCP: u8 = 6;
const UDP: u8 = 17;

/// The kernel's conntrack helpers: name, layer-4 protocols, IPv4 only.
const HELPERS: &[(&str, &[u8], bool)] = &[
    ("amanda", &[UDP], false),
    ("ftp", &[TCP], false),
    ("RAS", &[UDP], false),
    ("Q.931", &[TCP], false),
    ("irc", &[TCP], true),
    ("netbios-ns", &[UDP], true),
    ("pptp", &[TCP], true),
    ("sane", &[TCP], false),
    ("sip", &[UDP, TCP], false),
    ("snmp", &[UDP], true),
    ("snmp_trap", &[UDP], true),
    ("tftp", &[UDP], false),
];

/// `--ctevents` names in the order iptables prints them (bit = index).
const CT_EVENTS: &[&str] = &["new", "related", "destroy", "reply", "assured", "protoinfo", "helper", "mark", "natseqinfo", "secmark"];
/// `--expevents` names.
const EXP_EVENTS: &[&str] = &["new"];

pub const ZONE_ORIG: u8 = 1;
pub const ZONE_REPLY: u8 = 2;
pub const ZONE_MARK: u8 = 4;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ct {
    pub notrack: bool,
    /// The helper's name; empty for none.
    pub helper: String,
    /// Protocols the helper exists for.
    #[serde(skip)]
    helper_protos: &'static [u8],
    pub timeout: String,
    /// Bit i is `CT_EVENTS[i]`.
    pub ctevents: u16,
    pub expevents: u8,
    pub zone: u16,
    /// `ZONE_ORIG`, `ZONE_REPLY`, `ZONE_MARK`.
    pub zone_flags: u8,
    #[serde(skip)]
    family: Family,
    #[serde(skip)]
    given: super::Seen,
}

fn events(opt: &str, s: &str, names: &[&str]) -> ExtResult<u16> {
    let mut m = 0;
    for e in s.split(',') {
        match names.iter().position(|n| *n == e) {
            Some(i) => m |= 1 << i,
            None => return Err(ExtError::new(format!("unknown event `{e}` in `--{opt}`")).help(format!("the events are {}", names.join(", ")))),
        }
    }
    Ok(m)
}

fn events_to_save(mask: u16, names: &[&str]) -> String {
    names.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect::<Vec<_>>().join(",")
}

impl Extension for Ct {
    const NAME: &'static str = "CT";
    const OPTIONS: &'static [Opt] = &[
        Opt::flag(&["notrack"], false),
        Opt::value(&["helper"], false),
        Opt::value(&["timeout"], false),
        Opt::value(&["ctevents"], false),
        Opt::value(&["expevents"], false),
        Opt::value(&["zone-orig"], false),
        Opt::value(&["zone-reply"], false),
        Opt::value(&["zone"], false),
    ];

    fn new(cx: &Cx) -> Ct {
        Ct {
            notrack: false,
            helper: String::new(),
            helper_protos: &[],
            timeout: String::new(),
            ctevents: 0,
            expevents: 0,
            zone: 0,
            zone_flags: 0,
            family: cx.family,
            given: super::Seen::default(),
        }
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.given.contains(&opt) {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once"));
        }
        self.given.push(opt);
        let v = a.value;
        match opt {
            "notrack" => self.notrack = true,
            "helper" => {
                if !v.is_empty() {
                    let Some((name, protos, v4_only)) = HELPERS.iter().find(|(n, _, _)| *n == v) else {
                        let names: Vec<&str> = HELPERS.iter().map(|(n, _, _)| *n).collect();
                        return Err(ExtError::new(format!("no conntrack helper `{v}`")).help(format!(
                            "the kernel's helpers are {} (case matters); a userspace helper made with `nfct add helper` is not visible to fwcheck",
                            names.join(", ")
                        )));
                    };
                    if *v4_only && self.family == Family::Ipv6 {
                        return Err(ExtError::new(format!("the `{name}` helper is IPv4 only")).help("use it in iptables, not ip6tables"));
                    }
                    self.helper_protos = protos;
                }
                self.helper = v.to_string();
            }
            "timeout" => {
                if !v.is_empty() {
                    return Err(ExtError::new(format!("no conntrack timeout policy `{v}`")).help(
                        "the kernel needs a cttimeout object of this name (`nfct add timeout`); it lives outside the rule set, and fwcheck cannot see it",
                    ));
                }
            }
            "ctevents" => self.ctevents = events(opt, v, CT_EVENTS)?,
            "expevents" => self.expevents = events(opt, v, EXP_EVENTS)? as u8,
            _ => {
                if opt == "zone-orig" {
                    self.zone_flags |= ZONE_ORIG;
                }
                if opt == "zone-reply" {
                    self.zone_flags |= ZONE_REPLY;
                }
                self.zone = 0;
                if v.eq_ignore_ascii_case("mark") {
                    self.zone_flags |= ZONE_MARK;
                } else {
                    self.zone =
                        parse_uint(v, u16::MAX as u64).ok_or_else(|| ExtError::new(format!("bad zone `{v}`")).help("a zone is 0 to 65535, or `mark`"))? as u16;
                }
            }
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if self.notrack {
            w.flag(false, "notrack");
        }
        if !self.helper.is_empty() {
            w.opt(false, "helper", &self.helper);
        }
        if !self.timeout.is_empty() {
            w.opt(false, "timeout", &self.timeout);
        }
        if self.ctevents != 0 {
            w.opt(false, "ctevents", events_to_save(self.ctevents, CT_EVENTS));
        }
        if self.expevents != 0 {
            w.opt(false, "expevents", events_to_save(self.expevents as u16, EXP_EVENTS));
        }
        if self.zone != 0 || self.zone_flags & ZONE_MARK != 0 {
            let name = match self.zone_flags & (ZONE_ORIG | ZONE_REPLY) {
                ZONE_ORIG => "zone-orig",
                ZONE_REPLY => "zone-reply",
                _ => "zone",
            };
            if self.zone_flags & ZONE_MARK != 0 {
                w.opt(false, name, "mark");
            } else {
                w.opt(false, name, self.zone);
            }
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions {
            tables: Some(&[TableName::Raw]),
            hooks: HookMask::ALL,
            protos: if self.helper.is_empty() { None } else { Some(self.helper_protos) },
            negated_proto_ok: false,
        }
    }
}

/// `-j NOTRACK`: no options; the packet is not tracked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Notrack {}

impl Extension for Notrack {
    const NAME: &'static str = "NOTRACK";
    const OPTIONS: &'static [Opt] = &[];

    fn new(_: &Cx) -> Notrack {
        Notrack {}
    }

    fn parse(&mut self, _: &'static str, _: &Arg, _: &Cx) -> ExtResult {
        Ok(())
    }

    fn save(&self, _: &mut SaveWriter) {}

    fn restrictions(&self) -> Restrictions {
        Restrictions { tables: Some(&[TableName::Raw]), ..Restrictions::NONE }
    }
}

/// libxt_CT's print: ` CT` and the save form without the dashes
/// (` CT notrack zone 1`, ` CT helper ftp ctevents related`).
impl super::ListForm for Ct {
    fn list(&self, out: &mut String) {
        out.push_str(" CT");
        let mut save = String::new();
        self.save(&mut SaveWriter { out: &mut save });
        out.push_str(&save.replace(" --", " "));
    }
}

/// ` NOTRACK`. (The `target` column shows `CT`: iptables 1.8.9 loads
/// NOTRACK as an alias of the CT target, whose name the kernel returns.)
impl super::ListForm for Notrack {
    fn list(&self, out: &mut String) {
        out.push_str(" NOTRACK");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_print_in_table_order() {
        let m = events("ctevents", "secmark,new,new", CT_EVENTS).unwrap_or(0);
        assert_eq!(events_to_save(m, CT_EVENTS), "new,secmark");
        assert!(events("expevents", "destroy", EXP_EVENTS).is_err());
        assert!(events("ctevents", "", CT_EVENTS).is_err());
    }
}

/// `notrack` for `-j CT --notrack` (whatever else is given); the other CT options (helpers,
/// timeouts, zones, event masks) need named nft objects and are not
/// translated.
impl crate::translate::ToNft for Ct {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        // With --notrack the kernel (xt_ct_tg_check) ignores every other
        // option: the packet is simply not tracked.
        if self.notrack {
            cx.target.push(crate::translate::nft::Stmt::Notrack);
            return Ok(());
        }
        Err(crate::translate::nft::Untranslatable::new(
            "-j CT with a helper, timeout, zone or event mask needs named nft objects, which fwcheck does not write",
        ))
    }
}

/// `notrack`.
impl crate::translate::ToNft for Notrack {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        cx.target.push(crate::translate::nft::Stmt::Notrack);
        Ok(())
    }
}
