//! The long options of every extension iptables 1.8.9 ships for IPv4 and
//! IPv6 (`data/options.tsv`), modelled or not.
//!
//! iptables merges a loaded extension's options into getopt's table, so an
//! exact option name of the extension wins over an abbreviation of a main
//! option: `-m policy --pol ipsec` is the policy match's `--pol`, not
//! `--policy`. To read a rule with an extension fwcheck keeps opaque the way
//! iptables does, the parser needs that extension's option names even though
//! it knows nothing else of it. The table was read from the installed
//! `libxt_*.so`, `libipt_*.so` and `libip6t_*.so` option arrays (newest
//! revision, every family) and checked against `iptables -m NAME --help`.

use super::Restrictions;
use crate::ir::{Hook, HookMask, TableName};
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("data/options.tsv");
const RESTRICTIONS: &str = include_str!("data/restrictions.tsv");

/// One option of an extension: its long name and whether it takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownOpt {
    pub name: &'static str,
    pub takes_value: bool,
}

type Limits = (Vec<TableName>, HookMask, Vec<u8>);

#[derive(Default)]
struct Catalog {
    matches: HashMap<&'static str, Vec<KnownOpt>>,
    targets: HashMap<&'static str, Vec<KnownOpt>>,
    /// Name -> (tables, hooks, protocols) of matches ([0]) and targets
    /// ([1]), empty lists for no restriction.
    limits: [HashMap<&'static str, Limits>; 2],
}

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| {
        let mut c = Catalog::default();
        for line in TABLE.lines() {
            let f: Vec<&'static str> = line.split('\t').collect();
            let [kind, ext, _family, opt, arg] = f[..] else { continue };
            let map = if kind == "target" { &mut c.targets } else { &mut c.matches };
            let opts = map.entry(ext).or_default();
            if opt != "-" && !opts.iter().any(|o| o.name == opt) {
                opts.push(KnownOpt { name: opt, takes_value: arg != "none" });
            }
        }
        for line in RESTRICTIONS.lines().filter(|l| !l.starts_with('#')) {
            let [kind, name, tables, hooks, protos] = line.split('\t').collect::<Vec<_>>()[..] else { continue };
            let list = |v: &'static str| v.split(',').filter(move |x| *x != "any");
            let tables = list(tables).filter_map(TableName::parse).collect();
            let hooks: Vec<Hook> = list(hooks).filter_map(|h| Hook::ALL.into_iter().find(|x| x.as_str() == h)).collect();
            let hooks = if hooks.is_empty() { HookMask::ALL } else { HookMask::of(&hooks) };
            let protos = list(protos).filter_map(|p| p.parse().ok()).collect();
            c.limits[usize::from(kind == "target")].insert(name, (tables, hooks, protos));
        }
        c
    })
}

/// The kernel's load-time restrictions of extension `name` (tables, hooks,
/// a `-p` that must be given and not negated), from
/// `data/restrictions.tsv`: none for an extension the table does not list.
pub fn restrictions(target: bool, name: &str) -> Restrictions {
    match catalog().limits[usize::from(target)].get(name) {
        Some((tables, hooks, protos)) => Restrictions {
            tables: (!tables.is_empty()).then_some(tables.as_slice()),
            hooks: *hooks,
            protos: (!protos.is_empty()).then_some(protos.as_slice()),
            negated_proto_ok: false,
        },
        None => Restrictions::NONE,
    }
}

/// Targets fwcheck does not model that let the walk go on (they return
/// XT_CONTINUE) and change nothing a modelled match reads: checksums,
/// priority (CLASSIFY), TOS/DSCP and the ECN bits, security marks, audit
/// records, timers, LEDs, rate estimators, tracing. Rules after them are
/// then walked as the kernel walks them. TTL, HL, HMARK, SET, TCPOPTSTRIP,
/// DNPT and SNPT also continue but change what later rules may read (the
/// TTL, the mark, ipsets, TCP options, addresses), so they stay unknown.
const CONTINUES: &[&str] = &["AUDIT", "CHECKSUM", "CLASSIFY", "CONNSECMARK", "DSCP", "ECN", "IDLETIMER", "LED", "RATEEST", "SECMARK", "TOS", "TRACE"];

/// Whether target `name`, which fwcheck does not model, continues the walk
/// without changing anything fwcheck's matches read.
pub fn target_continues(name: &str) -> bool {
    CONTINUES.contains(&name)
}

/// Unmodelled extensions whose kernel module needs connection tracking
/// (they call nf_ct_netns_get on load), so that loading them switches it
/// on in the namespace, as a conntrack match does.
const NEED_CONNTRACK: [&[&str]; 2] = [&["helper", "connbytes", "connlabel", "connlimit", "cluster"], &["CONNSECMARK", "NETMAP", "SYNPROXY"]];

/// Whether the extension (a target if `target`) switches conntrack on.
pub fn needs_conntrack(target: bool, name: &str) -> bool {
    NEED_CONNTRACK[usize::from(target)].contains(&name)
}

/// The options of match extension `name`, if iptables ships it.
pub fn match_options(name: &str) -> Option<&'static [KnownOpt]> {
    catalog().matches.get(name).map(Vec::as_slice)
}

/// The options of target extension `name`, if iptables ships it.
pub fn target_options(name: &str) -> Option<&'static [KnownOpt]> {
    catalog().targets.get(name).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_and_checksum_are_known() {
        let pol = match_options("policy").unwrap();
        assert!(pol.iter().any(|o| o.name == "pol" && o.takes_value));
        assert!(pol.iter().any(|o| o.name == "strict" && !o.takes_value));
        assert!(target_options("CHECKSUM").unwrap().iter().any(|o| o.name == "checksum-fill"));
        assert_eq!(target_options("TRACE"), Some(&[][..]));
        assert!(match_options("nosuchmatch").is_none());
        // Matches and targets are apart: `mark` and `MARK` differ.
        assert!(match_options("MARK").is_none());
        assert!(target_options("MARK").unwrap().iter().any(|o| o.name == "set-xmark"));
    }

    #[test]
    fn tproxy_is_mangle_prerouting_tcp_or_udp() {
        let r = restrictions(true, "TPROXY");
        assert_eq!(r.tables, Some(&[TableName::Mangle][..]));
        assert_eq!(r.hooks, HookMask::of(&[Hook::Prerouting]));
        assert_eq!(r.protos, Some(&[6u8, 17][..]));
        assert_eq!(restrictions(true, "NFQUEUE").hooks, HookMask::ALL);
        assert!(restrictions(false, "rpfilter").tables.is_some());
    }
}
