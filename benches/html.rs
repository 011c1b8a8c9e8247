//! End-to-end speed of the HTML path: bytes of a real news page in, normalized article out
//! (decoding, pruning, parsing, metadata, extraction, blocks, the text pipeline, entities).
//! The pages are the test fixture plus, when present, the development set's pages.

use std::io::Read;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsdesk::normalize::{normalize_html, EntityDictionary, Envelope};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .is_err()
    {
        out.clear();
    }
    out
}

fn pages() -> Vec<Vec<u8>> {
    let mut pages = vec![gunzip(include_bytes!(
        "../tests/fixtures/html/ap-la-auto-show.html.gz"
    ))];
    if let Ok(dir) = std::fs::read_dir("/work/shared/devset/aeb/html") {
        let mut paths: Vec<_> = dir.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if let Ok(bytes) = std::fs::read(&path) {
                pages.push(gunzip(&bytes));
            }
        }
    }
    pages
}

fn bench(c: &mut Criterion) {
    let pages = pages();
    let dictionary = EntityDictionary::empty();
    let now = time::OffsetDateTime::now_utc();
    let envelope = Envelope::default();
    let mut group = c.benchmark_group("html");
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("normalize_html/all_pages", |b| {
        b.iter(|| {
            for page in &pages {
                let _ = normalize_html(page, None, &envelope, &dictionary, now);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
