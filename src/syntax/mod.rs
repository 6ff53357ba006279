//! Text -> statements. Knows nothing of Z3, nft or namespaces.
//!
//! [`parse`] reads one file, command script or iptables-save file alike
//! (they can even be mixed, as `iptables-restore` blocks inside a script
//! cannot, but fwcheck does not need to care), and returns every statement it
//! could read plus every diagnostic: a file with five errors shows five.
//! Statements keep their spans; resolving them into a `Ruleset` is
//! `ir::apply`'s job, so what the user typed stays apart from what it means.

pub mod command;
pub mod lexer;
pub mod loadable;

pub use command::{Invocation, Name, Op, RuleSpec};
use lexer::Item;
pub use lexer::Word;

use crate::diag::Diagnostic;
use crate::ir::{Counters, Family, TableName};
use crate::source::{FileId, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// An `iptables`/`ip6tables` command of a script, or a rule line of a
    /// restore table block.
    Command {
        inv: Invocation,
        netns: Option<String>,
        in_restore: bool,
        /// The program and its arguments as the shell would pass them, for
        /// running a script's commands as written (`fwcheck verify`); empty
        /// for restore lines.
        argv: Vec<String>,
    },
    /// `*table`: a restore table block starts.
    BeginTable { family: Family, table: TableName, span: Span },
    /// `:NAME POLICY [p:b]`
    DeclareChain { name: Name, policy: Option<Name>, counters: Counters, span: Span },
    /// `COMMIT`
    Commit { span: Span },
    /// A lab command of a tutorial-style script (`ip netns add`, `ip link`,
    /// `sysctl`, `echo 1 > /proc/sys/...`): not part of the rule set; kept
    /// for the scenario reader.
    Lab { words: Vec<Word>, netns: Option<String>, span: Span },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    pub stmts: Vec<Stmt>,
}

/// Parsing options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Family of iptables-save blocks (`*filter` ...), which do not say it.
    pub save_family: Family,
}

impl Default for Options {
    fn default() -> Options {
        Options { save_family: Family::Ipv4 }
    }
}

/// Parses one file.
pub fn parse(file: FileId, text: &str, opts: Options) -> (Script, Vec<Diagnostic>) {
    // A large file is read in pieces of at least 32 KiB, one per core.
    parse_in_pieces(file, text, opts, crate::par::pieces(text.len(), 32 << 10))
}

/// A restore rule line read ahead by a piece, for the table the piece
/// believed its block to be.
struct Ahead {
    table: TableName,
    inv: Option<Invocation>,
    diags: Vec<Diagnostic>,
}

/// [`parse`], with the text lexed and its restore rule lines read in
/// `pieces` pieces at once. Each piece guesses the table block it starts in
/// from the last `*table` or `COMMIT` line before it; the statements are
/// then put together in order, and a rule line read for another table
/// than the one it turns out to be in is read again. The result is the same
/// for any number of pieces (a test checks it).
pub fn parse_in_pieces(file: FileId, text: &str, opts: Options, pieces: usize) -> (Script, Vec<Diagnostic>) {
    let ranges = lexer::split_points(text, pieces);
    // Each piece's guess, from the pieces before it: the text is scanned
    // once, not once per piece.
    let mut guess = None;
    let mut starts = Vec::with_capacity(ranges.len());
    for r in ranges {
        starts.push((r.clone(), guess));
        guess = block_at_end(&text[r]).unwrap_or(guess);
    }
    let parts = crate::par::run(starts, |(r, block)| read_ahead(file, text, r, block, opts));
    let mut diags = Vec::new();
    let mut lines = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    for (l, d) in parts {
        lines.extend(l);
        diags.extend(d);
    }
    loadable::check(file, text, lines.iter().map(|(l, _)| l), &mut diags);
    let mut stmts = Vec::with_capacity(lines.len());
    // The table of the open restore block, if any.
    let mut block: Option<(TableName, Span)> = None;
    for (line, ahead) in lines {
        match line.item {
            Item::TableHeader { name } => {
                if let Some((t, s)) = block {
                    diags.push(
                        Diagnostic::error("parse::missing-commit", s, format!("table block `*{t}` has no COMMIT"))
                            .with_help("end each table block with a COMMIT line"),
                    );
                }
                match TableName::parse(&name.text) {
                    Some(t) => {
                        block = Some((t, line.span));
                        stmts.push(Stmt::BeginTable { family: opts.save_family, table: t, span: line.span });
                    }
                    None => {
                        block = None;
                        diags.push(
                            Diagnostic::error("parse::unknown-table", name.span, format!("unknown table `{}`", name.text))
                                .with_help("the tables are filter, nat, mangle, raw and security"),
                        );
                    }
                }
            }
            Item::ChainDecl { name, policy, counters } => {
                if block.is_none() {
                    diags.push(outside_block(line.span, "chain declaration"));
                    continue;
                }
                if policy.is_none() {
                    diags.push(
                        Diagnostic::error("parse::missing-policy", line.span, format!("chain declaration `:{}` has no policy", name.text))
                            .with_help("write `:NAME ACCEPT [0:0]` for a built-in chain or `:NAME - [0:0]` for a user chain"),
                    );
                    continue;
                }
                stmts.push(Stmt::DeclareChain {
                    name: Name::from(&name),
                    policy: policy.as_ref().map(Name::from),
                    counters: counters.unwrap_or_default(),
                    span: line.span,
                });
            }
            Item::Commit => {
                if block.take().is_none() {
                    diags.push(outside_block(line.span, "COMMIT"));
                    continue;
                }
                stmts.push(Stmt::Commit { span: line.span });
            }
            Item::Words { counters, words } => {
                if words.is_empty() {
                    continue;
                }
                if counters.is_none() && words[0].text.starts_with('[') {
                    diags.push(
                        Diagnostic::error("parse::bad-line", words[0].span, "malformed counters")
                            .with_help("counters are `[packets:bytes]`, two decimal numbers, e.g. `[0:0]`"),
                    );
                    continue;
                }
                if let Some((table, _)) = block {
                    // A rule line of a restore block: `-A INPUT ...`.
                    let inv = match ahead {
                        Some(a) if a.table == table => {
                            diags.extend(a.diags);
                            a.inv
                        }
                        _ => command::parse_invocation(&words, opts.save_family, table, true, line.span, &mut diags),
                    };
                    if let Some(mut inv) = inv {
                        if let Some(c) = counters {
                            set_counters(&mut inv, c);
                        }
                        stmts.push(Stmt::Command { inv, netns: None, in_restore: true, argv: Vec::new() });
                    }
                    continue;
                }
                if counters.is_some() || words[0].text.starts_with('-') {
                    diags.push(
                        Diagnostic::error("parse::rule-outside-table", line.span, "rule line outside a table block")
                            .with_help("start the block with a `*filter` (or other table) line, or write the command as `iptables -A ...`"),
                    );
                    continue;
                }
                command_line(&words, line.span, &mut stmts, &mut diags);
            }
        }
    }
    if let Some((t, s)) = block {
        diags.push(
            Diagnostic::error("parse::missing-commit", s, format!("table block `*{t}` has no COMMIT"))
                .with_help("end the block with a COMMIT line; iptables-restore ignores a block without one"),
        );
    }
    (Script { stmts }, diags)
}

/// Lexes the lines in `range` and reads ahead the restore rule lines of
/// the table blocks it sees open, starting in `block` (a guess).
fn read_ahead(
    file: FileId,
    text: &str,
    range: std::ops::Range<usize>,
    mut block: Option<TableName>,
    opts: Options,
) -> (Vec<(lexer::Line, Option<Ahead>)>, Vec<Diagnostic>) {
    let (lines, diags) = lexer::lex_range(file, text, range);
    let lines = lines
        .into_iter()
        .map(|line| {
            let ahead = match &line.item {
                Item::TableHeader { name } => {
                    block = TableName::parse(&name.text);
                    None
                }
                Item::Commit => {
                    block = None;
                    None
                }
                Item::Words { counters, words } if !words.is_empty() && (counters.is_some() || !words[0].text.starts_with('[')) => block.map(|table| {
                    let mut diags = Vec::new();
                    let inv = command::parse_invocation(words, opts.save_family, table, true, line.span, &mut diags);
                    Ahead { table, inv, diags }
                }),
                _ => None,
            };
            (line, ahead)
        })
        .collect();
    (lines, diags)
}

/// The table block open at the end of `text` by its last `*table` or
/// `COMMIT` line (`Some(None)`: none open), or `None` if it has neither. A
/// guess (a header inside a continued line fools it), which
/// [`parse_in_pieces`] checks.
fn block_at_end(text: &str) -> Option<Option<TableName>> {
    for l in text.lines().rev() {
        let l = l.trim();
        if let Some(name) = l.strip_prefix('*') {
            return Some(TableName::parse(name.split(|c: char| c.is_whitespace() || c == '#').next().unwrap_or("")));
        }
        if l.starts_with("COMMIT") {
            return Some(None);
        }
    }
    None
}

fn outside_block(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error("parse::outside-table", span, format!("{what} outside a table block")).with_help("put it between a `*table` line and COMMIT")
}

fn set_counters(inv: &mut Invocation, c: Counters) {
    let rules: &mut [RuleSpec] = match &mut inv.op {
        Op::Append { rules, .. } | Op::Insert { rules, .. } | Op::DeleteSpec { rules, .. } => rules,
        Op::Replace { rule, .. } => std::slice::from_mut(rule),
        _ => &mut [],
    };
    for r in rules {
        r.rule.counters = c;
    }
}

/// A script line: strip the prompt, `sudo` and `ip netns exec NS`, then
/// read an iptables command or keep a lab command.
fn command_line(words: &[Word], span: Span, stmts: &mut Vec<Stmt>, diags: &mut Vec<Diagnostic>) {
    let mut w = words;
    let mut netns = None;
    loop {
        match w.first().map(|x| x.text.as_str()) {
            Some("$") => w = &w[1..],
            Some("sudo") => {
                w = &w[1..];
                // sudo's own flags (`sudo -E`).
                while w.first().is_some_and(|x| x.text.starts_with('-')) {
                    w = &w[1..];
                }
            }
            Some("ip") if w.len() >= 4 && w[1].text == "netns" && w[2].text == "exec" => {
                netns = Some(w[3].text.clone());
                w = &w[4..];
            }
            _ => break,
        }
    }
    let Some(first) = w.first() else { return };
    let program = first.text.rsplit('/').next().unwrap_or("");
    let family =
        match program {
            "iptables" | "iptables-nft" | "iptables-legacy" => Family::Ipv4,
            "ip6tables" | "ip6tables-nft" | "ip6tables-legacy" => Family::Ipv6,
            "ip" | "sysctl" | "echo" | "ping" | "modprobe" | "ipset" => {
                stmts.push(Stmt::Lab { words: w.to_vec(), netns, span });
                return;
            }
            p if p.starts_with("iptables-") || p.starts_with("ip6tables-") => {
                diags.push(
                    Diagnostic::error("parse::unsupported-program", first.span, format!("`{p}` lines are not read"))
                        .with_help("give fwcheck the rule file itself: `fwcheck parse rules.v4`"),
                );
                return;
            }
            _ => {
                diags.push(Diagnostic::error("parse::not-iptables", first.span, format!("`{}` is not an iptables command", first.text)).with_help(
                    "a script holds `iptables`/`ip6tables` commands (optionally after `sudo` or `ip netns exec NS`); comment other lines out with #",
                ));
                return;
            }
        };
    let rest = &w[1..];
    if let Some(inv) = command::parse_invocation(rest, family, TableName::Filter, false, span, diags) {
        let argv = w.iter().map(|x| x.text.clone()).collect();
        stmts.push(Stmt::Command { inv, netns, in_restore: false, argv });
    }
}
