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
        // Split on LF only: a CR stays in the line, as a shell keeps it.
        for (i, l) in input.split_terminator('\n').enumerate() {
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

/// The limits of iptables-restore 1.8.9 that fwcheck reports as
/// `load::too-many-words`, `load::word-too-long` and `load::line-too-long`,
/// on both backends: one past each limit fails with the message recorded
/// here, and the limit itself loads.
#[test]
fn iptables_restore_limits_are_where_fwcheck_puts_them() {
    if !kernel_tests_enabled("iptables_restore_limits_are_where_fwcheck_puts_them") {
        return;
    }
    let comments = |n: usize| (0..n).map(|_| " -m comment --comment x").collect::<String>();
    let file = |rule: String| format!("*filter\n{rule}\nCOMMIT\n");
    // A rule line of exactly `n` bytes, of comments of at most 900 bytes.
    let line_of = |n: usize| {
        let opt = " -m comment --comment ";
        let mut l = "-A INPUT".to_string();
        while n - l.len() > opt.len() + 900 + opt.len() + 1 {
            l.push_str(opt);
            l.push_str(&"y".repeat(900));
        }
        let rest = n - l.len() - opt.len();
        l.push_str(opt);
        l.push_str(&"z".repeat(rest));
        assert_eq!(l.len(), n);
        l
    };
    let cases = [
        // (what, the limit, one past it, what iptables-restore says)
        (
            "words",
            file(format!("-A INPUT -p tcp --syn{} -j ACCEPT", comments(61))),
            file(format!("-A INPUT{} -j ACCEPT", comments(62))),
            "Parser cannot handle more arguments",
        ),
        (
            "word bytes",
            file(format!("-A INPUT -m comment --comment {}", "x".repeat(1023))),
            file(format!("-A INPUT -m comment --comment {}", "x".repeat(1024))),
            "Parameter too long!",
        ),
        ("line bytes", file(line_of(10239)), file(line_of(10240)), "Bad argument"),
    ];
    let mut bad = Vec::new();
    for prog in ["iptables-nft-restore", "iptables-legacy-restore"] {
        for (what, at, past, says) in &cases {
            let ns = Netns::new("lim");
            let o = ns.run(prog, &["--test"], Some(at));
            if !o.status.success() {
                bad.push(format!("{prog}: {what}: the limit itself fails: {}", String::from_utf8_lossy(&o.stderr)));
            }
            let o = ns.run(prog, &["--test"], Some(past));
            let err = String::from_utf8_lossy(&o.stderr);
            if o.status.success() || !err.contains(says) {
                bad.push(format!("{prog}: {what}: one past the limit: want a failure saying {says:?}, got {:?}: {err}", o.status.code()));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
