//! The book shows real output: every ```console block in `book/src` is run
//! (each `$ fwcheck ...` line, from the repository root) and must print
//! exactly what the block shows, stdout and stderr together.
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

/// The page with every console block's output replaced by the real one.
fn rendered(page: &str) -> String {
    let mut out = String::new();
    let mut lines = page.lines().peekable();
    while let Some(l) = lines.next() {
        out.push_str(l);
        out.push('\n');
        if l.trim() != "```console" {
            continue;
        }
        // Commands and their outputs until the closing fence.
        let mut block: Vec<&str> = Vec::new();
        for l in lines.by_ref() {
            if l.trim() == "```" {
                break;
            }
            block.push(l);
        }
        for l in &block {
            if let Some(cmd) = l.strip_prefix("$ ") {
                out.push_str(l);
                out.push('\n');
                out.push_str(&run(cmd));
            }
        }
        out.push_str("```\n");
    }
    out
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
        let want = rendered(&page);
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
