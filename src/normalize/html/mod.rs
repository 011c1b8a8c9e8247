//! Whole web pages in, the same structured article out. Pure functions, no I/O.
//!
//! [`normalize_html`] reads top to bottom as the steps: decode the bytes, cut out markup that can
//! never be text, parse once, read the page's metadata, extract the main content as blocks, then
//! hand the blocks (as markdown lines, with the page's title, URL, date, tags and authors as
//! explicit fields where the sender gave none) to the text pipeline, which takes off kickers and
//! leftovers and infers language, dates, entities and tags.

mod blocks;
mod dates;
mod decode;
mod extract;
mod limits;
mod metadata;
mod prune;

use dom_query::Document;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use url::Url;

pub use blocks::{is_script_url, resolve_http_url, HtmlBlock, HtmlBlockKind};
pub use decode::decode_html;
pub use extract::Extractor;
pub use limits::{
    bound_markup, BoundReport, MAX_DEPTH, MAX_ELEMENTS, MAX_STRAY_END_WORK, MAX_TEXT_WORK,
};
pub use metadata::PageMetadata;
pub use prune::MAX_MARKUP_BYTES;

use super::article::{Block, BlockType, DateSource, Envelope, Image, NormalizedArticle};
use super::blocks::{LineKind, RawBlock};
use super::boilerplate::Verdict;
use super::entities::EntityDictionary;
use super::error::NormalizeError;
use super::language::is_iso639_1;
use super::stats;

/// Choices of the HTML path; the defaults are the measured best.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    pub extractor: Extractor,
}

/// What a page yields before the text pipeline: its metadata and its main content's blocks.
#[derive(Debug, Clone, Default)]
pub struct ExtractedPage {
    pub metadata: PageMetadata,
    /// The URL relative addresses were resolved against (canonical, else the page's URL).
    pub base_url: Option<String>,
    pub blocks: Vec<HtmlBlock>,
    /// The extractor found no main content and `blocks` are the whole page's.
    pub whole_page: bool,
}

/// Turn an HTML page into a structured article. `charset` is the Content-Type's `charset`
/// parameter, if any; the envelope's explicit fields win over the page's metadata.
pub fn normalize_html(
    html: &[u8],
    charset: Option<&str>,
    envelope: &Envelope,
    dictionary: &EntityDictionary,
    now: OffsetDateTime,
) -> Result<NormalizedArticle, NormalizeError> {
    normalize_html_with(
        html,
        charset,
        envelope,
        dictionary,
        now,
        HtmlOptions::default(),
    )
}

/// [`normalize_html`] with a choice of extractor (for measuring them against each other).
pub fn normalize_html_with(
    html: &[u8],
    charset: Option<&str>,
    envelope: &Envelope,
    dictionary: &EntityDictionary,
    now: OffsetDateTime,
    options: HtmlOptions,
) -> Result<NormalizedArticle, NormalizeError> {
    let text = decode_html(html, charset)?;
    let mut page = extract_page(&text, envelope.url.as_deref(), options.extractor);
    let page_date = page_date_of(envelope, &page, now);
    let mut article = match article_of(envelope, &page, page_date, dictionary, now) {
        // The extractor's region held no article text (a teaser, a notice, furniture): a page
        // with an article never comes back empty, so the whole page is read instead.
        Err(NormalizeError::NothingLeft { .. } | NormalizeError::TooShort { .. })
            if !page.whole_page =>
        {
            page = whole_page(&text, page);
            article_of(envelope, &page, page_date, dictionary, now)?
        }
        other => other?,
    };
    let explicit_summary = envelope
        .summary
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    if !explicit_summary {
        keep_lead_paragraph(&mut article, page.metadata.description.as_deref());
    }
    finish_article(&mut article, &page, page_date.map(|(_, source)| source));
    Ok(article)
}

/// The article the text pipeline makes of the page's blocks. The whole page (no main content
/// found) is judged line by line; when that leaves nothing (a short page, CJK lines too short
/// for the prose signals), its text is taken as it is. An extracted region is trusted.
fn article_of(
    envelope: &Envelope,
    page: &ExtractedPage,
    page_date: Option<(OffsetDateTime, DateSource)>,
    dictionary: &EntityDictionary,
    now: OffsetDateTime,
) -> Result<NormalizedArticle, NormalizeError> {
    let prepared = prepare_envelope(envelope, page, page_date);
    let judged = if page.whole_page {
        super::normalize_with_dictionary(&prepared, dictionary, now)
    } else {
        Err(NormalizeError::NothingLeft { removed: 0 })
    };
    match judged {
        Err(NormalizeError::NothingLeft { .. } | NormalizeError::TooShort { .. }) => {
            super::normalize_extracted(&prepared, dictionary, now)
        }
        other => other,
    }
}

/// `page` with the whole page's blocks in place of the extracted region's.
fn whole_page(html: &str, page: ExtractedPage) -> ExtractedPage {
    let pruned = prune::prune_markup(html);
    let (markup, _) = limits::bound_markup(&pruned.html);
    let base = page.base_url.as_deref().and_then(http_url);
    let mut blocks = blocks::content_blocks(&markup, base.as_ref());
    drop_repeated_blocks(&mut blocks);
    blocks::drop_gallery_text(&mut blocks);
    ExtractedPage {
        blocks,
        whole_page: true,
        ..page
    }
}

/// The date the page gives for itself, unless the sender gave one: its declarations first
/// (unless they fall on another day than the article URL's date), then (when the article's URL
/// carries a date, which the text pipeline reads) nothing, then its datelines and modification
/// dates (see [`dates::choose_date`]).
fn page_date_of(
    envelope: &Envelope,
    page: &ExtractedPage,
    now: OffsetDateTime,
) -> Option<(OffsetDateTime, DateSource)> {
    if envelope
        .published_at
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
    {
        return None;
    }
    let url = envelope
        .url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .or(page.base_url.as_deref());
    let url_date = url
        .and_then(super::dates::date_in_path)
        .filter(|t| super::dates::plausible(*t, now))
        .map(|t| t.date());
    dates::choose_date(&page.metadata.dates, url_date, now)
}

/// What the markup bounds see on a decoded page, as [`extract_page`] meets it (after pruning).
pub fn markup_bounds(html: &str) -> BoundReport {
    let pruned = prune::prune_markup(html);
    limits::bound_markup(&pruned.html).1
}

/// Metadata and main-content blocks of a decoded page. `page_url` is where the page was fetched
/// from, if known; relative addresses resolve against the page's canonical URL, else that.
pub fn extract_page(html: &str, page_url: Option<&str>, extractor: Extractor) -> ExtractedPage {
    let pruned = prune::prune_markup(html);
    // Nesting and size are bounded before anything builds or walks a tree.
    let (markup, _) = limits::bound_markup(&pruned.html);
    let doc = Document::from(markup.as_ref());
    let article_meta = (!pruned.article_meta.is_empty())
        .then(|| Document::from(pruned.article_meta.concat().as_str()));
    let metadata = metadata::read_metadata_with(
        &doc,
        article_meta.as_ref(),
        &pruned.json_ld,
        &pruned.script_dates,
    );
    let page = page_url.and_then(http_url);
    let base = metadata
        .canonical_url
        .as_deref()
        .and_then(|c| resolve_http_url(c, page.as_ref()))
        .and_then(|c| Url::parse(&c).ok())
        .or(page);
    let (mut blocks, whole_page) =
        extract::extract_main_content(doc, &markup, base.as_ref(), extractor);
    drop_repeated_blocks(&mut blocks);
    blocks::drop_gallery_text(&mut blocks);
    ExtractedPage {
        metadata,
        base_url: base.map(String::from),
        blocks,
        whole_page,
    }
}

fn http_url(s: &str) -> Option<Url> {
    Url::parse(s.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Keep the first copy of a text block the page repeats word for word (a page of one paragraph
/// over and over is that paragraph once, not an empty article).
fn drop_repeated_blocks(blocks: &mut Vec<HtmlBlock>) {
    let mut seen = std::collections::HashSet::new();
    blocks.retain(|b| {
        b.kind == HtmlBlockKind::Image || b.markdown.is_empty() || seen.insert(b.markdown.clone())
    });
}

/// The envelope the text pipeline sees: the blocks as markdown lines under the page's title, and
/// the page's metadata (and `page_date`) filling the explicit fields the sender left empty.
fn prepare_envelope(
    envelope: &Envelope,
    page: &ExtractedPage,
    page_date: Option<(OffsetDateTime, DateSource)>,
) -> Envelope {
    let meta = &page.metadata;
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());

    let title = if given(&envelope.title) {
        envelope.title.clone()
    } else {
        meta.title.clone()
    };
    let page_date = page_date.and_then(|(t, _)| t.format(&Rfc3339).ok());
    Envelope {
        text: render_markdown(title.as_deref(), &page.blocks),
        html: None,
        url: if given(&envelope.url) {
            envelope.url.clone()
        } else {
            page.base_url.clone()
        },
        title,
        published_at: if given(&envelope.published_at) {
            envelope.published_at.clone()
        } else {
            page_date
        },
        tags: if envelope.tags.is_empty() {
            meta.tags.clone()
        } else {
            envelope.tags.clone()
        },
        authors: if envelope.authors.is_empty() {
            meta.authors.clone()
        } else {
            envelope.authors.clone()
        },
        ..envelope.clone()
    }
}

/// The blocks as the markdown the text pipeline reads: the title as a `#` line, then one line per
/// block with a blank line between.
fn render_markdown(title: Option<&str>, blocks: &[HtmlBlock]) -> String {
    let mut out = String::new();
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        out.push_str("# ");
        for c in title.chars() {
            if matches!(c, '\\' | '[' | ']' | '*' | '_' | '`' | '!') {
                out.push('\\');
            }
            out.push(if c == '\n' { ' ' } else { c });
        }
        out.push_str("\n\n");
    }
    for block in blocks {
        match block.kind {
            HtmlBlockKind::Heading(level) => {
                for _ in 0..level.clamp(2, 6) {
                    out.push('#');
                }
                out.push(' ');
            }
            HtmlBlockKind::ListItem => out.push_str("* "),
            HtmlBlockKind::Quote => out.push_str("> "),
            HtmlBlockKind::Paragraph => {
                if block.markdown.starts_with(['-', '+', '=']) {
                    out.push('\\');
                }
            }
            HtmlBlockKind::Image => {
                if let Some(url) = &block.url {
                    out.push_str("![");
                    let alt = block.alt.as_deref().unwrap_or("");
                    for c in alt.chars() {
                        if matches!(c, '\\' | '[' | ']') {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push_str("](");
                    out.push_str(
                        &url.replace('(', "%28")
                            .replace(')', "%29")
                            .replace(' ', "%20"),
                    );
                    out.push(')');
                }
                out.push_str("\n\n");
                continue;
            }
        }
        out.push_str(&block.markdown);
        out.push_str("\n\n");
    }
    out
}

/// On a page the dek has its own element (and `og:description`); a short first paragraph is
/// the article's first paragraph, not a summary. Put it back into the body, and take the page's
/// description as the summary.
fn keep_lead_paragraph(article: &mut NormalizedArticle, description: Option<&str>) {
    if let Some(lead) = article.summary.take() {
        article
            .blocks
            .insert(0, Block::text(BlockType::Paragraph, lead));
        article.body_text = stats::render_body_text(&article.blocks);
        article.word_count = stats::word_count(&article.body_text);
        article.reading_time_minutes = stats::reading_time_minutes(article.word_count);
        article.content_hash = stats::content_hash(&article.title, &article.body_text);
    }
    article.summary = description
        .map(super::hygiene::clean_inline)
        .filter(|d| !d.is_empty());
}

/// What only the page knows, put on the article: the date's provenance, image captions, the
/// declared lead image when the body had none, and `<html lang>` when detection found nothing.
fn finish_article(
    article: &mut NormalizedArticle,
    page: &ExtractedPage,
    page_date: Option<DateSource>,
) {
    if let Some(source) = page_date {
        if article.published_at_source == Some(DateSource::Explicit) {
            article.published_at_source = Some(source);
        }
    }
    let captions: Vec<(&str, &str)> = page
        .blocks
        .iter()
        .filter_map(|b| Some((b.url.as_deref()?, b.caption.as_deref()?)))
        .collect();
    let caption_of = |url: &str| {
        captions
            .iter()
            .find(|(u, _)| *u == url)
            .map(|(_, c)| c.to_string())
    };
    for block in &mut article.blocks {
        if let Some(url) = block.url.as_deref() {
            block.caption = caption_of(url);
        }
    }
    if let Some(lead) = &mut article.lead_image {
        lead.caption = caption_of(&lead.url);
    }
    if article.lead_image.is_none() {
        let base = page.base_url.as_deref().and_then(http_url);
        article.lead_image = page
            .metadata
            .image
            .as_deref()
            .and_then(|i| resolve_http_url(i, base.as_ref()))
            .map(|url| Image {
                url,
                alt: None,
                caption: None,
            });
    }
    if article.language == "und" {
        if let Some(lang) = page.metadata.language.as_deref() {
            let primary = lang
                .split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if is_iso639_1(&primary) {
                article.language = primary;
            }
        }
    }
}

/// Removal reasons of the boilerplate step that hold for extracted HTML too: what a line says
/// (marker phrases) or what a group of lines is (the author's box: a name and a bio that names
/// them), not where it sits or how long it is.
fn trusted_removal(reason: &str) -> bool {
    matches!(
        reason,
        "separator"
            | "author_box"
            | "promo_image"
            | "no_words"
            | "markup_only"
            | "related_marker"
            | "trending_marker"
            | "after_related_marker"
            | "advertisement"
            | "subscribe"
            | "social"
            | "app_promo"
            | "copyright"
            | "cookie_notice"
            | "credit"
            | "navigation"
            | "boilerplate_marker"
    )
}

/// Undo the boilerplate step's positional and prose-shape removals: the extractor chose the
/// region. A tag list the extractor took in with the article ("Tags: a, b, c", mostly links)
/// is removed.
pub(super) fn keep_extracted_region(raw: &[RawBlock], verdicts: &mut [Verdict]) {
    for (i, v) in verdicts.iter_mut().enumerate() {
        if raw.get(i).is_some_and(is_tag_list) {
            *v = Verdict::Remove("tag_list");
            continue;
        }
        if let Verdict::Remove(reason) = v {
            if !trusted_removal(reason) {
                *v = Verdict::Keep;
            }
        }
    }
}

/// "Tags: a, b, c" under an article: a label word, then mostly links.
fn is_tag_list(b: &RawBlock) -> bool {
    const LABELS: &[&str] = &[
        "tags",
        "tagged",
        "tag",
        "topics",
        "etiquetas",
        "schlagwörter",
        "schlagworte",
        "argomenti",
        "sujets",
        "mots-clés",
        "теги",
        "темы",
    ];
    let Some(first) = b.text.split_whitespace().next() else {
        return false;
    };
    let label = first.trim_end_matches(':').to_lowercase();
    b.kind == LineKind::Text
        && b.links >= 2
        && b.link_density() >= 0.5
        && LABELS.contains(&label.as_str())
}

/// Blocks the extractor gave as paragraphs are rendered without a list marker and list items
/// with `* `; a leading `1)` or `1.` is then the text's own numbering ("1) Lego Star Wars …",
/// a numbered paragraph), which the markdown reading would take for a list marker and drop.
/// Put the number back into the text, and read such a paragraph as text.
pub(super) fn keep_own_numbers(raw: &mut [RawBlock]) {
    for b in raw.iter_mut() {
        if b.kind != LineKind::ListItem {
            continue;
        }
        let (item, body) = match b.line.strip_prefix("* ") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, b.line.as_str()),
        };
        if !starts_with_number_marker(body) {
            continue;
        }
        let inline = super::inline::parse_inline(body);
        if inline.text.is_empty() {
            continue;
        }
        b.chars = inline.text.chars().count();
        b.text = inline.text;
        b.link_chars = inline.link_chars;
        b.links = inline.links;
        if !item {
            b.kind = LineKind::Text;
        }
    }
}

/// `12) `, `3. `: up to three digits, `)` or `.`, a space.
fn starts_with_number_marker(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
        && s.as_bytes().get(digits + 1) == Some(&b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> String {
        (0..6)
            .map(|n| {
                format!(
                    "<p>On the {n}th morning the ferry crew checked the engines, the ropes and \
                     the radio, and the captain, who had sailed the route for years, wrote in \
                     the log that the sea was calm and the passengers were few.</p>"
                )
            })
            .collect()
    }

    /// A page through the HTML path with no envelope or dictionary.
    fn normalized(page: &str) -> Result<NormalizedArticle, NormalizeError> {
        normalize_html(
            page.as_bytes(),
            None,
            &Envelope::default(),
            &EntityDictionary::empty(),
            OffsetDateTime::now_utc(),
        )
    }

    #[test]
    fn a_story_streamed_hidden_is_the_article() {
        let page = format!(
            "<html><head><title>Ferry log</title></head><body><main>\
             <template id=\"B:0\"></template><p>Loading…</p></main>\
             <div hidden id=\"S:0\"><article><h1>Ferry log</h1>{}</article></div></body></html>",
            story()
        );
        let article = normalized(&page).expect("the streamed story is an article");
        assert!(
            article.body_text.contains("On the 5th morning"),
            "{}",
            article.body_text
        );
    }

    #[test]
    fn a_region_with_no_article_text_falls_back_to_the_whole_page() {
        let page = format!(
            "<html><head><title>Ferry log</title></head><body>{}</body></html>",
            story()
        );
        let cookie = HtmlBlock {
            kind: HtmlBlockKind::Paragraph,
            markdown: "We use cookies to improve your experience.".into(),
            url: None,
            alt: None,
            caption: None,
        };
        let region = ExtractedPage {
            blocks: vec![cookie],
            ..ExtractedPage::default()
        };
        let (envelope, dictionary, now) = (
            Envelope::default(),
            EntityDictionary::empty(),
            OffsetDateTime::now_utc(),
        );
        let region_only = article_of(&envelope, &region, None, &dictionary, now);
        assert!(
            matches!(
                region_only,
                Err(NormalizeError::NothingLeft { .. } | NormalizeError::TooShort { .. })
            ),
            "{region_only:?}"
        );
        let page = whole_page(&page, region);
        let article = article_of(&envelope, &page, None, &dictionary, now)
            .expect("the whole page holds the story");
        assert!(
            article.body_text.contains("On the 5th morning"),
            "{}",
            article.body_text
        );
    }

    #[test]
    fn the_authors_bio_under_the_story_is_not_the_article() {
        let page = format!(
            "<html><head><title>Ferry log</title></head><body><article><h1>Ferry log</h1>{}\
             <p>Sam Lee</p><p>Sam Lee is a reporter who has covered the harbour and its \
             ferries since 2019.</p></article></body></html>",
            story()
        );
        let article = normalized(&page).expect("an article");
        assert!(
            article.body_text.contains("On the 5th morning"),
            "{}",
            article.body_text
        );
        assert!(
            !article.body_text.contains("is a reporter"),
            "{}",
            article.body_text
        );
    }
}
