//! Article structure from the kept blocks: the title, the summary (dek), the lead image with its
//! alt text freed of title copies, headings told apart from paragraphs, and repeated lines dropped.

use std::borrow::Cow;
use std::collections::HashSet;

use super::article::{Block, BlockType, Image, Removed};
use super::blocks::{LineKind, RawBlock};
use super::boilerplate::{ends_like_sentence, marker_reason, Verdict};
use super::hygiene::lowercase_cow;
use super::inline::collapse_spaces;
use super::kickers::split_kicker;
use super::substr;

/// A summary longer than this (in characters, kicker excluded) is the first paragraph instead.
const SUMMARY_MAX_CHARS: usize = 160;
/// How many lines (images and labels) may stand between the title and the summary.
const SUMMARY_MAX_DISTANCE: usize = 8;
/// A heading is at most this long.
const HEADING_MAX_CHARS: usize = 120;
/// A paragraph this long counts as prose when deciding whether a short line before it is a heading.
const PROSE_MIN_CHARS: usize = 30;

/// The article's parts before kickers, dates and the rest are worked out.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    pub title: String,
    pub summary: Option<String>,
    pub lead_image: Option<Image>,
    pub blocks: Vec<Block>,
    pub removed: Vec<Removed>,
}

/// The lines that open an article: its title and its summary, found before boilerplate removal
/// so that neither is judged as a stray short line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Heads {
    pub title: Option<usize>,
    pub summary: Option<usize>,
}

impl Heads {
    pub fn indices(&self) -> Vec<usize> {
        self.title.into_iter().chain(self.summary).collect()
    }
}

/// The first line that can be a title (text of a sensible length, not only links) and the short
/// prose line right after it, if any.
pub fn find_heads(blocks: &[RawBlock]) -> Heads {
    // The first line, unless it is a menu entry or a page leftover ("Skip to content"): then
    // the page's one level-1 heading, else the first line that is neither.
    let fits = |b: &RawBlock| b.chars >= 2 && b.chars <= 300 && b.link_density() < 0.5;
    let first_line = blocks.iter().position(|b| b.is_text_like());
    let leftover = |b: &RawBlock| b.kind == LineKind::ListItem || marker_reason(&b.text).is_some();
    let first = match first_line {
        Some(i) if leftover(&blocks[i]) => {
            let mut h1s = blocks
                .iter()
                .enumerate()
                .filter(|(_, b)| b.kind == LineKind::Heading(1) && !b.text.is_empty());
            let only_h1 = match (h1s.next(), h1s.next()) {
                (Some((i, b)), None) if fits(b) => Some(i),
                _ => None,
            };
            only_h1
                .or_else(|| {
                    blocks
                        .iter()
                        .position(|b| b.is_text_like() && !leftover(b) && fits(b))
                })
                .or(first_line)
        }
        other => other,
    };
    let Some(first) = first else {
        return Heads::default();
    };
    let b = &blocks[first];
    if !(b.chars >= 2 && b.chars <= 300 && b.link_density() < 0.5) {
        return Heads::default();
    }
    Heads {
        title: Some(first),
        summary: find_summary(blocks, first),
    }
}

/// Assemble the article from blocks and their boilerplate verdicts.
pub fn build_structure(
    raw: &[RawBlock],
    verdicts: &[Verdict],
    heads: Heads,
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
    let mut title_index = heads.title.filter(|i| kept.contains(i));
    let mut summary_candidate = heads.summary.filter(|i| kept.contains(i));
    let mut site_name = None;
    let mut site_name_summary = None;
    if explicit_title.is_none() {
        if let Some(h1) = page_heading_title(raw, &kept, title_index) {
            if let Some(t) = title_index {
                removed.push((t, removal(&raw[t], "navigation")));
                site_name = Some(t);
            }
            removed.retain(|(i, _)| *i != h1);
            title_index = Some(h1);
            if let Some(s) = summary_candidate.take() {
                removed.push((s, removal(&raw[s], "navigation")));
                site_name_summary = Some(s);
            }
        }
    }
    if explicit_title.is_none() && title_index.is_none() {
        title_index = fallback_title(raw);
    }
    let title = match explicit_title {
        Some(t) => t.to_string(),
        None => title_index.map(|i| raw[i].text.clone()).unwrap_or_default(),
    };

    let body: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| Some(i) != title_index && Some(i) != site_name && Some(i) != site_name_summary)
        .collect();

    // Summary: explicit, else a short prose line right after the title.
    let mut summary_index = None;
    let summary = match explicit_summary {
        Some(s) => Some(s.to_string()),
        None => {
            summary_index = summary_candidate;
            summary_index.map(|i| raw[i].text.clone())
        }
    };

    // Lead image: the first image before the first body text (after the summary, if any).
    let first_text = body
        .iter()
        .copied()
        .find(|&i| raw[i].is_text_like() && Some(i) != summary_index);
    // Each URL is parsed once: the block's first safe image is the lead.
    let lead = body.iter().copied().find_map(|i| {
        if raw[i].kind != LineKind::Image || first_text.is_some_and(|t| i >= t) {
            return None;
        }
        let image = raw[i].images.iter().find(|im| is_safe_image_url(&im.url))?;
        Some((i, image))
    });
    let lead_index = lead.map(|(i, _)| i);
    let lead_image = lead.map(|(_, im)| Image {
        url: im.url.clone(),
        alt: destuff_alt(&im.alt, &title),
        caption: None,
    });

    let mut seen: HashSet<Cow<'_, str>, foldhash::fast::RandomState> = HashSet::default();
    let folded_title = fold(&title);
    seen.insert(folded_title.clone());
    if let Some(s) = &summary {
        seen.insert(fold(s));
    }
    let mut lead_image = lead_image;
    let mut blocks: Vec<Block> = Vec::new();
    // The alt text of the image just before, to spot its caption repeated as a line.
    let mut previous_alt: Option<(String, Option<usize>)> = None;
    for (pos, &i) in body.iter().enumerate() {
        if Some(i) == summary_index {
            continue;
        }
        if Some(i) == lead_index {
            previous_alt = lead_image
                .as_ref()
                .and_then(|im| im.alt.as_deref())
                .map(|a| (fold(a).into_owned(), None));
            continue;
        }
        let b = &raw[i];
        if b.kind == LineKind::Image {
            let safe: Vec<_> = b
                .images
                .iter()
                .filter(|im| is_safe_image_url(&im.url))
                .collect();
            previous_alt = safe.last().map(|im| {
                (
                    fold(&im.alt).into_owned(),
                    Some(blocks.len() + safe.len() - 1),
                )
            });
            if previous_alt.as_ref().is_some_and(|(a, _)| a.is_empty()) {
                previous_alt = None;
            }
            for im in safe {
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
        let folded = fold(&b.text);
        if let Some((alt, at)) = previous_alt.take() {
            if folded.len() >= 10
                && (substr::contains(&alt, &folded)
                    || substr::contains(&folded, &alt) && alt.len() * 2 >= folded.len())
            {
                let caption = Some(b.text.clone());
                match at {
                    Some(k) => blocks[k].caption = caption,
                    None => {
                        if let Some(im) = lead_image.as_mut() {
                            im.caption = caption;
                        }
                    }
                }
                removed.push((i, removal(b, "image_caption")));
                continue;
            }
        }
        if repeats_title(&folded, &folded_title) || !seen.insert(folded) {
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
    let lead_image = lead_image;
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

/// When the first line cannot be a title: the first top-level heading, else the first short line
/// that is not a link.
fn fallback_title(raw: &[RawBlock]) -> Option<usize> {
    let fits = |b: &RawBlock| b.chars >= 8 && b.chars <= 300 && b.link_density() < 0.5;
    raw.iter()
        .position(|b| matches!(b.kind, LineKind::Heading(1 | 2)) && fits(b))
        .or_else(|| raw.iter().position(|b| b.kind == LineKind::Text && fits(b)))
}

/// The page's own `#` title when the first line stands apart from the body (removed lines
/// between them, as with a site name over a whole page): the last level-1 heading before the body.
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
    (t + 1..=after_title)
        .rev()
        .find(|&i| raw[i].kind == LineKind::Heading(1) && raw[i].chars <= 300)
}

/// A short prose statement right after the title, with more text after. Images and short labels
/// (a dateline, a byline, a question heading) may come between.
fn find_summary(raw: &[RawBlock], title: usize) -> Option<usize> {
    let is_label = |b: &RawBlock| {
        let t = b.text.trim_end();
        b.chars <= 80 && (!ends_like_sentence(t) || t.ends_with(['?', ':']))
    };
    let i = (title + 1..raw.len().min(title + 1 + SUMMARY_MAX_DISTANCE)).find(|&i| {
        raw[i].kind != LineKind::Image && !(raw[i].is_text_like() && is_label(&raw[i]))
    })?;
    let b = &raw[i];
    if b.kind != LineKind::Text || b.links > 0 || marker_reason(&b.text).is_some() {
        return None;
    }
    let more_text = raw[i + 1..].iter().any(RawBlock::is_text_like);
    let text = split_kicker(&b.text).map_or(b.text.as_str(), |(_, rest)| rest);
    let chars = text.chars().count();
    let short = (20..=SUMMARY_MAX_CHARS).contains(&chars);
    let statement = ends_like_sentence(text) && !text.ends_with([':', '?', '？', '؟']);
    (more_text && short && statement).then_some(i)
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
        n.kind == LineKind::Text
            && n.chars >= PROSE_MIN_CHARS
            && n.chars > b.chars
            && ends_like_sentence(&n.text)
    })
}

/// Alt text with copies of the title cut out; `None` when nothing else is left.
pub fn destuff_alt(alt: &str, title: &str) -> Option<String> {
    let mut rest = alt.to_string();
    if title.chars().count() >= 8 {
        rest = substr::replace(&rest, title, " ");
    }
    let rest = collapse_spaces(&rest);
    let rest = rest.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '|' | ',' | ':' | '–' | '—')
    });
    (!rest.is_empty()).then(|| rest.to_string())
}

/// A line that is the title, or the title with a little around it (a breadcrumb, a site name).
fn repeats_title(line: &str, title: &str) -> bool {
    if line.chars().count() < 15 || title.is_empty() {
        return false;
    }
    line == title
        || (line.len() < title.len() && substr::contains(title, line))
        || (line.len() > title.len()
            && line.len() * 2 <= title.len() * 3
            && substr::contains(line, title))
}

/// Case-insensitive form for spotting repeats (block text is already space-collapsed).
fn fold(s: &str) -> Cow<'_, str> {
    lowercase_cow(s)
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
