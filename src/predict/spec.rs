//! Packet and flow specifications as people write them on the command line:
//!
//! - `ping 192.168.1.1 -> 192.168.2.1 count 3 size 56`
//! - `icmp 10.0.0.1 -> 10.0.0.2 echo-request`
//! - `tcp 10.0.0.1:40000 -> 10.0.0.2:22 syn in eth0`
//! - `udp 10.0.0.1:5353 -> 10.0.0.2:53`

use super::packet::Packet;
use crate::ext::tcp::{ACK, FIN, PSH, RST, SYN, URG};
use crate::ir::Family;
use serde::Serialize;
use std::net::IpAddr;

/// What to send: one packet, or a flow a real program would produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Spec {
    Packet {
        packet: Packet,
    },
    /// `ping SRC -> DST`: `count` echo requests of `size` data bytes
    /// (ping's default 56, so 84 bytes on the wire for IPv4), each answered
    /// by an echo reply unless something stops it.
    Ping {
        src: IpAddr,
        dst: IpAddr,
        count: u32,
        size: u32,
        /// The echo identifier (`id N`); conntrack tells pings apart by
        /// it. `None`: one identifier for every ping of the run, as one
        /// ping program would use for its requests.
        id: Option<u16>,
    },
    /// `tcp A[:P] -> B:Q [data N] [closed]` as a flow: a client connects,
    /// sends N bytes, and closes first.
    Tcp {
        src: IpAddr,
        dst: IpAddr,
        sport: u16,
        dport: u16,
        data: u32,
        closed: bool,
    },
    /// `udp A[:P] -> B:Q [size N] [closed | reply]` as a flow: one datagram,
    /// and the ICMP port unreachable of a closed port or a reply datagram.
    Udp {
        src: IpAddr,
        dst: IpAddr,
        sport: u16,
        dport: u16,
        size: u32,
        closed: bool,
        reply: bool,
    },
}

fn err(msg: impl Into<String>) -> String {
    msg.into()
}

fn addr_port(s: &str) -> Result<(IpAddr, Option<u16>), String> {
    if let Ok(a) = s.parse::<IpAddr>() {
        return Ok((a, None));
    }
    // `1.2.3.4:80` or `[2001:db8::1]:80`
    let (a, p) = s.rsplit_once(':').ok_or_else(|| err(format!("`{s}` is not an address")))?;
    let a = a.trim_start_matches('[').trim_end_matches(']');
    let addr = a.parse::<IpAddr>().map_err(|_| err(format!("`{a}` is not an address")))?;
    let port = p.parse::<u16>().map_err(|_| err(format!("`{p}` is not a port (0 to 65535)")))?;
    Ok((addr, Some(port)))
}

/// The IP header length of the family.
pub fn ip_header(f: Family) -> u32 {
    match f {
        Family::Ipv4 => 20,
        Family::Ipv6 => 40,
    }
}

fn family(a: IpAddr) -> Family {
    if a.is_ipv4() {
        Family::Ipv4
    } else {
        Family::Ipv6
    }
}

/// A packet with the given addresses and protocol, `len` bytes in all,
/// nothing else set.
pub fn bare(src: IpAddr, dst: IpAddr, proto: u8, len: u32) -> Packet {
    Packet { len, ..Packet::base(src, dst, proto, 0) }
}

/// Parses one `--packet` SPEC (`flow` false) or `--flow` SPEC (`flow`
/// true: `tcp` and `udp` then describe a whole exchange).
pub fn parse_as(spec: &str, flow: bool) -> Result<Spec, String> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let help = "write e.g. `ping 192.168.1.1 -> 192.168.2.1 count 3`, `tcp 10.0.0.1:40000 -> 10.0.0.2:22 syn`, `udp 10.0.0.1:5353 -> 10.0.0.2:53` or `icmp A -> B echo-request`";
    let [kind, src, arrow, dst, rest @ ..] = words.as_slice() else {
        return Err(format!("`{spec}`: expected `PROTOCOL SOURCE -> DESTINATION ...`; {help}"));
    };
    if *arrow != "->" {
        return Err(format!("`{spec}`: expected `->` between the addresses; {help}"));
    }
    let (s, sport) = addr_port(src)?;
    let (d, dport) = addr_port(dst)?;
    if s.is_ipv4() != d.is_ipv4() {
        return Err(format!("`{spec}`: the two addresses are of different families"));
    }
    let f = family(s);
    let mut opts = rest.iter();
    let mut iif = None;
    let mut oif = None;
    let mut mark = 0;
    let mut count = 1;
    let mut size = 56;
    let mut flags = 0u8;
    let mut icmp: Option<(u8, u8)> = None;
    let mut data = 0;
    let mut closed = false;
    let mut reply = false;
    let mut mac = None;
    let mut ttl = None;
    let mut fragment = false;
    let mut payload = None;
    let mut ping_id = None;
    let num = |v: Option<&&str>, what: &str| -> Result<u32, String> {
        v.and_then(|v| crate::ext::value::parse_uint(v, u32::MAX as u64)).map(|v| v as u32).ok_or_else(|| format!("`{spec}`: `{what}` needs a number"))
    };
    while let Some(w) = opts.next() {
        match *w {
            "in" => iif = opts.next().map(|s| s.to_string()),
            "out" => oif = opts.next().map(|s| s.to_string()),
            "mark" => mark = num(opts.next(), "mark")?,
            "count" => count = num(opts.next(), "count")?,
            "id" if *kind == "ping" => ping_id = Some(u16::try_from(num(opts.next(), "id")?).map_err(|_| format!("`{spec}`: `id` is 0 to 65535"))?),
            "size" if *kind == "tcp" && !flow => payload = Some(num(opts.next(), "size")?),
            "size" => size = num(opts.next(), "size")?,
            "data" if flow => data = num(opts.next(), "data")?,
            "data" if *kind == "tcp" => payload = Some(num(opts.next(), "data")?),
            "mac" if !flow => {
                let v = opts.next().ok_or_else(|| format!("`{spec}`: `mac` needs a MAC address"))?;
                mac = Some(crate::ext::mac::parse_mac(v).map_err(|e| format!("`{spec}`: {}", e.message))?);
            }
            "ttl" | "hl" if !flow => ttl = Some(num(opts.next(), "ttl")?.min(255) as u8),
            "frag" if !flow && f == Family::Ipv4 => fragment = true,
            "closed" if flow => closed = true,
            "reply" if flow => reply = true,
            "syn" => flags |= SYN,
            "ack" => flags |= ACK,
            "fin" => flags |= FIN,
            "rst" => flags |= RST,
            "psh" => flags |= PSH,
            "urg" => flags |= URG,
            "echo-request" => icmp = Some(if f == Family::Ipv4 { (8, 0) } else { (128, 0) }),
            "echo-reply" => icmp = Some(if f == Family::Ipv4 { (0, 0) } else { (129, 0) }),
            t if t.contains('/') || t.bytes().all(|b| b.is_ascii_digit()) => {
                let (ty, code) = t.split_once('/').unwrap_or((t, "0"));
                match (ty.parse(), code.parse()) {
                    (Ok(a), Ok(b)) => icmp = Some((a, b)),
                    _ => return Err(format!("`{spec}`: `{t}` is not an ICMP TYPE/CODE")),
                }
            }
            other => return Err(format!("`{spec}`: unknown word `{other}`; {help}")),
        }
    }
    let h = ip_header(f);
    let port = |p: Option<u16>, eg: &str| p.ok_or_else(|| format!("`{spec}`: give the destination port, e.g. `{dst}:{eg}`"));
    if flow && *kind == "tcp" {
        return Ok(Spec::Tcp { src: s, dst: d, sport: sport.unwrap_or(40000), dport: port(dport, "22")?, data, closed });
    }
    if flow && *kind == "udp" {
        if closed && reply {
            return Err(format!("`{spec}`: a closed port sends no reply; give `closed` or `reply`"));
        }
        let size = if size == 56 { 10 } else { size };
        return Ok(Spec::Udp { src: s, dst: d, sport: sport.unwrap_or(40000), dport: port(dport, "53")?, size, closed, reply });
    }
    let mut p = match *kind {
        "ping" => return Ok(Spec::Ping { src: s, dst: d, count, size, id: ping_id }),
        "tcp" => {
            // A SYN carries the options Linux sends (MSS, SACK, timestamps,
            // window scale: 20 bytes); other segments carry timestamps (12).
            let f2 = if flags == 0 { SYN } else { flags };
            let opts_len = if f2 & SYN != 0 { 20 } else { 12 };
            let mut p = bare(s, d, 6, h + 20 + opts_len + payload.unwrap_or(0).min(65000));
            p.tcp_flags = f2;
            p.tcp_options = if f2 & SYN != 0 { vec![2, 4, 8, 1, 3] } else { vec![1, 1, 8] };
            p.sport = sport.unwrap_or(40000);
            p.dport = dport.ok_or_else(|| format!("`{spec}`: give the destination port, e.g. `{}:22`", dst))?;
            p
        }
        "udp" => {
            let mut p = bare(s, d, 17, h + 8 + size.min(65000));
            p.sport = sport.unwrap_or(40000);
            p.dport = dport.ok_or_else(|| format!("`{spec}`: give the destination port, e.g. `{}:53`", dst))?;
            p
        }
        "icmp" | "icmpv6" => {
            let proto = if f == Family::Ipv4 { 1 } else { 58 };
            let mut p = bare(s, d, proto, h + 8 + size);
            let (t, c) = icmp.unwrap_or(if f == Family::Ipv4 { (8, 0) } else { (128, 0) });
            p.icmp_type = t;
            p.icmp_code = c;
            p
        }
        other => return Err(format!("`{spec}`: unknown protocol `{other}`; {help}")),
    };
    p.iif = iif;
    p.oif = oif;
    p.mark = mark;
    p.src_mac = mac;
    if let Some(t) = ttl {
        p.ttl = t;
    }
    // A later fragment: no transport header for the rules to read.
    p.fragment = fragment;
    Ok(Spec::Packet { packet: p })
}

/// Parses one line of a scenario's `traffic`: a flow SPEC, or `packet`
/// and a packet SPEC (sent crafted, as `verify --packet` sends it).
pub fn parse_traffic(line: &str) -> Result<Spec, String> {
    match line.trim_start().strip_prefix("packet ") {
        Some(rest) => parse_as(rest, false),
        None => parse_as(line, true),
    }
}

/// Parses one `--packet` SPEC.
pub fn parse(spec: &str) -> Result<Spec, String> {
    parse_as(spec, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let Ok(Spec::Ping { count: 3, size: 56, id: None, .. }) = parse("ping 192.168.1.1 -> 192.168.2.1 count 3") else { panic!() };
        let Ok(Spec::Ping { id: Some(7), .. }) = parse("ping 192.168.1.1 -> 192.168.2.1 id 7") else { panic!() };
        let Ok(Spec::Packet { packet }) = parse("tcp 10.0.0.1:40000 -> 10.0.0.2:22 syn in eth0") else { panic!() };
        assert_eq!((packet.sport, packet.dport, packet.tcp_flags, packet.iif.as_deref(), packet.len), (40000, 22, SYN, Some("eth0"), 60));
        assert!(parse("tcp 10.0.0.1 -> 10.0.0.2").is_err());
        // A SYN with payload, a source MAC, a TTL, a later fragment.
        let Ok(Spec::Packet { packet }) = parse("tcp 10.0.0.1:40000 -> 10.0.0.2:22 syn data 100 mac 02:00:00:00:00:07 ttl 3") else { panic!() };
        assert_eq!((packet.len, packet.src_mac, packet.ttl), (160, Some([2, 0, 0, 0, 0, 7]), 3));
        let Ok(Spec::Packet { packet }) = parse("tcp 10.0.0.1:40000 -> 10.0.0.2:22 size 10") else { panic!() };
        assert_eq!(packet.len, 70);
        let Ok(Spec::Packet { packet }) = parse("udp 10.0.0.1:5 -> 10.0.0.2:53 frag") else { panic!() };
        assert!(packet.fragment);
        assert!(parse("tcp 10.0.0.1:40000 -> 10.0.0.2:22 mac 02:00").is_err());
        assert!(parse("ping 10.0.0.1 -> ::1").is_err());
    }
}
