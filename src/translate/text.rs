//! nft statements as the text `nft -f` reads, written the way `nft list
//! ruleset` prints them (implicit `==`, `ct state established,related`,
//! `tcp dport { 22, 80 }`), so that what a person reads is what they would
//! see after loading it.
//!
//! It renders the subset of the `nftables` crate's types that fwcheck's
//! translations produce; anything else is rendered as its JSON in a comment
//! position would be wrong, so such a shape is a bug caught by the tests
//! that load every translation with `nft -c`.

use super::nft::{Expr, Operator, Stmt};
use nftables::expr::{BinaryOperation, Expression, MetaKey, NamedExpression, Payload, SetItem};
use nftables::stmt::{LogFlag, LogLevel, NATFlag, RejectType, Statement};
use std::fmt::Write;

/// A string in nft's double quotes. nft has no escape for `"` inside a
/// string; the translation refuses such strings before they get here.
pub fn quoted(v: &str) -> String {
    format!("\"{v}\"")
}

fn meta_key(k: MetaKey) -> (&'static str, bool) {
    // (name, whether nft lists it without the `meta` keyword)
    match k {
        MetaKey::Iifname => ("iifname", true),
        MetaKey::Oifname => ("oifname", true),
        MetaKey::Iif => ("iif", true),
        MetaKey::Oif => ("oif", true),
        MetaKey::Mark => ("mark", false),
        MetaKey::Skuid => ("skuid", true),
        MetaKey::Skgid => ("skgid", true),
        MetaKey::Pkttype => ("pkttype", true),
        MetaKey::L4proto => ("l4proto", false),
        MetaKey::Nfproto => ("nfproto", false),
        MetaKey::Length => ("length", false),
        MetaKey::Protocol => ("protocol", false),
        MetaKey::Priority => ("priority", false),
        _ => ("unknown", false),
    }
}

/// Whether strings compared with this expression are names nft wants in
/// quotes (interface names may hold `*` and `.`).
fn wants_quotes(e: &Expr) -> bool {
    matches!(e, Expression::Named(NamedExpression::Meta(m)) if matches!(m.key, MetaKey::Iifname | MetaKey::Oifname))
}

pub fn expr(e: &Expr, quote: bool, out: &mut String) {
    expr_h(e, quote, false, out)
}

/// `hex`: numbers are masks or marks, written `0xff` as iptables and nft
/// write them.
fn expr_h(e: &Expr, quote: bool, hex: bool, out: &mut String) {
    match e {
        Expression::Number(v) if hex => {
            let _ = write!(out, "{v:#x}");
        }
        Expression::String(v) => {
            if quote {
                out.push_str(&quoted(v));
            } else {
                out.push_str(v);
            }
        }
        Expression::Number(v) => {
            let _ = write!(out, "{v}");
        }
        Expression::Boolean(b) => out.push_str(if *b { "exists" } else { "missing" }),
        Expression::List(items) => {
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                expr(it, quote, out);
            }
        }
        Expression::BinaryOperation(b) => match &**b {
            BinaryOperation::AND(a, c) => binop(a, "&", c, out),
            BinaryOperation::XOR(a, c) => binop(a, "^", c, out),
            BinaryOperation::LSHIFT(a, c) => binop(a, "<<", c, out),
            BinaryOperation::RSHIFT(a, c) => binop(a, ">>", c, out),
            BinaryOperation::OR(items) => {
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" | ");
                    }
                    expr_h(it, quote, true, out);
                }
            }
        },
        Expression::Range(r) => {
            expr(&r.range[0], quote, out);
            out.push('-');
            expr(&r.range[1], quote, out);
        }
        Expression::Verdict(_) => out.push_str("verdict"),
        Expression::Named(ne) => named(ne, quote, out),
    }
}

fn binop(a: &Expr, op: &str, b: &Expr, out: &mut String) {
    expr_h(a, false, true, out);
    let _ = write!(out, " {op} ");
    // A list of flags on the right of `&` is their union: `(fin|syn)`.
    match b {
        Expression::List(items) => {
            out.push('(');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                expr(it, false, out);
            }
            out.push(')');
        }
        _ => expr_h(b, false, true, out),
    }
}

fn named(ne: &NamedExpression<'static>, quote: bool, out: &mut String) {
    match ne {
        NamedExpression::Payload(Payload::PayloadField(p)) => {
            let _ = write!(out, "{} {}", p.protocol, p.field);
        }
        NamedExpression::Payload(Payload::PayloadRaw(p)) => {
            let _ = write!(out, "@{},{},{}", format!("{:?}", p.base).to_lowercase(), p.offset, p.len);
        }
        NamedExpression::Meta(m) => {
            let (name, bare) = meta_key(m.key);
            if !bare {
                out.push_str("meta ");
            }
            out.push_str(name);
        }
        NamedExpression::CT(c) => {
            out.push_str("ct ");
            if let Some(d) = c.dir {
                out.push_str(match d {
                    nftables::expr::CTDir::Original => "original ",
                    nftables::expr::CTDir::Reply => "reply ",
                });
            }
            out.push_str(&c.key);
        }
        NamedExpression::Prefix(p) => {
            expr(&p.addr, false, out);
            let _ = write!(out, "/{}", p.len);
        }
        NamedExpression::Set(items) => {
            out.push_str("{ ");
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match it {
                    SetItem::Element(e) => expr(e, quote, out),
                    SetItem::Mapping(k, v) => {
                        expr(k, quote, out);
                        out.push_str(" : ");
                        expr(v, quote, out);
                    }
                    SetItem::MappingStatement(k, _) => expr(k, quote, out),
                }
            }
            out.push_str(" }");
        }
        NamedExpression::Concat(items) => {
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(" . ");
                }
                expr(it, quote, out);
            }
        }
        NamedExpression::Fib(f) => {
            out.push_str("fib ");
            let mut flags: Vec<&str> = f
                .flags
                .iter()
                .map(|fl| match fl {
                    nftables::expr::FibFlag::Saddr => "saddr",
                    nftables::expr::FibFlag::Daddr => "daddr",
                    nftables::expr::FibFlag::Mark => "mark",
                    nftables::expr::FibFlag::Iif => "iif",
                    nftables::expr::FibFlag::Oif => "oif",
                })
                .collect();
            // saddr/daddr first, then mark, then iif/oif: nft's own order.
            let rank = |f: &&str| ["saddr", "daddr", "mark", "iif", "oif"].iter().position(|x| x == f).unwrap_or(9);
            flags.sort_by_key(rank);
            out.push_str(&flags.join(" . "));
            out.push_str(match f.result {
                nftables::expr::FibResult::Oif => " oif",
                nftables::expr::FibResult::Oifname => " oifname",
                nftables::expr::FibResult::Type => " type",
            });
        }
        NamedExpression::TcpOption(t) => {
            let _ = write!(out, "tcp option {}", t.name);
            if let Some(f) = &t.field {
                let _ = write!(out, " {f}");
            }
        }
        NamedExpression::RT(r) => {
            out.push_str(match r.key {
                nftables::expr::RTKey::MTU => "rt mtu",
                nftables::expr::RTKey::NextHop => "rt nexthop",
                nftables::expr::RTKey::ClassId => "rt classid",
            });
        }
        NamedExpression::Exthdr(x) => {
            let _ = write!(out, "exthdr {}", x.name);
            if let Some(f) = &x.field {
                let _ = write!(out, " {f}");
            }
        }
        other => {
            let _ = write!(out, "{}", serde_json::to_string(other).unwrap_or_default());
        }
    }
}

fn op_text(op: Operator) -> &'static str {
    match op {
        Operator::EQ => "==",
        Operator::NEQ => "!=",
        // The crate names these for the opposite reading; their JSON is
        // what counts (see `nft::LESS`).
        Operator::LT => ">",
        Operator::GT => "<",
        Operator::LEQ => "<=",
        Operator::GEQ => ">=",
        Operator::IN => "",
        Operator::AND => "&",
        Operator::OR => "|",
        Operator::XOR => "^",
        Operator::LSHIFT => "<<",
        Operator::RSHIFT => ">>",
    }
}

fn log_level(l: LogLevel) -> &'static str {
    match l {
        LogLevel::Emerg => "emerg",
        LogLevel::Alert => "alert",
        LogLevel::Crit => "crit",
        LogLevel::Err => "err",
        LogLevel::Warn => "warn",
        LogLevel::Notice => "notice",
        LogLevel::Info => "info",
        LogLevel::Debug => "debug",
        LogLevel::Audit => "audit",
    }
}

pub fn stmt(st: &Stmt, out: &mut String) {
    match st {
        Statement::Match(m) => {
            expr(&m.left, false, out);
            let q = wants_quotes(&m.left);
            let hex = is_mark(&m.left) || matches!(m.left, Expression::BinaryOperation(_));
            let explicit_eq = matches!(m.left, Expression::BinaryOperation(_));
            match m.op {
                Operator::EQ if !explicit_eq => out.push(' '),
                Operator::IN => out.push(' '),
                op => {
                    let _ = write!(out, " {} ", op_text(op));
                }
            }
            expr_h(&m.right, q, hex, out);
        }
        Statement::Counter(_) => out.push_str("counter"),
        Statement::Accept(_) => out.push_str("accept"),
        Statement::Drop(_) => out.push_str("drop"),
        Statement::Continue(_) => out.push_str("continue"),
        Statement::Return(_) => out.push_str("return"),
        Statement::Jump(j) => {
            let _ = write!(out, "jump {}", j.target);
        }
        Statement::Goto(j) => {
            let _ = write!(out, "goto {}", j.target);
        }
        Statement::Notrack => out.push_str("notrack"),
        Statement::Mangle(m) => {
            expr(&m.key, false, out);
            out.push_str(" set ");
            expr_h(&m.value, false, is_mark(&m.key), out);
        }
        Statement::Limit(l) => {
            out.push_str("limit rate ");
            if l.inv == Some(true) {
                out.push_str("over ");
            }
            let _ = write!(out, "{}/{}", l.rate, l.per.as_deref().unwrap_or("second"));
            if let Some(b) = l.burst {
                let _ = write!(out, " burst {b} packets");
            }
        }
        Statement::Log(l) => {
            out.push_str("log");
            if let Some(l) = l {
                if let Some(p) = &l.prefix {
                    let _ = write!(out, " prefix {}", quoted(p));
                }
                if let Some(g) = l.group {
                    let _ = write!(out, " group {g}");
                }
                if let Some(s) = l.snaplen {
                    let _ = write!(out, " snaplen {s}");
                }
                if let Some(t) = l.queue_threshold {
                    let _ = write!(out, " queue-threshold {t}");
                }
                if let Some(lv) = l.level {
                    let _ = write!(out, " level {}", log_level(lv));
                }
                if let Some(fl) = &l.flags {
                    if fl.contains(&LogFlag::All) {
                        out.push_str(" flags all");
                    } else {
                        let mut names = Vec::new();
                        let tcp: Vec<&str> = [(LogFlag::TCPSequence, "sequence"), (LogFlag::TCPOptions, "options")]
                            .iter()
                            .filter(|(f, _)| fl.contains(f))
                            .map(|(_, n)| *n)
                            .collect();
                        if !tcp.is_empty() {
                            names.push(format!("tcp {}", tcp.join(",")));
                        }
                        if fl.contains(&LogFlag::IPOptions) {
                            names.push("ip options".into());
                        }
                        if fl.contains(&LogFlag::Skuid) {
                            names.push("skuid".into());
                        }
                        if fl.contains(&LogFlag::Ether) {
                            names.push("ether".into());
                        }
                        for n in names {
                            let _ = write!(out, " flags {n}");
                        }
                    }
                }
            }
        }
        Statement::Reject(r) => {
            out.push_str("reject");
            if let Some(r) = r {
                match (r._type, r.expr) {
                    (Some(RejectType::TCPReset), _) => out.push_str(" with tcp reset"),
                    (Some(t), Some(code)) => {
                        let kind = match t {
                            RejectType::ICMP => "icmp",
                            RejectType::ICMPv6 => "icmpv6",
                            RejectType::ICMPX => "icmpx",
                            RejectType::TCPReset => "tcp",
                        };
                        let code = serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                        let _ = write!(out, " with {kind} type {code}");
                    }
                    _ => {}
                }
            }
        }
        Statement::SNAT(n) | Statement::DNAT(n) | Statement::Masquerade(n) | Statement::Redirect(n) => {
            out.push_str(match st {
                Statement::SNAT(_) => "snat",
                Statement::DNAT(_) => "dnat",
                Statement::Masquerade(_) => "masquerade",
                _ => "redirect",
            });
            if let Some(n) = n {
                if let Some(f) = n.family {
                    out.push_str(match f {
                        nftables::stmt::NATFamily::IP => " ip",
                        nftables::stmt::NATFamily::IP6 => " ip6",
                    });
                }
                if n.addr.is_some() || n.port.is_some() {
                    out.push_str(" to ");
                    if let Some(a) = &n.addr {
                        let v6 = is_v6(a);
                        if v6 && n.port.is_some() {
                            out.push('[');
                            expr(a, false, out);
                            out.push(']');
                        } else {
                            expr(a, false, out);
                        }
                    }
                    if let Some(p) = &n.port {
                        out.push(':');
                        expr(p, false, out);
                    }
                }
                if let Some(fl) = &n.flags {
                    let names: Vec<&str> = [(NATFlag::Random, "random"), (NATFlag::FullyRandom, "fully-random"), (NATFlag::Persistent, "persistent")]
                        .iter()
                        .filter(|(f, _)| fl.contains(f))
                        .map(|(_, n)| *n)
                        .collect();
                    if !names.is_empty() {
                        let _ = write!(out, " {}", names.join(","));
                    }
                }
            }
        }
        other => {
            let _ = write!(out, "{}", serde_json::to_string(other).unwrap_or_default());
        }
    }
}

/// `meta mark` or `ct mark`: values are bit patterns, written in hex.
fn is_mark(e: &Expr) -> bool {
    match e {
        Expression::Named(NamedExpression::Meta(m)) => m.key == MetaKey::Mark,
        Expression::Named(NamedExpression::CT(c)) => c.key == "mark",
        _ => false,
    }
}

fn is_v6(e: &Expr) -> bool {
    match e {
        Expression::String(s) => s.contains(':'),
        Expression::Range(r) => is_v6(&r.range[0]),
        _ => false,
    }
}

/// The statements of one rule, space-separated.
pub fn stmts(list: &[Stmt]) -> String {
    let mut out = String::new();
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        stmt(s, &mut out);
    }
    out
}

/// Words nft 1.0.6's scanner takes as keywords wherever a chain, table or
/// set name may stand (each tried with `add chain ip t WORD` and as a
/// `jump` target: "syntax error, unexpected reject, expecting string"),
/// and the words newer nft releases made keywords (`last`, `destroy`,
/// `vxlan` …), so a script written today still loads after an upgrade.
/// nft 1.0.6 has no quoting for names: `chain "reject"` is refused too
/// ("unexpected quoted string, expecting string").
const KEYWORDS: &[&str] = &[
    "accept",
    "add",
    "ah",
    "all",
    "and",
    "arp",
    "auto-merge",
    "bridge",
    "cgroup",
    "chain",
    "comment",
    "comp",
    "constant",
    "continue",
    "counter",
    "cpu",
    "create",
    "ct",
    "day",
    "dccp",
    "define",
    "delete",
    "describe",
    "destroy",
    "device",
    "devices",
    "dnat",
    "drop",
    "dst",
    "dup",
    "dynamic",
    "ecn",
    "element",
    "elements",
    "eq",
    "esp",
    "ether",
    "exists",
    "expires",
    "export",
    "exthdr",
    "fib",
    "flags",
    "flow",
    "flowtable",
    "flush",
    "frag",
    "fwd",
    "gc-interval",
    "ge",
    "geneve",
    "get",
    "goto",
    "gre",
    "gretap",
    "gt",
    "handle",
    "hbh",
    "hook",
    "hour",
    "ibriport",
    "ibrname",
    "icmp",
    "icmpv6",
    "igmp",
    "iif",
    "iifgroup",
    "iifname",
    "iiftype",
    "import",
    "include",
    "index",
    "inet",
    "insert",
    "interval",
    "ip",
    "ip6",
    "ipsec",
    "jhash",
    "jump",
    "last",
    "le",
    "limit",
    "list",
    "log",
    "lshift",
    "lt",
    "map",
    "mark",
    "masquerade",
    "meta",
    "meter",
    "mh",
    "missing",
    "monitor",
    "ne",
    "netdev",
    "nftrace",
    "not",
    "notrack",
    "numgen",
    "obriport",
    "obrname",
    "offload",
    "oif",
    "oifgroup",
    "oifname",
    "oiftype",
    "or",
    "osf",
    "pkttype",
    "policy",
    "position",
    "priority",
    "queue",
    "quota",
    "random",
    "redefine",
    "redirect",
    "reject",
    "rename",
    "replace",
    "reset",
    "return",
    "rshift",
    "rt",
    "rt0",
    "rt2",
    "rtclassid",
    "rule",
    "ruleset",
    "sctp",
    "secmark",
    "set",
    "size",
    "skgid",
    "skuid",
    "snat",
    "socket",
    "srh",
    "symhash",
    "synproxy",
    "table",
    "tcp",
    "th",
    "time",
    "timeout",
    "tproxy",
    "tunnel",
    "type",
    "typeof",
    "udp",
    "udplite",
    "undefine",
    "update",
    "vlan",
    "vmap",
    "vni",
    "vxlan",
    "xor",
    "xt",
];

/// Why `name` cannot stand as a chain name in nft 1.0.6's text syntax, if
/// it cannot: a name is one bare `string` token of nft's scanner
/// (`[A-Za-z_.][A-Za-z0-9/_.-]*`) that is not a keyword. (A `#` would even
/// load, silently cutting the name at the comment it starts.)
pub fn bare_name_problem(name: &str) -> Option<String> {
    let mut bytes = name.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'.');
    let rest_ok = name.bytes().skip(1).all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'.' | b'-'));
    if name == "." || !first_ok || !rest_ok {
        return Some(
            "nft's text syntax has no quoting for names, and a bare name starts with a letter, `_` or `.` and holds only letters, digits and `/_.-`".into(),
        );
    }
    if KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is a keyword of nft's text syntax, which has no quoting for names"));
    }
    None
}

/// Why `v` cannot be written as a quoted string of nft's text syntax, if
/// it cannot. A quoted string runs to the next `"` with no escapes, so a
/// `"` has no form. In a log prefix `$` starts a variable even inside the
/// quotes (`log prefix "a$b"`: "unknown identifier 'b'"); in a comment it
/// is literal. A comment holds at most 128 bytes in text ("comment too
/// long, 128 characters maximum allowed").
pub fn string_problem(what: &str, v: &str, max: Option<usize>) -> Option<String> {
    let bad: &[char] = if what == "log prefix" { &['"', '$'] } else { &['"'] };
    for &bad in bad {
        if v.contains(bad) {
            return Some(format!("the {what} holds a `{bad}`, which nft's text syntax cannot write"));
        }
    }
    match max {
        Some(m) if v.len() > m => Some(format!("the {what} is {} bytes long, and nft's text syntax takes at most {m}", v.len())),
        _ => None,
    }
}

/// Longest rule comment nft 1.0.6 reads in a script.
pub const TEXT_COMMENT_MAX: usize = 128;

/// What of `script` has no form in nft's text syntax (the JSON form has
/// every one), as errors at the rule each is in (a chain's own name at its
/// first rule), so they point at the line a person wrote.
pub fn text_problems(script: &super::Script) -> Vec<crate::diag::Diagnostic> {
    let mut out = Vec::new();
    let mut push = |span: Option<crate::source::Span>, why: String| {
        out.push(
            crate::diag::Diagnostic::error("translate::no-text-form", span.unwrap_or_default(), format!("no nft text form: {why}"))
                .with_help("`--format json` writes it exactly (`nft -j -f` loads it); or rename the chain / change the string"),
        )
    };
    for t in &script.tables {
        for c in &t.chains {
            let first = c.rules.iter().find_map(|r| match r {
                super::NRule::Rule { span, .. } => *span,
                super::NRule::Untranslated { span, .. } => Some(*span),
            });
            if let Some(why) = bare_name_problem(&c.name) {
                push(first, format!("chain `{}` of table {}: {why}", c.name, t.name));
            }
            for r in &c.rules {
                let super::NRule::Rule { stmts, comment, span } = r else { continue };
                for st in stmts {
                    if let Statement::Log(Some(l)) = st {
                        if let Some(why) = l.prefix.as_deref().and_then(|p| string_problem("log prefix", p, None)) {
                            push(*span, why);
                        }
                    }
                }
                if let Some(why) = comment.as_deref().and_then(|c| string_problem("comment", c, Some(TEXT_COMMENT_MAX))) {
                    push(*span, why);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn bare_names() {
        for ok in ["INPUT", "REJECT", "my-chain", "a.b", "a/b", "_x", ".x", "state", "input", "filter", "Drop", "tcp-reset"] {
            assert_eq!(bare_name_problem(ok), None, "{ok}");
        }
        for bad in ["reject", "drop", "log", "limit", "tcp", "icmp", "mark", "counter", "1abc", "a b", "a#b", "a$b", "a@b", "a:b", "Ä", "a\"b", ".", ""] {
            assert!(bare_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn strings() {
        assert_eq!(string_problem("comment", "a b;#{}\\ $HOME", Some(128)), None);
        assert!(string_problem("comment", "a\"b", Some(128)).is_some());
        assert!(string_problem("log prefix", "a$b", None).is_some());
        assert!(string_problem("comment", &"x".repeat(129), Some(128)).is_some());
        assert_eq!(string_problem("comment", &"x".repeat(128), Some(128)), None);
    }
}
