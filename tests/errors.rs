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

#[test]
fn old_negation_is_accepted_with_a_warning() {
    let (sources, loaded) = load_str("old.v4", "*filter\n-A INPUT -s ! 10.0.0.1 -j DROP\nCOMMIT\n", &LoadOptions::default());
    let rs = loaded.ruleset.expect("accepted");
    let w: Vec<String> = loaded.diagnostics.iter().map(|d| d.short(&sources)).collect();
    assert_eq!(w, ["old.v4:2:13: warning[parse::intrapositioned-negation]: `!` after the option is deprecated"]);
    assert_eq!(fwcheck::ir::save::save(&rs, fwcheck::ir::Family::Ipv4, Default::default()).lines().nth(4), Some("-A INPUT ! -s 10.0.0.1/32 -j DROP"));
}

#[test]
fn crlf_and_trailing_spaces_are_accepted() {
    let (_, loaded) =
        load_str("win.v4", "*filter  \r\n:INPUT DROP [0:0]   \r\n-A INPUT -p tcp --dport 22 -j ACCEPT  \r\nCOMMIT  \r\n", &LoadOptions::default());
    let rs = loaded.ruleset.expect("accepted");
    let text = fwcheck::ir::save::save(&rs, fwcheck::ir::Family::Ipv4, Default::default());
    assert!(text.contains(":INPUT DROP [0:0]\n") && text.contains("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"), "{text}");
}
