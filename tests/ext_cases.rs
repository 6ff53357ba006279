//! Every case of every `tests/ext/*.t` file through fwcheck: the rule must
//! print back exactly as the real iptables-save printed it when the case file
//! was written (and as `kernel_ext_cases` re-checks against the kernel), and
//! FAIL cases must be rejected with an error.

mod common;
use common::tcases::{read_all, Case};
use fwcheck::ir::save::{save, SaveOptions};
use fwcheck::ir::Family;
use fwcheck::load::{load_str, LoadOptions};
use std::path::Path;

/// fwcheck deliberately accepts the pre-1.4.3 `-s ! addr` negation that
/// iptables 1.8.9 rejects (DESIGN.md: "accepted with a warning"); such a
/// case counts as rejected when fwcheck warned about it.
const OLD_NEGATION: &str = "parse::intrapositioned-negation";

fn run(case: &Case) -> Result<Option<String>, String> {
    let fam = if case.ipv6 { Family::Ipv6 } else { Family::Ipv4 };
    // `%` setup commands (`ipset create ...`) go first, as script lines.
    let setup: String = case.setup.iter().map(|c| format!("{c}\n")).collect();
    let text = setup + &case.restore_text();
    let (sources, loaded) = load_str(&case.file, &text, &LoadOptions { save_family: Some(fam), netns: None });
    if case.expected.is_none() && loaded.diagnostics.iter().any(|d| d.code == OLD_NEGATION) {
        return Err("old negation".into());
    }
    match loaded.ruleset {
        None => Err(loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>().join("; ")),
        Some(rs) => {
            let text = save(&rs, fam, SaveOptions::default());
            let prefix = format!("-A {} ", case.chain);
            let bare = format!("-A {}", case.chain);
            let got: Vec<&str> = text.lines().filter(|l| l.starts_with(&prefix) || *l == bare).collect();
            Ok(got.first().map(|l| l.strip_prefix(&prefix).unwrap_or("").to_string()))
        }
    }
}

#[test]
fn ext_cases_print_like_iptables_save() {
    let mut cases = read_all(Path::new("tests/ext"));
    assert!(cases.len() > 300, "expected the case files, found {}", cases.len());
    // FWCHECK_T=tcp.t,udp.t runs only those files (while working on them).
    if let Ok(only) = std::env::var("FWCHECK_T") {
        let only: Vec<&str> = only.split(',').collect();
        cases.retain(|c| only.contains(&c.file.as_str()));
    }
    let mut bad = Vec::new();
    for c in &cases {
        match (&c.expected, run(c)) {
            (Some(want), Ok(Some(got))) if *want == got => {}
            (Some(want), Ok(got)) => bad.push(format!("{}\n    want: {want}\n    got:  {}", c.name(), got.unwrap_or_default())),
            (Some(want), Err(e)) => bad.push(format!("{}\n    want: {want}\n    error: {e}", c.name())),
            (None, Err(_)) => {}
            (None, Ok(got)) => bad.push(format!("{}\n    want: an error (iptables rejects it)\n    got:  {}", c.name(), got.unwrap_or_default())),
        }
    }
    assert!(bad.is_empty(), "{} of {} cases differ:\n{}", bad.len(), cases.len(), bad.join("\n"));
}
