//! `-m comment --comment TEXT` (libxt_comment): matches every packet; the
//! text documents the rule. The kernel keeps at most 255 bytes (the struct
//! has 256 with the NUL), and iptables truncates longer text silently; fwcheck
//! does the same but says so.

use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

pub const MAX_COMMENT: usize = 255;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Comment {
    pub text: Option<String>,
}

/// The match for the prover (see `verify::pred`): always true.
impl Comment {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        crate::verify::pred::Pred::True
    }
}

impl Extension for Comment {
    const NAME: &'static str = "comment";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["comment"], false)];

    fn new(_: &Cx) -> Comment {
        Comment::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.text.is_some() {
            return Err(ExtError::new("`--comment` given twice").help("give one --comment per -m comment"));
        }
        let mut t = a.value.to_string();
        if t.len() > MAX_COMMENT {
            let mut cut = MAX_COMMENT;
            while !t.is_char_boundary(cut) {
                cut -= 1;
            }
            t.truncate(cut);
        }
        self.text = Some(t);
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.text.is_none() {
            return Err(ExtError::new("`-m comment` without `--comment`").help("write `-m comment --comment \"why this rule exists\"`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        w.string(false, "comment", self.text.as_deref().unwrap_or(""));
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `comment_mt` (xt_comment.c) returns true for every packet: the text is
/// for the people who read the rules, not for the kernel.
impl MatchEval for Comment {
    fn eval(&self, _: &Packet, _: &EvalCx) -> Tri {
        Tri::Yes
    }
}

/// ` /* TEXT */`, the text as stored, unquoted and unescaped.
impl super::ListForm for Comment {
    fn list(&self, out: &mut String) {
        out.push_str(" /* ");
        out.push_str(self.text.as_deref().unwrap_or(""));
        out.push_str(" */");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_matches_every_packet() {
        use crate::ir::{Family, Hook};
        use crate::predict::packet::rule_matches;
        let cx = EvalCx { hook: Hook::Input, local: &[], lab: None };
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", "-m comment --comment \"why not\"");
        let mut frag = Packet::udp([10, 0, 0, 1], [10, 0, 0, 2], 53, 53);
        frag.fragment = true;
        for p in [Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1, 2), frag] {
            assert_eq!(m[0].eval(&p, &cx), Tri::Yes);
        }
    }
}

/// The rule's nft comment. nft keeps at most 127 bytes and its text syntax
/// has no escape for `"`: such a comment is refused rather than changed.
impl crate::translate::ToNft for Comment {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::Untranslatable;
        let Some(t) = &self.text else { return Ok(()) };
        if t.len() > 127 {
            return Err(Untranslatable::new(format!("the comment is {} bytes; nft keeps at most 127", t.len())));
        }
        cx.comment = Some(t.clone());
        Ok(())
    }
}
