//! Extensions: one file per iptables match or target, as in iptables' own
//! `extensions/` folder.
//!
//! Each file holds everything fwcheck knows about one extension: its options
//! (as data, [`Opt`]), how it parses them (rejecting what iptables and the
//! kernel reject), where the kernel allows it ([`Restrictions`]) and its
//! canonical iptables-save form. Adding an extension is one file plus one
//! line in the `registry!` invocations below; dispatch is static, through the
//! enums that macro generates.
//!
//! An `-m NAME` or `-j NAME` that fwcheck does not model is kept as an
//! [`opaque`] extension with its words, so a valid real-world file always
//! parses; it is printed back as written.

pub mod catalog;
pub mod generic;
pub mod opaque;
pub mod standard;
pub mod value;

pub mod addrtype;
pub mod comment;
pub mod connmark;
pub mod conntrack;
pub mod icmp;
pub mod icmp6;
pub mod iprange;
pub mod length;
pub mod limit;
pub mod mac;
pub mod mark;
pub mod multiport;
pub mod owner;
pub mod physdev;
pub mod pkttype;
pub mod recent;
pub mod set;
pub mod state;
pub mod t_connmark;
pub mod t_ct;
pub mod t_log;
pub mod t_mark;
pub mod t_nat;
pub mod t_nflog;
pub mod t_reject;
pub mod t_tcpmss;
pub mod tcp;
pub mod ttl;
pub mod udp;

pub use generic::IpMatch;
pub use opaque::{OpaqueMatch, OpaqueTarget};
pub use standard::Target;

use crate::ir::{Family, HookMask, TableName};
use crate::predict::{EvalCx, Packet, Tri};
use crate::source::Span;
use serde::Serialize;
use std::fmt::Display;

/// One option of an extension, e.g. tcp's `--dport`.
#[derive(Debug, PartialEq, Eq)]
pub struct Opt {
    /// The option's long names without `--`; the first is canonical, the
    /// others are aliases (`destination-port` for `dport`).
    pub names: &'static [&'static str],
    /// How many values the option takes (0, 1, or 2 for `--tcp-flags MASK COMP`).
    pub args: u8,
    /// Whether `! --opt` is allowed.
    pub invert: bool,
}

impl Opt {
    /// An option that takes one value.
    pub const fn value(names: &'static [&'static str], invert: bool) -> Opt {
        Opt { names, args: 1, invert }
    }
    /// An option without a value.
    pub const fn flag(names: &'static [&'static str], invert: bool) -> Opt {
        Opt { names, args: 0, invert }
    }
    /// An option with two values.
    pub const fn pair(names: &'static [&'static str], invert: bool) -> Opt {
        Opt { names, args: 2, invert }
    }
    pub fn name(&self) -> &'static str {
        self.names[0]
    }
}

/// An option as the user gave it.
#[derive(Debug, Clone)]
pub struct Arg<'a> {
    pub neg: bool,
    /// The value, or `""` for a flag.
    pub value: &'a str,
    /// The second value of a two-value option, else `""`.
    pub value2: &'a str,
    /// Span of the value (or of the option, for a flag).
    pub span: Span,
}

/// Options an extension has seen while parsing, to refuse repeats. It is
/// parse-time bookkeeping, not part of what the rule means: two rules that
/// differ only in it are equal, and it is not serialized.
#[derive(Clone, Default)]
pub struct Seen(pub Vec<&'static str>);

impl PartialEq for Seen {
    fn eq(&self, _: &Seen) -> bool {
        true
    }
}
impl Eq for Seen {}
impl std::hash::Hash for Seen {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}
impl std::fmt::Debug for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seen")
    }
}
impl std::ops::Deref for Seen {
    type Target = Vec<&'static str>;
    fn deref(&self) -> &Vec<&'static str> {
        &self.0
    }
}
impl std::ops::DerefMut for Seen {
    fn deref_mut(&mut self) -> &mut Vec<&'static str> {
        &mut self.0
    }
}

/// What went wrong in an extension's option; the caller adds the span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtError {
    pub message: String,
    pub help: Option<String>,
}

impl ExtError {
    pub fn new(message: impl Into<String>) -> ExtError {
        ExtError { message: message.into(), help: None }
    }
    pub fn help(mut self, help: impl Into<String>) -> ExtError {
        self.help = Some(help.into());
        self
    }
}

pub type ExtResult<T = ()> = Result<T, ExtError>;

/// What an extension can see of the rule while it parses: the family, the
/// table, and the rule's `-p` so far (iptables checks it option by option, so
/// `-m multiport --dports 22 -p tcp` fails while `-p tcp -m multiport
/// --dports 22` works).
#[derive(Debug, Clone, Copy)]
pub struct Cx {
    pub family: Family,
    pub table: TableName,
    /// Protocol number of a non-negated `-p`, if any (0 is `all`).
    pub proto: Option<u8>,
}

/// Where the kernel accepts an extension. `validate` enforces these against
/// the hooks a rule's chain is reachable from, like the kernel's
/// `xt_check_match` / `xt_check_target`.
#[derive(Debug, Clone, Copy)]
pub struct Restrictions {
    /// Tables the extension is allowed in; `None` for all.
    pub tables: Option<&'static [TableName]>,
    /// Hooks the extension is allowed at.
    pub hooks: HookMask,
    /// The extension needs `-p` to be one of these protocols.
    pub protos: Option<&'static [u8]>,
    /// Whether `! -p PROTO` satisfies `protos`. iptables-nft turns tcp and
    /// udp into native nft expressions and accepts it; the kernel's xt
    /// check (iptables-legacy, and other matches on nft) does not.
    pub negated_proto_ok: bool,
}

impl Restrictions {
    pub const NONE: Restrictions = Restrictions { tables: None, hooks: HookMask::ALL, protos: None, negated_proto_ok: false };
}

/// Behaviour every extension file provides.
pub trait Extension: Sized {
    /// The name after `-m` or `-j`.
    const NAME: &'static str;
    const OPTIONS: &'static [Opt];
    fn new(cx: &Cx) -> Self;
    /// One option; called in the order the options were written.
    fn parse(&mut self, opt: &'static str, arg: &Arg, cx: &Cx) -> ExtResult;
    /// After all options: required options, combinations.
    fn finish(&mut self, _cx: &Cx) -> ExtResult {
        Ok(())
    }
    /// Everything after `-m NAME` / `-j NAME` in iptables-save form.
    fn save(&self, w: &mut SaveWriter);
    fn restrictions(&self) -> Restrictions {
        Restrictions::NONE
    }
}

/// How a match decides on a concrete packet: yes, no, or unknown with the
/// reason when the packet alone cannot decide (a rate limit, a recent list,
/// a set whose contents fwcheck was not given). Every match implements it in
/// its own file.
pub trait MatchEval {
    fn eval(&self, p: &Packet, cx: &EvalCx) -> Tri;
}

/// How `iptables -L` prints an extension: its xtables `print` function,
/// which differs from the save form (`tcp dpt:22`, `ctstate NEW`,
/// `/* comment */`). `numeric` is `-n`; fwcheck always lists numerically.
/// Like the print functions, `list` starts every piece with a space
/// (` tcp dpt:22`), so the pieces of a rule are simply concatenated after
/// the destination column (see `report::listing`). Each form is checked
/// against the real `iptables -vnxL` by `tests/kernel_listing.rs`.
pub trait ListForm {
    fn list(&self, out: &mut String);
}

/// Writes iptables-save text: every piece starts with a space.
pub struct SaveWriter<'a> {
    pub out: &'a mut String,
}

impl SaveWriter<'_> {
    /// ` [! ]--name value`
    pub fn opt(&mut self, neg: bool, name: &str, value: impl Display) {
        use std::fmt::Write;
        let _ = write!(self.out, "{} --{} {}", if neg { " !" } else { "" }, name, value);
    }
    /// ` [! ]--name`
    pub fn flag(&mut self, neg: bool, name: &str) {
        if neg {
            self.out.push_str(" !");
        }
        self.out.push_str(" --");
        self.out.push_str(name);
    }
    /// ` [! ]--name "value"`, quoted the way iptables' `xtables_save_string`
    /// quotes: bare when the value is only `[A-Za-z0-9_-]`, else in double
    /// quotes with `"`, `\` and `'` escaped.
    pub fn string(&mut self, neg: bool, name: &str, value: &str) {
        self.flag(neg, name);
        self.out.push(' ');
        push_save_string(self.out, value);
    }
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }
}

pub fn push_save_string(out: &mut String, value: &str) {
    let bare = !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        out.push_str(value);
    } else {
        out.push('"');
        for c in value.chars() {
            if matches!(c, '"' | '\\' | '\'') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
}

/// Generates the `Match` and `TargetExt` enums and their dispatch from one
/// list of `"name" => Variant(Type)` lines. A line may give alias names
/// after the canonical one, `"name" | "alias" => Variant(Type)`: `-m alias`
/// loads the extension, which prints as `-m name` (iptables' own aliases,
/// such as `icmpv6` for `icmp6`).
macro_rules! registry {
    (eval $enum:ident, $opaque:ty, { $($name:literal $(| $alias:literal)* => $variant:ident($ty:ty)),* $(,)? }) => {
        registry!($enum, $opaque, { $($name $(| $alias)* => $variant($ty)),* });

        impl $enum {
            /// Whether the packet matches; see [`MatchEval`].
            pub fn eval(&self, p: &Packet, cx: &EvalCx) -> Tri {
                match self {
                    $($enum::$variant(e) => MatchEval::eval(e, p, cx),)*
                    $enum::Opaque(o) => Tri::unknown(format!("fwcheck does not model the {} match", o.name)),
                }
            }
        }
    };
    ($enum:ident, $opaque:ty, { $($name:literal $(| $alias:literal)* => $variant:ident($ty:ty)),* $(,)? }) => {
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "name", rename_all = "lowercase")]
        pub enum $enum {
            $($variant($ty),)*
            Opaque($opaque),
        }

        #[allow(unused_variables)]
        impl $enum {
            /// The names of the modelled extensions.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// The modelled extension called `name`, if fwcheck has one.
            pub fn known(name: &str, cx: &Cx) -> Option<$enum> {
                match name {
                    $($name $(| $alias)* => Some($enum::$variant(<$ty as Extension>::new(cx))),)*
                    _ => None,
                }
            }
            pub fn name(&self) -> &str {
                match self {
                    $($enum::$variant(_) => $name,)*
                    $enum::Opaque(o) => &o.name,
                }
            }
            pub fn options(&self) -> &'static [Opt] {
                match self {
                    $($enum::$variant(_) => <$ty as Extension>::OPTIONS,)*
                    $enum::Opaque(_) => &[],
                }
            }
            pub fn parse(&mut self, opt: &'static str, arg: &Arg, cx: &Cx) -> ExtResult {
                match self {
                    $($enum::$variant(e) => e.parse(opt, arg, cx),)*
                    $enum::Opaque(_) => Ok(()),
                }
            }
            pub fn finish(&mut self, cx: &Cx) -> ExtResult {
                match self {
                    $($enum::$variant(e) => e.finish(cx),)*
                    $enum::Opaque(_) => Ok(()),
                }
            }
            pub fn save(&self, w: &mut SaveWriter) {
                match self {
                    $($enum::$variant(e) => e.save(w),)*
                    $enum::Opaque(o) => o.save(w),
                }
            }
            /// The `iptables -L` form (see [`ListForm`]).
            pub fn list(&self, out: &mut String) {
                match self {
                    $($enum::$variant(e) => ListForm::list(e, out),)*
                    $enum::Opaque(o) => o.list(out),
                }
            }
            pub fn restrictions(&self) -> Restrictions {
                match self {
                    $($enum::$variant(e) => e.restrictions(),)*
                    $enum::Opaque(o) => o.restrictions(),
                }
            }
        }
    };
}

registry!(eval Match, OpaqueMatch, {
    "addrtype" => Addrtype(addrtype::Addrtype),
    "comment" => Comment(comment::Comment),
    "connmark" => Connmark(connmark::Connmark),
    "conntrack" => Conntrack(conntrack::Conntrack),
    "hl" => Hl(ttl::Hl),
    "icmp" => Icmp(icmp::Icmp),
    "icmp6" | "icmpv6" | "ipv6-icmp" => Icmp6(icmp6::Icmp6),
    "iprange" => Iprange(iprange::Iprange),
    "length" => Length(length::Length),
    "limit" => Limit(limit::Limit),
    "mac" => Mac(mac::Mac),
    "mark" => Mark(mark::Mark),
    "multiport" => Multiport(multiport::Multiport),
    "owner" => Owner(owner::Owner),
    "physdev" => Physdev(physdev::Physdev),
    "pkttype" => Pkttype(pkttype::Pkttype),
    "recent" => Recent(recent::Recent),
    "set" => Set(set::Set),
    "state" => State(state::State),
    "tcp" => Tcp(tcp::Tcp),
    "ttl" => Ttl(ttl::Ttl),
    "udp" => Udp(udp::Udp),
});

registry!(TargetExt, OpaqueTarget, {
    "CONNMARK" => Connmark(t_connmark::Connmark),
    "CT" => Ct(t_ct::Ct),
    "DNAT" => Dnat(t_nat::Dnat),
    "LOG" => Log(t_log::Log),
    "MARK" => Mark(t_mark::Mark),
    "MASQUERADE" => Masquerade(t_nat::Masquerade),
    "NFLOG" => Nflog(t_nflog::Nflog),
    "NOTRACK" => Notrack(t_ct::Notrack),
    "REDIRECT" => Redirect(t_nat::Redirect),
    "REJECT" => Reject(t_reject::Reject),
    "SNAT" => Snat(t_nat::Snat),
    "TCPMSS" => Tcpmss(t_tcpmss::Tcpmss),
});
