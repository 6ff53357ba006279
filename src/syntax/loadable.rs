//! What the grammar reads but iptables-restore 1.8.9 refuses to load.
//!
//! fwcheck's grammar is forgiving, so that an old dump can still be read
//! for analysis; but "will this file load?" is the first question before a
//! deployment, so each form the real tools refuse is an error (unless a
//! command is given `--lenient`). Each message
//! names the tool that refuses the form and says what it accepts; each
//! case is recorded from iptables 1.8.9 in `tests/kernel_errors.rs`.

use super::lexer::{Item, Line};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// xshared.h's MAX_ARGC (255): `add_argv` refuses the argument that would
/// make `argc + 1 >= 255`, and restore puts the program name, `-t` and the
/// table before a line's words. So a line holds at most 251 words; with
/// `-c`, `[p:b]` adds `--set-counters P B` (248 then).
const MAX_WORDS: usize = 251;
const MAX_WORDS_WITH_COUNTERS: usize = 248;
/// `struct xt_param_buf`'s 1024-byte buffer, NUL included: "Parameter too
/// long!" for a word of 1024 bytes or more.
const MAX_WORD: usize = 1023;
/// iptables-restore reads lines with `fgets` into a 10240-byte buffer: a
/// longer line is cut, and its rest read as a line of its own.
const MAX_LINE: usize = 10239;

/// The codes of this module, and of the other forms the real tools refuse
/// that the parser reports. They are reported as warnings, so that the
/// parser still builds the rule; `load` makes them errors unless the
/// caller asked for `--lenient`. (`load::commit-eof` and
/// `load::counted-words` stay warnings: only one backend, or only
/// `iptables-restore -c`, refuses those.)
pub const CODES: &[&str] =
    &["load::crlf", "load::commit-blank", "load::too-many-words", "load::word-too-long", "load::line-too-long", "parse::intrapositioned-negation"];

/// The diagnostics for `lines`, lexed from the whole of `text`.
pub fn check<'a>(file: FileId, text: &str, lines: impl Iterator<Item = &'a Line>, out: &mut Vec<Diagnostic>) {
    crlf(file, text, out);
    let at = |s: Span| &text[s.start as usize..(s.end as usize).min(text.len())];
    for line in lines {
        match &line.item {
            Item::Commit => {
                let raw = at(line.span);
                let body = raw.strip_suffix('\r').unwrap_or(raw);
                if body != "COMMIT" {
                    out.push(
                        Diagnostic::warning("load::commit-blank", line.span, "iptables-restore 1.8.9 reads only a line that is exactly `COMMIT` as COMMIT")
                            .with_label("blanks or a comment on the COMMIT line")
                            .with_help("write `COMMIT` alone on its line: iptables-restore refuses this one with \"Bad argument `COMMIT'\""),
                    );
                } else if !text[line.span.end as usize..].starts_with(['\n', '\r']) {
                    out.push(
                        Diagnostic::warning("load::commit-eof", line.span, "iptables-legacy-restore 1.8.9 refuses a last COMMIT without a line end")
                            .with_help("end the file with a newline (iptables-nft-restore accepts it either way)"),
                    );
                }
            }
            Item::Words { counters, words } if counters.is_some() || words.first().is_some_and(|w| w.text.starts_with('-')) => {
                let raw = at(line.span);
                if raw.len() > MAX_LINE {
                    out.push(
                        Diagnostic::warning(
                            "load::line-too-long",
                            line.span,
                            format!("this line is {} bytes long; iptables-restore 1.8.9 reads lines of at most {MAX_LINE}", raw.len()),
                        )
                        .with_help("split the rule: iptables-restore reads the rest of the line as a line of its own"),
                    );
                }
                if words.len() > MAX_WORDS {
                    out.push(
                        Diagnostic::warning(
                            "load::too-many-words",
                            line.span,
                            format!("this line has {} words; iptables-restore 1.8.9 takes at most {MAX_WORDS}", words.len()),
                        )
                        .with_help("split the rule in two (it refuses this one with \"Parser cannot handle more arguments\")"),
                    );
                } else if counters.is_some() && words.len() > MAX_WORDS_WITH_COUNTERS {
                    out.push(
                        Diagnostic::warning(
                            "load::counted-words",
                            line.span,
                            format!("this line has {} words; `iptables-restore -c` 1.8.9 takes at most {MAX_WORDS_WITH_COUNTERS} after `[p:b]`", words.len()),
                        )
                        .with_help("load without `-c`, or split the rule"),
                    );
                }
                for w in words.iter().filter(|w| w.text.len() > MAX_WORD) {
                    out.push(
                        Diagnostic::warning(
                            "load::word-too-long",
                            w.span,
                            format!("this word is {} bytes long; iptables-restore 1.8.9 takes words of at most {MAX_WORD}", w.text.len()),
                        )
                        .with_help("shorten it (iptables-restore refuses it with \"Parameter too long!\")"),
                    );
                }
            }
            _ => {}
        }
    }
}

/// CRLF line ends, once per file: iptables-restore 1.8.9 keeps the CR as
/// part of the line (`*filter\r`: "table name 'filter\r' invalid";
/// `COMMIT\r`: "Bad argument"), and so does a shell running a script.
fn crlf(file: FileId, text: &str, out: &mut Vec<Diagnostic>) {
    let Some(first) = text.find("\r\n") else { return };
    let n = text.matches("\r\n").count();
    let line_start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let more = if n > 1 { format!(" (and {} more line{})", n - 1, if n == 2 { "" } else { "s" }) } else { String::new() };
    out.push(
        Diagnostic::warning(
            "load::crlf",
            Span::new(file, line_start, first + 1),
            format!("this line ends in CRLF{more}; iptables-restore 1.8.9 and the shell keep the CR as part of the line"),
        )
        .with_label("CR before the line end")
        .with_help("convert the line ends: `sed -i 's/\\r$//' FILE` (iptables-restore refuses `*filter\\r` with \"table name 'filter\\r' invalid\")"),
    );
}
