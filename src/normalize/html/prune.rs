//! Markup that can never be article text, cut out of the page before it is parsed: scripts,
//! styles, `<noscript>`, `<template>`, `<svg>`, `<iframe>`, `<object>`, `<embed>`, comments, and
//! the page's navigation, asides and footers (never the article's text on the development set;
//! the extractor would score and drop them anyway, so cutting them first saves parsing them).
//! News pages are mostly script, so this makes the DOM several times smaller (bounded memory,
//! faster extraction) and keeps active content away from the extractors. JSON-LD blocks are
//! collected on the way, for the metadata.

use super::decode::find_ascii_ci;

/// Elements dropped whole, contents included.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "math", "nav",
    "aside", "footer",
];
/// Page structure dropped only when its closing tag is found (markup broken there keeps what
/// follows, the article perhaps).
const STRUCTURAL: &[&str] = &["nav", "aside", "footer"];
/// At most this much markup is handed to the parser; a longer page is cut at a tag boundary
/// (the article sits well before the 4 MiB mark on every real page seen).
pub const MAX_MARKUP_BYTES: usize = 4 * 1024 * 1024;
/// At most this many JSON-LD blocks, each at most this long, are kept.
const MAX_JSON_LD: usize = 16;
const MAX_JSON_LD_BYTES: usize = 256 * 1024;

/// The page without dropped elements, and the JSON-LD blocks it held.
#[derive(Debug, Default)]
pub struct Pruned {
    pub html: String,
    pub json_ld: Vec<String>,
}

/// Cut dropped elements and comments out of `html`.
pub fn prune_markup(html: &str) -> Pruned {
    prune_counting(html).0
}

/// [`prune_markup`], and how many bytes the searches for end tags read (linear in the page).
fn prune_counting(html: &str) -> (Pruned, usize) {
    let mut searched = 0;
    let bytes = html.as_bytes();
    let mut out = Pruned {
        html: String::with_capacity(html.len().min(MAX_MARKUP_BYTES) / 2),
        json_ld: Vec::new(),
    };
    let mut copied = 0;
    let mut i = 0;
    // Where a search for a structural element's end tag found none: none is after any later
    // point either, so a page of unclosed `<nav>` is not searched to its end once a tag.
    let mut unclosed_from: [Option<usize>; STRUCTURAL.len()] = [None; STRUCTURAL.len()];
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + offset;
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            out.html.push_str(&html[copied..lt]);
            let end = find_ascii_ci(&rest[3..], b"-->").map_or(bytes.len(), |e| lt + 4 + e + 3);
            copied = end;
            i = end;
            continue;
        }
        match dropped_element(rest) {
            Some(name) => {
                out.html.push_str(&html[copied..lt]);
                let open_end = rest
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |e| lt + 1 + e + 1);
                let close = close_tag(name);
                let structural = STRUCTURAL.iter().position(|s| *s == name);
                let known_unclosed = structural
                    .and_then(|s| unclosed_from[s])
                    .is_some_and(|from| from <= open_end);
                let found = if known_unclosed {
                    None
                } else {
                    let found = find_ascii_ci(&bytes[open_end..], close.as_bytes());
                    searched += found.unwrap_or(bytes.len() - open_end);
                    found
                };
                if found.is_none() {
                    if let Some(s) = structural {
                        unclosed_from[s] = Some(open_end);
                    }
                }
                let (content_end, end) = match found {
                    Some(e) => {
                        let c = open_end + e;
                        let after = bytes[c..]
                            .iter()
                            .position(|&b| b == b'>')
                            .map_or(bytes.len(), |g| c + g + 1);
                        (c, after)
                    }
                    None if STRUCTURAL.contains(&name) => {
                        copied = lt;
                        i = lt + 1;
                        continue;
                    }
                    None => (bytes.len(), bytes.len()),
                };
                if name == "script"
                    && is_json_ld(&bytes[lt..open_end])
                    && out.json_ld.len() < MAX_JSON_LD
                    && content_end - open_end <= MAX_JSON_LD_BYTES
                {
                    if let Some(text) = html.get(open_end..content_end) {
                        out.json_ld.push(text.to_string());
                    }
                }
                copied = end;
                i = end;
            }
            None => i = lt + 1,
        }
        if out.html.len() >= MAX_MARKUP_BYTES {
            break;
        }
        if i >= bytes.len() {
            break;
        }
    }
    if out.html.len() < MAX_MARKUP_BYTES && copied < bytes.len() {
        out.html.push_str(&html[copied..]);
    }
    if out.html.len() > MAX_MARKUP_BYTES {
        let cut = out.html.as_bytes()[..MAX_MARKUP_BYTES]
            .iter()
            .rposition(|&b| b == b'<')
            .unwrap_or(0);
        out.html.truncate(cut);
    }
    (out, searched)
}

fn dropped_element(after_lt: &[u8]) -> Option<&'static str> {
    DROPPED.iter().copied().find(|name| {
        after_lt.len() > name.len()
            && after_lt[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && matches!(
                after_lt[name.len()],
                b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'\x0c'
            )
    })
}

fn close_tag(name: &str) -> String {
    format!("</{name}")
}

fn is_json_ld(open_tag: &[u8]) -> bool {
    find_ascii_ci(open_tag, b"application/ld+json").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_active_markup_and_keeps_json_ld() {
        let page = "<p>a</p><SCRIPT>alert('<p>x</p>')</script><!-- c <p>y</p> -->\
                    <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script>\
                    <style>p{}</style><p>b</p><svg><text>z</text></svg><scripts>k</scripts>";
        let pruned = prune_markup(page);
        assert_eq!(pruned.html, "<p>a</p><p>b</p><scripts>k</scripts>");
        assert_eq!(
            pruned.json_ld,
            vec!["{\"@type\":\"NewsArticle\"}".to_string()]
        );
    }

    #[test]
    fn page_structure_goes_only_when_closed() {
        let page = "<nav><a href=\"/\">Home</a></nav><p>a</p><ASIDE>Related</aside>\
                    <navigation>n</navigation><footer>© Us</footer><p>b</p>";
        assert_eq!(
            prune_markup(page).html,
            "<p>a</p><navigation>n</navigation><p>b</p>"
        );
        // An aside never closed keeps the article after it.
        let page = "<p>a</p><aside class=x><p>b</p>";
        assert_eq!(prune_markup(page).html, page);
    }

    #[test]
    fn unclosed_page_structure_is_searched_once() {
        // Each unclosed `<nav>` used to search the rest of the page for its end tag.
        let page = "<nav><p>x".repeat(20_000);
        let (pruned, searched) = prune_counting(&page);
        assert_eq!(pruned.html, page);
        assert!(searched <= page.len(), "{searched} bytes searched");
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        for page in [
            "<script",
            "<!--",
            "<style>p",
            "<",
            "a<",
            "<svg/",
            "é<script>é",
        ] {
            let pruned = prune_markup(page);
            assert!(pruned.html.len() <= page.len());
        }
    }
}
