//! [`super::inline::parse_inline`] on `pulldown-cmark`'s inline parser, built with the
//! `cmark-inline` feature only: the alternative measured against the hand-written scan (see the
//! module docs of `inline` and BENCHMARKS.md, 2026-12-07), kept so it can be measured again.
//!
//! The line is parsed as one paragraph (a leading `x ` keeps a line such as "1986. …",
//! "```", "<div>" or "[a]: b" from being read as a list, a fence, an HTML block or a link
//! definition, and is taken off again). Inline HTML that names a known element is dropped as the
//! hand-written path drops it (the contents of `<script>` and `<style>` too); anything else
//! `pulldown-cmark` calls inline HTML ("<Name>") stays text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::inline::{collapse_spaces, html_tag_name, ImageRef, Inline};

/// The same as the hand-written path's markup scan, on `pulldown-cmark`.
pub fn parse(line: &str) -> Inline {
    let mut source = String::with_capacity(line.len() + 2);
    source.push_str("x ");
    source.push_str(line);
    let mut out = Inline::default();
    let mut links = 0usize;
    let mut emphasis = 0usize;
    // The alt text of the image being read, and its URL.
    let mut image: Option<(String, String)> = None;
    let mut image_depth = 0usize;
    // Inside `<script>`/`<style>`: their text is dropped up to the closing tag.
    let mut skipping: Option<&'static str> = None;
    let mut first = true;
    for event in Parser::new_ext(&source, Options::empty()) {
        let text = match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                image_depth += 1;
                if image_depth == 1 {
                    image = Some((String::new(), dest_url.to_string()));
                }
                continue;
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                if image_depth == 0 {
                    if let Some((alt, url)) = image.take() {
                        out.images.push(ImageRef {
                            alt: collapse_spaces(&alt),
                            url,
                        });
                    }
                }
                continue;
            }
            Event::Start(Tag::Link { .. }) => {
                links += 1;
                out.links += 1;
                continue;
            }
            Event::End(TagEnd::Link) => {
                links = links.saturating_sub(1);
                continue;
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => {
                emphasis += 1;
                continue;
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                emphasis = emphasis.saturating_sub(1);
                continue;
            }
            Event::InlineHtml(html) | Event::Html(html) => match html_tag_name(&html) {
                Some((name, opening)) => {
                    if let Some(open) = skipping {
                        if !opening && name == open {
                            skipping = None;
                        }
                        continue;
                    }
                    if opening && matches!(name, "script" | "style") {
                        skipping = Some(name);
                    }
                    if name == "br" {
                        " ".to_owned()
                    } else {
                        continue;
                    }
                }
                None => html.to_string(),
            },
            Event::Text(text) | Event::Code(text) => text.to_string(),
            Event::SoftBreak | Event::HardBreak => " ".to_owned(),
            _ => continue,
        };
        let mut text = text.as_str();
        if first {
            first = false;
            text = text
                .strip_prefix("x ")
                .unwrap_or(text.strip_prefix('x').unwrap_or(text));
        }
        if skipping.is_some() {
            continue;
        }
        if let Some((alt, _)) = image.as_mut() {
            alt.push_str(text);
            continue;
        }
        out.text.push_str(text);
        if links > 0 || emphasis > 0 {
            let visible = text.chars().filter(|c| !c.is_whitespace()).count();
            if links > 0 {
                out.link_chars += visible;
            }
            if emphasis > 0 {
                out.emphasis_chars += visible;
            }
        }
    }
    out.text = collapse_spaces(&out.text);
    out
}
