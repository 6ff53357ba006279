//! The script as nft JSON (`nft -j -f FILE` reads it), built only from the
//! `nftables` crate's schema types.
//!
//! Commands, in order: for each table `add table`, `delete table`, `add
//! table` (replace it whether or not it existed, as the text form does),
//! then every chain (so a jump may name a chain declared after it), then
//! every rule in order. JSON has no comments: a rule kept untranslated by
//! `--allow-partial` appears only in the warning printed for it.

use super::{NRule, Script};
use nftables::schema::{Chain, NfCmd, NfListObject, NfObject, Nftables, Rule, Table};
use std::borrow::Cow;

pub fn to_nftables(script: &Script) -> Nftables<'static> {
    let mut objs: Vec<NfObject<'static>> = Vec::new();
    for t in &script.tables {
        let table = || Table { family: t.family, name: Cow::Owned(t.name.clone()), handle: None };
        objs.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Table(table()))));
        objs.push(NfObject::CmdObject(NfCmd::Delete(NfListObject::Table(table()))));
        objs.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Table(table()))));
        for c in &t.chains {
            let mut ch = Chain { family: t.family, table: Cow::Owned(t.name.clone()), name: Cow::Owned(c.name.clone()), ..Chain::default() };
            if let Some(b) = &c.base {
                ch._type = Some(b.ty);
                ch.hook = Some(b.hook);
                ch.prio = Some(b.prio);
                ch.policy = Some(b.policy);
            }
            objs.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Chain(ch))));
        }
        for c in &t.chains {
            for r in &c.rules {
                let NRule::Rule { stmts, comment, .. } = r else { continue };
                objs.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Rule(Rule {
                    family: t.family,
                    table: Cow::Owned(t.name.clone()),
                    chain: Cow::Owned(c.name.clone()),
                    expr: Cow::Owned(stmts.clone()),
                    handle: None,
                    index: None,
                    comment: comment.clone().map(Cow::Owned),
                }))));
            }
        }
    }
    Nftables { objects: Cow::Owned(objs) }
}

/// Pretty-printed JSON text.
///
/// The crate serializes its unit variant `Statement::Notrack` as the bare
/// string `"notrack"`, which nft refuses ("expected object"); nft's own
/// form is `{"notrack": null}`, so that one statement is rewritten.
pub fn to_json(script: &Script) -> String {
    let mut v = serde_json::to_value(to_nftables(script)).unwrap_or_default();
    fix_notrack(&mut v);
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn fix_notrack(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            for it in items {
                if it.as_str() == Some("notrack") {
                    *it = serde_json::json!({"notrack": null});
                } else {
                    fix_notrack(it);
                }
            }
        }
        Value::Object(m) => m.values_mut().for_each(fix_notrack),
        _ => {}
    }
}
