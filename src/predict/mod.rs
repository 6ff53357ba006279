//! Packets and flows through the rule set: what `fwcheck predict` computes.
//!
//! [`packet`] holds the packet model every match evaluates against, and the
//! three-valued answer a match gives ([`Tri`]): a match that cannot be
//! decided from the packet alone (limit, recent, a set whose contents are
//! not known …) answers *unknown* with its reason, and prediction reports
//! both outcomes instead of guessing.

pub mod packet;

pub use packet::{CtDir, CtInfo, CtState, EvalCx, Packet, PktType, SocketOwner, Tri};
