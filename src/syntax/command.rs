//! The words of one iptables invocation -> a typed [`Invocation`].
//!
//! This follows iptables' own reading of its arguments (`do_parse` in
//! iptables/xshared.c): options are read left to right; long options may be
//! abbreviated to any unambiguous prefix (getopt_long); a match's options
//! become known when `-m NAME` loads it, and an unknown option after `-p tcp`
//! loads the tcp match implicitly; when two loaded extensions have an option
//! of the same name, the one loaded last wins (xtables_merge_options puts new
//! options before old ones). The extension files interpret their own options.

use super::lexer::Word;
use crate::diag::Diagnostic;
use crate::ext::catalog::{self, KnownOpt};
use crate::ext::generic::{AddrMask, Iface, Neg};
use crate::ext::{Arg, Cx, ExtError, IpMatch, Match, OpaqueMatch, OpaqueTarget, Opt, Target, TargetExt};
use crate::ir::{Counters, Family, Rule, TableName};
use crate::source::Span;

/// A chain name or other positional value, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

impl From<&Word> for Name {
    fn from(w: &Word) -> Name {
        Name { text: w.text.clone(), span: w.span }
    }
}

/// A rule as written in `-A`/`-I`/`-R`/`-D`, with the spans checks need.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSpec {
    pub rule: Rule,
    /// Span of the `-j`/`-g` value, for "no such chain" errors.
    pub target_span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `-A CHAIN rule`; several rules when `-s`/`-d` list several addresses.
    Append {
        chain: Name,
        rules: Vec<RuleSpec>,
    },
    /// `-I CHAIN [N] rule` (N counts from 1).
    Insert {
        chain: Name,
        pos: Option<(u32, Span)>,
        rules: Vec<RuleSpec>,
    },
    /// `-D CHAIN N`
    DeleteNum {
        chain: Name,
        num: (u32, Span),
    },
    /// `-D CHAIN rule`
    DeleteSpec {
        chain: Name,
        rules: Vec<RuleSpec>,
    },
    /// `-R CHAIN N rule`
    Replace {
        chain: Name,
        num: (u32, Span),
        rule: RuleSpec,
    },
    NewChain {
        chain: Name,
    },
    DeleteChain {
        chain: Option<Name>,
    },
    Flush {
        chain: Option<Name>,
    },
    Policy {
        chain: Name,
        policy: Name,
    },
    Zero {
        chain: Option<Name>,
        num: Option<(u32, Span)>,
    },
    Rename {
        old: Name,
        new: Name,
    },
    /// `-L`, `-S`, `-C`: reads the rule set, changes nothing.
    Query,
}

/// One iptables command, or one rule line of a restore table block.
#[derive(Clone, Debug, PartialEq)]
pub struct Invocation {
    pub family: Family,
    pub table: TableName,
    /// Whether `-t` was given.
    pub table_span: Option<Span>,
    pub op: Op,
    pub span: Span,
}

/// The generic options of iptables itself (not of an extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum G {
    Append,
    Insert,
    Delete,
    Replace,
    NewChain,
    DeleteChain,
    Flush,
    Policy,
    Zero,
    Rename,
    List,
    ListRules,
    Check,
    Table,
    Source,
    Destination,
    Protocol,
    InIface,
    OutIface,
    Fragment,
    Jump,
    Goto,
    Match,
    Counters,
    Flag,
    FlagArg,
    Family4,
    Family6,
}

/// (long names, short name, takes a value, invertible)
const GENERIC: &[(&[&str], Option<char>, G, bool, bool)] = &[
    (&["append"], Some('A'), G::Append, true, false),
    (&["insert"], Some('I'), G::Insert, true, false),
    (&["delete"], Some('D'), G::Delete, true, false),
    (&["replace"], Some('R'), G::Replace, true, false),
    (&["new-chain", "new"], Some('N'), G::NewChain, true, false),
    (&["delete-chain"], Some('X'), G::DeleteChain, false, false),
    (&["flush"], Some('F'), G::Flush, false, false),
    (&["policy"], Some('P'), G::Policy, true, false),
    (&["zero"], Some('Z'), G::Zero, false, false),
    (&["rename-chain"], Some('E'), G::Rename, true, false),
    (&["list"], Some('L'), G::List, false, false),
    (&["list-rules"], Some('S'), G::ListRules, false, false),
    (&["check"], Some('C'), G::Check, true, false),
    (&["table"], Some('t'), G::Table, true, false),
    (&["source", "src"], Some('s'), G::Source, true, true),
    (&["destination", "dst"], Some('d'), G::Destination, true, true),
    (&["protocol"], Some('p'), G::Protocol, true, true),
    (&["in-interface"], Some('i'), G::InIface, true, true),
    (&["out-interface"], Some('o'), G::OutIface, true, true),
    (&["fragment"], Some('f'), G::Fragment, false, true),
    (&["jump"], Some('j'), G::Jump, true, false),
    (&["goto"], Some('g'), G::Goto, true, false),
    (&["match"], Some('m'), G::Match, true, false),
    (&["set-counters"], Some('c'), G::Counters, true, false),
    (&["verbose"], Some('v'), G::Flag, false, false),
    (&["numeric"], Some('n'), G::Flag, false, false),
    (&["exact"], Some('x'), G::Flag, false, false),
    (&["line-numbers"], None, G::Flag, false, false),
    (&["wait"], Some('w'), G::Flag, false, false),
    (&["wait-interval"], Some('W'), G::FlagArg, true, false),
    (&["modprobe"], Some('M'), G::FlagArg, true, false),
    (&["ipv4"], Some('4'), G::Family4, false, false),
    (&["ipv6"], Some('6'), G::Family6, false, false),
];

/// Who an option belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    Generic(usize),
    /// Index into the rule's matches, and the option.
    Match(usize, &'static Opt),
    Target(&'static Opt),
    /// An option of an extension fwcheck keeps opaque, known from
    /// `ext::catalog`: of the match with that index, or of the target.
    Opaque(Option<usize>, KnownOpt),
}

/// The first protocol match iptables loads implicitly for `-p NAME` when it
/// meets an option it does not know.
fn proto_match(proto: u8) -> Option<&'static str> {
    match proto {
        6 => Some("tcp"),
        17 => Some("udp"),
        1 => Some("icmp"),
        58 => Some("icmp6"),
        _ => None,
    }
}

/// Reads the arguments of one invocation (everything after `iptables`), or
/// the words of a restore rule line (`-A INPUT ...`). `default_table` is the
/// restore block's table, or filter for a command.
pub fn parse_invocation(
    words: &[Word],
    family: Family,
    default_table: TableName,
    in_restore: bool,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Invocation> {
    let mut p = P {
        words,
        i: 0,
        family,
        table: default_table,
        table_span: None,
        in_restore,
        diags: Vec::new(),
        neg: None,
        cmd: None,
        ip: IpMatch::default(),
        srcs: Vec::new(),
        dsts: Vec::new(),
        matches: Vec::new(),
        match_spans: Vec::new(),
        target: None,
        target_opaque_ok: false,
        loaded: Vec::new(),
        counters: Counters::default(),
        span,
        seen: Vec::new(),
    };
    p.run();
    let ok = p.diags.iter().all(|d| !d.is_error());
    let inv = if ok { p.finish() } else { None };
    diags.append(&mut p.diags);
    inv
}

/// Which extension was loaded, in order (for option precedence).
#[derive(Clone, Copy, Debug)]
enum Loaded {
    Match(usize),
    Target,
}

struct P<'a> {
    words: &'a [Word],
    i: usize,
    family: Family,
    table: TableName,
    table_span: Option<Span>,
    in_restore: bool,
    diags: Vec<Diagnostic>,
    /// Span of a `!` waiting for its option.
    neg: Option<Span>,
    cmd: Option<(G, Span, Vec<Word>)>,
    ip: IpMatch,
    srcs: Vec<(bool, AddrMask)>,
    dsts: Vec<(bool, AddrMask)>,
    matches: Vec<Match>,
    match_spans: Vec<Span>,
    target: Option<(Target, Span, Span)>,
    /// The target is an unknown name that may turn out to be an extension
    /// target fwcheck does not model, once an option for it appears.
    target_opaque_ok: bool,
    loaded: Vec<Loaded>,
    counters: Counters,
    span: Span,
    /// Generic options already given (each may appear once).
    seen: Vec<G>,
}

fn err(code: &'static str, span: Span, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, span, msg)
}

impl P<'_> {
    fn cx(&self) -> Cx {
        Cx { family: self.family, table: self.table, proto: self.ip.proto_positive() }
    }

    fn run(&mut self) {
        while self.i < self.words.len() {
            let w = &self.words[self.i];
            self.i += 1;
            let text = w.text.as_str();
            if text == "!" {
                if self.neg.is_some() {
                    self.diags.push(
                        err("parse::double-negation", w.span, "multiple `!` flags are not allowed").with_help("write one `!` before the option it negates"),
                    );
                }
                self.neg = Some(w.span);
                continue;
            }
            if let Some(long) = text.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                match self.resolve_long(name, w.span) {
                    Ok(Some(owner)) => self.dispatch(owner, w, inline),
                    Ok(None) => {}
                    Err(d) => self.diags.push(d),
                }
                continue;
            }
            if text.len() >= 2 && text.starts_with('-') {
                self.short_options(w);
                continue;
            }
            self.diags.push(
                err("parse::unexpected-argument", w.span, format!("unexpected argument `{text}`"))
                    .with_help("every value follows the option it belongs to; quote values that contain spaces"),
            );
        }
        if let Some(s) = self.neg.take() {
            self.diags.push(err("parse::dangling-negation", s, "`!` is not followed by an option").with_help("put `!` right before the option it negates"));
        }
    }

    /// `-A`, `-vnL`, `-s10.0.0.1` (a value glued to a short option).
    fn short_options(&mut self, w: &Word) {
        // The caller saw the leading `-`, one byte.
        let opts = &w.text[1..];
        for (k, c) in opts.char_indices() {
            let Some(idx) = GENERIC.iter().position(|g| g.1 == Some(c)) else {
                self.diags.push(
                    err("parse::unknown-option", w.span, format!("unknown option `-{c}`"))
                        .with_help("see `iptables --help` for the options; extension options are long (`--dport`)"),
                );
                return;
            };
            let rest = &opts[k + c.len_utf8()..];
            if GENERIC[idx].3 && !rest.is_empty() {
                // The rest of the word is the value, as getopt reads `-s10.0.0.1`.
                self.dispatch(Owner::Generic(idx), w, Some(rest.to_string()));
                return;
            }
            self.dispatch(Owner::Generic(idx), w, None);
        }
    }

    /// getopt_long's lookup: exact name first (generic, then extensions from
    /// the newest), else a unique prefix.
    fn resolve_long(&mut self, name: &str, span: Span) -> Result<Option<Owner>, Diagnostic> {
        for attempt in 0..2 {
            if let Some((o, _)) = self.candidates().find(|(_, n)| *n == name) {
                return Ok(Some(o));
            }
            let mut pre: Vec<(Owner, &'static str)> = self.candidates().filter(|(_, n)| n.starts_with(name)).collect();
            pre.dedup_by(|a, b| a.0 == b.0);
            if !name.is_empty() && pre.len() == 1 {
                return Ok(Some(pre[0].0));
            }
            if pre.len() > 1 {
                let names: Vec<String> = pre.iter().map(|(_, n)| format!("--{n}")).collect();
                return Err(
                    err("parse::ambiguous-option", span, format!("option `--{name}` is ambiguous")).with_help(format!("it could be {}", names.join(", ")))
                );
            }
            // Not known: try the protocol's match, as iptables does for
            // `-p tcp --dport 22`.
            if attempt == 0 {
                if let Some(m) = self.ip.proto.as_ref().and_then(|p| proto_match(p.value)) {
                    if !self.matches.iter().any(|x| x.name() == m) {
                        if let Some(mx) = Match::known(m, &self.cx()) {
                            self.load_match(mx, span);
                            continue;
                        }
                    }
                }
            }
            break;
        }
        // An option of an extension fwcheck keeps opaque.
        if self.take_opaque(name) {
            return Ok(None);
        }
        let mut known: Vec<&str> = GENERIC.iter().flat_map(|g| g.0.iter().copied()).collect();
        for m in &self.matches {
            known.extend(m.options().iter().flat_map(|o| o.names.iter().copied()));
        }
        if let Some((Target::Ext(t), _, _)) = &self.target {
            known.extend(t.options().iter().flat_map(|o| o.names.iter().copied()));
        }
        let help = match self.ip.proto_positive() {
            None if ["dport", "sport", "destination-port", "source-port"].contains(&name) => {
                "port matches need a protocol first: `-p tcp --dport 22`".to_string()
            }
            _ => match crate::diag::did_you_mean(name, known) {
                Some(near) => format!("did you mean `--{near}`?"),
                None => "load the extension it belongs to first with `-m NAME`, e.g. `-m conntrack --ctstate NEW`".to_string(),
            },
        };
        Err(err("parse::unknown-option", span, format!("unknown option `--{name}`")).with_help(help))
    }

    /// Every long option name known now, in getopt's order of precedence:
    /// generic options, then the extensions from the newest loaded.
    fn candidates(&self) -> impl Iterator<Item = (Owner, &'static str)> + '_ {
        let generic = GENERIC.iter().enumerate().flat_map(|(gi, g)| g.0.iter().map(move |n| (Owner::Generic(gi), *n)));
        let loaded = self.loaded.iter().rev().flat_map(move |l| {
            let opts: &'static [Opt] = match l {
                Loaded::Match(mi) => self.matches[*mi].options(),
                Loaded::Target => match &self.target {
                    Some((Target::Ext(t), _, _)) => t.options(),
                    _ => &[],
                },
            };
            let l = *l;
            let known = opts.iter().flat_map(move |o| {
                let owner = match l {
                    Loaded::Match(mi) => Owner::Match(mi, o),
                    Loaded::Target => Owner::Target(o),
                };
                o.names.iter().map(move |n| (owner, *n))
            });
            // An opaque extension's options, as iptables merges them.
            let opaque: &'static [KnownOpt] = match l {
                Loaded::Match(mi) => match &self.matches[mi] {
                    Match::Opaque(o) => catalog::match_options(&o.name).unwrap_or(&[]),
                    _ => &[],
                },
                Loaded::Target => match &self.target {
                    Some((Target::Ext(TargetExt::Opaque(o)), _, _)) => catalog::target_options(&o.name).unwrap_or(&[]),
                    _ => &[],
                },
            };
            let at = match l {
                Loaded::Match(mi) => Some(mi),
                Loaded::Target => None,
            };
            known.chain(opaque.iter().map(move |o| (Owner::Opaque(at, *o), o.name)))
        });
        generic.chain(loaded)
    }

    /// `--name` of an opaque extension that `ext::catalog` knows: the option
    /// under its full name (what iptables-save prints), and its values.
    fn opaque_option(&mut self, at: Option<usize>, opt: KnownOpt, w: &Word, inline: Option<String>) {
        let mut words = Vec::new();
        if self.neg.take().is_some() {
            words.push("!".to_string());
        }
        words.push(format!("--{}", opt.name));
        if opt.takes_value {
            match inline {
                Some(v) => words.push(v),
                None if self.i < self.words.len() => {
                    words.push(self.words[self.i].text.clone());
                    self.i += 1;
                }
                None => {
                    self.diags.push(
                        err("parse::missing-value", w.span, format!("`--{}` needs a value", opt.name)).with_help(format!("write `--{} VALUE`", opt.name)),
                    );
                    return;
                }
            }
            // A few options take two words (`--match-set NAME FLAGS`).
            while self.i < self.words.len() {
                let t = &self.words[self.i].text;
                if t == "!" || (t.starts_with('-') && t.len() > 1) {
                    break;
                }
                words.push(t.clone());
                self.i += 1;
            }
        } else if inline.is_some() {
            self.diags
                .push(err("parse::unexpected-argument", w.span, format!("`--{}` takes no value", opt.name)).with_help(format!("write `--{}` alone", opt.name)));
            return;
        }
        match at {
            Some(mi) => {
                if let Match::Opaque(o) = &mut self.matches[mi] {
                    o.words.extend(words);
                }
            }
            None => {
                if let Some((Target::Ext(TargetExt::Opaque(o)), _, _)) = &mut self.target {
                    o.words.extend(words);
                }
            }
        }
    }

    /// Gives `--name` and its values to the newest opaque extension, if any.
    fn take_opaque(&mut self, name: &str) -> bool {
        let neg = self.neg.take().is_some();
        let mut words = Vec::new();
        if neg {
            words.push("!".to_string());
        }
        words.push(format!("--{name}"));
        while self.i < self.words.len() {
            let t = &self.words[self.i].text;
            if t == "!" || (t.starts_with('-') && t.len() > 1 && !t[1..].starts_with(|c: char| c.is_ascii_digit())) {
                break;
            }
            words.push(t.clone());
            self.i += 1;
        }
        for l in self.loaded.iter().rev() {
            match l {
                Loaded::Match(mi) => {
                    if let Match::Opaque(o) = &mut self.matches[*mi] {
                        o.words.extend(words);
                        return true;
                    }
                }
                Loaded::Target => {
                    if let Some((t, _, _)) = &mut self.target {
                        if let Target::Ext(TargetExt::Opaque(o)) = t {
                            o.words.extend(words);
                            return true;
                        }
                        if self.target_opaque_ok {
                            if let Target::Jump(n) = t {
                                *t = Target::Ext(TargetExt::Opaque(OpaqueTarget { name: n.clone(), words }));
                                self.target_opaque_ok = false;
                                return true;
                            }
                        }
                    }
                }
            }
        }
        false
    }

    fn load_match(&mut self, m: Match, span: Span) {
        self.matches.push(m);
        self.match_spans.push(span);
        self.loaded.push(Loaded::Match(self.matches.len() - 1));
    }

    /// The value of an option: glued (`--x=v`, `-s10.0.0.1`) or the next
    /// word. An old-style `--opt ! value` negation is accepted with a
    /// warning for invertible options.
    fn value(&mut self, w: &Word, inline: Option<String>, invertible: bool) -> Option<(String, Span)> {
        if let Some(v) = inline {
            return Some((v, w.span));
        }
        let Some(next) = self.words.get(self.i) else {
            self.diags.push(err("parse::missing-value", w.span, format!("option `{}` needs a value", w.text)).with_help("write the value after the option"));
            return None;
        };
        self.i += 1;
        if next.text == "!" && invertible {
            self.diags.push(
                Diagnostic::warning("parse::intrapositioned-negation", next.span, "iptables 1.8.9 refuses `!` after the option (the pre-1.4.3 form)")
                    .with_help(format!(
                        "write `! {} {}` instead (iptables-restore 1.8.9 says \"Bad argument\" for this form; --lenient reads it for analysis)",
                        w.text,
                        self.words.get(self.i).map_or("VALUE", |v| v.text.as_str())
                    )),
            );
            if self.neg.replace(next.span).is_some() {
                self.diags.push(err("parse::double-negation", next.span, "multiple `!` flags are not allowed"));
            }
            return self.value(w, None, false);
        }
        Some((next.text.clone(), next.span))
    }

    /// An optional positional value (`-I CHAIN [N]`): the next word unless it
    /// is an option.
    fn optional_word(&mut self) -> Option<Word> {
        let next = self.words.get(self.i)?;
        if next.text.starts_with('-') && next.text.len() > 1 || next.text == "!" {
            return None;
        }
        self.i += 1;
        Some(next.clone())
    }

    /// The values an extension option takes: none, one (glued or the next
    /// word) or two (`--tcp-flags MASK COMP`); `None` if they are missing.
    fn option_values(&mut self, w: &Word, inline: Option<String>, opt: &Opt) -> Option<(String, Span, String)> {
        let (value, span) = if opt.args > 0 { self.value(w, inline, false)? } else { (String::new(), w.span) };
        let value2 = if opt.args > 1 { self.value(w, None, false)?.0 } else { String::new() };
        Some((value, span, value2))
    }

    fn dispatch(&mut self, owner: Owner, w: &Word, inline: Option<String>) {
        match owner {
            Owner::Generic(gi) => self.generic(gi, w, inline),
            Owner::Opaque(at, opt) => self.opaque_option(at, opt, w, inline),
            Owner::Match(mi, opt) => {
                let neg = self.neg.take();
                let Some((value, vspan, value2)) = self.option_values(w, inline, opt) else { return };
                let neg = neg.or(self.neg.take());
                if neg.is_some() && !opt.invert {
                    self.diags
                        .push(err("parse::not-invertible", neg.unwrap_or(w.span), format!("`--{}` cannot be negated", opt.name())).with_help("remove the `!`"));
                    return;
                }
                let cx = self.cx();
                let arg = Arg { neg: neg.is_some(), value: &value, value2: &value2, span: vspan };
                if let Err(e) = self.matches[mi].parse(opt.name(), &arg, &cx) {
                    self.ext_error(e, vspan, self.matches[mi].name().to_string());
                }
            }
            Owner::Target(opt) => {
                let neg = self.neg.take();
                if neg.is_some() {
                    self.diags.push(err("parse::not-invertible", w.span, "target options cannot be negated").with_help("remove the `!`"));
                }
                let Some((value, vspan, value2)) = self.option_values(w, inline, opt) else { return };
                let cx = self.cx();
                let arg = Arg { neg: false, value: &value, value2: &value2, span: vspan };
                if let Some((Target::Ext(t), _, _)) = &mut self.target {
                    let name = t.name().to_string();
                    if let Err(e) = t.parse(opt.name(), &arg, &cx) {
                        self.ext_error(e, vspan, name);
                    }
                }
            }
        }
    }

    fn ext_error(&mut self, e: ExtError, span: Span, ext: String) {
        let mut d = err("parse::bad-value", span, format!("{ext}: {}", e.message));
        if let Some(h) = e.help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn generic(&mut self, gi: usize, w: &Word, inline: Option<String>) {
        let (_, _, g, takes, invertible) = GENERIC[gi];
        let neg = self.neg.take();
        if neg.is_some() && !invertible {
            self.diags.push(err("parse::not-invertible", neg.unwrap_or(w.span), format!("`{}` cannot be negated", w.text)).with_help("remove the `!`"));
        }
        let is_cmd = matches!(
            g,
            G::Append
                | G::Insert
                | G::Delete
                | G::Replace
                | G::NewChain
                | G::DeleteChain
                | G::Flush
                | G::Policy
                | G::Zero
                | G::Rename
                | G::List
                | G::ListRules
                | G::Check
        );
        if is_cmd {
            if let Some((_, s, _)) = &self.cmd {
                let first = *s;
                self.diags.push(
                    err("parse::two-commands", w.span, "only one command per invocation")
                        .with_label(format!("a command was already given at byte {}", first.start))
                        .with_help("split this into two iptables commands"),
                );
                return;
            }
            let mut args = Vec::new();
            if takes {
                match self.value(w, inline, false) {
                    Some((t, s)) => args.push(Word { text: t, span: s }),
                    None => return,
                }
            } else if let Some(v) = inline {
                args.push(Word { text: v, span: w.span });
            }
            // Optional positionals: chain, rule number, policy, new name.
            let extra = match g {
                G::Insert | G::Delete | G::Replace | G::Policy | G::Rename => 1,
                G::DeleteChain | G::Flush => usize::from(args.is_empty()),
                G::Zero | G::List | G::ListRules => 2 - args.len(),
                _ => 0,
            };
            for _ in 0..extra {
                match self.optional_word() {
                    Some(x) => args.push(x),
                    None => break,
                }
            }
            self.cmd = Some((g, w.span, args));
            return;
        }
        if matches!(g, G::Table | G::Source | G::Destination | G::Protocol | G::InIface | G::OutIface | G::Fragment | G::Counters) {
            if self.seen.contains(&g) {
                self.diags.push(
                    err("parse::repeated-option", w.span, format!("`{}` given twice", w.text))
                        .with_help("a rule has one of each; use `-m iprange`, `-m set` or several rules for several values"),
                );
                return;
            }
            self.seen.push(g);
        }
        let value = if takes {
            match self.value(w, inline, invertible) {
                Some(v) => Some(v),
                None => return,
            }
        } else {
            None
        };
        let neg = neg.or(self.neg.take()).is_some();
        let (v, vs) = value.clone().unwrap_or_default();
        let fam = self.family;
        let bad = |p: &mut Self, e: ExtError, what: &str| {
            let mut d = err("parse::bad-value", vs, format!("{what}: {}", e.message));
            if let Some(h) = e.help {
                d = d.with_help(h);
            }
            p.diags.push(d);
        };
        match g {
            G::Table => {
                if self.in_restore {
                    self.diags.push(
                        err("parse::table-in-restore", w.span, "`-t` is not allowed in an iptables-restore file")
                            .with_help("the table comes from the `*table` line of the block"),
                    );
                    return;
                }
                match TableName::parse(&v) {
                    Some(t) => {
                        self.table = t;
                        self.table_span = Some(vs);
                    }
                    None => self.diags.push(
                        err("parse::unknown-table", vs, format!("unknown table `{v}`")).with_help("the tables are filter, nat, mangle, raw and security"),
                    ),
                }
            }
            G::Source | G::Destination => {
                let list: Vec<&str> = v.split(',').collect();
                if list.len() > 1 && neg {
                    self.diags.push(
                        err("parse::negated-list", vs, "`!` is not allowed with several addresses")
                            .with_help("write one rule per address, or use `-m iprange` / `-m set`"),
                    );
                    return;
                }
                let mut out = Vec::new();
                for a in list {
                    match AddrMask::parse(a, fam) {
                        Ok(am) if neg && am.is_any() => {
                            return bad(
                                self,
                                ExtError::new("`! -s 0.0.0.0/0` can never match").help("remove the rule, or give a real address"),
                                if g == G::Source { "source" } else { "destination" },
                            );
                        }
                        Ok(am) => out.push((neg, am)),
                        Err(e) => return bad(self, e, if g == G::Source { "source" } else { "destination" }),
                    }
                }
                if g == G::Source {
                    self.srcs = out;
                } else {
                    self.dsts = out;
                }
            }
            G::Protocol => {
                if let Err(e) = self.ip.set_proto(neg, &v) {
                    bad(self, e, "protocol");
                }
            }
            G::InIface | G::OutIface => match Iface::parse(&v) {
                Ok(i) => {
                    let slot = if g == G::InIface { &mut self.ip.iniface } else { &mut self.ip.outiface };
                    *slot = Some(Neg::new(neg, i));
                }
                Err(e) => bad(self, e, "interface"),
            },
            G::Fragment => {
                if fam == Family::Ipv6 {
                    self.diags
                        .push(err("parse::fragment-ipv6", w.span, "`-f` is not available in ip6tables").with_help("use `-m frag` to match IPv6 fragments"));
                    return;
                }
                self.ip.fragment = Some(neg);
            }
            G::Match => {
                let cx = self.cx();
                let m = Match::known(&v, &cx).unwrap_or_else(|| Match::Opaque(OpaqueMatch { name: v.clone(), words: Vec::new() }));
                if matches!(m, Match::Opaque(_)) {
                    self.diags.push(
                        Diagnostic::warning("parse::opaque-match", vs, format!("fwcheck does not model the `{v}` match"))
                            .with_help("it is kept as written; fwcheck cannot evaluate it and treats it as unknown"),
                    );
                }
                self.load_match(m, vs);
            }
            G::Jump | G::Goto => {
                if self.target.is_some() {
                    self.diags.push(err("parse::two-targets", w.span, "only one `-j` or `-g` per rule").with_help("remove one of them"));
                    return;
                }
                let t = if g == G::Goto {
                    Target::Goto(v.clone())
                } else if let Some(t) = Target::verdict(&v) {
                    t
                } else if let Some(t) = TargetExt::known(&v, &self.cx()) {
                    Target::Ext(t)
                } else if catalog::target_options(&v).is_some() {
                    // A target iptables ships but fwcheck does not model:
                    // never a chain, since iptables refuses a chain named
                    // like a target.
                    Target::Ext(TargetExt::Opaque(OpaqueTarget { name: v.clone(), words: Vec::new() }))
                } else {
                    self.target_opaque_ok = true;
                    Target::Jump(v.clone())
                };
                if v.is_empty() {
                    self.diags.push(err("parse::missing-value", w.span, "empty target name").with_help("write a target or chain name after -j"));
                    return;
                }
                self.target = Some((t, vs, w.span));
                self.loaded.push(Loaded::Target);
            }
            G::Counters => {
                // `-c PACKETS BYTES`
                let b = self.optional_word();
                let packets = v.parse::<u64>();
                let bytes = b.as_ref().map(|b| b.text.parse::<u64>());
                match (packets, bytes) {
                    (Ok(p), Some(Ok(b))) => self.counters = Counters { packets: p, bytes: b },
                    _ => self.diags.push(err("parse::bad-counters", vs, "`-c` needs two numbers: packets and bytes").with_help("write `-c 10 840`")),
                }
            }
            G::Family4 | G::Family6 => {
                let want = if g == G::Family4 { Family::Ipv4 } else { Family::Ipv6 };
                if want != fam {
                    self.diags.push(
                        err("parse::wrong-family", w.span, format!("`{}` given to {}", w.text, fam.command()))
                            .with_help("this option selects the family in iptables-restore files that hold both; use the matching command"),
                    );
                }
            }
            G::Flag | G::FlagArg => {}
            _ => {}
        }
    }

    /// Builds the invocation once all words are read.
    fn finish(&mut self) -> Option<Invocation> {
        let Some((g, cspan, args)) = self.cmd.take() else {
            self.diags.push(
                err("parse::no-command", self.span, "no command given")
                    .with_help("add a command such as `-A CHAIN`, `-I CHAIN`, `-N CHAIN` or `-P CHAIN POLICY`"),
            );
            return None;
        };
        let cx = self.cx();
        for (mi, m) in self.matches.iter_mut().enumerate() {
            if let Err(e) = m.finish(&cx) {
                let mut d = err("parse::bad-match", self.match_spans[mi], format!("{}: {}", m.name(), e.message));
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                self.diags.push(d);
            }
        }
        if let Some((Target::Ext(t), ts, _)) = &mut self.target {
            if let Err(e) = t.finish(&cx) {
                let mut d = err("parse::bad-target", *ts, format!("{}: {}", t.name(), e.message));
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                self.diags.push(d);
            }
        }
        let name = |k: usize| args.get(k).map(Name::from);
        let num = |p: &mut Self, k: usize| -> Option<(u32, Span)> {
            let w = args.get(k)?;
            match w.text.parse::<u32>() {
                Ok(n) if n >= 1 => Some((n, w.span)),
                _ => {
                    p.diags.push(err("parse::bad-rule-number", w.span, format!("invalid rule number `{}`", w.text)).with_help("rule numbers count from 1"));
                    None
                }
            }
        };
        let has_rule = self.target.is_some() || !self.matches.is_empty() || self.ip != IpMatch::default() || !self.srcs.is_empty() || !self.dsts.is_empty();
        let op = match g {
            G::Append => Op::Append { chain: name(0)?, rules: self.rules() },
            G::Insert => {
                let pos = match args.get(1) {
                    Some(_) => Some(num(self, 1)?),
                    None => None,
                };
                Op::Insert { chain: name(0)?, pos, rules: self.rules() }
            }
            G::Delete => match args.get(1) {
                Some(_) => {
                    let n = num(self, 1)?;
                    if has_rule {
                        self.diags
                            .push(err("parse::delete-both", cspan, "`-D` takes a rule number or a rule, not both").with_help("drop the number or the rule"));
                    }
                    Op::DeleteNum { chain: name(0)?, num: n }
                }
                None => Op::DeleteSpec { chain: name(0)?, rules: self.rules() },
            },
            G::Replace => {
                let Some(_) = args.get(1) else {
                    self.diags.push(err("parse::missing-value", cspan, "`-R` needs a rule number").with_help("write `-R CHAIN N rule`"));
                    return None;
                };
                let n = num(self, 1)?;
                let mut rules = self.rules();
                if rules.len() != 1 {
                    self.diags.push(
                        err("parse::replace-many", cspan, "`-R` replaces one rule, but the addresses expand to several")
                            .with_help("give one source and one destination address"),
                    );
                    return None;
                }
                Op::Replace { chain: name(0)?, num: n, rule: rules.remove(0) }
            }
            G::NewChain => Op::NewChain { chain: name(0)? },
            G::DeleteChain => Op::DeleteChain { chain: name(0) },
            G::Flush => Op::Flush { chain: name(0) },
            G::Policy => {
                let Some(policy) = name(1) else {
                    self.diags.push(err("parse::missing-value", cspan, "`-P` needs a chain and a policy").with_help("write `-P INPUT DROP`"));
                    return None;
                };
                Op::Policy { chain: name(0)?, policy }
            }
            G::Zero => {
                let n = match args.get(1) {
                    Some(_) => Some(num(self, 1)?),
                    None => None,
                };
                Op::Zero { chain: name(0), num: n }
            }
            G::Rename => {
                let Some(new) = name(1) else {
                    self.diags.push(err("parse::missing-value", cspan, "`-E` needs the old and the new name").with_help("write `-E OLD NEW`"));
                    return None;
                };
                Op::Rename { old: name(0)?, new }
            }
            _ => Op::Query,
        };
        let takes_rule = matches!(op, Op::Append { .. } | Op::Insert { .. } | Op::DeleteSpec { .. } | Op::Replace { .. } | Op::Query);
        if has_rule && !takes_rule {
            self.diags
                .push(err("parse::rule-options", cspan, "this command takes no rule options").with_help("matches and targets go with -A, -I, -R, -D or -C"));
        }
        if self.diags.iter().any(|d| d.is_error()) {
            return None;
        }
        Some(Invocation { family: self.family, table: self.table, table_span: self.table_span, op, span: self.span })
    }

    /// The rule(s): one per source x destination address.
    fn rules(&mut self) -> Vec<RuleSpec> {
        let (target, tspan) = match self.target.take() {
            Some((t, s, _)) => (t, Some(s)),
            None => (Target::None, None),
        };
        let srcs: Vec<Option<(bool, AddrMask)>> = if self.srcs.is_empty() { vec![None] } else { self.srcs.iter().copied().map(Some).collect() };
        let dsts: Vec<Option<(bool, AddrMask)>> = if self.dsts.is_empty() { vec![None] } else { self.dsts.iter().copied().map(Some).collect() };
        // The last rule takes the matches and target, the others copy them
        // (nearly every command makes one rule).
        let n = srcs.len() * dsts.len();
        let mut target = Some(target);
        let mut out = Vec::with_capacity(n);
        for (k, (s, d)) in srcs.iter().flat_map(|s| dsts.iter().map(move |d| (s, d))).enumerate() {
            let mut ip = self.ip.clone();
            ip.src = s.map(|(n, a)| Neg::new(n, a));
            ip.dst = d.map(|(n, a)| Neg::new(n, a));
            let (matches, target) = if k + 1 == n {
                (std::mem::take(&mut self.matches), target.take().unwrap_or(Target::None))
            } else {
                (self.matches.clone(), target.clone().unwrap_or(Target::None))
            };
            out.push(RuleSpec { rule: Rule { ip, matches, target, counters: self.counters, span: self.span }, target_span: tspan });
        }
        out
    }
}
