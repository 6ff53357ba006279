//! One rule's statements as the nf_tables expressions nft sends for them
//! (nftables 1.0.6's evaluation and `netlink_linearize.c`): the protocol
//! dependencies nft adds (`meta l4proto tcp` before `tcp dport`, `meta
//! iiftype ether` before `ether saddr`), its merge of adjacent payload
//! equalities into one load (`udp sport 547 udp dport 546` is one 4-byte
//! load), byte-aligned prefixes as shorter loads, ranges as two compares,
//! flag tests as `bitwise` + `cmp`, sets as anonymous sets looked up.
//!
//! Only what fwcheck's translator emits is known here, each form checked
//! against nft's own batch; anything else is [`Unsupported`], and the
//! caller then loads the whole rule set through `nft` instead. Nothing is
//! ever encoded approximately.

use super::attr::{udata, Buf};
use nftables::expr::{BinaryOperation, Expression, MetaKey, NamedExpression, Payload, SetItem};
use nftables::stmt::{Counter, Operator, Statement};
use nftables::types::{NfFamily, RejectCode};

/// A statement or value this encoder does not know: the whole rule set
/// goes through `nft -j -f` instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

type R<T> = Result<T, Unsupported>;

fn no<T>(what: impl Into<String>) -> R<T> {
    Err(Unsupported(what.into()))
}

/// An attribute of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum A {
    U8(u16, u8),
    /// Raw bytes (a big-endian u16).
    Bytes(u16, Vec<u8>),
    U32(u16, u32),
    U64(u16, u64),
    Str(u16, String),
    Nest(u16, Vec<A>),
    /// `NFTA_DATA_VALUE` inside a nest of this type.
    Data(u16, Vec<u8>),
}

/// One expression: its name and attributes, in nft's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub name: &'static str,
    pub attrs: Vec<A>,
}

impl Expr {
    pub fn write(&self, b: &mut Buf) {
        let e = b.nest(1); // NFTA_LIST_ELEM
        b.put_strz(1, self.name); // NFTA_EXPR_NAME
        let d = b.nest(2); // NFTA_EXPR_DATA
        for a in &self.attrs {
            write_attr(b, a);
        }
        b.end_nest(d);
        b.end_nest(e);
    }
}

fn write_attr(b: &mut Buf, a: &A) {
    match a {
        A::U8(t, v) => b.put(*t, &[*v]),
        A::Bytes(t, v) => b.put(*t, v),
        A::U32(t, v) => b.put_u32(*t, *v),
        A::U64(t, v) => b.put_u64(*t, *v),
        A::Str(t, s) => b.put_strz(*t, s),
        A::Nest(t, inner) => {
            let n = b.nest(*t);
            for x in inner {
                write_attr(b, x);
            }
            b.end_nest(n);
        }
        A::Data(t, v) => {
            let n = b.nest(*t);
            b.put(1, v);
            b.end_nest(n);
        }
    }
}

/// An anonymous constant set a rule looks up; the batch creates it just
/// before the rule, as nft does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnonSet {
    pub id: u32,
    pub key_type: u32,
    pub key_len: u32,
    pub udata: Vec<u8>,
    pub elems: Vec<Vec<u8>>,
}

/// nft's name for every anonymous set; the kernel numbers it.
pub const ANON_SET: &str = "__set%d";

// cmp operators (enum nft_cmp_ops).
const EQ: u32 = 0;
const NEQ: u32 = 1;
const LT: u32 = 2;
const LTE: u32 = 3;
const GT: u32 = 4;
const GTE: u32 = 5;

const REG_VERDICT: u32 = 0;
const REG_1: u32 = 1;
const REG_2: u32 = 2;

/// What a value of a field is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ipv4,
    Ipv6,
    Ether,
    /// A one-byte number.
    U8,
    /// A big-endian 16-bit number (ports, fragment offset).
    Be16,
    /// A 32-bit number the kernel keeps in host order (mark, uid).
    Host32,
    /// An interface name: 16 bytes, or its prefix for `eth*`.
    Ifname,
    /// A protocol number or name (`tcp`).
    Proto,
    IcmpType,
    Icmp6Type,
    /// Conntrack state bits (host order, 4 bytes).
    CtState,
    CtStatus,
    /// `ct direction`: original 0, reply 1 (one byte).
    CtDir,
    TcpFlags,
    /// `meta pkttype`: host, broadcast, multicast, other.
    Pkttype,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Load {
    /// base (0 link layer, 1 network, 2 transport), offset, length in bytes.
    Payload {
        base: u32,
        off: u32,
        len: u32,
        protocol_key: bool,
    },
    Meta(u32),
    /// `ct KEY`, with a direction for the tuple keys (0 original, 1 reply).
    Ct(u32, Option<u8>),
    /// `fib FLAGS type`: the NFTA_FIB_F_* bits (saddr 1, daddr 2, iif 8,
    /// oif 16) of an address-type lookup.
    FibType(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Test {
    Cmp(u32, Vec<u8>),
    /// `== addr/bits` (or `!=`), bits not a whole field.
    Prefix(u32, Vec<u8>, u32),
    Range(u32, Vec<u8>, Vec<u8>),
    /// A range of a host-order 32-bit field (`meta length 0-100`): nft turns
    /// the register to network order first, then compares big-endian bounds.
    HostRange(u32, u32, u32),
    /// A lookup in an anonymous set; `true`: not in it (`!= { … }`).
    Lookup(AnonSet, bool),
    /// `in` flags: some bit of the mask is set.
    AnyBit(Vec<u8>),
    /// `& mask OP value`.
    Masked(Vec<u8>, u32, Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Match(Load, Test),
    /// A statement that is not a match: its expressions.
    Other(Vec<Expr>),
}

/// The field a payload expression names: load, value kind, and the layer-4
/// protocol it depends on (or the link layer: `Some(LL)`).
fn payload_field(proto: &str, field: &str) -> R<(Load, Kind, Option<Dep>)> {
    let p = |base, off, len, protocol_key| Load::Payload { base, off, len, protocol_key };
    let l4 = |n| Some(Dep::L4(n));
    Ok(match (proto, field) {
        ("ip", "saddr") => (p(1, 12, 4, false), Kind::Ipv4, None),
        ("ip", "daddr") => (p(1, 16, 4, false), Kind::Ipv4, None),
        ("ip", "protocol") => (p(1, 9, 1, true), Kind::Proto, None),
        ("ip", "ttl") => (p(1, 8, 1, false), Kind::U8, None),
        ("ip", "frag-off") => (p(1, 6, 2, false), Kind::Be16, None),
        ("ip6", "saddr") => (p(1, 8, 16, false), Kind::Ipv6, None),
        ("ip6", "daddr") => (p(1, 24, 16, false), Kind::Ipv6, None),
        ("ip6", "hoplimit") => (p(1, 7, 1, false), Kind::U8, None),
        ("tcp", "sport") => (p(2, 0, 2, false), Kind::Be16, l4(6)),
        ("tcp", "dport") => (p(2, 2, 2, false), Kind::Be16, l4(6)),
        ("tcp", "flags") => (p(2, 13, 1, false), Kind::TcpFlags, l4(6)),
        ("udp", "sport") => (p(2, 0, 2, false), Kind::Be16, l4(17)),
        ("udp", "dport") => (p(2, 2, 2, false), Kind::Be16, l4(17)),
        ("icmp", "type") => (p(2, 0, 1, false), Kind::IcmpType, l4(1)),
        ("icmp", "code") => (p(2, 1, 1, false), Kind::U8, l4(1)),
        ("icmpv6", "type") => (p(2, 0, 1, false), Kind::Icmp6Type, l4(58)),
        ("icmpv6", "code") => (p(2, 1, 1, false), Kind::U8, l4(58)),
        ("ether", "saddr") => (p(0, 6, 6, false), Kind::Ether, Some(Dep::Ether)),
        _ => return no(format!("payload {proto} {field}")),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dep {
    L4(u8),
    Ether,
}

fn meta_field(k: MetaKey) -> R<(u32, Kind)> {
    Ok(match k {
        MetaKey::Length => (0, Kind::Host32),
        MetaKey::Mark => (3, Kind::Host32),
        MetaKey::Iifname => (6, Kind::Ifname),
        MetaKey::Oifname => (7, Kind::Ifname),
        MetaKey::Skuid => (10, Kind::Host32),
        MetaKey::Skgid => (11, Kind::Host32),
        MetaKey::L4proto => (16, Kind::Proto),
        MetaKey::Pkttype => (19, Kind::Pkttype),
        other => return no(format!("meta {other:?}")),
    })
}

fn proto_number(s: &str) -> R<u8> {
    // The names of /etc/protocols that nft resolves (getprotobyname).
    Ok(match s {
        "icmp" => 1,
        "igmp" => 2,
        "tcp" => 6,
        "dccp" => 33,
        "udp" => 17,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "icmpv6" | "ipv6-icmp" => 58,
        "sctp" => 132,
        "udplite" => 136,
        _ => return no(format!("protocol {s}")),
    })
}

fn icmp_type(s: &str, v6: bool) -> R<u8> {
    crate::translate::nft::icmp_type_number(v6, s).ok_or_else(|| Unsupported(format!("icmp type {s}")))
}

fn flag_bits(kind: Kind, s: &str) -> R<u32> {
    let table: &[(&str, u32)] = match kind {
        Kind::CtState => &[("invalid", 1), ("established", 2), ("related", 4), ("new", 8), ("untracked", 64)],
        Kind::CtStatus => &[("expected", 1), ("seen-reply", 2), ("assured", 4), ("confirmed", 8), ("snat", 16), ("dnat", 32), ("dying", 512)],
        Kind::TcpFlags => &[("fin", 1), ("syn", 2), ("rst", 4), ("psh", 8), ("ack", 16), ("urg", 32), ("ecn", 64), ("cwr", 128)],
        _ => return no("flags"),
    };
    table.iter().find(|(n, _)| *n == s).map(|(_, v)| *v).ok_or_else(|| Unsupported(format!("flag {s}")))
}

fn flags_value(kind: Kind, e: &Expression) -> R<u32> {
    match e {
        Expression::String(s) => flag_bits(kind, s),
        Expression::List(items) => items.iter().try_fold(0, |acc, i| Ok(acc | flags_value(kind, i)?)),
        Expression::Number(n) => Ok(*n),
        _ => no("flag value"),
    }
}

fn flags_bytes(kind: Kind, bits: u32) -> Vec<u8> {
    match kind {
        Kind::TcpFlags => vec![bits as u8],
        _ => bits.to_ne_bytes().to_vec(),
    }
}

/// A single value of `kind`, as the kernel compares it.
fn value(kind: Kind, e: &Expression) -> R<Vec<u8>> {
    let bad = || Unsupported(format!("value {e:?} for {kind:?}"));
    Ok(match (kind, e) {
        (Kind::Ipv4, Expression::String(s)) => s.parse::<std::net::Ipv4Addr>().map_err(|_| bad())?.octets().to_vec(),
        (Kind::Ipv6, Expression::String(s)) => s.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?.octets().to_vec(),
        (Kind::Ether, Expression::String(s)) => {
            let v: Vec<u8> = s.split(':').map(|x| u8::from_str_radix(x, 16)).collect::<Result<_, _>>().map_err(|_| bad())?;
            if v.len() != 6 {
                return Err(bad());
            }
            v
        }
        (Kind::U8, Expression::Number(n)) => vec![u8::try_from(*n).map_err(|_| bad())?],
        (Kind::Be16, Expression::Number(n)) => u16::try_from(*n).map_err(|_| bad())?.to_be_bytes().to_vec(),
        (Kind::Host32, Expression::Number(n)) => n.to_ne_bytes().to_vec(),
        (Kind::CtDir, Expression::String(s)) => vec![match s.as_ref() {
            "original" => 0,
            "reply" => 1,
            _ => return Err(bad()),
        }],
        (Kind::Proto, Expression::String(s)) => vec![proto_number(s)?],
        (Kind::Proto, Expression::Number(n)) => vec![u8::try_from(*n).map_err(|_| bad())?],
        (Kind::IcmpType, Expression::String(s)) => vec![icmp_type(s, false)?],
        (Kind::Icmp6Type, Expression::String(s)) => vec![icmp_type(s, true)?],
        (Kind::IcmpType | Kind::Icmp6Type, Expression::Number(n)) => vec![u8::try_from(*n).map_err(|_| bad())?],
        (Kind::Pkttype, Expression::String(s)) => vec![match s.as_ref() {
            "host" => 0,
            "broadcast" => 1,
            "multicast" => 2,
            "other" => 3,
            _ => return Err(bad()),
        }],
        (Kind::Ifname, Expression::String(s)) => {
            // `eth*` compares the prefix; a name compares all 16 bytes
            // (IFNAMSIZ, zero padded). A backslash would be nft's escape.
            if s.contains('\\') || s.is_empty() {
                return Err(bad());
            }
            match s.strip_suffix('*') {
                Some(p) if !p.is_empty() && !p.contains('*') => p.as_bytes().to_vec(),
                Some(_) => return Err(bad()),
                None if s.len() < 16 && !s.contains('*') => {
                    let mut v = s.as_bytes().to_vec();
                    v.resize(16, 0);
                    v
                }
                None => return Err(bad()),
            }
        }
        _ => return Err(bad()),
    })
}

/// The rule's protocol context while its statements are read, as nft's
/// evaluation keeps it: which layer-4 protocol and link layer are known.
struct Cx {
    family: NfFamily,
    l4: Option<u8>,
    ether: bool,
    items: Vec<Item>,
}

impl Cx {
    /// Adds nft's dependency for a field that needs one, once.
    fn depend(&mut self, dep: Option<Dep>) -> R<()> {
        match dep {
            None => Ok(()),
            Some(Dep::L4(p)) => match self.l4 {
                Some(q) if q == p => Ok(()),
                Some(_) => no("two layer-4 protocols"),
                None => {
                    // icmp is an ip protocol, icmpv6 an ip6 one.
                    let ok = match p {
                        1 => self.family == NfFamily::IP,
                        58 => self.family == NfFamily::IP6,
                        _ => true,
                    };
                    if !ok {
                        return no("icmp of the other family");
                    }
                    self.items.push(Item::Match(Load::Meta(16), Test::Cmp(EQ, vec![p])));
                    self.l4 = Some(p);
                    Ok(())
                }
            },
            Some(Dep::Ether) => {
                if !self.ether {
                    // meta iiftype ether (ARPHRD_ETHER, host order).
                    self.items.push(Item::Match(Load::Meta(8), Test::Cmp(EQ, 1u16.to_ne_bytes().to_vec())));
                    self.ether = true;
                }
                Ok(())
            }
        }
    }

    fn network(&self, proto: &str) -> R<()> {
        match (proto, self.family) {
            ("ip", NfFamily::IP) | ("ip6", NfFamily::IP6) => Ok(()),
            ("ip" | "ip6", _) => no("network header of another family"),
            _ => Ok(()),
        }
    }

    fn match_stmt(&mut self, m: &nftables::stmt::Match) -> R<()> {
        // The left side: a field, maybe masked.
        let (inner, mask) = match &m.left {
            Expression::BinaryOperation(b) => match &**b {
                BinaryOperation::AND(a, mask) => (a, Some(mask)),
                _ => return no("binary operation"),
            },
            other => (other, None),
        };
        let (load, kind, dep) = match inner {
            Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) => {
                self.network(&p.protocol)?;
                payload_field(&p.protocol, &p.field)?
            }
            Expression::Named(NamedExpression::Meta(meta)) => {
                let (k, kind) = meta_field(meta.key)?;
                (Load::Meta(k), kind, None)
            }
            Expression::Named(NamedExpression::CT(c)) if c.dir.is_none() && c.family.is_none() => match c.key.as_ref() {
                "state" => (Load::Ct(0, None), Kind::CtState, None),
                "direction" => (Load::Ct(1, None), Kind::CtDir, None),
                "status" => (Load::Ct(2, None), Kind::CtStatus, None),
                "mark" => (Load::Ct(3, None), Kind::Host32, None),
                k => return no(format!("ct {k}")),
            },
            // The tuple of one direction: NFT_CT_SRC 8, DST 9 (addresses
            // of the table's family, as `ct original saddr` loads them),
            // PROTOCOL 10, PROTO_SRC 11, PROTO_DST 12; with the family
            // named (`ct original ip saddr`, which translate writes as the
            // key `ip saddr`)
            // SRC_IP 19, DST_IP 20, SRC_IP6 21, DST_IP6 22.
            Expression::Named(NamedExpression::CT(c)) => {
                use nftables::expr::CTFamily;
                let dir = Some(if c.dir == Some(nftables::expr::CTDir::Reply) { 1 } else { 0 });
                let addr = if self.family == NfFamily::IP { Kind::Ipv4 } else { Kind::Ipv6 };
                match (c.family, c.key.as_ref()) {
                    (None, "saddr") => (Load::Ct(8, dir), addr, None),
                    (None, "daddr") => (Load::Ct(9, dir), addr, None),
                    (None, "protocol") => (Load::Ct(10, dir), Kind::Proto, None),
                    (None, "proto-src") => (Load::Ct(11, dir), Kind::Be16, None),
                    (None, "proto-dst") => (Load::Ct(12, dir), Kind::Be16, None),
                    (Some(CTFamily::IP), "saddr") | (None, "ip saddr") if addr == Kind::Ipv4 => (Load::Ct(19, dir), addr, None),
                    (Some(CTFamily::IP), "daddr") | (None, "ip daddr") if addr == Kind::Ipv4 => (Load::Ct(20, dir), addr, None),
                    (Some(CTFamily::IP6), "saddr") | (None, "ip6 saddr") if addr == Kind::Ipv6 => (Load::Ct(21, dir), addr, None),
                    (Some(CTFamily::IP6), "daddr") | (None, "ip6 daddr") if addr == Kind::Ipv6 => (Load::Ct(22, dir), addr, None),
                    (f, k) => return no(format!("ct {f:?} {k} with a direction")),
                }
            }
            // One address type (`fib daddr type local`); a set of them
            // (`{ broadcast, multicast }`) is left to nft.
            Expression::Named(NamedExpression::Fib(fib)) if fib.result == nftables::expr::FibResult::Type && mask.is_none() => {
                use nftables::expr::FibFlag;
                let bit = |f: FibFlag| match f {
                    FibFlag::Saddr => 1,
                    FibFlag::Daddr => 2,
                    FibFlag::Mark => 4,
                    FibFlag::Iif => 8,
                    FibFlag::Oif => 16,
                };
                let flags = fib.flags.iter().map(|f| bit(*f)).sum();
                const TYPES: [&str; 9] = ["unspec", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit"];
                let ty = |e: &Expression| match e {
                    Expression::String(t) => TYPES.iter().position(|x| x == t).map(|i| i as u32).ok_or_else(|| Unsupported(format!("fib type {t}"))),
                    Expression::Number(n) => Ok(*n),
                    _ => no("fib type"),
                };
                let op = match m.op {
                    Operator::EQ => EQ,
                    Operator::NEQ => NEQ,
                    _ => return no("fib operator"),
                };
                let test = match &m.right {
                    // `{ broadcast, multicast }`: an anonymous set of the
                    // fib_addrtype datatype (38), host order, whose udata
                    // says so and names the expression it is typeof (as nft
                    // sends it: byte order, then EXPR_FIB 26 with the result
                    // and flags).
                    Expression::Named(NamedExpression::Set(items)) => {
                        let mut elems = Vec::new();
                        for i in items {
                            match i {
                                SetItem::Element(e) => elems.push(ty(e)?.to_ne_bytes().to_vec()),
                                _ => return no("fib set element"),
                            }
                        }
                        let mut typeof_data = Vec::new();
                        udata(&mut typeof_data, 0, &3u32.to_ne_bytes());
                        udata(&mut typeof_data, 1, &(flags as u32).to_ne_bytes());
                        let mut key_typeof = Vec::new();
                        udata(&mut key_typeof, 0, &26u32.to_ne_bytes()); // EXPR_FIB
                        udata(&mut key_typeof, 1, &typeof_data);
                        let mut ud = Vec::new();
                        udata(&mut ud, 0, &1u32.to_ne_bytes()); // key byte order: host
                        udata(&mut ud, 3, &key_typeof);
                        Test::Lookup(AnonSet { id: 0, key_type: 38, key_len: 4, udata: ud, elems }, op == NEQ)
                    }
                    single => Test::Cmp(op, ty(single)?.to_ne_bytes().to_vec()),
                };
                self.items.push(Item::Match(Load::FibType(flags), test));
                return Ok(());
            }
            other => return no(format!("match on {other:?}")),
        };
        self.depend(dep)?;
        let flags = matches!(kind, Kind::CtState | Kind::CtStatus | Kind::TcpFlags);
        let test = match (mask, m.op, &m.right) {
            (Some(mask), Operator::EQ | Operator::NEQ, right) => {
                let op = if m.op == Operator::EQ { EQ } else { NEQ };
                let (mask, val) = if flags {
                    (flags_bytes(kind, flags_value(kind, mask)?), flags_bytes(kind, flags_value(kind, right)?))
                } else if matches!(kind, Kind::Be16 | Kind::Host32) {
                    (value(kind, mask)?, value(kind, right)?)
                } else {
                    return no("mask on this field");
                };
                Test::Masked(mask, op, val)
            }
            (Some(_), _, _) => return no("masked operator"),
            (None, Operator::IN, right) if matches!(kind, Kind::CtState | Kind::CtStatus) => Test::AnyBit(flags_bytes(kind, flags_value(kind, right)?)),
            // `ct state != new`: one state, so an inequality of the value.
            (None, Operator::NEQ, right @ Expression::String(_)) if kind == Kind::CtState => Test::Cmp(NEQ, flags_bytes(kind, flags_value(kind, right)?)),
            (None, _, _) if flags => return no("flag test"),
            // `ip ttl < 64`: the crate's `GT` serializes as `<` (see
            // translate::nft::LESS), so the operator is read as nft reads it.
            (None, Operator::GT | Operator::LT, right @ Expression::Number(_)) if kind == Kind::U8 => {
                Test::Cmp(if m.op == crate::translate::nft::LESS { LT } else { GT }, value(kind, right)?)
            }
            (None, Operator::EQ | Operator::NEQ, Expression::Named(NamedExpression::Prefix(p))) => {
                let addr = value(kind, &p.addr)?;
                let full = addr.len() as u32 * 8;
                if !matches!(kind, Kind::Ipv4 | Kind::Ipv6) || p.len == 0 || p.len >= full {
                    return no("prefix length");
                }
                Test::Prefix(if m.op == Operator::EQ { EQ } else { NEQ }, addr, p.len)
            }
            (None, Operator::EQ | Operator::NEQ, Expression::Range(r)) if kind == Kind::Host32 => {
                let bound = |e: &Expression| match e {
                    Expression::Number(n) => Ok(*n),
                    _ => no("range bound"),
                };
                Test::HostRange(if m.op == Operator::EQ { EQ } else { NEQ }, bound(&r.range[0])?, bound(&r.range[1])?)
            }
            (None, Operator::EQ, Expression::Range(r)) => {
                if !matches!(kind, Kind::Ipv4 | Kind::Ipv6 | Kind::Be16) {
                    return no("range of this field");
                }
                Test::Range(EQ, value(kind, &r.range[0])?, value(kind, &r.range[1])?)
            }
            (None, Operator::NEQ, Expression::Range(r)) => {
                if !matches!(kind, Kind::Ipv4 | Kind::Ipv6 | Kind::Be16) {
                    return no("negated range of this field");
                }
                Test::Range(NEQ, value(kind, &r.range[0])?, value(kind, &r.range[1])?)
            }
            (None, Operator::EQ | Operator::NEQ, Expression::Named(NamedExpression::Set(items))) => {
                // Ports only: nft's set key is inet_service with the
                // payload's typeof description.
                let (desc, tmpl) = match inner {
                    Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) => match (p.protocol.as_ref(), p.field.as_ref()) {
                        ("tcp", "sport") => (8u32, 1u32),
                        ("tcp", "dport") => (8, 2),
                        ("udp", "sport") => (6, 1),
                        ("udp", "dport") => (6, 2),
                        _ => return no("set of this field"),
                    },
                    _ => return no("set of this field"),
                };
                let mut elems = Vec::new();
                for i in items {
                    match i {
                        SetItem::Element(e @ Expression::Number(_)) => elems.push(value(kind, e)?),
                        _ => return no("set element"),
                    }
                }
                if elems.is_empty() {
                    return no("empty set");
                }
                let mut typeof_data = Vec::new();
                udata(&mut typeof_data, 0, &desc.to_ne_bytes());
                udata(&mut typeof_data, 1, &tmpl.to_ne_bytes());
                let mut key_typeof = Vec::new();
                udata(&mut key_typeof, 0, &7u32.to_ne_bytes()); // EXPR_PAYLOAD
                udata(&mut key_typeof, 1, &typeof_data);
                let mut ud = Vec::new();
                udata(&mut ud, 0, &2u32.to_ne_bytes()); // key byte order: big endian
                udata(&mut ud, 3, &key_typeof);
                Test::Lookup(AnonSet { id: 0, key_type: 13, key_len: 2, udata: ud, elems }, m.op == Operator::NEQ)
            }
            (None, Operator::EQ | Operator::NEQ, right @ (Expression::String(_) | Expression::Number(_))) => {
                let v = value(kind, right)?;
                Test::Cmp(if m.op == Operator::EQ { EQ } else { NEQ }, v)
            }
            _ => return no(format!("operator {:?} with {:?}", m.op, m.right)),
        };
        // An equality on the protocol (`ip protocol tcp`, `meta l4proto
        // tcp`) is the context later transport fields use.
        if let (Load::Payload { protocol_key: true, .. } | Load::Meta(16), Test::Cmp(EQ, v)) = (&load, &test) {
            match self.l4 {
                None => self.l4 = Some(v[0]),
                Some(q) if q == v[0] => {}
                Some(_) => return no("two layer-4 protocols"),
            }
        }
        self.items.push(Item::Match(load, test));
        Ok(())
    }

    fn other(&mut self, e: Vec<Expr>) {
        self.items.push(Item::Other(e));
    }

    fn stmt(&mut self, st: &Statement) -> R<()> {
        match st {
            Statement::Match(m) => self.match_stmt(m)?,
            Statement::Counter(Counter::Anonymous(None)) => self.other(vec![Expr { name: "counter", attrs: vec![] }]),
            Statement::Accept(None) => self.other(vec![verdict(1, None)]),
            Statement::Drop(None) => self.other(vec![verdict(0, None)]),
            Statement::Return(None) => self.other(vec![verdict(-5i32 as u32, None)]),
            Statement::Jump(j) => self.other(vec![verdict(-3i32 as u32, Some(&j.target))]),
            Statement::Goto(j) => self.other(vec![verdict(-4i32 as u32, Some(&j.target))]),
            Statement::Notrack => self.other(vec![Expr { name: "notrack", attrs: vec![] }]),
            Statement::Limit(l) => {
                if l.inv == Some(true) || l.rate_unit.as_deref().is_some_and(|u| u != "packets") || l.burst_unit.is_some() {
                    return no("limit form");
                }
                let unit: u64 = match l.per.as_deref().unwrap_or("second") {
                    "second" => 1,
                    "minute" => 60,
                    "hour" => 3600,
                    "day" => 86400,
                    p => return no(format!("limit per {p}")),
                };
                let Some(burst) = l.burst else { return no("limit without burst") };
                self.other(vec![Expr { name: "limit", attrs: vec![A::U64(1, l.rate as u64), A::U64(2, unit), A::U32(3, burst), A::U32(4, 0), A::U32(5, 0)] }]);
            }
            Statement::Log(Some(l)) => {
                let mut attrs = Vec::new();
                if let Some(g) = l.group {
                    // NFLOG: group (u16), snaplen, queue threshold (u16).
                    let g = u16::try_from(g).map_err(|_| Unsupported("log group".into()))?;
                    attrs.push(A::Bytes(1, g.to_be_bytes().to_vec()));
                    if let Some(n) = l.snaplen {
                        attrs.push(A::U32(3, n));
                    }
                    if let Some(q) = l.queue_threshold {
                        let q = u16::try_from(q).map_err(|_| Unsupported("log queue threshold".into()))?;
                        attrs.push(A::Bytes(4, q.to_be_bytes().to_vec()));
                    }
                    if l.level.is_some() || l.flags.as_ref().is_some_and(|f| !f.is_empty()) {
                        return no("log group with level or flags");
                    }
                } else if l.snaplen.is_some() || l.queue_threshold.is_some() {
                    return no("log snaplen without group");
                }
                if let Some(p) = &l.prefix {
                    if p.contains('\0') || p.len() > 127 {
                        return no("log prefix");
                    }
                    attrs.push(A::Str(2, p.to_string()));
                }
                if let Some(lv) = l.level {
                    use nftables::stmt::LogLevel as L;
                    let n = match lv {
                        L::Emerg => 0,
                        L::Alert => 1,
                        L::Crit => 2,
                        L::Err => 3,
                        L::Warn => 4,
                        L::Notice => 5,
                        L::Info => 6,
                        L::Debug => 7,
                        L::Audit => return no("log level audit"),
                    };
                    attrs.push(A::U32(5, n));
                }
                if let Some(fl) = &l.flags {
                    use nftables::stmt::LogFlag as F;
                    let mut bits = 0u32;
                    for f in fl {
                        bits |= match f {
                            F::TCPSequence => 0x01,
                            F::TCPOptions => 0x02,
                            F::IPOptions => 0x04,
                            F::Skuid => 0x08,
                            F::Ether => 0x20,
                            F::All => 0x2f,
                        };
                    }
                    if bits != 0 {
                        attrs.push(A::U32(6, bits));
                    }
                }
                self.other(vec![Expr { name: "log", attrs }]);
            }
            Statement::Reject(r) => {
                let (ty, code) = match r.as_ref().map(|r| (r._type, r.expr)) {
                    None | Some((None, None)) => (0, if self.family == NfFamily::IP6 { 4 } else { 3 }),
                    Some((Some(nftables::stmt::RejectType::TCPReset), None)) => {
                        if self.l4 != Some(6) {
                            return no("tcp reset without tcp");
                        }
                        (1, 0)
                    }
                    Some((Some(nftables::stmt::RejectType::ICMP), Some(c))) if self.family == NfFamily::IP => (
                        0,
                        match c {
                            RejectCode::NetUnreach => 0,
                            RejectCode::HostUnreach => 1,
                            RejectCode::ProtUnreach => 2,
                            RejectCode::PortUnreach => 3,
                            RejectCode::NetProhibited => 9,
                            RejectCode::HostProhibited => 10,
                            RejectCode::AdminProhibited => 13,
                            _ => return no("icmp reject code"),
                        },
                    ),
                    Some((Some(nftables::stmt::RejectType::ICMPv6), Some(c))) if self.family == NfFamily::IP6 => (
                        0,
                        match c {
                            RejectCode::NoRoute => 0,
                            RejectCode::AdminProhibited => 1,
                            RejectCode::AddrUnreach => 3,
                            RejectCode::PortUnreach => 4,
                            _ => return no("icmpv6 reject code"),
                        },
                    ),
                    _ => return no("reject form"),
                };
                self.other(vec![Expr { name: "reject", attrs: vec![A::U32(1, ty), A::U8(2, code)] }]);
            }
            Statement::SNAT(n) | Statement::DNAT(n) => {
                let snat = matches!(st, Statement::SNAT(_));
                let Some(n) = n else { return no("nat without address") };
                if n.flags.as_ref().is_some_and(|f| !f.is_empty()) || n.family.is_some() {
                    return no("nat flags");
                }
                let kind = if self.family == NfFamily::IP { Kind::Ipv4 } else { Kind::Ipv6 };
                let Some(addr) = &n.addr else { return no("nat without address") };
                let addr = value(kind, addr)?;
                let mut exprs = vec![immediate(REG_1, addr)];
                let fam = if self.family == NfFamily::IP { 2 } else { 10 };
                let mut attrs = vec![A::U32(1, if snat { 0 } else { 1 }), A::U32(2, fam), A::U32(3, REG_1)];
                if let Some(port) = &n.port {
                    if !matches!(self.l4, Some(6 | 17)) {
                        return no("nat port without tcp or udp");
                    }
                    exprs.push(immediate(REG_2, value(Kind::Be16, port)?));
                    attrs.push(A::U32(5, REG_2));
                    attrs.push(A::U32(7, 2)); // NF_NAT_RANGE_PROTO_SPECIFIED
                }
                exprs.push(Expr { name: "nat", attrs });
                self.other(exprs);
            }
            Statement::Masquerade(None) => self.other(vec![Expr { name: "masq", attrs: vec![] }]),
            Statement::Masquerade(Some(n)) if n.addr.is_none() && n.port.is_none() && n.family.is_none() => {
                use nftables::stmt::NATFlag;
                let mut bits = 0u32;
                for f in n.flags.iter().flatten() {
                    bits |= match f {
                        NATFlag::Random => 0x04,
                        NATFlag::Persistent => 0x08,
                        NATFlag::FullyRandom => 0x10,
                    };
                }
                let attrs = if bits == 0 { vec![] } else { vec![A::U32(1, bits)] };
                self.other(vec![Expr { name: "masq", attrs }]);
            }
            Statement::Redirect(Some(n)) if n.addr.is_none() && n.family.is_none() && n.flags.as_ref().is_none_or(|f| f.is_empty()) => {
                let Some(port) = &n.port else { return no("redirect form") };
                if !matches!(self.l4, Some(6 | 17)) {
                    return no("redirect port without tcp or udp");
                }
                self.other(vec![immediate(REG_1, value(Kind::Be16, port)?), Expr { name: "redir", attrs: vec![A::U32(1, REG_1), A::U32(3, 2)] }]);
            }
            Statement::Mangle(mg) => match (&mg.key, &mg.value) {
                (Expression::Named(NamedExpression::TcpOption(o)), Expression::Named(NamedExpression::RT(rt)))
                    if o.name == "maxseg" && o.field.as_deref() == Some("size") && rt.key == nftables::expr::RTKey::MTU && rt.family.is_none() =>
                {
                    if self.l4 != Some(6) {
                        return no("tcp option without tcp");
                    }
                    self.other(vec![
                        Expr { name: "rt", attrs: vec![A::U32(2, 3), A::U32(1, REG_1)] },
                        Expr { name: "byteorder", attrs: vec![A::U32(1, REG_1), A::U32(2, REG_1), A::U32(3, 1), A::U32(4, 2), A::U32(5, 2)] },
                        Expr { name: "exthdr", attrs: vec![A::U32(7, REG_1), A::U8(2, 2), A::U32(3, 2), A::U32(4, 2), A::U32(6, 1)] },
                    ]);
                }
                (Expression::Named(NamedExpression::TcpOption(o)), v @ Expression::Number(_)) if o.name == "maxseg" && o.field.as_deref() == Some("size") => {
                    if self.l4 != Some(6) {
                        return no("tcp option without tcp");
                    }
                    self.other(vec![
                        immediate(REG_1, value(Kind::Be16, v)?),
                        Expr { name: "exthdr", attrs: vec![A::U32(7, REG_1), A::U8(2, 2), A::U32(3, 2), A::U32(4, 2), A::U32(6, 1)] },
                    ]);
                }
                (Expression::Named(NamedExpression::CT(c)), v) if c.key == "mark" && c.dir.is_none() && c.family.is_none() => {
                    let load = match v {
                        Expression::Number(_) => immediate(REG_1, value(Kind::Host32, v)?),
                        Expression::Named(NamedExpression::Meta(m)) if m.key == MetaKey::Mark => {
                            Expr { name: "meta", attrs: vec![A::U32(2, 3), A::U32(1, REG_1)] }
                        }
                        _ => return no("ct mark set form"),
                    };
                    self.other(vec![load, Expr { name: "ct", attrs: vec![A::U32(2, 3), A::U32(4, REG_1)] }]);
                }
                (Expression::Named(NamedExpression::Meta(m)), Expression::Named(NamedExpression::CT(c)))
                    if m.key == MetaKey::Mark && c.key == "mark" && c.dir.is_none() && c.family.is_none() =>
                {
                    self.other(vec![
                        Expr { name: "ct", attrs: vec![A::U32(2, 3), A::U32(1, REG_1)] },
                        Expr { name: "meta", attrs: vec![A::U32(2, 3), A::U32(3, REG_1)] },
                    ]);
                }
                (Expression::Named(NamedExpression::Meta(m)), v @ Expression::Number(_)) if m.key == MetaKey::Mark => {
                    self.other(vec![immediate(REG_1, value(Kind::Host32, v)?), Expr { name: "meta", attrs: vec![A::U32(2, 3), A::U32(3, REG_1)] }]);
                }
                // `meta mark set meta mark & K ^ X` (MARK --set-xmark): the
                // mark loaded, one bitwise (mask K, xor X, host order), set.
                (Expression::Named(NamedExpression::Meta(m)), v @ Expression::BinaryOperation(_)) if m.key == MetaKey::Mark => {
                    let (keep, flip) = crate::translate::nft::mark_bits(v).ok_or_else(|| Unsupported("mark expression".into()))?;
                    self.other(vec![
                        Expr { name: "meta", attrs: vec![A::U32(2, 3), A::U32(1, REG_1)] },
                        Expr {
                            name: "bitwise",
                            attrs: vec![
                                A::U32(1, REG_1),
                                A::U32(2, REG_1),
                                A::U32(6, 0),
                                A::U32(3, 4),
                                A::Data(4, keep.to_ne_bytes().to_vec()),
                                A::Data(5, flip.to_ne_bytes().to_vec()),
                            ],
                        },
                        Expr { name: "meta", attrs: vec![A::U32(2, 3), A::U32(3, REG_1)] },
                    ]);
                }
                _ => return no("mangle form"),
            },
            other => return no(format!("statement {other:?}")),
        }
        Ok(())
    }
}

fn verdict(code: u32, chain: Option<&str>) -> Expr {
    let mut v = vec![A::U32(1, code)];
    if let Some(c) = chain {
        v.push(A::Str(2, c.to_string()));
    }
    Expr { name: "immediate", attrs: vec![A::U32(1, REG_VERDICT), A::Nest(2, vec![A::Nest(2, v)])] }
}

fn immediate(reg: u32, v: Vec<u8>) -> Expr {
    Expr { name: "immediate", attrs: vec![A::U32(1, reg), A::Data(2, v)] }
}

fn cmp(op: u32, v: Vec<u8>) -> Expr {
    Expr { name: "cmp", attrs: vec![A::U32(1, REG_1), A::U32(2, op), A::Data(3, v)] }
}

fn bitwise(with_op: bool, mask: Vec<u8>) -> Expr {
    let len = mask.len() as u32;
    let mut attrs = vec![A::U32(1, REG_1), A::U32(2, REG_1)];
    if with_op {
        attrs.push(A::U32(6, 0)); // NFT_BITWISE_BOOL
    }
    attrs.extend([A::U32(3, len), A::Data(4, mask), A::Data(5, vec![0; len as usize])]);
    Expr { name: "bitwise", attrs }
}

fn load_expr(l: &Load) -> Expr {
    match l {
        Load::Payload { base, off, len, .. } => Expr { name: "payload", attrs: vec![A::U32(1, REG_1), A::U32(2, *base), A::U32(3, *off), A::U32(4, *len)] },
        Load::Meta(k) => Expr { name: "meta", attrs: vec![A::U32(2, *k), A::U32(1, REG_1)] },
        Load::Ct(k, None) => Expr { name: "ct", attrs: vec![A::U32(2, *k), A::U32(1, REG_1)] },
        // NFTA_CT_DIRECTION 3.
        Load::Ct(k, Some(dir)) => Expr { name: "ct", attrs: vec![A::U32(2, *k), A::U32(1, REG_1), A::U8(3, *dir)] },
        // NFTA_FIB_DREG 1, NFTA_FIB_RESULT 2 (NFT_FIB_RESULT_ADDRTYPE 3),
        // NFTA_FIB_FLAGS 3.
        Load::FibType(flags) => Expr { name: "fib", attrs: vec![A::U32(1, REG_1), A::U32(2, 3), A::U32(3, *flags)] },
    }
}

fn can_merge(a: &Load, b: &Load) -> bool {
    // nft's payload_can_merge: adjacent, whole bytes, one register, and
    // only while it stays a fast (<= 4 byte) load, or at the link layer,
    // or when one side is already longer than 4 bytes.
    let (Load::Payload { base: ba, off: oa, len: la, .. }, Load::Payload { base: bb, off: ob, len: lb, .. }) = (a, b) else { return false };
    if ba != bb || oa + la != *ob {
        return false;
    }
    let total = la + lb;
    total <= 16 && (total <= 4 || *ba == 0 || *la > 4 || *lb > 4)
}

fn mergeable(i: &Item) -> bool {
    matches!(i, Item::Match(Load::Payload { .. }, Test::Cmp(EQ, _)))
}

/// nft's `stmt_reduce`: within each run of match statements, the payload
/// equalities are sorted by header position and adjacent ones joined; the
/// joined test takes the place of the first (lowest offset) one.
fn merge_payloads(items: &mut Vec<Item>) -> R<()> {
    let mut start = 0;
    while start < items.len() {
        let end = (start..items.len()).find(|&i| matches!(items[i], Item::Other(_))).unwrap_or(items.len());
        let mut idx: Vec<usize> = (start..end).filter(|&i| mergeable(&items[i])).collect();
        if idx.len() >= 2 {
            let key = |i: &usize| match &items[*i] {
                Item::Match(Load::Payload { base, off, .. }, _) => (*base, *off),
                _ => (0, 0),
            };
            idx.sort_by_key(key);
            if idx.windows(2).any(|w| key(&w[0]) == key(&w[1])) {
                return no("two equalities on one field");
            }
            let mut removed = Vec::new();
            let mut last = idx[0];
            for &this in &idx[1..] {
                let (Item::Match(la, Test::Cmp(_, lv)), Item::Match(ta, Test::Cmp(_, tv))) = (&items[last], &items[this]) else { continue };
                if !can_merge(la, ta) {
                    last = this;
                    continue;
                }
                if matches!(ta, Load::Payload { protocol_key: true, .. }) || matches!(la, Load::Payload { protocol_key: true, .. }) {
                    return no("merge with a protocol field");
                }
                let (mut la, mut lv, tv, tlen) = (la.clone(), lv.clone(), tv.clone(), if let Load::Payload { len, .. } = ta { *len } else { 0 });
                if let Load::Payload { len, .. } = &mut la {
                    *len += tlen;
                }
                lv.extend(tv);
                items[last] = Item::Match(la, Test::Cmp(EQ, lv));
                removed.push(this);
            }
            removed.sort_unstable();
            for r in removed.iter().rev() {
                items.remove(*r);
            }
            start = end - removed.len() + 1;
        } else {
            start = end + 1;
        }
    }
    Ok(())
}

/// Moves the ids of a rule's anonymous sets up by `by`, in the sets and in
/// the lookups that name them: the rules of a large table are encoded apart
/// (numbering their sets from 0) and numbered in batch order afterwards.
pub fn renumber_sets(exprs: &mut [Expr], sets: &mut [AnonSet], by: u32) {
    if sets.is_empty() {
        return;
    }
    for s in sets.iter_mut() {
        s.id += by;
    }
    let mut moved = 0;
    for e in exprs.iter_mut().filter(|e| e.name == "lookup") {
        for a in &mut e.attrs {
            if let A::U32(4, id) = a {
                // NFTA_LOOKUP_SET_ID
                *id += by;
                moved += 1;
            }
        }
    }
    // Each anonymous set is looked up by exactly one expression; one that
    // names a set another way must be renumbered here too.
    debug_assert_eq!(moved, sets.len(), "a set named outside a lookup");
}

/// A rule's expressions, and the anonymous sets it needs created first
/// (numbered from `next_set`).
pub fn rule(family: NfFamily, stmts: &[Statement], next_set: &mut u32) -> R<(Vec<Expr>, Vec<AnonSet>)> {
    if !matches!(family, NfFamily::IP | NfFamily::IP6) {
        return no("table family");
    }
    let mut cx = Cx { family, l4: None, ether: false, items: Vec::new() };
    for st in stmts {
        cx.stmt(st)?;
    }
    let mut items = cx.items;
    merge_payloads(&mut items)?;
    let mut out = Vec::new();
    let mut sets = Vec::new();
    for it in items {
        match it {
            Item::Other(e) => out.extend(e),
            Item::Match(load, test) => match test {
                Test::Cmp(op, v) => {
                    out.push(load_expr(&load));
                    out.push(cmp(op, v));
                }
                Test::Prefix(op, addr, bits) => {
                    if bits % 8 == 0 {
                        // A shorter load of the whole bytes.
                        let n = bits / 8;
                        // A shorter load of the whole bytes, where the load
                        // has a length; a ct address is loaded whole and
                        // its first bytes compared.
                        match load {
                            Load::Payload { base, off, protocol_key, .. } => out.push(load_expr(&Load::Payload { base, off, len: n, protocol_key })),
                            Load::Ct(..) => out.push(load_expr(&load)),
                            _ => return no("prefix of this field"),
                        }
                        out.push(cmp(op, addr[..n as usize].to_vec()));
                    } else {
                        let mask: Vec<u8> = (0..addr.len() as u32)
                            .map(|i| match bits.saturating_sub(i * 8).min(8) {
                                0 => 0,
                                r => 0xffu8 << (8 - r),
                            })
                            .collect();
                        let masked: Vec<u8> = addr.iter().zip(&mask).map(|(a, m)| a & m).collect();
                        out.push(load_expr(&load));
                        out.push(bitwise(false, mask));
                        out.push(cmp(op, masked));
                    }
                }
                Test::Range(EQ, lo, hi) => {
                    out.push(load_expr(&load));
                    out.push(cmp(GTE, lo));
                    out.push(cmp(LTE, hi));
                }
                Test::HostRange(op, lo, hi) => {
                    out.push(load_expr(&load));
                    // byteorder: sreg, dreg, op (hton), len, size.
                    out.push(Expr { name: "byteorder", attrs: vec![A::U32(1, REG_1), A::U32(2, REG_1), A::U32(3, 1), A::U32(4, 4), A::U32(5, 4)] });
                    let (lo, hi) = (lo.to_be_bytes().to_vec(), hi.to_be_bytes().to_vec());
                    if op == EQ {
                        out.push(cmp(GTE, lo));
                        out.push(cmp(LTE, hi));
                    } else {
                        out.push(Expr { name: "range", attrs: vec![A::U32(1, REG_1), A::U32(2, op), A::Data(3, lo), A::Data(4, hi)] });
                    }
                }
                Test::Range(op, lo, hi) => {
                    out.push(load_expr(&load));
                    out.push(Expr { name: "range", attrs: vec![A::U32(1, REG_1), A::U32(2, op), A::Data(3, lo), A::Data(4, hi)] });
                }
                Test::Lookup(mut set, inverted) => {
                    set.id = *next_set;
                    *next_set += 1;
                    out.push(load_expr(&load));
                    let mut attrs = vec![A::U32(2, REG_1), A::Str(1, ANON_SET.into()), A::U32(4, set.id)];
                    if inverted {
                        // NFTA_LOOKUP_FLAGS: NFT_LOOKUP_F_INV.
                        attrs.push(A::U32(5, 1));
                    }
                    out.push(Expr { name: "lookup", attrs });
                    sets.push(set);
                }
                Test::AnyBit(mask) => {
                    let n = mask.len();
                    out.push(load_expr(&load));
                    out.push(bitwise(false, mask));
                    out.push(cmp(NEQ, vec![0; n]));
                }
                Test::Masked(mask, op, v) => {
                    out.push(load_expr(&load));
                    out.push(bitwise(true, mask));
                    out.push(cmp(op, v));
                }
            },
        }
    }
    Ok((out, sets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_mask_has_the_leading_bits_set() {
        // 10 bits of an IPv6 address: ffc0 then zeros.
        let addr = vec![0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut n = 1;
        let st: Vec<Statement> = vec![crate::translate::nft::eq(
            crate::translate::nft::payload("ip6", "saddr"),
            false,
            crate::translate::nft::prefix("fe80::".parse().unwrap(), 10),
        )];
        let (e, _) = rule(NfFamily::IP6, &st, &mut n).unwrap();
        assert_eq!(e[1].attrs[3], A::Data(4, [vec![0xff, 0xc0], vec![0; 14]].concat()));
        assert_eq!(e[2].attrs[2], A::Data(3, addr));
    }

    #[test]
    fn adjacent_port_equalities_become_one_load_after_the_dependency() {
        use crate::translate::nft::{eq, n, payload};
        let st = vec![eq(payload("udp", "dport"), false, n(546)), eq(payload("udp", "sport"), false, n(547))];
        let (e, _) = rule(NfFamily::IP, &st, &mut 1).unwrap();
        let names: Vec<&str> = e.iter().map(|x| x.name).collect();
        assert_eq!(names, ["meta", "cmp", "payload", "cmp"]);
        assert_eq!(e[2].attrs[3], A::U32(4, 4));
        assert_eq!(e[3].attrs[2], A::Data(3, vec![0x02, 0x23, 0x02, 0x22]));
    }

    #[test]
    fn an_unknown_statement_is_unsupported_not_approximated() {
        let st = vec![Statement::Continue(None)];
        assert!(rule(NfFamily::IP, &st, &mut 1).is_err());
    }
}
