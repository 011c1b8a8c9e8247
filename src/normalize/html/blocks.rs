//! The extracted main content (an HTML fragment) to blocks: headings, paragraphs, list items,
//! quotes and images with alt text and caption. Only text and image addresses leave this step:
//! elements that carry no article text (forms, buttons, embeds, scripts) are skipped whole, event
//! handlers and styles are never read, links keep their label only, and an image address must
//! resolve to http(s).

use dom_query::{Document, NodeRef};
use url::Url;

/// Deeper nesting than this is read as plain text (no recursion without bound).
const MAX_DEPTH: usize = 128;
/// At most this many blocks are taken from one page.
const MAX_BLOCKS: usize = 20_000;

/// The shape of one block of the page's main content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlBlockKind {
    Heading(u8),
    Paragraph,
    ListItem,
    Quote,
    Image,
}

/// One block: its visible text as inline markdown (links as `[label](#)`, markdown characters
/// escaped) and, for images, the resolved address, alt text and caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlBlock {
    pub kind: HtmlBlockKind,
    pub markdown: String,
    pub url: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// Elements whose content is never article text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "frame"
            | "frameset"
            | "object"
            | "embed"
            | "applet"
            | "form"
            | "button"
            | "input"
            | "select"
            | "option"
            | "textarea"
            | "label"
            | "svg"
            | "math"
            | "canvas"
            | "video"
            | "audio"
            | "source"
            | "track"
            | "map"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "nav"
            | "dialog"
    )
}

/// Elements that start and end a block.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "caption"
            | "figure"
            | "figcaption"
            | "address"
            | "hr"
            | "details"
            | "summary"
            | "center"
            | "body"
            | "html"
            | "picture"
    )
}

struct Walker<'a> {
    base: Option<&'a Url>,
    blocks: Vec<HtmlBlock>,
    buf: String,
}

/// The blocks of an extracted content fragment. Relative image addresses resolve against `base`.
pub fn content_blocks(fragment_html: &str, base: Option<&Url>) -> Vec<HtmlBlock> {
    let doc = Document::fragment(fragment_html);
    node_blocks(&doc.root(), base)
}

/// The blocks of the content under `root` (an already parsed tree: no second parse).
pub fn node_blocks(root: &NodeRef, base: Option<&Url>) -> Vec<HtmlBlock> {
    let mut walker = Walker {
        base,
        blocks: Vec::new(),
        buf: String::new(),
    };
    for child in root.children_it(false) {
        walker.walk(&child, HtmlBlockKind::Paragraph, 0);
    }
    walker.flush(HtmlBlockKind::Paragraph);
    walker.blocks
}

/// Paragraph blocks from plain text, one per non-blank line (for extractors that give text only).
#[cfg(feature = "trafilatura")]
pub fn text_blocks(text: &str) -> Vec<HtmlBlock> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut markdown = String::new();
            push_escaped(&mut markdown, l);
            HtmlBlock {
                kind: HtmlBlockKind::Paragraph,
                markdown,
                url: None,
                alt: None,
                caption: None,
            }
        })
        .collect()
}

impl Walker<'_> {
    fn walk(&mut self, node: &NodeRef, ctx: HtmlBlockKind, depth: usize) {
        if self.blocks.len() >= MAX_BLOCKS {
            return;
        }
        if node.is_text() {
            push_escaped(&mut self.buf, &node.text());
            return;
        }
        if !node.is_element() {
            return;
        }
        let Some(name) = node.node_name() else {
            return;
        };
        let name = name.to_ascii_lowercase();
        if is_skipped(&name) || is_hidden(node) {
            return;
        }
        if depth >= MAX_DEPTH {
            push_escaped(&mut self.buf, &node.text());
            return;
        }
        match name.as_str() {
            "br" => self.buf.push(' '),
            "img" => self.image(node),
            "figcaption" => {
                self.flush(ctx);
                let caption = collapse(&node.text());
                let last_image = self
                    .blocks
                    .last_mut()
                    .filter(|b| b.kind == HtmlBlockKind::Image && b.caption.is_none());
                match last_image {
                    Some(image) if !caption.is_empty() => image.caption = Some(caption),
                    _ => {
                        for child in node.children_it(false) {
                            self.walk(&child, ctx, depth + 1);
                        }
                        self.flush(ctx);
                    }
                }
            }
            "a" => {
                let linked = node
                    .attr("href")
                    .is_some_and(|h| !h.trim().is_empty() && !is_script_url(&h));
                let start = self.buf.len();
                for child in node.children_it(false) {
                    self.walk(&child, ctx, depth + 1);
                }
                // The children may have rewritten the buffer's tail (collapsing a trailing space
                // before multi-byte text), so the old length need not be a char boundary now.
                let mut start = start.min(self.buf.len());
                while !self.buf.is_char_boundary(start) {
                    start -= 1;
                }
                if linked && self.buf.len() > start && !self.buf[start..].trim().is_empty() {
                    let label = self.buf.split_off(start);
                    let trimmed = label.trim();
                    let lead = if label.starts_with(char::is_whitespace) {
                        " "
                    } else {
                        ""
                    };
                    let tail = if label.ends_with(char::is_whitespace) {
                        " "
                    } else {
                        ""
                    };
                    self.buf.push_str(lead);
                    self.buf.push('[');
                    self.buf.push_str(trimmed);
                    self.buf.push_str("](#)");
                    self.buf.push_str(tail);
                }
            }
            "td" | "th" => {
                self.buf.push(' ');
                for child in node.children_it(false) {
                    self.walk(&child, ctx, depth + 1);
                }
                self.buf.push(' ');
            }
            _ if is_block(&name) => {
                self.flush(ctx);
                let inner = match name.as_str() {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        let level = name.as_bytes().get(1).map_or(2, |d| d.saturating_sub(b'0'));
                        HtmlBlockKind::Heading(level)
                    }
                    "li" | "dd" | "dt" if !matches!(ctx, HtmlBlockKind::Heading(_)) => {
                        if ctx == HtmlBlockKind::Quote {
                            HtmlBlockKind::Quote
                        } else {
                            HtmlBlockKind::ListItem
                        }
                    }
                    "blockquote" => HtmlBlockKind::Quote,
                    _ => ctx,
                };
                for child in node.children_it(false) {
                    self.walk(&child, inner, depth + 1);
                }
                self.flush(inner);
            }
            _ => {
                for child in node.children_it(false) {
                    self.walk(&child, ctx, depth + 1);
                }
            }
        }
    }

    fn image(&mut self, node: &NodeRef) {
        let src = [
            "src",
            "data-src",
            "data-original",
            "data-lazy-src",
            "data-url",
        ]
        .iter()
        .filter_map(|a| node.attr(a))
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty() && !s.starts_with("data:"));
        let Some(url) = src.and_then(|s| resolve_http_url(&s, self.base)) else {
            return;
        };
        let ctx_text = std::mem::take(&mut self.buf);
        if !ctx_text.trim().is_empty() {
            self.buf = ctx_text;
            self.flush(HtmlBlockKind::Paragraph);
        }
        let alt = node
            .attr("alt")
            .map(|a| collapse(&a))
            .filter(|a| !a.is_empty());
        self.blocks.push(HtmlBlock {
            kind: HtmlBlockKind::Image,
            markdown: String::new(),
            url: Some(url),
            alt,
            caption: None,
        });
    }

    fn flush(&mut self, kind: HtmlBlockKind) {
        let text = collapse(&self.buf);
        self.buf.clear();
        if text.is_empty() || self.blocks.len() >= MAX_BLOCKS {
            return;
        }
        self.blocks.push(HtmlBlock {
            kind,
            markdown: text,
            url: None,
            alt: None,
            caption: None,
        });
    }
}

/// A counter ("Image 12 of 140") is never longer than this.
const MAX_COUNTER_BYTES: usize = 48;
/// At most this many blocks after an image are read as its gallery furniture.
const GALLERY_WINDOW: usize = 8;

/// Take out the text a photo gallery or captioned image leaves among the blocks: the caption
/// repeated as text (its words are the image's alt text or caption), counters ("Image 1 of 23",
/// "3 / 12") and the one-word controls between them ("Caption", "Close"). A caption repeated
/// as text becomes the image's caption when it has none.
pub fn drop_gallery_text(blocks: &mut Vec<HtmlBlock>) {
    let mut drop = vec![false; blocks.len()];
    let mut image: Option<usize> = None;
    let mut since_image = 0;
    for i in 0..blocks.len() {
        if blocks[i].kind == HtmlBlockKind::Image {
            image = Some(i);
            since_image = 0;
            continue;
        }
        since_image += 1;
        let in_gallery = image.is_some() && since_image <= GALLERY_WINDOW;
        if !in_gallery && blocks[i].markdown.len() > MAX_COUNTER_BYTES {
            continue;
        }
        let plain = plain_text(&blocks[i].markdown);
        if is_counter(&plain) {
            drop[i] = true;
            continue;
        }
        let Some(img) = image.filter(|_| in_gallery) else {
            continue;
        };
        let said = |s: &Option<String>| s.as_deref().is_some_and(|s| contains_folded(s, &plain));
        if plain.split_whitespace().count() >= 2
            && (said(&blocks[img].alt) || said(&blocks[img].caption))
        {
            drop[i] = true;
            if blocks[img].caption.is_none() {
                blocks[img].caption = Some(plain);
            }
        } else if !is_control_word(&blocks[i].markdown) {
            // The first text after an image that is not its furniture ends the gallery.
            image = None;
        }
    }
    // One-word controls next to dropped furniture.
    for _ in 0..2 {
        for i in 0..blocks.len() {
            let near = (i > 0 && drop[i - 1]) || drop.get(i + 1).copied().unwrap_or(false);
            if !drop[i]
                && near
                && blocks[i].kind != HtmlBlockKind::Image
                && is_control_word(&blocks[i].markdown)
            {
                drop[i] = true;
            }
        }
    }
    let mut i = 0;
    blocks.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// A block's visible text: link labels kept, a trailing link ("… more", "less") cut, markdown
/// escapes removed.
fn plain_text(markdown: &str) -> String {
    let mut text = markdown.trim_end();
    if text.ends_with("](#)") {
        if let Some(start) = text
            .rfind('[')
            .filter(|&s| s == 0 || !text[..s].ends_with('\\'))
        {
            if start > 0 {
                text = &text[..start];
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '[' => {}
            ']' => {
                // `](#)` of a link label.
                let rest: String = chars.clone().take(3).collect();
                if rest == "(#)" {
                    for _ in 0..3 {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    collapse(out.trim_end_matches(['.', '…', ' ']).trim())
}

/// Whether `needle`'s words appear in `haystack` (case and spacing aside).
fn contains_folded(haystack: &str, needle: &str) -> bool {
    let fold = |s: &str| collapse(&s.to_lowercase());
    let needle = fold(needle);
    !needle.is_empty() && fold(haystack).contains(&needle)
}

/// "Image 1 of 23", "Image 1 of / 23", "3 / 12", "Foto 2 di 9": an optional word, a number, a
/// connecting word or slash, a number.
fn is_counter(text: &str) -> bool {
    let spaced = text.replace('/', " / ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    if tokens.len() < 3 || tokens.len() > 6 {
        return false;
    }
    let start = usize::from(!tokens[0].bytes().all(|b| b.is_ascii_digit()));
    let number = |t: &str| !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit());
    let Some(first) = tokens.get(start) else {
        return false;
    };
    let Some(last) = tokens.last() else {
        return false;
    };
    let middle = &tokens[start + 1..tokens.len() - 1];
    number(first)
        && number(last)
        && !middle.is_empty()
        && middle.iter().all(|t| {
            matches!(
                t.to_lowercase().as_str(),
                "of" | "/" | "de" | "di" | "von" | "sur" | "van" | "из" | "от"
            )
        })
}

/// A single short word with no digits ("Caption", "Close", "Expand").
fn is_control_word(markdown: &str) -> bool {
    let plain = plain_text(markdown);
    let mut words = plain.split_whitespace();
    matches!((words.next(), words.next()), (Some(w), None)
        if w.chars().count() <= 12 && w.chars().all(char::is_alphabetic))
}

/// `hidden`, `aria-hidden="true"` or an inline `display:none`.
fn is_hidden(node: &NodeRef) -> bool {
    node.has_attr("hidden")
        || node
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || node.attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.to_ascii_lowercase().contains("display:none")
        })
}

/// `javascript:`, `vbscript:` and `data:` URLs, whatever their case and leading spaces.
pub fn is_script_url(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    lower.starts_with("javascript:") || lower.starts_with("vbscript:") || lower.starts_with("data:")
}

/// `url` resolved against `base`, if the result is an http(s) URL.
pub fn resolve_http_url(url: &str, base: Option<&Url>) -> Option<String> {
    if is_script_url(url) {
        return None;
    }
    let url = url.trim();
    let parsed = match Url::parse(url) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(url).ok()?,
        Err(_) => return None,
    };
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| parsed.to_string())
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Append text with the characters inline markdown would read escaped.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '*' | '_' | '`' | '!' | '<' | '>' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(blocks: &[HtmlBlock]) -> Vec<HtmlBlockKind> {
        blocks.iter().map(|b| b.kind).collect()
    }

    #[test]
    fn maps_structure() {
        let base = Url::parse("https://example.com/news/story.html").ok();
        let html = r#"<div><h2>Why it <em>matters</em></h2><p>First <a href="/x">link</a> here.</p>
            <ul><li>One</li><li>Two</li></ul><blockquote><p>Said [so].</p></blockquote>
            <figure><img src="../img/a.jpg" alt="A cat"><figcaption>The cat.</figcaption></figure>
            <img src="javascript:alert(1)"><img src="ftp://x/y.jpg">
            <p onclick="steal()">Text <a href="javascript:alert(1)">bad</a><button>Buy</button></p>
            <form><p>Subscribe</p></form></div>"#;
        let blocks = content_blocks(html, base.as_ref());
        assert_eq!(
            kinds(&blocks),
            vec![
                HtmlBlockKind::Heading(2),
                HtmlBlockKind::Paragraph,
                HtmlBlockKind::ListItem,
                HtmlBlockKind::ListItem,
                HtmlBlockKind::Quote,
                HtmlBlockKind::Image,
                HtmlBlockKind::Paragraph,
            ]
        );
        assert_eq!(blocks[1].markdown, "First [link](#) here.");
        assert_eq!(blocks[4].markdown, "Said \\[so\\].");
        assert_eq!(
            blocks[5].url.as_deref(),
            Some("https://example.com/img/a.jpg")
        );
        assert_eq!(blocks[5].alt.as_deref(), Some("A cat"));
        assert_eq!(blocks[5].caption.as_deref(), Some("The cat."));
        assert_eq!(blocks[6].markdown, "Text bad");
    }

    #[test]
    fn gallery_furniture_is_dropped_and_the_caption_kept_on_the_image() {
        let base = Url::parse("https://example.com/").ok();
        let html = r#"<div><p>The show opened on Tuesday with more new cars than ever before.</p>
            <img src="/a.jpg" alt="A new SUV is unveiled in Los Angeles. Photo: Jo Doe, AP">
            <div>A new SUV is unveiled in Los Angeles. <a href="/x">less</a></div>
            <div>A new SUV is unveiled in <a href="/y">... more</a></div>
            <span>Photo: Jo Doe, AP</span><p>Image 1 of / 23</p><p>Caption</p><p>Close</p>
            <p>Image 1 of 23</p><p>Carmakers showed electric models too.</p><p>Close</p></div>"#;
        let mut blocks = content_blocks(html, base.as_ref());
        drop_gallery_text(&mut blocks);
        let texts: Vec<&str> = blocks.iter().map(|b| b.markdown.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "The show opened on Tuesday with more new cars than ever before.",
                "",
                "Carmakers showed electric models too.",
                "Close",
            ]
        );
        assert_eq!(
            blocks[1].caption.as_deref(),
            Some("A new SUV is unveiled in Los Angeles")
        );
    }

    #[test]
    fn counters() {
        for yes in [
            "Image 1 of 23",
            "Image 1 of / 23",
            "3 / 12",
            "3/12",
            "Foto 2 di 9",
        ] {
            assert!(is_counter(yes), "{yes}");
        }
        for no in [
            "1 of the best",
            "Top 10 of 2019 films",
            "Open 24/7 all week",
            "Image of the day",
        ] {
            assert!(!is_counter(no), "{no}");
        }
    }

    #[test]
    fn script_urls_are_refused() {
        assert!(is_script_url(" JavaScript:alert(1)"));
        assert!(is_script_url("java\tscript:alert(1)"));
        assert_eq!(resolve_http_url("javascript:x", None), None);
        assert_eq!(resolve_http_url("/a.jpg", None), None);
        assert_eq!(
            resolve_http_url(
                "//cdn.example.com/a.jpg",
                Url::parse("https://e.com/").ok().as_ref()
            ),
            Some("https://cdn.example.com/a.jpg".to_string())
        );
    }
}
