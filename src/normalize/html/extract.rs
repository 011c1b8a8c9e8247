//! Main-content extraction: which part of the page is the article. Two Rust extractors are
//! available, chosen by measurement on the development set (see BENCHMARKS.md): dom_smoothie (a
//! port of Mozilla's Readability) and, with the `trafilatura` feature, rs-trafilatura (a port of
//! trafilatura), which stays out of the server by default: it brings a second HTML parser stack.

use dom_query::Document;
use dom_smoothie::{Config, ParsePolicy, Readability, TextMode};
use url::Url;

#[cfg(feature = "trafilatura")]
use super::blocks::text_blocks;
use super::blocks::{content_blocks, node_blocks, HtmlBlock};

/// The element Readability puts the extracted content in.
const CONTENT_ROOT: &str = "#readability-page-1";
/// A second reading without Readability's class-name rules replaces the first when it holds at
/// least this many times its letters and digits (the first took one part of the article: a
/// section whose wrapper's class name looks like page furniture was stripped or weighed down)…
const WIDER_READING_GAIN: usize = 3;
const WIDER_READING_GAIN_DIVISOR: usize = 2;
/// … and at most this share of those letters are link labels (not a menu or a teaser grid).
const MAX_WIDER_LINK_PERCENT: usize = 30;

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
        Extractor::Readability => {
            let page_chars = alphanumerics(&doc.root().text());
            let first = readability_blocks(doc, base, None);
            wider_reading(first, page_chars, pruned_html, base)
        }
        #[cfg(feature = "trafilatura")]
        Extractor::Trafilatura => trafilatura_blocks(pruned_html, base),
    };
    if blocks.iter().any(|b| !b.markdown.is_empty()) {
        return (blocks, false);
    }
    // Too little text for the extractor's thresholds (a short notice, CJK prose): the whole page.
    (content_blocks(pruned_html, base), true)
}

/// Readability's default reading strips and weighs elements by their class names ("sidebar",
/// "comment", "social" …) before scoring; on pages whose article wrappers carry such names it
/// returns one part of the article (an intro, one section). Read the page a second time with
/// content scoring alone (no class rules, conditional cleaning kept) and take that reading when
/// it holds far more text that is not mostly links. The second reading runs only when the page
/// has that much more text than the first reading at all (about one page in five).
fn wider_reading(
    first: Vec<HtmlBlock>,
    page_chars: usize,
    html: &str,
    base: Option<&Url>,
) -> Vec<HtmlBlock> {
    let (first_chars, _) = text_and_link_chars(&first);
    let far_more = |chars: usize| {
        chars.saturating_mul(WIDER_READING_GAIN_DIVISOR)
            > first_chars.saturating_mul(WIDER_READING_GAIN)
    };
    if !far_more(page_chars) {
        return first;
    }
    let wider = readability_blocks(Document::from(html), base, Some(ParsePolicy::Clean));
    let (chars, link_chars) = text_and_link_chars(&wider);
    if far_more(chars)
        && link_chars.saturating_mul(100) < chars.saturating_mul(MAX_WIDER_LINK_PERCENT)
    {
        wider
    } else {
        first
    }
}

fn alphanumerics(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Letters and digits of the blocks' text, and how many of them are inside link labels.
fn text_and_link_chars(blocks: &[HtmlBlock]) -> (usize, usize) {
    let (mut text, mut link) = (0, 0);
    for block in blocks {
        let mut in_label = false;
        let mut escaped = false;
        for c in block.markdown.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '[' => in_label = true,
                ']' => in_label = false,
                _ if c.is_alphanumeric() => {
                    text += 1;
                    link += usize::from(in_label);
                }
                _ => {}
            }
        }
    }
    (text, link)
}

/// Readability's reading of the page as blocks: its default (every policy from strict to raw,
/// the first that finds enough text), or one `policy`.
fn readability_blocks(
    doc: Document,
    base: Option<&Url>,
    policy: Option<ParsePolicy>,
) -> Vec<HtmlBlock> {
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
    let parsed = match policy {
        Some(policy) => readability.parse_with_policy(policy),
        None => readability.parse(),
    };
    let Ok(article) = parsed else {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(topic: &str, n: usize) -> String {
        format!(
            "<p>The {topic} committee met on day {n}, and its members, who had read the \
             reports, argued at length about the budget, the schedule, the staffing and the \
             roads; by the evening they had agreed on a plan that the town will vote on, \
             although several of them said that the costs were still unclear to them.</p>"
        )
    }

    fn text_of(blocks: &[HtmlBlock]) -> String {
        blocks
            .iter()
            .map(|b| b.markdown.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn an_article_in_a_wrapper_named_like_furniture_is_read_whole() {
        // "extra" makes Readability strip the story's wrapper before scoring; the intro alone
        // passes its length threshold, so its default reading stops there.
        let intro: String = (0..2).map(|n| paragraph("harbour", n)).collect();
        let story: String = (0..10).map(|n| paragraph("library", n)).collect();
        let page = format!(
            "<html><body><div class=\"intro\">{intro}</div>\
             <div class=\"story-extra\">{story}</div></body></html>"
        );
        let (blocks, whole_page) = extract_main_content(
            Document::from(page.as_str()),
            &page,
            None,
            Extractor::default(),
        );
        let text = text_of(&blocks);
        assert!(!whole_page);
        for n in [0, 5, 9] {
            assert!(
                text.contains(&format!("library committee met on day {n},")),
                "{text}"
            );
        }
    }

    #[test]
    fn a_wider_reading_of_mostly_links_is_not_taken() {
        let first = vec![HtmlBlock {
            kind: super::super::blocks::HtmlBlockKind::Paragraph,
            markdown: "A short story of forty letters or so here.".into(),
            url: None,
            alt: None,
            caption: None,
        }];
        let links: String = (0..40)
            .map(|n| {
                format!("<p><a href=\"/s/{n}\">Another headline about the town, number {n}</a></p>")
            })
            .collect();
        let page = format!("<html><body><div>{links}</div></body></html>");
        let kept = wider_reading(first.clone(), usize::MAX, &page, None);
        assert_eq!(kept, first);
    }

    #[test]
    fn link_letters_are_counted_apart() {
        let block = HtmlBlock {
            kind: super::super::blocks::HtmlBlockKind::Paragraph,
            markdown: "Read [the report](#) now, \\[not a link\\]".into(),
            url: None,
            alt: None,
            caption: None,
        };
        assert_eq!(text_and_link_chars(&[block]), (24, 9));
    }
}
