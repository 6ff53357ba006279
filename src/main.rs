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
    match cli.command {
        Command::Parse { files, format, ipv6, ipv4, netns, counters } => {
            let save_family = if ipv6 {
                Some(Family::Ipv6)
            } else if ipv4 {
                Some(Family::Ipv4)
            } else {
                None
            };
            parse(files, format, LoadOptions { save_family, netns }, counters)
        }
    }
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
            Ok(t) => out.push(Source::new(if f == "-" { "<stdin>" } else { f.as_str() }, t)),
            Err(e) => {
                eprintln!("error: cannot read {f}: {e}");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(out)
}

fn parse(files: Vec<String>, format: Format, opts: LoadOptions, counters: bool) -> ExitCode {
    let inputs = match read_inputs(&files) {
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
    std::mem::forget((rs, sources, out));
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
