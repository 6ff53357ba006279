//! Proofs about a rule set with the Z3 prover: lints, equivalence of two
//! rule sets, and reachability queries.
//!
//! - [`pred`]: what a match says about a packet, solver-neutral (each
//!   extension writes its own, in its file).
//! - [`smt`]: the only file that names Z3 types: fields as bit-vectors,
//!   formulas, models back into packets.
//! - [`model`]: the rule set as formulas, user chains unfolded.
//! - [`lints`]: one file per lint. [`equiv`], [`query`]: the other two
//!   questions. [`replay`]: every witness walked through `predict`'s walker.
//! - [`ipsets`]: set contents from `ipset save`.
//! - [`concrete`]: packets inside a rule's box, evaluated as `predict`
//!   does: quick evidence that spares most solver calls.
//!
//! Nothing here guesses: a match that the packet cannot decide is a free
//! choice, and a claim that "no packet" does something holds for every
//! choice.

pub mod concrete;
pub mod equiv;
pub mod ipsets;
pub mod lints;
pub mod model;
pub mod pred;
pub mod query;
pub mod replay;
pub mod smt;
