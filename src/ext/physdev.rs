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

/// libxt_physdev's print: ` PHYSDEV match` followed by the options exactly
/// as iptables-save writes them (`--physdev-in eth0`, ` ! --physdev-is-in`).
impl super::ListForm for Physdev {
    fn list(&self, out: &mut String) {
        out.push_str(" PHYSDEV match");
        self.save(&mut SaveWriter { out });
    }
}
