//! Snapshots (insta) of what a user reads from `fwcheck parse`: the listing,
//! the JSON IR and the rendered diagnostics. Review changes with
//! `cargo insta review`; never accept blindly.

mod common;
use common::fwcheck;

#[test]
fn seed_listing() {
    let (out, err, code) = fwcheck(&["parse", "corpus/seed/rules.sh"], None);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn seed_json() {
    let (out, _, code) = fwcheck(&["parse", "--format", "json", "corpus/seed/rules.sh"], None);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn diagnostics_as_rendered() {
    let input = "iptables -N web\niptables -A INPUT -p tcp --dport 80 -j wbe\niptables -A web -p tcp --sport 3:1 -j ACCEPT\niptables -A INPUT -s ! 10.0.0.1 -j DROP\niptables -X web\n";
    let (out, err, code) = fwcheck(&["parse", "-"], Some(input));
    assert_eq!((code, out.as_str()), (2, ""));
    insta::assert_snapshot!(err);
}

#[test]
fn broken_pipe_and_missing_file() {
    let (_, err, code) = fwcheck(&["parse", "/nonexistent/rules.v4"], None);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/rules.v4"), "{err}");
}
