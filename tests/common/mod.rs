//! Helpers shared by the integration tests.
#![allow(dead_code)]
pub mod error_cases;
pub mod gen;
pub mod netns;
pub mod tcases;

/// Runs the fwcheck binary with `args` and `stdin`: (stdout, stderr, exit
/// code).
pub fn fwcheck(args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fwcheck"));
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run fwcheck");
    let mut si = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        si.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(si);
    let o = child.wait_with_output().expect("wait");
    (String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into(), o.status.code().unwrap_or(-1))
}
