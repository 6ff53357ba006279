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
    let (sources, loaded) = load_str(&case.file, &text, &LoadOptions { save_family: Some(fam), netns: None, lenient: false });
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

/// Saving is a fixed point: what fwcheck prints for a case parses back to a
/// rule that prints the same. (The IR itself may differ where iptables-save
/// loses information, as `--icmp-type 3/1:2` printed as `3/1`; the corpus
/// test checks IR equality on realistic files.)
/// Cases where the real iptables-save prints something the real
/// iptables-restore refuses, so no round trip is possible: fwcheck prints
/// what iptables-save prints.
const SAVE_NOT_RESTORABLE: &[(&str, &str)] = &[
    ("SNAT.t:20", "SNAT --to-source IP:80-90/100 is saved with a base port /0, which restore refuses"),
    ("generic.t:41", "an interface name with a space is saved unquoted"),
    ("recent.t:21", "a recent list name with a space is saved unquoted"),
];

#[test]
fn ext_cases_save_is_a_fixed_point() {
    let cases = read_all(Path::new("tests/ext"));
    let mut bad = Vec::new();
    for c in cases.iter().filter(|c| c.expected.is_some()) {
        if SAVE_NOT_RESTORABLE.iter().any(|(at, _)| *at == format!("{}:{}", c.file, c.line)) {
            continue;
        }
        let fam = if c.ipv6 { Family::Ipv6 } else { Family::Ipv4 };
        let opts = LoadOptions { save_family: Some(fam), netns: None, lenient: false };
        let setup: String = c.setup.iter().map(|s| format!("{s}\n")).collect();
        let (_, first) = load_str(&c.file, &format!("{setup}{}", c.restore_text()), &opts);
        let Some(rs) = first.ruleset else { continue };
        let saved = save(&rs, fam, SaveOptions::default());
        let (_, again) = load_str("saved", &format!("{setup}{saved}"), &opts);
        match again.ruleset {
            Some(rs2) if save(&rs2, fam, SaveOptions::default()) == saved => {}
            Some(rs2) => bad.push(format!("{}\n    first:  {saved}\n    again:  {}", c.name(), save(&rs2, fam, SaveOptions::default()))),
            None => bad.push(format!("{}: the saved form does not parse:\n{saved}", c.name())),
        }
    }
    assert!(bad.is_empty(), "{} cases print differently after a round trip:\n{}", bad.len(), bad.join("\n"));
}
