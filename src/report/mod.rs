//! Reports for people: rule sets and predictions laid out the way the real
//! tools print them, so that a user can diff fwcheck's output against the
//! kernel's. Only `main` uses this module; everything here takes the IR and
//! returns text (no I/O).
//!
//! - [`listing`]: what `iptables -t TABLE -vnxL` (and `ip6tables`) prints.
//! - [`trace`]: a predicted packet's way through the hooks, rule by rule.
//! - [`lint`]: lint findings (text, JSON, SARIF 2.1.0), counterexamples and witnesses.

pub mod lint;
pub mod listing;
pub mod trace;

pub use listing::{listing, listing_chain};
