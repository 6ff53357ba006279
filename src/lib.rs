//! fwcheck: reads iptables rule sets, predicts what the kernel will count,
//! proves properties, translates to nftables, and checks itself against the
//! kernel.
//!
//! Module map (see ARCHITECTURE.md for the invariants):
//! - [`source`]: input files and spans; [`diag`]: diagnostics as data.
//! - [`syntax`]: text -> statements (pest grammar in `grammar/iptables.pest`).
//! - [`ir`]: the rule set, how statements change it, validation, save form.
//! - [`ext`]: one file per iptables match or target.
//! - [`netfilter`]: the kernel's rules for walking a packet through hooks.
//! - [`predict`]: packets, and how matches evaluate them.
//! - [`report`]: output laid out like the real tools' (`iptables -vnxL`).
//! - [`verify`]: proofs with Z3: lint, equiv, query.
//! - [`translate`]: the rule set as an nft script or nft JSON.
//! - [`par`]: large steps split over the cores.

pub mod diag;
pub mod ext;
pub mod ir;
pub mod netfilter;
pub mod netns;
pub mod par;
pub mod predict;
pub mod report;
pub mod scenario;
pub mod source;
pub mod syntax;
pub mod translate;
pub mod verify;

pub mod load;
