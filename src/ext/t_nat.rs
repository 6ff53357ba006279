//! The NAT targets `-j DNAT`, `-j SNAT`, `-j MASQUERADE` and `-j REDIRECT`
//! (libxt_NAT in iptables 1.8.9; one file there, one file here).
//!
//! `--to-destination`/`--to-source` take `[IP[-IP]][:PORT[-PORT[/BASE]]]`
//! (IPv6 with a port: `[IP-IP]:PORT`), `--to-ports` takes
//! `PORT[-PORT]`. iptables reads them with its own small parser, which
//! shows through in what it accepts:
//! - the first port may be a service name of any protocol, the second one
//!   only a number (strtoul base 0), and `:` between ports is refused;
//! - a port needs `-p` tcp, udp, sctp, dccp or icmp, checked on the
//!   protocol number only, so `! -p tcp` passes and udplite does not;
//! - addresses are strict (inet_pton: no `1.2.3`, no `/24`, no names), and
//!   an address range may be reversed while a port range may not.
//!
//! iptables makes the port/protocol check while it reads the option, so it
//! also refuses `-j SNAT --to-source 1.2.3.4:80 -p tcp` (the `-p` comes too
//! late). An extension sees only the non-negated `-p` so far ([`Cx`]),
//! which cannot tell "no -p yet" from `! -p tcp`; fwcheck therefore checks
//! the rule's final protocol (as a [`Restrictions`] entry) and accepts that
//! order.
//!
//! The kernel struct decides what survives: DNAT is revision 2 and keeps a
//! `/BASE` port; SNAT and MASQUERADE use the older struct, which has no room
//! for it, so iptables-save prints `/0` (a form iptables cannot read back);
//! REDIRECT refuses it. Equal ends of a range print as one value.
//!
//! The kernel allows them only in the nat table: DNAT and REDIRECT at
//! PREROUTING and OUTPUT, SNAT at POSTROUTING and INPUT, MASQUERADE at
//! POSTROUTING.

use super::value::services_port;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, Hook, HookMask, TableName};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Protocols a port may be given with: tcp, udp, sctp, dccp, icmp.
const PORT_PROTOS: &[u8] = &[6, 17, 132, 33, 1];

/// An address and port range, as `nf_nat_range2` holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct NatRange {
    /// `NF_NAT_RANGE_MAP_IPS`: first and last address.
    pub addrs: Option<(IpAddr, IpAddr)>,
    /// `NF_NAT_RANGE_PROTO_SPECIFIED`: first and last port.
    pub ports: Option<(u16, u16)>,
    /// `NF_NAT_RANGE_PROTO_OFFSET`: the base port of a shifted port map.
    pub base: Option<u16>,
}

/// An address as glibc's `inet_ntop` prints it. Rust's `Display` agrees
/// except for IPv4-compatible IPv6 addresses, which glibc prints with a
/// dotted quad (`::1.2.3.4`, not `::102:304`).
fn ntop(a: IpAddr) -> String {
    if let IpAddr::V6(v6) = a {
        let w = v6.segments();
        if w[..6].iter().all(|x| *x == 0) && w[6] != 0 {
            let [.., a, b, c, d] = v6.octets();
            return format!("::{a}.{b}.{c}.{d}");
        }
    }
    a.to_string()
}

impl NatRange {
    /// What iptables-save prints after `--to-destination `, or after
    /// `--to-ports ` without the leading `:` (`skip_colon`).
    fn to_save(&self, family: Family, skip_colon: bool) -> String {
        let brackets = family == Family::Ipv6 && self.ports.is_some();
        let mut s = String::new();
        if let Some((lo, hi)) = self.addrs {
            if brackets {
                s.push('[');
            }
            s.push_str(&ntop(lo));
            if lo != hi {
                s.push('-');
                s.push_str(&ntop(hi));
            }
            if brackets {
                s.push(']');
            }
        }
        if let Some((lo, hi)) = self.ports {
            if !(s.is_empty() && skip_colon) {
                s.push(':');
            }
            s.push_str(&lo.to_string());
            if lo != hi {
                s.push('-');
                s.push_str(&hi.to_string());
            }
            if let Some(b) = self.base {
                s.push('/');
                s.push_str(&b.to_string());
            }
        }
        s
    }
}

/// C's `strtoul(s, &end, 0)` as `xtables_strtoui` uses it: the number at
/// the start of `s` (hex after `0x`, octal after `0`) and the rest; `None`
/// without digits or outside `min..=max`.
fn strtoui_prefix(s: &str, min: u64, max: u64) -> Option<(u64, &str)> {
    let body = s.strip_prefix('+').unwrap_or(s);
    let hex = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")).filter(|h| h.starts_with(|c: char| c.is_ascii_hexdigit()));
    let (radix, digits) = match hex {
        Some(h) => (16, h),
        None if body.starts_with('0') => (8, body),
        None => (10, body),
    };
    let len = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    let v = u64::from_str_radix(&digits[..len], radix).ok()?;
    (min..=max).contains(&v).then_some((v, &digits[len..]))
}

fn bad_port(s: &str) -> ExtError {
    ExtError::new(format!("port `{s}` is not valid")).help("give a port from 0 to 65535 or a service name from /etc/services")
}

/// `PORT[-PORT[/BASE]]` (`parse_ports` in libxt_NAT.c).
fn parse_ports(arg: &str) -> ExtResult<NatRange> {
    let (lo, rest) = match strtoui_prefix(arg, 0, 65535) {
        Some((v, rest)) => (v as u16, rest),
        None => (services_port(arg, None).ok_or_else(|| bad_port(arg))?, ""),
    };
    let mut r = NatRange::default();
    let after = match rest.chars().next() {
        None => {
            r.ports = Some((lo, lo));
            return Ok(r);
        }
        Some('-') => &rest[1..],
        Some(':') => return Err(ExtError::new(format!("`{arg}`: a port range is written with `-`")).help("write FIRST-LAST, e.g. `1024-2048`")),
        Some(_) => return Err(ExtError::new(format!("garbage `{rest}` after the port in `{arg}`")).help("write PORT or FIRST-LAST")),
    };
    // Only numbers in a range, no service names.
    let (hi, rest) = strtoui_prefix(after, 0, 65535).ok_or_else(|| bad_port(after))?;
    let hi = hi as u16;
    if hi < lo {
        return Err(ExtError::new(format!("reversed port range `{arg}`")).help(format!("write the lower port first: `{hi}-{lo}`")));
    }
    r.ports = Some((lo, hi));
    match rest.chars().next() {
        None => return Ok(r),
        Some('/') => {}
        Some(_) => return Err(ExtError::new(format!("garbage `{rest}` after the port range in `{arg}`")).help("write FIRST-LAST or FIRST-LAST/BASE")),
    }
    let base_s = &rest[1..];
    // Text after a numeric base port is ignored, as by iptables.
    let base = match strtoui_prefix(base_s, 1, 65535) {
        Some((v, _)) => v as u16,
        None => services_port(base_s, None).ok_or_else(|| bad_port(base_s))?,
    };
    r.base = Some(base);
    Ok(r)
}

fn parse_ip(s: &str, family: Family) -> ExtResult<IpAddr> {
    let ip = match family {
        Family::Ipv4 => s.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
        Family::Ipv6 => s.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
    };
    ip.ok_or_else(|| {
        let e = ExtError::new(format!("bad IP address `{s}`"));
        match family {
            Family::Ipv4 if s.contains('/') => e.help("NAT takes an address or a range FIRST-LAST, not a network: write e.g. `10.0.0.1-10.0.0.254`"),
            Family::Ipv4 if s.parse::<Ipv6Addr>().is_ok() => e.help("this is an IPv6 address: use ip6tables"),
            Family::Ipv4 => e.help("write a full dotted quad such as 192.168.1.1 (no host names)"),
            Family::Ipv6 if s.parse::<Ipv4Addr>().is_ok() => e.help("this is an IPv4 address: use iptables"),
            Family::Ipv6 => e.help("write an IPv6 address such as 2001:db8::1; with a port, in brackets: `[2001:db8::1]:80`"),
        }
    })
}

/// `[IP[-IP]][:PORTS]`, IPv6 as `[IP[-IP]]:PORTS` (`parse_to` in
/// libxt_NAT.c).
fn parse_to(arg: &str, family: Family) -> ExtResult<NatRange> {
    let (ips, ports): (&str, Option<&str>) = match arg.find('[') {
        None => {
            // One colon is a port; more make an IPv6 address.
            match arg.find(':') {
                Some(c) if !arg[c + 1..].contains(':') => (&arg[..c], Some(&arg[c + 1..])),
                _ => (arg, None),
            }
        }
        Some(open) => {
            let inner = &arg[open + 1..];
            let close = inner.find(']');
            let (Some(close), Family::Ipv6) = (close, family) else {
                return Err(ExtError::new(format!("invalid address format `{arg}`")).help(match family {
                    Family::Ipv4 => "brackets are for IPv6 addresses: write `1.2.3.4:80`",
                    Family::Ipv6 => "close the bracket: `[2001:db8::1]:80`",
                }));
            };
            let after = &inner[close + 1..];
            (&inner[..close], after.find(':').map(|c| &after[c + 1..]))
        }
    };
    let mut r = match ports {
        Some(p) => parse_ports(p)?,
        None => NatRange::default(),
    };
    // `:PORT` or `[]:PORT`: ports only.
    if ports.is_some() && (arg.starts_with(':') || arg.starts_with("[]:")) {
        return Ok(r);
    }
    let (lo, hi) = match ips.split_once('-') {
        Some((a, b)) => (parse_ip(a, family)?, parse_ip(b, family)?),
        None => {
            let a = parse_ip(ips, family)?;
            (a, a)
        }
    };
    r.addrs = Some((lo, hi));
    Ok(r)
}

/// What the four targets share: a range and the flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Nat {
    pub range: NatRange,
    /// `--random`: randomise the port mapping.
    pub random: bool,
    /// `--random-fully`: fully randomise the source port.
    pub random_fully: bool,
    /// `--persistent`: the same address for a client across connections.
    pub persistent: bool,
    #[serde(skip)]
    family: Family,
    #[serde(skip)]
    given: super::Seen,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BasePort {
    Keep,
    /// The kernel struct has no base port: it reads back as 0.
    Zero,
    Refuse,
}

impl Nat {
    fn new(cx: &Cx) -> Nat {
        Nat { range: NatRange::default(), random: false, random_fully: false, persistent: false, family: cx.family, given: super::Seen::default() }
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, base: BasePort) -> ExtResult {
        if self.given.contains(&opt) {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once; one NAT rule maps to one range"));
        }
        self.given.push(opt);
        match opt {
            "random" => self.random = true,
            "random-fully" => self.random_fully = true,
            "persistent" => self.persistent = true,
            _ => {
                let mut r = if opt == "to-ports" { parse_ports(a.value)? } else { parse_to(a.value, self.family)? };
                match (base, r.base) {
                    (BasePort::Zero, Some(_)) => r.base = Some(0),
                    (BasePort::Refuse, Some(_)) => {
                        return Err(ExtError::new("shifted port maps (`/BASE`) are not supported by this target").help("write FIRST-LAST without `/BASE`"))
                    }
                    _ => {}
                }
                self.range = r;
            }
        }
        Ok(())
    }

    fn require(&self, opt: &str, target: &str) -> ExtResult {
        if !self.given.iter().any(|g| *g == opt) {
            return Err(ExtError::new(format!("`-j {target}` without `--{opt}`")).help(format!("write e.g. `-j {target} --{opt} 192.0.2.1`")));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter, range_opt: &str, skip_colon: bool) {
        let r = self.range.to_save(self.family, skip_colon);
        if !r.is_empty() {
            w.opt(false, range_opt, r);
        }
        if self.random {
            w.flag(false, "random");
        }
        if self.random_fully {
            w.flag(false, "random-fully");
        }
        if self.persistent {
            w.flag(false, "persistent");
        }
    }

    fn restrictions(&self, hooks: &[Hook]) -> Restrictions {
        Restrictions { tables: Some(&[TableName::Nat]), hooks: HookMask::of(hooks), protos: self.range.ports.map(|_| PORT_PROTOS), negated_proto_ok: true }
    }
}

/// `-j DNAT --to-destination ...`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dnat(pub Nat);

/// `-j SNAT --to-source ...`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snat(pub Nat);

/// `-j MASQUERADE`: SNAT to the address of the outgoing interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Masquerade(pub Nat);

/// `-j REDIRECT`: DNAT to the local machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redirect(pub Nat);

impl Extension for Dnat {
    const NAME: &'static str = "DNAT";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["to-destination"], false), Opt::flag(&["random"], false), Opt::flag(&["persistent"], false)];
    fn new(cx: &Cx) -> Dnat {
        Dnat(Nat::new(cx))
    }
    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        self.0.parse(opt, a, BasePort::Keep)
    }
    fn finish(&mut self, _: &Cx) -> ExtResult {
        self.0.require("to-destination", Self::NAME)
    }
    fn save(&self, w: &mut SaveWriter) {
        self.0.save(w, "to-destination", false)
    }
    fn restrictions(&self) -> Restrictions {
        self.0.restrictions(&[Hook::Prerouting, Hook::Output])
    }
}

impl Extension for Snat {
    const NAME: &'static str = "SNAT";
    const OPTIONS: &'static [Opt] =
        &[Opt::value(&["to-source"], false), Opt::flag(&["random"], false), Opt::flag(&["random-fully"], false), Opt::flag(&["persistent"], false)];
    fn new(cx: &Cx) -> Snat {
        Snat(Nat::new(cx))
    }
    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        self.0.parse(opt, a, BasePort::Zero)
    }
    fn finish(&mut self, _: &Cx) -> ExtResult {
        self.0.require("to-source", Self::NAME)
    }
    fn save(&self, w: &mut SaveWriter) {
        self.0.save(w, "to-source", false)
    }
    fn restrictions(&self) -> Restrictions {
        self.0.restrictions(&[Hook::Postrouting, Hook::Input])
    }
}

impl Extension for Masquerade {
    const NAME: &'static str = "MASQUERADE";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["to-ports"], false), Opt::flag(&["random"], false), Opt::flag(&["random-fully"], false)];
    fn new(cx: &Cx) -> Masquerade {
        Masquerade(Nat::new(cx))
    }
    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        self.0.parse(opt, a, BasePort::Zero)
    }
    fn save(&self, w: &mut SaveWriter) {
        self.0.save(w, "to-ports", true)
    }
    fn restrictions(&self) -> Restrictions {
        self.0.restrictions(&[Hook::Postrouting])
    }
}

impl Extension for Redirect {
    const NAME: &'static str = "REDIRECT";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["to-ports"], false), Opt::flag(&["random"], false)];
    fn new(cx: &Cx) -> Redirect {
        Redirect(Nat::new(cx))
    }
    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        self.0.parse(opt, a, BasePort::Refuse)
    }
    fn save(&self, w: &mut SaveWriter) {
        self.0.save(w, "to-ports", true)
    }
    fn restrictions(&self) -> Restrictions {
        self.0.restrictions(&[Hook::Prerouting, Hook::Output])
    }
}

impl Nat {
    /// ` random`, ` random-fully`, ` persistent`, as given.
    fn list_flags(&self, out: &mut String) {
        for (on, word) in [(self.random, " random"), (self.random_fully, " random-fully"), (self.persistent, " persistent")] {
            if on {
                out.push_str(word);
            }
        }
    }

    /// ` PREFIX FIRST[-LAST]` for the port range of MASQUERADE and REDIRECT.
    fn list_ports(&self, out: &mut String, prefix: &str) {
        if let Some((lo, hi)) = self.range.ports {
            out.push_str(prefix);
            out.push_str(&lo.to_string());
            if lo != hi {
                out.push_str(&format!("-{hi}"));
            }
        }
    }
}

/// libxt_NAT's print: ` to:RANGE` as iptables-save writes the range
/// (`to:1.2.3.4:80`, `to::80`, `to:[2001:db8::1]:80`), then the flags.
impl super::ListForm for Dnat {
    fn list(&self, out: &mut String) {
        out.push_str(" to:");
        out.push_str(&self.0.range.to_save(self.0.family, false));
        self.0.list_flags(out);
    }
}

/// Listed as DNAT is.
impl super::ListForm for Snat {
    fn list(&self, out: &mut String) {
        out.push_str(" to:");
        out.push_str(&self.0.range.to_save(self.0.family, false));
        self.0.list_flags(out);
    }
}

/// libxt_MASQUERADE's print: ` masq ports: 1000-2000`, then the flags.
impl super::ListForm for Masquerade {
    fn list(&self, out: &mut String) {
        self.0.list_ports(out, " masq ports: ");
        self.0.list_flags(out);
    }
}

/// libxt_REDIRECT's print: ` redir ports 8080`, then ` random`.
impl super::ListForm for Redirect {
    fn list(&self, out: &mut String) {
        self.0.list_ports(out, " redir ports ");
        self.0.list_flags(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(s: &str, f: Family) -> String {
        parse_to(s, f).map(|r| r.to_save(f, false)).unwrap_or_else(|e| format!("ERR {}", e.message))
    }

    #[test]
    fn strtoul_prefixes() {
        assert_eq!(strtoui_prefix("80-90", 0, 65535), Some((80, "-90")));
        assert_eq!(strtoui_prefix("0x50", 0, 65535), Some((80, "")));
        assert_eq!(strtoui_prefix("010", 0, 65535), Some((8, "")));
        assert_eq!(strtoui_prefix("08", 0, 65535), Some((0, "8")));
        assert_eq!(strtoui_prefix("http", 0, 65535), None);
        assert_eq!(strtoui_prefix("65536", 0, 65535), None);
    }

    #[test]
    fn ranges() {
        use Family::*;
        assert_eq!(to("1.2.3.4-1.2.3.4", Ipv4), "1.2.3.4");
        assert_eq!(to("1.2.3.5-1.2.3.4:80-80", Ipv4), "1.2.3.5-1.2.3.4:80");
        assert_eq!(to("1.2.3.4:http", Ipv4), "1.2.3.4:80");
        assert_eq!(to(":80", Ipv4), ":80");
        assert_eq!(to("1.2.3.4:80-90/100", Ipv4), "1.2.3.4:80-90/100");
        assert!(to("1.2.3.4:80/100", Ipv4).starts_with("ERR"));
        assert!(to("1.2.3.4:90-80", Ipv4).starts_with("ERR"));
        assert!(to("1.2.3.4:1000:2000", Ipv4).starts_with("ERR"));
        assert!(to("[1.2.3.4]", Ipv4).starts_with("ERR"));
        assert_eq!(to("[2001:DB8:0::1]", Ipv6), "2001:db8::1");
        assert_eq!(to("2001:db8::1", Ipv6), "2001:db8::1");
        assert_eq!(to("[2001:db8::1-2001:db8::10]:80-90/100", Ipv6), "[2001:db8::1-2001:db8::10]:80-90/100");
        assert_eq!(to("[]:80", Ipv6), ":80");
        assert_eq!(to("::1.2.3.4", Ipv6), "::1.2.3.4");
        assert_eq!(to("::1", Ipv6), "::1");
        assert!(parse_ports("1000:2000").is_err());
        assert_eq!(parse_ports("1000-1000").map(|r| r.to_save(Ipv4, true)), Ok("1000".into()));
    }
}

use crate::translate::nft::{self as nft, RuleCx, TxResult, Untranslatable};

impl Nat {
    /// nft's NAT statement body: `to ADDR[-ADDR][:PORT[-PORT]]` and the
    /// flags. In an inet table the statement names the address family.
    fn to_nft(&self, cx: &RuleCx) -> Result<Option<nftables::stmt::NAT<'static>>, Untranslatable> {
        use nftables::stmt::{NATFamily, NATFlag, NAT};
        if self.range.base.is_some() {
            return Err(Untranslatable::new("a shifted port map (`/BASE`) has no nft form"));
        }
        let addr = self.range.addrs.map(|(a, b)| if a == b { nft::addr_expr(a) } else { nft::range(nft::addr_expr(a), nft::addr_expr(b)) });
        let port = self.range.ports.map(|(a, b)| nft::num_range(a as u32, b as u32));
        let mut flags = std::collections::HashSet::new();
        if self.random {
            flags.insert(NATFlag::Random);
        }
        if self.random_fully {
            flags.insert(NATFlag::FullyRandom);
        }
        if self.persistent {
            flags.insert(NATFlag::Persistent);
        }
        let family = (cx.inet && addr.is_some()).then_some(if cx.family == crate::ir::Family::Ipv4 { NATFamily::IP } else { NATFamily::IP6 });
        if addr.is_none() && port.is_none() && flags.is_empty() {
            return Ok(None);
        }
        Ok(Some(NAT { addr, family, port, flags: (!flags.is_empty()).then_some(flags) }))
    }
}

/// `dnat to 10.0.0.2:8080`.
impl crate::translate::ToNft for Dnat {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        let n = self.0.to_nft(cx)?;
        cx.target.push(nft::Stmt::DNAT(n));
        Ok(())
    }
}

/// `snat to 198.51.100.1`.
impl crate::translate::ToNft for Snat {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        let n = self.0.to_nft(cx)?;
        cx.target.push(nft::Stmt::SNAT(n));
        Ok(())
    }
}

/// `masquerade [to :PORTS] [random]`.
impl crate::translate::ToNft for Masquerade {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        let n = self.0.to_nft(cx)?;
        cx.target.push(nft::Stmt::Masquerade(n));
        Ok(())
    }
}

/// `redirect [to :PORTS]`.
impl crate::translate::ToNft for Redirect {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        let n = self.0.to_nft(cx)?;
        cx.target.push(nft::Stmt::Redirect(n));
        Ok(())
    }
}
