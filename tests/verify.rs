//! The kernel is the judge: every scenario in `corpus/scenarios/` is run
//! for real by `fwcheck verify` (lab namespaces, rules loaded as their
//! files load them, real traffic) on both iptables backends and, translated
//! by fwcheck, on native nft, and the
//! kernel's counters must equal the prediction. A scenario fwcheck
//! deliberately mispredicts must fail with a readable diff.

mod common;

use common::netns::kernel_tests_enabled;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static RUN: AtomicU32 = AtomicU32::new(0);

fn scenarios(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).expect("read corpus/scenarios").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            scenarios(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

/// Runs `fwcheck verify` with namespaces no other test uses.
fn verify(path: &Path, backend: &str, extra: &[&str]) -> (i32, String) {
    let n = RUN.fetch_add(1, Ordering::SeqCst);
    let prefix = format!("fwck-v{}-{n}-", std::process::id());
    let out = Command::new(env!("CARGO_BIN_EXE_fwcheck"))
        .arg("verify")
        .arg(path)
        .args(["--backend", backend, "--prefix", &prefix])
        .args(extra)
        .output()
        .expect("run fwcheck");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let left: Vec<String> = std::fs::read_dir("/run/netns")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(&prefix)).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "verify left namespaces behind: {left:?}");
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn every_corpus_scenario_verifies_on_every_backend() {
    if !kernel_tests_enabled("every_corpus_scenario_verifies_on_every_backend") {
        return;
    }
    let mut all = Vec::new();
    scenarios(Path::new("corpus/scenarios"), &mut all);
    assert!(all.len() >= 25, "the corpus has {} scenarios", all.len());
    // Every backend the scenario says it runs on (`backends`, default all).
    let backends = |p: &Path| -> Vec<String> {
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v.get("backends").and_then(|b| b.as_array()).map_or_else(
            || vec!["iptables-nft".into(), "iptables-legacy".into(), "nft".into()],
            |a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        )
    };
    let jobs: Vec<(PathBuf, String)> = all.iter().flat_map(|p| backends(p).into_iter().map(|b| (p.clone(), b))).collect();
    // Two at a time: each run mostly waits for packets.
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<Vec<(PathBuf, String)>> = (0..2).map(|k| jobs.iter().skip(k).step_by(2).cloned().collect()).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for (p, b) in chunk {
                        let (code, out) = verify(&p, &b, &[]);
                        if code != 0 || !out.contains("verify: ok") {
                            bad.push(format!("{} --backend {b} (exit {code}):\n{out}", p.display()));
                        }
                    }
                    bad
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    });
    assert!(failures.is_empty(), "{} of {} runs differ from the kernel:\n{}", failures.len(), jobs.len(), failures.join("\n"));
}

#[test]
fn a_misprediction_fails_with_a_diff() {
    if !kernel_tests_enabled("a_misprediction_fails_with_a_diff") {
        return;
    }
    let (code, out) = verify(Path::new("tests/scenarios/icmp-ratelimit.toml"), "iptables-nft", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("--- predicted\n+++ kernel\n"), "{out}");
    // fwcheck predicts 10 port unreachables; the kernel's rate limit lets
    // 6 through (a burst of 6 per peer).
    assert!(out.contains("-      10      640            1"), "{out}");
    assert!(out.contains("+       6      384            1"), "{out}");
    assert!(out.contains("\nverify: MISMATCH: the kernel's counters differ from the prediction (backend iptables-nft, 10 flows)\n"), "{out}");
    // The scenario puts the rate limit back that the lab switches off, and
    // is told that fwcheck does not model it.
    assert!(out.contains("scenario::unmodelled-sysctl"), "{out}");
}

#[test]
fn the_tutorial_script_is_a_scenario() {
    if !kernel_tests_enabled("the_tutorial_script_is_a_scenario") {
        return;
    }
    let (code, out) = verify(Path::new("corpus/scenarios/seed/tutorial.sh"), "iptables-nft", &["--flow", "ping 192.168.1.1 -> 192.168.2.1 count 3"]);
    assert_eq!(code, 0, "{out}");
}

/// `iptables -Z` on iptables-nft gives a base chain that `-A` created a
/// policy counter (measured with iptables 1.8.9): after it, the policy
/// counts; fwcheck predicts it, and the kernel agrees.
#[test]
fn zeroing_gives_an_nft_base_chain_a_policy_counter() {
    if !kernel_tests_enabled("zeroing_gives_an_nft_base_chain_a_policy_counter") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("fwck-zero-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sc = dir.join("zero.toml");
    std::fs::write(
        &sc,
        r#"traffic = ["ping 10.0.0.1 -> 10.0.0.2 count 2"]
[[netns]]
name = "a"
addresses = ["eth0 10.0.0.1/24"]
[[netns]]
name = "b"
addresses = ["eth0 10.0.0.2/24"]
rules_text = """
iptables -A INPUT -s 192.0.2.1
iptables -A OUTPUT -s 192.0.2.1
iptables -Z INPUT
"""
[[veth]]
ends = ["a:eth0", "b:eth0"]
"#,
    )
    .expect("write scenario");
    let (code, out) = verify(&sc, "iptables-nft", &[]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Chain INPUT (policy ACCEPT 2 packets, 168 bytes)"), "{out}");
    assert!(out.contains("Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)"), "{out}");
}

/// `fwcheck lab up` builds namespaces `ip netns` knows and can use (the
/// tutorial's ping works between them); `lab down` removes them.
#[test]
fn lab_up_builds_what_ip_netns_uses_and_down_removes_it() {
    if !kernel_tests_enabled("lab_up_builds_what_ip_netns_uses_and_down_removes_it") {
        return;
    }
    let prefix = format!("fwck-lab{}-", std::process::id());
    let sc = "corpus/scenarios/seed/seed.toml";
    let fw = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_fwcheck")).args(args).output().expect("run fwcheck");
    let up = fw(&["lab", "up", sc, "--prefix", &prefix]);
    let t1 = format!("{prefix}test-1");
    let ping = Command::new("ip").args(["netns", "exec", &t1, "ping", "-c", "1", "-W", "2", "192.168.2.1"]).output().expect("ping");
    let addr = Command::new("ip").args(["netns", "exec", &t1, "ip", "-br", "addr", "show", "eth0"]).output().expect("ip addr");
    let down = fw(&["lab", "down", sc, "--prefix", &prefix]);
    let left =
        std::fs::read_dir("/run/netns").map(|d| d.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with(&prefix)).count()).unwrap_or(0);
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    assert_eq!(String::from_utf8_lossy(&up.stdout), format!("{prefix}test-1\n{prefix}test-2\n"));
    assert!(ping.status.success(), "ping between the lab's namespaces failed: {}", String::from_utf8_lossy(&ping.stdout));
    assert!(String::from_utf8_lossy(&addr.stdout).contains("192.168.1.1/24"), "{}", String::from_utf8_lossy(&addr.stdout));
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
    assert_eq!(left, 0, "lab down left namespaces behind");
}

/// Ctrl-C in the middle of a verify removes the lab.
#[test]
fn an_interrupted_verify_removes_its_lab() {
    if !kernel_tests_enabled("an_interrupted_verify_removes_its_lab") {
        return;
    }
    let prefix = format!("fwck-int{}-", std::process::id());
    // Ten pings into a DROP: each waits for its reply, so the run lasts
    // seconds, long enough to be interrupted while the lab is up.
    let child = Command::new(env!("CARGO_BIN_EXE_fwcheck"))
        .args(["verify", "corpus/scenarios/drop-policy.toml", "--prefix", &prefix, "--flow", "ping 10.0.0.1 -> 10.0.0.2 count 10"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run fwcheck");
    let count = || {
        std::fs::read_dir("/run/netns").map(|d| d.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with(&prefix)).count()).unwrap_or(0)
    };
    let start = std::time::Instant::now();
    while count() < 2 && start.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let up = count();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let out = child.wait_with_output().expect("wait");
    assert_eq!(up, 2, "the lab never came up");
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(), 0, "the interrupted verify left namespaces behind");
}
