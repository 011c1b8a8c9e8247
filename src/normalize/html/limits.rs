//! Bounds on the markup handed to the parser, enforced in one linear pass before any tree is
//! built: how deep elements nest and how many there are.
//!
//! The HTML parser keeps a stack of open elements and checks it on most tags, and the content
//! extractor walks the tree recursively, so a page of nothing but nested tags costs time
//! quadratic in its depth and, past some tens of thousands of levels, the stack of the thread
//! (measured: 5,000 nested `<div>` took 15 s to extract, 30,000 nested `<span>` overflowed a
//! 2 MiB stack). Real pages nest far less (the development set's deepest page, 779 pages, is
//! given in BENCHMARKS.md) and hold a few thousand elements after pruning, so the limits below
//! never touch a real article: tags nested deeper than [`MAX_DEPTH`] are left out (their text
//! stays, in the element at the limit, as browsers do at their own depth limit), and the page is
//! cut at its [`MAX_ELEMENTS`]th element (the article comes well before).
//!
//! Depth alone does not bound the extractor's time: it measures each candidate element's text,
//! and the text under an element is counted again for every element above it, so its work grows
//! with the sum, over every byte of text, of the depth the byte sits at (a fuzzed page of 512
//! nested lists holding 1.9 MB of text took tens of seconds). That sum is counted here too, and
//! the page is cut where it passes [`MAX_TEXT_WORK`]; text at a real page's depth (tens of levels)
//! reaches it only after tens of megabytes, more than a request may carry.
//!
//! End tags that close nothing cost the parser a walk down its open elements each (an inline
//! one, through its formatting elements too: 131,072 stray `</em>` under 512 open `<strong>`
//! took seconds); their depth-weighted count is bounded by [`MAX_STRAY_END_WORK`], and past it
//! they are left out. A stray `</p>` or `</br>` makes an element and counts as one.
//!
//! The depth counted here is an over-estimate of the depth the parser builds, so that a page
//! cannot be shallow here and deep in the tree: an end tag closes elements only when everything
//! above the element it names is an element whose end tag may be left out (`p`, `li`, `td`, …),
//! and a start tag implies the end of such an element only when it is the current one. The
//! parser closes more than that (every end tag whose element is in scope), never fewer, except
//! where it inserts elements the markup does not name: `tbody` and `tr` around a bare cell, and
//! formatting elements it reopens, at most one inserted for each counted. So the parser's tree is
//! at most about twice [`MAX_DEPTH`] deep; the fuzz target `html_nesting` checks that bound
//! against the parser itself.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest nesting kept, as counted here (the parser's tree stays under about twice this).
pub const MAX_DEPTH: usize = 512;
/// Elements (start tags) kept; the page is cut before the next one.
pub const MAX_ELEMENTS: usize = 50_000;
/// Most text kept, weighted by depth: the sum over the page's bytes of text (between tags) of
/// the number of elements open around each. The page is cut (at a character boundary) where the
/// sum passes this.
pub const MAX_TEXT_WORK: u64 = 64 * 1024 * 1024;
/// Most work kept for end tags that close nothing counted here: each costs the depth it meets.
pub const MAX_STRAY_END_WORK: u64 = 1024 * 1024;

/// What bounding did to a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoundReport {
    /// Deepest nesting counted (before tags were left out).
    pub depth: usize,
    /// Start tags counted.
    pub elements: usize,
    /// Start tags left out for nesting deeper than [`MAX_DEPTH`].
    pub tags_dropped: usize,
    /// The page was cut at [`MAX_ELEMENTS`] or [`MAX_TEXT_WORK`].
    pub cut: bool,
    /// Text weighted by depth, as counted for [`MAX_TEXT_WORK`] (up to the cut).
    pub text_work: u64,
    /// End tags that closed nothing, weighted by depth, as counted for [`MAX_STRAY_END_WORK`].
    pub stray_end_work: u64,
    /// Such end tags left out past that budget.
    pub stray_end_dropped: usize,
}

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr", "image",
];
/// Elements whose end tag the parser implies (HTML's "generate implied end tags" set, plus the
/// table parts that a new row or cell closes).
const IMPLIED_END: &[&str] = &[
    "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc", "td", "th", "tr",
    "tbody", "thead", "tfoot", "caption", "colgroup",
];
/// Most elements with implied end tags looked through to close the one an end tag names.
const MAX_IMPLIED_RUN: usize = 16;
/// Elements whose content is text up to their own end tag.
const RAW_TEXT: &[&str] = &["title", "textarea", "xmp", "noembed", "noframes", "listing"];

/// A start tag `name` implies the end of the current element when that element is one of these.
fn closes_current(name: &str, current: &str) -> bool {
    match name {
        "li" => current == "li",
        "dd" | "dt" => matches!(current, "dd" | "dt"),
        "option" => current == "option",
        "optgroup" => matches!(current, "option" | "optgroup"),
        "td" | "th" => matches!(current, "td" | "th"),
        "tr" => matches!(current, "tr" | "td" | "th"),
        "tbody" | "thead" | "tfoot" => {
            matches!(current, "tbody" | "thead" | "tfoot" | "tr" | "td" | "th")
        }
        "rb" | "rt" | "rtc" | "rp" => matches!(current, "rb" | "rt" | "rtc" | "rp"),
        // A paragraph ends at the start of any block (HTML's list of elements that close a `p`).
        _ => {
            current == "p"
                && matches!(
                    name,
                    "address"
                        | "article"
                        | "aside"
                        | "blockquote"
                        | "center"
                        | "details"
                        | "dialog"
                        | "dir"
                        | "div"
                        | "dl"
                        | "fieldset"
                        | "figcaption"
                        | "figure"
                        | "footer"
                        | "form"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "header"
                        | "hgroup"
                        | "hr"
                        | "main"
                        | "menu"
                        | "nav"
                        | "ol"
                        | "p"
                        | "pre"
                        | "section"
                        | "summary"
                        | "table"
                        | "ul"
                )
        }
    }
}

/// One open element as counted.
struct Open {
    name: String,
    /// Its tags were left out of the output (nested too deep).
    dropped: bool,
}

/// The open elements, with the count of those kept.
#[derive(Default)]
struct OpenStack {
    open: Vec<Open>,
    kept: usize,
    /// Positions in `open` of each name, innermost last.
    by_name: HashMap<String, Vec<usize>>,
}

impl OpenStack {
    fn current(&self) -> Option<&str> {
        self.open.last().map(|o| o.name.as_str())
    }

    fn push(&mut self, name: &str, dropped: bool) {
        self.by_name
            .entry(name.to_owned())
            .or_default()
            .push(self.open.len());
        self.open.push(Open {
            name: name.to_owned(),
            dropped,
        });
        if !dropped {
            self.kept += 1;
        }
    }

    fn pop(&mut self) -> Option<Open> {
        let open = self.open.pop()?;
        if let Some(positions) = self.by_name.get_mut(&open.name) {
            positions.pop();
        }
        if !open.dropped {
            self.kept -= 1;
        }
        Some(open)
    }

    /// Closes `name` if only elements with implied end tags are open above it; answers whether
    /// the element closed was one left out.
    fn close(&mut self, name: &str) -> Option<bool> {
        let at = *self.by_name.get(name)?.last()?;
        // A long run above it is not looked through (that would be quadratic): left open, the
        // count stays an over-estimate.
        if self.open.len() - at > MAX_IMPLIED_RUN {
            return None;
        }
        let above_implied = self.open[at + 1..]
            .iter()
            .all(|o| IMPLIED_END.contains(&o.name.as_str()));
        if !above_implied {
            return None;
        }
        let mut dropped = false;
        while self.open.len() > at {
            if let Some(open) = self.pop() {
                dropped = open.dropped;
            }
        }
        Some(dropped)
    }
}

/// A tag's name (lower-cased) and where the tag ends, for `<` at `lt`.
struct Tag {
    name: String,
    end_tag: bool,
    /// Index just past the tag's `>` (or the end of the input).
    end: usize,
}

fn read_tag(bytes: &[u8], lt: usize) -> Option<Tag> {
    let mut i = lt + 1;
    let end_tag = bytes.get(i) == Some(&b'/');
    if end_tag {
        i += 1;
    }
    let start = i;
    if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while i < bytes.len() && !matches!(bytes[i], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
    {
        i += 1;
    }
    let name = String::from_utf8_lossy(&bytes[start..i]).to_ascii_lowercase();
    // Attributes: a `>` inside a quoted value does not end the tag.
    let mut quote: Option<u8> = None;
    let mut after_equals = false;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'>' => {
                    return Some(Tag {
                        name,
                        end_tag,
                        end: i + 1,
                    })
                }
                b'"' | b'\'' if after_equals => quote = Some(b),
                _ => {}
            },
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            after_equals = b == b'=';
        }
        i += 1;
    }
    Some(Tag {
        name,
        end_tag,
        end: bytes.len(),
    })
}

/// `html` with tags nested deeper than [`MAX_DEPTH`] left out and everything from the
/// [`MAX_ELEMENTS`]th element, or from where text weighted by depth passes [`MAX_TEXT_WORK`],
/// cut; and what was done. Linear in the length of `html`.
pub fn bound_markup(html: &str) -> (Cow<'_, str>, BoundReport) {
    let bytes = html.as_bytes();
    let mut report = BoundReport::default();
    let mut stack = OpenStack::default();
    // Byte ranges of `html` to leave out, in order.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut end_of_page = bytes.len();
    let mut i = 0;
    // Where the text since the last tag starts.
    let mut text_from = 0;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        let lt = i + offset;
        let Some(tag) = read_tag(bytes, lt) else {
            // `<!doctype>`, `<?…>`, a stray `<`: no element.
            i = lt + 1;
            continue;
        };
        if let Some(cut) = charge_text(html, text_from, lt, stack.kept, &mut report) {
            end_of_page = cut;
            break;
        }
        i = tag.end;
        text_from = tag.end;
        if tag.end_tag {
            if VOID.contains(&tag.name.as_str()) {
                continue;
            }
            match stack.close(&tag.name) {
                Some(true) => cuts.push((lt, tag.end)),
                Some(false) => {}
                // A stray `</p>` or `</br>` makes an element: counted as one.
                None if matches!(tag.name.as_str(), "p" | "br") => {
                    report.elements += 1;
                    if report.elements > MAX_ELEMENTS {
                        report.cut = true;
                        end_of_page = lt;
                        break;
                    }
                }
                // Any other stray end tag sends the parser down its open elements (and its
                // formatting elements) looking for one it could close: work as deep as they
                // are. Past the budget, such tags are left out; the parser would ignore them,
                // or close an inline element it reopened.
                None => {
                    let cost = stack.kept.max(1) as u64;
                    if report.stray_end_work + cost > MAX_STRAY_END_WORK {
                        report.stray_end_dropped += 1;
                        cuts.push((lt, tag.end));
                    } else {
                        report.stray_end_work += cost;
                    }
                }
            }
            continue;
        }
        report.elements += 1;
        if report.elements > MAX_ELEMENTS {
            report.cut = true;
            end_of_page = lt;
            break;
        }
        let name = tag.name.as_str();
        if VOID.contains(&name) {
            continue;
        }
        if stack
            .current()
            .is_some_and(|current| closes_current(name, current))
        {
            stack.pop();
        }
        let dropped = stack.kept >= MAX_DEPTH;
        if dropped {
            report.tags_dropped += 1;
            cuts.push((lt, tag.end));
        }
        stack.push(name, dropped);
        report.depth = report.depth.max(stack.open.len());
        if RAW_TEXT.contains(&name) || name == "plaintext" {
            // Its content is text: no tags to count until its own end tag.
            let close = format!("</{name}");
            match super::decode::find_ascii_ci(&bytes[i..], close.as_bytes()) {
                Some(at) if name != "plaintext" => i += at,
                _ => break,
            }
        }
    }
    if !report.cut {
        if let Some(cut) = charge_text(html, text_from, bytes.len(), stack.kept, &mut report) {
            end_of_page = cut;
        }
    }
    if cuts.is_empty() && end_of_page == bytes.len() {
        return (Cow::Borrowed(html), report);
    }
    let mut out = String::with_capacity(end_of_page);
    let mut copied = 0;
    for (from, to) in cuts {
        if from >= end_of_page {
            break;
        }
        out.push_str(&html[copied..from]);
        copied = to.min(end_of_page);
    }
    out.push_str(&html[copied..end_of_page]);
    (Cow::Owned(out), report)
}

/// Counts the text `html[from..to]`, `depth` elements deep, toward [`MAX_TEXT_WORK`]; where it
/// passes, marks the page cut and answers where (a character boundary inside the text).
fn charge_text(
    html: &str,
    from: usize,
    to: usize,
    depth: usize,
    report: &mut BoundReport,
) -> Option<usize> {
    let len = to.saturating_sub(from) as u64;
    let depth = depth.max(1) as u64;
    let work = len.saturating_mul(depth);
    if report.text_work.saturating_add(work) <= MAX_TEXT_WORK {
        report.text_work += work;
        return None;
    }
    let room = (MAX_TEXT_WORK - report.text_work) / depth;
    report.text_work += room * depth;
    report.cut = true;
    let mut at = from + room as usize;
    while at > from && !html.is_char_boundary(at) {
        at -= 1;
    }
    Some(at)
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(tag: &str, depth: usize, text: &str) -> String {
        format!(
            "{}{text}{}",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    #[test]
    fn ordinary_markup_is_untouched() {
        let page = "<!doctype html><html><body><article><h1 class=\"a>b\">T</h1><p>One<p>Two \
                    <a href='x'>link</a><br><img src=x></p><ul><li>a<li>b</ul></article>\
                    <table><tr><td>1<td>2<tr><td>3</table></body></html>";
        let (out, report) = bound_markup(page);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(report.tags_dropped, 0);
        assert!(!report.cut);
        // html, body, article, ul, li at most; no paragraph or cell counted inside another.
        assert!(report.depth <= 6, "{report:?}");
    }

    #[test]
    fn deep_nesting_keeps_text_and_drops_tags_past_the_limit() {
        let page = nested("span", 30_000, "deep text");
        let (out, report) = bound_markup(&page);
        assert_eq!(report.depth, 30_000);
        assert_eq!(report.tags_dropped, 30_000 - MAX_DEPTH);
        assert!(out.contains("deep text"));
        assert_eq!(out.matches("<span>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</span>").count(), MAX_DEPTH);
        let (_, again) = bound_markup(&out);
        assert_eq!(again.depth, MAX_DEPTH);
    }

    #[test]
    fn end_tags_that_do_not_close_what_is_open_do_not_lower_the_count() {
        // The parser's adoption agency keeps a block opened inside a formatting element open
        // after the formatting element's end tag, so each repetition nests deeper.
        let page = "<b><div>x</b>".repeat(10_000);
        let (out, report) = bound_markup(&page);
        assert!(report.depth >= 10_000, "{report:?}");
        let (_, again) = bound_markup(&out);
        assert!(again.depth <= MAX_DEPTH, "{again:?}");
    }

    #[test]
    fn implied_ends_close_paragraphs_items_and_cells() {
        let page = "<p>a".repeat(5_000) + &"<li>b".repeat(5_000) + &"<td>c".repeat(5_000);
        let (out, report) = bound_markup(&page);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert!(report.depth <= 3, "{report:?}");
    }

    #[test]
    fn a_page_is_cut_at_the_element_limit() {
        let page = "<p>x</p>".repeat(MAX_ELEMENTS + 10);
        let (out, report) = bound_markup(&page);
        assert!(report.cut);
        assert_eq!(out.matches("<p>").count(), MAX_ELEMENTS);
    }

    #[test]
    fn deep_text_is_cut_where_its_weight_passes_the_limit() {
        // The fuzzed shape that stalled the extractor: lists nested as deep as is kept, each
        // holding a sentence, then megabytes of text at the bottom (Devanagari: the cut must
        // land on a character boundary).
        let sentence = "पुतिन ने कहा कि बातचीत जारी रहेगी। ";
        let page = format!("<ul>{sentence}").repeat(MAX_DEPTH) + &sentence.repeat(60_000);
        let (out, report) = bound_markup(&page);
        assert!(report.cut, "{report:?}");
        assert!(report.text_work <= MAX_TEXT_WORK);
        assert!(report.text_work > MAX_TEXT_WORK - MAX_DEPTH as u64);
        let kept_text = out.len() - out.matches("<ul>").count() * "<ul>".len();
        assert!(
            (kept_text as u64) < MAX_TEXT_WORK / MAX_DEPTH as u64 + 1024 * 1024,
            "{kept_text} bytes of text kept"
        );
        assert!(out.starts_with("<ul>") && page.starts_with(out.as_ref()));
    }

    #[test]
    fn shallow_text_is_kept_whole() {
        // Megabytes of text a few levels deep weigh little: nothing is cut.
        let page = format!(
            "<html><body><article>{}</article></body></html>",
            "<p>The council met on Tuesday and voted on the harbour budget.</p>".repeat(40_000)
        );
        let (out, report) = bound_markup(&page);
        assert!(!report.cut, "{report:?}");
        assert!(matches!(out, Cow::Borrowed(_)));
        assert!(report.text_work > 0);
    }

    #[test]
    fn stray_end_tags_past_their_budget_are_left_out() {
        let page = "<strong>".repeat(MAX_DEPTH) + &"</em>x".repeat(100_000);
        let (out, report) = bound_markup(&page);
        assert!(report.stray_end_work <= MAX_STRAY_END_WORK);
        let kept = (MAX_STRAY_END_WORK / MAX_DEPTH as u64) as usize;
        assert_eq!(report.stray_end_dropped, 100_000 - kept);
        assert_eq!(out.matches("</em>").count(), kept);
        assert_eq!(out.matches('x').count(), 100_000, "the text stays");
        // A page with a few stray end tags is untouched.
        let page = "<div><p>One</span></p></b><p>Two</p></div></i>";
        let (out, report) = bound_markup(page);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(report.stray_end_dropped, 0);
        assert!(report.stray_end_work > 0);
    }

    #[test]
    fn stray_paragraph_ends_count_as_elements() {
        let page = "</p>".repeat(MAX_ELEMENTS + 10) + "<p>after</p>";
        let (out, report) = bound_markup(&page);
        assert!(report.cut);
        assert_eq!(out.matches("</p>").count(), MAX_ELEMENTS);
        assert!(!out.contains("after"));
    }

    #[test]
    fn raw_text_content_is_not_counted() {
        let page = format!("<title>{}</title><p>x</p>", "<div>".repeat(1_000));
        let (_, report) = bound_markup(&page);
        assert_eq!(report.depth, 1);
        assert_eq!(report.elements, 2);
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        for page in [
            "<",
            "<a",
            "</",
            "<a href=\"x",
            "<div><",
            "é<b>é</",
            "<title>x",
            "<p/",
        ] {
            let (out, _) = bound_markup(page);
            assert!(out.len() <= page.len());
        }
    }
}
