//! `-j CONNMARK` (libxt_CONNMARK, revision 2): change the connection's mark,
//! or copy marks between the packet and its connection.
//!
//! The set operations are the ones of MARK (printed as `--set-xmark V/M`).
//! `--save-mark` copies the packet mark to the connection,
//! `--restore-mark` the other way, both through `--nfmask` and `--ctmask`
//! (default 0xffffffff; `--mask` sets both and excludes the other two), and
//! iptables-save always prints both masks for them.
//!
//! The options are applied in the order given, into one kernel struct: a
//! `--mask` or `--ctmask` after `--set-mark` replaces the set's mask, while
//! `--set-mark` after `--mask` overwrites it. `--left-shift-mark` and
//! `--right-shift-mark` share one direction and one count, so the last one
//! wins; a count of 0 is not printed.

use super::t_mark::{mark_op, xmark_to_save, MARK_OPS};
use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// `ctmark = (ctmark & ~ctmask) ^ ctmark_value`
    Set,
    /// ctmark from the packet mark.
    SaveMark,
    /// packet mark from ctmark.
    RestoreMark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shift {
    Left,
    Right,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Connmark {
    pub mode: Option<Mode>,
    pub ctmark: u32,
    pub ctmask: u32,
    pub nfmask: u32,
    pub shift: Shift,
    pub shift_bits: u8,
    /// Options already given (each may appear once).
    #[serde(skip)]
    given: super::Seen,
}

/// The set operations are MARK's ([`MARK_OPS`]).
const OPTS: [Opt; 12] = [
    Opt::value(&["set-xmark"], false),
    Opt::value(&["set-mark"], false),
    Opt::value(&["and-mark"], false),
    Opt::value(&["or-mark"], false),
    Opt::value(&["xor-mark"], false),
    Opt::flag(&["save-mark"], false),
    Opt::flag(&["restore-mark"], false),
    Opt::value(&["mask"], false),
    Opt::value(&["nfmask"], false),
    Opt::value(&["ctmask"], false),
    Opt::value(&["left-shift-mark"], false),
    Opt::value(&["right-shift-mark"], false),
];

fn mask(opt: &str, s: &str) -> ExtResult<u32> {
    parse_uint(s, u32::MAX as u64).map(|v| v as u32).ok_or_else(|| ExtError::new(format!("bad `--{opt}` value `{s}`")).help("give a number up to 0xffffffff"))
}

impl Extension for Connmark {
    const NAME: &'static str = "CONNMARK";
    const OPTIONS: &'static [Opt] = &OPTS;

    fn new(_: &Cx) -> Connmark {
        Connmark { mode: None, ctmark: 0, ctmask: u32::MAX, nfmask: u32::MAX, shift: Shift::Left, shift_bits: 0, given: super::Seen::default() }
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.given.contains(&opt) {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once"));
        }
        let is_op = |o: &str| MARK_OPS.iter().any(|m| m.name() == o) || o == "save-mark" || o == "restore-mark";
        if is_op(opt) && self.mode.is_some() {
            return Err(ExtError::new(format!("`--{opt}` after another CONNMARK operation"))
                .help("give exactly one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark, --save-mark, --restore-mark"));
        }
        let conflict = match opt {
            "mask" => self.given.iter().find(|g| **g == "nfmask" || **g == "ctmask"),
            "nfmask" | "ctmask" => self.given.iter().find(|g| **g == "mask"),
            _ => None,
        };
        if let Some(other) = conflict {
            return Err(
                ExtError::new(format!("`--{opt}` together with `--{other}`")).help("`--mask M` sets both masks: give it alone, or --nfmask and --ctmask")
            );
        }
        match opt {
            "save-mark" => self.mode = Some(Mode::SaveMark),
            "restore-mark" => self.mode = Some(Mode::RestoreMark),
            "mask" => {
                let m = mask(opt, a.value)?;
                self.nfmask = m;
                self.ctmask = m;
            }
            "nfmask" => self.nfmask = mask(opt, a.value)?,
            "ctmask" => self.ctmask = mask(opt, a.value)?,
            "left-shift-mark" | "right-shift-mark" => {
                self.shift_bits =
                    parse_uint(a.value, 31).ok_or_else(|| ExtError::new(format!("bad `--{opt}` value `{}`", a.value)).help("shift by 0 to 31 bits"))? as u8;
                self.shift = if opt == "left-shift-mark" { Shift::Left } else { Shift::Right };
            }
            _ => {
                let vm = mark_op(opt, a.value)?;
                self.mode = Some(Mode::Set);
                self.ctmark = vm.value;
                self.ctmask = vm.mask;
            }
        }
        self.given.push(opt);
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.mode.is_none() {
            return Err(ExtError::new("`-j CONNMARK` without an operation").help("add --set-mark, --save-mark or --restore-mark"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        let masks = |w: &mut SaveWriter| {
            w.opt(false, "nfmask", format!("{:#x}", self.nfmask));
            w.opt(false, "ctmask", format!("{:#x}", self.ctmask));
        };
        match self.mode {
            Some(Mode::Set) => w.opt(false, "set-xmark", xmark_to_save(super::value::ValueMask { value: self.ctmark, mask: self.ctmask })),
            Some(Mode::SaveMark) => {
                w.flag(false, "save-mark");
                masks(w);
            }
            Some(Mode::RestoreMark) => {
                w.flag(false, "restore-mark");
                masks(w);
            }
            None => {}
        }
        if self.shift_bits != 0 {
            let name = if self.shift == Shift::Left { "left-shift-mark" } else { "right-shift-mark" };
            w.opt(false, name, self.shift_bits);
        }
    }
}

/// libxt_CONNMARK's print (revision 2): ` CONNMARK` and the mark operation
/// as MARK lists it; ` save` / ` restore`, with ` mask M` when both masks
/// are equal and not all ones, else both masks, the second with a `~`
/// (`save nfmask 0xf0 ctmask ~0xf`, `restore ctmask 0xff nfmask ~0xff`:
/// iptables' own wording); then ` left-shift-mark N` or
/// ` right-shift-mark N` when shifting.
impl super::ListForm for Connmark {
    fn list(&self, out: &mut String) {
        out.push_str(" CONNMARK");
        let masks = |out: &mut String, word: &str, first: (&str, u32), second: (&str, u32)| {
            out.push_str(word);
            let all_ones = first.1 == u32::MAX && second.1 == u32::MAX;
            if first.1 == second.1 && !all_ones {
                out.push_str(&format!(" mask {:#x}", first.1));
            } else if first.1 != second.1 {
                out.push_str(&format!(" {} {:#x} {} ~{:#x}", first.0, first.1, second.0, second.1));
            }
        };
        match self.mode {
            Some(Mode::Set) => super::t_mark::list_xmark(out, super::value::ValueMask { value: self.ctmark, mask: self.ctmask }),
            Some(Mode::SaveMark) => masks(out, " save", ("nfmask", self.nfmask), ("ctmask", self.ctmask)),
            Some(Mode::RestoreMark) => masks(out, " restore", ("ctmask", self.ctmask), ("nfmask", self.nfmask)),
            None => return,
        }
        if self.shift_bits != 0 {
            let name = if self.shift == Shift::Left { "left-shift-mark" } else { "right-shift-mark" };
            out.push_str(&format!(" {name} {}", self.shift_bits));
        }
    }
}

/// `ct mark set ...` (like MARK), `ct mark set meta mark [& M]`
/// (`--save-mark`), `meta mark set ct mark [& M]` (`--restore-mark`). nft
/// cannot combine two registers, so save/restore with a partial mask on the
/// changed side, or with a shift, has no nft form.
impl crate::translate::ToNft for Connmark {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::{self, Stmt, Untranslatable};
        use nftables::expr::MetaKey;
        if self.shift_bits != 0 {
            return Err(Untranslatable::new("a shifted CONNMARK has no nft form"));
        }
        let masked = |reg: nft::Expr, m: u32| if m == u32::MAX { reg } else { nft::and(reg, nft::n(m)) };
        match self.mode {
            Some(Mode::Set) => cx.target.push(super::t_mark::xmark_to_nft(nft::ct("mark"), super::value::ValueMask { value: self.ctmark, mask: self.ctmask })),
            Some(Mode::SaveMark) => {
                // ctmark = (ctmark & ~ctmask) ^ (mark & nfmask)
                if self.ctmask != u32::MAX {
                    return Err(Untranslatable::new("--save-mark with a --ctmask other than 0xffffffff mixes both marks; nft cannot"));
                }
                cx.target.push(Stmt::Mangle(nftables::stmt::Mangle { key: nft::ct("mark"), value: masked(nft::meta(MetaKey::Mark), self.nfmask) }));
            }
            Some(Mode::RestoreMark) => {
                // mark = (mark & ~nfmask) ^ (ctmark & ctmask)
                if self.nfmask != u32::MAX {
                    return Err(Untranslatable::new("--restore-mark with an --nfmask other than 0xffffffff mixes both marks; nft cannot"));
                }
                cx.target.push(Stmt::Mangle(nftables::stmt::Mangle { key: nft::meta(MetaKey::Mark), value: masked(nft::ct("mark"), self.ctmask) }));
            }
            None => {}
        }
        Ok(())
    }
}
