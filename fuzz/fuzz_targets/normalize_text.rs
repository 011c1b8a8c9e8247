//! Arbitrary bytes as a `text/plain` body: the normalizer never panics, and what it accepts is a
//! well-formed article with only http(s) images.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::normalize::{normalize, Envelope};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // The API refuses invalid UTF-8 before the normalizer sees it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(article) = normalize(&Envelope::from_text(text), common::NOW) {
        common::check_article(&article);
    }
});
