//! `-m mac [!] --mac-source XX:XX:XX:XX:XX:XX` (libxt_mac): the Ethernet
//! source address of the packet.
//!
//! xtables reads each of the six colon-separated groups with C's
//! `strtoul(.., 16)` and only checks that it used at most two characters,
//! so `0:1:2:3:4:5` is fine, an empty group is 00 (`:11:22:33:44:55`, or a
//! trailing `00:11:22:33:44:`), a sign is allowed (`+0`; `-1` is ff) and
//! `0x0`, `-` separators and masks are not. iptables-save prints lower-case
//! two-digit hex.
//!
//! The source MAC is only known for packets that came in on an interface:
//! the kernel allows the match only at PREROUTING, INPUT and FORWARD, and
//! checks every chain the rule can be reached from.

use super::generic::Neg;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Hook, HookMask};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Mac {
    /// `--mac-source`; mandatory.
    pub source: Option<Neg<[u8; 6]>>,
}

/// C's `strtoul(s, &end, 16)` on a whole group: the value (wrapped as
/// strtoul wraps a negative number) and how many characters it used.
fn strtoul16(s: &str) -> (u64, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let neg = i < b.len() && b[i] == b'-';
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'X')) && b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
        i += 2;
    }
    let start = i;
    let mut v: u64 = 0;
    while i < b.len() && b[i].is_ascii_hexdigit() {
        v = v.wrapping_mul(16).wrapping_add((b[i] as char).to_digit(16).unwrap_or(0) as u64);
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    (if neg { v.wrapping_neg() } else { v }, i)
}

/// Six groups as xtables' `xtopt_parse_ethermac` reads them.
pub fn parse_mac(s: &str) -> ExtResult<[u8; 6]> {
    let bad = || ExtError::new(format!("bad MAC address `{s}`")).help("write six hex bytes separated by colons, e.g. `00:11:22:33:44:55`");
    let groups: Vec<&str> = s.split(':').collect();
    if groups.len() != 6 {
        return Err(bad());
    }
    let mut mac = [0u8; 6];
    for (i, g) in groups.iter().enumerate() {
        let (v, used) = strtoul16(g);
        if used != g.len() || used > 2 {
            return Err(bad());
        }
        // The last group is read into an unsigned int and checked; the
        // others are stored into a byte unchecked.
        if i == 5 && v as u32 > 0xff {
            return Err(bad());
        }
        mac[i] = v as u8;
    }
    Ok(mac)
}

/// The match for the prover (see `verify::pred`): the source MAC address, not a packet
/// field, so a free choice.
impl Mac {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        let mut text = String::new();
        super::Extension::save(self, &mut super::SaveWriter { out: &mut text });
        crate::verify::pred::Pred::free(format!("{}:{text}", <Self as super::Extension>::NAME))
    }
}

impl Extension for Mac {
    const NAME: &'static str = "mac";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["mac-source"], true)];

    fn new(_: &Cx) -> Mac {
        Mac::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.source.is_some() {
            return Err(ExtError::new("`--mac-source` given twice").help("a match tests one address; use one rule per address"));
        }
        self.source = Some(Neg::new(a.neg, parse_mac(a.value)?));
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.source.is_none() {
            return Err(ExtError::new("`-m mac` without `--mac-source`").help("write `-m mac --mac-source 00:11:22:33:44:55`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(m) = &self.source {
            let v = m.value;
            w.opt(m.neg, "mac-source", format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", v[0], v[1], v[2], v[3], v[4], v[5]));
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { hooks: HookMask::of(&[Hook::Prerouting, Hook::Input, Hook::Forward]), ..Restrictions::NONE }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `mac_mt` (xt_mac.c) returns false, `!` or not, when the packet has no
/// Ethernet header to read, as a locally generated one has none.
impl MatchEval for Mac {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        match (&self.source, p.src_mac) {
            (None, _) => Tri::Yes,
            // mac_mt: no Ethernet header (loopback) never matches; on any
            // other interface the packet has a source MAC, which nobody
            // gave: never decided by default.
            (Some(_), None) if p.iif.as_deref() == Some("lo") => Tri::No,
            (Some(_), None) => Tri::unknown("the packet's source MAC is not given (write `mac 02:00:00:00:00:01` in its SPEC)"),
            (Some(m), Some(have)) => Tri::from_bool(have == m.value).negate_if(m.neg),
        }
    }
}

/// libxt_mac's print: ` MAC 00:11:22:33:44:55`, ` MAC ! 00:11:...`, in
/// lower-case hex.
impl super::ListForm for Mac {
    fn list(&self, out: &mut String) {
        out.push_str(" MAC");
        if let Some(m) = &self.source {
            let v = m.value;
            out.push_str(if m.neg { " ! " } else { " " });
            out.push_str(&format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", v[0], v[1], v[2], v[3], v[4], v[5]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_like_strtoul() {
        assert_eq!(parse_mac("0:1:2:3:4:5"), Ok([0, 1, 2, 3, 4, 5]));
        assert_eq!(parse_mac(":11:22:33:44:55"), Ok([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
        assert_eq!(parse_mac("00:11:22:33:44:"), Ok([0, 0x11, 0x22, 0x33, 0x44, 0]));
        assert_eq!(parse_mac("+0:11:22:33:44:55"), Ok([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
        assert_eq!(parse_mac("-1:11:22:33:44:55"), Ok([0xff, 0x11, 0x22, 0x33, 0x44, 0x55]));
        assert_eq!(parse_mac("AA:bb:Cc:dd:ee:FF"), Ok([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]));
        for bad in [
            "00-11-22-33-44-55",
            "001122334455",
            "00:11:22:33:44",
            "00:11:22:33:44:55:",
            "00:11:22:33:44:GG",
            "000:11:22:33:44:55",
            "0x0:11:22:33:44:55",
            "00:11:22:33:44:55/ff:ff:ff:00:00:00",
            "00:11:22:33:44:-1",
        ] {
            assert!(parse_mac(bad).is_err(), "{bad}");
        }
    }

    fn eval_on(spec: &str, mac: Option<[u8; 6]>, iif: &str) -> Tri {
        use crate::ir::{Family, Hook};
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 22);
        p.src_mac = mac;
        p.iif = Some(iif.into());
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    fn eval(spec: &str, mac: Option<[u8; 6]>) -> Tri {
        eval_on(spec, mac, "eth0")
    }

    #[test]
    fn source_address() {
        let mac = Some([0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(eval("-m mac --mac-source 00:11:22:33:44:55", mac), Tri::Yes);
        assert_eq!(eval("-m mac --mac-source 00:11:22:33:44:56", mac), Tri::No);
        assert_eq!(eval("-m mac ! --mac-source 00:11:22:33:44:55", mac), Tri::No);
        assert_eq!(eval("-m mac ! --mac-source 00:11:22:33:44:56", mac), Tri::Yes);
    }

    /// Loopback has no Ethernet header: never a match. On an Ethernet
    /// interface a packet whose MAC nobody gave is not decided.
    #[test]
    fn no_ethernet_header_never_matches_and_an_unknown_mac_is_not_decided() {
        assert_eq!(eval_on("-m mac --mac-source 00:11:22:33:44:55", None, "lo"), Tri::No);
        assert_eq!(eval_on("-m mac ! --mac-source 00:11:22:33:44:55", None, "lo"), Tri::No);
        assert!(matches!(eval("-m mac --mac-source 00:11:22:33:44:55", None), Tri::Unknown(_)));
        assert!(matches!(eval("-m mac ! --mac-source 00:11:22:33:44:55", None), Tri::Unknown(_)));
    }
}

/// `ether saddr 00:11:22:33:44:55`.
impl crate::translate::ToNft for Mac {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft;
        if let Some(m) = &self.source {
            let v = &m.value;
            let text = format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", v[0], v[1], v[2], v[3], v[4], v[5]);
            cx.push(nft::eq(nft::payload("ether", "saddr"), m.neg, nft::s(text)));
        }
        Ok(())
    }
}
