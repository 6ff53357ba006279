//! Parsing never panics, whatever the input: random bytes, and real rule
//! lines (from the corpus and the .t case files) cut, spliced and shuffled.
//! A bounded fuzz run on every `cargo test`; raise PROPTEST_CASES to search
//! longer.

use fwcheck::ir::Family;
use fwcheck::load::{load_str, LoadOptions};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Lines people really write, to mutate.
fn seed_lines() -> &'static Vec<String> {
    static L: OnceLock<Vec<String>> = OnceLock::new();
    L.get_or_init(|| {
        let mut v = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("tests/ext")];
        if let Ok(rd) = std::fs::read_dir("corpus") {
            dirs.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()));
        }
        for d in dirs {
            for f in std::fs::read_dir(d).into_iter().flatten().filter_map(|e| e.ok()) {
                let p = f.path();
                if p.to_string_lossy().contains("generated") {
                    continue;
                }
                if let Ok(t) = std::fs::read_to_string(&p) {
                    for l in t.lines() {
                        // .t cases: the rule part, as a restore line.
                        let l = l.split(';').next().unwrap_or(l);
                        v.push(if l.starts_with('-') && !l.starts_with("-A") { format!("-A INPUT {l}") } else { l.to_string() });
                    }
                }
            }
        }
        v
    })
}

const TOKENS: &[&str] = &[
    "!",
    "-A",
    "-I",
    "-D",
    "-R",
    "-N",
    "-X",
    "-F",
    "-P",
    "-Z",
    "-E",
    "-t",
    "nat",
    "mangle",
    "raw",
    "INPUT",
    "OUTPUT",
    "FORWARD",
    "PREROUTING",
    "-j",
    "-g",
    "-m",
    "tcp",
    "udp",
    "icmp",
    "--dport",
    "--sport",
    "-p",
    "-s",
    "-d",
    "-i",
    "-o",
    "0",
    "65535",
    "65536",
    ":",
    ",",
    "/",
    "\"",
    "'",
    "\\",
    "#",
    "*filter",
    ":X - [0:0]",
    "COMMIT",
    "[1:2]",
    "-c",
    "--comment",
    "--to-destination",
    "1.2.3.4",
    "::1",
    "eth+",
    "ACCEPT",
    "DROP",
    "RETURN",
    "X",
    "--tcp-flags",
    "SYN,ACK",
    "ALL",
    "--state",
    "NEW",
    "--ctstate",
    "--mark",
    "0x1/0xff",
    "--log-prefix",
    "--reject-with",
    "-4",
    "-6",
];

fn mutate(line: &str, ops: &[(u8, usize, usize)]) -> String {
    let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
    for &(op, a, b) in ops {
        let n = words.len().max(1);
        match op % 5 {
            0 if !words.is_empty() => {
                words.remove(a % n);
            }
            1 => words.insert(a % (words.len() + 1), TOKENS[b % TOKENS.len()].to_string()),
            2 if words.len() > 1 => words.swap(a % n, b % n),
            3 => {
                if let Some(w) = words.get_mut(a % n) {
                    let cut = (b % (w.len() + 1)).min(w.len());
                    if w.is_char_boundary(cut) {
                        w.truncate(cut);
                    }
                }
            }
            _ => words.insert(a % (words.len() + 1), words.get(b % n).cloned().unwrap_or_default()),
        }
    }
    words.join(" ")
}

/// 2,000 per run by default; `PROPTEST_CASES=100000` searches longer.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
}

fn must_not_panic(text: &str) {
    for fam in [Family::Ipv4, Family::Ipv6] {
        let _ = load_str("fuzz", text, &LoadOptions { save_family: Some(fam), netns: None, lenient: false });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        must_not_panic(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_real_lines(picks in proptest::collection::vec((any::<usize>(), proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..6)), 1..12), block in any::<bool>()) {
        let lines = seed_lines();
        let mut text = String::new();
        if block {
            text.push_str("*filter\n:X - [0:0]\n");
        }
        for (i, ops) in &picks {
            text.push_str(&mutate(&lines[i % lines.len()], ops));
            text.push('\n');
        }
        if block {
            text.push_str("COMMIT\n");
        }
        must_not_panic(&text);
    }

    /// Lab scripts and TOML scenarios: the tutorial's lines and the corpus
    /// scenarios' lines, mutated the same way.
    #[test]
    fn mutated_scenarios(picks in proptest::collection::vec((any::<usize>(), proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..6)), 1..16)) {
        let lines = scenario_lines();
        let mut text = String::new();
        for (i, ops) in &picks {
            text.push_str(&mutate(&lines[i % lines.len()], ops));
            text.push('\n');
        }
        let mut sm = fwcheck::source::SourceMap::new();
        let _ = fwcheck::scenario::from_script(&mut sm, fwcheck::source::Source::new("fuzz.sh", text.clone()));
        let read = |_: &str| Err(std::io::Error::other("no files in the fuzz"));
        let _ = fwcheck::scenario::from_toml(&mut sm, fwcheck::source::Source::new("fuzz.toml", text), "", &read);
    }
}

/// The lines of the tutorial's lab script and of every corpus scenario.
fn scenario_lines() -> &'static Vec<String> {
    static L: OnceLock<Vec<String>> = OnceLock::new();
    L.get_or_init(|| {
        let mut v = Vec::new();
        let mut files = vec![std::path::PathBuf::from("corpus/scenarios/seed/tutorial.sh")];
        if let Ok(rd) = std::fs::read_dir("corpus/scenarios") {
            files.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")));
        }
        for f in files {
            v.extend(std::fs::read_to_string(f).unwrap_or_default().lines().map(str::to_string));
        }
        v
    })
}
