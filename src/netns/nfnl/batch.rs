//! The whole rule set as one nf_tables batch, message for message what
//! `nft -j -f` sends for fwcheck's JSON (`translate::json`): for each
//! table `add`, `delete`, `add` (replace it whether or not it existed),
//! every chain, then every rule in order, each anonymous set created just
//! before the rule that looks it up. The kernel commits the batch as one
//! transaction.
//!
//! Each message is remembered with its sequence number and what it
//! creates, so an error from the kernel (which names the sequence number)
//! can say which table, chain or rule it refused.

use super::attr::{udata, Buf};
use super::expr::{self, AnonSet, Unsupported, ANON_SET};
use crate::source::Span;
use crate::translate::{NRule, Script};
use nftables::types::{NfChainPolicy, NfChainType, NfFamily, NfHook};

const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_APPEND: u16 = 0x800;
const NLM_F_CREATE: u16 = 0x400;

const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
const NFNL_MSG_BATCH_END: u16 = 0x11;
const NFNL_SUBSYS_NFTABLES: u16 = 10;

// NFT_MSG_* of nf_tables.h, in the nftables subsystem.
const fn nft_msg(m: u16) -> u16 {
    (NFNL_SUBSYS_NFTABLES << 8) | m
}
const NEWTABLE: u16 = nft_msg(0);
const DELTABLE: u16 = nft_msg(2);
const NEWCHAIN: u16 = nft_msg(3);
const NEWRULE: u16 = nft_msg(6);
const NEWSET: u16 = nft_msg(9);
const NEWSETELEM: u16 = nft_msg(12);

/// nft refuses a longer comment (NFTNL_UDATA_COMMENT_MAXLEN).
const COMMENT_MAX: usize = 128;

/// What one message of the batch creates or deletes, by position in the
/// batch's [`Names`]; put into words only when the kernel refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// The table (index into the names).
    Table(usize),
    OldTable(usize),
    /// Table and chain.
    Chain(usize, usize),
    Rule(RuleAt),
    Set(RuleAt),
    SetElems(RuleAt),
}

/// A rule by table, chain and position in the chain (from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleAt {
    pub table: usize,
    pub chain: usize,
    pub rule: usize,
}

/// One message of the batch.
#[derive(Clone, Debug)]
pub struct Object {
    pub seq: u32,
    pub what: What,
    /// The iptables rule a rule message comes from.
    pub span: Option<Span>,
}

/// A table's family and name and the names of its chains, for [`What`].
#[derive(Clone, Debug)]
pub struct Names {
    pub family: &'static str,
    pub table: String,
    pub chains: Vec<String>,
}

/// An encoded batch.
#[derive(Clone, Debug)]
pub struct Batch {
    pub bytes: Vec<u8>,
    pub objects: Vec<Object>,
    /// The sequence number of the last message, the one sent with
    /// NLM_F_ACK: its acknowledgement says the kernel has read them all.
    pub last_seq: u32,
    pub begin_seq: u32,
    /// How many messages and rules, for the record.
    pub rules: usize,
    /// The tables and chains the objects' [`What`] point into.
    pub names: Vec<Names>,
}

impl Batch {
    /// What a message creates, in words: `rule 3 of chain INPUT in table
    /// ip filter`.
    pub fn describe(&self, w: What) -> String {
        let n = |t: usize| &self.names[t];
        let table = |t: usize| format!("table {} {}", n(t).family, n(t).table);
        let rule = |r: RuleAt| format!("rule {} of chain {} in {}", r.rule + 1, n(r.table).chains[r.chain], table(r.table));
        match w {
            What::Table(t) => table(t),
            What::OldTable(t) => format!("the old {}", table(t)),
            What::Chain(t, c) => format!("chain {} in {}", n(t).chains[c], table(t)),
            What::Rule(r) => rule(r),
            What::Set(r) => format!("the anonymous set of {}", rule(r)),
            What::SetElems(r) => format!("the elements of the anonymous set of {}", rule(r)),
        }
    }
}

fn family(f: NfFamily) -> Result<(u8, &'static str), Unsupported> {
    match f {
        NfFamily::IP => Ok((2, "ip")),
        NfFamily::IP6 => Ok((10, "ip6")),
        _ => Err(Unsupported("table family".into())),
    }
}

fn hook(h: NfHook) -> Result<u32, Unsupported> {
    Ok(match h {
        NfHook::Prerouting => 0,
        NfHook::Input => 1,
        NfHook::Forward => 2,
        NfHook::Output => 3,
        NfHook::Postrouting => 4,
        _ => return Err(Unsupported("hook".into())),
    })
}

struct Writer {
    buf: Buf,
    seq: u32,
    objects: Vec<Object>,
    /// Where the last message's flags are, to add NLM_F_ACK to it.
    last_flags_at: usize,
}

impl Writer {
    /// Writes one message of the nftables subsystem; `body` adds its
    /// attributes.
    fn msg(&mut self, ty: u16, flags: u16, fam: u8, what: What, span: Option<Span>, body: impl FnOnce(&mut Buf)) {
        self.seq += 1;
        self.last_flags_at = self.buf.bytes.len() + 6;
        let m = self.buf.msg(ty, NLM_F_REQUEST | flags, self.seq, fam, 0);
        body(&mut self.buf);
        self.buf.end_msg(m);
        self.objects.push(Object { seq: self.seq, what, span });
    }
}

/// Encodes the script, or says what it holds that this encoder does not
/// know. Sequence numbers start after `seq0` (the batch's begin message).
pub fn encode(script: &Script, seq0: u32) -> Result<Batch, Unsupported> {
    encode_in_pieces(script, seq0, None)
}

/// [`encode`], with each table's rules turned into expressions in `pieces`
/// pieces at once (`None`: one per core for 1,000 rules or more), then
/// written in order. The bytes are the same for any number (tests/nfnl.rs).
pub fn encode_in_pieces(script: &Script, seq0: u32, pieces: Option<usize>) -> Result<Batch, Unsupported> {
    // nft's batch for a rule is about 200 to 400 bytes: reserve once.
    let rule_count: usize = script.tables.iter().flat_map(|t| &t.chains).map(|c| c.rules.len()).sum();
    let buf = Buf { bytes: Vec::with_capacity(4096 + 512 * rule_count) };
    let mut w = Writer { buf, seq: seq0, objects: Vec::with_capacity(16 + 2 * rule_count), last_flags_at: 0 };
    let mut names = Vec::with_capacity(script.tables.len());
    let b = w.buf.msg(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq0, 0, NFNL_SUBSYS_NFTABLES);
    w.buf.end_msg(b);
    let mut next_set = 1u32;
    let mut rules = 0;
    for (ti, t) in script.tables.iter().enumerate() {
        let (fam, fname) = family(t.family)?;
        let tname = t.name.as_str();
        names.push(Names { family: fname, table: t.name.clone(), chains: t.chains.iter().map(|c| c.name.clone()).collect() });
        let table = |b: &mut Buf| {
            b.put_strz(1, tname);
            b.put_u32(2, 0);
        };
        w.msg(NEWTABLE, 0, fam, What::Table(ti), None, table);
        w.msg(DELTABLE, 0, fam, What::OldTable(ti), None, |b| b.put_strz(1, tname));
        w.msg(NEWTABLE, 0, fam, What::Table(ti), None, table);
        for (ci, c) in t.chains.iter().enumerate() {
            let base = match &c.base {
                Some(bc) => Some((
                    match bc.ty {
                        NfChainType::Filter => "filter",
                        NfChainType::NAT => "nat",
                        NfChainType::Route => "route",
                    },
                    hook(bc.hook)?,
                    bc.prio,
                    if bc.policy == NfChainPolicy::Accept { 1u32 } else { 0 },
                )),
                None => None,
            };
            w.msg(NEWCHAIN, NLM_F_CREATE, fam, What::Chain(ti, ci), None, |b| {
                b.put_strz(1, tname);
                b.put_strz(3, &c.name);
                if let Some((ty, hooknum, prio, policy)) = base {
                    b.put_strz(7, ty);
                    b.put_u32(5, policy);
                    let h = b.nest(4);
                    b.put_u32(1, hooknum);
                    b.put_u32(2, prio as u32);
                    b.end_nest(h);
                }
            });
        }
        let all: Vec<(usize, usize, &NRule)> =
            t.chains.iter().enumerate().flat_map(|(ci, c)| c.rules.iter().enumerate().map(move |(i, r)| (ci, i, r))).collect();
        let n = pieces.unwrap_or_else(|| crate::par::pieces(all.len(), 500));
        // Expressions for the rules on several cores, then the messages in order.
        let exprs = crate::par::run(crate::par::split(&all, n, |_| 1), |part| part.iter().map(|(_, _, r)| rule_exprs(t.family, r)).collect::<Vec<_>>());
        for (&(ci, i, r), e) in all.iter().zip(exprs.into_iter().flatten()) {
            let c = &t.chains[ci];
            let NRule::Rule { comment, span, .. } = r else {
                return Err(Unsupported("an untranslated rule".into()));
            };
            let (mut exprs, mut sets) = e?;
            expr::renumber_sets(&mut exprs, &mut sets, next_set);
            next_set += sets.len() as u32;
            let ud = match comment {
                Some(cm) if cm.len() > COMMENT_MAX || cm.contains('\0') => return Err(Unsupported("comment".into())),
                Some(cm) => {
                    let mut v = cm.as_bytes().to_vec();
                    v.push(0);
                    let mut u = Vec::new();
                    udata(&mut u, 0, &v); // NFTNL_UDATA_RULE_COMMENT
                    Some(u)
                }
                None => None,
            };
            for s in &sets {
                set_messages(&mut w, fam, tname, s, RuleAt { table: ti, chain: ci, rule: i }, *span);
            }
            w.msg(NEWRULE, NLM_F_CREATE | NLM_F_APPEND, fam, What::Rule(RuleAt { table: ti, chain: ci, rule: i }), *span, |b| {
                b.put_strz(1, tname);
                b.put_strz(2, &c.name);
                let l = b.nest(4);
                for e in &exprs {
                    e.write(b);
                }
                b.end_nest(l);
                if let Some(u) = &ud {
                    b.put(7, u);
                }
            });
            rules += 1;
        }
    }
    let last_seq = w.seq;
    if last_seq > seq0 {
        let at = w.last_flags_at;
        let flags = u16::from_ne_bytes([w.buf.bytes[at], w.buf.bytes[at + 1]]) | NLM_F_ACK;
        w.buf.bytes[at..at + 2].copy_from_slice(&flags.to_ne_bytes());
    }
    let e = w.buf.msg(NFNL_MSG_BATCH_END, NLM_F_REQUEST, last_seq + 1, 0, NFNL_SUBSYS_NFTABLES);
    w.buf.end_msg(e);
    Ok(Batch { bytes: w.buf.bytes, objects: w.objects, last_seq, begin_seq: seq0, rules, names })
}

/// A rule's expressions and anonymous sets, the sets numbered from 0.
fn rule_exprs(family: NfFamily, r: &NRule) -> Result<(Vec<expr::Expr>, Vec<AnonSet>), Unsupported> {
    let NRule::Rule { stmts, .. } = r else {
        return Err(Unsupported("an untranslated rule".into()));
    };
    expr::rule(family, stmts, &mut 0)
}

/// NEWSET and NEWSETELEM of an anonymous constant set.
fn set_messages(w: &mut Writer, fam: u8, table: &str, s: &AnonSet, at: RuleAt, span: Option<Span>) {
    w.msg(NEWSET, NLM_F_CREATE, fam, What::Set(at), span, |b| {
        b.put_strz(1, table);
        b.put_strz(2, ANON_SET);
        b.put_u32(3, 0x3); // NFT_SET_ANONYMOUS | NFT_SET_CONSTANT
        b.put_u32(4, s.key_type);
        b.put_u32(5, s.key_len);
        b.put_u32(10, s.id);
        let d = b.nest(9);
        b.put_u32(1, s.elems.len() as u32);
        b.end_nest(d);
        b.put(13, &s.udata);
    });
    w.msg(NEWSETELEM, NLM_F_CREATE, fam, What::SetElems(at), span, |b| {
        b.put_strz(1, table);
        b.put_strz(2, ANON_SET);
        b.put_u32(4, s.id);
        let l = b.nest(3);
        for (i, e) in s.elems.iter().enumerate() {
            let el = b.nest(i as u16 + 1);
            let k = b.nest(1); // NFTA_SET_ELEM_KEY
            b.put(1, e); // NFTA_DATA_VALUE
            b.end_nest(k);
            b.end_nest(el);
        }
        b.end_nest(l);
    });
}
