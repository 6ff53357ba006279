//! Text -> lines of words, through the pest grammar in `grammar/iptables.pest`.
//!
//! Pairs become typed [`Line`]s at once; nothing downstream sees pest.

use crate::diag::Diagnostic;
use crate::ir::Counters;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../grammar/iptables.pest"]
struct Grammar;

/// One word after quote removal, with the span of its source text
/// (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `*filter`
    TableHeader { name: Word },
    /// `:INPUT ACCEPT [0:0]`
    ChainDecl { name: Word, policy: Option<Word>, counters: Option<Counters> },
    /// `COMMIT`
    Commit,
    /// A command or rule line, with the `[p:b]` counters written before it.
    Words { counters: Option<Counters>, words: Vec<Word> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub item: Item,
    pub span: Span,
}

/// Cuts a file into lines. Blank and comment-only lines are dropped; lines the
/// lexer cannot read become diagnostics, and lexing goes on after them.
pub fn lex(file: FileId, text: &str) -> (Vec<Line>, Vec<Diagnostic>) {
    let mut lines = Vec::new();
    let mut diags = Vec::new();
    let pairs = match Grammar::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => {
            // The grammar accepts any text (bad_line takes what line cannot),
            // so this is only reachable through a grammar bug; still report,
            // never panic.
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            diags.push(Diagnostic::error("parse::lexer", Span::new(file, pos, pos + 1), "cannot read this text"));
            return (lines, diags);
        }
    };
    let sp = |p: &Pair<Rule>| Span::new(file, p.as_span().start(), p.as_span().end());
    for pair in pairs.flatten() {
        match pair.as_rule() {
            Rule::line => {
                let span = sp(&pair);
                let Some(item) = pair.into_inner().find(|p| p.as_rule() != Rule::comment) else { continue };
                let item = match item.as_rule() {
                    Rule::table_header => Item::TableHeader { name: plain_word(item.into_inner().next(), file) },
                    Rule::chain_decl => {
                        let mut name = None;
                        let mut policy = None;
                        let mut counters = None;
                        for p in item.into_inner() {
                            match p.as_rule() {
                                Rule::name => name = Some(plain_word(Some(p), file)),
                                Rule::policy => policy = Some(plain_word(Some(p), file)),
                                Rule::counters => counters = Some(counters_of(p, file, &mut diags)),
                                _ => {}
                            }
                        }
                        Item::ChainDecl { name: name.unwrap_or_else(|| Word { text: String::new(), span }), policy, counters }
                    }
                    Rule::commit => Item::Commit,
                    Rule::restore_rule => {
                        let mut counters = None;
                        let mut words = Vec::new();
                        for p in item.into_inner() {
                            match p.as_rule() {
                                Rule::counters => counters = Some(counters_of(p, file, &mut diags)),
                                Rule::rwords => words = words_of(p, file),
                                _ => {}
                            }
                        }
                        Item::Words { counters, words }
                    }
                    Rule::command => Item::Words { counters: None, words: item.into_inner().next().map(|w| words_of(w, file)).unwrap_or_default() },
                    _ => continue,
                };
                lines.push(Line { item, span });
            }
            Rule::bad_line => {
                let span = sp(&pair);
                let text = pair.as_str();
                let (msg, help) = if let Some(q) = unterminated_quote(text) {
                    let at = span.start as usize + q;
                    diags.push(
                        Diagnostic::error("parse::unterminated-quote", Span::new(file, at, at + 1), "unterminated quote")
                            .with_label("this quote is never closed")
                            .with_help("close the quote on the same line, or end the line with `\\` to continue it"),
                    );
                    continue;
                } else if text.trim_start().starts_with(':') {
                    ("malformed chain declaration", "write `:NAME POLICY [packets:bytes]`, e.g. `:INPUT ACCEPT [0:0]` or `:MYCHAIN - [0:0]`")
                } else if text.trim_start().starts_with('[') {
                    ("malformed counters", "counters are `[packets:bytes]`, two decimal numbers, e.g. `[0:0]`")
                } else {
                    ("cannot read this line", "check the quoting of this line")
                };
                diags.push(Diagnostic::error("parse::bad-line", span, msg).with_help(help));
            }
            _ => {}
        }
    }
    (lines, diags)
}

/// Byte offset of an opening quote that is never closed, if any.
fn unterminated_quote(text: &str) -> Option<usize> {
    let mut open: Option<(char, usize)> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match open {
            None if escaped => escaped = false,
            None if c == '\\' => escaped = true,
            None if c == '#' => return None,
            None if c == '\'' || c == '"' => open = Some((c, i)),
            None => {}
            Some(('"', _)) if escaped => escaped = false,
            Some(('"', _)) if c == '\\' => escaped = true,
            Some((q, _)) if c == q => open = None,
            Some(_) => {}
        }
    }
    open.map(|(_, i)| i)
}

fn plain_word(pair: Option<Pair<Rule>>, file: FileId) -> Word {
    match pair {
        Some(p) => Word { text: p.as_str().to_string(), span: Span::new(file, p.as_span().start(), p.as_span().end()) },
        None => Word { text: String::new(), span: Span::new(file, 0, 0) },
    }
}

fn counters_of(pair: Pair<Rule>, file: FileId, diags: &mut Vec<Diagnostic>) -> Counters {
    let span = Span::new(file, pair.as_span().start(), pair.as_span().end());
    let mut nums = pair.into_inner().map(|n| n.as_str().parse::<u64>());
    match (nums.next(), nums.next()) {
        (Some(Ok(packets)), Some(Ok(bytes))) => Counters { packets, bytes },
        _ => {
            diags.push(Diagnostic::error("parse::counter-overflow", span, "counter does not fit in 64 bits").with_help("counters are unsigned 64-bit numbers"));
            Counters::default()
        }
    }
}

fn words_of(pair: Pair<Rule>, file: FileId) -> Vec<Word> {
    pair.into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::word | Rule::rword))
        .map(|w| {
            let span = Span::new(file, w.as_span().start(), w.as_span().end());
            let mut text = String::new();
            for part in w.into_inner() {
                match part.as_rule() {
                    Rule::plain => unescape_plain(part.as_str(), &mut text),
                    Rule::squoted => text.push_str(part.into_inner().next().map_or("", |t| t.as_str())),
                    Rule::dquoted => unescape_dquoted(part.into_inner().next().map_or("", |t| t.as_str()), &mut text),
                    Rule::rplain => text.push_str(part.as_str()),
                    Rule::rdquoted => unescape_restore(part.into_inner().next().map_or("", |t| t.as_str()), &mut text),
                    _ => {}
                }
            }
            Word { text, span }
        })
        .collect()
}

/// Outside quotes a backslash makes the next character literal, as in sh.
fn unescape_plain(s: &str, out: &mut String) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
}

/// Inside double quotes only `\"` and `\\` are escapes; any other backslash
/// stays, as in sh and in iptables-restore.
fn unescape_dquoted(s: &str, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('"') | Some('\\')) {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
}

/// Inside iptables-restore's double quotes a backslash escapes any
/// character.
fn unescape_restore(s: &str, out: &mut String) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        let (lines, diags) = lex(0, text);
        assert!(diags.is_empty(), "{diags:?}");
        lines
            .into_iter()
            .map(|l| match l.item {
                Item::Words { words, .. } => words.into_iter().map(|w| w.text).collect(),
                other => vec![format!("{other:?}")],
            })
            .collect()
    }

    #[test]
    fn quotes_comments_and_continuations() {
        assert_eq!(
            words("sudo iptables -A INPUT \\\n  -m comment --comment 'a b' # note\n\n# only a comment\niptables -X\n"),
            vec![vec!["sudo", "iptables", "-A", "INPUT", "-m", "comment", "--comment", "a b"], vec!["iptables", "-X"]]
        );
        assert_eq!(words(r#"x "a \"q\" \n" a#b"#), vec![vec!["x", "a \"q\" \\n", "a#b"]]);
    }

    #[test]
    fn save_file_lines_and_crlf() {
        let (lines, diags) = lex(0, "*filter\r\n:INPUT DROP [1:2]  \r\n[3:4] -A INPUT -j ACCEPT\r\nCOMMIT\r\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(matches!(&lines[0].item, Item::TableHeader { name } if name.text == "filter"));
        assert!(
            matches!(&lines[1].item, Item::ChainDecl { name, policy: Some(p), counters: Some(Counters { packets: 1, bytes: 2 }) } if name.text == "INPUT" && p.text == "DROP")
        );
        assert!(matches!(&lines[2].item, Item::Words { counters: Some(Counters { packets: 3, bytes: 4 }), words } if words.len() == 4));
        assert_eq!(lines[3].item, Item::Commit);
        let (lines, _) = lex(0, "-A INPUT -m comment --comment 'a' \"b\\\\c d\" #x\n");
        let Item::Words { words, .. } = &lines[0].item else { panic!() };
        let w: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(w, ["-A", "INPUT", "-m", "comment", "--comment", "'a'", "b\\c d", "#x"]);
    }

    #[test]
    fn unterminated_quote_is_reported_and_lexing_goes_on() {
        let (lines, diags) = lex(0, "iptables -A INPUT -m comment --comment 'oops\niptables -A INPUT -j DROP\n");
        assert_eq!(lines.len(), 1);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "parse::unterminated-quote");
        assert_eq!(diags[0].span.start, 39);
    }
}
