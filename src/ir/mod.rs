//! The rule set every part of fwcheck reads: `Ruleset` > `Table` > `Chain` >
//! `Rule` (an IP header match, extension matches, a target).
//!
//! Front ends build it (see `syntax` and [`apply`]); back ends only read it.
//! Each extension's typed options live in `crate::ext`; this module holds the
//! containers and the bookkeeping the kernel does: which chains exist, how
//! they came to exist, their policies and counters.

pub mod apply;
pub mod save;
pub mod validate;

use crate::ext::{IpMatch, Match, Target};
use crate::source::Span;
use serde::Serialize;
use std::fmt;

/// IPv4 (`iptables`) or IPv6 (`ip6tables`). The two are separate rule sets in
/// the kernel, with separate tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    /// The command that manages this family's rules.
    pub fn command(self) -> &'static str {
        match self {
            Family::Ipv4 => "iptables",
            Family::Ipv6 => "ip6tables",
        }
    }
}

/// The five xtables tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableName {
    Raw,
    Mangle,
    Nat,
    Filter,
    Security,
}

impl TableName {
    pub const ALL: [TableName; 5] = [TableName::Raw, TableName::Mangle, TableName::Nat, TableName::Filter, TableName::Security];

    pub fn parse(s: &str) -> Option<TableName> {
        TableName::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TableName::Raw => "raw",
            TableName::Mangle => "mangle",
            TableName::Nat => "nat",
            TableName::Filter => "filter",
            TableName::Security => "security",
        }
    }

    /// The built-in chains of the table, in the order iptables-save lists
    /// them (the hook order of the kernel's table definitions, e.g.
    /// `net/ipv4/netfilter/iptable_nat.c`).
    pub fn builtin_chains(self) -> &'static [Hook] {
        use Hook::*;
        match self {
            TableName::Raw => &[Prerouting, Output],
            TableName::Mangle => &[Prerouting, Input, Forward, Output, Postrouting],
            TableName::Nat => &[Prerouting, Input, Output, Postrouting],
            TableName::Filter => &[Input, Forward, Output],
            TableName::Security => &[Input, Forward, Output],
        }
    }

    pub fn builtin(self, chain: &str) -> Option<Hook> {
        self.builtin_chains().iter().copied().find(|h| h.as_str() == chain)
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A netfilter hook, named as iptables names its built-in chains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Hook {
    Prerouting,
    Input,
    Forward,
    Output,
    Postrouting,
}

impl Hook {
    pub const ALL: [Hook; 5] = [Hook::Prerouting, Hook::Input, Hook::Forward, Hook::Output, Hook::Postrouting];

    pub fn as_str(self) -> &'static str {
        match self {
            Hook::Prerouting => "PREROUTING",
            Hook::Input => "INPUT",
            Hook::Forward => "FORWARD",
            Hook::Output => "OUTPUT",
            Hook::Postrouting => "POSTROUTING",
        }
    }

    pub fn bit(self) -> HookMask {
        HookMask(1 << self as u8)
    }
}

/// A set of hooks: where a rule can be reached from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HookMask(pub u8);

impl HookMask {
    pub const NONE: HookMask = HookMask(0);
    pub const ALL: HookMask = HookMask(0x1f);

    pub fn of(hooks: &[Hook]) -> HookMask {
        HookMask(hooks.iter().fold(0, |m, h| m | h.bit().0))
    }
    pub fn union(self, o: HookMask) -> HookMask {
        HookMask(self.0 | o.0)
    }
    pub fn contains_all(self, o: HookMask) -> bool {
        self.0 & o.0 == o.0
    }
    pub fn minus(self, o: HookMask) -> HookMask {
        HookMask(self.0 & !o.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn hooks(self) -> impl Iterator<Item = Hook> {
        Hook::ALL.into_iter().filter(move |h| self.0 & h.bit().0 != 0)
    }
}

/// Packet and byte counters, as `[packets:bytes]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counters {
    pub packets: u64,
    pub bytes: u64,
}

/// The policy of a built-in chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Policy {
    Accept,
    Drop,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Accept => "ACCEPT",
            Policy::Drop => "DROP",
        }
    }
}

/// How a chain came to exist. It matters for the counters: with
/// iptables-nft, a base chain that `-A` created implicitly has no policy
/// counter, while one created by `-P` or by iptables-restore has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Declared in an iptables-restore table block (`:NAME ...`), or created
    /// by the restore because the block uses it.
    Restore,
    /// `-N` (user chain), or `-P` or `-Z` (built-in chain; iptables-nft
    /// zeroes a chain by giving it a counter).
    Command,
    /// A built-in chain that came to exist because a command such as `-A`
    /// or `-I` used it.
    Implicit,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chain {
    pub name: String,
    /// The hook of a built-in chain; `None` for a user chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<Hook>,
    /// Built-in chains only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    pub counters: Counters,
    pub origin: Origin,
    pub rules: Vec<Rule>,
    /// Where the chain was declared, if the input declared it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

impl Chain {
    pub fn is_builtin(&self) -> bool {
        self.hook.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// The IP header part: `-s -d -p -i -o -f`.
    pub ip: IpMatch,
    /// Extension matches, in the order they were given (`-m` or implied by
    /// `-p`): the order iptables evaluates and prints them in.
    pub matches: Vec<Match>,
    pub target: Target,
    pub counters: Counters,
    /// The command or line that wrote this rule.
    pub span: Span,
}

impl Rule {
    /// The rule's matches and target in canonical iptables-save form, without
    /// `-A CHAIN`: what identifies a rule for `-D CHAIN rule-spec`.
    pub fn spec(&self) -> String {
        let mut s = String::new();
        save::rule_spec(self, &mut s);
        s
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub family: Family,
    pub name: TableName,
    /// Built-in chains first in hook order, then user chains in creation
    /// order. Call [`Table::reindex`] after adding, removing or renaming one.
    pub chains: Vec<Chain>,
    #[serde(skip)]
    index: ChainIndex,
}

/// Chain name -> position in `Table::chains`. Only a hint: a lookup checks
/// the name at the position and falls back to a scan, so a stale index is
/// slow, never wrong. Not part of what the table means (always equal).
#[derive(Clone, Default)]
struct ChainIndex(rustc_hash::FxHashMap<String, usize>);

impl fmt::Debug for ChainIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainIndex")
    }
}

impl PartialEq for ChainIndex {
    fn eq(&self, _: &ChainIndex) -> bool {
        true
    }
}

impl Table {
    pub fn new(family: Family, name: TableName) -> Table {
        Table { family, name, chains: Vec::new(), index: ChainIndex::default() }
    }

    /// Where the chain called `name` is in [`Table::chains`].
    pub fn position(&self, name: &str) -> Option<usize> {
        match self.index.0.get(name) {
            Some(&i) if self.chains.get(i).is_some_and(|c| c.name == name) => Some(i),
            _ => self.chains.iter().position(|c| c.name == name),
        }
    }

    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.position(name).map(|i| &self.chains[i])
    }

    pub fn chain_mut(&mut self, name: &str) -> Option<&mut Chain> {
        self.position(name).map(|i| &mut self.chains[i])
    }

    /// Adds a chain at the end, keeping the index (a full rebuild per chain
    /// would make declaring n chains cost n squared).
    pub fn push_chain(&mut self, c: Chain) {
        self.index.0.insert(c.name.clone(), self.chains.len());
        self.chains.push(c);
    }

    /// Rebuilds the name index after the chain list changed.
    pub fn reindex(&mut self) {
        self.index.0 = self.chains.iter().enumerate().map(|(i, c)| (c.name.clone(), i)).collect();
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Ruleset {
    /// Tables that exist, ordered by family and then as iptables-save lists
    /// them.
    pub tables: Vec<Table>,
}

impl Ruleset {
    pub fn table(&self, family: Family, name: TableName) -> Option<&Table> {
        self.tables.iter().find(|t| t.family == family && t.name == name)
    }

    pub fn table_mut(&mut self, family: Family, name: TableName) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.family == family && t.name == name)
    }

    pub fn families(&self) -> Vec<Family> {
        let mut f: Vec<Family> = self.tables.iter().map(|t| t.family).collect();
        f.dedup();
        f
    }

    pub fn rule_count(&self) -> usize {
        self.tables.iter().flat_map(|t| &t.chains).map(|c| c.rules.len()).sum()
    }
}
