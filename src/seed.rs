//! `newsdesk seed`: fills a database with realistic articles through the real ingest path
//! (the normalizer, entity extraction, and the store's batch insert). Each article is one of a
//! few real Hindi and English articles (`data/seed/`) varied so that no two are the same: a
//! numbered title, paragraphs rotated, a date, a source and a few topic tags.

use time::{Duration, OffsetDateTime};

use crate::normalize::{self, EntityDictionary, Envelope, NormalizeError, NormalizedArticle};
use crate::store::articles::ArticleStatus;
use crate::store::{Store, StoreError};

/// (file name, text) of each template.
const TEMPLATES: [(&str, &str); 7] = [
    (
        "hi-abplive-putin-kim",
        include_str!("../data/seed/hi-abplive-putin-kim.txt"),
    ),
    (
        "hi-amarujala-1",
        include_str!("../data/seed/hi-amarujala-1.txt"),
    ),
    (
        "hi-prabhatkhabar-1",
        include_str!("../data/seed/hi-prabhatkhabar-1.txt"),
    ),
    (
        "hi-navbharat-1",
        include_str!("../data/seed/hi-navbharat-1.txt"),
    ),
    ("en-wework", include_str!("../data/seed/en-wework.txt")),
    (
        "en-south-dakota",
        include_str!("../data/seed/en-south-dakota.txt"),
    ),
    ("en-ctpost", include_str!("../data/seed/en-ctpost.txt")),
];

const SOURCES: [&str; 6] = [
    "abplive.com",
    "amarujala.com",
    "prabhatkhabar.com",
    "navbharattimes.indiatimes.com",
    "reuters.com",
    "ctpost.com",
];

const TOPICS: [&str; 12] = [
    "Politics",
    "World",
    "Health",
    "Business",
    "Technology",
    "Sports",
    "Elections",
    "Economy",
    "Covid-19",
    "Russia",
    "Courts",
    "Environment",
];

/// The `n`-th seed envelope (deterministic).
pub fn seed_envelope(n: usize) -> Envelope {
    let (name, text) = TEMPLATES[n % TEMPLATES.len()];
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // The longest line is prose the normalizer keeps: numbering it makes every variant distinct.
    if let Some(longest) = (1..lines.len()).max_by_key(|&i| lines[i].len()) {
        lines[longest].push_str(&format!(" ({n})"));
    }
    let title = lines.first().cloned().unwrap_or_default();
    let body = if lines.len() > 3 {
        let rest = &mut lines[1..];
        let turn = (n / TEMPLATES.len()) % rest.len();
        rest.rotate_left(turn);
        rest.join("\n")
    } else {
        lines.get(1..).unwrap_or_default().join("\n")
    };
    let hindi = name.starts_with("hi-");
    let numbered = if hindi {
        format!("{title} (भाग {n})")
    } else {
        format!("{title} (part {n})")
    };
    let day = OffsetDateTime::UNIX_EPOCH + Duration::days(18_262 + (n % 2_000) as i64);
    let source = SOURCES[n % SOURCES.len()];
    Envelope {
        text: format!("{numbered}\n{body}"),
        url: Some(format!(
            "https://www.{source}/news/{}/{:02}/{:02}/{name}-{n}",
            day.year(),
            u8::from(day.month()),
            day.day()
        )),
        tags: vec![
            TOPICS[n % TOPICS.len()].to_owned(),
            TOPICS[(n / 3 + 5) % TOPICS.len()].to_owned(),
        ],
        ..Envelope::default()
    }
}

/// Writes seed envelopes `start..start + count` as NDJSON, a body for `POST /v1/ingest/batch`.
pub fn write_ndjson(
    out: &mut impl std::io::Write,
    start: usize,
    count: usize,
) -> std::io::Result<()> {
    for n in start..start + count {
        serde_json::to_writer(&mut *out, &seed_envelope(n))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// What a seeding run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub created: usize,
    pub duplicates: usize,
    pub rejected: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("seed article {0} did not normalize: {1}")]
    Normalize(usize, NormalizeError),
}

/// Stores `count` seed articles starting at number `start`, `chunk` per transaction;
/// `progress` is called after each chunk with the number done so far.
pub async fn seed(
    store: &Store,
    start: usize,
    count: usize,
    chunk: usize,
    mut progress: impl FnMut(usize),
) -> Result<SeedReport, SeedError> {
    let dictionary = EntityDictionary::new(store.dictionary_entries().await?);
    let now = OffsetDateTime::now_utc();
    let end = start + count;
    let chunk = chunk.max(1);
    // Normalizing the next chunk (CPU, a blocking thread) overlaps storing this one (SQLite).
    let normalize_chunk = |from: usize| {
        let dictionary = dictionary.clone();
        let upto = (from + chunk).min(end);
        tokio::task::spawn_blocking(move || {
            (from..upto)
                .map(|i| {
                    normalize::normalize_with_dictionary(&seed_envelope(i), &dictionary, now)
                        .map(|a| (a, ArticleStatus::Published))
                        .map_err(|e| (i, e))
                })
                .collect::<Result<Vec<(NormalizedArticle, ArticleStatus)>, _>>()
        })
    };
    let mut report = SeedReport::default();
    let mut n = start;
    let mut next = (n < end).then(|| normalize_chunk(n));
    while let Some(pending) = next.take() {
        let articles = pending
            .await
            .map_err(|e| StoreError::Database(format!("seed worker: {e}")))?
            .map_err(|(i, e)| SeedError::Normalize(i, e))?;
        n += articles.len();
        if n < end {
            next = Some(normalize_chunk(n));
        }
        for result in store.insert_articles(articles).await? {
            match result {
                Ok(inserted) if inserted.duplicate => report.duplicates += 1,
                Ok(_) => report.created += 1,
                Err(_) => report.rejected += 1,
            }
        }
        progress(n - start);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_lines_are_the_seed_envelopes() {
        let mut out = Vec::new();
        write_ndjson(&mut out, 5, 9).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 9);
        for (i, line) in lines.iter().enumerate() {
            let envelope: Envelope = serde_json::from_str(line).unwrap();
            assert_eq!(envelope, seed_envelope(5 + i));
        }
    }

    #[test]
    fn every_template_normalizes_and_variants_differ() {
        let now = OffsetDateTime::now_utc();
        let mut hashes = std::collections::HashSet::new();
        for n in 0..(TEMPLATES.len() * 3) {
            let article = normalize::normalize(&seed_envelope(n), now)
                .unwrap_or_else(|e| panic!("seed {n}: {e}"));
            assert!(article.published_at.is_some(), "seed {n} has a date");
            assert!(hashes.insert(article.content_hash), "seed {n} is distinct");
        }
    }
}
