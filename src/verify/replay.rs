//! Replays a witness packet through `predict`'s walker (the same code that
//! predicts counters), so that no claim of the prover stands without a
//! walk that shows it.

use crate::ir::{Family, Hook, Ruleset};
use crate::netfilter::walk::{Course, HookWalk};
use crate::netfilter::Backend;
use crate::predict::{EvalCx, Packet};

/// Every course of `p` through `hook` (nat aside, as the prover sees it).
pub fn replay(rs: &Ruleset, family: Family, hook: Hook, p: &Packet) -> Result<Vec<Course>, String> {
    let w = HookWalk { rs, family, hook, backend: Backend::IptablesNft, nat: false, cx: EvalCx { hook, local: &[] }, trace: true };
    w.run(p)
}
