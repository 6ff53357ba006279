//! Rule sets as the tools people use generate them (`corpus/real/`: ufw,
//! ferm, shorewall, fail2ban, firehol, each made by the real Debian package
//! in a throwaway namespace; see corpus/real/README.md) through every
//! command, against the kernel:
//! - the kernel loads each one (with its ipsets), and `fwcheck parse`
//!   prints exactly what iptables-nft-save then prints;
//! - `fwcheck lint --format json` gives a document (exit 0 or 1);
//! - `fwcheck translate --format json` either loads with `nft -j -f` and is
//!   proved equivalent (`fwcheck equiv`) to what the kernel lists, or
//!   refuses with every refusal naming its rule;
//! - `fwcheck apply` loads it, and the namespace then saves the same.

mod common;
use common::netns::{kernel_tests_enabled, strip_save_comments, Netns};
use std::path::{Path, PathBuf};

fn rule_sets(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if p.is_dir() && name != "generated" && name != "input" {
            rule_sets(&p, out);
        } else if name.starts_with("rules") && (name.ends_with(".v4") || name.ends_with(".v6")) {
            out.push(p);
        }
    }
}

/// The tool's ipsets (`generated/ipset.save` in the tool's folder), if any.
fn ipsets(file: &Path) -> Option<String> {
    file.ancestors().skip(1).take_while(|d| !d.ends_with("real")).find_map(|d| std::fs::read_to_string(d.join("generated/ipset.save")).ok())
}

/// A fresh namespace holding the file's ipsets.
fn lab(file: &Path) -> Netns {
    let ns = Netns::new("real");
    if let Some(sets) = ipsets(file) {
        let o = ns.run("ipset", &["restore"], Some(&sets));
        assert!(o.status.success(), "ipset restore: {}", String::from_utf8_lossy(&o.stderr));
    }
    ns
}

fn saved(ns: &Netns, v6: bool) -> String {
    let o = ns.run(if v6 { "ip6tables-nft-save" } else { "iptables-nft-save" }, &[], None);
    assert!(o.status.success(), "save: {}", String::from_utf8_lossy(&o.stderr));
    strip_save_comments(&String::from_utf8_lossy(&o.stdout))
}

#[test]
fn real_rule_sets_go_through_every_command() {
    if !kernel_tests_enabled("real_rule_sets_go_through_every_command") {
        return;
    }
    let mut files = Vec::new();
    rule_sets(Path::new("corpus/real"), &mut files);
    files.sort();
    assert!(files.len() >= 15, "corpus/real holds {} rule sets", files.len());
    let dir = std::env::temp_dir().join(format!("fwck-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (mut bad, mut proved, mut refused) = (Vec::new(), 0, 0);
    for file in &files {
        let f = file.to_str().unwrap_or_default();
        let v6 = f.ends_with(".v6");
        let fam: &[&str] = if v6 { &["-6"] } else { &[] };
        let text = std::fs::read_to_string(file).expect("read");
        let ns = lab(file);
        let o = ns.run(if v6 { "ip6tables-nft-restore" } else { "iptables-nft-restore" }, &[], Some(&text));
        if !o.status.success() {
            bad.push(format!("{f}: the kernel refuses it: {}", String::from_utf8_lossy(&o.stderr)));
            continue;
        }
        let kernel = saved(&ns, v6);
        let (parsed, err, code) = common::fwcheck(&[&["parse", f], fam].concat(), None);
        if code != 0 {
            bad.push(format!("{f}: fwcheck parse refuses it:\n{err}"));
            continue;
        }
        if parsed != kernel {
            let diff = similar::TextDiff::from_lines(&kernel, &parsed).unified_diff().header("iptables-nft-save", "fwcheck parse").to_string();
            bad.push(format!("{f}: fwcheck parse prints what the kernel does not:\n{diff}"));
        }
        let (json, _, code) = common::fwcheck(&[&["lint", f, "--format", "json"], fam].concat(), None);
        if !(code == 0 || code == 1) || serde_json::from_str::<serde_json::Value>(&json).is_err() {
            bad.push(format!("{f}: lint --format json exits {code} with {json:?}"));
        }
        let (tx, err, code) = common::fwcheck(&[&["translate", f, "--format", "json"], fam].concat(), None);
        if code == 0 {
            let o = ns.run("sh", &["-c", "nft flush ruleset && nft -j -f - && nft -j list ruleset"], Some(&tx));
            let listed = dir.join(format!("{}.json", f.replace('/', "_")));
            std::fs::write(&listed, &o.stdout).expect("write");
            let (eq, eq_err, code) = common::fwcheck(&[&["equiv", f, listed.to_str().unwrap_or_default()], fam].concat(), None);
            if !o.status.success() {
                bad.push(format!("{f}: nft -j -f refuses the translation: {}", String::from_utf8_lossy(&o.stderr)));
            } else if code != 0 {
                bad.push(format!("{f}: the kernel's listing of the translation is not proved equivalent:\n{eq}{eq_err}"));
            } else {
                proved += 1;
            }
        } else {
            // Every error is a refusal naming its rule, never something else.
            let is_code = |l: &str| {
                l.split_once("::").is_some_and(|(a, b)| {
                    !a.is_empty() && a.bytes().all(|c| c.is_ascii_lowercase()) && !b.is_empty() && b.bytes().all(|c| c.is_ascii_lowercase() || c == b'-')
                })
            };
            let others: Vec<&str> = err.lines().filter(|l| is_code(l) && *l != "translate::untranslatable" && *l != "parse::opaque-match").collect();
            if code != 2 || !err.contains("translate::untranslatable") || !others.is_empty() {
                bad.push(format!("{f}: translate fails otherwise than by naming untranslatable rules ({code}):\n{err}"));
            }
            refused += 1;
        }
        // apply into a namespace of its own.
        let target = lab(file);
        let (_, err, code) = common::fwcheck(&[&["apply", f, "--netns", &target.name], fam].concat(), None);
        if code != 0 {
            bad.push(format!("{f}: apply fails: {err}"));
        } else if saved(&target, v6) != kernel {
            bad.push(format!("{f}: after apply the namespace saves otherwise than after iptables-nft-restore"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{} real rule sets: {proved} translated and proved equivalent, {refused} refused by translate with the rules named", files.len());
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}
