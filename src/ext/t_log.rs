//! `-j LOG` (libxt_LOG): log the packet to the kernel log and go on with the
//! next rule.
//!
//! `--log-prefix` keeps at most 29 bytes: iptables copies it into the
//! kernel's 30-byte field and silently cuts the rest (a trailing space can
//! vanish that way). `--log-level` takes 0 to 7 (strtoul base 0, so `0x3`
//! works) or a syslog name in lower case; `warn` and `err` are not among
//! them. iptables-save leaves out level 4 (`warning`), the default.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

/// Bytes of the prefix the kernel keeps (its field is 30 with the NUL).
pub const MAX_PREFIX: usize = 29;
/// The level the kernel logs at when none is given; not printed.
pub const DEFAULT_LEVEL: u8 = 4;

/// The syslog level names xtables knows (`xt_sysloglevel` in xtoptions.c).
const LEVELS: &[(&str, u8)] = &[("emerg", 0), ("panic", 0), ("alert", 1), ("crit", 2), ("error", 3), ("warning", 4), ("notice", 5), ("info", 6), ("debug", 7)];

/// The flag options, in iptables-save order, with their kernel bits.
const FLAGS: &[(&str, u8)] = &[("log-tcp-sequence", 0x01), ("log-tcp-options", 0x02), ("log-ip-options", 0x04), ("log-uid", 0x08), ("log-macdecode", 0x20)];

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Log {
    pub prefix: Option<String>,
    pub level: Option<u8>,
    /// `XT_LOG_*` bits of the flag options given.
    pub flags: u8,
}

/// The first `max` bytes of `s`, cut at a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    let mut cut = s.len().min(max);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s[..cut].to_string()
}

/// A log prefix as libxt_LOG and libxt_NFLOG take it: at least one byte, no
/// newline, cut to `max` bytes.
pub fn log_prefix(opt: &str, s: &str, max: usize) -> ExtResult<String> {
    if s.is_empty() {
        return Err(ExtError::new(format!("empty `--{opt}`")).help("give at least one character, or leave the option out"));
    }
    if s.contains('\n') {
        return Err(ExtError::new(format!("newline in `--{opt}`")).help("the prefix is one line of the log message"));
    }
    Ok(truncate(s, max))
}

fn level(s: &str) -> ExtResult<u8> {
    if let Some(n) = parse_uint(s, 7) {
        return Ok(n as u8);
    }
    LEVELS.iter().find(|(n, _)| *n == s).map(|(_, l)| *l).ok_or_else(|| {
        let e = ExtError::new(format!("unknown log level `{s}`"));
        let lower = s.to_ascii_lowercase();
        if LEVELS.iter().any(|(n, _)| *n == lower) {
            e.help(format!("level names are lower case: `{lower}`"))
        } else if lower == "warn" || lower == "err" {
            e.help("write `warning` or `error` in full (or 4, 3)")
        } else {
            e.help("give 0 to 7 or emerg, alert, crit, error, warning, notice, info, debug")
        }
    })
}

impl Extension for Log {
    const NAME: &'static str = "LOG";
    const OPTIONS: &'static [Opt] = &[
        Opt::value(&["log-level"], false),
        Opt::value(&["log-prefix"], false),
        Opt::flag(&["log-tcp-sequence"], false),
        Opt::flag(&["log-tcp-options"], false),
        Opt::flag(&["log-ip-options"], false),
        Opt::flag(&["log-uid"], false),
        Opt::flag(&["log-macdecode"], false),
    ];

    fn new(_: &Cx) -> Log {
        Log::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        let twice = || Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once"));
        match opt {
            "log-level" => {
                if self.level.is_some() {
                    return twice();
                }
                self.level = Some(level(a.value)?);
            }
            "log-prefix" => {
                if self.prefix.is_some() {
                    return twice();
                }
                self.prefix = Some(log_prefix(opt, a.value, MAX_PREFIX)?);
            }
            _ => {
                let bit = FLAGS.iter().find(|(n, _)| *n == opt).map_or(0, |(_, b)| *b);
                if self.flags & bit != 0 {
                    return twice();
                }
                self.flags |= bit;
            }
        }
        Ok(())
    }

    /// `--log-level warning` is the default: the same rule as none.
    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.level == Some(DEFAULT_LEVEL) {
            self.level = None;
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(p) = &self.prefix {
            w.string(false, "log-prefix", p);
        }
        if let Some(l) = self.level.filter(|l| *l != DEFAULT_LEVEL) {
            w.opt(false, "log-level", l);
        }
        for (name, bit) in FLAGS {
            if self.flags & bit != 0 {
                w.flag(false, name);
            }
        }
    }
}

/// libxt_LOG's print with `-n`: ` LOG flags N level L`, the flag bits and
/// the level as numbers (the default level 4 too), then ` prefix "TEXT"`
/// with the prefix raw inside the quotes.
impl super::ListForm for Log {
    fn list(&self, out: &mut String) {
        out.push_str(&format!(" LOG flags {} level {}", self.flags, self.level.unwrap_or(DEFAULT_LEVEL)));
        if let Some(p) = self.prefix.as_deref().filter(|p| !p.is_empty()) {
            out.push_str(&format!(" prefix \"{p}\""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(level("0x3"), Ok(3));
        assert_eq!(level("panic"), Ok(0));
        assert_eq!(level("debug"), Ok(7));
        assert!(level("8").is_err());
        assert!(level("warn").is_err());
        assert!(level("DEBUG").is_err());
    }

    #[test]
    fn prefixes_are_cut_to_29_bytes() {
        assert_eq!(log_prefix("log-prefix", &"x".repeat(40), MAX_PREFIX).map(|p| p.len()), Ok(29));
        assert_eq!(log_prefix("log-prefix", "é".repeat(20).as_str(), MAX_PREFIX).map(|p| p.len()), Ok(28));
        assert!(log_prefix("log-prefix", "", MAX_PREFIX).is_err());
    }
}

/// `log prefix "..." level L flags ...`; level 4 (warning) is nft's
/// default and is left out, as iptables-translate does.
impl crate::translate::ToNft for Log {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::Stmt;
        use nftables::stmt::{LogFlag, LogLevel};
        let level = match self.level.unwrap_or(DEFAULT_LEVEL) {
            0 => Some(LogLevel::Emerg),
            1 => Some(LogLevel::Alert),
            2 => Some(LogLevel::Crit),
            3 => Some(LogLevel::Err),
            5 => Some(LogLevel::Notice),
            6 => Some(LogLevel::Info),
            7 => Some(LogLevel::Debug),
            _ => None,
        };
        let mut flags = std::collections::HashSet::new();
        for (bit, f) in [(0x01, LogFlag::TCPSequence), (0x02, LogFlag::TCPOptions), (0x04, LogFlag::IPOptions), (0x08, LogFlag::Skuid), (0x20, LogFlag::Ether)]
        {
            if self.flags & bit != 0 {
                flags.insert(f);
            }
        }
        if flags.len() == 5 {
            flags = std::collections::HashSet::from([LogFlag::All]);
        }
        let mut log = nftables::stmt::Log::new(None);
        log.prefix = self.prefix.clone().map(Into::into);
        log.level = level;
        log.flags = (!flags.is_empty()).then_some(flags);
        cx.target.push(Stmt::Log(Some(log)));
        Ok(())
    }
}
