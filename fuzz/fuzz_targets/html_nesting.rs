//! Pages generated to be deep and wide: the input is a small program (tag choices, open/close,
//! repeat counts) that builds markup of up to a few megabytes, nested tens of thousands of levels
//! or repeated a hundred thousand times, in the shapes that once aborted or stalled the server
//! (nested spans, unclosed formatting elements around blocks, tables in cells, unclosed page
//! structure). What must hold: the normalizer never panics or overflows its stack; and the bound
//! it puts on nesting holds in the parser's own tree: after `bound_markup`, no element the HTML
//! parser builds is deeper than twice `MAX_DEPTH` (plus the document's own few levels).
#![no_main]

use dom_query::Document;
use libfuzzer_sys::fuzz_target;
use newsdesk::normalize::html::{bound_markup, MAX_DEPTH};
use newsdesk::normalize::{normalize_html, EntityDictionary, Envelope};

#[path = "common.rs"]
mod common;

/// Tags the program picks from: blocks, formatting elements (reopened by the parser), table
/// parts (inserted by the parser), elements with implied ends, page structure, raw text.
const TAGS: &[&str] = &[
    "div", "span", "b", "i", "font", "a", "p", "li", "ul", "table", "td", "tr", "nav", "aside",
    "section", "article", "em", "strong", "select", "option", "button", "h2", "title", "dl", "dd",
];
const TEXT: &str = "The bridge reopened on Thursday after months of repairs. ";
/// Largest page built (the server's own body limit is 10 MiB).
const MAX_PAGE: usize = 3 * 1024 * 1024;

/// The page an input describes: each pair of bytes is one step (what, which tag) and a byte
/// may repeat the previous steps many times.
fn build(data: &[u8]) -> String {
    let mut page = String::from("<html><body>");
    let mut step_start = page.len();
    for pair in data.chunks(2) {
        if page.len() > MAX_PAGE {
            break;
        }
        let op = pair[0];
        let tag = TAGS[usize::from(pair.get(1).copied().unwrap_or(0)) % TAGS.len()];
        match op % 6 {
            0 | 1 => page.push_str(&format!("<{tag}>")),
            2 => page.push_str(&format!("</{tag}>")),
            3 => page.push_str(TEXT),
            4 => {
                // Repeat what was built since the last repeat, 2^k times (k up to 17).
                let unit = page[step_start..].to_owned();
                let times = 1usize << (usize::from(op >> 3) % 18);
                let room = (MAX_PAGE.saturating_sub(page.len())) / unit.len().max(1);
                for _ in 0..times.min(room) {
                    page.push_str(&unit);
                }
                step_start = page.len();
            }
            _ => page.push_str(&format!("<{tag} class=\"x>y\" id='z'>")),
        }
    }
    page
}

/// The deepest element of a parsed page, walked without recursion.
fn tree_depth(doc: &Document) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        for child in node.children() {
            stack.push((child, depth + 1));
        }
    }
    deepest
}

fuzz_target!(|data: &[u8]| {
    let page = build(data);
    let (bounded, _) = bound_markup(&page);
    let depth = tree_depth(&Document::from(bounded.as_ref()));
    assert!(
        depth <= 2 * MAX_DEPTH + 8,
        "the parser built a tree {depth} deep from bounded markup"
    );
    let dictionary = EntityDictionary::empty();
    if let Ok(article) = normalize_html(
        page.as_bytes(),
        Some("utf-8"),
        &Envelope::default(),
        &dictionary,
        common::NOW,
    ) {
        common::check_article(&article);
    }
});
