//! The front door of the library: input texts in, a `Ruleset` (or every
//! diagnostic) out. `main` and the tests both come through here.

use crate::diag::Diagnostic;
use crate::ir::apply::{build, BuildOptions};
use crate::ir::{Family, Ruleset};
use crate::source::{Source, SourceMap};
use crate::syntax::{self, Script};

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Family of iptables-save blocks; `None` decides per file from its name
    /// (`rules.v6`, `ip6tables.rules` … mean IPv6), else IPv4.
    pub save_family: Option<Family>,
    /// See [`BuildOptions::netns`].
    pub netns: Option<String>,
    /// Read forms iptables-restore 1.8.9 refuses (CRLF line ends, `COMMIT `
    /// with blanks, `-s ! X`, over-long lines and words) with a warning
    /// instead of an error: for reading old dumps, not for deploying them.
    pub lenient: bool,
}

/// The result of loading: the rule set if there was no error, and every
/// diagnostic (warnings too) in input order.
pub struct Loaded {
    pub ruleset: Option<Ruleset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The family a save file holds, guessed only from a naming convention
/// people actually use (iptables-persistent's rules.v4 / rules.v6).
pub fn family_from_name(name: &str) -> Family {
    let base = name.rsplit('/').next().unwrap_or(name);
    if base.ends_with(".v6") || base.contains("ip6tables") || base.ends_with(".ipv6") {
        Family::Ipv6
    } else {
        Family::Ipv4
    }
}

/// Parses every file (in order, as if run one after the other) and builds
/// the rule set.
pub fn load(sources: &mut SourceMap, files: Vec<Source>, opts: &LoadOptions) -> Loaded {
    let mut scripts: Vec<Script> = Vec::new();
    let mut diagnostics = Vec::new();
    for f in files {
        let family = opts.save_family.unwrap_or_else(|| family_from_name(&f.name));
        let text = f.text.clone();
        let id = sources.add(f);
        let (script, diags) = syntax::parse(id, &text, syntax::Options { save_family: family });
        scripts.push(script);
        diagnostics.extend(diags);
    }
    if !opts.lenient {
        for d in diagnostics.iter_mut().filter(|d| syntax::loadable::CODES.contains(&d.code)) {
            d.severity = crate::diag::Severity::Error;
        }
    }
    let (ruleset, diags) = build(scripts, &BuildOptions { netns: opts.netns.clone() });
    diagnostics.extend(diags);
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
    let ok = !diagnostics.iter().any(|d| d.is_error());
    Loaded { ruleset: ok.then_some(ruleset), diagnostics }
}

/// Loads one text; for tests and small tools.
pub fn load_str(name: &str, text: &str, opts: &LoadOptions) -> (SourceMap, Loaded) {
    let mut sources = SourceMap::new();
    let loaded = load(&mut sources, vec![Source::new(name, text)], opts);
    (sources, loaded)
}
