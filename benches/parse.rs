//! In-process parse (text -> validated Ruleset) and save of the generated
//! 2,000-rule corpus file. `benches/parse.sh` times the whole process against
//! iptables-restore-translate.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fwcheck::ir::save::{save, SaveOptions};
use fwcheck::ir::Family;
use fwcheck::load::{load_str, LoadOptions};

fn parse(c: &mut Criterion) {
    let text = std::fs::read_to_string("corpus/generated/rules.v4").expect("corpus/generated/rules.v4");
    let rules = text.lines().filter(|l| l.starts_with("-A")).count() as u64;
    let mut g = c.benchmark_group("generated-2000");
    g.throughput(Throughput::Elements(rules));
    g.bench_function("parse", |b| b.iter(|| load_str("rules.v4", &text, &LoadOptions::default()).1.ruleset.expect("parses")));
    let rs = load_str("rules.v4", &text, &LoadOptions::default()).1.ruleset.expect("parses");
    g.bench_function("save", |b| b.iter(|| save(&rs, Family::Ipv4, SaveOptions::default())));
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
