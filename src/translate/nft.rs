//! The nft vocabulary the extensions translate into: the `nftables` crate's
//! own statement and expression types (so the JSON output is those types
//! serialized, never hand-written JSON), short constructors for them, and
//! the per-rule context an extension's `to_nft` writes into.

use crate::ir::{Family, Hook, TableName};
pub use nftables::expr::Expression;
pub use nftables::expr::NamedExpression;
use nftables::expr::{Payload, PayloadField, Prefix, Range, SetItem, CT};
pub use nftables::stmt::{Operator, Statement};
use std::borrow::Cow;
use std::net::IpAddr;

pub type Stmt = Statement<'static>;
pub type Expr = Expression<'static>;

/// Why a rule (or one of its matches) has no nft form. The caller adds the
/// rule's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable(pub String);

impl Untranslatable {
    pub fn new(why: impl Into<String>) -> Untranslatable {
        Untranslatable(why.into())
    }
}

pub type TxResult = Result<(), Untranslatable>;

/// What a translation can see of the rule it is part of, and where its
/// statements go.
pub struct RuleCx {
    /// The iptables family of the rule (`ip` or `ip6` payloads).
    pub family: Family,
    /// The output table family is `inet`: NAT statements must name the
    /// address family (`snat ip to ...`).
    pub inet: bool,
    pub table: TableName,
    /// The hook of the chain, if a base chain.
    pub hook: Option<Hook>,
    /// `-p`, if given and not negated.
    pub proto: Option<u8>,
    /// Match statements, in order.
    pub stmts: Vec<Stmt>,
    /// Statements of the target (after `counter`).
    pub target: Vec<Stmt>,
    /// The rule's comment (`-m comment`), the last one wins as in iptables-nft.
    pub comment: Option<String>,
    /// Protocols that an emitted payload expression already requires
    /// (`tcp dport 22` only matches tcp): the rule's `-p` is then left out.
    pub implied_protos: Vec<u8>,
}

impl RuleCx {
    pub fn push(&mut self, s: Stmt) {
        self.stmts.push(s);
    }
    /// Records that a statement implies protocol `p` (nft adds that
    /// dependency itself).
    pub fn implies(&mut self, p: u8) {
        self.implied_protos.push(p);
    }
    /// `ip` or `ip6`: the payload protocol of the rule's family.
    pub fn ip(&self) -> &'static str {
        match self.family {
            Family::Ipv4 => "ip",
            Family::Ipv6 => "ip6",
        }
    }
}

pub fn s(v: impl Into<String>) -> Expr {
    Expression::String(Cow::Owned(v.into()))
}

pub fn n(v: u32) -> Expr {
    Expression::Number(v)
}

/// nft's names of ICMP types (`icmp type echo-request`). The translation
/// writes them for these types (a number for any other), and reading nft
/// back and encoding the netlink batch take them back to numbers.
pub const ICMP_TYPES: &[(&str, u8)] = &[
    ("echo-reply", 0),
    ("destination-unreachable", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("echo-request", 8),
    ("router-advertisement", 9),
    ("router-solicitation", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp-request", 13),
    ("timestamp-reply", 14),
    ("info-request", 15),
    ("info-reply", 16),
    ("address-mask-request", 17),
    ("address-mask-reply", 18),
];

/// The same for ICMPv6 (`icmpv6 type nd-neighbor-solicit`).
pub const ICMPV6_TYPES: &[(&str, u8)] = &[
    ("destination-unreachable", 1),
    ("packet-too-big", 2),
    ("time-exceeded", 3),
    ("parameter-problem", 4),
    ("echo-request", 128),
    ("echo-reply", 129),
    ("mld-listener-query", 130),
    ("mld-listener-report", 131),
    ("mld-listener-done", 132),
    ("nd-router-solicit", 133),
    ("nd-router-advert", 134),
    ("nd-neighbor-solicit", 135),
    ("nd-neighbor-advert", 136),
    ("nd-redirect", 137),
    ("router-renumbering", 138),
];

/// nft's name of ICMP (`v6`: ICMPv6) type `t`, if [`ICMP_TYPES`] has one.
pub fn icmp_type_name(v6: bool, t: u8) -> Option<&'static str> {
    (if v6 { ICMPV6_TYPES } else { ICMP_TYPES }).iter().find(|(_, v)| *v == t).map(|(n, _)| *n)
}

/// The number of the ICMP (`v6`: ICMPv6) type nft calls `name`.
pub fn icmp_type_number(v6: bool, name: &str) -> Option<u8> {
    (if v6 { ICMPV6_TYPES } else { ICMP_TYPES }).iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

pub fn payload(proto: &str, field: &str) -> Expr {
    Expression::Named(NamedExpression::Payload(Payload::PayloadField(PayloadField { protocol: Cow::Owned(proto.into()), field: Cow::Owned(field.into()) })))
}

pub fn meta(key: nftables::expr::MetaKey) -> Expr {
    Expression::Named(NamedExpression::Meta(nftables::expr::Meta { key }))
}

pub fn ct(key: &str) -> Expr {
    Expression::Named(NamedExpression::CT(CT { key: Cow::Owned(key.into()), family: None, dir: None }))
}

pub fn ct_dir(key: &str, dir: nftables::expr::CTDir) -> Expr {
    Expression::Named(NamedExpression::CT(CT { key: Cow::Owned(key.into()), family: None, dir: Some(dir) }))
}

pub fn range(lo: Expr, hi: Expr) -> Expr {
    Expression::Range(Box::new(Range { range: [lo, hi] }))
}

pub fn set(items: Vec<Expr>) -> Expr {
    Expression::Named(NamedExpression::Set(items.into_iter().map(SetItem::Element).collect()))
}

pub fn prefix(addr: IpAddr, len: u32) -> Expr {
    Expression::Named(NamedExpression::Prefix(Prefix { addr: Box::new(addr_expr(addr)), len }))
}

pub fn addr_expr(a: IpAddr) -> Expr {
    match a {
        IpAddr::V4(v) => s(v.to_string()),
        IpAddr::V6(v) => s(crate::ext::value::ipv6_to_string(v)),
    }
}

pub fn and(a: Expr, b: Expr) -> Expr {
    Expression::BinaryOperation(Box::new(nftables::expr::BinaryOperation::AND(a, b)))
}

/// A number or an inclusive range of numbers (`22` or `1-1023`).
pub fn num_range(lo: u32, hi: u32) -> Expr {
    if lo == hi {
        n(lo)
    } else {
        range(n(lo), n(hi))
    }
}

pub fn cmp(left: Expr, op: Operator, right: Expr) -> Stmt {
    Statement::Match(nftables::stmt::Match { left, right, op })
}

/// `left == right`, or `left != right` when `neg`.
pub fn eq(left: Expr, neg: bool, right: Expr) -> Stmt {
    cmp(left, if neg { Operator::NEQ } else { Operator::EQ }, right)
}

/// A flag test: `ct state established,related` is nft's implicit `in`,
/// "one of these bits is set". Negated it is "none of these bits is set",
/// written `ct state & (established|related) == 0`: nft's `!=` would be an
/// inequality of the whole value (`ct state != 6`), which is true for an
/// established packet. The one exception kept readable is a single value of
/// `ct state`, which always has exactly one bit set: `ct state != new`.
pub fn flags(left: Expr, neg: bool, names: Vec<&str>) -> Stmt {
    let single_state = names.len() == 1 && matches!(&left, Expression::Named(NamedExpression::CT(c)) if c.key == "state");
    let list = |names: Vec<&str>| if names.len() == 1 { s(names[0]) } else { Expression::List(names.into_iter().map(s).collect()) };
    match (neg, single_state) {
        (false, _) => cmp(left, Operator::IN, list(names)),
        (true, true) => cmp(left, Operator::NEQ, list(names)),
        (true, false) => cmp(and(left, list(names)), Operator::EQ, n(0)),
    }
}

/// The operator that serializes as `<` (the crate's `GT` variant is named
/// for its reversed reading; its JSON is what nft reads).
pub const LESS: Operator = Operator::GT;
/// The operator that serializes as `>`.
pub const GREATER: Operator = Operator::LT;

/// `meta mark set meta mark & K ^ X` and the forms nft lists it in (`&`,
/// `|` and `^` of the mark with numbers, such as `meta mark & 0xffffff02 |
/// 0x2`) as the (K, X) of `mark & K ^ X`, which is MARK's `--set-xmark
/// X/~K`: each `& c` keeps fewer bits, each `| c` sets bits (`y | c` is
/// `y & ~c ^ c`), each `^ c` flips bits.
pub fn mark_bits(e: &Expression) -> Option<(u32, u32)> {
    match e {
        Expression::Named(NamedExpression::Meta(m)) if m.key == nftables::expr::MetaKey::Mark => Some((u32::MAX, 0)),
        Expression::BinaryOperation(b) => match &**b {
            nftables::expr::BinaryOperation::AND(y, Expression::Number(c)) => mark_bits(y).map(|(k, x)| (k & c, x & c)),
            nftables::expr::BinaryOperation::XOR(y, Expression::Number(c)) => mark_bits(y).map(|(k, x)| (k, x ^ c)),
            nftables::expr::BinaryOperation::OR(items) => {
                let (first, rest) = items.split_first()?;
                rest.iter().try_fold(mark_bits(first)?, |(k, x), c| match c {
                    Expression::Number(c) => Some((k & !c, (x & !c) ^ c)),
                    _ => None,
                })
            }
            _ => None,
        },
        _ => None,
    }
}
