//! Throughput of the normalizer on seed-size input (the ABP Live fixture) and on a whole page, and
//! on the seed with an editors' dictionary (the annotated entities of `tests/fixtures/entities`),
//! as ingest runs it.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use newsdesk::normalize::{
    normalize, normalize_with_dictionary, DictionaryEntry, EntityDictionary, EntityType, Envelope,
};
use time::macros::datetime;

const SEED: &str = include_str!("../tests/fixtures/abplive-putin-kim.txt");
const PAGE: &str = include_str!("../tests/fixtures/en-venturebeat-page.txt");

/// Every annotated entity of the entity fixtures as a dictionary entry (first alias as its name).
fn fixture_dictionary() -> EntityDictionary {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entities");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut entries = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for entity in json["entities"].as_array().into_iter().flatten() {
            let Ok(kind) = serde_json::from_value::<EntityType>(entity["type"].clone()) else {
                continue;
            };
            let aliases: Vec<String> = entity["aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(String::from))
                .collect();
            let Some((name, rest)) = aliases.split_first() else {
                continue;
            };
            entries.push(DictionaryEntry {
                id: format!("e{}", entries.len()),
                name: name.clone(),
                kind,
                aliases: rest.to_vec(),
            });
        }
    }
    EntityDictionary::new(entries)
}

fn bench(c: &mut Criterion) {
    let now = datetime!(2026-11-27 20:00 UTC);
    let mut group = c.benchmark_group("normalize");
    for (name, text) in [("seed_abplive", SEED), ("page_venturebeat", PAGE)] {
        let envelope = Envelope::from_text(text);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| normalize(black_box(&envelope), now)));
    }
    let dictionary = fixture_dictionary();
    let envelope = Envelope::from_text(SEED);
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed_abplive_dictionary", |b| {
        b.iter(|| normalize_with_dictionary(black_box(&envelope), &dictionary, now))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
