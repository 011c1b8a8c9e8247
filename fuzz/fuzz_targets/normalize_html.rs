//! Arbitrary bytes as a `text/html` body, with and without a page URL: decoding, extraction and
//! the pipeline never panic, and what is accepted is a well-formed article whose images are
//! http(s). (Text may mention `javascript:` literally, as prose or broken markup read as text;
//! it is stored as text and never as a link, which `check_article` verifies for every URL.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::normalize::{normalize_html, EntityDictionary, Envelope};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let dictionary = EntityDictionary::empty();
    // The first byte picks a declared charset, as a Content-Type parameter would.
    let (charset, page) = match data.split_first() {
        Some((0, rest)) => (Some("windows-1251"), rest),
        Some((1, rest)) => (Some("shift_jis"), rest),
        Some((2, rest)) => (Some("no-such-charset"), rest),
        _ => (None, data),
    };
    for url in [None, Some("https://news.example.com/2024/05/02/story")] {
        let envelope = Envelope {
            url: url.map(str::to_owned),
            ..Envelope::default()
        };
        if let Ok(article) = normalize_html(page, charset, &envelope, &dictionary, common::NOW) {
            common::check_article(&article);
        }
    }
});
