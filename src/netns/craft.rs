//! The bytes of a crafted packet (`Spec::Packet`), IP header first, as
//! verify sends it on a raw socket with the header included: every field
//! predict reads is in them, nothing else is left to the sender's stack
//! but the IPv4 header checksum (the kernel writes it) and the link layer.
//!
//! What the bytes hold besides the SPEC's fields, so that the lengths the
//! counters count are the SPEC's: a TCP segment carries the options of
//! [`Packet::tcp_options`] (MSS 1460, SACK permitted, timestamps, NOP,
//! window scale 7; NOP, NOP, timestamps) and zero bytes of payload up to
//! the length; a segment with ACK acknowledges sequence 1; an echo request
//! has identifier 0 and sequence 1; a later fragment (`frag`) has offset
//! 1480 and no more fragments after it.

use crate::predict::packet::Packet;
use std::net::IpAddr;

/// The packet as bytes on the wire after the link layer.
pub fn ip_packet(p: &Packet) -> Vec<u8> {
    let ip_len = if p.src.is_ipv4() { 20 } else { 40 };
    let l4 = if p.fragment { vec![0; (p.len as usize).saturating_sub(ip_len)] } else { transport(p, p.len as usize - ip_len.min(p.len as usize)) };
    let mut out = Vec::with_capacity(p.len as usize);
    match (p.src, p.dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let frag: u16 = if p.fragment { 1480 / 8 } else { 0x4000 }; // DF unless a fragment
            out.extend_from_slice(&[0x45, 0]);
            out.extend_from_slice(&(p.len as u16).to_be_bytes());
            out.extend_from_slice(&[0x12, 0x34]); // identification
            out.extend_from_slice(&frag.to_be_bytes());
            out.extend_from_slice(&[p.ttl, p.proto, 0, 0]); // checksum: the kernel's
            out.extend_from_slice(&s.octets());
            out.extend_from_slice(&d.octets());
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            out.extend_from_slice(&[0x60, 0, 0, 0]);
            out.extend_from_slice(&(l4.len() as u16).to_be_bytes());
            out.extend_from_slice(&[p.proto, p.ttl]);
            out.extend_from_slice(&s.octets());
            out.extend_from_slice(&d.octets());
        }
        _ => unreachable!("a packet's addresses are of one family (the SPEC parser checks)"),
    }
    out.extend_from_slice(&l4);
    out
}

/// The transport header and payload, `len` bytes, checksummed.
fn transport(p: &Packet, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len];
    let csum_at = match p.proto {
        6 if len >= 20 => {
            let opts = tcp_options(&p.tcp_options);
            let hdr = (20 + opts.len()).min(len & !3);
            b[0..2].copy_from_slice(&p.sport.to_be_bytes());
            b[2..4].copy_from_slice(&p.dport.to_be_bytes());
            b[4..8].copy_from_slice(&0x1000_0000u32.to_be_bytes()); // sequence
            if p.tcp_flags & crate::ext::tcp::ACK != 0 {
                b[8..12].copy_from_slice(&1u32.to_be_bytes());
            }
            b[12] = ((hdr / 4) as u8) << 4;
            b[13] = p.tcp_flags;
            b[14..16].copy_from_slice(&64240u16.to_be_bytes());
            b[20..hdr].copy_from_slice(&opts[..hdr - 20]);
            Some(16)
        }
        17 if len >= 8 => {
            b[0..2].copy_from_slice(&p.sport.to_be_bytes());
            b[2..4].copy_from_slice(&p.dport.to_be_bytes());
            b[4..6].copy_from_slice(&(len as u16).to_be_bytes());
            Some(6)
        }
        1 | 58 if len >= 8 => {
            b[0] = p.icmp_type;
            b[1] = p.icmp_code;
            if matches!(p.icmp_type, 0 | 8 | 128 | 129) {
                b[6..8].copy_from_slice(&1u16.to_be_bytes()); // sequence; identifier 0
            }
            Some(2)
        }
        _ => None,
    };
    if let Some(at) = csum_at {
        // ICMP (v4) has no pseudo-header; TCP, UDP and ICMPv6 do.
        let pseudo = p.proto != 1;
        let mut c = if pseudo { pseudo_sum(p.src, p.dst, p.proto, len) } else { 0 };
        c = sum(c, &b);
        let mut v = fold(c);
        if p.proto == 17 && v == 0 {
            v = 0xffff;
        }
        b[at..at + 2].copy_from_slice(&v.to_be_bytes());
    }
    b
}

/// The option bytes for the option kinds, padded with NOP to 4 bytes.
fn tcp_options(kinds: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    for k in kinds {
        match k {
            1 => o.push(1),
            2 => o.extend_from_slice(&[2, 4, 0x05, 0xb4]),
            3 => o.extend_from_slice(&[3, 3, 7]),
            4 => o.extend_from_slice(&[4, 2]),
            8 => o.extend_from_slice(&[8, 10, 0, 0, 0, 1, 0, 0, 0, 0]),
            k => o.extend_from_slice(&[*k, 2]),
        }
    }
    while o.len() % 4 != 0 {
        o.push(1);
    }
    o
}

fn pseudo_sum(src: IpAddr, dst: IpAddr, proto: u8, len: usize) -> u32 {
    let mut c = 0;
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            c = sum(c, &s.octets());
            c = sum(c, &d.octets());
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            c = sum(c, &s.octets());
            c = sum(c, &d.octets());
        }
        _ => {}
    }
    c + proto as u32 + len as u32
}

/// The Internet checksum of `b` (RFC 1071), with no pseudo-header.
pub fn checksum(b: &[u8]) -> u16 {
    fold(sum(0, b))
}

/// The one's complement sum of 16-bit words, not yet folded.
fn sum(mut c: u32, b: &[u8]) -> u32 {
    for w in b.chunks(2) {
        c += u32::from(w[0]) << 8 | u32::from(*w.get(1).unwrap_or(&0));
    }
    c
}

fn fold(mut c: u32) -> u16 {
    while c > 0xffff {
        c = (c & 0xffff) + (c >> 16);
    }
    !(c as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::spec::{parse, Spec};

    fn bytes(spec: &str) -> Vec<u8> {
        let Ok(Spec::Packet { packet }) = parse(spec) else { panic!("{spec}") };
        let b = ip_packet(&packet);
        assert_eq!(b.len(), packet.len as usize, "{spec}");
        b
    }

    /// A checksum over the checksummed bytes (with the pseudo-header) is 0.
    fn verifies(b: &[u8], v6: bool) -> bool {
        let (ip, proto) = if v6 { (40, b[6]) } else { (20, b[9]) };
        let l4 = &b[ip..];
        let c = if proto == 1 {
            sum(0, l4)
        } else if v6 {
            let s: [u8; 16] = b[8..24].try_into().unwrap();
            let d: [u8; 16] = b[24..40].try_into().unwrap();
            sum(pseudo_sum(IpAddr::from(s), IpAddr::from(d), proto, l4.len()), l4)
        } else {
            let s: [u8; 4] = b[12..16].try_into().unwrap();
            let d: [u8; 4] = b[16..20].try_into().unwrap();
            sum(pseudo_sum(IpAddr::from(s), IpAddr::from(d), proto, l4.len()), l4)
        };
        fold(c) == 0
    }

    #[test]
    fn lengths_and_checksums() {
        let b = bytes("tcp 10.0.0.1:40000 -> 10.0.0.2:22 syn data 7");
        assert_eq!((b[9], b[20 + 12] >> 4, b[20 + 13]), (6, 10, 0x02));
        assert!(verifies(&b, false));
        let b = bytes("tcp 10.0.0.1:40000 -> 10.0.0.2:22 ack");
        assert_eq!(b[20 + 12] >> 4, 8);
        assert!(verifies(&b, false));
        assert!(verifies(&bytes("udp 10.0.0.1:5 -> 10.0.0.2:53 size 13"), false));
        assert!(verifies(&bytes("icmp 10.0.0.1 -> 10.0.0.2 echo-request"), false));
        let b = bytes("icmp 2001:db8::1 -> 2001:db8::2 echo-request");
        assert_eq!((b[0] >> 4, b[6], b[40]), (6, 58, 128));
        assert!(verifies(&b, true));
        assert!(verifies(&bytes("tcp [2001:db8::1]:1 -> [2001:db8::2]:2 syn ttl 3"), true));
        let b = bytes("udp 10.0.0.1:5 -> 10.0.0.2:53 frag");
        assert_eq!(u16::from_be_bytes([b[6], b[7]]), 185);
    }
}
