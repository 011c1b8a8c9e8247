//! Arbitrary bytes as an `application/json` body: serde either refuses them or yields an
//! envelope, the normalizer never panics on it, and what it accepts is a well-formed article.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::normalize::{normalize, Envelope};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(data) else {
        return;
    };
    if let Ok(article) = normalize(&envelope, common::NOW) {
        common::check_article(&article);
        if let Some(url) = &envelope.url {
            if !url.trim().is_empty() {
                assert!(article.url.is_some(), "an accepted explicit url is kept");
            }
        }
    }
});
