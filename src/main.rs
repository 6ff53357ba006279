//! The fwcheck command: arguments, a call into the library, a report, an
//! exit code (0 ok, 1 finding or mismatch, 2 usage or input error).

use clap::{Parser, Subcommand, ValueEnum};
use fwcheck::diag::{Diagnostic, Severity};
use fwcheck::ir::save::{save, SaveOptions};
use fwcheck::ir::Family;
use fwcheck::load::{load, LoadOptions};
use fwcheck::source::{Source, SourceMap};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

mod cli {
    pub mod lab;
    pub mod outcomes;
}

/// fwcheck builds many small values (words, matches, rules); mimalloc makes
/// their allocation markedly cheaper than glibc's malloc (see the Performance
/// chapter of the book).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "fwcheck", version, about = "Check iptables rule sets before they reach the kernel")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Read forms that iptables-restore 1.8.9 refuses to load (CRLF line
    /// ends, `COMMIT` with blanks, `-s ! X`, over-long lines and words) with
    /// a warning instead of an error: for analysing old dumps.
    #[arg(long, global = true)]
    lenient: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate rule sets (command scripts or iptables-save files)
    /// and print them normalized, as iptables-save will list them.
    Parse {
        /// Files to read, in order, as if run one after the other; `-` is stdin.
        #[arg(required = true)]
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Save)]
        format: Format,
        /// iptables-save files hold IPv6 rules (ip6tables-save output).
        /// Without it, files named *.v6 or *ip6tables* are IPv6, others IPv4.
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
        /// Force iptables-save files to be read as IPv4.
        #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
        ipv4: bool,
        /// Only the commands run in this namespace (`ip netns exec NAME ...`).
        #[arg(long)]
        netns: Option<String>,
        /// Print counters like `iptables-save -c`.
        #[arg(short = 'c', long)]
        counters: bool,
    },
    /// Predict which rules packets and flows hit, and what every counter
    /// will read.
    Predict {
        /// The host's rule set (command script or iptables-save file).
        #[arg(required_unless_present = "scenario")]
        rules: Option<String>,
        /// Predict a whole scenario instead (a .toml or a lab script, as for
        /// `verify`): its namespaces, links, rules and traffic.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["rules", "host", "sysctls"])]
        scenario: Option<String>,
        /// One packet: `tcp 10.0.0.1:40000 -> 10.0.0.2:22 syn in eth0`,
        /// `udp A:P -> B:Q`, `icmp A -> B echo-request`.
        #[arg(long = "packet", value_name = "SPEC")]
        packets: Vec<String>,
        /// A flow a real program produces: `ping A -> B count 3 size 56`.
        #[arg(long = "flow", value_name = "SPEC")]
        flows: Vec<String>,
        /// A file of SPECs, one per line (`#` comments and blank lines are
        /// skipped), sent after the --packet and --flow ones. Traces are then
        /// off unless --trace is given.
        #[arg(long = "packets", value_name = "FILE")]
        packets_file: Option<String>,
        /// Print each packet's trace (the default without --packets).
        #[arg(long)]
        trace: bool,
        /// An interface of the host with an address: `eth0=192.168.2.1/24`
        /// (repeat for more). Without it, fwcheck assumes the host owns the
        /// destination of the first packet, on eth0, and says so.
        #[arg(long = "host", value_name = "IFACE=ADDR/LEN")]
        host: Vec<String>,
        /// A sysctl of the host: `net.ipv4.icmp_echo_ignore_all=1`,
        /// `net.ipv4.ip_forward=1`.
        #[arg(long = "sysctl", value_name = "NAME=VALUE")]
        sysctls: Vec<String>,
        #[arg(long, value_enum, default_value_t = fwcheck::netfilter::Backend::IptablesNft)]
        backend: fwcheck::netfilter::Backend,
        #[arg(long, value_enum, default_value_t = PredictFormat::Table)]
        format: PredictFormat,
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
        /// The contents of the host's ipsets (the output of `ipset save`):
        /// `-m set` is then decided instead of giving both outcomes.
        #[arg(long, value_name = "FILE")]
        ipsets: Option<String>,
    },
    /// Build (`up`) or remove (`down`) a scenario's namespaces and links.
    Lab {
        #[arg(value_enum)]
        action: LabAction,
        /// A scenario (.toml) or a lab script like the tutorial's.
        #[arg(required_unless_present = "stale")]
        scenario: Option<String>,
        /// Prepended to each namespace name (`--prefix fwck-` makes `fwck-test-1`).
        #[arg(long, default_value = "")]
        prefix: String,
        /// With `down`: remove the labs of fwcheck runs that were killed
        /// (namespaces `fwck-PID-…` whose process is gone), not a scenario's.
        #[arg(long, conflicts_with = "scenario")]
        stale: bool,
    },
    /// Load a rule set into a namespace in one transaction: on any failure
    /// the namespace keeps the rules it had.
    Apply {
        rules: String,
        /// The namespace to load into (`ip netns list`).
        #[arg(long)]
        netns: Option<String>,
        #[arg(long, value_enum, default_value_t = fwcheck::netfilter::Backend::IptablesNft)]
        backend: fwcheck::netfilter::Backend,
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
    },
    /// Run a scenario for real: build its lab, load its rules, send its
    /// traffic, and compare the kernel's counters with the prediction.
    Verify {
        /// A scenario (.toml) or a lab script like the tutorial's.
        scenario: String,
        /// More traffic: `ping 192.168.1.1 -> 192.168.2.1 count 3`.
        #[arg(long = "flow", value_name = "SPEC")]
        flows: Vec<String>,
        /// A crafted packet, sent as these bytes on a raw socket from the
        /// namespace that owns its source: `tcp 10.0.0.1:4 -> 10.0.0.2:22 syn`.
        #[arg(long = "packet", value_name = "SPEC")]
        packets: Vec<String>,
        /// A file of packet SPECs, one per line (`#` comments and blank
        /// lines are skipped), sent after the --packet and --flow ones.
        #[arg(long = "packets", value_name = "FILE")]
        packets_file: Option<String>,
        #[arg(long, value_enum, default_value_t = fwcheck::netfilter::Backend::IptablesNft)]
        backend: fwcheck::netfilter::Backend,
        /// Leave the lab up afterwards, for inspection.
        #[arg(long)]
        keep: bool,
        /// Print the predicted trace of every packet, hop by hop.
        #[arg(long)]
        trace: bool,
        /// Namespace names are PREFIX + the scenario's names (default
        /// `fwck-PID-`, so a run never meets another's namespaces).
        #[arg(long)]
        prefix: Option<String>,
    },
    /// Find rules that never match, rules that change nothing, unreachable
    /// chains and other mistakes, with proofs (Z3) and example packets.
    Lint {
        /// The rule set (command script or iptables-save file); `-` is stdin.
        #[arg(required_unless_present = "explain")]
        rules: Option<String>,
        #[arg(long, value_enum, default_value_t = LintFormat::Text)]
        format: LintFormat,
        /// Exit 1 when a finding of this level (or worse) exists.
        #[arg(long, value_enum, default_value_t = Deny::Errors)]
        deny: Deny,
        /// The contents of ipsets (`ipset save` output), so that `-m set`
        /// matches are decided instead of free choices.
        #[arg(long, value_name = "FILE")]
        ipsets: Option<String>,
        /// Print the documentation of a lint (code or name) and exit.
        #[arg(long, value_name = "LINT")]
        explain: Option<String>,
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
    },
    /// Prove that two rule sets give every packet the same verdict at every
    /// hook, or show a packet they treat differently.
    Equiv {
        /// The first rule set (command script or iptables-save file).
        a: String,
        /// The second rule set.
        b: String,
        /// The contents of ipsets (`ipset save` output).
        #[arg(long, value_name = "FILE")]
        ipsets: Option<String>,
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
    },
    /// Can a packet of this shape be accepted (or dropped)? A witness packet
    /// with its trace, or a proof that none exists.
    Query {
        /// The rule set (command script or iptables-save file).
        rules: String,
        /// The packets asked about: `tcp from 0.0.0.0/0 to 10.0.0.5 dport 22
        /// in eth0` (see the book's Queries chapter).
        shape: String,
        /// What to ask: can such a packet be accepted, or dropped.
        #[arg(value_enum, default_value_t = fwcheck::verify::query::Want::Accepted)]
        want: fwcheck::verify::query::Want,
        /// The contents of ipsets (`ipset save` output).
        #[arg(long, value_name = "FILE")]
        ipsets: Option<String>,
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
    },
    /// Translate a rule set to nftables: an nft script that `nft -f` loads,
    /// or nft JSON (`nft -j -f`). A rule with no nft form is an error.
    Translate {
        /// The rule set (command script or iptables-save file); `-` is stdin.
        rules: String,
        #[arg(long, value_enum, default_value_t = TranslateFormat::Nft)]
        format: TranslateFormat,
        /// `ip` or `ip6`: only that family's tables; `inet`: both families
        /// in inet tables. Default: every family of the input, each in its
        /// own tables.
        #[arg(long, value_enum)]
        family: Option<TranslateFamily>,
        /// Keep a rule with no nft form as a comment (with a warning)
        /// instead of failing.
        #[arg(long)]
        allow_partial: bool,
        /// The file holds IPv6 rules (ip6tables-save output).
        #[arg(short = '6', long = "ipv6")]
        ipv6: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LabAction {
    Up,
    Down,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TranslateFormat {
    /// An nft script.
    Nft,
    /// nft JSON.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum TranslateFamily {
    Ip,
    Ip6,
    Inet,
}

#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Errors,
    Warnings,
    /// Never exit 1 for a finding.
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum PredictFormat {
    /// Traces, then the counters laid out per table.
    Table,
    /// Everything as data.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// iptables-save text.
    Save,
    /// The IR as JSON.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lenient = cli.lenient;
    // The load options of a command that reads rule files, with `-6`.
    let opts_for = |ipv6: bool| LoadOptions { save_family: ipv6.then_some(Family::Ipv6), netns: None, lenient };
    match cli.command {
        Command::Parse { files, format, ipv6, ipv4, netns, counters } => {
            let save_family = if ipv6 {
                Some(Family::Ipv6)
            } else if ipv4 {
                Some(Family::Ipv4)
            } else {
                None
            };
            parse(files, format, LoadOptions { save_family, netns, lenient }, counters)
        }
        Command::Predict { rules, scenario, packets, flows, packets_file, trace, host, sysctls, backend, format, ipv6, ipsets } => {
            let ipsets = match read_ipsets(&ipsets) {
                Ok(i) => i,
                Err(c) => return c,
            };
            let opts = opts_for(ipv6);
            let specs = match specs_of(&packets, &flows, &packets_file) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let trace = trace || packets_file.is_none();
            match (scenario, rules) {
                (Some(sc), _) => cli::lab::predict(&sc, &specs, backend, matches!(format, PredictFormat::Json), trace, ipsets.as_ref()),
                (None, Some(rules)) => predict(rules, specs, host, sysctls, backend, format, opts, trace, ipsets.as_ref()),
                (None, None) => usage("give a rule file or --scenario FILE".into()),
            }
        }
        Command::Lab { action, scenario, prefix, stale } => cli::lab::lab(matches!(action, LabAction::Up), scenario.as_deref(), &prefix, stale),
        Command::Apply { rules, netns, backend, ipv6 } => cli::lab::apply(&rules, netns.as_deref(), backend, opts_for(ipv6)),
        Command::Verify { scenario, flows, packets, packets_file, backend, keep, prefix, trace } => match specs_of(&packets, &flows, &packets_file) {
            Ok(specs) => cli::lab::verify(&scenario, &specs, backend, keep, prefix, trace),
            Err(c) => c,
        },
        Command::Lint { rules, format, deny, ipsets, explain, ipv6 } => {
            if let Some(e) = explain {
                return explain_lint(&e);
            }
            let opts = opts_for(ipv6);
            lint(rules.unwrap_or_default(), format, deny, ipsets, opts)
        }
        Command::Equiv { a, b, ipsets, ipv6 } => {
            let opts = opts_for(ipv6);
            equiv(a, b, ipsets, opts)
        }
        Command::Query { rules, shape, want, ipsets, ipv6 } => {
            let opts = opts_for(ipv6);
            query(rules, shape, want, ipsets, ipv6, opts)
        }
        Command::Translate { rules, format, family, allow_partial, ipv6 } => {
            let opts = opts_for(ipv6);
            translate(rules, format, family, allow_partial, opts)
        }
    }
}

fn translate(rules: String, format: TranslateFormat, family: Option<TranslateFamily>, allow_partial: bool, opts: LoadOptions) -> ExitCode {
    use fwcheck::translate::{translate, Options, OutFamily};
    let inputs = match read_inputs(std::slice::from_ref(&rules)) {
        Ok(i) => i,
        Err(c) => return c,
    };
    let mut sources = SourceMap::new();
    let loaded = load(&mut sources, inputs, &opts);
    report_diagnostics(&sources, &loaded.diagnostics);
    let Some(rs) = loaded.ruleset else {
        let n = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        eprintln!("error: {n} error{} found; nothing printed", if n == 1 { "" } else { "s" });
        return ExitCode::from(2);
    };
    let family = family.map(|f| match f {
        TranslateFamily::Ip => OutFamily::Ip,
        TranslateFamily::Ip6 => OutFamily::Ip6,
        TranslateFamily::Inet => OutFamily::Inet,
    });
    let tx = translate(&rs, &Options { family, allow_partial });
    report_diagnostics(&sources, &tx.diagnostics);
    let Some(script) = tx.script else {
        let n = tx.diagnostics.iter().filter(|d| d.is_error()).count();
        eprintln!("error: {n} rule{} without an nft translation; nothing printed (--allow-partial keeps them as comments)", if n == 1 { "" } else { "s" });
        return ExitCode::from(2);
    };
    if script.tables.is_empty() {
        eprintln!("error: no table of the requested family in {rules}");
        return ExitCode::from(2);
    }
    if format == TranslateFormat::Nft {
        // nft 1.0.6's text syntax cannot write every name and string the
        // JSON form can: refuse rather than print a script nft refuses.
        let diags = fwcheck::translate::text::text_problems(&script);
        if !diags.is_empty() {
            report_diagnostics(&sources, &diags);
            eprintln!("error: {} thing{} without a form in nft's text syntax; nothing printed", diags.len(), if diags.len() == 1 { "" } else { "s" });
            return ExitCode::from(2);
        }
    }
    let out = match format {
        TranslateFormat::Nft => script.to_text(),
        TranslateFormat::Json => fwcheck::translate::json::to_json(&script),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    std::mem::forget((rs, script, out));
    ExitCode::SUCCESS
}

fn usage(msg: String) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

/// The host from `--host` and `--sysctl`; `assumed` when no address was
/// given.
fn parse_host(host: &[String], sysctls: &[String]) -> Result<fwcheck::predict::host::Host, String> {
    use fwcheck::predict::host::{Host, Iface};
    let mut h = Host { assumed: host.is_empty(), ..Host::new(vec![Host::lo()]) };
    for spec in host {
        let (name, addr) = spec.split_once('=').ok_or_else(|| format!("--host `{spec}`: write IFACE=ADDR/LEN, e.g. eth0=192.168.2.1/24"))?;
        let (a, len) = addr.split_once('/').unwrap_or((addr, if addr.contains(':') { "128" } else { "32" }));
        let a: std::net::IpAddr = a.parse().map_err(|_| format!("--host `{spec}`: `{a}` is not an address"))?;
        let len: u8 = len.parse().map_err(|_| format!("--host `{spec}`: `{len}` is not a prefix length"))?;
        match h.ifaces.iter_mut().find(|i| i.name == name) {
            Some(i) => i.addrs.push((a, len)),
            None => h.ifaces.push(Iface::new(name, vec![(a, len)])),
        }
    }
    for s in sysctls {
        let (k, v) = s.split_once('=').ok_or_else(|| format!("--sysctl `{s}`: write NAME=VALUE"))?;
        let on = match v.trim() {
            "1" => true,
            "0" => false,
            _ => return Err(format!("--sysctl `{s}`: the value is 0 or 1")),
        };
        match k.trim() {
            "net.ipv4.icmp_echo_ignore_all" => h.icmp_echo_ignore_all = on,
            "net.ipv4.ip_forward" | "net.ipv6.conf.all.forwarding" => h.ip_forward = on,
            other => return Err(format!("--sysctl: fwcheck does not model `{other}`; it knows net.ipv4.icmp_echo_ignore_all and net.ipv4.ip_forward")),
        }
    }
    Ok(h)
}

fn predict(
    rules: String,
    specs: Vec<(String, bool)>,
    host: Vec<String>,
    sysctls: Vec<String>,
    backend: fwcheck::netfilter::Backend,
    format: PredictFormat,
    opts: LoadOptions,
    trace: bool,
    ipsets: Option<&fwcheck::verify::ipsets::Ipsets>,
) -> ExitCode {
    use fwcheck::predict::{host::Host, run::Run, spec};
    if specs.is_empty() {
        return usage("give at least one --packet or --flow".into());
    }
    let parsed: Result<Vec<spec::Spec>, String> = specs.iter().map(|(s, flow)| spec::parse_as(s, *flow)).collect();
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let mut host = match parse_host(&host, &sysctls) {
        Ok(h) => h,
        Err(e) => return usage(e),
    };
    let rs = match load_files(std::slice::from_ref(&rules), &opts) {
        Ok(rs) => rs,
        Err(c) => return c,
    };
    let (first_src, first_dst) = match &parsed[0] {
        spec::Spec::Packet { packet } => (packet.src, packet.dst),
        spec::Spec::Ping { src, dst, .. } | spec::Spec::Tcp { src, dst, .. } | spec::Spec::Udp { src, dst, .. } => (*src, *dst),
    };
    let mut note = None;
    if host.assumed {
        note = Some(format!("note: no --host given: assuming this host is {first_dst} on eth0, so traffic from {first_src} to it is incoming"));
        host.ifaces = Host::assumed(first_dst).ifaces;
    }
    let worlds = match (Run { ipsets, ..Run::single(&rs, &host, backend, trace) }).run(&parsed) {
        Ok(w) => w,
        Err(e) => return usage(e),
    };
    let family = if first_src.is_ipv4() { Family::Ipv4 } else { Family::Ipv6 };
    let out: String;
    match format {
        PredictFormat::Json => {
            let outcomes = cli::outcomes::json(&worlds, None, |_, family, table| rs.table(family, table));
            let v = serde_json::json!({ "host": host, "backend": backend, "outcomes": outcomes });
            out = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
        }
        PredictFormat::Table => {
            if let Some(n) = &note {
                eprintln!("{n}");
            }
            out = cli::outcomes::render(&worlds, |w, out| {
                if trace {
                    for (n, p) in w.packets.iter().enumerate() {
                        out.push_str(&fwcheck::report::trace::packet(&rs, n + 1, p));
                    }
                }
                out.push('\n');
                let counted = fwcheck::predict::run::with_counters(&rs, family, w, 0);
                for t in counted.tables.iter().filter(|t| t.family == family) {
                    out.push_str(&format!("# {} -t {} -vnxL\n", family.command(), t.name));
                    out.push_str(&fwcheck::report::listing(&counted, family, t.name));
                    out.push('\n');
                }
            });
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn read_inputs(files: &[String]) -> Result<Vec<Source>, ExitCode> {
    let mut out = Vec::new();
    for f in files {
        let text = if f == "-" {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map(|_| s)
        } else {
            std::fs::read(f).and_then(|b| String::from_utf8(b).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
        };
        match text {
            Ok(t) => {
                let name = if f == "-" { "<stdin>" } else { f.as_str() };
                match nft_input(name, &t) {
                    None => out.push(Source::new(name, t)),
                    Some(Ok(sources)) => out.extend(sources),
                    Some(Err(errors)) => {
                        for e in errors {
                            eprintln!("error: {name}: {e}");
                        }
                        return Err(ExitCode::from(2));
                    }
                }
            }
            Err(e) => {
                eprintln!("error: cannot read {f}: {e}");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(out)
}

/// An nft rule set given where an iptables one is expected: nft JSON (`nft
/// -j list ruleset`) is read directly; an nft script (`*.nft`, or text
/// starting with `table`/`flush ruleset`) is loaded into a private
/// throwaway network namespace and listed back as JSON. Either becomes the
/// iptables-restore text of its IPv4 and IPv6 rules. `None` for iptables
/// input.
fn nft_input(name: &str, text: &str) -> Option<Result<Vec<Source>, Vec<String>>> {
    let t = text.trim_start();
    let json = if t.starts_with('{') && t.contains("\"nftables\"") {
        text.to_string()
    } else if name.ends_with(".nft") || t.starts_with("table ") || t.starts_with("flush ruleset") {
        match fwcheck::netns::nft::list_as_json(text) {
            Ok(j) => j,
            Err(e) => return Some(Err(vec![format!("cannot read the nft script: {e}\n  help: fwcheck loads an nft script into a private network namespace (root and nft needed); `nft -j list ruleset` output is read without either")])),
        }
    } else {
        return None;
    };
    Some(fwcheck::translate::read::from_json(&json).map(|r| {
        let mut v = Vec::new();
        if !r.v4.is_empty() {
            v.push(Source::new(format!("{name} (as iptables).v4"), r.v4));
        }
        if !r.v6.is_empty() {
            v.push(Source::new(format!("{name} (as iptables).v6"), r.v6));
        }
        v
    }))
}

/// Reads and loads the files, printing every diagnostic; exit code 2 when
/// a file cannot be read or has errors.
fn load_files(files: &[String], opts: &LoadOptions) -> Result<fwcheck::ir::Ruleset, ExitCode> {
    load_with_sources(files, opts).map(|(rs, _)| rs)
}

/// [`load_files`], keeping the sources for findings that point into them.
fn load_with_sources(files: &[String], opts: &LoadOptions) -> Result<(fwcheck::ir::Ruleset, SourceMap), ExitCode> {
    let inputs = read_inputs(files)?;
    let mut sources = SourceMap::new();
    let loaded = load(&mut sources, inputs, opts);
    report_diagnostics(&sources, &loaded.diagnostics);
    match loaded.ruleset {
        Some(rs) => Ok((rs, sources)),
        None => {
            let n = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("error: {n} error{} found; nothing printed", if n == 1 { "" } else { "s" });
            Err(ExitCode::from(2))
        }
    }
}

/// The SPECs of --packet, --flow and --packets FILE, in that order, each
/// with whether it is a flow.
fn specs_of(packets: &[String], flows: &[String], file: &Option<String>) -> Result<Vec<(String, bool)>, ExitCode> {
    let mut specs: Vec<(String, bool)> = packets.iter().map(|p| (p.clone(), false)).chain(flows.iter().map(|f| (f.clone(), true))).collect();
    if let Some(f) = file {
        match std::fs::read_to_string(f) {
            Ok(t) => specs.extend(t.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| (l.to_string(), false))),
            Err(e) => return Err(usage(format!("cannot read {f}: {e}"))),
        }
    }
    Ok(specs)
}

fn read_ipsets(file: &Option<String>) -> Result<Option<fwcheck::verify::ipsets::Ipsets>, ExitCode> {
    let Some(f) = file else { return Ok(None) };
    let text = std::fs::read_to_string(f).map_err(|e| {
        eprintln!("error: cannot read {f}: {e}");
        ExitCode::from(2)
    })?;
    fwcheck::verify::ipsets::Ipsets::parse(f, &text).map(Some).map_err(|e| {
        eprintln!("error: {e}\nhelp: give the output of `ipset save`");
        ExitCode::from(2)
    })
}

fn explain_lint(which: &str) -> ExitCode {
    use fwcheck::verify::lints::ALL;
    match ALL.iter().find(|l| l.code.eq_ignore_ascii_case(which) || l.name == which) {
        Some(l) => {
            print!("{}", l.doc);
            ExitCode::SUCCESS
        }
        None => usage(format!("no lint `{which}`; the lints are {}", ALL.iter().map(|l| format!("{} {}", l.code, l.name)).collect::<Vec<_>>().join(", "))),
    }
}

fn lint(rules: String, format: LintFormat, deny: Deny, ipsets: Option<String>, opts: LoadOptions) -> ExitCode {
    use fwcheck::verify::lints::{run, Options, Severity};
    let (rs, sources) = match load_with_sources(std::slice::from_ref(&rules), &opts) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let sets = match read_ipsets(&ipsets) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let findings = run(&rs, &sources, &Options { ipsets: sets.as_ref() });
    let out = match format {
        LintFormat::Text => fwcheck::report::lint::text(&rs, &sources, &findings),
        LintFormat::Json => fwcheck::report::lint::json(&sources, &findings),
        LintFormat::Sarif => fwcheck::report::lint::sarif(&sources, &findings),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    let denied = match deny {
        Deny::Errors => findings.iter().any(|f| f.severity == Severity::Error),
        Deny::Warnings => !findings.is_empty(),
        Deny::None => false,
    };
    std::mem::forget(rs);
    if denied {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn equiv(a: String, b: String, ipsets: Option<String>, opts: LoadOptions) -> ExitCode {
    use fwcheck::verify::equiv::{equiv, Outcome};
    let ra = match load_files(std::slice::from_ref(&a), &opts) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let rb = match load_files(std::slice::from_ref(&b), &opts) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let sets = match read_ipsets(&ipsets) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let (outcome, notes) = equiv(&ra, &rb, sets.as_ref());
    for n in &notes {
        eprintln!("note: {n}");
    }
    match outcome {
        Outcome::Equivalent => {
            println!("equivalent: every packet gets the same verdict from {a} and {b} at every hook (proved)");
            ExitCode::SUCCESS
        }
        Outcome::Unknown(r) => {
            eprintln!("error: the prover gave up ({r}); no claim is made");
            ExitCode::from(2)
        }
        Outcome::Differs(diffs) => {
            let mut out = String::new();
            for d in &diffs {
                out.push_str(&fwcheck::report::lint::difference(&ra, &rb, &a, &b, d));
            }
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::from(1)
        }
    }
}

fn query(rules: String, shape: String, want: fwcheck::verify::query::Want, ipsets: Option<String>, ipv6: bool, opts: LoadOptions) -> ExitCode {
    use fwcheck::verify::query::{ask, parse, Answered, Want};
    let q = match parse(&shape, ipv6) {
        Ok(q) => q,
        Err(e) => return usage(format!("query `{shape}`: {e}")),
    };
    let rs = match load_files(std::slice::from_ref(&rules), &opts) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let sets = match read_ipsets(&ipsets) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let what = if want == Want::Accepted { "accepted" } else { "dropped" };
    let (answer, notes) = ask(&rs, &q, want, sets.as_ref());
    for n in &notes {
        eprintln!("note: {n}");
    }
    match answer {
        Answered::Yes(w) => {
            let keep = |v: &fwcheck::netfilter::walk::Verdict| {
                use fwcheck::netfilter::walk::Verdict;
                match want {
                    Want::Accepted => *v == Verdict::Accept,
                    Want::Dropped => matches!(v, Verdict::Drop | Verdict::Reject { .. }),
                }
            };
            let out = fwcheck::report::lint::witness(&rs, q.family, q.hook, &w, &format!("yes: such a packet can be {what} at {}", q.hook.as_str()), keep);
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Answered::No => {
            println!("no: no packet `{shape}` can be {what} at {} (proved)", q.hook.as_str());
            ExitCode::from(1)
        }
        Answered::Unknown(r) => {
            eprintln!("error: the prover gave up ({r}); no claim is made");
            ExitCode::from(2)
        }
    }
}

fn parse(files: Vec<String>, format: Format, opts: LoadOptions, counters: bool) -> ExitCode {
    let rs = match load_files(&files, &opts) {
        Ok(rs) => rs,
        Err(c) => return c,
    };
    let out = match format {
        Format::Save => {
            let fams = rs.families();
            let mut s = String::new();
            for f in &fams {
                if fams.len() > 1 {
                    s.push_str(&format!("# {}-save\n", f.command()));
                }
                s.push_str(&save(&rs, *f, SaveOptions { counters }));
            }
            s
        }
        Format::Json => serde_json::to_string_pretty(&rs).unwrap_or_default() + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`fwcheck parse x | head`) is not an error.
    let _ = stdout.write_all(out.as_bytes());
    // The process ends here: freeing a large rule set piece by piece would
    // take a tenth of the run.
    std::mem::forget((rs, out));
    ExitCode::SUCCESS
}

/// Renders diagnostics with miette: file:line:col, the source line, a
/// caret under the offending text, and the hint.
fn report_diagnostics(sources: &SourceMap, diags: &[Diagnostic]) {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
    let theme = if std::io::stderr().is_terminal() { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme);
    for d in diags {
        let src = sources.get(d.span.file);
        let (line, col) = src.line_col(d.span.start);
        let sev = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let len = (d.span.end - d.span.start) as usize;
        let mut md = MietteDiagnostic::new(format!("{}:{}:{}: {}", src.name, line, col, d.message))
            .with_code(d.code)
            .with_severity(sev)
            .with_label(LabeledSpan::new(d.label.clone(), d.span.start as usize, len.max(1)));
        if let Some(h) = &d.help {
            md = md.with_help(h.clone());
        }
        let report = miette::Report::new(md).with_source_code(NamedSource::new(src.name.clone(), src.text.to_string()));
        let mut out = String::new();
        if handler.render_report(&mut out, report.as_ref()).is_ok() {
            eprint!("{out}");
        } else {
            eprintln!("{}", d.short(sources));
        }
    }
}
