//! Checks shared by the normalizer targets: what must hold of every article the normalizer
//! accepts, whatever the input.

use newsdesk::normalize::{BlockType, NormalizedArticle};

/// The instant the targets normalize at, fixed so a crash input replays exactly.
pub const NOW: time::OffsetDateTime = time::macros::datetime!(2024-06-01 12:00 UTC);

/// Whether an image or article URL is one a client can load without running anything: its
/// scheme, read the way a browser reads it (C0 controls, spaces, tabs and newlines ignored,
/// any case), is http or https; or it has no scheme and starts with `/`.
fn is_loadable(value: &str, allow_rooted: bool) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !(c.is_ascii_control() || *c == ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    // `https:host/path` counts: browsers and the url crate read it as `https://host/path`.
    if squeezed.starts_with("http:") || squeezed.starts_with("https:") {
        return true;
    }
    allow_rooted && value.starts_with('/')
}

pub fn check_article(article: &NormalizedArticle) {
    assert!(
        !article.body_text.trim().is_empty(),
        "an accepted article has a body"
    );
    assert!(article.content_hash.starts_with("sha256:"));
    if let Some(image) = &article.lead_image {
        assert!(
            is_loadable(&image.url, true),
            "lead image url {:?} is not http(s)",
            image.url
        );
    }
    for block in &article.blocks {
        match block.kind {
            BlockType::Image => {
                let url = block.url.as_deref().unwrap_or("");
                assert!(is_loadable(url, true), "image block url {url:?} is not http(s)");
            }
            _ => assert!(block.url.is_none(), "a text block carries a url"),
        }
    }
    if let Some(url) = &article.url {
        assert!(is_loadable(url, false), "article url {url:?} is not http(s)");
    }
    serde_json::to_string(article).expect("an article serializes");
}
