//! Inline markdown of one line: links and images taken apart, emphasis and escapes removed, and
//! inline HTML tags (`<img src=x onerror=…>`, `<b>`, `</span>`) dropped with their text kept (the
//! contents of `<script>` and `<style>` go with them), so a line becomes its visible text plus
//! what it links to.
//!
//! Hand-written on purpose, measured against `pulldown-cmark` (the `cmark-inline` feature,
//! `inline_cmark.rs`; BENCHMARKS.md, 2026-12-07): the dev-set figures are level or a little lower
//! with it (wcxb_text check shingle F1 0.897 → 0.896, word F1 0.899 → 0.897; wcxb_text_main
//! check 0.884 → 0.882; aeb and indic equal) and the normalizer benchmark shows no speed to gain
//! that the shared machine could tell apart. CommonMark also reads scraped lines otherwise than
//! this scan and its tests expect (`<https://…>` becomes link text, character references are
//! decoded, a line must be guarded from being read as a list, fence, HTML block or definition).

use super::hygiene::is_word_part;

/// A markdown image reference `![alt](url)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub alt: String,
    pub url: String,
}

/// The visible text of a line and how much of it sits inside links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inline {
    pub text: String,
    /// Characters of `text` that are link labels.
    pub link_chars: usize,
    pub links: usize,
    /// Characters of `text` inside `*`/`_` emphasis.
    pub emphasis_chars: usize,
    pub images: Vec<ImageRef>,
}

/// Parse a line's inline markdown.
pub fn parse_inline(line: &str) -> Inline {
    // Checked 32 bytes at a time without a branch per byte (the compiler compares them at once).
    let plain = !line.as_bytes().chunks(32).any(|chunk| {
        chunk.iter().fold(false, |found, &b| {
            found | matches!(b, b'\\' | b'!' | b'[' | b'*' | b'_' | b'`' | b'<')
        })
    });
    if plain {
        return Inline {
            text: collapse_spaces(line),
            ..Inline::default()
        };
    }
    #[cfg(feature = "cmark-inline")]
    return super::inline_cmark::parse(line);
    #[cfg(not(feature = "cmark-inline"))]
    parse_marked(line)
}

/// [`parse_inline`] of a line with markup in it.
#[cfg_attr(feature = "cmark-inline", allow(dead_code))]
fn parse_marked(line: &str) -> Inline {
    let mut out = Inline::default();
    let mut emphasis = false;
    parse_into(line, &mut out, false, &mut emphasis);
    let collapsed = collapse_spaces(&out.text);
    out.text = collapsed;
    out
}

fn parse_into(s: &str, out: &mut Inline, in_link: bool, emphasis: &mut bool) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\\' if i + 1 < bytes.len() && bytes[i + 1].is_ascii_punctuation() => {
                push_visible(out, bytes[i + 1] as char, in_link);
                i += 2;
            }
            b'!' if bytes.get(i + 1) == Some(&b'[') => {
                if let Some(link) = parse_link(s, i + 1) {
                    out.images.push(ImageRef {
                        alt: collapse_spaces(&unescape(link.label)),
                        url: link.url.to_string(),
                    });
                    i = link.end;
                } else {
                    push_visible(out, '!', in_link);
                    i += 1;
                }
            }
            b'[' => {
                if let Some(link) = parse_link(s, i) {
                    out.links += 1;
                    parse_into(link.label, out, true, emphasis);
                    i = link.end;
                } else {
                    push_visible(out, '[', in_link);
                    i += 1;
                }
            }
            b'*' => {
                while bytes.get(i) == Some(&b'*') {
                    i += 1;
                }
                *emphasis = !*emphasis;
            }
            b'_' => {
                let before = s[..i].chars().next_back().is_some_and(is_word_part);
                let after = s[i + 1..].chars().next().is_some_and(is_word_part);
                if before && after {
                    push_visible(out, '_', in_link);
                    i += 1;
                } else {
                    while bytes.get(i) == Some(&b'_') {
                        i += 1;
                    }
                    *emphasis = !*emphasis;
                }
            }
            b'`' => i += 1,
            b'<' => match html_tag(s, i) {
                Some(tag) => {
                    if tag.name == "br" {
                        push_visible(out, ' ', in_link);
                    }
                    i = if tag.opening && matches!(tag.name, "script" | "style") {
                        skip_element(s, tag.end, tag.name)
                    } else {
                        tag.end
                    };
                }
                None => {
                    push_visible(out, '<', in_link);
                    i += 1;
                }
            },
            _ => {
                // Copy this character and the run of characters up to the next byte that may
                // open markup (all ASCII, so the run ends on a character boundary) at once.
                let mut end = (i + utf8_len(b)).min(bytes.len());
                while end < bytes.len()
                    && !matches!(bytes[end], b'\\' | b'!' | b'[' | b'*' | b'_' | b'`' | b'<')
                {
                    end += 1;
                }
                if let Some(chunk) = s.get(i..end) {
                    out.text.push_str(chunk);
                    if in_link || *emphasis {
                        let visible = chunk.chars().filter(|c| !c.is_whitespace()).count();
                        if in_link {
                            out.link_chars += visible;
                        }
                        if *emphasis {
                            out.emphasis_chars += visible;
                        }
                    }
                }
                i = end;
            }
        }
    }
}

/// Longest HTML tag looked at, so a `<` never closed costs linear time.
const MAX_TAG_SPAN: usize = 2048;

/// Element names read as inline HTML (any name with a hyphen, a custom element, is one too); a
/// `<` before anything else is text ("a <b", "<Company name>").
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "meta",
    "meter",
    "nav",
    "noscript",
    "object",
    "ol",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

struct Tag<'a> {
    /// Lower-cased ASCII name (`img`, `my-widget`).
    name: &'a str,
    opening: bool,
    /// Byte after the closing `>`.
    end: usize,
}

/// An HTML tag (`<name …>`, `</name>`, `<name/>`) or comment (`<!-- … -->`) starting at `open`.
/// Attribute values in quotes may hold `>`.
fn html_tag(s: &str, open: usize) -> Option<Tag<'static>> {
    let bytes = s.as_bytes();
    let rest = bytes.get(open + 1..)?;
    if rest.starts_with(b"!--") {
        let body = &s[open + 4..];
        let close = body.get(..body.len().min(MAX_TAG_SPAN))?.find("-->")?;
        return Some(Tag {
            name: "!--",
            opening: false,
            end: open + 4 + close + 3,
        });
    }
    let (opening, name_start) = match rest.first()? {
        b'/' => (false, open + 2),
        _ => (true, open + 1),
    };
    let name_len = bytes
        .get(name_start..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let name_bytes = bytes.get(name_start..name_start + name_len)?;
    if !name_bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let lower = name_bytes.to_ascii_lowercase();
    let name = std::str::from_utf8(&lower).ok()?;
    let known = HTML_ELEMENTS.iter().find(|e| **e == name).copied();
    let name: &'static str = match known {
        Some(n) => n,
        None if name.contains('-') => "custom",
        None => return None,
    };
    // After the name: the end of the tag, or whitespace and attributes, or `/>`.
    let mut i = name_start + name_len;
    let after = *bytes.get(i)?;
    if !(after == b'>' || after == b'/' || after.is_ascii_whitespace()) {
        return None;
    }
    let mut quote: Option<u8> = None;
    while i < bytes.len() && i - open <= MAX_TAG_SPAN {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => {
                return Some(Tag {
                    name,
                    opening,
                    end: i + 1,
                })
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// The element an inline HTML tag (or comment, `!--`) names, and whether it opens it: `None`
/// for markup that is not a known element's tag.
#[cfg(feature = "cmark-inline")]
pub(super) fn html_tag_name(raw: &str) -> Option<(&'static str, bool)> {
    html_tag(raw, 0).map(|tag| (tag.name, tag.opening))
}

/// Where the element whose opening tag ends at `from` ends: after its closing tag, else at the
/// end of the line.
fn skip_element(s: &str, from: usize, name: &str) -> usize {
    let closing = format!("</{name}");
    let hay = s[from..].to_ascii_lowercase();
    match hay.find(&closing) {
        Some(at) => s[from + at..]
            .find('>')
            .map_or(s.len(), |gt| from + at + gt + 1),
        None => s.len(),
    }
}

fn push_visible(out: &mut Inline, c: char, in_link: bool) {
    out.text.push(c);
    if in_link && !c.is_whitespace() {
        out.link_chars += 1;
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Longest label or target looked at, so unclosed brackets cost linear time.
const MAX_LINK_SPAN: usize = 4096;

struct Link<'a> {
    label: &'a str,
    url: &'a str,
    end: usize,
}

/// `[label](url "title")` starting at `open` (the `[`); nested brackets and escapes respected.
fn parse_link(s: &str, open: usize) -> Option<Link<'_>> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let close = loop {
        if i - open > MAX_LINK_SPAN {
            return None;
        }
        let b = *bytes.get(i)?;
        match b {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            _ => {}
        }
        i += 1;
    };
    if bytes.get(close + 1) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut j = close + 1;
    let end = loop {
        if j - close > MAX_LINK_SPAN {
            return None;
        }
        let b = *bytes.get(j)?;
        match b {
            b'\\' => j += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break j;
                }
            }
            _ => {}
        }
        j += 1;
    };
    let target = s.get(close + 2..end)?.trim();
    let url = target.split_whitespace().next().unwrap_or("");
    let url = url.trim_start_matches('<').trim_end_matches('>');
    Some(Link {
        label: s.get(open + 1..close)?,
        url,
        end: end + 1,
    })
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Collapse whitespace runs to one space and trim.
pub fn collapse_spaces(s: &str) -> String {
    if is_collapsed(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `s` is already as [`collapse_spaces`] leaves it: no whitespace at either end and none
/// inside but single ASCII spaces. Every whitespace character but the ASCII ones starts with the
/// byte C2, E1, E2 or E3, so only those are decoded.
fn is_collapsed(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // First without a branch per byte: no byte that is or may start whitespace other than the
    // space, and no two spaces in a row, is collapsed text (most lines are).
    let suspect = bytes.iter().fold(false, |acc, &b| {
        acc | matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0xC2 | 0xE1..=0xE3)
    });
    let double_space = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |acc, (&a, &b)| acc | ((a == b' ') & (b == b' ')));
    if !suspect && !double_space {
        return true;
    }
    let mut prev_space = false;
    for (i, &b) in bytes.iter().enumerate() {
        let space = match b {
            b' ' => true,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => return false,
            0xC2 | 0xE1..=0xE3 => {
                if s.get(i..)
                    .and_then(|r| r.chars().next())
                    .is_none_or(char::is_whitespace)
                {
                    return false;
                }
                false
            }
            _ => false,
        };
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapsed_test_agrees_with_collapsing() {
        for s in [
            "",
            " ",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{00A0}b",
            "a\u{0085}b",
            "a\u{1680}b",
            "a\u{2009}b",
            "a\u{202F}b",
            "a\u{205F}b",
            "a\u{3000}b",
            "a\u{2028}b",
            "“quoted” — ok é ñ क्ष 日本",
            "x\u{1F600} y",
        ] {
            let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(is_collapsed(s), collapsed == s, "{s:?}");
        }
        for c in '\u{0}'..='\u{3100}' {
            let s = format!("a{c}b");
            let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(is_collapsed(&s), collapsed == s, "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn links_images_and_emphasis() {
        let p = parse_inline(
            "(_Reuters_) — see [the **report**](https://x.com/a_(b)) ![logo](i.png) snake_case",
        );
        assert_eq!(p.text, "(Reuters) — see the report snake_case");
        assert_eq!(p.link_chars, "thereport".chars().count());
        assert_eq!(
            p.images,
            vec![ImageRef {
                alt: "logo".into(),
                url: "i.png".into()
            }]
        );
    }

    #[test]
    fn unclosed_brackets_are_text() {
        assert_eq!(parse_inline("a [b ( c ![").text, "a [b ( c ![");
    }

    #[test]
    fn escaped_alt() {
        let p = parse_inline(r"![Moon \[SpaceX via Nasa\]](/a.jpg)");
        assert_eq!(p.images[0].alt, "Moon [SpaceX via Nasa]");
        assert_eq!(p.text, "");
    }

    #[test]
    fn inline_html_is_markup_not_text() {
        assert_eq!(
            parse_inline(r#"Hello <img src=x onerror="alert('>')"> world"#).text,
            "Hello world"
        );
        assert_eq!(
            parse_inline("A <b>bold</b> and <span class='x'>plain</span><br/>word").text,
            "A bold and plain word"
        );
        assert_eq!(
            parse_inline("x<script>alert(1)</script>y <!-- note --> z").text,
            "xy z"
        );
        assert_eq!(
            parse_inline("<my-widget data-a=1>kept</my-widget>").text,
            "kept"
        );
        // Not tags: comparisons, placeholders, autolinks.
        assert_eq!(parse_inline("if a <b then c").text, "if a <b then c");
        assert_eq!(
            parse_inline("Dear <Name>, 3 < 4").text,
            "Dear <Name>, 3 < 4"
        );
        assert_eq!(
            parse_inline("<https://example.com>").text,
            "<https://example.com>"
        );
        assert_eq!(
            parse_inline("unclosed <img src=x").text,
            "unclosed <img src=x"
        );
    }
}
