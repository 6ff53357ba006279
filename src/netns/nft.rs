//! nft scripts read through the kernel: fwcheck reads nft rule sets as
//! `nft -j list ruleset` JSON; a script is loaded into a private
//! throwaway namespace and listed back there, so nft itself resolves its
//! syntax (variables, includes, defines) and the host is never touched.

use super::{kernel, ns};
use std::io;

/// `nft -f` of `script` in a namespace of its own, then `nft -j list
/// ruleset` there; the namespace is removed whatever happens.
pub fn list_as_json(script: &str) -> io::Result<String> {
    let name = format!("fwck-read-{}", std::process::id());
    ns::create(&name)?;
    let out = kernel::run(&name, "nft", &["-f".into(), "-".into()], Some(script))
        .and_then(|_| kernel::run(&name, "nft", &["-j".into(), "list".into(), "ruleset".into()], None));
    let _ = ns::delete(&name);
    out
}
