//! Packets and flows through the rule set: what `fwcheck predict` computes.
//!
//! - [`packet`]: the packet model every match evaluates against, and the
//!   three-valued answer a match gives ([`Tri`]): a match that cannot be
//!   decided from the packet alone (limit, recent, a set whose contents are
//!   not known …) answers *unknown* with its reason, and prediction reports
//!   both outcomes instead of guessing.
//! - [`spec`]: `--packet` / `--flow` specifications.
//! - [`host`]: the host's interfaces, addresses and sysctls.
//! - [`conntrack`]: the connection tracking model.
//! - [`run`]: packets through the hooks of one host, counters per outcome.

pub mod conntrack;
pub mod host;
pub mod packet;
pub mod run;
pub mod spec;

pub use packet::{CtDir, CtInfo, CtState, EvalCx, Packet, PktType, SocketOwner, Tri};
