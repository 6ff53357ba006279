//! `-m owner` (libxt_owner, revision 1): the local socket that sent the
//! packet: its user (`--uid-owner`), its group (`--gid-owner`, with
//! `--suppl-groups` also the user's supplementary groups), or whether there
//! is one at all (`--socket-exists`).
//!
//! IDs are numbers (strtoul base 0) up to 4294967294 or ranges `A-B` /
//! `A:B`, printed `A-B` (and `A` when A equals B); a reversed range is
//! rejected by the kernel. Names are looked up with getpwnam/getgrnam on the
//! machine that loads the rules, which fwcheck cannot see: it knows the
//! fixed system users and groups of Debian's base-passwd (root, daemon,
//! www-data, nobody …) and asks for the number otherwise. `--pid-owner` and
//! `--cmd-owner` of old kernels are gone. Only packets with a local socket
//! have an owner, so the kernel allows the match only at the OUTPUT and
//! POSTROUTING hooks.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Hook, HookMask};
use serde::Serialize;

/// Debian base-passwd's passwd.master and group.master.
const PASSWD: &str = include_str!("data/passwd");
const GROUP: &str = include_str!("data/group");

/// The largest ID: (uid_t)-1 means "no ID".
pub const MAX_ID: u32 = u32::MAX - 1;

/// An ID range, `lo == hi` for one ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct IdRange {
    pub neg: bool,
    pub lo: u32,
    pub hi: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Owner {
    pub uid: Option<IdRange>,
    pub gid: Option<IdRange>,
    /// `--suppl-groups`: `--gid-owner` also matches supplementary groups.
    pub suppl_groups: bool,
    /// `--socket-exists`, with its negation.
    pub socket_exists: Option<bool>,
}

/// The ID of a name in a passwd- or group-format file.
fn lookup(db: &str, name: &str) -> Option<u32> {
    db.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next() == Some(name)).then(|| f.nth(1).and_then(|id| id.parse().ok())).flatten()
    })
}

/// `NAME`, `ID`, `ID-ID` or `ID:ID`, as `owner_mt_parse` reads them: a
/// name first, then numbers.
fn parse_ids(s: &str, neg: bool, group: bool) -> ExtResult<IdRange> {
    let db = if group { GROUP } else { PASSWD };
    if let Some(id) = lookup(db, s) {
        return Ok(IdRange { neg, lo: id, hi: id });
    }
    let what = if group { "group" } else { "user" };
    let id = |t: &str| parse_uint(t, MAX_ID as u64).map(|v| v as u32);
    let (lo, hi) = match s.split_once(['-', ':']) {
        Some((a, b)) => (id(a), id(b)),
        None => (id(s), id(s)),
    };
    let (Some(lo), Some(hi)) = (lo, hi) else {
        let help = if s.bytes().any(|b| b.is_ascii_alphabetic()) && !s.starts_with("0x") {
            format!(
                "fwcheck knows only the system {what}s of Debian's base-passwd; write the numeric {}, as `id` shows it on the target machine",
                if group { "gid" } else { "uid" }
            )
        } else {
            format!("give a {what} name, a number from 0 to {MAX_ID}, or a range FIRST-LAST")
        };
        return Err(ExtError::new(format!("unknown {what} `{s}`")).help(help));
    };
    if lo > hi {
        return Err(ExtError::new(format!("reversed range `{s}`")).help(format!("write the lower ID first: `{hi}-{lo}`")));
    }
    Ok(IdRange { neg, lo, hi })
}

fn save_ids(w: &mut SaveWriter, name: &str, r: &Option<IdRange>) {
    if let Some(r) = r {
        if r.lo == r.hi {
            w.opt(r.neg, name, r.lo);
        } else {
            w.opt(r.neg, name, format!("{}-{}", r.lo, r.hi));
        }
    }
}

fn twice(opt: &str) -> ExtError {
    ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match")
}

/// The match for the prover (see `verify::pred`), as [`MatchEval`] decides
/// it on the socket fields (`Sock`, `Uid`, `Gid`): without a socket the
/// match holds exactly when every option given is negated (and there is no
/// `--suppl-groups`); with one, `! --socket-exists` fails and the ID ranges
/// are tested. Only the supplementary groups of the socket's user are not
/// a field (the packet does not carry them): a free choice.
impl Owner {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        let all_negated = self.uid.is_none_or(|r| r.neg) && self.gid.is_none_or(|r| r.neg) && self.socket_exists.is_none_or(|neg| neg) && !self.suppl_groups;
        let mut with_sock = Vec::new();
        if self.socket_exists == Some(true) {
            with_sock.push(Pred::False);
        }
        if let Some(r) = self.uid {
            with_sock.push(Pred::range(Field::Uid, r.lo as u128, r.hi as u128).negate_if(r.neg));
        }
        if let Some(r) = self.gid {
            let primary = Pred::range(Field::Gid, r.lo as u128, r.hi as u128);
            let any = if self.suppl_groups {
                Pred::or(vec![primary, Pred::free(format!("owner: a supplementary group of the socket's user in {}-{}", r.lo, r.hi))])
            } else {
                primary
            };
            with_sock.push(any.negate_if(r.neg));
        }
        let sock = Pred::eq(Field::Sock, 1);
        Pred::or(vec![
            Pred::and(vec![sock.clone(), Pred::and(with_sock)]),
            Pred::and(vec![sock.negate_if(true), if all_negated { Pred::True } else { Pred::False }]),
        ])
    }
}

impl Extension for Owner {
    const NAME: &'static str = "owner";
    const OPTIONS: &'static [Opt] =
        &[Opt::value(&["uid-owner"], true), Opt::value(&["gid-owner"], true), Opt::flag(&["socket-exists"], true), Opt::flag(&["suppl-groups"], false)];

    fn new(_: &Cx) -> Owner {
        Owner::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        match opt {
            "uid-owner" | "gid-owner" => {
                let group = opt == "gid-owner";
                let slot = if group { &mut self.gid } else { &mut self.uid };
                if slot.is_some() {
                    return Err(twice(opt));
                }
                *slot = Some(parse_ids(a.value, a.neg, group)?);
            }
            "socket-exists" => {
                if self.socket_exists.is_some() {
                    return Err(twice(opt));
                }
                self.socket_exists = Some(a.neg);
            }
            _ => {
                if self.suppl_groups {
                    return Err(twice(opt));
                }
                if self.gid.is_none() {
                    return Err(ExtError::new("`--suppl-groups` before `--gid-owner`").help("write `--gid-owner GROUP --suppl-groups`"));
                }
                self.suppl_groups = true;
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.uid.is_none() && self.gid.is_none() && self.socket_exists.is_none() {
            return Err(ExtError::new("`-m owner` without an option").help("add --uid-owner USER, --gid-owner GROUP or --socket-exists"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(neg) = self.socket_exists {
            w.flag(neg, "socket-exists");
        }
        save_ids(w, "uid-owner", &self.uid);
        save_ids(w, "gid-owner", &self.gid);
        if self.suppl_groups {
            w.flag(false, "suppl-groups");
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { hooks: HookMask::of(&[Hook::Output, Hook::Postrouting]), ..Restrictions::NONE }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `owner_mt` (xt_owner.c). Without a local socket the kernel answers
/// `(match ^ invert) == 0`: true exactly when every option given is
/// negated, so `! --socket-exists` and `! --uid-owner 0` both match a
/// forwarded packet, and `--suppl-groups`, which cannot be negated, makes
/// the match false. With a socket, `! --socket-exists` is false, and the
/// user and group ranges are tested on the socket's credentials, the group
/// test also on the supplementary groups with `--suppl-groups`.
impl MatchEval for Owner {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let Some(o) = &p.owner else {
            let all_negated =
                self.uid.is_none_or(|r| r.neg) && self.gid.is_none_or(|r| r.neg) && self.socket_exists.is_none_or(|neg| neg) && !self.suppl_groups;
            return Tri::from_bool(all_negated);
        };
        if self.socket_exists == Some(true) {
            return Tri::No;
        }
        let ok = self.uid.is_none_or(|r| r.holds(o.uid) != r.neg)
            && self.gid.is_none_or(|r| (r.holds(o.gid) || (self.suppl_groups && o.groups.iter().any(|g| r.holds(*g)))) != r.neg);
        Tri::from_bool(ok)
    }
}

impl IdRange {
    fn holds(&self, id: u32) -> bool {
        self.lo <= id && id <= self.hi
    }
}

/// libxt_owner's print (revision 1), with `-n` (IDs as numbers, not names):
/// ` owner socket exists`, ` owner UID match 1000`, ` owner GID match 5-9`,
/// ` incl. suppl. groups`, in that order, each negated one after ` !`.
impl super::ListForm for Owner {
    fn list(&self, out: &mut String) {
        if let Some(neg) = self.socket_exists {
            out.push_str(if neg { " ! owner socket exists" } else { " owner socket exists" });
        }
        for (label, r) in [("owner UID match", &self.uid), ("owner GID match", &self.gid)] {
            if let Some(r) = r {
                out.push_str(if r.neg { " ! " } else { " " });
                out.push_str(label);
                if r.lo == r.hi {
                    out.push_str(&format!(" {}", r.lo));
                } else {
                    out.push_str(&format!(" {}-{}", r.lo, r.hi));
                }
            }
        }
        if self.suppl_groups {
            out.push_str(" incl. suppl. groups");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_names_and_ranges() {
        assert_eq!(parse_ids("root", false, false), Ok(IdRange { neg: false, lo: 0, hi: 0 }));
        assert_eq!(parse_ids("www-data", false, true).map(|r| r.lo), Ok(33));
        assert_eq!(parse_ids("nogroup", false, true).map(|r| r.lo), Ok(65534));
        assert_eq!(parse_ids("1000:2000", true, false), Ok(IdRange { neg: true, lo: 1000, hi: 2000 }));
        assert_eq!(parse_ids("0x10", false, false).map(|r| r.hi), Ok(16));
        assert!(parse_ids("4294967295", false, false).is_err());
        assert!(parse_ids("9-5", false, false).is_err());
        assert!(parse_ids("1-", false, false).is_err());
        assert!(parse_ids("nosuchuser", false, false).is_err());
    }

    use crate::ir::{Family, Hook};
    use crate::predict::packet::rule_matches;
    use crate::predict::SocketOwner;

    fn eval(spec: &str, owner: Option<SocketOwner>) -> Tri {
        let m = rule_matches(Family::Ipv4, "filter", "OUTPUT", spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443);
        p.owner = owner.map(Box::new);
        m[0].eval(&p, &EvalCx { hook: Hook::Output, local: &[], lab: None })
    }

    fn user(uid: u32, gid: u32, groups: &[u32]) -> Option<SocketOwner> {
        Some(SocketOwner { uid, gid, groups: groups.to_vec() })
    }

    #[test]
    fn user_and_group_ranges() {
        let alice = || user(1000, 1000, &[27, 100]);
        assert_eq!(eval("-m owner --uid-owner 1000", alice()), Tri::Yes);
        assert_eq!(eval("-m owner --uid-owner 0", alice()), Tri::No);
        assert_eq!(eval("-m owner ! --uid-owner 0", alice()), Tri::Yes);
        assert_eq!(eval("-m owner ! --uid-owner 1000", alice()), Tri::No);
        assert_eq!(eval("-m owner --uid-owner 1000-2000", alice()), Tri::Yes);
        assert_eq!(eval("-m owner --uid-owner 500-1000", alice()), Tri::Yes);
        assert_eq!(eval("-m owner --uid-owner 1001-2000", alice()), Tri::No);
        assert_eq!(eval("-m owner --gid-owner 1000", alice()), Tri::Yes);
        assert_eq!(eval("-m owner --gid-owner 100", alice()), Tri::No);
        assert_eq!(eval("-m owner --gid-owner 100 --suppl-groups", alice()), Tri::Yes);
        assert_eq!(eval("-m owner ! --gid-owner 100 --suppl-groups", alice()), Tri::No);
        assert_eq!(eval("-m owner --gid-owner 28-99 --suppl-groups", alice()), Tri::No);
        assert_eq!(eval("-m owner --uid-owner 1000 --gid-owner 0", alice()), Tri::No);
    }

    #[test]
    fn socket_exists() {
        assert_eq!(eval("-m owner --socket-exists", user(0, 0, &[])), Tri::Yes);
        assert_eq!(eval("-m owner ! --socket-exists", user(0, 0, &[])), Tri::No);
        assert_eq!(eval("-m owner --socket-exists", None), Tri::No);
        assert_eq!(eval("-m owner ! --socket-exists", None), Tri::Yes);
    }

    #[test]
    fn without_a_socket_only_all_negated_matches() {
        assert_eq!(eval("-m owner --uid-owner 0", None), Tri::No);
        assert_eq!(eval("-m owner ! --uid-owner 0", None), Tri::Yes);
        assert_eq!(eval("-m owner ! --uid-owner 0 ! --gid-owner 0", None), Tri::Yes);
        assert_eq!(eval("-m owner ! --uid-owner 0 --gid-owner 0", None), Tri::No);
        assert_eq!(eval("-m owner ! --socket-exists ! --uid-owner 0", None), Tri::Yes);
        assert_eq!(eval("-m owner ! --gid-owner 0 --suppl-groups", None), Tri::No);
    }
}

/// `skuid 0`, `skgid != 5-9`. Without a socket neither matches, negated or
/// not, as in the owner match. `--socket-exists` and `--suppl-groups` have
/// no nft form.
impl crate::translate::ToNft for Owner {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::{self, Untranslatable};
        use nftables::expr::MetaKey;
        if self.socket_exists.is_some() {
            return Err(Untranslatable::new("--socket-exists has no nft form"));
        }
        if self.suppl_groups {
            return Err(Untranslatable::new("--suppl-groups has no nft form (nft's skgid is the primary group only)"));
        }
        for (key, r) in [(MetaKey::Skuid, &self.uid), (MetaKey::Skgid, &self.gid)] {
            if let Some(r) = r {
                // xt_owner's `!` matches a packet with no socket (a reset
                // or an ICMP error the kernel makes); nft's `meta skuid !=`
                // fails on one. Found by the random kernel differential.
                if r.neg {
                    return Err(Untranslatable::new(
                        "`! --uid-owner`/`! --gid-owner` match packets without a socket (the kernel's own resets and ICMP errors); nft's `meta skuid !=` does not",
                    ));
                }
                cx.push(nft::eq(nft::meta(key), r.neg, nft::num_range(r.lo, r.hi)));
            }
        }
        Ok(())
    }
}
