//! The strongest round trip: translate a corpus rule set, load the nft
//! script into a throwaway namespace, take the kernel's `nft -j list
//! ruleset`, and have `fwcheck equiv` (Z3) prove the original and what the
//! kernel holds give every packet the same verdict at every hook.

mod common;
use common::netns::{kernel_tests_enabled, Netns};
use std::process::Command;

#[test]
fn the_kernel_holds_an_equivalent_rule_set() {
    if !kernel_tests_enabled("the_kernel_holds_an_equivalent_rule_set") {
        return;
    }
    let ns = Netns::new("txequiv");
    let dir = std::env::temp_dir().join(format!("fwck-txequiv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_fwcheck");
    for f in ["corpus/seed/rules.v4", "corpus/web-server/rules.v4", "corpus/router-nat/rules.v4", "corpus/dual-stack/rules.sh", "corpus/ipv6-host/rules.v6"] {
        let tx = Command::new(bin).args(["translate", f]).output().expect("run fwcheck translate");
        assert!(tx.status.success(), "{f}: {}", String::from_utf8_lossy(&tx.stderr));
        let o = ns.run("sh", &["-c", "nft flush ruleset && nft -f - && nft -j list ruleset"], Some(&String::from_utf8_lossy(&tx.stdout)));
        assert!(o.status.success(), "{f}: {}", String::from_utf8_lossy(&o.stderr));
        let json = dir.join(format!("{}.json", f.replace('/', "_")));
        std::fs::write(&json, &o.stdout).expect("write JSON");
        let eq = Command::new(bin).args(["equiv", f, json.to_str().expect("path")]).output().expect("run fwcheck equiv");
        let out = String::from_utf8_lossy(&eq.stdout);
        assert!(eq.status.success() && out.contains("equivalent:"), "{f}: {out}\n{}", String::from_utf8_lossy(&eq.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
