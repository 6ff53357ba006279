//! IR -> nftables: a whole script that `nft -f` loads, or the same rule set
//! as nft JSON built from the `nftables` crate's types.
//!
//! Each extension translates itself in its own file (`impl ToNft` at the end
//! of `src/ext/*.rs`); this module walks the rule set, lays out tables and
//! base chains the way iptables-nft does (same priorities, so a translated
//! rule set runs where the iptables one ran), and refuses loudly: a rule
//! with no nft form is an error naming its line, or, with `allow_partial`,
//! a comment in the script holding the iptables rule. No rule is ever left
//! out silently.
//!
//! Where fwcheck's output differs from `iptables-translate`'s, it is on
//! purpose and pinned by `tests/translate_kernel.rs` (see the book's
//! Translate chapter): the redundant `ip protocol tcp` before `tcp dport
//! { ... }` is left out, ICMP codes are translated, and matches
//! iptables-translate gets wrong (addrtype with both types, conntrack's
//! SNAT/DNAT states) are translated as the kernel evaluates them.

pub mod json;
pub mod nft;
pub mod read;
pub mod text;

use crate::diag::Diagnostic;
use crate::ext::{Match, Target, TargetExt};
use crate::ir::{Chain, Family, Hook, Policy, Rule, Ruleset, Table, TableName};
use crate::source::Span;
use nft::{RuleCx, Stmt, TxResult, Untranslatable};
use nftables::types::{NfChainPolicy, NfChainType, NfFamily, NfHook};
use serde::Serialize;

/// How an extension says itself in nft. Every modelled match and target
/// implements it in its own file.
pub trait ToNft {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult;
}

/// Which nft family the output uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutFamily {
    /// Only the IPv4 tables, as `ip` tables.
    Ip,
    /// Only the IPv6 tables, as `ip6` tables.
    Ip6,
    /// IPv4 and IPv6 tables of the same name merged into one `inet` table.
    Inet,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `None`: every family of the input, each as its own (`ip`, `ip6`).
    pub family: Option<OutFamily>,
    /// Emit an untranslatable rule as a comment (with a warning) instead of
    /// failing.
    pub allow_partial: bool,
}

/// An nft rule set, ready to render as text or JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub tables: Vec<NTable>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NTable {
    pub family: NfFamily,
    pub name: String,
    pub chains: Vec<NChain>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NChain {
    pub name: String,
    pub base: Option<BaseChain>,
    pub rules: Vec<NRule>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaseChain {
    pub ty: NfChainType,
    pub hook: NfHook,
    pub prio: i32,
    pub policy: NfChainPolicy,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NRule {
    Rule {
        stmts: Vec<Stmt>,
        comment: Option<String>,
        span: Option<Span>,
    },
    /// A rule kept as a comment (`--allow-partial`): the iptables rule and why.
    Untranslated {
        iptables: String,
        why: String,
        span: Span,
    },
}

/// The result: the script, and every diagnostic (errors for untranslatable
/// rules, warnings for those kept as comments).
#[derive(Debug, PartialEq)]
pub struct Translation {
    pub script: Option<Script>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The priority iptables-nft gives a table's base chains
/// (`iptables/nft.c`, `xtables_ipv4`): raw -300, mangle -150, nat -100 at
/// PREROUTING and OUTPUT and 100 at INPUT and POSTROUTING, filter 0,
/// security 50.
pub fn priority(table: TableName, hook: Hook) -> i32 {
    match table {
        TableName::Raw => -300,
        TableName::Mangle => -150,
        TableName::Nat => match hook {
            Hook::Prerouting | Hook::Output => -100,
            _ => 100,
        },
        TableName::Filter => 0,
        TableName::Security => 50,
    }
}

/// The chain type iptables-nft uses: nat chains are `nat`, mangle OUTPUT is
/// `route` (a changed mark re-routes the packet, as `ipt_mangle_out` does).
pub fn chain_type(table: TableName, hook: Hook) -> NfChainType {
    match (table, hook) {
        (TableName::Nat, _) => NfChainType::NAT,
        (TableName::Mangle, Hook::Output) => NfChainType::Route,
        _ => NfChainType::Filter,
    }
}

fn nf_hook(h: Hook) -> NfHook {
    match h {
        Hook::Prerouting => NfHook::Prerouting,
        Hook::Input => NfHook::Input,
        Hook::Forward => NfHook::Forward,
        Hook::Output => NfHook::Output,
        Hook::Postrouting => NfHook::Postrouting,
    }
}

fn nf_policy(p: Policy) -> NfChainPolicy {
    match p {
        Policy::Accept => NfChainPolicy::Accept,
        Policy::Drop => NfChainPolicy::Drop,
    }
}

/// Translates the rule set.
pub fn translate(rs: &Ruleset, opts: &Options) -> Translation {
    translate_in_pieces(rs, opts, None)
}

/// The rule set as nft for the kernel (`fwcheck apply --backend nft`,
/// `verify`): each family in its own `ip`/`ip6` tables, as iptables-nft
/// keeps them, and every rule translated; else the errors, joined.
pub fn for_kernel(rs: &Ruleset) -> Result<Script, String> {
    let t = translate(rs, &Options { family: None, allow_partial: false });
    t.script.ok_or_else(|| t.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))
}

/// [`translate`], with each table's chains cut into `pieces` pieces
/// translated at once (`None`: one per core for a table of 1,000 rules or
/// more). The result is the same for any number (tests/nfnl.rs).
pub fn translate_in_pieces(rs: &Ruleset, opts: &Options, pieces: Option<usize>) -> Translation {
    let mut diags = Vec::new();
    let want = |f: Family| match opts.family {
        None | Some(OutFamily::Inet) => true,
        Some(OutFamily::Ip) => f == Family::Ipv4,
        Some(OutFamily::Ip6) => f == Family::Ipv6,
    };
    let tables: Vec<&Table> = rs.tables.iter().filter(|t| want(t.family)).collect();
    let mut out = Vec::new();
    if opts.family == Some(OutFamily::Inet) {
        for name in TableName::ALL {
            let v4 = tables.iter().find(|t| t.family == Family::Ipv4 && t.name == name).copied();
            let v6 = tables.iter().find(|t| t.family == Family::Ipv6 && t.name == name).copied();
            if v4.is_none() && v6.is_none() {
                continue;
            }
            out.push(inet_table(name, v4, v6, opts, &mut diags));
        }
    } else {
        for t in tables {
            let family = if t.family == Family::Ipv4 { NfFamily::IP } else { NfFamily::IP6 };
            let weight = |c: &Chain| c.rules.len() + 1;
            let n = pieces.unwrap_or_else(|| crate::par::pieces(t.chains.iter().map(weight).sum(), 500));
            let parts = crate::par::run(crate::par::split(&t.chains, n, weight), |cs| {
                let mut d = Vec::new();
                let chains: Vec<NChain> = cs.iter().map(|c| chain(t, c, false, opts, &mut d)).collect();
                (chains, d)
            });
            let mut chains = Vec::with_capacity(t.chains.len());
            for (c, d) in parts {
                chains.extend(c);
                diags.extend(d);
            }
            out.push(NTable { family, name: t.name.as_str().to_string(), chains });
        }
    }
    let failed = diags.iter().any(|d| d.is_error());
    Translation { script: (!failed).then_some(Script { tables: out }), diagnostics: diags }
}

fn base_of(t: &Table, c: &Chain) -> Option<BaseChain> {
    let hook = c.hook?;
    Some(BaseChain { ty: chain_type(t.name, hook), hook: nf_hook(hook), prio: priority(t.name, hook), policy: nf_policy(c.policy.unwrap_or(Policy::Accept)) })
}

fn chain(t: &Table, c: &Chain, inet: bool, opts: &Options, diags: &mut Vec<Diagnostic>) -> NChain {
    let rules = c.rules.iter().map(|r| rule(t, c, r, inet, opts, diags)).collect();
    NChain { name: c.name.clone(), base: base_of(t, c), rules }
}

/// One rule, or the diagnostic saying why it has no nft form.
fn rule(t: &Table, c: &Chain, r: &Rule, inet: bool, opts: &Options, diags: &mut Vec<Diagnostic>) -> NRule {
    match rule_stmts(t, c, r, inet) {
        Ok((stmts, comment)) => NRule::Rule { stmts, comment, span: Some(r.span) },
        Err(Untranslatable(why)) => {
            let iptables = format!("-t {} -A {}{}", t.name, c.name, r.spec());
            let d = if opts.allow_partial {
                Diagnostic::warning("translate::untranslatable", r.span, format!("rule kept as a comment: {why}"))
                    .with_help("the nft script holds this rule as a comment; write its nft form by hand")
            } else {
                Diagnostic::error("translate::untranslatable", r.span, format!("no nft translation: {why}"))
                    .with_help("change the rule, or pass --allow-partial to keep it as a comment in the output")
            };
            diags.push(d.with_label("this rule"));
            NRule::Untranslated { iptables, why, span: r.span }
        }
    }
}

/// The statements of a rule: IP header matches, extension matches (each
/// in its own file), `counter`, the target.
pub fn rule_stmts(t: &Table, c: &Chain, r: &Rule, inet: bool) -> Result<(Vec<Stmt>, Option<String>), Untranslatable> {
    let mut cx = RuleCx {
        family: t.family,
        inet,
        table: t.name,
        hook: c.hook,
        proto: r.ip.proto_positive(),
        stmts: Vec::new(),
        target: Vec::new(),
        comment: None,
        implied_protos: Vec::new(),
    };
    for m in &r.matches {
        match_to_nft(m, &mut cx)?;
    }
    target_to_nft(&r.target, &mut cx)?;
    let ext_stmts = std::mem::take(&mut cx.stmts);
    // The IP header part goes first, as iptables evaluates it first.
    r.ip.to_nft(&mut cx)?;
    let mut stmts = std::mem::take(&mut cx.stmts);
    stmts.extend(ext_stmts);
    if inet {
        let (v4, name) = match t.family {
            Family::Ipv4 => (true, "ipv4"),
            Family::Ipv6 => (false, "ipv6"),
        };
        if !stmts.iter().any(|s| pins_family(s, v4)) {
            stmts.insert(0, nft::eq(nft::meta(nftables::expr::MetaKey::Nfproto), false, nft::s(name)));
        }
    }
    stmts.push(Stmt::Counter(nftables::stmt::Counter::Anonymous(None)));
    stmts.extend(cx.target);
    Ok((stmts, cx.comment))
}

/// Whether a statement only matches packets of one IP family (so an inet
/// rule needs no `meta nfproto`): it reads an `ip`/`icmp` or `ip6`/`icmpv6`
/// header field.
fn pins_family(s: &Stmt, v4: bool) -> bool {
    use nftables::expr::{Expression, NamedExpression, Payload};
    let Stmt::Match(m) = s else { return false };
    let mut left = &m.left;
    if let Expression::BinaryOperation(b) = left {
        if let nftables::expr::BinaryOperation::AND(a, _) = &**b {
            left = a;
        }
    }
    match left {
        Expression::Named(NamedExpression::Payload(Payload::PayloadField(p))) => {
            if v4 {
                p.protocol == "ip"
            } else {
                p.protocol == "ip6"
            }
        }
        _ => false,
    }
}

/// Dispatch to each match's own translation (exhaustive, so a new
/// extension cannot be forgotten here).
pub fn match_to_nft(m: &Match, cx: &mut RuleCx) -> TxResult {
    match m {
        Match::Addrtype(e) => e.to_nft(cx),
        Match::Comment(e) => e.to_nft(cx),
        Match::Connmark(e) => e.to_nft(cx),
        Match::Conntrack(e) => e.to_nft(cx),
        Match::Hl(e) => e.to_nft(cx),
        Match::Icmp(e) => e.to_nft(cx),
        Match::Icmp6(e) => e.to_nft(cx),
        Match::Iprange(e) => e.to_nft(cx),
        Match::Length(e) => e.to_nft(cx),
        Match::Limit(e) => e.to_nft(cx),
        Match::Mac(e) => e.to_nft(cx),
        Match::Mark(e) => e.to_nft(cx),
        Match::Multiport(e) => e.to_nft(cx),
        Match::Owner(e) => e.to_nft(cx),
        Match::Physdev(e) => e.to_nft(cx),
        Match::Pkttype(e) => e.to_nft(cx),
        Match::Recent(e) => e.to_nft(cx),
        Match::Set(e) => e.to_nft(cx),
        Match::State(e) => e.to_nft(cx),
        Match::Tcp(e) => e.to_nft(cx),
        Match::Ttl(e) => e.to_nft(cx),
        Match::Udp(e) => e.to_nft(cx),
        Match::Opaque(o) => Err(Untranslatable::new(format!("fwcheck does not model the `{}` match, so it cannot translate it", o.name))),
    }
}

pub fn target_to_nft(t: &Target, cx: &mut RuleCx) -> TxResult {
    use nftables::stmt::JumpTarget;
    let st = match t {
        Target::None => return Ok(()),
        Target::Accept => Stmt::Accept(None),
        Target::Drop => Stmt::Drop(None),
        Target::Return => Stmt::Return(None),
        Target::Queue => return Err(Untranslatable::new("QUEUE (queue 0 without bypass) is not translated: nft's `queue` differs when no program listens")),
        Target::Jump(c) => Stmt::Jump(JumpTarget { target: c.clone().into() }),
        Target::Goto(c) => Stmt::Goto(JumpTarget { target: c.clone().into() }),
        Target::Ext(e) => {
            return match e {
                TargetExt::Connmark(x) => x.to_nft(cx),
                TargetExt::Ct(x) => x.to_nft(cx),
                TargetExt::Dnat(x) => x.to_nft(cx),
                TargetExt::Log(x) => x.to_nft(cx),
                TargetExt::Mark(x) => x.to_nft(cx),
                TargetExt::Masquerade(x) => x.to_nft(cx),
                TargetExt::Nflog(x) => x.to_nft(cx),
                TargetExt::Notrack(x) => x.to_nft(cx),
                TargetExt::Redirect(x) => x.to_nft(cx),
                TargetExt::Reject(x) => x.to_nft(cx),
                TargetExt::Snat(x) => x.to_nft(cx),
                TargetExt::Tcpmss(x) => x.to_nft(cx),
                TargetExt::Opaque(o) => Err(Untranslatable::new(format!("fwcheck does not model the `{}` target, so it cannot translate it", o.name))),
            }
        }
    };
    cx.target.push(st);
    Ok(())
}

/// IPv4 and IPv6 tables of one name as one `inet` table. Each rule gets
/// `meta nfproto` unless it already reads a header of its family, so the
/// two families' rules can share a chain in order; a base chain whose
/// families have different policies (a family without the chain accepts)
/// takes `accept` and ends with a rule dropping the other family.
fn inet_table(name: TableName, v4: Option<&Table>, v6: Option<&Table>, opts: &Options, diags: &mut Vec<Diagnostic>) -> NTable {
    let mut chains: Vec<NChain> = Vec::new();
    let mut policies: Vec<(String, Option<Policy>, Option<Policy>)> = Vec::new();
    for t in [v4, v6].into_iter().flatten() {
        for c in &t.chains {
            let nc = chain(t, c, true, opts, diags);
            match chains.iter_mut().find(|x| x.name == c.name) {
                Some(x) => x.rules.extend(nc.rules),
                None => chains.push(nc),
            }
            if c.is_builtin() {
                let p = match policies.iter_mut().find(|(n, _, _)| *n == c.name) {
                    Some(p) => p,
                    None => {
                        policies.push((c.name.clone(), None, None));
                        policies.last_mut().expect("just pushed")
                    }
                };
                if t.family == Family::Ipv4 {
                    p.1 = c.policy;
                } else {
                    p.2 = c.policy;
                }
            }
        }
    }
    for (cname, p4, p6) in policies {
        let p4 = if v4.is_some_and(|t| t.chain(&cname).is_some()) { p4.unwrap_or(Policy::Accept) } else { Policy::Accept };
        let p6 = if v6.is_some_and(|t| t.chain(&cname).is_some()) { p6.unwrap_or(Policy::Accept) } else { Policy::Accept };
        let Some(ch) = chains.iter_mut().find(|c| c.name == cname) else { continue };
        let Some(base) = ch.base.as_mut() else { continue };
        if p4 == p6 {
            base.policy = nf_policy(p4);
            continue;
        }
        base.policy = NfChainPolicy::Accept;
        let (fam, t) = if p4 == Policy::Drop { ("ipv4", v4) } else { ("ipv6", v6) };
        // RETURN in a base chain goes to the policy, past our closing rule;
        // so does the end of a chain a base chain's `-g` went to.
        if let Some(r) = t.and_then(|t| t.chain(&cname)).and_then(|c| c.rules.iter().find(|r| matches!(r.target, Target::Return | Target::Goto(_)))) {
            let what = if r.target == Target::Return { "RETURN" } else { "a goto (whose chain ends at the policy)" };
            diags.push(
                Diagnostic::error("translate::inet-policy", r.span, format!("{what} in {cname}, whose IPv4 and IPv6 policies differ, has no inet form"))
                    .with_help("translate each family on its own (without --family inet), or give both families the same policy"),
            );
        }
        ch.rules.push(NRule::Rule {
            stmts: vec![
                nft::eq(nft::meta(nftables::expr::MetaKey::Nfproto), false, nft::s(fam)),
                Stmt::Counter(nftables::stmt::Counter::Anonymous(None)),
                Stmt::Drop(None),
            ],
            comment: Some(format!("{fam} policy DROP")),
            span: None,
        });
    }
    NTable { family: NfFamily::INet, name: name.as_str().to_string(), chains }
}

fn family_name(f: NfFamily) -> &'static str {
    match f {
        NfFamily::IP => "ip",
        NfFamily::IP6 => "ip6",
        NfFamily::INet => "inet",
        NfFamily::ARP => "arp",
        NfFamily::Bridge => "bridge",
        NfFamily::NetDev => "netdev",
    }
}

fn hook_name(h: NfHook) -> &'static str {
    match h {
        NfHook::Ingress => "ingress",
        NfHook::Prerouting => "prerouting",
        NfHook::Forward => "forward",
        NfHook::Input => "input",
        NfHook::Output => "output",
        NfHook::Postrouting => "postrouting",
        NfHook::Egress => "egress",
    }
}

/// The priority as nft lists it: a standard name where nft accepts one at
/// this hook (`dstnat` only at prerouting, `srcnat` only at postrouting),
/// else the number.
fn priority_text(prio: i32, hook: NfHook) -> String {
    match (prio, hook) {
        (-300, _) => "raw".into(),
        (-150, _) => "mangle".into(),
        (-100, NfHook::Prerouting) => "dstnat".into(),
        (0, _) => "filter".into(),
        (50, _) => "security".into(),
        (100, NfHook::Postrouting) => "srcnat".into(),
        (p, _) => p.to_string(),
    }
}

impl Script {
    /// The script `nft -f` reads. Each table is deleted and re-created in
    /// one transaction, as iptables-restore replaces the tables it names
    /// (and leaves the others alone).
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for t in &self.tables {
            let fam = family_name(t.family);
            // `table` then `delete table`: replace without failing when the
            // table does not exist yet.
            let _ = writeln!(out, "table {fam} {}\ndelete table {fam} {}\n", t.name, t.name);
            let _ = writeln!(out, "table {fam} {} {{", t.name);
            for (i, c) in t.chains.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                let _ = writeln!(out, "\tchain {} {{", c.name);
                if let Some(b) = &c.base {
                    let ty = match b.ty {
                        NfChainType::Filter => "filter",
                        NfChainType::NAT => "nat",
                        NfChainType::Route => "route",
                    };
                    let pol = match b.policy {
                        NfChainPolicy::Accept => "accept",
                        NfChainPolicy::Drop => "drop",
                    };
                    let _ = writeln!(out, "\t\ttype {ty} hook {} priority {}; policy {pol};", hook_name(b.hook), priority_text(b.prio, b.hook));
                }
                for r in &c.rules {
                    match r {
                        NRule::Rule { stmts, comment, .. } => {
                            let _ = write!(out, "\t\t{}", text::stmts(stmts));
                            if let Some(cm) = comment {
                                let _ = write!(out, " comment {}", text::quoted(cm));
                            }
                            out.push('\n');
                        }
                        NRule::Untranslated { iptables, why, .. } => {
                            let _ = writeln!(out, "\t\t# untranslated: {why}");
                            let _ = writeln!(out, "\t\t# {}", iptables.replace('\n', " "));
                        }
                    }
                }
                out.push_str("\t}\n");
            }
            out.push_str("}\n");
        }
        out
    }
}
