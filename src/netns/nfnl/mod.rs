//! Loading a translated rule set by sending the nf_tables netlink batch
//! from fwcheck itself, instead of through `nft -j -f` (whose JSON parsing
//! takes most of the time of a load: about 200 ms of 260 for 2,000 rules).
//!
//! The batch is what nft would send for the same JSON, message for
//! message; `tests/nfnl.rs` loads every corpus rule set both ways and
//! compares `nft list ruleset`. A rule set holding a statement this
//! encoder does not know is not encoded at all ([`Unsupported`]): the
//! caller loads it through `nft` instead. Hand-written, because the crates
//! that encode nf_tables either link GPL libnftnl or are GPL themselves.
//!
//! - [`attr`]: netlink messages and attributes;
//! - [`expr`]: statements as nf_tables expressions;
//! - [`batch`]: tables, chains, sets and rules as one batch;
//! - [`socket`]: sending it and reading the kernel's errors.

pub mod attr;
pub mod batch;
pub mod expr;
pub mod socket;

pub use batch::{encode, Batch};
pub use expr::Unsupported;

use crate::source::SourceMap;
use crate::translate::Script;
use std::io;

/// Sends the batch in namespace `netns`. On an error the kernel has
/// changed nothing (one transaction); the error names each refused object
/// (and the iptables rule it comes from, when `sources` has it).
pub fn load(netns: &str, batch: &Batch, sources: Option<&SourceMap>) -> io::Result<()> {
    let reply = super::ns::run_in(netns, || socket::send(batch))?;
    if reply.errors.is_empty() {
        if reply.acked {
            return Ok(());
        }
        return Err(io::Error::other("the kernel did not acknowledge the nf_tables batch"));
    }
    let mut lines = Vec::new();
    for (seq, errno) in &reply.errors {
        let why = io::Error::from_raw_os_error(*errno).to_string();
        let why = why.split(" (os error").next().unwrap_or(&why).to_string();
        let line = if *seq == batch.begin_seq {
            format!("the kernel refused the batch: {why}")
        } else {
            match batch.objects.iter().find(|o| o.seq == *seq) {
                Some(o) => {
                    let src = match (o.span, sources) {
                        (Some(sp), Some(map)) => format!(" ({}: {})", map.location(sp), map.text(sp).trim()),
                        _ => String::new(),
                    };
                    format!("the kernel refused {}{src}: {why}", batch.describe(o.what))
                }
                None => format!("the kernel refused message {seq} of the batch: {why}"),
            }
        };
        lines.push(line);
    }
    Err(io::Error::other(lines.join("\n")))
}

/// How a rule set was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// fwcheck's own netlink batch.
    Netlink,
    /// `nft -j -f`, because the encoder does not know this (the reason).
    Nft(String),
}

/// Loads `script` into `netns` as one transaction: by fwcheck's own batch
/// when it encodes every statement, else as nft JSON through `nft -j -f`.
pub fn load_script(netns: &str, script: &Script, sources: Option<&SourceMap>) -> io::Result<Path> {
    match encode(script, 1) {
        Ok(batch) => load(netns, &batch, sources).map(|_| Path::Netlink),
        Err(Unsupported(why)) => super::kernel::load_nft(netns, &crate::translate::json::to_json(script)).map(|_| Path::Nft(why)),
    }
}
