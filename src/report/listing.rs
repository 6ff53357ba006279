//! The rule set as `iptables -t TABLE -vnxL` prints it (iptables 1.8.9,
//! nf_tables backend), byte for byte, so a prediction can be diffed against
//! the kernel's own listing.
//!
//! The layout is iptables' `print_header` and `print_rule_details`
//! (iptables/xshared.c), with the flags `-v` (counters, `opt`, `in`, `out`),
//! `-n` (numbers, no name lookups) and `-x` (exact counters):
//!
//! ```text
//! Chain INPUT (policy DROP 3 packets, 4 bytes)
//!     pkts      bytes target     prot opt in     out     source               destination
//!        7      560 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22
//! ```
//!
//! Decisions, each taken from the real binary (see `tests/kernel_listing.rs`):
//! - Counters are `%8llu ` each: the bytes column is 8 wide although its
//!   header is 10 wide (iptables prints the header with `%10s`, the values
//!   with the same `%8llu` as packets); a wider number pushes the line right.
//!   The policy counters in the chain header are plain numbers.
//! - `prot` is the protocol *number* (`6`, and `0` for any protocol): with
//!   `-n`, iptables 1.8.9 prints numbers, not names (the names `tcp`, `all`
//!   appear only without `-n`). `!` takes the column before it.
//! - Every field is padded and followed by a space, so a rule without
//!   matches ends in spaces after the destination, exactly as iptables
//!   prints it; fields longer than their width push the rest right.
//! - An address is printed with its mask (`/24`, a non-contiguous mask as
//!   `/255.0.255.0`, nothing for a host), `0.0.0.0/0` (`::/0`) when absent.
//! - `in` and `out` show `*` for any interface (also for a lone `+`, for
//!   which iptables-nft stores no match), `!` glued to a negated name.
//! - The `target` column is the verdict, chain or target name, empty for a
//!   rule without `-j`; NOTRACK shows as `CT` (iptables 1.8.9 loads it as an
//!   alias of CT, and the kernel returns that name).
//! - A goto prints `[goto] ` after the addresses, before the matches.
//! - The matches and the target print their extension text (each starting
//!   with a space, see [`crate::ext::ListForm`]) in the order iptables-nft
//!   lists them: several tcp or udp matches merged into one, as
//!   iptables-save shows them.
//! - Chains come as iptables-nft lists them: the table's built-in chains in
//!   hook order, every one of them even if the input never created it
//!   (policy ACCEPT, zero counters, as iptables-nft shows a missing base
//!   chain), then the user chains sorted by name (byte order). A user chain
//!   shows how many rules of the table jump or go to it. Chains are
//!   separated by a blank line; there is none after the last.

use crate::ext::generic::{AddrMask, Iface, Neg};
use crate::ext::value::ipv6_to_string;
use crate::ext::{Target, TargetExt};
use crate::ir::save::listed_matches;
use crate::ir::{Chain, Counters, Family, Policy, Rule, Ruleset, Table, TableName};
use std::fmt::Write;
use std::net::IpAddr;

/// What `iptables -t TABLE -vnxL` (`ip6tables` for IPv6) prints for the rule
/// set: every chain of the table with its header, column header and rules.
pub fn listing(rs: &Ruleset, family: Family, table: TableName) -> String {
    let t = rs.table(family, table);
    let mut out = String::new();
    for (i, c) in chains(t, table).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        chain_block(t, c, family, &mut out);
    }
    out
}

/// What `iptables -t TABLE -vnxL CHAIN` prints: one chain's block, or `None`
/// if the chain does not exist (iptables fails then).
pub fn listing_chain(rs: &Ruleset, family: Family, table: TableName, chain: &str) -> Option<String> {
    let t = rs.table(family, table);
    let c = chains(t, table).into_iter().find(|c| c.name() == chain)?;
    let mut out = String::new();
    chain_block(t, &c, family, &mut out);
    Some(out)
}

/// A chain to list: one of the table, or a built-in chain it lacks.
enum Listed<'a> {
    Present(&'a Chain),
    /// A built-in chain the input never created: iptables lists it anyway.
    Missing(&'static str),
}

impl Listed<'_> {
    fn name(&self) -> &str {
        match self {
            Listed::Present(c) => &c.name,
            Listed::Missing(n) => n,
        }
    }
}

fn chains(t: Option<&Table>, table: TableName) -> Vec<Listed<'_>> {
    let mut v: Vec<Listed> = table
        .builtin_chains()
        .iter()
        .map(|h| match t.and_then(|t| t.chain(h.as_str())) {
            Some(c) => Listed::Present(c),
            None => Listed::Missing(h.as_str()),
        })
        .collect();
    if let Some(t) = t {
        let mut users: Vec<&Chain> = t.chains.iter().filter(|c| !c.is_builtin()).collect();
        users.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        v.extend(users.into_iter().map(Listed::Present));
    }
    v
}

/// The number of rules in the table that jump or go to `chain`: the
/// kernel's use count of the chain, which iptables-nft prints.
fn references(t: Option<&Table>, chain: &str) -> usize {
    t.map_or(0, |t| t.chains.iter().flat_map(|c| &c.rules).filter(|r| r.target.chain() == Some(chain)).count())
}

fn chain_block(t: Option<&Table>, c: &Listed, family: Family, out: &mut String) {
    match c {
        Listed::Present(c) if !c.is_builtin() => {
            let _ = writeln!(out, "Chain {} ({} references)", c.name, references(t, &c.name));
        }
        Listed::Present(c) => header_policy(out, &c.name, c.policy.unwrap_or(Policy::Accept), c.counters),
        Listed::Missing(name) => header_policy(out, name, Policy::Accept, Counters::default()),
    }
    out.push_str(COLUMNS);
    if let Listed::Present(c) = c {
        for r in &c.rules {
            rule_line(r, family, out);
        }
    }
}

fn header_policy(out: &mut String, name: &str, policy: Policy, c: Counters) {
    let _ = writeln!(out, "Chain {} (policy {} {} packets, {} bytes)", name, policy.as_str(), c.packets, c.bytes);
}

/// The column header under each chain's header line, with `-v`: `%8s `
/// pkts, `%10s ` bytes, `%-9s ` target, ` prot `, `opt`, ` %-6s ` in,
/// `%-6s ` out, ` %-19s ` source, ` %-19s ` destination.
pub const COLUMNS: &str = "    pkts      bytes target     prot opt in     out     source               destination         \n";

/// One rule's line.
pub fn rule_line(r: &Rule, family: Family, out: &mut String) {
    let _ = write!(out, "{:>8} {:>8} ", r.counters.packets, r.counters.bytes);
    let _ = write!(out, "{:<9} ", target_name(&r.target));
    match &r.ip.proto {
        Some(p) => {
            out.push(if p.neg { '!' } else { ' ' });
            let _ = write!(out, "{:<4} ", p.value);
        }
        None => out.push_str(" 0    "),
    }
    match r.ip.fragment {
        None => out.push_str("-- "),
        Some(false) => out.push_str("-f "),
        Some(true) => out.push_str("!f "),
    }
    let _ = write!(out, " {:<6} ", iface(&r.ip.iniface));
    let _ = write!(out, "{:<6} ", iface(&r.ip.outiface));
    address(out, &r.ip.src, family);
    address(out, &r.ip.dst, family);
    if matches!(r.target, Target::Goto(_)) {
        out.push_str("[goto] ");
    }
    for m in listed_matches(&r.matches) {
        m.list(out);
    }
    if let Target::Ext(t) = &r.target {
        t.list(out);
    }
    out.push('\n');
}

/// The `target` column: a verdict, a chain, an extension's name, or nothing
/// for a rule that only counts.
fn target_name(t: &Target) -> &str {
    match t {
        Target::None => "",
        Target::Accept => "ACCEPT",
        Target::Drop => "DROP",
        Target::Queue => "QUEUE",
        Target::Return => "RETURN",
        Target::Jump(c) | Target::Goto(c) => c,
        // iptables 1.8.9 loads NOTRACK as an alias of the CT target; the
        // kernel stores and returns the name CT.
        Target::Ext(TargetExt::Notrack(_)) => "CT",
        Target::Ext(e) => e.name(),
    }
}

/// `eth0`, `!eth0`, or `*` for any interface (a lone `+` is any, and
/// iptables-nft stores no interface match for it).
fn iface(i: &Option<Neg<Iface>>) -> String {
    match i {
        None => "*".into(),
        Some(i) if !i.neg && i.value.0 == "+" => "*".into(),
        Some(i) => format!("{}{}", if i.neg { "!" } else { "" }, i.value.0),
    }
}

/// ` 10.0.0.0/8          ` or `!10.0.0.0/8          `: the `!` column, the
/// address padded to 19, a space.
fn address(out: &mut String, a: &Option<Neg<AddrMask>>, family: Family) {
    let (neg, text) = match a {
        None => (false, if family == Family::Ipv4 { "0.0.0.0/0".to_string() } else { "::/0".to_string() }),
        Some(a) => (a.neg, addr_mask(&a.value)),
    };
    out.push(if neg { '!' } else { ' ' });
    let _ = write!(out, "{text:<19} ");
}

/// An address as xtables' `*addr_to_numeric` and `*mask_to_numeric` print
/// it: nothing for a host mask, `/LEN` for a contiguous one, else the mask
/// as an address.
pub fn addr_mask(a: &AddrMask) -> String {
    let host = match a.addr {
        IpAddr::V4(v) => v.to_string(),
        IpAddr::V6(v) => ipv6_to_string(v),
    };
    let bits = if a.addr.is_ipv4() { 32 } else { 128 };
    match a.prefix_len() {
        Some(len) if len == bits => host,
        Some(len) => format!("{host}/{len}"),
        None => {
            let m = match a.mask {
                IpAddr::V4(v) => v.to_string(),
                IpAddr::V6(v) => ipv6_to_string(v),
            };
            format!("{host}/{m}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_str, LoadOptions};

    fn rs(text: &str, family: Family) -> Ruleset {
        let (sources, loaded) = load_str("t", text, &LoadOptions { save_family: Some(family), netns: None, lenient: false });
        let errs: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.short(&sources)).collect();
        loaded.ruleset.unwrap_or_else(|| panic!("{errs:?}"))
    }

    #[test]
    fn column_header_has_iptables_widths() {
        // pkts right-aligned in 8, bytes in 10, then target, prot, opt, in,
        // out, source and destination as `print_header` pads them.
        let want = format!("{:>8} {:>10} {:<9}  prot opt {:<6} {:<6}  {:<19}  {:<19} \n", "pkts", "bytes", "target", "in", "out", "source", "destination");
        assert_eq!(COLUMNS, want);
    }

    #[test]
    fn rule_columns_line_up() {
        let r = rs("*filter\n:INPUT DROP [3:4]\n[7:560] -A INPUT -s 1.2.3.4/24 ! -i eth0 -p tcp -f -j ACCEPT\nCOMMIT\n", Family::Ipv4);
        let got = listing_chain(&r, Family::Ipv4, TableName::Filter, "INPUT").unwrap();
        let want = "Chain INPUT (policy DROP 3 packets, 4 bytes)\n".to_string()
            + COLUMNS
            + "       7      560 ACCEPT     6    -f  !eth0  *       1.2.3.0/24           0.0.0.0/0           \n";
        assert_eq!(got, want);
    }

    #[test]
    fn wide_values_push_the_line_right() {
        let text = "*filter\n[123456789:12345678901234] -A INPUT ! -p tcp -i abcdefghijklmno ! -d 10.0.0.0/255.0.255.0 ! -f -j ACCEPT\nCOMMIT\n";
        let r = rs(text, Family::Ipv4);
        let got = listing_chain(&r, Family::Ipv4, TableName::Filter, "INPUT").unwrap();
        let line = got.lines().nth(2).unwrap();
        assert_eq!(line, "123456789 12345678901234 ACCEPT    !6    !f  abcdefghijklmno *       0.0.0.0/0           !10.0.0.0/255.0.255.0 ");
    }

    #[test]
    fn no_target_and_goto() {
        let text = "*filter\n:X - [0:0]\n-A INPUT -p 47\n-A INPUT -g X\nCOMMIT\n";
        let r = rs(text, Family::Ipv4);
        let got = listing_chain(&r, Family::Ipv4, TableName::Filter, "INPUT").unwrap();
        let lines: Vec<&str> = got.lines().skip(2).collect();
        assert_eq!(lines[0], "       0        0            47   --  *      *       0.0.0.0/0            0.0.0.0/0           ");
        assert_eq!(lines[1], "       0        0 X          0    --  *      *       0.0.0.0/0            0.0.0.0/0           [goto] ");
    }

    #[test]
    fn extension_text_follows_the_destination_column() {
        // Matches in the order iptables-nft lists them (two tcp matches
        // merged into the first), then the target's text.
        let text = "*filter\n:U - [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -m comment --comment hi -m tcp --sport 1 -j LOG --log-prefix \"x: \"\n-A INPUT -p tcp --dport 80 -g U\nCOMMIT\n";
        let r = rs(text, Family::Ipv4);
        let got = listing_chain(&r, Family::Ipv4, TableName::Filter, "INPUT").unwrap();
        let lines: Vec<&str> = got.lines().skip(2).collect();
        assert_eq!(
            lines[0],
            "       0        0 LOG        6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp spt:1 dpt:22 /* hi */ LOG flags 0 level 4 prefix \"x: \""
        );
        assert_eq!(lines[1], "       0        0 U          6    --  *      *       0.0.0.0/0            0.0.0.0/0           [goto]  tcp dpt:80");
    }

    #[test]
    fn notrack_lists_under_the_ct_target() {
        let r = rs("*raw\n-A PREROUTING -j NOTRACK\nCOMMIT\n", Family::Ipv4);
        let got = listing_chain(&r, Family::Ipv4, TableName::Raw, "PREROUTING").unwrap();
        assert_eq!(got.lines().nth(2).unwrap(), "       0        0 CT         0    --  *      *       0.0.0.0/0            0.0.0.0/0            NOTRACK");
    }

    #[test]
    fn ipv6_addresses() {
        let text = "*filter\n-A INPUT ! -s 2001:db8::1/ffff:0:ffff:: -d 2001:db8::/32 -p ipv6-icmp\n-A INPUT -d ::1\nCOMMIT\n";
        let r = rs(text, Family::Ipv6);
        let got = listing_chain(&r, Family::Ipv6, TableName::Filter, "INPUT").unwrap();
        let lines: Vec<&str> = got.lines().skip(2).collect();
        assert_eq!(lines[0], "       0        0            58   --  *      *      !2001::/ffff:0:ffff::  2001:db8::/32       ");
        assert_eq!(lines[1], "       0        0            0    --  *      *       ::/0                 ::1                 ");
    }

    #[test]
    fn whole_table_lists_every_builtin_chain_then_sorted_user_chains() {
        let text = "*filter\n:zz - [0:0]\n:B - [0:0]\n:AAA - [0:0]\n-A FORWARD -j zz\n-A B -g zz\n-A INPUT -j B\nCOMMIT\n";
        let r = rs(text, Family::Ipv4);
        let got = listing(&r, Family::Ipv4, TableName::Filter);
        let heads: Vec<&str> = got.lines().filter(|l| l.starts_with("Chain ")).collect();
        assert_eq!(
            heads,
            [
                "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)",
                "Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)",
                "Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)",
                "Chain AAA (0 references)",
                "Chain B (1 references)",
                "Chain zz (2 references)",
            ]
        );
        // A blank line between chains, none at the end.
        assert_eq!(got.matches("\n\nChain ").count(), 5);
        assert!(got.ends_with(COLUMNS));
    }

    #[test]
    fn a_table_the_input_never_made() {
        let r = Ruleset::default();
        let got = listing(&r, Family::Ipv4, TableName::Raw);
        let want = format!("Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)\n{COLUMNS}\nChain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n{COLUMNS}");
        assert_eq!(got, want);
        assert_eq!(listing_chain(&r, Family::Ipv4, TableName::Raw, "INPUT"), None);
    }
}
