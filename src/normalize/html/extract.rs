//! Main-content extraction: which part of the page is the article. Two Rust extractors are
//! available, chosen by measurement on the development set (see BENCHMARKS.md): dom_smoothie (a
//! port of Mozilla's Readability) and, with the `trafilatura` feature, rs-trafilatura (a port of
//! trafilatura), which stays out of the server by default: it brings a second HTML parser stack.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use url::Url;

#[cfg(feature = "trafilatura")]
use super::blocks::text_blocks;
use super::blocks::{content_blocks, node_blocks, HtmlBlock};

/// The element Readability puts the extracted content in.
const CONTENT_ROOT: &str = "#readability-page-1";

/// Which extractor finds the main content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extractor {
    /// dom_smoothie's Readability, formatted text mode.
    #[default]
    Readability,
    /// rs-trafilatura with images kept (the `trafilatura` feature).
    #[cfg(feature = "trafilatura")]
    Trafilatura,
}

/// The main content of a parsed page as blocks, and whether the extractor found none so that the
/// whole page was taken instead (for the text pipeline to judge line by line). `doc` is consumed:
/// Readability edits it in place.
pub fn extract_main_content(
    doc: Document,
    pruned_html: &str,
    base: Option<&Url>,
    extractor: Extractor,
) -> (Vec<HtmlBlock>, bool) {
    let blocks = match extractor {
        Extractor::Readability => readability_blocks(doc, base),
        #[cfg(feature = "trafilatura")]
        Extractor::Trafilatura => trafilatura_blocks(pruned_html, base),
    };
    if blocks.iter().any(|b| !b.markdown.is_empty()) {
        return (blocks, false);
    }
    // Too little text for the extractor's thresholds (a short notice, CJK prose): the whole page.
    (content_blocks(pruned_html, base), true)
}

fn readability_blocks(doc: Document, base: Option<&Url>) -> Vec<HtmlBlock> {
    // Only the content's tree is read (not Readability's text, nor its JSON-LD: the page's
    // metadata is read separately), so the cheapest text mode will do.
    let config = Config {
        text_mode: TextMode::Raw,
        disable_json_ld: true,
        ..Config::default()
    };
    let Ok(mut readability) = Readability::with_document(doc, base.map(Url::as_str), Some(config))
    else {
        return Vec::new();
    };
    let Ok(article) = readability.parse() else {
        return Vec::new();
    };
    // The extracted content is still in Readability's tree: walk it there rather than parse its
    // serialization again.
    let root = readability.doc.select_single(CONTENT_ROOT);
    match root.nodes().first() {
        Some(node) => node_blocks(node, base),
        None => content_blocks(&article.content, base),
    }
}

#[cfg(feature = "trafilatura")]
fn trafilatura_blocks(html: &str, base: Option<&Url>) -> Vec<HtmlBlock> {
    let options = rs_trafilatura::Options {
        include_images: true,
        url: base.map(Url::to_string),
        ..rs_trafilatura::Options::default()
    };
    match rs_trafilatura::extract_with_options(html, &options) {
        Ok(result) => match result.content_html {
            Some(content) => content_blocks(&content, base),
            None => text_blocks(&result.content_text),
        },
        Err(_) => Vec::new(),
    }
}
