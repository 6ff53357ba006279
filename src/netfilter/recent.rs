//! The address lists of `-m recent` (xt_recent), carried along the packets
//! of a run. A lab's namespace is fresh and its rules were loaded just
//! before the traffic, so every list starts empty; each packet that meets
//! a recent match then changes the lists as `recent_mt` does, and later
//! tests read them. A host that has run for a while (a single-host
//! prediction) has lists fwcheck knows nothing of: its tests stay
//! undecided (see `ext::recent`).
//!
//! What the kernel keeps, per network namespace and list name (shared by
//! iptables and ip6tables rules, and by every rule naming the list): up to
//! `ip_list_tot` (100) addresses, least recently seen evicted first, each
//! with its family, the TTL of the packet that last set it, and the times
//! of its last packets in a ring of `nstamps_max_mask + 1` stamps (32 with
//! the default `ip_pkt_list_tot` of 20, more when a rule's `--hitcount`
//! needs them). The list's mask is the one of the rule that created it.
//! These are the module's defaults; a host loaded with other
//! `ip_list_tot`/`ip_pkt_list_tot` parameters behaves otherwise.
//!
//! Times: a lab's traffic is short. While it has lasted less than a test's
//! `--seconds`, every stamp is inside the window and `--reap` removes
//! nothing; once it may have lasted longer, fwcheck cannot say which
//! stamps are left, and the test is undecided.

use crate::ext::generic::to_bits;
use crate::ext::recent::{Mode, Recent, Side};
use crate::ir::{Family, Hook, Ruleset};
use crate::predict::{Packet, Tri};

/// `ip_list_tot`: addresses a list holds.
const LIST_TOT: usize = 100;
/// `ip_pkt_list_tot`: stamps an address keeps, before rounding up.
const PKT_LIST_TOT: u32 = 20;
/// A jiffy at HZ 100 (the coarsest kernels build), and then some: a test
/// is decided only while the traffic lasted less than `--seconds` by this.
const MARGIN_MS: u64 = 20;

/// The lists of one host, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lists {
    lists: Vec<List>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct List {
    name: String,
    /// The list's mask, as [`to_bits`] has it. The kernel keeps one mask
    /// per list whatever the family; rules of both families with their
    /// default masks disagree, and the list is then undecided.
    mask: u128,
    /// Stamps per address (`nstamps_max_mask + 1`).
    stamps: u32,
    /// Why the list's contents are no longer known, once they are not.
    unknown: Option<String>,
    /// Least recently seen first (the kernel's LRU list).
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    family: Family,
    addr: u128,
    /// The TTL of the packet that last set or updated it; `None` when
    /// fwcheck could not tell it (see [`hook_ttl`]).
    ttl: Option<u8>,
    /// Stamps held (the ring's fill).
    stamps: u32,
}

/// `recent_mt_check`'s ring size for one rule.
fn ring(hitcount: u32) -> u32 {
    if hitcount < PKT_LIST_TOT {
        PKT_LIST_TOT.next_power_of_two()
    } else {
        hitcount.next_power_of_two()
    }
}

impl Lists {
    /// The empty lists a fresh namespace holds once `rs` is loaded: one
    /// per name, with the mask of the first rule naming it (tables and
    /// rules in load order) and the ring the largest `--hitcount` needs.
    pub fn of(rs: &Ruleset) -> Lists {
        let mut lists: Vec<List> = Vec::new();
        for t in &rs.tables {
            for r in t.chains.iter().flat_map(|c| &c.rules) {
                for m in &r.matches {
                    let crate::ext::Match::Recent(rc) = m else { continue };
                    let mask = to_bits(rc.mask());
                    let ring = ring(rc.hitcount.unwrap_or(0));
                    match lists.iter_mut().find(|l| l.name == rc.name()) {
                        Some(l) => {
                            l.stamps = l.stamps.max(ring);
                            if l.mask != mask && l.unknown.is_none() {
                                l.unknown = Some(format!(
                                    "recent list {}: its rules give different --mask values, and the kernel keeps the one of the rule it loaded first",
                                    l.name
                                ));
                            }
                        }
                        None => lists.push(List { name: rc.name().to_string(), mask, stamps: ring, unknown: None, entries: Vec::new() }),
                    }
                }
            }
        }
        Lists { lists }
    }

    /// Makes every later test of the list `m` names undecided: whether
    /// this packet changed it could not be told.
    pub fn forget(&mut self, m: &Recent, why: &str) {
        if let Some(l) = self.lists.iter_mut().find(|l| l.name == m.name()) {
            if l.unknown.is_none() {
                l.unknown = Some(format!("recent list {}: {why}", l.name));
            }
        }
    }
}

/// Whether the match changes its list when it is reached.
pub fn changes(m: &Recent) -> bool {
    !matches!(m.mode, Some((_, Mode::Rcheck)))
}

/// The TTL `recent_mt` reads: the one before forwarding, so one more than
/// the packet's in the hooks after ip_forward lowered it (a packet with an
/// output interface and no socket). `None` where fwcheck cannot tell
/// whether a local packet has a socket (a TCP reset may be REJECT's, made
/// without one).
fn hook_ttl(p: &Packet, hook: Hook) -> Option<u8> {
    match hook {
        Hook::Prerouting | Hook::Input => Some(p.ttl),
        Hook::Forward => Some(p.ttl.wrapping_add(1)),
        Hook::Output | Hook::Postrouting if p.iif.is_some() => Some(p.ttl.wrapping_add(1)),
        _ if p.proto == 6 && p.tcp_flags & 0x04 != 0 && p.owner.is_none() => None,
        _ => Some(p.ttl),
    }
}

/// `recent_mt` on `lists`, which it changes as the kernel would, for a
/// packet of `family` at `hook`; `elapsed_ms` bounds how long the traffic
/// has lasted.
pub fn decide(lists: &mut Lists, m: &Recent, family: Family, p: &Packet, hook: Hook, elapsed_ms: u64) -> Tri {
    let Some(l) = lists.lists.iter_mut().find(|l| l.name == m.name()) else {
        return Tri::unknown(format!("recent list {}: not created by the rule set", m.name()));
    };
    if let Some(why) = &l.unknown {
        return Tri::unknown(why.clone());
    }
    let Some((invert, mode)) = m.mode else {
        return Tri::unknown("recent match without an action");
    };
    let addr = to_bits(if m.side == Side::Dest { p.dst } else { p.src }) & l.mask;
    let ttl = hook_ttl(p, hook);
    let undecided_ttl = || Tri::unknown(format!("recent list {} --rttl: whether the kernel counts this packet's TTL before forwarding", m.name()));
    // The lookup compares TTLs only with --rttl (0 matches any).
    let want = if m.rttl {
        match ttl {
            Some(t) => t,
            None => return undecided_ttl(),
        }
    } else {
        0
    };
    let mut found = None;
    for (i, e) in l.entries.iter().enumerate() {
        if e.family != family || e.addr != addr {
            continue;
        }
        match e.ttl {
            _ if want == 0 => {}
            Some(t) if t == want || t == 0 => {}
            Some(_) => continue,
            None => return undecided_ttl(),
        }
        found = Some(i);
        break;
    }
    let mut ret = invert;
    let Some(i) = found else {
        if mode == Mode::Set {
            if l.entries.len() >= LIST_TOT {
                l.entries.remove(0);
            }
            l.entries.push(Entry { family, addr, ttl, stamps: 1 });
            ret = !ret;
        }
        return Tri::from_bool(ret);
    };
    match mode {
        Mode::Set => ret = !ret,
        Mode::Remove => {
            l.entries.remove(i);
            return Tri::from_bool(!ret);
        }
        Mode::Rcheck | Mode::Update => {
            if let Some(s) = m.seconds {
                if elapsed_ms + MARGIN_MS >= u64::from(s) * 1000 {
                    let why = format!(
                        "recent list {} --seconds {s}: the traffic may have lasted that long ({elapsed_ms} ms), and which packets are in the window depends on when each was sent",
                        m.name()
                    );
                    if mode == Mode::Update || m.reap {
                        l.unknown = Some(why.clone());
                    }
                    return Tri::unknown(why);
                }
            }
            if m.hitcount.unwrap_or(0) <= l.entries[i].stamps {
                ret = !ret;
            }
        }
    }
    if mode == Mode::Set || (mode == Mode::Update && ret) {
        let mut e = l.entries.remove(i);
        e.stamps = (e.stamps + 1).min(l.stamps);
        e.ttl = ttl;
        l.entries.push(e);
    }
    Tri::from_bool(ret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::packet::rule_matches;

    fn recent(spec: &str) -> Recent {
        match rule_matches(Family::Ipv4, "filter", "INPUT", spec).remove(0) {
            crate::ext::Match::Recent(r) => r,
            m => panic!("not recent: {m:?}"),
        }
    }

    fn lists(specs: &[&Recent]) -> Lists {
        let mut l = Lists::default();
        for r in specs {
            l.lists.push(List { name: r.name().to_string(), mask: to_bits(r.mask()), stamps: ring(r.hitcount.unwrap_or(0)), unknown: None, entries: vec![] });
        }
        l
    }

    #[test]
    fn the_ssh_brute_force_pattern() {
        let set = recent("-m recent --set --name SSH");
        let update = recent("-m recent --update --seconds 60 --hitcount 3 --name SSH");
        let mut l = lists(&[&set]);
        let p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 22);
        let other = Packet::tcp([10, 0, 0, 9], [10, 0, 0, 2], 40000, 22);
        let step = |l: &mut Lists, p: &Packet| {
            assert_eq!(decide(l, &set, Family::Ipv4, p, Hook::Input, 100), Tri::Yes);
            decide(l, &update, Family::Ipv4, p, Hook::Input, 100)
        };
        // Set makes 1 stamp, the update (hit count 1 < 3) does not add one.
        assert_eq!(step(&mut l, &p), Tri::No);
        assert_eq!(step(&mut l, &p), Tri::No);
        // The third set makes 3 stamps: the update matches and adds a 4th.
        assert_eq!(step(&mut l, &p), Tri::Yes);
        assert_eq!(l.lists[0].entries[0].stamps, 4);
        assert_eq!(step(&mut l, &other), Tri::No);
        // Once the traffic may have lasted --seconds, fwcheck cannot say.
        assert!(matches!(decide(&mut l, &update, Family::Ipv4, &p, Hook::Input, 60_000), Tri::Unknown(_)));
        assert!(matches!(decide(&mut l, &set, Family::Ipv4, &p, Hook::Input, 0), Tri::Unknown(_)));
    }

    #[test]
    fn remove_and_inverted_tests() {
        let set = recent("-m recent --set");
        let rm = recent("-m recent --remove");
        let not_check = recent("-m recent ! --rcheck");
        let mut l = lists(&[&set]);
        let p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 22);
        assert_eq!(decide(&mut l, &rm, Family::Ipv4, &p, Hook::Input, 0), Tri::No);
        assert_eq!(decide(&mut l, &not_check, Family::Ipv4, &p, Hook::Input, 0), Tri::Yes);
        decide(&mut l, &set, Family::Ipv4, &p, Hook::Input, 0);
        assert_eq!(decide(&mut l, &not_check, Family::Ipv4, &p, Hook::Input, 0), Tri::No);
        assert_eq!(decide(&mut l, &rm, Family::Ipv4, &p, Hook::Input, 0), Tri::Yes);
        assert_eq!(decide(&mut l, &not_check, Family::Ipv4, &p, Hook::Input, 0), Tri::Yes);
    }

    #[test]
    fn a_list_holds_a_hundred_addresses() {
        let set = recent("-m recent --set");
        let check = recent("-m recent --rcheck");
        let mut l = lists(&[&set]);
        for i in 0..=100u8 {
            decide(&mut l, &set, Family::Ipv4, &Packet::tcp([10, 0, 1, i], [10, 0, 0, 2], 1, 2), Hook::Input, 0);
        }
        assert_eq!(decide(&mut l, &check, Family::Ipv4, &Packet::tcp([10, 0, 1, 0], [10, 0, 0, 2], 1, 2), Hook::Input, 0), Tri::No);
        assert_eq!(decide(&mut l, &check, Family::Ipv4, &Packet::tcp([10, 0, 1, 1], [10, 0, 0, 2], 1, 2), Hook::Input, 0), Tri::Yes);
    }

    #[test]
    fn rings_grow_with_the_hit_count() {
        assert_eq!(ring(0), 32);
        assert_eq!(ring(19), 32);
        assert_eq!(ring(20), 32);
        assert_eq!(ring(33), 64);
    }
}
