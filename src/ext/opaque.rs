//! Extensions fwcheck does not model (`-m hashlimit`, `-j TEE` …).
//!
//! They are kept with the words the user wrote, so that a valid real-world
//! rule set always parses and prints back, and every later stage can say
//! "fwcheck cannot evaluate this match" instead of guessing. Which words
//! belong to an opaque extension is decided by the command parser: options
//! no modelled extension claims, each with the words up to the next option.

use super::SaveWriter;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpaqueMatch {
    pub name: String,
    /// The words after `-m NAME`, as written (quotes removed).
    pub words: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpaqueTarget {
    pub name: String,
    pub words: Vec<String>,
}

/// The words as iptables-save prints an extension's values: most raw
/// (`--hashlimit-upto 1/sec`, `--set-tos 0x10/0x3f`), a string only quoted
/// where iptables-restore would otherwise cut it (a blank, a quote, a
/// backslash, nothing at all).
fn save_words(words: &[String], w: &mut SaveWriter) {
    for word in words {
        w.out.push(' ');
        let needs_quotes = word.is_empty() || word.bytes().any(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\\' | b'\''));
        if needs_quotes {
            super::push_save_string(w.out, word);
        } else {
            w.out.push_str(word);
        }
    }
}

impl OpaqueMatch {
    /// What the kernel allows the match (fwcheck knows that much of it).
    pub fn restrictions(&self) -> super::Restrictions {
        super::catalog::restrictions(false, &self.name)
    }

    /// iptables -L of an extension fwcheck does not model: its words.
    pub fn list(&self, out: &mut String) {
        for w in &self.words {
            out.push_str(w);
            out.push(' ');
        }
    }

    pub fn save(&self, w: &mut SaveWriter) {
        save_words(&self.words, w)
    }
}

impl OpaqueTarget {
    /// What the kernel allows the target (fwcheck knows that much of it).
    pub fn restrictions(&self) -> super::Restrictions {
        super::catalog::restrictions(true, &self.name)
    }

    pub fn list(&self, out: &mut String) {
        for w in &self.words {
            out.push_str(w);
            out.push(' ');
        }
    }

    pub fn save(&self, w: &mut SaveWriter) {
        save_words(&self.words, w)
    }
}
