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
///
/// The grammar defines the lexing. One kind of line skips it: the restore
/// rule line, nearly every line of a large iptables-save file, whose words
/// have the simple shape of the grammar's `rword`. [`plain_rule_line`] cuts
/// it exactly as the grammar does (a property test checks that the two
/// agree), several times faster than pest; any line it is unsure of goes to
/// the grammar.
pub fn lex(file: FileId, text: &str) -> (Vec<Line>, Vec<Diagnostic>) {
    lex_range(file, text, 0..text.len())
}

/// [`lex`] of the lines in `range` of `text` (whole lines, see
/// [`split_points`]), with spans in `text`.
pub fn lex_range(file: FileId, text: &str, range: std::ops::Range<usize>) -> (Vec<Line>, Vec<Diagnostic>) {
    let end = range.end;
    let piece = &text[range.clone()];
    let mut lines = Vec::with_capacity(piece.bytes().filter(|&b| b == b'\n').count() + 1);
    let mut diags = Vec::new();
    // Start of the run of lines waiting for the grammar.
    let mut pending: Option<usize> = None;
    let mut continued = false;
    let mut at = range.start;
    for raw in piece.split_inclusive('\n') {
        let start = at;
        at += raw.len();
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let fast = if continued { None } else { plain_rule_line(file, start, body) };
        continued = body.ends_with('\\');
        match fast {
            Some(line) => {
                if let Some(p) = pending.take() {
                    lex_grammar(file, &text[p..start], p, &mut lines, &mut diags);
                }
                lines.push(line);
            }
            None => {
                pending.get_or_insert(start);
            }
        }
    }
    if let Some(p) = pending {
        lex_grammar(file, &text[p..end], p, &mut lines, &mut diags);
    }
    (lines, diags)
}

/// Cuts `text` into about `n` ranges of whole lines such that lexing the
/// ranges one by one gives the lines of lexing the whole. A range starts
/// only at a restore rule line that [`lex`] reads without the grammar (and
/// that does not continue the line before): `lex` ends the grammar's run of
/// lines there anyway, and what the grammar reads across lines (a line
/// continued with `\`, a quoted word holding a newline) stays in one run.
/// A text without such lines (a command script) stays whole.
pub fn split_points(text: &str, n: usize) -> Vec<std::ops::Range<usize>> {
    let mut cuts = vec![0];
    for k in 1..n.max(1) {
        let mut at = (text.len() * k / n).max(*cuts.last().unwrap_or(&0));
        while !text.is_char_boundary(at) {
            at += 1;
        }
        // The start of the next line that can start a range.
        loop {
            let Some(nl) = text[at..].find('\n') else {
                at = text.len();
                break;
            };
            let before = &text[..at + nl];
            at += nl + 1;
            let line = text[at..].split('\n').next().unwrap_or("");
            let body = line.strip_suffix('\r').unwrap_or(line);
            if !before.strip_suffix('\r').unwrap_or(before).ends_with('\\') && plain_rule_line(0, at, body).is_some() {
                break;
            }
        }
        if at < text.len() && at > *cuts.last().unwrap_or(&0) {
            cuts.push(at);
        }
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// A restore rule line (`-A INPUT ...`, optionally after `[p:b]`), cut into
/// words the way the grammar's `restore_rule` does; `None` for any other
/// line, and for the rare shapes left to the grammar (a continuation, an
/// unterminated quote, a stray CR or NUL, counters that do not fit).
fn plain_rule_line(file: FileId, start: usize, body: &str) -> Option<Line> {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\x0c');
    let bytes = body.as_bytes();
    if body.ends_with('\\') || bytes.iter().any(|&b| b == b'\r' || b == 0) {
        return None;
    }
    let mut i = bytes.iter().position(|&b| !blank(b))?;
    let mut counters = None;
    if bytes[i] == b'[' {
        let close = body[i..].find(']')? + i;
        let (p, b) = body[i + 1..close].split_once(':')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
        if !digits(p) || !digits(b) {
            return None;
        }
        counters = Some(Counters { packets: p.parse().ok()?, bytes: b.parse().ok()? });
        i = close + 1;
    } else if bytes[i] != b'-' {
        return None;
    }
    // At most one word more than there are blanks.
    let mut words = Vec::with_capacity(bytes[i..].iter().filter(|&&b| blank(b)).count() + 1);
    while i < bytes.len() {
        if blank(bytes[i]) {
            i += 1;
            continue;
        }
        let w = i;
        while i < bytes.len() && !blank(bytes[i]) && bytes[i] != b'"' {
            i += 1;
        }
        let quoted = i < bytes.len() && bytes[i] == b'"';
        if quoted {
            // A quoted part ends the word; a backslash escapes any character.
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return None,
                    Some(b'\\') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            if i > bytes.len() {
                return None;
            }
        }
        let text = if quoted { unquote_restore(&body[w..i]) } else { body[w..i].to_string() };
        words.push(Word { text, span: Span::new(file, start + w, start + i) });
    }
    Some(Line { item: Item::Words { counters, words }, span: Span::new(file, start, start + body.len()) })
}

/// Lexes `text`, which starts at byte `base` of the file, with the grammar.
fn lex_grammar(file: FileId, text: &str, base: usize, lines: &mut Vec<Line>, diags: &mut Vec<Diagnostic>) {
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
            diags.push(Diagnostic::error("parse::lexer", Span::new(file, base + pos, base + pos + 1), "cannot read this text"));
            return;
        }
    };
    let sp = |p: &Pair<Rule>| Span::new(file, base + p.as_span().start(), base + p.as_span().end());
    // file -> line | bad_line | EOI; only the top level is walked.
    for pair in pairs.flat_map(|file| file.into_inner()) {
        match pair.as_rule() {
            Rule::line => {
                let span = sp(&pair);
                let Some(item) = pair.into_inner().find(|p| p.as_rule() != Rule::comment) else { continue };
                let item = match item.as_rule() {
                    Rule::table_header => Item::TableHeader { name: plain_word(item.into_inner().next(), file, base) },
                    Rule::chain_decl => {
                        let mut name = None;
                        let mut policy = None;
                        let mut counters = None;
                        for p in item.into_inner() {
                            match p.as_rule() {
                                Rule::name => name = Some(plain_word(Some(p), file, base)),
                                Rule::policy => policy = Some(plain_word(Some(p), file, base)),
                                Rule::counters => counters = Some(counters_of(p, file, base, diags)),
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
                                Rule::counters => counters = Some(counters_of(p, file, base, diags)),
                                Rule::rwords => words = words_of(p, file, base),
                                _ => {}
                            }
                        }
                        Item::Words { counters, words }
                    }
                    Rule::command => Item::Words { counters: None, words: item.into_inner().next().map(|w| words_of(w, file, base)).unwrap_or_default() },
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

fn plain_word(pair: Option<Pair<Rule>>, file: FileId, base: usize) -> Word {
    match pair {
        Some(p) => Word { text: p.as_str().to_string(), span: Span::new(file, base + p.as_span().start(), base + p.as_span().end()) },
        None => Word { text: String::new(), span: Span::new(file, 0, 0) },
    }
}

fn counters_of(pair: Pair<Rule>, file: FileId, base: usize, diags: &mut Vec<Diagnostic>) -> Counters {
    let span = Span::new(file, base + pair.as_span().start(), base + pair.as_span().end());
    let mut nums = pair.into_inner().map(|n| n.as_str().parse::<u64>());
    match (nums.next(), nums.next()) {
        (Some(Ok(packets)), Some(Ok(bytes))) => Counters { packets, bytes },
        _ => {
            diags.push(Diagnostic::error("parse::counter-overflow", span, "counter does not fit in 64 bits").with_help("counters are unsigned 64-bit numbers"));
            Counters::default()
        }
    }
}

/// The words of a line. Words are atomic tokens (one pest pair each, which
/// keeps lexing fast); quote removal happens here, by the rules of the
/// grammar that matched them.
fn words_of(pair: Pair<Rule>, file: FileId, base: usize) -> Vec<Word> {
    pair.into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::word | Rule::rword))
        .map(|w| {
            let span = Span::new(file, base + w.as_span().start(), base + w.as_span().end());
            let raw = w.as_str();
            let text = if w.as_rule() == Rule::rword { unquote_restore(raw) } else { unquote_shell(raw) };
            Word { text, span }
        })
        .collect()
}

/// A shell word: `'...'` literal, `"..."` with `\"` and `\\` escapes,
/// a backslash outside quotes escaping the next character.
fn unquote_shell(raw: &str) -> String {
    if !raw.contains(['\'', '"', '\\']) {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.extend(chars.by_ref().take_while(|&c| c != '\'')),
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"') | Some('\\')) => out.push(chars.next().unwrap_or('\\')),
                        c => out.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A restore word: plain text, then optionally one `"..."` in which a
/// backslash escapes any character.
fn unquote_restore(raw: &str) -> String {
    let Some(q) = raw.find('"') else { return raw.to_string() };
    let mut out = raw[..q].to_string();
    let inner = raw[q + 1..].strip_suffix('"').unwrap_or(&raw[q + 1..]);
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
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

    #[test]
    fn fast_path_takes_the_usual_restore_lines() {
        for l in [
            "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
            "[12:3400] -A INPUT -m comment --comment \"ssh \\\"admins\\\"\" -j LOG --log-prefix \"x: \"",
            "  -A INPUT -s 1.2.3.4/32 -j DROP  ",
            "-A INPUT -m comment --comment 'a' -j ACCEPT",
        ] {
            assert!(plain_rule_line(0, 0, l).is_some(), "{l}");
        }
        for l in ["-A INPUT \\", "-A X -m comment --comment \"open", "iptables -A INPUT", "[1:x] -A INPUT"] {
            assert!(plain_rule_line(0, 0, l).is_none(), "{l}");
        }
    }

    proptest::proptest! {
        /// The fast path for plain rule lines cuts them exactly as the
        /// grammar does: same words, same spans.
        #[test]
        fn fast_path_agrees_with_the_grammar(line in "[ \t]{0,2}(\\[[0-9]{1,3}:[0-9]{1,3}\\] ?)?-[-A-Za-z0-9 \t.:/,!+=_\"'#\\\\]{0,60}") {
            let Some(fast) = plain_rule_line(0, 0, &line) else { return Ok(()) };
            let mut lines = Vec::new();
            let mut diags = Vec::new();
            lex_grammar(0, &line, 0, &mut lines, &mut diags);
            proptest::prop_assert!(diags.is_empty(), "{:?}", diags);
            proptest::prop_assert_eq!(vec![fast], lines);
        }
    }
}
