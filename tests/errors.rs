//! Malformed inputs: each must give its error at the right line and column,
//! with a message and a hint, and never a panic. Regression cases are named
//! after what they pin.

mod common;
use common::error_cases::CASES;
use fwcheck::diag::Diagnostic;
use fwcheck::load::{load_str, LoadOptions};

fn diags(input: &str) -> (fwcheck::source::SourceMap, Vec<Diagnostic>) {
    let (sources, loaded) = load_str("input", input, &LoadOptions::default());
    (sources, loaded.diagnostics)
}

#[test]
fn each_malformed_input_gets_its_error_at_the_right_place() {
    assert!(CASES.len() >= 30);
    let mut bad = Vec::new();
    for (name, input, code, line, col, text) in CASES {
        let (sources, ds) = diags(input);
        let errs: Vec<&Diagnostic> = ds.iter().filter(|d| d.is_error()).collect();
        let Some(d) = errs.first() else {
            bad.push(format!("{name}: no error"));
            continue;
        };
        let (l, c) = sources.get(d.span.file).line_col(d.span.start);
        if d.code != *code || l != *line || c != *col || !d.message.contains(text) || d.help.is_none() {
            bad.push(format!(
                "{name}: want {code} at {line}:{col} containing {text:?} with a hint\n    got  {} at {l}:{c}: {:?} help={:?}",
                d.code, d.message, d.help
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn a_file_with_several_errors_reports_all_of_them() {
    let input = "iptables -A INPUT -p tcp --dport 99999\niptables -A INPUT -j NOPE\niptables -N ok\niptables -A INPUT -m comment --comment 'x\niptables -Q\n";
    let (sources, ds) = diags(input);
    let lines: Vec<usize> = ds.iter().filter(|d| d.is_error()).map(|d| sources.get(d.span.file).line_col(d.span.start).0).collect();
    assert_eq!(lines, vec![1, 2, 4, 5], "{:?}", ds.iter().map(|d| d.short(&sources)).collect::<Vec<_>>());
}

/// iptables-restore 1.8.9 refuses the pre-1.4.3 negation ("Bad argument
/// `10.0.0.1'"): an error by default, read with a warning under `--lenient`.
#[test]
fn old_negation_is_an_error_unless_lenient() {
    let text = "*filter\n-A INPUT -s ! 10.0.0.1 -j DROP\nCOMMIT\n";
    let (sources, loaded) = load_str("old.v4", text, &LoadOptions::default());
    assert!(loaded.ruleset.is_none());
    let e: Vec<String> = loaded.diagnostics.iter().map(|d| d.short(&sources)).collect();
    assert_eq!(e, ["old.v4:2:13: error[parse::intrapositioned-negation]: iptables 1.8.9 refuses `!` after the option (the pre-1.4.3 form)"]);
    let (sources, loaded) = load_str("old.v4", text, &LoadOptions { lenient: true, ..LoadOptions::default() });
    let rs = loaded.ruleset.expect("accepted");
    let w: Vec<String> = loaded.diagnostics.iter().map(|d| d.short(&sources)).collect();
    assert_eq!(w, ["old.v4:2:13: warning[parse::intrapositioned-negation]: iptables 1.8.9 refuses `!` after the option (the pre-1.4.3 form)"]);
    assert_eq!(fwcheck::ir::save::save(&rs, fwcheck::ir::Family::Ipv4, Default::default()).lines().nth(4), Some("-A INPUT ! -s 10.0.0.1/32 -j DROP"));
}

/// What iptables-restore 1.8.9 refuses though the grammar reads it (each
/// recorded from the real tools in tests/kernel_errors.rs): an error at
/// the line, read with a warning under `--lenient`.
#[test]
fn forms_iptables_restore_refuses_are_errors_unless_lenient() {
    let long_word = "x".repeat(1024);
    // `-A INPUT`, 62 comments of four words, `-j ACCEPT`: 252 words.
    let many: String = (0..62).map(|_| " -m comment --comment x").collect::<String>() + " -j ACCEPT";
    let cases: Vec<(&str, String, &str, usize)> = vec![
        ("crlf", "*filter  \r\n:INPUT DROP [0:0]   \r\n-A INPUT -p tcp --dport 22 -j ACCEPT  \r\nCOMMIT\r\n".into(), "load::crlf", 1),
        ("commit with a blank", "*filter\n-A INPUT -j ACCEPT\nCOMMIT \n".into(), "load::commit-blank", 3),
        ("commit with a tab", "*filter\n-A INPUT -j ACCEPT\nCOMMIT\t\n".into(), "load::commit-blank", 3),
        ("commit with a comment", "*filter\n-A INPUT -j ACCEPT\nCOMMIT # done\n".into(), "load::commit-blank", 3),
        ("252 words", format!("*filter\n-A INPUT{many}\nCOMMIT\n"), "load::too-many-words", 2),
        ("a word of 1024 bytes", format!("*filter\n-A INPUT -m comment --comment {long_word}\nCOMMIT\n"), "load::word-too-long", 2),
        (
            "a line of 10240 bytes",
            format!("*filter\n-A INPUT -m comment --comment {} -j ACCEPT\nCOMMIT\n", vec!["y".repeat(1000); 11].join(" -m comment --comment ")),
            "load::line-too-long",
            2,
        ),
    ];
    for (name, text, code, line) in cases {
        let (sources, loaded) = load_str("f.v4", &text, &LoadOptions::default());
        let d = loaded.diagnostics.iter().find(|d| d.code == code).unwrap_or_else(|| panic!("{name}: no {code}"));
        assert!(d.is_error() && loaded.ruleset.is_none(), "{name}");
        assert_eq!(sources.get(d.span.file).line_col(d.span.start).0, line, "{name}");
        assert!(d.help.is_some(), "{name}");
        let (_, loaded) = load_str("f.v4", &text, &LoadOptions { lenient: true, ..LoadOptions::default() });
        assert!(loaded.ruleset.is_some() && !loaded.diagnostics.iter().any(|d| d.is_error()), "{name} under --lenient");
    }
    // The limits themselves load: 251 words, 1023-byte words, `*filter `.
    // `-A INPUT -p tcp --syn`, 61 comments, `-j ACCEPT`: 251 words.
    let ok_words: String = (0..61).map(|_| " -m comment --comment x").collect();
    for text in [
        format!("*filter \n-A INPUT -p tcp --syn{ok_words} -j ACCEPT\nCOMMIT\n"),
        format!("*filter\n-A INPUT -m comment --comment {}\nCOMMIT\n", "x".repeat(1023)),
    ] {
        let (sources, loaded) = load_str("f.v4", &text, &LoadOptions::default());
        assert!(
            !loaded.diagnostics.iter().any(|d| d.code.starts_with("load::")),
            "{:?}",
            loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>()
        );
    }
}
