//! The standard targets: ACCEPT, DROP, QUEUE, RETURN, a jump (`-j CHAIN`) or
//! goto (`-g CHAIN`) to a user chain, and no target at all (a rule that only
//! counts). Everything else is a [`TargetExt`].

use super::{SaveWriter, TargetExt};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Target {
    /// No `-j`: the rule counts and evaluation goes on with the next rule.
    None,
    Accept,
    Drop,
    Queue,
    /// Back to the calling chain; in a built-in chain, the policy decides.
    Return,
    /// `-j CHAIN`: evaluate CHAIN, then continue here if it falls through.
    Jump(String),
    /// `-g CHAIN`: evaluate CHAIN; falling through it returns to our caller.
    Goto(String),
    Ext(TargetExt),
}

impl Target {
    /// The verdict named `name`, if it is one.
    pub fn verdict(name: &str) -> Option<Target> {
        Some(match name {
            "ACCEPT" => Target::Accept,
            "DROP" => Target::Drop,
            "QUEUE" => Target::Queue,
            "RETURN" => Target::Return,
            _ => return None,
        })
    }

    /// The user chain this target continues in.
    pub fn chain(&self) -> Option<&str> {
        match self {
            Target::Jump(c) | Target::Goto(c) => Some(c),
            _ => None,
        }
    }

    pub fn save(&self, out: &mut String) {
        let simple = |out: &mut String, j: &str, n: &str| {
            out.push_str(j);
            out.push_str(n);
        };
        match self {
            Target::None => {}
            Target::Accept => simple(out, " -j ", "ACCEPT"),
            Target::Drop => simple(out, " -j ", "DROP"),
            Target::Queue => simple(out, " -j ", "QUEUE"),
            Target::Return => simple(out, " -j ", "RETURN"),
            Target::Jump(c) => simple(out, " -j ", c),
            Target::Goto(c) => simple(out, " -g ", c),
            Target::Ext(t) => {
                simple(out, " -j ", t.name());
                t.save(&mut SaveWriter { out });
            }
        }
    }
}
