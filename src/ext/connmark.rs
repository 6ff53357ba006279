//! `-m connmark [!] --mark VALUE[/MASK]` (libxt_connmark, revision 1): the
//! mark of the packet's conntrack entry (ct mark), ANDed with MASK, equals
//! VALUE.
//!
//! Same numbers and printing as the mark match ([`super::mark`]): base-0
//! 32-bit numbers, lower-case hex, an all-ones mask left out. No table or
//! hook restriction (a packet without conntrack entry has ct mark 0).

use super::mark::parse_mark;
use super::value::ValueMask;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Connmark {
    /// `--mark` with its negation.
    pub mark: Option<(bool, ValueMask)>,
}

impl Extension for Connmark {
    const NAME: &'static str = "connmark";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["mark"], true)];

    fn new(_: &Cx) -> Connmark {
        Connmark::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        parse_mark(&mut self.mark, a)
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.mark.is_none() {
            return Err(ExtError::new("`-m connmark` without `--mark`").help("write `-m connmark --mark VALUE[/MASK]`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some((neg, vm)) = self.mark {
            w.opt(neg, "mark", vm.to_save());
        }
    }
}

/// libxt_connmark's print: ` connmark match ` then `!` when negated, then
/// the mark with its own leading space, so a plain match has two spaces
/// (` connmark match  0x1`) and a negated one reads ` connmark match ! 0x1`.
impl super::ListForm for Connmark {
    fn list(&self, out: &mut String) {
        out.push_str(" connmark match ");
        if let Some((neg, vm)) = self.mark {
            if neg {
                out.push('!');
            }
            super::mark::list_mark(out, vm);
        }
    }
}
