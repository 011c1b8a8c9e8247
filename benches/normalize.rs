//! Throughput of the normalizer on seed-size input (the ABP Live fixture) and on a whole page.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use newsdesk::normalize::{normalize, Envelope};
use time::macros::datetime;

const SEED: &str = include_str!("../tests/fixtures/abplive-putin-kim.txt");
const PAGE: &str = include_str!("../tests/fixtures/en-venturebeat-page.txt");

fn bench(c: &mut Criterion) {
    let now = datetime!(2026-11-27 20:00 UTC);
    let mut group = c.benchmark_group("normalize");
    for (name, text) in [("seed_abplive", SEED), ("page_venturebeat", PAGE)] {
        let envelope = Envelope::from_text(text);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| normalize(black_box(&envelope), now)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
