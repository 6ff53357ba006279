//! The kernel's rule set in a namespace, through the iptables binaries of
//! the chosen backend: load a scenario's rules as its files would, apply a
//! rule set atomically, zero and read counters.

use super::ns;
use crate::ir::{Family, TableName};
use crate::netfilter::Backend;
use crate::scenario::LoadStep;
use std::io::{self, Write};
use std::process::{Command, Stdio};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Cmd,
    Save,
    Restore,
}

/// The program of `backend` for `family`: `iptables-nft-restore` …
pub fn program(backend: Backend, family: Family, tool: Tool) -> io::Result<String> {
    let base = match family {
        Family::Ipv4 => "iptables",
        Family::Ipv6 => "ip6tables",
    };
    let flavour = match backend {
        Backend::IptablesNft => "nft",
        Backend::IptablesLegacy => "legacy",
        Backend::Nft => return Err(io::Error::other("the native nft backend loads rules with `nft` (see `load_nft`), not with an iptables program")),
    };
    Ok(match tool {
        Tool::Cmd => format!("{base}-{flavour}"),
        Tool::Save => format!("{base}-{flavour}-save"),
        Tool::Restore => format!("{base}-{flavour}-restore"),
    })
}

/// Runs `prog args` inside `netns` with `input` on stdin; its stdout, or an
/// error with its stderr.
pub fn run(netns: &str, prog: &str, args: &[String], input: Option<&str>) -> io::Result<String> {
    let (prog, args, input) = (prog.to_string(), args.to_vec(), input.map(str::to_string));
    ns::run_in(netns, move || {
        let mut child = Command::new(&prog)
            .args(&args)
            .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot run {prog}: {e}")))?;
        if let Some(text) = &input {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(text.as_bytes())?;
            }
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            let mut shown = prog.clone();
            for a in args.iter().take(8) {
                shown.push(' ');
                shown.push_str(a);
            }
            if args.len() > 8 {
                shown.push_str(" …");
            }
            return Err(io::Error::other(format!("`{shown}` failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    })
}

/// Loads a scenario's rules the way its file does: a script's commands one
/// by one, a save file through the restore program.
pub fn load(netns: &str, steps: &[LoadStep], backend: Backend) -> io::Result<()> {
    for s in steps {
        match s {
            LoadStep::Command { family, args } => {
                run(netns, &program(backend, *family, Tool::Cmd)?, args, None)?;
            }
            LoadStep::Restore { family, text } => {
                run(netns, &program(backend, *family, Tool::Restore)?, &[], Some(text))?;
            }
        }
    }
    Ok(())
}

/// `iptables-save -c` of the namespace.
pub fn save(netns: &str, backend: Backend, family: Family) -> io::Result<String> {
    run(netns, &program(backend, family, Tool::Save)?, &["-c".to_string()], None)
}

/// Replaces the tables each text names (one restore text per family) with
/// its contents, all or nothing, for every family at once.
///
/// Both restores commit table by table (observed with iptables 1.8.9: a
/// file whose second table the kernel refuses leaves its first table
/// loaded), and each table all or nothing, so one table needs no more than
/// the restore itself. For more, the texts are first loaded into a scratch
/// namespace that holds a copy of the target's ipsets (the only state of a
/// namespace a load depends on): what the kernel refuses there it refuses
/// in the target, which is then never touched. Undoing a partial load
/// afterwards could not be exact: a table it created (an empty `ip nat`)
/// would stay behind, and iptables-legacy cannot remove one at all. Only
/// if the target still refuses what the scratch namespace took (it changed
/// meanwhile) are the tables put back from a snapshot, as closely as the
/// tools allow, and the error says so.
pub fn apply_all(netns: &str, backend: Backend, texts: &[(Family, String)]) -> io::Result<()> {
    let tables: usize = texts.iter().map(|(_, t)| t.lines().filter(|l| l.starts_with('*')).count()).sum();
    if tables <= 1 {
        for (f, text) in texts {
            run(netns, &program(backend, *f, Tool::Restore)?, &[], Some(text))?;
        }
        return Ok(());
    }
    preflight(netns, backend, texts)?;
    let mut before = Vec::new();
    for (f, _) in texts {
        before.push((*f, save(netns, backend, *f)?));
    }
    for (i, (f, text)) in texts.iter().enumerate() {
        if let Err(e) = run(netns, &program(backend, *f, Tool::Restore)?, &[], Some(text)) {
            let undo: io::Result<()> = texts[..=i].iter().zip(&before).try_for_each(|((f, text), (_, old))| put_back(netns, backend, *f, text, old));
            let how = match undo {
                Ok(()) => "the tables were put back from a snapshot (a table the load created may remain, empty)".to_string(),
                Err(e2) => format!("and putting the tables back failed too: {e2}"),
            };
            return Err(io::Error::other(format!("{e}\n(the namespace refused what a scratch copy of it accepted; {how})")));
        }
    }
    Ok(())
}

/// Loads `texts` into a new namespace with a copy of `netns`'s ipsets.
fn preflight(netns: &str, backend: Backend, texts: &[(Family, String)]) -> io::Result<()> {
    /// Removes the scratch namespace when dropped (named `fwck-PID-…`, so
    /// `lab down --stale` finds it if the process is killed).
    struct Scratch(String);
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = ns::delete(&self.0);
        }
    }
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!("fwck-{}-apply{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    ns::create(&name)?;
    let scratch = Scratch(name);
    let sets = run(netns, "ipset", &["save".to_string()], None).unwrap_or_default();
    if !sets.trim().is_empty() {
        run(&scratch.0, "ipset", &["restore".to_string()], Some(&sets))?;
    }
    for (f, text) in texts {
        run(&scratch.0, &program(backend, *f, Tool::Restore)?, &[], Some(text))?;
    }
    Ok(())
}

/// Puts family `f`'s tables that `text` names back as `old` (a save with
/// counters) had them; a table `old` did not have is emptied.
fn put_back(netns: &str, backend: Backend, f: Family, text: &str, old: &str) -> io::Result<()> {
    let restore = program(backend, f, Tool::Restore)?;
    let mut undo = String::new();
    for line in text.lines() {
        if let Some(t) = line.strip_prefix('*') {
            if !old.lines().any(|l| l == line) {
                undo.push_str(&empty_table(t));
            }
        }
    }
    if !undo.is_empty() {
        run(netns, &restore, &[], Some(&undo))?;
    }
    if !old.trim().is_empty() {
        run(netns, &restore, &["-c".to_string()], Some(old))?;
    }
    Ok(())
}

/// A restore block that leaves `table` with empty built-in chains and
/// ACCEPT policies.
fn empty_table(table: &str) -> String {
    let chains = TableName::parse(table).map(|t| t.builtin_chains()).unwrap_or(&[]);
    let mut s = format!("*{table}\n");
    for c in chains {
        s.push_str(&format!(":{} ACCEPT [0:0]\n", c.as_str()));
    }
    s.push_str("COMMIT\n");
    s
}

/// Loads an nft JSON batch (`fwcheck translate --format json`) into the
/// namespace: one `nft -j -f` transaction, so a batch the kernel refuses
/// part way changes nothing.
pub fn load_nft(netns: &str, json: &str) -> io::Result<()> {
    run(netns, "nft", &["-j".to_string(), "-f".to_string(), "-".to_string()], Some(json)).map(|_| ())
}

/// `nft -j list ruleset` of the namespace.
pub fn list_nft(netns: &str) -> io::Result<String> {
    run(netns, "nft", &["-j".to_string(), "list".to_string(), "ruleset".to_string()], None)
}

/// The counter of every rule in an `nft -j list ruleset` listing, in rule
/// order, per (family `ip`/`ip6`, table, chain). fwcheck's translation
/// gives each iptables rule exactly one nft rule with one `counter`, so
/// the n-th counter of a chain is the n-th rule's.
pub fn nft_counters(json: &str) -> io::Result<std::collections::BTreeMap<(String, String, String), Vec<(u64, u64)>>> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| io::Error::other(format!("nft -j list ruleset: {e}")))?;
    let mut out: std::collections::BTreeMap<(String, String, String), Vec<(u64, u64)>> = Default::default();
    for obj in v.get("nftables").and_then(|a| a.as_array()).into_iter().flatten() {
        let Some(r) = obj.get("rule") else { continue };
        let key = |k: &str| r.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
        let counter = r.get("expr").and_then(|e| e.as_array()).into_iter().flatten().find_map(|st| {
            let c = st.get("counter")?;
            Some((c.get("packets")?.as_u64()?, c.get("bytes")?.as_u64()?))
        });
        out.entry((key("family"), key("table"), key("chain"))).or_default().push(counter.unwrap_or_default());
    }
    Ok(out)
}
