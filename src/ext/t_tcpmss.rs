//! `-j TCPMSS` (libxt_TCPMSS): rewrite the MSS option of TCP SYN packets,
//! to a fixed `--set-mss` or to the path MTU less the headers
//! (`--clamp-mss-to-pmtu`).
//!
//! The two options overwrite one field, so the last one given wins. The
//! kernel (`tcpmss_tg4_check`) needs a non-negated `-p tcp` and allows
//! clamping only where the route is known: FORWARD, OUTPUT and POSTROUTING.
//! iptables-legacy also demands a tcp match that tests SYN; under
//! iptables-nft that check is skipped, so `-p tcp -j TCPMSS ...` alone loads.
//! The largest MSS is 65535 less the minimal IP and TCP headers the option
//! leaves room for: 65515 for IPv4, 65495 for IPv6.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, Hook, HookMask};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mss {
    Set(u16),
    ClampToPmtu,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tcpmss {
    pub mss: Option<Mss>,
    #[serde(skip)]
    family: Family,
    #[serde(skip)]
    given: super::Seen,
}

impl Extension for Tcpmss {
    const NAME: &'static str = "TCPMSS";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["set-mss"], false), Opt::flag(&["clamp-mss-to-pmtu"], false)];

    fn new(cx: &Cx) -> Tcpmss {
        Tcpmss { mss: None, family: cx.family, given: super::Seen::default() }
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.given.contains(&opt) {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once"));
        }
        self.given.push(opt);
        self.mss = Some(if opt == "set-mss" {
            let max = match self.family {
                Family::Ipv4 => 65535 - 20,
                Family::Ipv6 => 65535 - 40,
            };
            let v = parse_uint(a.value, max).ok_or_else(|| ExtError::new(format!("bad MSS `{}`", a.value)).help(format!("give 0 to {max}")))?;
            Mss::Set(v as u16)
        } else {
            Mss::ClampToPmtu
        });
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.mss.is_none() {
            return Err(ExtError::new("`-j TCPMSS` without an MSS").help("add `--set-mss N` or `--clamp-mss-to-pmtu`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        match self.mss {
            Some(Mss::Set(n)) => w.opt(false, "set-mss", n),
            Some(Mss::ClampToPmtu) => w.flag(false, "clamp-mss-to-pmtu"),
            None => {}
        }
    }

    fn restrictions(&self) -> Restrictions {
        let hooks = match self.mss {
            Some(Mss::ClampToPmtu) => HookMask::of(&[Hook::Forward, Hook::Output, Hook::Postrouting]),
            _ => HookMask::ALL,
        };
        Restrictions { tables: None, hooks, protos: Some(&[6]), negated_proto_ok: false }
    }
}

/// libxt_TCPMSS's print: ` TCPMSS set N` or ` TCPMSS clamp to PMTU`.
impl super::ListForm for Tcpmss {
    fn list(&self, out: &mut String) {
        match self.mss {
            Some(Mss::Set(n)) => out.push_str(&format!(" TCPMSS set {n}")),
            Some(Mss::ClampToPmtu) => out.push_str(" TCPMSS clamp to PMTU"),
            None => {}
        }
    }
}

/// `tcp option maxseg size set 1400` or `set rt mtu` (the clamp). Both
/// only ever lower the MSS, like the TCPMSS target.
impl crate::translate::ToNft for Tcpmss {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::{self, Expression, NamedExpression, Stmt};
        let key = Expression::Named(NamedExpression::TcpOption(nftables::expr::TcpOption { name: "maxseg".into(), field: Some("size".into()) }));
        let value = match self.mss {
            Some(Mss::Set(v)) => nft::n(v as u32),
            _ => Expression::Named(NamedExpression::RT(nftables::expr::RT { key: nftables::expr::RTKey::MTU, family: None })),
        };
        cx.target.push(Stmt::Mangle(nftables::stmt::Mangle { key, value }));
        Ok(())
    }
}
