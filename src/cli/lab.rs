//! `fwcheck lab`, `apply` and `verify`: the commands that use the kernel.

use super::super::{load_with_sources, report_diagnostics, usage};
use fwcheck::ir::save::SaveOptions;
use fwcheck::ir::{Family, Ruleset};
use fwcheck::load::LoadOptions;
use fwcheck::netfilter::Backend;
use fwcheck::netns::{kernel, lab, verify};
use fwcheck::predict::run::World;
use fwcheck::scenario::{self, Scenario};
use fwcheck::source::{Source, SourceMap};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn root_or_exit(what: &str) -> Result<(), ExitCode> {
    if nix::unistd::geteuid().is_root() {
        return Ok(());
    }
    eprintln!("error: `fwcheck {what}` builds network namespaces and needs root (run it with sudo)");
    eprintln!("hint: `fwcheck predict` needs no privileges and predicts the same counters");
    Err(ExitCode::from(2))
}

/// Reads a scenario: TOML, or a lab script (anything else). `extra` SPECs
/// (with whether each is a flow) are added to its traffic; each must be
/// sent from a namespace of the scenario.
pub fn read_scenario(path: &str, extra: &[(String, bool)]) -> Result<Scenario, ExitCode> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Err(usage(format!("cannot read {path}: {e}"))),
    };
    let mut sources = SourceMap::new();
    let dir = std::path::Path::new(path).parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let read = |p: &str| std::fs::read_to_string(p);
    let (sc, diags) = if path.ends_with(".toml") {
        scenario::from_toml(&mut sources, Source::new(path, text), &dir, &read)
    } else {
        scenario::from_script(&mut sources, Source::new(path, text))
    };
    report_diagnostics(&sources, &diags);
    let Some(mut sc) = sc else {
        let n = diags.iter().filter(|d| d.is_error()).count();
        eprintln!("error: {n} error{} in the scenario; nothing was built", if n == 1 { "" } else { "s" });
        return Err(ExitCode::from(2));
    };
    for (f, flow) in extra {
        let opt = if *flow { "--flow" } else { "--packet" };
        match fwcheck::predict::spec::parse_as(f, *flow) {
            Ok(s) => {
                if !sc.has_sender(&s) {
                    let src = scenario::spec_src(&s);
                    return Err(usage(format!("{opt} `{f}`: no namespace of the scenario has the address {src}; traffic is sent from inside a namespace")));
                }
                sc.traffic.push((s, fwcheck::source::Span::new(0, 0, 0)))
            }
            Err(e) => return Err(usage(format!("{opt}: {e}"))),
        }
    }
    Ok(sc)
}

pub fn lab(up: bool, path: Option<&str>, prefix: &str, stale: bool) -> ExitCode {
    if let Err(c) = root_or_exit("lab") {
        return c;
    }
    if stale {
        if up {
            return usage("`--stale` goes with `lab down`".into());
        }
        return match lab::remove_stale() {
            Ok(gone) => {
                for n in &gone {
                    println!("{n}");
                }
                eprintln!("removed {} namespace{} left by killed fwcheck runs", gone.len(), if gone.len() == 1 { "" } else { "s" });
                ExitCode::SUCCESS
            }
            Err(e) => usage(format!("cannot remove the labs of killed fwcheck runs: {e}")),
        };
    }
    let Some(path) = path else {
        return usage("give the scenario whose lab to build or remove (or `lab down --stale`)".into());
    };
    let sc = match read_scenario(path, &[]) {
        Ok(s) => s,
        Err(c) => return c,
    };
    if up {
        lab::on_interrupt();
        match lab::Lab::up(&sc, prefix) {
            Ok(mut l) => {
                l.keep = true;
                for (_, real) in &l.names {
                    println!("{real}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => usage(format!("cannot build the lab (nothing was left behind): {e}")),
        }
    } else {
        match lab::down(&sc, prefix) {
            Ok(n) => {
                eprintln!("removed {n} namespace{}", if n == 1 { "" } else { "s" });
                ExitCode::SUCCESS
            }
            Err(e) => usage(format!("cannot remove the lab: {e}")),
        }
    }
}

pub fn apply(rules: &str, netns: Option<&str>, backend: Backend, opts: LoadOptions) -> ExitCode {
    let (rs, sources) = match load_with_sources(&[rules.to_string()], &opts) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let Some(ns) = netns else {
        return usage("apply changes a namespace's firewall: give it with --netns NAME (fwcheck never changes the host's own)".into());
    };
    if let Err(c) = root_or_exit("apply") {
        return c;
    }
    if !fwcheck::netns::ns::exists(ns) {
        return usage(format!("there is no namespace `{ns}` (see `ip netns list`)"));
    }
    if backend == Backend::Nft {
        // One nf_tables batch, sent by fwcheck itself (or through `nft -j
        // -f` for what its encoder does not know): the kernel commits it
        // whole or not at all.
        let script = match fwcheck::translate::for_kernel(&rs) {
            Ok(s) => s,
            Err(why) => return usage(format!("the rule set has no nft translation (see `fwcheck translate`): {why}")),
        };
        // This command exits once the batch is in.
        fwcheck::netns::nfnl::socket::close_at_exit();
        match fwcheck::netns::nfnl::load_script(ns, &script, Some(&sources)) {
            Ok(fwcheck::netns::nfnl::Path::Netlink) => {}
            // Slower, and worth knowing: say why.
            Ok(fwcheck::netns::nfnl::Path::Nft(why)) => {
                eprintln!("note: loaded through `nft -j -f`, not fwcheck's own netlink batch: its encoder does not know {why}")
            }
            Err(e) => {
                for line in e.to_string().lines() {
                    eprintln!("error: {line}");
                }
                eprintln!("the rules of namespace `{ns}` are as they were before (the kernel commits a batch whole or not at all)");
                return ExitCode::from(2);
            }
        }
    }
    if backend != Backend::Nft {
        let mut texts = Vec::new();
        let mut line_maps = Vec::new();
        for f in rs.families() {
            let (text, lines) = fwcheck::ir::save::save_with_lines(&rs, f, SaveOptions { counters: false });
            texts.push((f, text));
            line_maps.push(lines);
        }
        if let Err(e) = kernel::apply_all(ns, backend, &texts) {
            // The restore program names lines of the text fwcheck gave it;
            // say which line of the user's file each one is.
            let msg = e.to_string();
            let lines: Vec<Option<fwcheck::source::Span>> = match texts.iter().position(|(f, _)| msg.contains(&format!("{}-", f.command()))) {
                Some(i) => line_maps[i].clone(),
                None => Vec::new(),
            };
            eprintln!("error: {}", at_user_lines(&msg, &lines, &sources));
            eprintln!("the rules of namespace `{ns}` are as they were before");
            return ExitCode::from(2);
        }
    }
    let n: usize = rs.tables.iter().flat_map(|t| &t.chains).map(|c| c.rules.len()).sum();
    eprintln!("applied {n} rule{} to namespace `{ns}` ({})", if n == 1 { "" } else { "s" }, backend_name(backend));
    ExitCode::SUCCESS
}

/// `msg` with each `line N` of the restore text followed by where that
/// rule is in the user's file (`line 7 (rules.v4:13:1)`).
fn at_user_lines(msg: &str, lines: &[Option<fwcheck::source::Span>], sources: &fwcheck::source::SourceMap) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(i) = rest.find("line") {
        let (head, tail) = rest.split_at(i + 4);
        out.push_str(head);
        let after = tail.strip_prefix(": ").or_else(|| tail.strip_prefix(' '));
        let digits = after.map_or(0, |a| a.bytes().take_while(u8::is_ascii_digit).count());
        let Some(a) = after.filter(|_| digits > 0) else {
            rest = tail;
            continue;
        };
        let sep = &tail[..tail.len() - a.len()];
        out.push_str(sep);
        out.push_str(&a[..digits]);
        if let Some(Some(span)) = a[..digits].parse::<usize>().ok().and_then(|n| lines.get(n.wrapping_sub(1))) {
            let file = sources.get(span.file);
            let (l, c) = file.line_col(span.start);
            out.push_str(&format!(" ({}:{l}:{c})", file.name));
        }
        rest = &a[digits..];
    }
    out.push_str(rest);
    out
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::IptablesNft => "iptables-nft",
        Backend::IptablesLegacy => "iptables-legacy",
        Backend::Nft => "nft",
    }
}

/// The listing of every namespace's tables, for families `fams`: predicted
/// (`world`) or as the kernel holds them (`kernel`, when `world` is None).
/// A table either side has is listed, so a table only one side has shows
/// up in a diff.
fn listings(sc: &Scenario, fams: &[Family], world: Option<&World>, kernel: &[(String, Family, Ruleset)]) -> String {
    let empty = Ruleset::default();
    let mut out = String::new();
    for (i, ns) in sc.namespaces.iter().enumerate() {
        for fam in fams {
            let rules = ns.rules.as_ref().map_or(&empty, |r| &r.ruleset);
            let kernel_rs = kernel.iter().find(|(n, f, _)| *n == ns.name && f == fam).map_or(&empty, |k| &k.2);
            let shown = match world {
                Some(w) => fwcheck::predict::run::with_counters(rules, *fam, w, i),
                None => kernel_rs.clone(),
            };
            let mut tables: Vec<_> = rules.tables.iter().chain(&kernel_rs.tables).filter(|t| t.family == *fam).map(|t| t.name).collect();
            tables.sort();
            tables.dedup();
            for t in tables {
                out.push_str(&format!("# {}: {} -t {t} -vnxL\n", ns.name, fam.command()));
                out.push_str(&fwcheck::report::listing(&shown, *fam, t));
                out.push('\n');
            }
        }
    }
    out
}

/// Each predicted packet's trace in one outcome, host by host.
fn traces(sc: &Scenario, w: &World) -> String {
    let empty = Ruleset::default();
    let mut out = String::new();
    for (n, p) in w.packets.iter().enumerate() {
        let rs = sc.namespaces.get(p.node).and_then(|ns| ns.rules.as_ref()).map_or(&empty, |r| &r.ruleset);
        out.push_str(&fwcheck::report::trace::packet(rs, n + 1, p));
    }
    out.push('\n');
    out
}

pub fn verify(path: &str, extra: &[(String, bool)], backend: Backend, keep: bool, prefix: Option<String>, trace: bool) -> ExitCode {
    let sc = match read_scenario(path, extra) {
        Ok(s) => s,
        Err(c) => return c,
    };
    if sc.traffic.is_empty() {
        return usage("the scenario sends no traffic: add `traffic = [...]` or give --flow, --packet or --packets".into());
    }
    if !sc.backends.is_empty() && !sc.backends.contains(&backend) {
        let names: Vec<&str> = sc.backends.iter().map(|b| backend_name(*b)).collect();
        return usage(format!("the scenario runs on {} only (its `backends`), not on {}", names.join(", "), backend_name(backend)));
    }
    if let Err(c) = root_or_exit("verify") {
        return c;
    }
    lab::on_interrupt();
    // Labs of verify runs that were killed (SIGKILL leaves no chance to
    // clean up) are removed first: nothing else ever removes them.
    match lab::remove_stale() {
        Ok(gone) if !gone.is_empty() => {
            eprintln!("removed {} namespace{} left by killed fwcheck runs: {}", gone.len(), if gone.len() == 1 { "" } else { "s" }, gone.join(", "))
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: cannot look for labs of killed fwcheck runs: {e}"),
    }
    // A lab kept on purpose gets a name `lab::stale` never takes.
    let prefix = prefix.unwrap_or_else(|| if keep { format!("fwck-keep-{}-", std::process::id()) } else { format!("fwck-{}-", std::process::id()) });
    let v = match verify::verify(&sc, backend, &prefix, keep) {
        Ok(v) => v,
        Err(e) => return usage(format!("verify could not run the scenario (the lab was removed): {e}")),
    };
    let fams = verify::families(&sc);
    let kernel = listings(&sc, &fams, None, &v.kernel);
    let predicted: Vec<String> = v.worlds.iter().map(|w| listings(&sc, &fams, Some(w), &v.kernel)).collect();
    let mut out = std::io::stdout().lock();
    let packets = sc.traffic.iter().filter(|(s, _)| matches!(s, fwcheck::predict::spec::Spec::Packet { .. })).count();
    let flows = sc.traffic.len() - packets;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let sent = match (flows, packets) {
        (f, 0) => plural(f, "flow"),
        (0, p) => plural(p, "packet"),
        (f, p) => format!("{}, {}", plural(f, "flow"), plural(p, "packet")),
    };
    let what = format!("backend {}, {sent}", backend_name(backend));
    if let Some(w) = predicted.iter().position(|p| *p == kernel) {
        if trace {
            let _ = out.write_all(traces(&sc, &v.worlds[w]).as_bytes());
        }
        let _ = out.write_all(kernel.as_bytes());
        let of = if predicted.len() > 1 { format!(", outcome {} of {} predicted", w + 1, predicted.len()) } else { String::new() };
        let _ = writeln!(out, "verify: ok: the kernel's counters equal the prediction ({what}{of})");
        if let Some(l) = &v.lab {
            let names: Vec<&str> = l.names.iter().map(|(_, r)| r.as_str()).collect();
            let _ = writeln!(out, "the lab is kept: {} (remove it with `fwcheck lab down {path} --prefix {prefix}`)", names.join(", "));
        }
        return ExitCode::SUCCESS;
    }
    // The outcome closest to what the kernel did, by changed lines.
    let closest = (0..predicted.len())
        .min_by_key(|&w| similar::TextDiff::from_lines(&predicted[w], &kernel).iter_all_changes().filter(|c| c.tag() != similar::ChangeTag::Equal).count())
        .unwrap_or(0);
    if trace {
        let _ = out.write_all(traces(&sc, &v.worlds[closest]).as_bytes());
    }
    let diff = similar::TextDiff::from_lines(&predicted[closest], &kernel);
    let text = diff.unified_diff().context_radius(3).header("predicted", "kernel").to_string();
    let color = std::io::stdout().is_terminal();
    for line in text.lines() {
        let painted = match line.chars().next() {
            Some('-') if color && !line.starts_with("---") => format!("\x1b[31m{line}\x1b[0m"),
            Some('+') if color && !line.starts_with("+++") => format!("\x1b[32m{line}\x1b[0m"),
            Some('@') if color => format!("\x1b[36m{line}\x1b[0m"),
            _ => line.to_string(),
        };
        let _ = writeln!(out, "{painted}");
    }
    for note in &v.worlds[closest].notes {
        let _ = writeln!(out, "note: {note}");
    }
    let of = if predicted.len() > 1 { format!("; closest of {} predicted outcomes shown", predicted.len()) } else { String::new() };
    let _ = writeln!(out, "verify: MISMATCH: the kernel's counters differ from the prediction ({what}{of})");
    ExitCode::from(1)
}

/// `fwcheck predict --scenario FILE`: the scenario's hosts, rules and
/// traffic (plus `extra` SPECs), predicted without building anything.
pub fn predict(path: &str, extra: &[(String, bool)], backend: Backend, json: bool, trace: bool, ipsets: Option<&fwcheck::verify::ipsets::Ipsets>) -> ExitCode {
    let sc = match read_scenario(path, extra) {
        Ok(s) => s,
        Err(c) => return c,
    };
    if sc.traffic.is_empty() {
        return usage("the scenario sends no traffic: give --flow or --packet".into());
    }
    let hosts = sc.hosts(&|e| lab::mac_of(&sc, e));
    let empty = Ruleset::default();
    let specs: Vec<_> = sc.traffic.iter().map(|(s, _)| s.clone()).collect();
    let worlds = match (fwcheck::predict::run::Run { ipsets, ..sc.run(&hosts, &empty, backend, trace) }).run(&specs) {
        Ok(w) => w,
        Err(e) => return usage(e),
    };
    let fams = verify::families(&sc);
    let out: String;
    if json {
        let names: Vec<&str> = sc.namespaces.iter().map(|n| n.name.as_str()).collect();
        let outcomes =
            super::outcomes::json(&worlds, Some(&names), |node, family, table| sc.namespaces[node].rules.as_ref().and_then(|r| r.ruleset.table(family, table)));
        let v = serde_json::json!({ "backend": backend, "outcomes": outcomes });
        out = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    } else {
        out = super::outcomes::render(&worlds, |w, out| {
            if trace {
                out.push_str(&traces(&sc, w));
            }
            out.push_str(&listings(&sc, &fams, Some(w), &[]));
        });
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
