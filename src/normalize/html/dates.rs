//! Where a page says when it was published, gathered in the order a careful reader trusts them
//! (after htmldate's published-date search, written anew): JSON-LD `datePublished`, the
//! publication `<meta>` tags, microdata `itemprop="datePublished"`, `<time>` elements, a
//! dateline in the elements that carry dates or bylines ("Published 12 March 2024"), a
//! "Published …"/"Posted on …" phrase in the page's text, the modification dates the page
//! declares, and last, when there is nothing else, a date standing alone in a short text of the
//! body. The caller puts the article URL's date after the first four, and before them when they
//! fall on another day (see [`choose_date`]). Values are kept as written; [`choose_date`]
//! parses them and drops those in the future or before the web.

use dom_query::{Document, NodeRef};
use time::{Date, OffsetDateTime};

use super::super::article::DateSource;
use super::super::dates::{find_written_date, parse_declared, plausible};

/// Publication-date `<meta>` names (`name`, `property` or `itemprop`, lower-cased), most
/// trusted first: Open Graph's `article:*`, schema.org's, then the common CMS and Dublin Core
/// names.
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "article:published",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "published-date",
    "published_date",
    "publication_date",
    "pubdate",
    "og:pubdate",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "article_date_original",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "dc.created",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "datecreated",
    "published",
    "created",
    "date",
];

/// Modification-date `<meta>` names, for pages that declare no publication date.
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "modified_time",
    "last-modified",
    "lastmod",
];

/// Elements whose class or id says they hold a date or a byline (case-insensitive substrings).
const DATELINE_SELECTOR: &str = "[class*=date i], [id*=date i], [class*=publish i], \
    [class*=posted i], [class*=byline i], [class*=timestamp i], [class*=time i], \
    [class*=meta i], [class*=author i], [itemprop*=date i]";
/// At most this many dateline elements are read.
const MAX_DATELINE_ELEMENTS: usize = 64;
/// A dateline element's text longer than this is a container, not a dateline.
const MAX_DATELINE_CHARS: usize = 200;
/// How far before a date a word saying it is a modification date may stand, in bytes.
const MODIFIED_CONTEXT: usize = 24;
/// How much of the page's text the phrase search reads, in bytes.
const MAX_PHRASE_TEXT: usize = 64 * 1024;

/// A value the page gives for its date, as written, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateCandidate {
    pub value: String,
    pub source: DateSource,
}

/// Dates the JSON-LD declares: the article's own, then any object's.
#[derive(Debug, Clone, Default)]
pub struct JsonLdDates {
    pub published: Vec<String>,
    pub modified: Vec<String>,
}

/// Every date the page declares, in order of trust. `metas` finds a `<meta>` tag's content by
/// its lower-cased name; `article_meta` holds the asides and footers of the page's `<article>`
/// (cut from `doc` with the page's other asides), read after `doc` for each kind of source;
/// `script_dates` are publication dates found in the page's script data (see
/// [`super::prune`]), read when the page's markup gives none. `<time>` elements and datelines
/// that are items of a list of dated items (related posts, comments) are not the article's.
pub fn date_candidates(
    doc: &Document,
    article_meta: Option<&Document>,
    ld: &JsonLdDates,
    script_dates: &[String],
    metas: &dyn Fn(&str) -> Option<String>,
) -> Vec<DateCandidate> {
    let docs: Vec<&Document> = std::iter::once(doc).chain(article_meta).collect();
    let mut out = Vec::new();
    let mut push = |value: String, source: DateSource| {
        if !value.trim().is_empty() && !out.iter().any(|c: &DateCandidate| c.value == value) {
            out.push(DateCandidate { value, source });
        }
    };
    for v in &ld.published {
        push(v.clone(), DateSource::JsonLd);
    }
    for key in PUBLISHED_META {
        if let Some(v) = metas(key) {
            push(v, DateSource::Meta);
        }
    }
    for node in docs
        .iter()
        .flat_map(|d| d.select("[itemprop=datePublished i]").nodes().to_vec())
    {
        if node.node_name().is_some_and(|n| &*n == "meta") {
            continue;
        }
        if let Some(v) = node
            .attr("content")
            .or_else(|| node.attr("datetime"))
            .map(|v| v.to_string())
            .or_else(|| Some(node.text().to_string()))
        {
            push(v, DateSource::Microdata);
        }
    }
    for v in docs.iter().flat_map(|d| time_elements(d)) {
        push(v, DateSource::TimeElement);
    }
    let (mut published, mut updated) = datelines(doc);
    if let Some(extra) = article_meta {
        let (p, u) = datelines(extra);
        published.extend(p);
        updated.extend(u);
    }
    for v in published {
        push(v, DateSource::Text);
    }
    if let Some(v) = published_phrase(doc) {
        push(v, DateSource::Text);
    }
    if let Some(v) = date_after_headline(doc) {
        push(v, DateSource::Text);
    }
    if let Some(v) = date_before_headline(doc) {
        push(v, DateSource::Text);
    }
    for v in script_dates {
        push(v.clone(), DateSource::ScriptData);
    }
    for v in updated {
        push(v, DateSource::Modified);
    }
    for v in &ld.modified {
        push(v.clone(), DateSource::Modified);
    }
    for key in MODIFIED_META {
        if let Some(v) = metas(key) {
            push(v, DateSource::Modified);
        }
    }
    if out.is_empty() {
        if let Some(value) = date_in_short_text(doc) {
            out.push(DateCandidate {
                value,
                source: DateSource::Text,
            });
        }
    }
    out
}

/// At most this many nodes of the page are visited looking for a date in a short text.
const MAX_SHORT_TEXT_WALK: usize = 20_000;
/// A text node this short (in bytes) holds no date (one longer than `MAX_DATE_NODE_BYTES` is
/// prose, not a dateline).
const MIN_SHORT_TEXT_BYTES: usize = 6;

/// The last resort for a page that names no date anywhere else (htmldate's extensive search,
/// written anew): the first date standing alone in a short text node of the page's body, in
/// page order, not introduced as a modification date, not in a widget showing today and not an
/// item of a list of dated items (related posts, comments).
fn date_in_short_text(doc: &Document) -> Option<String> {
    let body = doc.select("body").nodes().first().copied()?;
    let mut dated: Vec<(NodeRef, String)> = Vec::new();
    for node in body
        .descendants_it()
        .take(MAX_SHORT_TEXT_WALK)
        .filter(|n| n.is_text())
    {
        if dated.len() >= MAX_DATELINE_ELEMENTS {
            break;
        }
        let text = node.text();
        if text.len() > MAX_DATELINE_CHARS * 4 || !has_year(&text) {
            continue;
        }
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.len() <= MIN_SHORT_TEXT_BYTES {
            continue;
        }
        let (Some(date), Some(parent)) = (standing_date(&text), node.parent()) else {
            continue;
        };
        if !shows_today(&parent) {
            dated.push((parent, date));
        }
    }
    let nodes: Vec<NodeRef> = dated.iter().map(|(n, _)| *n).collect();
    let lists = DatedLists::new(doc, &nodes);
    dated
        .into_iter()
        .find(|(n, _)| !lists.is_item(n))
        .map(|(_, date)| date)
}

/// Whether a text holds four digits starting 19 or 20 (a year), before any date pattern runs.
fn has_year(text: &str) -> bool {
    text.as_bytes()
        .windows(4)
        .any(|w| matches!(&w[..2], b"19" | b"20") && w[2].is_ascii_digit() && w[3].is_ascii_digit())
}

/// The page's publication date: the first plausible candidate from the page's declarations
/// (JSON-LD, meta, microdata, `<time>`); else the date in the article's URL (`url_date`), which
/// the caller's pipeline reads (`None` here); else a dateline in the text, else a modification
/// date. A declaration that falls on another day than the article URL's date gives way to the
/// URL's (htmldate reads the URL first): the address is fixed when the article is published,
/// while a declared date may be rewritten by later edits or belong to another item.
pub fn choose_date(
    candidates: &[DateCandidate],
    url_date: Option<Date>,
    now: OffsetDateTime,
) -> Option<(OffsetDateTime, DateSource)> {
    let parsed = |c: &DateCandidate| {
        let t = match c.source {
            DateSource::Text => find_written_date(&c.value).map(|(t, _)| t),
            _ => parse_declared(&c.value),
        }?;
        plausible(t, now).then_some((t, c.source))
    };
    let declared = |s: DateSource| {
        matches!(
            s,
            DateSource::JsonLd | DateSource::Meta | DateSource::Microdata | DateSource::TimeElement
        )
    };
    if let Some(found) = candidates
        .iter()
        .filter(|c| declared(c.source))
        .find_map(parsed)
    {
        return match url_date {
            Some(day) if day != found.0.date() => None,
            _ => Some(found),
        };
    }
    if url_date.is_some() {
        return None;
    }
    candidates
        .iter()
        .filter(|c| !declared(c.source))
        .find_map(parsed)
}

/// `<time>` values, the ones marked as the publication first (`pubdate`, a class or itemprop
/// naming publication), then the others in page order; those marked as modification times are
/// left out.
fn time_elements(doc: &Document) -> Vec<String> {
    let mut marked = Vec::new();
    let mut others = Vec::new();
    let selection = doc.select("time");
    let nodes: Vec<NodeRef> = selection
        .nodes()
        .iter()
        .take(MAX_DATELINE_ELEMENTS)
        .copied()
        .collect();
    let lists = DatedLists::new(doc, &nodes);
    for node in &nodes {
        let label = labels(node);
        if is_modified_label(&label) || lists.is_item(node) {
            continue;
        }
        let Some(value) = node
            .attr("datetime")
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
            .or_else(|| {
                let text = node.text();
                find_written_date(&text).map(|_| text.to_string())
            })
        else {
            continue;
        };
        if node.has_attr("pubdate") || label.contains("publish") || label.contains("posted") {
            marked.push(value);
        } else {
            others.push(value);
        }
    }
    marked.extend(others);
    marked
}

/// The class, id and itemprop of an element, lower-cased, with its parent's.
fn labels(node: &NodeRef) -> String {
    let mut out = String::new();
    let mut add = |n: &NodeRef| {
        for attr in ["class", "id", "itemprop"] {
            if let Some(v) = n.attr(attr) {
                out.push_str(&v.to_lowercase());
                out.push(' ');
            }
        }
    };
    add(node);
    if let Some(parent) = node.parent() {
        add(&parent);
    }
    out
}

/// How many levels above a dated element, and how many elements inside it, are read for a
/// name saying it shows the current day.
const TODAY_DEPTH: usize = 3;
const TODAY_INSIDE: usize = 16;

/// Whether a dated element is a widget showing the day the page is viewed ("Friday, December
/// 19, 2025" in `<p id="today">`, `class="current-date"`): its class or id, one of its
/// nearest ancestors' or of the few elements inside it names today or the current date.
fn shows_today(node: &NodeRef) -> bool {
    let names_today = |n: &NodeRef| {
        ["class", "id"].iter().any(|attr| {
            n.attr(attr).is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v.contains("today")
                    || ["current-date", "current_date", "currentdate"]
                        .iter()
                        .any(|w| v.contains(w))
            })
        })
    };
    std::iter::once(*node)
        .chain(node.ancestors_it(Some(TODAY_DEPTH)))
        .chain(
            node.descendants_it()
                .filter(|d| d.is_element())
                .take(TODAY_INSIDE),
        )
        .any(|n| names_today(&n))
}

fn is_modified_label(label: &str) -> bool {
    ["modif", "updat", "revis", "edited"]
        .iter()
        .any(|w| label.contains(w))
}

/// Dates written in the elements that carry datelines and bylines: the first date of each that
/// is not introduced as a modification ("Updated …"), in page order; and apart, the dates that
/// are ("Last updated on …").
fn datelines(doc: &Document) -> (Vec<String>, Vec<String>) {
    // Each dated element, whether its date is a modification date, and the date's text.
    let mut found: Vec<(NodeRef, bool, String)> = Vec::new();
    let selection = doc.select(DATELINE_SELECTOR);
    for node in selection.nodes().iter().take(MAX_DATELINE_ELEMENTS * 4) {
        if found.len() >= MAX_DATELINE_ELEMENTS {
            break;
        }
        if node
            .node_name()
            .is_some_and(|n| matches!(&*n, "meta" | "body" | "html"))
        {
            continue;
        }
        let text = node.text();
        if text.len() > MAX_DATELINE_CHARS * 4 || text.chars().count() > MAX_DATELINE_CHARS {
            continue;
        }
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(date) = published_date_in(&text) {
            found.push((*node, false, date));
        } else if let Some((_, at)) = find_written_date(&text) {
            found.push((*node, true, text[at..].to_string()));
        } else if let Some(title) = node
            .attr("title")
            .filter(|_| node.node_name().is_some_and(|n| &*n == "abbr"))
        {
            found.push((*node, false, title.to_string()));
        }
    }
    let nodes: Vec<NodeRef> = found.iter().map(|(n, _, _)| *n).collect();
    let lists = DatedLists::new(doc, &nodes);
    let mut out = Vec::new();
    let mut updated = Vec::new();
    for (node, is_update, date) in found {
        if lists.is_item(&node) {
            continue;
        }
        if is_update {
            updated.push(date);
        } else {
            out.push(date);
        }
    }
    (out, updated)
}

/// How many levels above a dated element are weighed as the item of a list.
const LIST_ITEM_DEPTH: usize = 6;
/// At most this many siblings are compared with a possible list item.
const MAX_LIST_SIBLINGS: usize = 64;
/// A list of at least this many items of one shape, each with a date, lists other items.
const MIN_DATED_ITEMS: usize = 3;

/// Where the page's dated elements sit: items of a list whose items of one shape each carry a
/// date (related posts, a feed, comments) date other items than the article. The element that
/// holds the page's headline is the article's, not a list's item.
struct DatedLists {
    /// How many of the dated elements each element holds (itself included), up to
    /// [`LIST_ITEM_DEPTH`] levels up.
    dated_under: std::collections::HashMap<dom_query::NodeId, usize>,
    /// The page's first `<h1>` and its ancestors.
    headline: std::collections::HashSet<dom_query::NodeId>,
}

impl DatedLists {
    fn new(doc: &Document, dated: &[NodeRef]) -> DatedLists {
        let mut dated_under = std::collections::HashMap::new();
        for node in dated {
            for a in std::iter::once(*node).chain(node.ancestors_it(Some(LIST_ITEM_DEPTH))) {
                *dated_under.entry(a.id).or_insert(0) += 1;
            }
        }
        let headline = doc
            .select("h1")
            .nodes()
            .first()
            .map(|h| {
                std::iter::once(h.id)
                    .chain(h.ancestors_it(None).map(|a| a.id))
                    .collect()
            })
            .unwrap_or_default();
        DatedLists {
            dated_under,
            headline,
        }
    }

    fn is_item(&self, node: &NodeRef) -> bool {
        let shape = |n: &NodeRef| (n.node_name(), n.attr("class"));
        for item in std::iter::once(*node).chain(node.ancestors_it(Some(LIST_ITEM_DEPTH))) {
            if self.headline.contains(&item.id)
                || item
                    .node_name()
                    .is_some_and(|n| matches!(&*n, "body" | "html" | "main"))
            {
                return false;
            }
            let Some(parent) = item.parent() else {
                return false;
            };
            let own = shape(&item);
            let dated_items = parent
                .element_children()
                .iter()
                .take(MAX_LIST_SIBLINGS)
                .filter(|s| self.dated_under.contains_key(&s.id) && shape(s) == own)
                .count();
            if dated_items >= MIN_DATED_ITEMS {
                return true;
            }
        }
        false
    }
}

/// How many text nodes after the headline are searched for a date standing alone.
const AFTER_HEADLINE_NODES: usize = 24;
/// A text node longer than this (in bytes) is prose, not a dateline.
const MAX_DATE_NODE_BYTES: usize = 60;

/// A date standing alone in a short text node soon after the page's first `<h1>` ("October 3,
/// 2024" under the headline), not introduced as a modification.
fn date_after_headline(doc: &Document) -> Option<String> {
    texts_after_headline(doc, AFTER_HEADLINE_NODES)
        .iter()
        .find_map(|t| standing_date(t))
}

/// A date standing alone in a short text node (a few words before it at most, not saying it is
/// a modification date).
fn standing_date(text: &str) -> Option<String> {
    if text.len() > MAX_DATE_NODE_BYTES {
        return None;
    }
    let (_, at) = find_written_date(text)?;
    let before = text[..at].to_lowercase();
    (before.split_whitespace().count() <= 3
        && !is_modified_label(&before)
        && !before.contains("update"))
    .then(|| text[at..].to_string())
}

/// How many text nodes before the headline are searched for a date standing alone.
const BEFORE_HEADLINE_NODES: usize = 6;

/// A date standing alone in one of the few short text nodes just before the page's first
/// `<h1>`, in the same header ("January 23, 2025" over the headline): the headline's preceding
/// siblings, then its parent's, up to two levels.
fn date_before_headline(doc: &Document) -> Option<String> {
    texts_before_headline(doc, BEFORE_HEADLINE_NODES)
        .iter()
        .find_map(|t| standing_date(t))
}

/// The text nodes just before the page's first `<h1>`, nearest first, at most `max`: the
/// headline's preceding siblings, then its parent's, up to two levels.
pub(super) fn texts_before_headline(doc: &Document, max: usize) -> Vec<String> {
    let Some(headline) = doc.select("h1").nodes().first().copied() else {
        return Vec::new();
    };
    let mut current = headline;
    let mut texts: Vec<String> = Vec::new();
    let mut visited = 0;
    for _ in 0..3 {
        let mut sibling = current.prev_sibling();
        while let Some(node) = sibling {
            // The sibling's nodes in reverse page order (last child first), so that only the
            // nodes nearest the headline are read.
            let mut stack = vec![node];
            while let Some(n) = stack.pop() {
                visited += 1;
                if texts.len() >= max || visited > MAX_BEFORE_HEADLINE_WALK {
                    return texts;
                }
                if n.is_text() {
                    let text = n.text();
                    let text = text.trim();
                    if !text.is_empty() {
                        texts.push(text.to_string());
                    }
                } else {
                    stack.extend(n.children());
                }
            }
            sibling = node.prev_sibling();
        }
        match current.parent() {
            Some(p) => current = p,
            None => break,
        }
    }
    texts
}

/// At most this many nodes are visited looking for the text nodes before the headline.
const MAX_BEFORE_HEADLINE_WALK: usize = 2000;

/// The text nodes just after the page's first `<h1>`, in page order, at most `max`: the
/// headline's following siblings, then its parent's, up to a few levels.
pub(super) fn texts_after_headline(doc: &Document, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let Some(headline) = doc.select("h1").nodes().first().copied() else {
        return out;
    };
    let mut after = headline.next_sibling();
    let mut parent = headline.parent();
    for _ in 0..4 {
        while let Some(node) = after {
            for t in std::iter::once(node)
                .chain(node.descendants_it())
                .filter(|d| d.is_text())
            {
                let text = t.text();
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                if out.len() >= max {
                    return out;
                }
                out.push(text.to_string());
            }
            after = node.next_sibling();
        }
        after = parent.as_ref().and_then(NodeRef::next_sibling);
        parent = parent.and_then(|p| p.parent());
    }
    out
}

/// The text from the first date in `text` not introduced as a modification date.
fn published_date_in(text: &str) -> Option<String> {
    let mut from = 0;
    while from < text.len() {
        let rest = &text[from..];
        let (_, at) = find_written_date(rest)?;
        let start = from + at;
        let before_from = floor_char_boundary(text, start.saturating_sub(MODIFIED_CONTEXT));
        let before = text[before_from..start].to_lowercase();
        if !is_modified_label(&before) && !before.contains("update") {
            return Some(text[start..].to_string());
        }
        // Past this date's first character, to the next one.
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        from = next_char_boundary(text, from + 1);
    }
    None
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Words that introduce a publication date in running text.
const PUBLISHED_WORDS: &[&str] = &["published", "posted", "written on", "released", "date:"];

/// A date introduced by "Published", "Posted", … in the page's text (htmldate's
/// "idiosyncrasies", read once over the start of the page's text).
fn published_phrase(doc: &Document) -> Option<String> {
    let body = doc.select("body").text();
    let end = floor_char_boundary(&body, body.len().min(MAX_PHRASE_TEXT));
    let text = &body[..end];
    let lower = text.to_ascii_lowercase();
    for word in PUBLISHED_WORDS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(word) {
            let start = from + i + word.len();
            let window_end = floor_char_boundary(text, (start + 48).min(text.len()));
            let window = &text[start..window_end];
            if let Some((_, at)) = find_written_date(window) {
                let lead = &window[..at];
                // Only a few characters ("on", ":", a space) between the word and the date.
                if lead.trim().chars().count() <= 4 {
                    return Some(window[at..].to_string());
                }
            }
            from = start;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn meta_of(doc: &Document) -> impl Fn(&str) -> Option<String> + '_ {
        move |key: &str| {
            doc.select("meta")
                .nodes()
                .iter()
                .find(|n| {
                    ["name", "property", "itemprop"].iter().any(|a| {
                        n.attr(a)
                            .is_some_and(|v| v.trim().eq_ignore_ascii_case(key))
                    })
                })
                .and_then(|n| n.attr("content").map(|c| c.to_string()))
        }
    }

    /// An article URL's date, for the tests that give one.
    const URL_DAY: Date = time::macros::date!(2020 - 01 - 01);

    fn url_day(url_has_date: bool) -> Option<Date> {
        url_has_date.then_some(URL_DAY)
    }

    fn date_of(page: &str, ld: &JsonLdDates, url_has_date: bool) -> Option<(String, DateSource)> {
        let doc = Document::from(page);
        let metas = meta_of(&doc);
        let c = date_candidates(&doc, None, ld, &[], &metas);
        choose_date(&c, url_day(url_has_date), datetime!(2026-01-01 00:00 UTC))
            .map(|(t, s)| (t.date().to_string(), s))
    }

    fn d(s: &str, source: DateSource) -> Option<(String, DateSource)> {
        Some((s.to_string(), source))
    }

    #[test]
    fn json_ld_first() {
        let ld = JsonLdDates {
            published: vec!["2023-09-15T05:41:32Z".into()],
            modified: vec![],
        };
        let page = r#"<meta property="article:published_time" content="2022-01-01">"#;
        assert_eq!(
            date_of(page, &ld, false),
            d("2023-09-15", DateSource::JsonLd)
        );
    }

    #[test]
    fn meta_names() {
        let none = JsonLdDates::default();
        for name in [
            "article:published_time",
            "pubdate",
            "DC.date.issued",
            "sailthru.date",
            "parsely-pub-date",
            "date",
        ] {
            let page = format!(r#"<meta name="{name}" content="2021-04-05T10:00:00+02:00">"#);
            assert_eq!(
                date_of(&page, &none, false),
                d("2021-04-05", DateSource::Meta),
                "{name}"
            );
        }
    }

    #[test]
    fn publication_meta_beats_modification() {
        let page = r#"<meta property="article:modified_time" content="2024-02-02">
            <meta property="article:published_time" content="2023-01-01">"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2023-01-01", DateSource::Meta)
        );
        let page = r#"<meta property="article:modified_time" content="2024-02-02"><p>Text</p>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2024-02-02", DateSource::Modified)
        );
        // The article's URL dates it before a modification does.
        assert_eq!(date_of(page, &JsonLdDates::default(), true), None);
    }

    #[test]
    fn a_declaration_on_another_day_than_the_url_gives_way() {
        let page = r#"<meta property="article:published_time" content="2021-03-04T10:00:00Z">"#;
        let doc = Document::from(page);
        let metas = meta_of(&doc);
        let c = date_candidates(&doc, None, &JsonLdDates::default(), &[], &metas);
        let now = datetime!(2026-01-01 00:00 UTC);
        // The same day as the URL's: the declaration, with its time.
        assert_eq!(
            choose_date(&c, Some(time::macros::date!(2021 - 03 - 04)), now),
            Some((datetime!(2021-03-04 10:00 UTC), DateSource::Meta))
        );
        // Another day: the URL's date (read by the caller).
        assert_eq!(
            choose_date(&c, Some(time::macros::date!(2021 - 03 - 03)), now),
            None
        );
        assert_eq!(
            choose_date(&c, None, now),
            Some((datetime!(2021-03-04 10:00 UTC), DateSource::Meta))
        );
    }

    #[test]
    fn microdata() {
        let page = r#"<span itemprop="datePublished" content="2020-07-08">July 8</span>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2020-07-08", DateSource::Microdata)
        );
    }

    #[test]
    fn time_elements_skip_modified() {
        let page = r#"<article><time class="updated" datetime="2024-05-05">May 5</time>
            <time datetime="2024-03-01T09:00:00Z">March 1</time></article>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2024-03-01", DateSource::TimeElement)
        );
        let page = r#"<time>March 7, 2022</time>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2022-03-07", DateSource::TimeElement)
        );
    }

    #[test]
    fn dateline_elements() {
        let page = r#"<h1>Story</h1><div class="post-meta">By Ann Lee | Updated: Jan. 9, 2025
            | Published 12 March 2024</div>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2024-03-12", DateSource::Text)
        );
        // A URL date wins over a dateline.
        assert_eq!(date_of(page, &JsonLdDates::default(), true), None);
    }

    #[test]
    fn an_articles_footer_dates_it_after_the_page() {
        let page = r#"<article><h1>Story</h1><p>Text.</p></article>"#;
        let footer =
            Document::from(r#"<footer><time datetime="2021-06-06">June 6</time></footer>"#);
        let doc = Document::from(page);
        let metas = meta_of(&doc);
        let c = date_candidates(&doc, Some(&footer), &JsonLdDates::default(), &[], &metas);
        assert_eq!(
            choose_date(&c, None, datetime!(2026-01-01 00:00 UTC))
                .map(|(t, s)| (t.date().to_string(), s)),
            d("2021-06-06", DateSource::TimeElement)
        );
        // The page's own `<time>` comes first.
        let doc = Document::from(r#"<time datetime="2022-02-02">Feb 2</time>"#);
        let c = date_candidates(&doc, Some(&footer), &JsonLdDates::default(), &[], &metas);
        assert_eq!(c.first().map(|c| c.value.as_str()), Some("2022-02-02"));
    }

    #[test]
    fn a_date_under_the_headline() {
        let page =
            r#"<div><h1>Story</h1></div><div><span>Ann Lee</span><div>October 3, 2024</div></div>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2024-10-03", DateSource::Text)
        );
    }

    #[test]
    fn dates_of_a_list_of_other_items_are_not_the_articles() {
        let related = r#"<ul class="related">
            <li class="card"><a href="/a">A</a><time datetime="2024-01-05">Jan 5</time></li>
            <li class="card"><a href="/b">B</a><time datetime="2024-02-06">Feb 6</time></li>
            <li class="card"><a href="/c">C</a><time datetime="2024-03-07">Mar 7</time></li>
            </ul>"#;
        let page = format!("<article><h1>Story</h1><p>Text.</p></article>{related}");
        assert_eq!(date_of(&page, &JsonLdDates::default(), false), None);
        // The same list with the article's own date in its header: the header's.
        let page = format!(
            r#"<article><header><h1>Story</h1><time datetime="2023-09-09">Sep 9</time></header>
            <p>Text.</p></article>{related}"#
        );
        assert_eq!(
            date_of(&page, &JsonLdDates::default(), false),
            d("2023-09-09", DateSource::TimeElement)
        );
        // Datelines of teasers after the story, one shape each with a date, likewise.
        let story = "<p>Text of the story.</p>".repeat(30);
        let page = format!(
            r#"<h1>Story</h1>{story}
            <div class="teaser"><span class="post-date">May 1, 2024</span></div>
            <div class="teaser"><span class="post-date">May 2, 2024</span></div>
            <div class="teaser"><span class="post-date">May 3, 2024</span></div>"#
        );
        assert_eq!(date_of(&page, &JsonLdDates::default(), false), None);
        // Two dated items are not yet a list.
        let page = format!(
            r#"<h1>Story</h1>{story}
            <div class="meta"><span class="post-date">May 1, 2024</span></div>
            <div class="meta"><span class="post-date">May 2, 2024</span></div>"#
        );
        assert_eq!(
            date_of(&page, &JsonLdDates::default(), false),
            d("2024-05-01", DateSource::Text)
        );
    }

    #[test]
    fn a_date_over_the_headline() {
        let page = r#"<header><div><span>News</span><span>January 23, 2025</span></div>
            <h1>Story</h1></header><p>Text of the story.</p>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2025-01-23", DateSource::Text)
        );
        // Said to be an update, it is not the publication date.
        let page = r#"<header><p>Updated January 23, 2025</p><h1>Story</h1></header>"#;
        assert_eq!(date_of(page, &JsonLdDates::default(), false), None);
        // Far from the headline (more than a few text nodes away), it is not the article's
        // dateline: any other date comes first, and it is only the last resort.
        let page = r#"<meta property="article:modified_time" content="2025-02-02">
            <div><p>January 23, 2025</p><p>a</p><p>b</p><p>c</p><p>d</p><p>e</p>
            <p>f</p><h1>Story</h1></div>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2025-02-02", DateSource::Modified)
        );
    }

    #[test]
    fn script_data_dates_the_page_when_its_markup_does_not() {
        let doc = Document::from("<h1>Story</h1><p>Text.</p>");
        let metas = meta_of(&doc);
        let script = vec!["2024-05-02T10:00:00Z".to_string()];
        let now = datetime!(2026-01-01 00:00 UTC);
        let chosen = |doc: &Document, script: &[String], url_has_date: bool| {
            let metas = meta_of(doc);
            let c = date_candidates(doc, None, &JsonLdDates::default(), script, &metas);
            choose_date(&c, url_day(url_has_date), now).map(|(t, s)| (t.date().to_string(), s))
        };
        assert_eq!(
            chosen(&doc, &script, false),
            d("2024-05-02", DateSource::ScriptData)
        );
        // The article URL's date comes first.
        assert_eq!(chosen(&doc, &script, true), None);
        // A dateline in the markup comes before it; a modification date after it.
        let doc = Document::from(r#"<h1>Story</h1><p class="date">March 3, 2023</p>"#);
        assert_eq!(
            chosen(&doc, &script, false),
            d("2023-03-03", DateSource::Text)
        );
        let doc = Document::from(
            r#"<meta property="article:modified_time" content="2025-01-01"><h1>Story</h1>"#,
        );
        assert_eq!(
            chosen(&doc, &script, false),
            d("2024-05-02", DateSource::ScriptData)
        );
        drop(metas);
    }

    #[test]
    fn a_date_in_a_short_text_is_the_last_resort() {
        // Far after the headline (past the nodes read for a date under it), in no dateline.
        let story = "<p>Text of the story.</p>".repeat(30);
        let page = format!(
            r#"<body><nav>Home</nav><h1>Story</h1><p>The law passed on October 3, 2019,
            after a long debate about roads, schools and the harbour.</p>{story}
            <div><span>Last edited 5 May 2021</span></div><div><span>12 June 2020</span></div>"#
        );
        assert_eq!(
            date_of(&page, &JsonLdDates::default(), false),
            d("2020-06-12", DateSource::Text)
        );
        // Any other source first: here a modification date.
        let page = format!(r#"<meta property="article:modified_time" content="2022-02-02">{page}"#);
        assert_eq!(
            date_of(&page, &JsonLdDates::default(), false),
            d("2022-02-02", DateSource::Modified)
        );
        // And the URL's date.
        assert_eq!(date_of(&page, &JsonLdDates::default(), true), None);
    }

    #[test]
    fn the_last_resort_skips_a_widget_showing_today() {
        // No dateline, no declaration: only short texts. The widget's day is not the article's.
        let story = "<p>Text of the story.</p>".repeat(30);
        let widget = r#"<div class="block"><p id="today"><strong>Friday</strong>,
            December 19, 2025</p></div>"#;
        let page = format!(
            r#"<body><h1>Story</h1>{story}{widget}<div><span>March 3, 2024</span></div></body>"#
        );
        assert_eq!(
            date_of(&page, &JsonLdDates::default(), false),
            d("2024-03-03", DateSource::Text)
        );
        // The same text in an element not so named is read.
        let page = format!(
            r#"<body><h1>Story</h1>{story}<div class="block"><p>Friday, December 19, 2025</p>
            </div><div><span>March 3, 2024</span></div></body>"#
        );
        assert_eq!(
            date_of(&page, &JsonLdDates::default(), false),
            d("2025-12-19", DateSource::Text)
        );
    }

    #[test]
    fn an_update_date_alone_is_a_modification_date() {
        let page = r#"<h1>Story</h1><p class="post-date">Last updated on 17 December 2025</p>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2025-12-17", DateSource::Modified)
        );
    }

    #[test]
    fn published_phrase_in_text() {
        let page = r#"<h1>Story</h1><p>Posted on October 3, 2019 in News</p>"#;
        assert_eq!(
            date_of(page, &JsonLdDates::default(), false),
            d("2019-10-03", DateSource::Text)
        );
        let page = r#"<p>The law passed on October 3, 2019.</p>"#;
        assert_eq!(date_of(page, &JsonLdDates::default(), false), None);
    }

    #[test]
    fn future_and_prehistoric_dates_are_skipped() {
        let ld = JsonLdDates {
            published: vec!["2030-01-01".into(), "1990-01-01".into()],
            modified: vec![],
        };
        let page = r#"<meta name="pubdate" content="2019-02-03">"#;
        assert_eq!(date_of(page, &ld, false), d("2019-02-03", DateSource::Meta));
    }
}
