//! Packets per second through the generated 2,000-rule set, in process, no
//! traces: the classification speed `fwcheck predict` builds on.
//! `benches/predict.sh` times the whole process on 100,000 packets.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::netfilter::Backend;
use fwcheck::predict::host::{Host, Iface};
use fwcheck::predict::run::Run;
use fwcheck::predict::spec::{parse, Spec};

fn packets() -> Vec<Spec> {
    // A deterministic mix of tcp, udp and icmp from many sources.
    (0..10_000u32)
        .map(|i| {
            let src = format!("{}.{}.{}.{}", 1 + i % 223, (i * 7) % 256, (i * 13) % 256, 1 + i % 254);
            let s = match i % 3 {
                0 => format!("tcp {src}:{} -> 10.0.0.1:{} syn in eth0", 1024 + i % 60000, [22, 80, 443, 8080, 3306][i as usize % 5]),
                1 => format!("udp {src}:{} -> 10.0.0.1:{} in eth0", 1024 + i % 60000, [53, 123, 161][i as usize % 3]),
                _ => format!("icmp {src} -> 10.0.0.1 echo-request in eth0"),
            };
            parse(&s).expect("valid spec")
        })
        .collect()
}

fn predict(c: &mut Criterion) {
    let text = std::fs::read_to_string("corpus/generated/rules.v4").expect("corpus/generated/rules.v4");
    let rs = load_str("rules.v4", &text, &LoadOptions::default()).1.ruleset.expect("parses");
    let host = Host {
        ifaces: vec![Host::lo(), Iface::new("eth0", vec![("10.0.0.1".parse().unwrap(), 24)])],
        icmp_echo_ignore_all: false,
        ip_forward: false,
        assumed: false,
        routes_complete: false,
        routes: Vec::new(),
    };
    let specs = packets();
    let mut g = c.benchmark_group("generated-2000");
    g.throughput(Throughput::Elements(specs.len() as u64));
    g.sample_size(10);
    g.bench_function("predict-10k-packets", |b| b.iter(|| Run::single(&rs, &host, Backend::IptablesNft, false).run(&specs).expect("predicts")));
    g.finish();
}

criterion_group!(benches, predict);
criterion_main!(benches);
