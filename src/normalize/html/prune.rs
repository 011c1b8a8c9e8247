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
/// Asides and footers of an `<article>` ("a footer typically contains information about its
/// section such as who wrote it … and dates", as HTML defines it): dropped from the text, kept
/// apart for the metadata, at most this many, each at most this long.
const MAX_ARTICLE_META: usize = 8;
const MAX_ARTICLE_META_BYTES: usize = 8 * 1024;
/// Script data (`__NEXT_DATA__`, Next.js flight data, state objects) is searched for
/// publication dates: at most this much of each script, this much in all, for at most this many
/// values.
const MAX_SCRIPT_SCAN_BYTES: usize = 512 * 1024;
const MAX_SCRIPT_SCAN_TOTAL: usize = 2 * 1024 * 1024;
const MAX_SCRIPT_DATES: usize = 4;
/// Keys whose names say publication, as script data writes them (JSON, or JSON inside a
/// JavaScript string with escaped quotes). Creation and modification keys are not read.
const PUBLICATION_KEYS: &[&str] = &[
    "datePublished",
    "publishedAt",
    "published_at",
    "publishDate",
    "publish_date",
    "publishedDate",
    "published_date",
    "publicationDate",
    "publication_date",
    "firstPublished",
    "firstPublishedAt",
    "first_published_at",
];
/// A script-data date value longer than this is not a date.
const MAX_SCRIPT_DATE_CHARS: usize = 40;

/// The page without dropped elements, the JSON-LD blocks it held, and the asides and footers
/// its `<article>` elements held.
#[derive(Debug, Default)]
pub struct Pruned {
    pub html: String,
    pub json_ld: Vec<String>,
    pub article_meta: Vec<String>,
    /// Publication dates written in the page's other scripts, as written, in page order.
    pub script_dates: Vec<String>,
}

/// How React's streaming server rendering sends content that was not ready with the page's
/// shell: hidden at the end of the body, for a script to move into the placeholder
/// (`<template id="B:0">`). Without scripts it stays hidden, and a whole article can be in it.
const STREAMED_CONTENT: &str = "<div hidden id=\"S:";
const STREAMED_CONTENT_SHOWN: &str = "<div id=\"S:";

/// Cut dropped elements and comments out of `html`, and show streamed content.
pub fn prune_markup(html: &str) -> Pruned {
    let mut pruned = prune_counting(html).0;
    reveal_streamed_content(&mut pruned.html);
    pruned
}

/// Take the `hidden` attribute off React's streamed content (the page as its script would show
/// it; the content stays where it was sent, after the shell).
fn reveal_streamed_content(html: &mut String) {
    if memchr::memmem::find(html.as_bytes(), STREAMED_CONTENT.as_bytes()).is_some() {
        *html = html.replace(STREAMED_CONTENT, STREAMED_CONTENT_SHOWN);
    }
}

/// [`prune_markup`], and how many bytes the searches for end tags read (linear in the page).
fn prune_counting(html: &str) -> (Pruned, usize) {
    let mut searched = 0;
    let bytes = html.as_bytes();
    let mut out = Pruned {
        html: String::with_capacity(html.len().min(MAX_MARKUP_BYTES) / 2),
        json_ld: Vec::new(),
        article_meta: Vec::new(),
        script_dates: Vec::new(),
    };
    let mut script_scanned = 0;
    let mut copied = 0;
    let mut i = 0;
    // Where a search for a structural element's end tag found none: none is after any later
    // point either, so a page of unclosed `<nav>` is not searched to its end once a tag.
    let mut unclosed_from: [Option<usize>; STRUCTURAL.len()] = [None; STRUCTURAL.len()];
    // How many `<article>` elements are open where the scan stands.
    let mut articles_open = 0usize;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + offset;
        let rest = &bytes[lt + 1..];
        if is_tag(rest, "article") {
            articles_open += 1;
        } else if rest.first() == Some(&b'/') && is_tag(&rest[1..], "article") {
            articles_open = articles_open.saturating_sub(1);
        }
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
                } else if name == "script"
                    && out.script_dates.len() < MAX_SCRIPT_DATES
                    && script_scanned < MAX_SCRIPT_SCAN_TOTAL
                {
                    let len = (content_end - open_end)
                        .min(MAX_SCRIPT_SCAN_BYTES)
                        .min(MAX_SCRIPT_SCAN_TOTAL - script_scanned);
                    script_scanned += len;
                    script_dates(&bytes[open_end..open_end + len], &mut out.script_dates);
                }
                if matches!(name, "aside" | "footer")
                    && articles_open > 0
                    && found.is_some()
                    // A comment's footer names the commenter, not the article's author.
                    && find_ascii_ci(&bytes[lt..open_end], b"comment").is_none()
                    && out.article_meta.len() < MAX_ARTICLE_META
                    && end - lt <= MAX_ARTICLE_META_BYTES
                {
                    if let Some(markup) = html.get(lt..end) {
                        out.article_meta.push(markup.to_string());
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

/// The values of publication keys in a script (`"publishedAt":"2024-05-02T10:00:00Z"`, or
/// `\"datePublished\":\"…\"` inside a string), added to `out` up to [`MAX_SCRIPT_DATES`];
/// `null`s and values too long to be dates are skipped. Linear in the script: one search for
/// the letters every key shares ("ubli").
fn script_dates(script: &[u8], out: &mut Vec<String>) {
    let finder = memchr::memmem::Finder::new(b"ubli");
    for at in finder.find_iter(script) {
        if out.len() >= MAX_SCRIPT_DATES {
            return;
        }
        // The key: from the quote before these letters to the quote after them.
        let Some(start) = script[at.saturating_sub(8)..at]
            .iter()
            .rposition(|&b| b == b'"')
            .map(|q| at.saturating_sub(8) + q + 1)
        else {
            continue;
        };
        let Some(len) = script[start..]
            .iter()
            .take(24)
            .position(|&b| matches!(b, b'"' | b'\\'))
        else {
            continue;
        };
        let key = &script[start..start + len];
        if !PUBLICATION_KEYS.iter().any(|k| k.as_bytes() == key) {
            continue;
        }
        // `":"`, `\":\"`, or `": "` and an unquoted number, then the value up to its quote.
        let mut i = start + len;
        let mut colon = false;
        while let Some(&b) = script.get(i) {
            match b {
                b'"' | b'\\' | b' ' => {}
                b':' if !colon => colon = true,
                _ => break,
            }
            i += 1;
        }
        if !colon {
            continue;
        }
        let value: Vec<u8> = script[i..]
            .iter()
            .take(MAX_SCRIPT_DATE_CHARS + 1)
            .take_while(|&&b| !matches!(b, b'"' | b'\\' | b',' | b'}' | b']'))
            .copied()
            .collect();
        if value.is_empty() || value.len() > MAX_SCRIPT_DATE_CHARS || value.starts_with(b"null") {
            continue;
        }
        if let Ok(v) = String::from_utf8(value) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
}

fn dropped_element(after_lt: &[u8]) -> Option<&'static str> {
    DROPPED.iter().copied().find(|name| is_tag(after_lt, name))
}

/// Whether the markup after a `<` opens the element `name`.
fn is_tag(after_lt: &[u8], name: &str) -> bool {
    after_lt.len() > name.len()
        && after_lt[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        && matches!(
            after_lt[name.len()],
            b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'\x0c'
        )
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
    fn an_articles_asides_and_footers_are_kept_for_the_metadata() {
        let page = "<aside>Trending</aside><article><h1>T</h1><p>a</p>\
                    <footer class=meta>By Ann Lee, <time datetime=2021-06-06>June 6</time></footer>\
                    </article><footer>© Us</footer>";
        let pruned = prune_markup(page);
        assert_eq!(pruned.html, "<article><h1>T</h1><p>a</p></article>");
        assert_eq!(
            pruned.article_meta,
            vec!["<footer class=meta>By Ann Lee, <time datetime=2021-06-06>June 6</time></footer>"]
        );
        let page = "<article><p>a</p><article class=comment><p>Nice</p>\
                    <footer class=comment-meta>Bo says</footer></article></article>";
        assert!(prune_markup(page).article_meta.is_empty());
    }

    #[test]
    fn publication_dates_in_script_data() {
        let page = r#"<script id="__NEXT_DATA__" type="application/json">{"props":{"page":
            {"createdAt":"2020-01-01","dateModified":"2025-01-01","publishedAt":"2024-05-02T10:00:00Z"}}}
            </script><p>a</p>
            <script>self.__next_f.push([1,"{"datePublished":"2023-03-04","publish_date":null,"unpublished":"2022-01-01"}"])</script>
            <script>window.state = {"publication_date": 1700000000, "published": true};</script>"#;
        let pruned = prune_markup(page);
        assert_eq!(pruned.html.trim(), "<p>a</p>");
        assert_eq!(
            pruned.script_dates,
            vec!["2024-05-02T10:00:00Z", "2023-03-04", "1700000000"]
        );
        // JSON-LD is read as JSON-LD, not as script data.
        let page = r#"<script type="application/ld+json">{"datePublished":"2021-01-01"}</script>"#;
        assert!(prune_markup(page).script_dates.is_empty());
        // At most a few values, however many the scripts hold.
        let page = format!(
            "<script>{}</script>",
            r#"{"publishDate":"2024-01-01"},"#.repeat(1000)
                + &r#"{"publishDate":"2023-01-01"},"#.repeat(1000)
        );
        assert_eq!(
            prune_markup(&page).script_dates,
            vec!["2024-01-01", "2023-01-01"]
        );
    }

    #[test]
    fn streamed_content_is_shown() {
        let page = "<main><template id=\"B:0\"></template><p>Loading…</p></main>\
                    <div hidden id=\"S:0\"><article><p>The story.</p></article></div>\
                    <div hidden class=\"x\"><p>Hidden.</p></div>";
        assert_eq!(
            prune_markup(page).html,
            "<main><p>Loading…</p></main>\
             <div id=\"S:0\"><article><p>The story.</p></article></div>\
             <div hidden class=\"x\"><p>Hidden.</p></div>"
        );
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
