//! The book shows real output: every ```console block in `book/src` holds one
//! command (its first line, after `$ `), run from the repository root, and
//! then exactly what it prints, stdout and stderr together.
//!
//! Only harmless commands are run: every part of the command line (split at
//! `|`, `;` and `&&`) must start with `fwcheck`, `cat`, `printf`, `grep` or
//! `head`, so a page can never make the test touch the host's firewall.
//! `FWCHECK_BLESS_BOOK=1 cargo test --test book` rewrites the blocks with
//! the actual output, for review with `git diff`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("book/src").filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() {
            pages(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

fn run(cmd: &str) -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_fwcheck"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let o = Command::new("sh").arg("-c").arg(format!("{cmd} 2>&1")).env("PATH", path).env("NO_COLOR", "1").output().expect("sh");
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    text.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

const ALLOWED: &[&str] = &["fwcheck", "cat", "printf", "grep", "head"];

fn allowed(cmd: &str) -> bool {
    cmd.split(['|', ';']).flat_map(|p| p.split("&&")).all(|part| ALLOWED.contains(&part.split_whitespace().next().unwrap_or("")))
}

/// The page with every console block's output replaced by the real one.
fn rendered(page: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut lines = page.lines();
    while let Some(l) = lines.next() {
        out.push_str(l);
        out.push('\n');
        if l.trim() != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        let Some(cmd) = block.first().and_then(|c| c.strip_prefix("$ ")) else {
            return Err(format!("a console block must start with `$ COMMAND`: {:?}", block.first()));
        };
        if !allowed(cmd) {
            return Err(format!("refusing to run `{cmd}`: only {ALLOWED:?} may appear in book console blocks"));
        }
        out.push_str(block[0]);
        out.push('\n');
        out.push_str(&run(cmd));
        out.push_str("```\n");
    }
    Ok(out)
}

#[test]
fn only_harmless_commands_run() {
    assert!(allowed("printf 'x' | fwcheck parse - | head -3"));
    assert!(!allowed("iptables -N COUNT"));
    assert!(!allowed("fwcheck parse x; iptables -F"));
    assert!(!allowed("cat x && sudo iptables -X"));
}

#[test]
fn book_shows_real_output() {
    let mut files = Vec::new();
    pages(Path::new("book/src"), &mut files);
    files.sort();
    let bless = std::env::var("FWCHECK_BLESS_BOOK").is_ok();
    let mut stale = Vec::new();
    for f in files {
        let page = std::fs::read_to_string(&f).unwrap();
        let want = match rendered(&page) {
            Ok(w) => w,
            Err(e) => panic!("{}: {e}", f.display()),
        };
        if want != page {
            if bless {
                std::fs::write(&f, &want).unwrap();
            } else {
                let diff = similar::TextDiff::from_lines(&page, &want).unified_diff().header("book", "actual").to_string();
                stale.push(format!("{}:\n{diff}", f.display()));
            }
        }
    }
    assert!(stale.is_empty(), "book pages show output fwcheck no longer prints (FWCHECK_BLESS_BOOK=1 to update, then review):\n{}", stale.join("\n"));
}
