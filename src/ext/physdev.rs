//! `-m physdev` (libxt_physdev): the bridge ports a bridged packet came in
//! on or goes out of, for rules that see bridged traffic through
//! br_netfilter.
//!
//! `--physdev-in IF` / `--physdev-out IF` name the port (15 characters at
//! most, `+` at the end for a prefix); `--physdev-is-in`, `--physdev-is-out`
//! and `--physdev-is-bridged` test that there is one. All are negatable, at
//! least one is needed, and iptables-save prints them in a fixed order, not
//! as written, with the names unquoted. The kernel (`physdev_mt_check`) refuses `--physdev-out` and
//! `--physdev-is-out` at the OUTPUT hook unless `--physdev-is-bridged` (not
//! negated) is given too: the output port of a locally sent packet is not
//! known yet when OUTPUT runs.

use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Hook, HookMask};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Physdev {
    pub physdev_in: Option<(bool, String)>,
    pub physdev_out: Option<(bool, String)>,
    /// `--physdev-is-in`, with its negation.
    pub is_in: Option<bool>,
    pub is_out: Option<bool>,
    pub is_bridged: Option<bool>,
}

/// IFNAMSIZ less the NUL.
const MAX_IFNAME: usize = 15;

fn twice(opt: &str) -> ExtError {
    ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match")
}

/// The match for the prover (see `verify::pred`): the bridge ports, not a packet
/// field, so a free choice.
impl Physdev {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        let mut text = String::new();
        super::Extension::save(self, &mut super::SaveWriter { out: &mut text });
        crate::verify::pred::Pred::free(format!("{}:{text}", <Self as super::Extension>::NAME))
    }
}

impl Extension for Physdev {
    const NAME: &'static str = "physdev";
    const OPTIONS: &'static [Opt] = &[
        Opt::value(&["physdev-in"], true),
        Opt::value(&["physdev-out"], true),
        Opt::flag(&["physdev-is-in"], true),
        Opt::flag(&["physdev-is-out"], true),
        Opt::flag(&["physdev-is-bridged"], true),
    ];

    fn new(_: &Cx) -> Physdev {
        Physdev::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        match opt {
            "physdev-in" | "physdev-out" => {
                let slot = if opt == "physdev-in" { &mut self.physdev_in } else { &mut self.physdev_out };
                if slot.is_some() {
                    return Err(twice(opt));
                }
                if a.value.len() > MAX_IFNAME {
                    return Err(ExtError::new(format!("interface name `{}` is longer than {MAX_IFNAME} characters", a.value))
                        .help("Linux interface names have at most 15 characters; end a prefix with `+`"));
                }
                *slot = Some((a.neg, a.value.to_string()));
            }
            _ => {
                let slot = match opt {
                    "physdev-is-in" => &mut self.is_in,
                    "physdev-is-out" => &mut self.is_out,
                    _ => &mut self.is_bridged,
                };
                if slot.is_some() {
                    return Err(twice(opt));
                }
                *slot = Some(a.neg);
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if *self == Physdev::default() {
            return Err(ExtError::new("`-m physdev` without an option")
                .help("add --physdev-in, --physdev-out, --physdev-is-in, --physdev-is-out or --physdev-is-bridged"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        let iface = |w: &mut SaveWriter, name: &str, v: &Option<(bool, String)>| {
            if let Some((neg, i)) = v {
                w.opt(*neg, name, i);
            }
        };
        if let Some(neg) = self.is_in {
            w.flag(neg, "physdev-is-in");
        }
        iface(w, "physdev-in", &self.physdev_in);
        if let Some(neg) = self.is_out {
            w.flag(neg, "physdev-is-out");
        }
        iface(w, "physdev-out", &self.physdev_out);
        if let Some(neg) = self.is_bridged {
            w.flag(neg, "physdev-is-bridged");
        }
    }

    fn restrictions(&self) -> Restrictions {
        let out = self.physdev_out.is_some() || self.is_out.is_some();
        let hooks = if out && self.is_bridged != Some(false) { HookMask::ALL.minus(Hook::Output.bit()) } else { HookMask::ALL };
        Restrictions { hooks, ..Restrictions::NONE }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `physdev_mt` (xt_physdev.c). A packet that did not cross a bridge has no
/// bridge information, and the kernel then matches exactly when every
/// option given is negated. For a bridged packet, `--physdev-is-bridged`
/// means there is an output port (so it holds in FORWARD and POSTROUTING);
/// `--physdev-in NAME` is not tested at all when there is no input port (a
/// locally sent packet going out through a bridge), while `--physdev-out
/// NAME` is false without an output port, `!` or not.
impl MatchEval for Physdev {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let Some((indev, outdev)) = p.physdev.as_deref() else {
            let neg = |o: Option<bool>| o.is_none_or(|neg| neg);
            let named = |o: &Option<(bool, String)>| o.as_ref().is_none_or(|(neg, _)| *neg);
            let all_negated = neg(self.is_bridged) && neg(self.is_in) && neg(self.is_out) && named(&self.physdev_in) && named(&self.physdev_out);
            return Tri::from_bool(all_negated);
        };
        let port = |o: Option<bool>, dev: &Option<String>| o.is_none_or(|neg| dev.is_some() != neg);
        let ok = port(self.is_bridged, outdev)
            && port(self.is_in, indev)
            && port(self.is_out, outdev)
            && match (&self.physdev_in, indev) {
                (Some((neg, name)), Some(dev)) => name_matches(name, dev) != *neg,
                _ => true,
            }
            && match (&self.physdev_out, outdev) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some((neg, name)), Some(dev)) => name_matches(name, dev) != *neg,
            };
        Tri::from_bool(ok)
    }
}

/// `ifname_compare_aligned` with the mask iptables makes: `eth+` compares
/// the prefix, any other name the whole name.
fn name_matches(pattern: &str, dev: &str) -> bool {
    match pattern.strip_suffix('+') {
        Some(prefix) => dev.starts_with(prefix),
        None => dev == pattern,
    }
}

/// libxt_physdev's print: ` PHYSDEV match` followed by the options exactly
/// as iptables-save writes them (`--physdev-in eth0`, ` ! --physdev-is-in`).
impl super::ListForm for Physdev {
    fn list(&self, out: &mut String) {
        out.push_str(" PHYSDEV match");
        self.save(&mut SaveWriter { out });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Family;
    use crate::predict::packet::rule_matches;

    type Ports = Option<(Option<&'static str>, Option<&'static str>)>;

    fn eval(chain: &str, spec: &str, ports: Ports) -> Tri {
        let m = rule_matches(Family::Ipv4, "filter", chain, spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 22);
        p.physdev = ports.map(|(i, o)| Box::new((i.map(String::from), o.map(String::from))));
        let hook = if chain == "INPUT" { Hook::Input } else { Hook::Forward };
        m[0].eval(&p, &EvalCx { hook, local: &[], lab: None })
    }

    const FWD: Ports = Some((Some("veth1"), Some("eth0")));
    const IN: Ports = Some((Some("veth1"), None));
    const LOCAL_OUT: Ports = Some((None, Some("eth0")));

    #[test]
    fn bridged_ports() {
        assert_eq!(eval("FORWARD", "-m physdev --physdev-in veth1", FWD), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-in veth+", FWD), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-in veth", FWD), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-in veth+", FWD), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-out eth0", FWD), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-out eth0", FWD), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-in veth1 --physdev-out eth1", FWD), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-out + --physdev-is-bridged", FWD), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-is-bridged", FWD), Tri::Yes);
        assert_eq!(eval("INPUT", "-m physdev --physdev-is-bridged", IN), Tri::No);
        assert_eq!(eval("INPUT", "-m physdev ! --physdev-is-bridged", IN), Tri::Yes);
        assert_eq!(eval("INPUT", "-m physdev --physdev-is-in", IN), Tri::Yes);
        assert_eq!(eval("INPUT", "-m physdev ! --physdev-is-in", IN), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-is-out", IN), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-is-out", IN), Tri::Yes);
    }

    #[test]
    fn missing_ports() {
        // No input port: the name test is skipped, even without `!`.
        assert_eq!(eval("FORWARD", "-m physdev --physdev-in veth1", LOCAL_OUT), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-is-in", LOCAL_OUT), Tri::No);
        // No output port: the name test fails, even with `!`.
        assert_eq!(eval("FORWARD", "-m physdev --physdev-out eth0", IN), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-out eth0", IN), Tri::No);
    }

    #[test]
    fn not_bridged_matches_only_when_all_negated() {
        assert_eq!(eval("FORWARD", "-m physdev --physdev-is-bridged", None), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-is-bridged", None), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-in veth1", None), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-in veth1 ! --physdev-is-out", None), Tri::Yes);
        assert_eq!(eval("FORWARD", "-m physdev ! --physdev-in veth1 --physdev-is-out", None), Tri::No);
        assert_eq!(eval("FORWARD", "-m physdev --physdev-out eth0", None), Tri::No);
    }
}

/// Not translated: in the `ip` family nft sees no bridge ports (the
/// physdev match reads br_netfilter's bookkeeping); such rules belong in
/// an nft `bridge` table.
impl crate::translate::ToNft for Physdev {
    fn to_nft(&self, _: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        Err(crate::translate::nft::Untranslatable::new("physdev (bridge ports) has no form in an ip/ip6/inet table; use an nft bridge table"))
    }
}
