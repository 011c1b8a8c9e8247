//! Golden test: the ABP Live fixture the normalizer was designed from, against its expected result.

use newsdesk::normalize::{normalize, BlockType, DateSource, Envelope};
use serde_json::Value;
use time::macros::datetime;

const TEXT: &str = include_str!("fixtures/abplive-putin-kim.txt");
const EXPECTED: &str = include_str!("fixtures/abplive-putin-kim.expected.json");

#[test]
fn abplive_putin_kim() {
    let expected: Value = serde_json::from_str(EXPECTED).expect("fixture JSON");
    let must = &expected["must"];
    let should = &expected["should"];
    let got =
        normalize(&Envelope::from_text(TEXT), datetime!(2026-11-27 20:00 UTC)).expect("normalizes");

    assert_eq!(got.title, must["title"].as_str().unwrap());
    assert_eq!(got.summary.as_deref(), must["summary"].as_str());
    assert_eq!(got.language, must["language"].as_str().unwrap());
    assert_eq!(got.script, "Deva");
    let lead = got.lead_image.as_ref().expect("lead image");
    assert_eq!(lead.url, must["lead_image"]["url"].as_str().unwrap());

    let blocks: Vec<(String, String)> = got
        .blocks
        .iter()
        .map(|b| (b.kind.as_str().to_string(), b.text.clone()))
        .collect();
    let want: Vec<(String, String)> = must["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["type"].as_str().unwrap().to_string(),
                b["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(blocks, want);

    let removed: Vec<&str> = got.removed.iter().map(|r| r.text.as_str()).collect();
    let want_removed: Vec<&str> = must["removed_as_boilerplate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(removed, want_removed);

    let kickers: Vec<&str> = should["kickers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(got.kickers, kickers);
    assert_eq!(got.tags, kickers);
    assert_eq!(lead.alt.as_deref(), should["lead_image_alt"].as_str());
    assert_eq!(got.published_at, Some(datetime!(2023-09-15 05:41:32 UTC)));
    assert_eq!(got.published_at_source, Some(DateSource::ImagePath));
    assert_eq!(
        got.source_domain.as_deref(),
        should["source_domain"].as_str()
    );
    assert!(got.entities.is_empty());

    // Derived fields hang together.
    let body: Vec<&str> = got
        .blocks
        .iter()
        .filter(|b| b.kind != BlockType::Image)
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(got.body_text, body.join("\n\n"));
    assert!(got.word_count > 300, "word count {}", got.word_count);
    assert_eq!(got.reading_time_minutes, 2);
    assert!(got.content_hash.starts_with("sha256:") && got.content_hash.len() == 7 + 64);
    let reasons: Vec<&str> = got.removed.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons[0], "related_marker");
    assert_eq!(reasons[3], "promo_image");
}
