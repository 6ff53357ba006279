//! predict is true of the kernel on rule sets and packets fwcheck's
//! authors did not write: for each seed, a rule set of `common::gen`
//! (`gen::lab_ruleset`, with recent-guarded ports now and then) is
//! loaded into the firewall of a client - firewall - server lab
//! (`gen::lab_scenario`), random packets (`gen::packets`) are sent as
//! crafted bytes from the client's and the server's namespaces, and
//! `fwcheck verify` requires every counter the kernel reads (each rule and
//! policy, packets and bytes) to equal one of the outcomes fwcheck
//! predicts, on iptables-nft, iptables-legacy and native nft.
//!
//! CI runs `FWCHECK_SEEDS` seeds (default 12) from `FWCHECK_SEED_BASE`
//! (default 0) with `FWCHECK_PACKETS` packets each (default 40); by hand,
//! `FWCHECK_SEEDS=500 cargo test --release --test predict_generated` runs
//! many more, `FWCHECK_SEED=N` one, and `FWCHECK_KEEP=1` keeps the files
//! in `$TMPDIR/fwck-predgen-PID` to look at. A seed that ever failed is kept in
//! `FIXED` below, with what it found.

mod common;
use common::gen;
use common::netns::kernel_tests_enabled;

/// Seeds that found a class of misprediction once, run every time.
const FIXED: &[(u64, &str)] = &[];

enum Seen {
    /// The kernel's counters equal a predicted outcome on every backend.
    Verified,
    /// Both fwcheck and the kernel refuse the rule set.
    Invalid,
    /// predict gave up (what it cannot decide yet), with its message.
    Undecided(String),
}

fn check_seed(seed: u64, packets: usize, dir: &std::path::Path) -> Result<Seen, String> {
    let g = gen::lab_ruleset(seed);
    let rules = format!("seed-{seed}.{}", if g.family == gen::Fam::V6 { "v6" } else { "v4" });
    std::fs::write(dir.join(&rules), &g.text).map_err(|e| e.to_string())?;
    let (_, _, code) = common::fwcheck(&["parse", dir.join(&rules).to_str().unwrap_or_default()], None);
    if code != 0 {
        // translate_generated checks that fwcheck refuses exactly what the
        // kernel refuses.
        return Ok(Seen::Invalid);
    }
    let scenario = dir.join(format!("seed-{seed}.toml"));
    std::fs::write(&scenario, gen::lab_scenario(g.family, &rules)).map_err(|e| e.to_string())?;
    let specs = gen::packets(seed, g.family, packets);
    let list = dir.join(format!("seed-{seed}.packets"));
    std::fs::write(&list, specs.join("\n") + "\n").map_err(|e| e.to_string())?;
    let sc = scenario.to_str().unwrap_or_default();
    for backend in ["iptables-nft", "iptables-legacy", "nft"] {
        let args = ["verify", sc, "--packets", list.to_str().unwrap_or_default(), "--backend", backend];
        let (out, err, code) = common::fwcheck(&args, None);
        match code {
            0 => {}
            // No nft translation (recent, physdev): nothing to load natively.
            2 if backend == "nft" && err.contains("no nft translation") => {}
            2 if err.contains("possible outcomes") => return Ok(Seen::Undecided(err.trim().to_string())),
            _ => {
                return Err(format!(
                    "seed {seed} on {backend}: `fwcheck {}` (in {})\n{out}\n{err}\n--- rule set ---\n{}--- packets ---\n{}",
                    args.join(" "),
                    dir.display(),
                    g.text,
                    specs.join("\n")
                ))
            }
        }
    }
    Ok(Seen::Verified)
}

#[test]
fn predictions_of_generated_packets_through_generated_rule_sets_hold_in_the_kernel() {
    if !kernel_tests_enabled("predictions_of_generated_packets_through_generated_rule_sets_hold_in_the_kernel") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("fwck-predgen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let packets = gen::env_u64("FWCHECK_PACKETS", 40) as usize;
    let seeds = gen::seeds(FIXED, 12);
    let mut failures = Vec::new();
    let (mut verified, mut invalid, mut undecided) = (0, 0, Vec::new());
    for s in &seeds {
        match check_seed(*s, packets, &dir) {
            Ok(Seen::Verified) => verified += 1,
            Ok(Seen::Invalid) => invalid += 1,
            Ok(Seen::Undecided(why)) => undecided.push(format!("seed {s}: {why}")),
            Err(e) => failures.push(e),
        }
    }
    // FWCHECK_KEEP=1 keeps the rule sets, scenarios and packets to look at.
    if failures.is_empty() && std::env::var_os("FWCHECK_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!(
        "{} seeds of {packets} packets, {} failed: {verified} verified on every backend, {invalid} refused by fwcheck (and the kernel), {} undecided:\n{}",
        seeds.len(),
        failures.len(),
        undecided.len(),
        undecided.join("\n")
    );
    assert!(failures.is_empty(), "{} of {} seeds failed:\n\n{}", failures.len(), seeds.len(), failures.join("\n\n"));
    assert!(verified * 2 >= seeds.len(), "only {verified} of {} seeds were verified", seeds.len());
}
