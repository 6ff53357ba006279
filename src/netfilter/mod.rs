//! The kernel's rules for walking a packet through netfilter, in one place:
//! which tables each hook consults and in what order, which hooks a packet
//! passes on its way, when the nat table is consulted, when connection
//! tracking is on, and what a chain's policy counter counts on each backend.
//! Each fact cites the kernel or the observation it comes from.

pub mod compiled;
pub mod limits;
pub mod recent;
pub mod walk;

use crate::ext::{Match, Target, TargetExt};
use crate::ir::{Chain, Hook, Origin, Ruleset, TableName};
use serde::Serialize;

/// The tables a hook consults, in the order the kernel calls them: by hook
/// priority (include/uapi/linux/netfilter_ipv4.h): raw -300, (conntrack
/// -200), mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100.
/// The same for IPv6. iptables-nft 1.8.9 registers its security chains at
/// priority 150 instead (`nft list table ip security` shows it), so there
/// nat INPUT comes before security INPUT (found by the random kernel
/// differential, `tests/predict_generated.rs`).
pub fn tables_at(hook: Hook, backend: Backend) -> &'static [TableName] {
    use TableName::*;
    match hook {
        Hook::Prerouting => &[Raw, Mangle, Nat],
        Hook::Input if backend == Backend::IptablesNft => &[Mangle, Filter, Nat, Security],
        Hook::Input => &[Mangle, Filter, Security, Nat],
        Hook::Forward => &[Mangle, Filter, Security],
        Hook::Output => &[Raw, Mangle, Nat, Filter, Security],
        Hook::Postrouting => &[Mangle, Nat],
    }
}

/// The way a packet takes through the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Path {
    /// Arrives on an interface for a local address: PREROUTING, INPUT.
    LocalIn,
    /// Arrives on an interface for another host: PREROUTING, FORWARD,
    /// POSTROUTING (only with ip_forward on; otherwise it is dropped
    /// after PREROUTING).
    Forward,
    /// Sent by a local process: OUTPUT, POSTROUTING.
    LocalOut,
}

impl Path {
    /// The hooks of the path, before the routing decision splits them.
    pub fn hooks(self) -> &'static [Hook] {
        match self {
            Path::LocalIn => &[Hook::Prerouting, Hook::Input],
            Path::Forward => &[Hook::Prerouting, Hook::Forward, Hook::Postrouting],
            Path::LocalOut => &[Hook::Output, Hook::Postrouting],
        }
    }
}

/// Which iptables flavour loads the rules: it changes what policy counters
/// read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// iptables 1.8 over nf_tables, Debian's default `iptables`.
    #[default]
    IptablesNft,
    IptablesLegacy,
    /// Native nft rule sets.
    Nft,
}

/// Whether a packet falling to the chain's policy moves its policy counter.
///
/// - iptables-legacy: always (the policy is the last rule of the chain in
///   the kernel's table blob, with its own counter).
/// - iptables-nft (1.8.9): only when the base chain was created by `-P` or
///   by iptables-restore; a base chain that `-A` created implicitly has no
///   counter on its policy and lists 0 (observed on Linux 6.18 with
///   iptables 1.8.9; upstream changed this in 2023).
/// - native nft: base chain policies have no counter.
pub fn policy_counts(backend: Backend, chain: &Chain) -> bool {
    match backend {
        Backend::IptablesLegacy => true,
        Backend::IptablesNft => chain.origin != Origin::Implicit,
        Backend::Nft => false,
    }
}

/// Whether connection tracking is switched on in the namespace. It is off
/// until some rule needs it (a state, conntrack or connmark match, a NAT,
/// CONNMARK, CT or NOTRACK target): the kernel enables conntrack per
/// namespace on demand (nf_ct_netns_get). Until then the nat table sees no
/// packet at all, observed with a lone `-t nat -A PREROUTING -j ACCEPT`
/// staying at 0 under ping.
pub fn conntrack_on(rs: &Ruleset) -> bool {
    rs.tables.iter().flat_map(|t| &t.chains).flat_map(|c| &c.rules).any(|r| {
        r.matches.iter().any(|m| match m {
            Match::State(_) | Match::Conntrack(_) | Match::Connmark(_) => true,
            Match::Opaque(o) => crate::ext::catalog::needs_conntrack(false, &o.name),
            _ => false,
        }) || matches!(&r.target, Target::Ext(TargetExt::Opaque(o)) if crate::ext::catalog::needs_conntrack(true, &o.name))
            || matches!(
                &r.target,
                Target::Ext(
                    TargetExt::Dnat(_)
                        | TargetExt::Snat(_)
                        | TargetExt::Masquerade(_)
                        | TargetExt::Redirect(_)
                        | TargetExt::Connmark(_)
                        | TargetExt::Ct(_)
                        | TargetExt::Notrack(_)
                )
            )
    })
}
