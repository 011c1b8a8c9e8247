//! Benchmarks of the work around the normalizer: entity extraction, slugs and transliteration
//! keys, and rendering an article as JSON.
//!
//!     cargo bench --bench api

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use newsdesk::normalize::{self, EntityDictionary, Envelope};
use newsdesk::store::articles::{Article, ArticleEntity, ArticleStatus, TagRef};
use time::OffsetDateTime;

const FIXTURE: &str = include_str!("../tests/fixtures/abplive-putin-kim.txt");

fn entity_extraction(c: &mut Criterion) {
    let article = normalize::normalize(&Envelope::from_text(FIXTURE), OffsetDateTime::now_utc())
        .expect("fixture normalizes");
    let dictionary = EntityDictionary::empty();
    let alt = article.lead_image.as_ref().and_then(|i| i.alt.clone());
    let mut group = c.benchmark_group("entities");
    group.throughput(Throughput::Bytes(article.body_text.len() as u64));
    group.bench_function("extract_seed_fixture", |b| {
        b.iter(|| {
            normalize::extract_entities(
                black_box(&article.title),
                article.summary.as_deref(),
                &article.kickers,
                &article.blocks,
                alt.as_deref(),
                &dictionary,
            )
        })
    });
    group.finish();
}

fn slugs_and_keys(c: &mut Criterion) {
    let title = FIXTURE.lines().next().unwrap_or_default();
    let mut group = c.benchmark_group("transliteration");
    group.bench_function("slugify_hindi_title", |b| {
        b.iter(|| normalize::slugify(black_box(title)))
    });
    group.bench_function("key_hindi_name", |b| {
        b.iter(|| normalize::transliteration_key(black_box("व्लादिमीर पुतिन")))
    });
    group.bench_function("key_latin_name", |b| {
        b.iter(|| normalize::transliteration_key(black_box("Vladimir Putin")))
    });
    group.finish();
}

fn json_rendering(c: &mut Criterion) {
    let n = normalize::normalize(&Envelope::from_text(FIXTURE), OffsetDateTime::now_utc())
        .expect("fixture normalizes");
    let article = Article {
        id: "01JF8Z6Q3M2W8V5T7Y9K1N4R6P".into(),
        slug: normalize::slugify(&n.title),
        status: ArticleStatus::Published,
        title: n.title.clone(),
        summary: n.summary.clone(),
        kickers: n.kickers.clone(),
        language: n.language.clone(),
        script: n.script.clone(),
        lead_image: n.lead_image.clone(),
        blocks: n.blocks.clone(),
        body_text: n.body_text.clone(),
        word_count: n.word_count as i64,
        reading_time_minutes: i64::from(n.reading_time_minutes),
        published_at: Some("2023-09-15T05:41:32Z".into()),
        published_at_source: Some("image_path".into()),
        url: None,
        source_domain: n.source_domain.clone(),
        authors: Vec::new(),
        tags: n
            .tags
            .iter()
            .map(|t| TagRef {
                slug: normalize::tag_slug(t),
                name: t.clone(),
            })
            .collect(),
        entities: n
            .entities
            .iter()
            .map(|e| ArticleEntity {
                id: "01JF8Z6Q3M2W8V5T7Y9K1N4R6Q".into(),
                slug: normalize::slugify(&e.name),
                name: e.name.clone(),
                kind: e.kind.as_str().into(),
                aliases: e.surface_forms.iter().map(|f| f.text.clone()).collect(),
                mentions: i64::from(e.mentions),
                salience: e.salience,
            })
            .collect(),
        content_hash: n.content_hash.clone(),
        created_at: "2026-11-27T20:00:00Z".into(),
        updated_at: "2026-11-27T20:00:00Z".into(),
        removed: n.removed.clone(),
        version: 1,
        sort_at: "2023-09-15T05:41:32Z".into(),
    };
    let bytes = serde_json::to_vec(&article).expect("serializes").len();
    let mut group = c.benchmark_group("json");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("render_seed_article", |b| {
        b.iter(|| serde_json::to_vec(black_box(&article)).map(|v| v.len()))
    });
    group.finish();
}

criterion_group!(benches, entity_extraction, slugs_and_keys, json_rendering);
criterion_main!(benches);
