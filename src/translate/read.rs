//! nft -> IR: a rule set as `nft -j list ruleset` prints it (read through
//! the `nftables` crate's schema) becomes the iptables-restore text of the
//! same rules, which the ordinary front end then reads into the IR. So
//! `predict` works on native nft rule sets, through the one IR.
//!
//! It reads what `fwcheck translate` writes and the common idioms of hand
//! written rule sets; a statement it does not know is an error naming the
//! table, chain and rule, never skipped. Base chains are mapped to the
//! iptables table whose priority and type they have (filter 0, nat -100 and
//! 100, mangle -150, raw -300, security 50); an `inet` table gives both
//! families, each rule going to the family it reads (`ip saddr`, `meta
//! nfproto ipv6`) or to both.
//!
//! The IR's spans then point into the generated restore text (named
//! `<nft FILE>.v4` / `.v6`), not into the JSON.

use nftables::expr::{BinaryOperation, Expression, MetaKey, NamedExpression, Payload, SetItem};
use nftables::schema::{NfListObject, NfObject, Nftables};
use nftables::stmt::{Operator, Statement};
use nftables::types::{NfChainType, NfFamily, NfHook};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The restore texts, IPv4 then IPv6 (either may be empty), or the errors.
pub struct Restore {
    pub v4: String,
    pub v6: String,
}

fn table_of(ty: NfChainType, prio: i32) -> Option<&'static str> {
    Some(match (ty, prio) {
        (NfChainType::NAT, -100 | 100) => "nat",
        (_, -300) => "raw",
        (_, -150) => "mangle",
        (NfChainType::Filter, 0) => "filter",
        (NfChainType::Filter, 50) => "security",
        _ => return None,
    })
}

fn hook_chain(h: NfHook) -> &'static str {
    match h {
        NfHook::Prerouting => "PREROUTING",
        NfHook::Input => "INPUT",
        NfHook::Forward => "FORWARD",
        NfHook::Output => "OUTPUT",
        NfHook::Postrouting => "POSTROUTING",
        NfHook::Ingress | NfHook::Egress => "",
    }
}

#[derive(Default)]
struct Words {
    /// iptables words of the matches.
    m: Vec<String>,
    /// `Some(4)`/`Some(6)`: the rule reads a header of one family.
    family: Option<u8>,
    /// The protocol `-p` says (`tcp`), once given.
    proto: Option<String>,
    /// Targets (`-j LOG ...`, `-j ACCEPT`); more than one makes one rule each.
    targets: Vec<String>,
    comment: Option<String>,
    /// `icmp type { a, b }`: one iptables rule per type (the icmp matches
    /// take one type), at this position among the match words.
    alts: Option<(usize, Vec<String>)>,
}

impl Words {
    fn push(&mut self, neg: bool, s: impl Into<String>) {
        if neg {
            self.m.push("!".into());
        }
        self.m.push(s.into());
    }
    /// `-p PROTO` once, for a port or type test that needs it.
    fn need_proto(&mut self, p: &str) {
        if self.proto.is_none() {
            self.m.push(format!("-p {p}"));
            self.proto = Some(p.into());
        }
    }
}

fn quote(s: &str) -> String {
    let mut out = String::new();
    crate::ext::push_save_string(&mut out, s);
    out
}

fn lit(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.to_string()),
        Expression::Number(n) => Some(n.to_string()),
        Expression::Range(r) => Some(format!("{}:{}", lit(&r.range[0])?, lit(&r.range[1])?)),
        Expression::Named(NamedExpression::Prefix(p)) => Some(format!("{}/{}", lit(&p.addr)?, p.len)),
        _ => None,
    }
}

fn list(e: &Expression) -> Option<Vec<String>> {
    match e {
        Expression::List(items) => items.iter().map(lit).collect(),
        Expression::Named(NamedExpression::Set(items)) => items
            .iter()
            .map(|i| match i {
                SetItem::Element(e) => lit(e),
                _ => None,
            })
            .collect(),
        Expression::BinaryOperation(b) => match &**b {
            BinaryOperation::OR(items) => items.iter().map(lit).collect(),
            _ => None,
        },
        other => lit(other).map(|s| vec![s]),
    }
}

fn icmp_number(name: &str, v6: bool) -> Option<u32> {
    // Names nft also reads for ICMPv6, besides those it lists (a second
    // name of 132, and types the translation writes as numbers).
    let more_v6: &[(&str, u8)] = &[("mld-listener-reduction", 132), ("ind-neighbor-solicit", 141), ("ind-neighbor-advert", 142), ("mld2-listener-report", 143)];
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    let more = if v6 { more_v6.iter().find(|(n, _)| *n == name).map(|(_, v)| *v) } else { None };
    crate::translate::nft::icmp_type_number(v6, name).or(more).map(u32::from)
}

/// nft's names of ICMP codes (`icmp code port-unreachable`) and of ICMPv6
/// codes, which are other numbers under some of the same names
/// (`icmpv6 code port-unreachable` is 4, nft's icmpv6_code_tbl).
fn icmp_code_number(v6: bool, name: &str) -> Option<u32> {
    let v6_codes: &[(&str, u32)] =
        &[("no-route", 0), ("admin-prohibited", 1), ("addr-unreachable", 3), ("port-unreachable", 4), ("policy-fail", 5), ("reject-route", 6)];
    if v6 {
        return name.parse().ok().or_else(|| v6_codes.iter().find(|(n, _)| *n == name).map(|(_, v)| *v));
    }
    let codes: &[(&str, u32)] = &[
        ("net-unreachable", 0),
        ("host-unreachable", 1),
        ("prot-unreachable", 2),
        ("port-unreachable", 3),
        ("frag-needed", 4),
        ("net-prohibited", 9),
        ("host-prohibited", 10),
        ("admin-prohibited", 13),
    ];
    name.parse().ok().or_else(|| codes.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
}

fn unsupported(st: &Statement) -> String {
    format!("fwcheck cannot read this nft statement yet: {}", serde_json::to_string(st).unwrap_or_default())
}

/// One match statement into iptables words.
fn read_match(m: &nftables::stmt::Match, w: &mut Words, pending_code: &mut Option<String>) -> Result<(), String> {
    let neg = m.op == Operator::NEQ;
    let st = || unsupported(&Statement::Match(m.clone()));
    let right_lit = || lit(&m.right).ok_or_else(st);
    match &m.left {
        Expression::Named(NamedExpression::Meta(meta)) => match meta.key {
            // `iif "lo"` compares the interface's index, fixed when the rule
            // is loaded; as long as the interface is not re-created it is
            // the name test.
            MetaKey::Iifname | MetaKey::Oifname | MetaKey::Iif | MetaKey::Oif => {
                let v = right_lit()?;
                let meta = nftables::expr::Meta { key: if matches!(meta.key, MetaKey::Iifname | MetaKey::Iif) { MetaKey::Iifname } else { MetaKey::Oifname } };
                let v = v.strip_suffix('*').map(|p| format!("{p}+")).unwrap_or(v);
                w.push(neg, format!("{} {}", if meta.key == MetaKey::Iifname { "-i" } else { "-o" }, quote(&v)));
            }
            MetaKey::Nfproto => {
                let v = right_lit()?;
                w.family = Some(if v == "ipv4" { 4 } else { 6 });
            }
            MetaKey::L4proto => {
                let v = right_lit()?;
                w.push(neg, format!("-p {v}"));
                if !neg {
                    w.proto = Some(v);
                }
            }
            MetaKey::Mark => w.push(false, format!("-m mark {}--mark {}", if neg { "! " } else { "" }, right_lit()?)),
            MetaKey::Skuid | MetaKey::Skgid => {
                let o = if meta.key == MetaKey::Skuid { "--uid-owner" } else { "--gid-owner" };
                w.push(false, format!("-m owner {}{o} {}", if neg { "! " } else { "" }, right_lit()?.replace(':', "-")));
            }
            MetaKey::Length => w.push(false, format!("-m length {}--length {}", if neg { "! " } else { "" }, right_lit()?)),
            MetaKey::Pkttype => {
                let v = right_lit()?;
                let v = match v.as_str() {
                    "host" => "unicast",
                    "other" => "otherhost",
                    x => x,
                };
                w.push(false, format!("-m pkttype {}--pkt-type {v}", if neg { "! " } else { "" }));
            }
            _ => return Err(st()),
        },
        Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) => {
            let (proto, field) = (p.protocol.as_ref(), p.field.as_ref());
            match (proto, field) {
                ("ip" | "ip6", "saddr" | "daddr") => {
                    w.family = Some(if proto == "ip" { 4 } else { 6 });
                    let flag = if field == "saddr" { "-s" } else { "-d" };
                    match &m.right {
                        Expression::Range(_) => {
                            let v = right_lit()?.replace(':', "-");
                            let v = if proto == "ip6" { lit_range6(&m.right).ok_or_else(st)? } else { v };
                            w.push(false, format!("-m iprange {}--{}-range {v}", if neg { "! " } else { "" }, if field == "saddr" { "src" } else { "dst" }));
                        }
                        _ => w.push(neg, format!("{flag} {}", right_lit()?)),
                    }
                }
                ("ip", "protocol") => {
                    w.family = Some(4);
                    let v = right_lit()?;
                    w.push(neg, format!("-p {v}"));
                    if !neg {
                        w.proto = Some(v);
                    }
                }
                ("ip", "ttl") | ("ip6", "hoplimit") => {
                    w.family = Some(if proto == "ip" { 4 } else { 6 });
                    let (mname, opt) = if proto == "ip" { ("ttl", "ttl") } else { ("hl", "hl") };
                    let (o, n) = match m.op {
                        Operator::EQ => ("eq", false),
                        Operator::NEQ => ("eq", true),
                        Operator::GT => ("lt", false),
                        Operator::LT => ("gt", false),
                        _ => return Err(st()),
                    };
                    w.push(false, format!("-m {mname} {}--{opt}-{o} {}", if n { "! " } else { "" }, right_lit()?));
                }
                ("tcp" | "udp" | "sctp" | "dccp" | "udplite", "sport" | "dport") => {
                    w.need_proto(proto);
                    match &m.right {
                        Expression::Named(NamedExpression::Set(_)) => {
                            let items = list(&m.right).ok_or_else(st)?;
                            w.push(false, format!("-m multiport {}--{}s {}", if neg { "! " } else { "" }, field, items.join(",")));
                        }
                        _ if matches!(proto, "tcp" | "udp") => w.push(false, format!("-m {proto} {}--{field} {}", if neg { "! " } else { "" }, right_lit()?)),
                        _ => w.push(false, format!("-m multiport {}--{field}s {}", if neg { "! " } else { "" }, right_lit()?)),
                    }
                }
                ("icmp" | "icmpv6", "type") => {
                    let v6 = proto == "icmpv6";
                    w.family = Some(if v6 { 6 } else { 4 });
                    w.need_proto(if v6 { "ipv6-icmp" } else { "icmp" });
                    let opt = if v6 { "-m icmp6 --icmpv6-type" } else { "-m icmp --icmp-type" };
                    if let Expression::Named(NamedExpression::Set(_)) = &m.right {
                        let types = list(&m.right).ok_or_else(st)?;
                        if neg || w.alts.is_some() {
                            return Err(st());
                        }
                        let words = types.iter().map(|t| icmp_number(t, v6).map(|n| format!("{opt} {n}"))).collect::<Option<Vec<_>>>().ok_or_else(st)?;
                        w.alts = Some((w.m.len(), words));
                        return Ok(());
                    }
                    let t = icmp_number(&right_lit()?, v6).ok_or_else(st)?;
                    let code = pending_code.take().map(|c| format!("/{c}")).unwrap_or_default();
                    w.push(
                        false,
                        format!("{}{opt} {t}{code}", if neg { "! " } else { "" }).replacen("! -m icmp6 ", "-m icmp6 ! ", 1).replacen(
                            "! -m icmp ",
                            "-m icmp ! ",
                            1,
                        ),
                    );
                }
                ("icmp" | "icmpv6", "code") => {
                    // Attached to the type test before it (fwcheck writes
                    // type, then code).
                    let code = icmp_code_number(proto == "icmpv6", &right_lit()?).ok_or_else(st)?;
                    let last = w.m.iter().rposition(|x| x.contains("-icmp-type") || x.contains("--icmpv6-type")).ok_or_else(st)?;
                    w.m[last].push_str(&format!("/{code}"));
                }
                ("ether", "saddr") => w.push(false, format!("-m mac {}--mac-source {}", if neg { "! " } else { "" }, right_lit()?)),
                _ => return Err(st()),
            }
        }
        // `fib saddr type local`, `fib daddr . iif type { broadcast, multicast }`:
        // what `-m addrtype` translates to (nft's type names are the
        // kernel's RTN_* names, lower case; a number past them is one too).
        Expression::Named(NamedExpression::Fib(f)) if f.result == nftables::expr::FibResult::Type => {
            use nftables::expr::FibFlag;
            let opt = match (f.flags.contains(&FibFlag::Saddr), f.flags.contains(&FibFlag::Daddr)) {
                (true, false) => "--src-type",
                (false, true) => "--dst-type",
                _ => return Err(st()),
            };
            let limit = match (f.flags.contains(&FibFlag::Iif), f.flags.contains(&FibFlag::Oif), f.flags.contains(&FibFlag::Mark)) {
                (false, false, false) => "",
                (true, false, false) => " --limit-iface-in",
                (false, true, false) => " --limit-iface-out",
                _ => return Err(st()),
            };
            let names = list(&m.right).ok_or_else(st)?;
            let types: Option<Vec<&str>> = names
                .iter()
                .map(|n| match n.parse::<usize>() {
                    Ok(i) => crate::ext::addrtype::TYPES.get(i).copied(),
                    Err(_) => crate::ext::addrtype::TYPES.iter().find(|t| t.eq_ignore_ascii_case(n)).copied(),
                })
                .collect();
            let types = types.ok_or_else(st)?;
            w.push(false, format!("-m addrtype {}{opt} {}{limit}", if neg { "! " } else { "" }, types.join(",")));
        }
        Expression::Named(NamedExpression::CT(c)) => {
            let key = c.key.as_ref();
            match (key, c.dir) {
                ("state", None) => {
                    let items = list(&m.right).ok_or_else(st)?;
                    w.push(false, format!("-m conntrack {}--ctstate {}", if neg { "! " } else { "" }, items.join(",").to_uppercase()));
                }
                ("status", None) => {
                    let items = list(&m.right).ok_or_else(st)?;
                    if items.iter().all(|i| i == "snat" || i == "dnat") {
                        w.push(false, format!("-m conntrack {}--ctstate {}", if neg { "! " } else { "" }, items.join(",").to_uppercase()));
                    } else {
                        w.push(false, format!("-m conntrack {}--ctstatus {}", if neg { "! " } else { "" }, items.join(",").to_uppercase().replace('-', "_")));
                    }
                }
                ("mark", None) => w.push(false, format!("-m connmark {}--mark {}", if neg { "! " } else { "" }, right_lit()?)),
                ("direction", None) => w.push(false, format!("-m conntrack --ctdir {}", right_lit()?.to_uppercase())),
                (k, Some(d)) => {
                    let dir = if d == nftables::expr::CTDir::Original { "orig" } else { "repl" };
                    let opt = match k {
                        "protocol" => "--ctproto".to_string(),
                        "ip saddr" | "ip6 saddr" | "saddr" => format!("--ct{dir}src"),
                        "ip daddr" | "ip6 daddr" | "daddr" => format!("--ct{dir}dst"),
                        "proto-src" => format!("--ct{dir}srcport"),
                        "proto-dst" => format!("--ct{dir}dstport"),
                        _ => return Err(st()),
                    };
                    w.push(false, format!("-m conntrack {}{opt} {}", if neg { "! " } else { "" }, right_lit()?));
                }
                _ => return Err(st()),
            }
        }
        Expression::BinaryOperation(b) => {
            let BinaryOperation::AND(l, mask) = &**b else { return Err(st()) };
            let bits = |e: &Expression| list(e).map(|v| v.join(","));
            match l {
                Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) if p.protocol == "tcp" && p.field == "flags" => {
                    w.need_proto("tcp");
                    let comp = match &m.right {
                        Expression::Number(0) => "NONE".to_string(),
                        r => bits(r).ok_or_else(st)?.to_uppercase(),
                    };
                    w.push(false, format!("-m tcp {}--tcp-flags {} {comp}", if neg { "! " } else { "" }, bits(mask).ok_or_else(st)?.to_uppercase()));
                }
                Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) if p.protocol == "ip" && p.field == "frag-off" => {
                    // `& 0x1fff != 0` is -f; `== 0` is ! -f.
                    w.family = Some(4);
                    w.push(m.op == Operator::EQ, "-f");
                }
                Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) if matches!(p.field.as_ref(), "saddr" | "daddr") => {
                    if matches!(p.protocol.as_ref(), "ip" | "ip6") {
                        w.family = Some(if p.protocol == "ip" { 4 } else { 6 });
                    }
                    let flag = if p.field == "saddr" { "-s" } else { "-d" };
                    w.push(neg, format!("{flag} {}/{}", right_lit()?, lit(mask).ok_or_else(st)?));
                }
                Expression::Named(NamedExpression::Meta(meta)) if meta.key == MetaKey::Mark => {
                    w.push(false, format!("-m mark {}--mark {}/{}", if neg { "! " } else { "" }, right_lit()?, lit(mask).ok_or_else(st)?));
                }
                Expression::Named(NamedExpression::CT(c)) if c.key == "mark" => {
                    w.push(false, format!("-m connmark {}--mark {}/{}", if neg { "! " } else { "" }, right_lit()?, lit(mask).ok_or_else(st)?));
                }
                Expression::Named(NamedExpression::CT(c)) if (c.key == "state" || c.key == "status") && matches!(m.right, Expression::Number(0)) => {
                    // `& (a|b) == 0`: none of these bits.
                    let items = list(mask).ok_or_else(st)?;
                    let opt = if c.key == "state" { "--ctstate" } else { "--ctstatus" };
                    w.push(false, format!("-m conntrack ! {opt} {}", items.join(",").to_uppercase().replace('-', "_")));
                }
                _ => return Err(st()),
            }
        }
        _ => return Err(st()),
    }
    Ok(())
}

/// Two forms nft lists that the crate cannot read, put into forms it reads
/// that mean the same, in one walk over the document:
/// - one log flag as a string (`"flags": "tcp options"`), which the crate
///   reads by the Rust variant's name and refuses; as a one-element list it
///   is read by its JSON name;
/// - `tcp flags & (fin|syn|...) == 0`, listed as the match `tcp flags !
///   fin,syn,...` (JSON `"op": "!"`, nft's "none of these bits"), an
///   operator the crate does not know; it is the same test as `&` then
///   `== 0`.
fn crate_quirks(v: &mut serde_json::Value) {
    use serde_json::{json, Value};
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(log)) = m.get_mut("log") {
                if let Some(f @ Value::String(_)) = log.get_mut("flags") {
                    *f = Value::Array(vec![f.take()]);
                }
            }
            if let Some(Value::Object(mt)) = m.get_mut("match") {
                if mt.get("op").and_then(Value::as_str) == Some("!") {
                    let left = mt.remove("left").unwrap_or(Value::Null);
                    let right = mt.remove("right").unwrap_or(Value::Null);
                    mt.insert("op".into(), json!("=="));
                    mt.insert("left".into(), json!({ "&": [left, right] }));
                    mt.insert("right".into(), json!(0));
                }
            }
            m.values_mut().for_each(crate_quirks);
        }
        Value::Array(items) => items.iter_mut().for_each(crate_quirks),
        _ => {}
    }
}

/// An IPv6 range as iprange writes it (`a-b`; the `:` of the addresses
/// stays).
fn lit_range6(e: &Expression) -> Option<String> {
    match e {
        Expression::Range(r) => Some(format!("{}-{}", lit(&r.range[0])?, lit(&r.range[1])?)),
        _ => None,
    }
}

fn read_stmt(st: &Statement, w: &mut Words, pending_code: &mut Option<String>) -> Result<(), String> {
    match st {
        Statement::Match(m) => read_match(m, w, pending_code)?,
        Statement::Counter(_) => {}
        Statement::Accept(_) => w.targets.push("-j ACCEPT".into()),
        Statement::Drop(_) => w.targets.push("-j DROP".into()),
        Statement::Return(_) => w.targets.push("-j RETURN".into()),
        Statement::Jump(j) => w.targets.push(format!("-j {}", j.target)),
        Statement::Goto(j) => w.targets.push(format!("-g {}", j.target)),
        Statement::Notrack => w.targets.push("-j NOTRACK".into()),
        Statement::Limit(l) => {
            let per = l.per.as_deref().unwrap_or("second");
            let unit = match per {
                "second" => "sec",
                "minute" => "min",
                x => x,
            };
            if l.inv == Some(true) {
                return Err(unsupported(st));
            }
            let burst = l.burst.map(|b| format!(" --limit-burst {b}")).unwrap_or_default();
            w.push(false, format!("-m limit --limit {}/{unit}{burst}", l.rate));
        }
        Statement::Log(l) => {
            let l = l.clone().unwrap_or_else(|| nftables::stmt::Log::new(None));
            let prefix = |opt: &str| l.prefix.as_ref().map(|p| format!(" --{opt} {}", quote(p))).unwrap_or_default();
            match l.group {
                Some(g) => w.targets.push(format!(
                    "-j NFLOG --nflog-group {g}{}{}",
                    prefix("nflog-prefix"),
                    l.snaplen.map(|s| format!(" --nflog-size {s}")).unwrap_or_default()
                )),
                None => {
                    use nftables::stmt::LogFlag;
                    let mut flags = String::new();
                    for (f, o) in [
                        (LogFlag::TCPSequence, " --log-tcp-sequence"),
                        (LogFlag::TCPOptions, " --log-tcp-options"),
                        (LogFlag::IPOptions, " --log-ip-options"),
                        (LogFlag::Skuid, " --log-uid"),
                        (LogFlag::Ether, " --log-macdecode"),
                    ] {
                        if l.flags.as_ref().is_some_and(|fl| fl.contains(&f) || fl.contains(&LogFlag::All)) {
                            flags.push_str(o);
                        }
                    }
                    let level = l
                        .level
                        .map(|lv| {
                            format!(
                                " --log-level {}",
                                serde_json::to_value(lv)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_string))
                                    .unwrap_or_default()
                                    .replace("warn", "warning")
                                    .replace("err", "error")
                            )
                        })
                        .unwrap_or_default();
                    w.targets.push(format!("-j LOG{}{level}{flags}", prefix("log-prefix")));
                }
            }
        }
        Statement::Reject(r) => {
            let with = match r.as_ref().map(|r| (r._type, r.expr)) {
                None | Some((None, None)) => String::new(),
                Some((Some(nftables::stmt::RejectType::TCPReset), _)) => " --reject-with tcp-reset".into(),
                Some((_, Some(code))) => {
                    let c = serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    let t = match c.as_str() {
                        "net-unreachable" => "icmp-net-unreachable",
                        "host-unreachable" => "icmp-host-unreachable",
                        "prot-unreachable" => "icmp-proto-unreachable",
                        "port-unreachable" => "port-unreach",
                        "net-prohibited" => "icmp-net-prohibited",
                        "host-prohibited" => "icmp-host-prohibited",
                        "admin-prohibited" if r.as_ref().and_then(|r| r._type) == Some(nftables::stmt::RejectType::ICMPv6) => "icmp6-adm-prohibited",
                        "admin-prohibited" => "icmp-admin-prohibited",
                        "no-route" => "icmp6-no-route",
                        "addr-unreachable" => "icmp6-addr-unreachable",
                        _ => return Err(unsupported(st)),
                    };
                    format!(" --reject-with {t}")
                }
                _ => return Err(unsupported(st)),
            };
            w.targets.push(format!("-j REJECT{with}"));
        }
        Statement::SNAT(n) | Statement::DNAT(n) | Statement::Masquerade(n) | Statement::Redirect(n) => {
            let (name, opt) = match st {
                Statement::SNAT(_) => ("SNAT", "--to-source"),
                Statement::DNAT(_) => ("DNAT", "--to-destination"),
                Statement::Masquerade(_) => ("MASQUERADE", "--to-ports"),
                _ => ("REDIRECT", "--to-ports"),
            };
            let mut t = format!("-j {name}");
            if let Some(n) = n {
                let addr = n.addr.as_ref().and_then(|a| lit(a)).map(|a| a.replace(':', "-"));
                let port = n.port.as_ref().and_then(|p| lit(p)).map(|p| p.replace(':', "-"));
                match (name, addr, port) {
                    ("SNAT" | "DNAT", a, p) => {
                        let v6 = n.addr.as_ref().is_some_and(|a| matches!(a, Expression::String(s) if s.contains(':')));
                        let a = a.map(|a| if v6 { lit(n.addr.as_ref().expect("addr")).unwrap_or_default() } else { a }).unwrap_or_default();
                        let a = if v6 && p.is_some() { format!("[{a}]") } else { a };
                        t.push_str(&format!(" {opt} {a}{}", p.map(|p| format!(":{p}")).unwrap_or_default()));
                    }
                    (_, _, Some(p)) => t.push_str(&format!(" {opt} {p}")),
                    _ => {}
                }
                for (f, o) in [
                    (nftables::stmt::NATFlag::Random, " --random"),
                    (nftables::stmt::NATFlag::FullyRandom, " --random-fully"),
                    (nftables::stmt::NATFlag::Persistent, " --persistent"),
                ] {
                    if n.flags.as_ref().is_some_and(|fl| fl.contains(&f)) {
                        t.push_str(o);
                    }
                }
            }
            w.targets.push(t);
        }
        Statement::Mangle(mg) => {
            let target = match (&mg.key, &mg.value) {
                (Expression::Named(NamedExpression::Meta(k)), Expression::Number(v)) if k.key == MetaKey::Mark => format!("-j MARK --set-mark {v:#x}"),
                (Expression::Named(NamedExpression::Meta(k)), v @ Expression::BinaryOperation(_)) if k.key == MetaKey::Mark => {
                    let (keep, flip) = crate::translate::nft::mark_bits(v).ok_or_else(|| unsupported(st))?;
                    format!("-j MARK --set-xmark {flip:#x}/{:#x}", !keep)
                }
                (Expression::Named(NamedExpression::CT(k)), Expression::Number(v)) if k.key == "mark" => format!("-j CONNMARK --set-mark {v:#x}"),
                (Expression::Named(NamedExpression::CT(k)), Expression::Named(NamedExpression::Meta(v))) if k.key == "mark" && v.key == MetaKey::Mark => {
                    "-j CONNMARK --save-mark".into()
                }
                (Expression::Named(NamedExpression::Meta(k)), Expression::Named(NamedExpression::CT(v))) if k.key == MetaKey::Mark && v.key == "mark" => {
                    "-j CONNMARK --restore-mark".into()
                }
                (Expression::Named(NamedExpression::TcpOption(o)), v) if o.name == "maxseg" => match v {
                    Expression::Number(n) => format!("-j TCPMSS --set-mss {n}"),
                    _ => "-j TCPMSS --clamp-mss-to-pmtu".into(),
                },
                _ => return Err(unsupported(st)),
            };
            w.targets.push(target);
        }
        other => return Err(unsupported(other)),
    }
    Ok(())
}

/// Reads `nft -j list ruleset` output. Errors name the rule.
pub fn from_json(text: &str) -> Result<Restore, Vec<String>> {
    let mut v: serde_json::Value = serde_json::from_str(text).map_err(|e| vec![format!("not JSON: {e}")])?;
    crate_quirks(&mut v);
    let nft: Nftables = serde_json::from_value(v).map_err(|e| vec![format!("not nft JSON (nft -j list ruleset): {e}")])?;
    // (nft family, table) -> (iptables table, chains in order)
    struct Chain {
        name: String,
        policy: &'static str,
        rules: Vec<String>,
    }
    struct Table {
        family: NfFamily,
        ipt: Option<&'static str>,
        chains: Vec<Chain>,
    }
    let mut tables: BTreeMap<(String, String), Table> = BTreeMap::new();
    let key = |f: NfFamily, t: &str| (format!("{f:?}"), t.to_string());
    let mut errors = Vec::new();
    for o in nft.objects.iter() {
        let NfObject::ListObject(o) = o else { continue };
        match o {
            NfListObject::Table(t) => {
                tables.insert(key(t.family, &t.name), Table { family: t.family, ipt: None, chains: Vec::new() });
            }
            NfListObject::Chain(c) => {
                let Some(t) = tables.get_mut(&key(c.family, &c.table)) else { continue };
                let mut builtin = false;
                let mut name = c.name.to_string();
                if let (Some(ty), Some(hook), Some(prio)) = (c._type, c.hook, c.prio) {
                    let Some(ipt) = table_of(ty, prio) else {
                        errors.push(format!("table {} chain {}: no iptables table has a {ty:?} chain at priority {prio}", c.table, c.name));
                        continue;
                    };
                    if t.ipt.is_some_and(|x| x != ipt) {
                        errors.push(format!(
                            "table {}: base chains of two iptables tables ({} and {ipt}); fwcheck reads one per nft table",
                            c.table,
                            t.ipt.unwrap_or("")
                        ));
                        continue;
                    }
                    t.ipt = Some(ipt);
                    builtin = true;
                    name = hook_chain(hook).to_string();
                }
                let policy = match c.policy {
                    Some(nftables::types::NfChainPolicy::Drop) => "DROP",
                    _ if builtin => "ACCEPT",
                    _ => "-",
                };
                // The base chain may be named otherwise (`input`): jumps
                // name user chains only, so the rename is safe.
                // The first entry keeps the nft name, which rules refer to
                // (a base chain may be called `input`).
                t.chains.push(Chain { name, policy, rules: vec![format!("#nft-name {}", c.name)] });
            }
            NfListObject::Rule(r) => {
                let Some(t) = tables.get_mut(&key(r.family, &r.table)) else { continue };
                let Some(ch) = t.chains.iter_mut().find(|c| c.rules.first().is_some_and(|f| f == &format!("#nft-name {}", r.chain))) else { continue };
                let mut w = Words::default();
                let mut pending = None;
                let mut failed = None;
                for st in r.expr.iter() {
                    if let Err(e) = read_stmt(st, &mut w, &mut pending) {
                        failed = Some(e);
                        break;
                    }
                }
                if let Some(e) = failed {
                    errors.push(format!("table {} chain {} rule {}: {e}", r.table, r.chain, r.handle.map_or("?".into(), |h| h.to_string())));
                    continue;
                }
                w.comment = r.comment.as_ref().map(|c| c.to_string());
                let fam = match (t.family, w.family) {
                    (NfFamily::IP, _) => "4",
                    (NfFamily::IP6, _) => "6",
                    (_, Some(4)) => "4",
                    (_, Some(6)) => "6",
                    _ => "46",
                };
                let variants: Vec<Vec<String>> = match &w.alts {
                    None => vec![w.m.clone()],
                    Some((at, alts)) => alts
                        .iter()
                        .map(|a| {
                            let mut v = w.m.clone();
                            v.insert(*at, a.clone());
                            v
                        })
                        .collect(),
                };
                for words in variants {
                    let mut m = words.join(" ");
                    if let Some(c) = &w.comment {
                        let _ = write!(m, " -m comment --comment {}", quote(c));
                    }
                    // A rule with two actions (`log ... accept`) is two
                    // iptables rules with the same matches.
                    let targets = if w.targets.is_empty() { vec![String::new()] } else { w.targets.clone() };
                    for tg in targets {
                        let parts: Vec<&str> = [m.trim(), tg.as_str()].into_iter().filter(|p| !p.is_empty()).collect();
                        ch.rules.push(format!("{fam}|{}", parts.join(" ")));
                    }
                }
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut v4 = String::new();
    let mut v6 = String::new();
    for t in tables.values() {
        let Some(ipt) = t.ipt else {
            if t.chains.iter().any(|c| c.rules.len() > 1) {
                return Err(vec!["a table without base chains: fwcheck reads tables whose chains hook into netfilter".into()]);
            }
            continue;
        };
        for (fam, out) in [("4", &mut v4), ("6", &mut v6)] {
            let wanted = match t.family {
                NfFamily::IP => fam == "4",
                NfFamily::IP6 => fam == "6",
                NfFamily::INet => true,
                _ => false,
            };
            if !wanted {
                continue;
            }
            let _ = writeln!(out, "*{ipt}");
            for c in &t.chains {
                let _ = writeln!(out, ":{} {} [0:0]", c.name, c.policy);
            }
            for c in &t.chains {
                for r in c.rules.iter().skip(1) {
                    let (f, rule) = r.split_once('|').unwrap_or(("46", r));
                    if f.contains(fam) {
                        let _ = writeln!(out, "-A {} {rule}", c.name);
                    }
                }
            }
            let _ = writeln!(out, "COMMIT");
        }
    }
    Ok(Restore { v4, v6 })
}
