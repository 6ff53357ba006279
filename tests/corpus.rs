//! The corpus: every case in `corpus/<case>/`, in every form it comes in
//! (`rules.sh`, `rules.v4`, `rules.v6`), must
//! - parse without error and print exactly `expected.v4` / `expected.v6`,
//!   which `corpus/regen.sh` recorded from the real kernel;
//! - round-trip: parse -> save -> parse gives the same rule set;
//! - and, as root (always in CI), load into a fresh namespace through the
//!   real iptables tools and list exactly what fwcheck prints.

mod common;
use common::netns::{kernel_tests_enabled, strip_save_comments, Netns};
use fwcheck::ir::save::{save, SaveOptions};
use fwcheck::ir::{Family, Ruleset};
use fwcheck::load::{load_str, LoadOptions};
use std::path::{Path, PathBuf};

struct Input {
    case: String,
    path: PathBuf,
    /// Families this form holds.
    families: Vec<Family>,
}

fn inputs() -> Vec<Input> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("corpus").expect("corpus/").filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    let mut out = Vec::new();
    for d in dirs {
        let case = d.file_name().unwrap().to_string_lossy().to_string();
        for (file, fams) in [("rules.sh", vec![Family::Ipv4, Family::Ipv6]), ("rules.v4", vec![Family::Ipv4]), ("rules.v6", vec![Family::Ipv6])] {
            let p = d.join(file);
            if p.exists() {
                out.push(Input { case: case.clone(), path: p, families: fams });
            }
        }
    }
    out
}

fn expected(case: &str, fam: Family) -> String {
    let f = Path::new("corpus").join(case).join(if fam == Family::Ipv4 { "expected.v4" } else { "expected.v6" });
    std::fs::read_to_string(f).unwrap_or_default()
}

fn load(path: &Path) -> Ruleset {
    let text = std::fs::read_to_string(path).expect("readable");
    let name = path.display().to_string();
    let (sources, loaded) = load_str(&name, &text, &LoadOptions::default());
    let errs: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.short(&sources)).collect();
    assert!(errs.is_empty(), "{name} does not parse:\n{}", errs.join("\n"));
    loaded.ruleset.expect("no errors, so a rule set")
}

#[test]
fn corpus_has_the_cases_the_issue_asks_for() {
    let ins = inputs();
    assert!(ins.iter().any(|i| i.case == "seed" && i.path.ends_with("rules.sh")), "the tutorial's rule set is in corpus/seed/rules.sh");
    let big = load(Path::new("corpus/generated/rules.v4"));
    let chains = big.tables.iter().flat_map(|t| &t.chains).filter(|c| !c.is_builtin()).count();
    assert!(big.rule_count() >= 2000 && chains >= 100, "generated: {} rules, {chains} user chains", big.rule_count());
}

#[test]
fn corpus_prints_what_the_kernel_listed() {
    let mut bad = Vec::new();
    for i in inputs() {
        let rs = load(&i.path);
        for &fam in &i.families {
            let got = save(&rs, fam, SaveOptions::default());
            let want = expected(&i.case, fam);
            if got != want {
                let diff = similar::TextDiff::from_lines(&want, &got).unified_diff().header("kernel (expected)", "fwcheck").to_string();
                bad.push(format!("{} ({:?}):\n{diff}", i.path.display(), fam));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Spans and how chains came to exist differ between a script and its save
/// form by design, and the save form lists every built-in chain, created or
/// not; everything else must survive the round trip.
fn normalized(mut rs: Ruleset) -> Ruleset {
    for t in &mut rs.tables {
        for hook in t.name.builtin_chains() {
            if t.chain(hook.as_str()).is_none() {
                t.chains.push(fwcheck::ir::Chain {
                    name: hook.as_str().into(),
                    hook: Some(*hook),
                    policy: Some(fwcheck::ir::Policy::Accept),
                    counters: Default::default(),
                    origin: fwcheck::ir::Origin::Restore,
                    rules: vec![],
                    span: None,
                });
            }
        }
        for c in &mut t.chains {
            c.span = None;
            c.origin = fwcheck::ir::Origin::Restore;
            for r in &mut c.rules {
                r.span = Default::default();
            }
        }
        // Save lists user chains sorted; creation order is not kept.
        t.chains.sort_by(|a, b| (a.hook.is_none(), a.hook, &a.name).cmp(&(b.hook.is_none(), b.hook, &b.name)));
    }
    rs
}

#[test]
fn corpus_round_trips() {
    for i in inputs() {
        let rs = load(&i.path);
        let mut again = Ruleset::default();
        for fam in rs.families() {
            let text = save(&rs, fam, SaveOptions { counters: true });
            let opts = LoadOptions { save_family: Some(fam), netns: None, lenient: false };
            let (sources, loaded) = load_str("saved", &text, &opts);
            let Some(r2) = loaded.ruleset else {
                panic!("{}: saved form does not parse: {:?}", i.path.display(), loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>())
            };
            again.tables.extend(r2.tables);
        }
        let (a, b) = (format!("{:#?}", normalized(rs)), format!("{:#?}", normalized(again)));
        if a != b {
            let diff = similar::TextDiff::from_lines(&a, &b).unified_diff().context_radius(8).header("parsed", "parsed again").to_string();
            panic!("{}: parse -> save -> parse changed the rule set:\n{diff}", i.path.display());
        }
    }
}

/// Loads one corpus input into a namespace with the real tools.
fn kernel_load(ns: &Netns, i: &Input) -> Result<(), String> {
    let dir = i.path.parent().unwrap();
    let ipsets = dir.join("ipsets");
    if ipsets.exists() {
        let o = ns.run("bash", &["-e", &ipsets.display().to_string()], None);
        if !o.status.success() {
            return Err(format!("ipsets: {}", String::from_utf8_lossy(&o.stderr)));
        }
    }
    let text = std::fs::read_to_string(&i.path).unwrap();
    let o = match i.path.extension().and_then(|e| e.to_str()) {
        Some("sh") => {
            // The tutorial's `$ ` prompts and `sudo` are for people.
            let script: String = text
                .lines()
                .map(|l| {
                    let t = l.trim_start();
                    let t = t.strip_prefix("$ ").unwrap_or(t);
                    format!("{}\n", t.strip_prefix("sudo ").unwrap_or(t))
                })
                .collect();
            ns.run("bash", &["-e"], Some(&script))
        }
        Some("v4") => ns.run("iptables-restore", &[], Some(&text)),
        _ => ns.run("ip6tables-restore", &[], Some(&text)),
    };
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).to_string());
    }
    Ok(())
}

#[test]
fn corpus_matches_the_kernel() {
    if !kernel_tests_enabled("corpus_matches_the_kernel") {
        return;
    }
    let mut bad = Vec::new();
    for i in inputs() {
        let ns = Netns::new("corpus");
        if let Err(e) = kernel_load(&ns, &i) {
            bad.push(format!("{}: the kernel refused it: {e}", i.path.display()));
            continue;
        }
        let rs = load(&i.path);
        for &fam in &i.families {
            let prog = if fam == Family::Ipv4 { "iptables-save" } else { "ip6tables-save" };
            let kernel = strip_save_comments(&String::from_utf8_lossy(&ns.run(prog, &[], None).stdout));
            let ours = save(&rs, fam, SaveOptions::default());
            if kernel != ours {
                let diff = similar::TextDiff::from_lines(&kernel, &ours).unified_diff().header("kernel", "fwcheck").to_string();
                bad.push(format!("{} ({:?}):\n{diff}", i.path.display(), fam));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
