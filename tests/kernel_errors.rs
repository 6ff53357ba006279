//! The malformed inputs of `errors.rs` against the real tools: where fwcheck
//! says a command fails, the real iptables must fail on that same line (and
//! the commands before it must succeed); a restore file fwcheck rejects must
//! be rejected by the real iptables-restore.

mod common;
use common::error_cases::CASES;
use common::netns::{kernel_tests_enabled, Netns};

/// Cases where fwcheck is knowingly stricter than iptables, and why.
const STRICTER: &[(&str, &str)] = &[
    ("several namespaces", "needs namespaces a and b; fwcheck refuses to mix rule sets of two namespaces"),
    ("malformed counters", "iptables-restore ignores malformed counters unless run with -c"),
    ("missing COMMIT", "iptables-restore applies nothing and says 'COMMIT expected', which is a failure only at the end"),
    ("delete built-in chain", "iptables-nft deletes an empty built-in chain with a non-ACCEPT policy quirkily; fwcheck follows iptables-legacy and refuses"),
];

#[test]
fn the_kernel_fails_where_fwcheck_does() {
    if !kernel_tests_enabled("the_kernel_fails_where_fwcheck_does") {
        return;
    }
    let mut bad = Vec::new();
    for (name, input, _code, line, _col, _text) in CASES {
        if STRICTER.iter().any(|(n, _)| n == name) {
            continue;
        }
        let ns = Netns::new("err");
        let restore = input.lines().any(|l| l.starts_with('*') || l.starts_with('-') || l == "COMMIT");
        if restore {
            let o = ns.run("iptables-restore", &[], Some(input));
            if o.status.success() {
                bad.push(format!("{name}: iptables-restore accepted it"));
            }
            continue;
        }
        // Command by command, as a shell would run them.
        let mut failed_at = None;
        for (i, l) in input.lines().enumerate() {
            let o = ns.run("bash", &["-c", l], None);
            if !o.status.success() {
                failed_at = Some(i + 1);
                break;
            }
        }
        if failed_at != Some(*line) {
            bad.push(format!("{name}: fwcheck fails at line {line}, the real iptables at {failed_at:?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
