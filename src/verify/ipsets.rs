//! The contents of ipsets, read from the output of `ipset save`
//! (`--ipsets FILE`), so that `-m set --match-set NAME src` becomes a
//! predicate over the packet's address instead of a free choice.
//!
//! Only single-address sets are understood (hash:ip, hash:net, bitmap:ip);
//! a set of another type, or one with `nomatch` entries, stays a free
//! choice, and `ipsets` says which sets those are.

use crate::ir::Family;
use std::collections::BTreeMap;

/// One set: its family and its members as (address bits, prefix mask bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetData {
    pub family: Family,
    /// `None` when the type is one fwcheck does not model.
    pub members: Option<Vec<(u128, u128)>>,
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ipsets {
    pub sets: BTreeMap<String, SetData>,
}

fn mask(len: u32, bits: u32) -> u128 {
    if len == 0 {
        0
    } else {
        (u128::MAX << (128 - len)) >> (128 - bits)
    }
}

/// `a.b.c.d`, `a.b.c.d/len`, or `a-b` (a range, split into prefixes).
fn member(s: &str, family: Family) -> Result<Vec<(u128, u128)>, String> {
    let bits = if family == Family::Ipv4 { 32 } else { 128 };
    let parse = |a: &str| -> Result<u128, String> {
        let ip: std::net::IpAddr = a.parse().map_err(|_| format!("`{a}` is not an address"))?;
        if ip.is_ipv4() != (family == Family::Ipv4) {
            return Err(format!("`{a}` is not of the set's family"));
        }
        Ok(crate::verify::pred::addr_bits(ip))
    };
    if let Some((a, b)) = s.split_once('-') {
        let (mut lo, hi) = (parse(a)?, parse(b)?);
        if lo > hi {
            return Err(format!("range `{s}` is reversed"));
        }
        // Split the range into the largest aligned prefixes, as ipset does.
        let mut out = Vec::new();
        loop {
            let mut len = bits;
            while len > 0 {
                let m = mask(len - 1, bits);
                let size_m1 = !m & mask(bits, bits);
                if lo & !m & mask(bits, bits) != 0 || lo.checked_add(size_m1).is_none_or(|end| end > hi) {
                    break;
                }
                len -= 1;
            }
            let m = mask(len, bits);
            out.push((lo, m));
            let end = lo | (!m & mask(bits, bits));
            if end >= hi {
                return Ok(out);
            }
            lo = end + 1;
        }
    }
    let (a, len) = match s.split_once('/') {
        Some((a, l)) => (a, l.parse::<u32>().ok().filter(|l| *l <= bits).ok_or_else(|| format!("`{l}` is not a prefix length"))?),
        None => (s, bits),
    };
    let m = mask(len, bits);
    Ok(vec![(parse(a)? & m, m)])
}

impl Ipsets {
    /// Reads `ipset save` output. Errors name the line.
    pub fn parse(name: &str, text: &str) -> Result<Ipsets, String> {
        let mut out = Ipsets::default();
        for (n, line) in text.lines().enumerate() {
            let at = |msg: String| format!("{name}:{}: {msg}", n + 1);
            let w: Vec<&str> = line.split_whitespace().collect();
            match w.as_slice() {
                [] => {}
                [c, ..] if c.starts_with('#') => {}
                ["create", set, kind, opts @ ..] => {
                    let family = if opts.windows(2).any(|o| o[0] == "family" && o[1] == "inet6") { Family::Ipv6 } else { Family::Ipv4 };
                    let known = matches!(*kind, "hash:ip" | "hash:net" | "bitmap:ip");
                    out.sets.insert(set.to_string(), SetData { family, members: known.then(Vec::new), kind: kind.to_string() });
                }
                ["add", set, entry, opts @ ..] => {
                    let data = out.sets.get_mut(*set).ok_or_else(|| at(format!("`add` to set `{set}` before its `create`")))?;
                    if opts.contains(&"nomatch") {
                        data.members = None;
                    }
                    let family = data.family;
                    if let Some(m) = data.members.as_mut() {
                        m.extend(member(entry, family).map_err(at)?);
                    }
                }
                _ => return Err(at(format!("expected `create NAME TYPE ...` or `add NAME ENTRY`, found `{}`", line.trim()))),
            }
        }
        Ok(out)
    }

    pub fn get(&self, name: &str) -> Option<&SetData> {
        self.sets.get(name)
    }

    /// What `-m set` says of a packet when the set's members are known:
    /// `None` when they are not (a type fwcheck does not read, `nomatch`
    /// entries), or the match uses options that depend on more than
    /// membership (counters, `--return-nomatch`); the match then stays
    /// undecided.
    pub fn decide(&self, m: &crate::ext::set::Set, p: &crate::predict::Packet) -> Option<bool> {
        use crate::ext::set::Dir;
        let ms = m.set.as_ref()?;
        if m.return_nomatch || m.packets.is_some() || m.bytes.is_some() {
            return None;
        }
        let data = self.get(&ms.name)?;
        let members = data.members.as_ref()?;
        // A single-address set looks at the first direction only.
        let a = match ms.dirs.first()? {
            Dir::Src => p.src,
            Dir::Dst => p.dst,
        };
        let inside = (a.is_ipv4() == (data.family == Family::Ipv4)) && members.iter().any(|(addr, mask)| crate::verify::pred::addr_bits(a) & mask == *addr);
        Some(inside != ms.neg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ipset_save_output() {
        let t = "create admins hash:ip family inet hashsize 1024 maxelem 65536\nadd admins 10.1.0.5\nadd admins 10.1.0.6\n\
                 create blocklist hash:net family inet hashsize 1024 maxelem 65536\nadd blocklist 192.0.2.0/24\n\
                 create r bitmap:ip range 10.0.0.0-10.0.0.255\nadd r 10.0.0.1-10.0.0.6\n\
                 create pp hash:ip,port family inet\nadd pp 10.0.0.1,tcp:80\n";
        let s = Ipsets::parse("sets", t).unwrap();
        assert_eq!(s.get("admins").unwrap().members.as_ref().unwrap().len(), 2);
        assert_eq!(s.get("blocklist").unwrap().members.as_ref().unwrap(), &vec![(0xc000_0200, 0xffff_ff00)]);
        // 1, 2-3, 4-5, 6
        assert_eq!(s.get("r").unwrap().members.as_ref().unwrap().len(), 4);
        assert!(s.get("pp").unwrap().members.is_none());
        assert!(Ipsets::parse("sets", "add x 1.2.3.4\n").unwrap_err().starts_with("sets:1:"));
    }
}
