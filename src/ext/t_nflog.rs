//! `-j NFLOG` (libxt_NFLOG): hand the packet to a userspace logger over
//! nfnetlink_log, in group `--nflog-group`.
//!
//! iptables-nft turns this target into nft's native `log group` statement,
//! which changes two things against iptables-legacy: the prefix keeps up to
//! 127 bytes (legacy: 63), and the deprecated `--nflog-range` is parsed but
//! dropped (legacy keeps and prints it). `--nflog-range` and `--nflog-size`
//! still exclude each other. Group 0 and threshold 0 are the defaults and
//! are not printed; a given `--nflog-size` is printed even when 0.

use super::t_log::log_prefix;
use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

/// Prefix bytes nft keeps (NF_LOG_PREFIXLEN less the NUL).
pub const MAX_PREFIX: usize = 127;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Nflog {
    pub prefix: Option<String>,
    pub group: Option<u16>,
    /// `--nflog-size`: bytes of the packet copied to userspace.
    pub size: Option<u32>,
    pub threshold: Option<u16>,
    /// `--nflog-range`: deprecated; accepted, then ignored by iptables-nft.
    pub range: Option<u32>,
}

fn number(opt: &str, s: &str, max: u64) -> ExtResult<u64> {
    parse_uint(s, max).ok_or_else(|| ExtError::new(format!("bad `--{opt}` value `{s}`")).help(format!("give a number from 0 to {max}")))
}

impl Extension for Nflog {
    const NAME: &'static str = "NFLOG";
    const OPTIONS: &'static [Opt] = &[
        Opt::value(&["nflog-group"], false),
        Opt::value(&["nflog-prefix"], false),
        Opt::value(&["nflog-range"], false),
        Opt::value(&["nflog-size"], false),
        Opt::value(&["nflog-threshold"], false),
    ];

    fn new(_: &Cx) -> Nflog {
        Nflog::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        let given = match opt {
            "nflog-group" => self.group.is_some(),
            "nflog-prefix" => self.prefix.is_some(),
            "nflog-range" => self.range.is_some(),
            "nflog-size" => self.size.is_some(),
            _ => self.threshold.is_some(),
        };
        if given {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once"));
        }
        match opt {
            "nflog-group" => self.group = Some(number(opt, a.value, u16::MAX as u64)? as u16),
            "nflog-prefix" => self.prefix = Some(log_prefix(opt, a.value, MAX_PREFIX)?),
            "nflog-range" | "nflog-size" => {
                if self.range.is_some() || self.size.is_some() {
                    return Err(ExtError::new("`--nflog-range` and `--nflog-size` together")
                        .help("`--nflog-range` is the deprecated form of `--nflog-size`: give only `--nflog-size`"));
                }
                let v = number(opt, a.value, u32::MAX as u64)? as u32;
                if opt == "nflog-size" {
                    self.size = Some(v);
                } else {
                    self.range = Some(v);
                }
            }
            _ => self.threshold = Some(number(opt, a.value, u16::MAX as u64)? as u16),
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(p) = &self.prefix {
            w.string(false, "nflog-prefix", p);
        }
        if let Some(g) = self.group.filter(|g| *g != 0) {
            w.opt(false, "nflog-group", g);
        }
        if let Some(s) = self.size {
            w.opt(false, "nflog-size", s);
        }
        if let Some(t) = self.threshold.filter(|t| *t != 0) {
            w.opt(false, "nflog-threshold", t);
        }
    }
}

/// libxt_NFLOG's print: the save form without the dashes and without the
/// target's name (` nflog-prefix foo nflog-group 2`), the prefix quoted as
/// iptables-save quotes it.
impl super::ListForm for Nflog {
    fn list(&self, out: &mut String) {
        if let Some(p) = &self.prefix {
            out.push_str(" nflog-prefix ");
            super::push_save_string(out, p);
        }
        if let Some(g) = self.group.filter(|g| *g != 0) {
            out.push_str(&format!(" nflog-group {g}"));
        }
        if let Some(s) = self.size {
            out.push_str(&format!(" nflog-size {s}"));
        }
        if let Some(t) = self.threshold.filter(|t| *t != 0) {
            out.push_str(&format!(" nflog-threshold {t}"));
        }
    }
}

/// `log group N [prefix ...] [snaplen S] [queue-threshold T]`: nft's log
/// statement with a group is NFLOG.
impl crate::translate::ToNft for Nflog {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::Stmt;
        let mut log = nftables::stmt::Log::new(Some(self.group.unwrap_or(0) as u32));
        log.prefix = self.prefix.clone().map(Into::into);
        log.snaplen = self.size;
        log.queue_threshold = self.threshold.filter(|t| *t != 0).map(u32::from);
        cx.target.push(Stmt::Log(Some(log)));
        Ok(())
    }
}
