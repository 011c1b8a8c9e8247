//! Article structure from the kept blocks: the title, the summary (dek), the lead image with its
//! alt text freed of title copies, headings told apart from paragraphs, and repeated lines dropped.

use std::collections::HashSet;

use super::article::{Block, BlockType, Image, Removed};
use super::blocks::{LineKind, RawBlock};
use super::boilerplate::{ends_like_sentence, Verdict};
use super::inline::collapse_spaces;
use super::kickers::split_kicker;

/// A summary longer than this (in characters, kicker excluded) is the first paragraph instead.
const SUMMARY_MAX_CHARS: usize = 160;
/// A heading is at most this long.
const HEADING_MAX_CHARS: usize = 120;
/// A paragraph this long counts as prose when deciding whether a short line before it is a heading.
const PROSE_MIN_CHARS: usize = 60;

/// The article's parts before kickers, dates and the rest are worked out.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    pub title: String,
    pub summary: Option<String>,
    pub lead_image: Option<Image>,
    pub blocks: Vec<Block>,
    pub removed: Vec<Removed>,
}

/// The first line that can be a title: text of a sensible length, not only links.
pub fn title_candidate(blocks: &[RawBlock]) -> Option<usize> {
    let first = blocks.iter().position(|b| b.is_text_like())?;
    let b = &blocks[first];
    let ok = b.chars >= 2 && b.chars <= 300 && b.link_density() < 0.5;
    ok.then_some(first)
}

/// Assemble the article from blocks and their boilerplate verdicts.
pub fn build_structure(
    raw: &[RawBlock],
    verdicts: &[Verdict],
    title_index: Option<usize>,
    explicit_title: Option<&str>,
    explicit_summary: Option<&str>,
) -> Structure {
    let mut removed: Vec<(usize, Removed)> = Vec::new();
    for (i, v) in verdicts.iter().enumerate() {
        if let Verdict::Remove(reason) = v {
            removed.push((i, removal(&raw[i], reason)));
        }
    }
    let kept: Vec<usize> = (0..raw.len())
        .filter(|&i| verdicts.get(i) == Some(&Verdict::Keep))
        .collect();

    // Title: explicit, else a page's own `#` title right before the body when the first line
    // stands apart from the body (a site name), else the first line.
    let mut title_index = title_index.filter(|i| kept.contains(i));
    if explicit_title.is_none() {
        if let Some(h1) = page_heading_title(raw, &kept, title_index) {
            if let Some(t) = title_index {
                removed.push((t, removal(&raw[t], "navigation")));
            }
            title_index = Some(h1);
        }
    }
    let title = match explicit_title {
        Some(t) => t.to_string(),
        None => title_index.map(|i| raw[i].text.clone()).unwrap_or_default(),
    };

    let body: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| Some(i) != title_index)
        .collect();

    // Summary: explicit, else a short prose line right after the title.
    let mut summary_index = None;
    let summary = match explicit_summary {
        Some(s) => Some(s.to_string()),
        None => {
            summary_index = find_summary(raw, &body, title_index);
            summary_index.map(|i| raw[i].text.clone())
        }
    };

    // Lead image: the first image before the first body text (after the summary, if any).
    let first_text = body
        .iter()
        .copied()
        .find(|&i| raw[i].is_text_like() && Some(i) != summary_index);
    let lead_index = body.iter().copied().find(|&i| {
        raw[i].kind == LineKind::Image
            && raw[i].images.iter().any(|im| is_safe_image_url(&im.url))
            && first_text.is_none_or(|t| i < t)
    });
    let lead_image = lead_index
        .and_then(|i| raw[i].images.iter().find(|im| is_safe_image_url(&im.url)))
        .map(|im| Image {
            url: im.url.clone(),
            alt: destuff_alt(&im.alt, &title),
            caption: None,
        });

    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(fold(&title));
    if let Some(s) = &summary {
        seen.insert(fold(s));
    }
    let mut blocks = Vec::new();
    for (pos, &i) in body.iter().enumerate() {
        if Some(i) == summary_index || Some(i) == lead_index {
            continue;
        }
        let b = &raw[i];
        if b.kind == LineKind::Image {
            for im in b.images.iter().filter(|im| is_safe_image_url(&im.url)) {
                let alt = destuff_alt(&im.alt, &title);
                blocks.push(Block {
                    kind: BlockType::Image,
                    text: alt.clone().unwrap_or_default(),
                    url: Some(im.url.clone()),
                    alt,
                    caption: None,
                });
            }
            continue;
        }
        if !seen.insert(fold(&b.text)) {
            removed.push((i, removal(b, "duplicate")));
            continue;
        }
        let next_text = body[pos + 1..]
            .iter()
            .map(|&j| &raw[j])
            .find(|n| n.kind != LineKind::Image);
        let kind = match b.kind {
            LineKind::Heading(_) => BlockType::Heading,
            LineKind::ListItem => BlockType::ListItem,
            LineKind::Quote => BlockType::Quote,
            _ if looks_like_heading(b, next_text) => BlockType::Heading,
            _ => BlockType::Paragraph,
        };
        blocks.push(Block::text(kind, b.text.clone()));
    }

    removed.sort_by_key(|(i, _)| *i);
    Structure {
        title,
        summary,
        lead_image,
        blocks,
        removed: removed.into_iter().map(|(_, r)| r).collect(),
    }
}

/// Whether an image URL may be stored: an absolute http(s) URL with a host, or a reference that
/// starts with `/` (a path or `//host`, which no scheme can precede). `javascript:`, `data:`,
/// `file:` and every other scheme are dropped, however they are cased, padded or split.
pub fn is_safe_image_url(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(url) => matches!(url.scheme(), "http" | "https") && url.host().is_some(),
        Err(url::ParseError::RelativeUrlWithoutBase) => value.starts_with('/'),
        Err(_) => false,
    }
}

fn removal(b: &RawBlock, reason: &str) -> Removed {
    Removed {
        text: b.line.clone(),
        reason: reason.to_string(),
    }
}

/// A level-1 heading that opens the kept body while the first line sits apart from it (separated
/// by removed lines): the page's own title, the first line being the site's name.
fn page_heading_title(
    raw: &[RawBlock],
    kept: &[usize],
    title_index: Option<usize>,
) -> Option<usize> {
    let t = title_index?;
    let after_title = kept.iter().copied().find(|&i| i > t)?;
    if after_title == t + 1 {
        return None;
    }
    let b = &raw[after_title];
    (b.kind == LineKind::Heading(1) && b.chars <= 300).then_some(after_title)
}

fn find_summary(raw: &[RawBlock], body: &[usize], title_index: Option<usize>) -> Option<usize> {
    let t = title_index?;
    let pos = body.iter().position(|&i| raw[i].kind != LineKind::Image)?;
    let i = body[pos];
    let b = &raw[i];
    if i > t + 3 || b.kind != LineKind::Text {
        return None;
    }
    let more_text = body[pos + 1..].iter().any(|&j| raw[j].is_text_like());
    let text = split_kicker(&b.text).map_or(b.text.as_str(), |(_, rest)| rest);
    let short = text.chars().count() <= SUMMARY_MAX_CHARS && text.chars().count() >= 20;
    (more_text && short && ends_like_sentence(text) && !text.ends_with(':')).then_some(i)
}

/// A short standalone line without final punctuation (or ending in "?") followed by prose.
fn looks_like_heading(b: &RawBlock, next: Option<&RawBlock>) -> bool {
    if b.chars > HEADING_MAX_CHARS || b.text.split_whitespace().count() > 16 {
        return false;
    }
    let question = b.text.trim_end().ends_with(['?', '？', '؟']);
    if ends_like_sentence(&b.text) && !question {
        return false;
    }
    next.is_some_and(|n| {
        n.kind == LineKind::Text && n.chars >= PROSE_MIN_CHARS && n.chars > b.chars
    })
}

/// Alt text with copies of the title cut out; `None` when nothing else is left.
pub fn destuff_alt(alt: &str, title: &str) -> Option<String> {
    let mut rest = alt.to_string();
    if title.chars().count() >= 8 {
        rest = rest.replace(title, " ");
    }
    let rest = collapse_spaces(&rest);
    let rest = rest.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '|' | ',' | ':' | '–' | '—')
    });
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Case- and space-insensitive form for spotting repeats.
fn fold(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_destuffing() {
        let title = "पुतिन और किम जोंग उन";
        let alt = "पुतिन और किम जोंग उन Vladimir Putin and Kim पुतिन और किम जोंग उन";
        assert_eq!(
            destuff_alt(alt, title).as_deref(),
            Some("Vladimir Putin and Kim")
        );
        assert_eq!(destuff_alt(title, title), None);
    }

    #[test]
    fn only_http_or_rooted_image_urls_are_safe() {
        for ok in [
            "https://cdn.example.com/a.jpg",
            "HTTP://cdn.example.com/a.jpg",
            "/img/a.png",
            "//cdn.example.com/a.jpg",
            // Read as https://cdn.example.com/a.jpg (the fuzzer's first find, from
            // `https:\0\0&host/…` with the NULs cleaned away): a scheme check, not a slash check.
            "https:cdn.example.com/a.jpg",
            "https:&nnett-cdn.com/media/2016/04/05/a.jpg?width=1080&quality=50",
        ] {
            assert!(is_safe_image_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.com/a.jpg",
            "http://",
            "javascript&#58;alert(1)",
            "a.png",
            "",
        ] {
            assert!(!is_safe_image_url(bad), "{bad:?}");
        }
    }
}
