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

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("data/options.tsv");

/// One option of an extension: its long name and whether it takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownOpt {
    pub name: &'static str,
    pub takes_value: bool,
}

#[derive(Default)]
struct Catalog {
    matches: HashMap<&'static str, Vec<KnownOpt>>,
    targets: HashMap<&'static str, Vec<KnownOpt>>,
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
        c
    })
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
}
