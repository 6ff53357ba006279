//! A large file is read in pieces, one per core (`syntax::parse_in_pieces`);
//! the statements and diagnostics must be exactly those of reading it
//! whole, however it is cut: at a table block's edge, inside a block whose
//! table the piece has to guess, next to a continued line or a quoted word
//! that holds a newline. `PROPTEST_CASES=60000` searches longer.

use fwcheck::ir::Family;
use fwcheck::syntax::{parse_in_pieces, Options};
use proptest::prelude::*;

fn same_in_pieces(text: &str) {
    for fam in [Family::Ipv4, Family::Ipv6] {
        let opts = Options { save_family: fam };
        let whole = parse_in_pieces(0, text, opts, 1);
        for pieces in 2..=6 {
            assert_eq!(parse_in_pieces(0, text, opts, pieces), whole, "{pieces} pieces of\n{text}");
        }
    }
}

#[test]
fn every_corpus_rule_file_reads_the_same_in_pieces() {
    let mut seen = 0;
    for dir in std::fs::read_dir("corpus").unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()) {
        for f in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()) {
            if f.extension().is_some_and(|e| e == "v4" || e == "v6" || e == "sh" || e == "rules") {
                same_in_pieces(&std::fs::read_to_string(&f).unwrap());
                seen += 1;
            }
        }
    }
    assert!(seen >= 10, "only {seen} corpus rule files");
}

/// Lines whose reading depends on the block they are in (DNAT exists only
/// in nat), that open and close blocks, continue onto the next line, or
/// hold multi-byte characters where a cut may fall.
const LINES: &[&str] = &[
    "*filter",
    "*nat",
    "*mangle",
    "*bogus",
    "COMMIT",
    ":INPUT ACCEPT [0:0]",
    ":PREROUTING ACCEPT [0:0]",
    ":X - [0:0]",
    "-A INPUT -p tcp --dport 22 -j ACCEPT",
    "-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2",
    "-A INPUT -s 10.0.0.0/8 \\",
    "  -j DROP",
    "[3:180] -A INPUT -i eth0 -j ACCEPT",
    "[bad -A INPUT",
    "# *nat in a comment",
    "-A X -m comment --comment \"é *nat \\\" COMMIT\" -j RETURN",
    "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE",
    "-A INPUT -m unknownmatch --foo -j ACCEPT",
    "-A INPUT -j",
    "",
    "   ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_mix_of_lines_reads_the_same_in_pieces(picks in proptest::collection::vec(0..LINES.len(), 0..60), crlf in any::<bool>()) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let text: String = picks.iter().map(|&i| format!("{}{nl}", LINES[i])).collect();
        same_in_pieces(&text);
    }

    /// Text from the characters that matter to cutting and lexing: line
    /// ends (CR too), continuations, quotes, comments, headers, counters,
    /// and a two-byte character a cut may fall inside.
    #[test]
    fn any_text_reads_the_same_in_pieces(chars in proptest::collection::vec(proptest::sample::select(vec![
        'a', 'A', '-', ' ', '\n', '\n', '\r', '\\', '"', '\'', '*', '#', '[', ']', ':', 'é', '0', '1', '!',
    ]), 0..300)) {
        same_in_pieces(&chars.into_iter().collect::<String>());
    }
}
