//! What the page says about itself: `<title>`, Open Graph and `article:*` meta tags, author meta,
//! the canonical link, `<html lang>`, and JSON-LD `NewsArticle` (or `Article`, `BlogPosting`, …)
//! objects, wherever they sit (top level, arrays, `@graph`).
//!
//! Authors, in order: JSON-LD `author` of the article (names, objects, arrays, `@id` references
//! to a `Person` elsewhere in the graph), the author `<meta>` tags (`author`, `article:author`
//! when it is a name, `parsely-author`, `sailthru.author`, `dc.creator`, `citation_author`, a
//! "Written by" Twitter card label), then the page's byline elements (`itemprop="author"`,
//! `rel="author"`, classes naming the author or byline, not those about the author: a title, a
//! biography, a picture). Each is cleaned by [`crate::normalize::byline::clean_byline`]. The
//! site's own name and a JSON-LD author typed as an organisation are the author only when no
//! source names anyone else. Dates: see [`super::dates`].

use dom_query::Document;
use serde_json::Value;

use super::dates::{date_candidates, DateCandidate, JsonLdDates};
use crate::normalize::byline::{clean_byline, clean_declared_author};

/// At most this many tags and authors are taken from a page.
const MAX_LIST: usize = 32;
/// JSON-LD nesting deeper than this is not searched.
const MAX_JSON_DEPTH: usize = 8;
/// At most this many `<h1>` elements are weighed as the headline.
const MAX_HEADINGS: usize = 8;
/// A headline longer than this (in characters) is a paragraph marked up as a heading.
const MAX_TITLE_CHARS: usize = 300;
/// Separators between a page title and the site's name ("Story | Site", "Story - Site").
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " • ", " · ", " :: ", " // "];

/// The page's own metadata, each field the best of what it declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMetadata {
    pub title: Option<String>,
    pub description: Option<String>,
    /// As declared (possibly relative); resolved by the caller.
    pub image: Option<String>,
    pub canonical_url: Option<String>,
    /// Every date the page declares, most trusted first; chosen by [`super::dates::choose_date`].
    pub dates: Vec<DateCandidate>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    /// `<html lang>` as written (`en-US`).
    pub language: Option<String>,
}

/// Author `<meta>` names (lower-cased), most trusted first.
const AUTHOR_META: &[&str] = &[
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "og:article:author",
];
/// Byline elements, most specific first.
const BYLINE_SELECTORS: &[&str] = &[
    "[itemprop=author i]",
    "a[rel~=author i]",
    "[class*=byline i]",
    "a[href*=\"/author/\" i], a[href*=\"/authors/\" i]",
    "[class*=author i]",
];
/// Text that labels the byline after it ("Written by" | "Jane Doe"), lower-cased.
const BYLINE_LABELS: &[&str] = &[
    "written by",
    "by",
    "by:",
    "author",
    "author:",
    "posted by",
    "words by",
];
/// At most this many text nodes are read looking for a byline label.
const MAX_LABEL_SCAN: usize = 4000;
/// At most this many byline elements are read for each selector.
const MAX_BYLINE_ELEMENTS: usize = 16;
/// A byline element with more text than this (in bytes) is a container (an author's box).
const MAX_BYLINE_BYTES: usize = 300;

#[derive(Default)]
struct JsonLdArticle {
    headline: Option<String>,
    dates: JsonLdDates,
    authors: Vec<String>,
    /// Authors the JSON-LD types as an organisation (`"@type": "Organization"`): the company
    /// that publishes the page, named when no person is.
    organisations: Vec<String>,
    keywords: Vec<String>,
    image: Option<String>,
    description: Option<String>,
}

/// Read the metadata of a parsed page; `json_ld` are the page's JSON-LD blocks.
#[cfg(test)]
pub fn read_metadata(doc: &Document, json_ld: &[String]) -> PageMetadata {
    read_metadata_with(doc, None, json_ld, &[])
}

/// [`read_metadata`], with the asides and footers of the page's `<article>` (cut from `doc`)
/// parsed apart: their dates and bylines are read after `doc`'s; and the publication dates
/// found in the page's script data, read when its markup dates it nowhere.
pub fn read_metadata_with(
    doc: &Document,
    article_meta: Option<&Document>,
    json_ld: &[String],
    script_dates: &[String],
) -> PageMetadata {
    let metas = MetaTags::read(doc);
    let ld = if metas.json_ld.is_empty() {
        json_ld_article(json_ld)
    } else {
        let mut blocks = json_ld.to_vec();
        blocks.extend(metas.json_ld.iter().cloned());
        json_ld_article(&blocks)
    };
    let meta = |key: &str| metas.get(key);

    let declared: Vec<String> = [
        meta("og:title"),
        ld.headline.clone(),
        meta("twitter:title"),
        clean(&doc.select("head title").text()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let headings: Vec<String> = doc
        .select("h1")
        .nodes()
        .iter()
        .take(MAX_HEADINGS)
        .filter_map(|n| clean(&n.text()))
        .collect();
    let site_name = meta("og:site_name").or_else(|| meta("application-name"));
    let title = choose_title(&headings, &declared, site_name.as_deref());
    let description = meta("og:description")
        .or_else(|| ld.description.clone())
        .or_else(|| meta("description"));
    let image = meta("og:image")
        .or_else(|| meta("og:image:url"))
        .or_else(|| ld.image.clone())
        .or_else(|| meta("twitter:image"));
    let canonical_url = doc
        .select("link[rel=canonical]")
        .attr("href")
        .and_then(|h| clean(&h))
        .or_else(|| meta("og:url"));
    let dates = date_candidates(doc, article_meta, &ld.dates, script_dates, &|k: &str| {
        metas.get(k)
    });

    let mut tags: Vec<String> = Vec::new();
    for t in metas.tags.iter().cloned() {
        push_unique(&mut tags, t);
    }
    for k in ld.keywords {
        push_unique(&mut tags, k);
    }

    let authors = read_authors(
        doc,
        article_meta,
        (&ld.authors, &ld.organisations),
        &metas,
        site_name.as_deref(),
    );

    let language = doc
        .select("html")
        .attr("lang")
        .and_then(|l| clean(&l))
        .or_else(|| meta("og:locale"));

    PageMetadata {
        title,
        description,
        image,
        canonical_url,
        dates,
        tags,
        authors,
        language,
    }
}

/// The article's title: the page's own headline (`<h1>`) where it has one that is not the site's
/// name, the one sharing most words with the declared titles when there are several; else the
/// declared title (`og:title`, JSON-LD `headline`, `twitter:title`, `<title>`) without the site's
/// name after a separator.
fn choose_title(
    headings: &[String],
    declared: &[String],
    site_name: Option<&str>,
) -> Option<String> {
    let declared_words: std::collections::HashSet<String> =
        declared.iter().flat_map(|t| title_words(t)).collect();
    let site_words: Vec<String> = site_name.map(title_words).unwrap_or_default();
    let mut best: Option<(usize, &String)> = None;
    for h in headings {
        let words = title_words(h);
        if words.is_empty()
            || h.chars().count() > MAX_TITLE_CHARS
            || (!site_words.is_empty() && words == site_words)
        {
            continue;
        }
        let shared = words.iter().filter(|w| declared_words.contains(*w)).count();
        if best.is_none_or(|(n, _)| shared > n) {
            best = Some((shared, h));
        }
    }
    let stripped: Vec<String> = declared
        .iter()
        .map(|t| strip_site_name(t, site_name))
        .collect();
    match best {
        // A heading sharing no word with any declared title is a section's or a promo's.
        Some((shared, h)) if shared > 0 || declared.is_empty() => {
            // A heading in capitals throughout is styled; the same title declared in ordinary
            // case is how the site writes it.
            let shouting = h.chars().any(char::is_uppercase) && !h.chars().any(char::is_lowercase);
            let folded = fold_title(h);
            Some(
                stripped
                    .iter()
                    .find(|t| shouting && fold_title(t) == folded)
                    .unwrap_or(h)
                    .clone(),
            )
        }
        _ => stripped.into_iter().next(),
    }
}

/// A title folded for comparing spellings: lower case, runs of spaces as one.
fn fold_title(s: &str) -> String {
    s.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A declared title without the site's name: the last part after a separator when it is the
/// site's name, or is shorter than what comes before it and the page declares no site name.
fn strip_site_name(title: &str, site_name: Option<&str>) -> String {
    let cut = TITLE_SEPARATORS
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|i| (i, sep.len())))
        .max_by_key(|&(i, _)| i);
    let Some((at, len)) = cut else {
        return title.to_string();
    };
    let (head, tail) = (title[..at].trim(), title[at + len..].trim());
    if head.is_empty() {
        return title.to_string();
    }
    let tail_words = title_words(tail);
    let is_site = match site_name {
        Some(site) => {
            let site_words = title_words(site);
            !tail_words.is_empty() && tail_words.iter().all(|w| site_words.contains(w))
                || tail_words == site_words
        }
        None => tail_words.len() <= 4 && tail_words.len() < title_words(head).len(),
    };
    if is_site {
        head.to_string()
    } else {
        title.to_string()
    }
}

/// Lower-cased words of a title, for comparing titles.
fn title_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The page's `<meta>` tags, read in one pass: the first `content` for each `property`, `name`
/// or `itemprop` key (lowercased), and every `article:tag`.
struct MetaTags {
    first: std::collections::HashMap<String, String>,
    tags: Vec<String>,
    /// Every `citation_author` (scholarly pages list one tag an author).
    citation_authors: Vec<String>,
    /// JSON-LD written into a tag's `content` (`<meta name="script:ld+json" content="{…}">`):
    /// a value that is a JSON object naming a schema.org `@type`.
    json_ld: Vec<String>,
}

/// At most this many JSON-LD objects are read from `<meta>` contents, each at most this long.
const MAX_META_JSON_LD: usize = 4;
const MAX_META_JSON_LD_BYTES: usize = 64 * 1024;

impl MetaTags {
    fn read(doc: &Document) -> MetaTags {
        let mut first = std::collections::HashMap::new();
        let mut tags = Vec::new();
        let mut citation_authors = Vec::new();
        let mut json_ld = Vec::new();
        for node in doc.select("meta").nodes() {
            let Some(content) = node.attr("content").and_then(|c| clean(&c)) else {
                continue;
            };
            if content.starts_with('{')
                && content.len() <= MAX_META_JSON_LD_BYTES
                && json_ld.len() < MAX_META_JSON_LD
                && content.contains("\"@type\"")
            {
                json_ld.push(content);
                continue;
            }
            for attr in ["property", "name", "itemprop"] {
                let Some(key) = node.attr(attr) else {
                    continue;
                };
                let key = key.trim().to_ascii_lowercase();
                if key == "article:tag" && tags.len() < MAX_LIST {
                    tags.push(content.clone());
                }
                if key == "citation_author" && citation_authors.len() < MAX_LIST {
                    citation_authors.push(content.clone());
                }
                first.entry(key).or_insert_with(|| content.clone());
            }
        }
        MetaTags {
            first,
            tags,
            citation_authors,
            json_ld,
        }
    }

    fn all(&self, key: &str) -> Vec<String> {
        match key {
            "citation_author" => self.citation_authors.clone(),
            _ => self.get(key).into_iter().collect(),
        }
    }

    fn get(&self, key: &str) -> Option<String> {
        self.first.get(&key.to_ascii_lowercase()).cloned()
    }
}

fn clean(s: &str) -> Option<String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if list.len() < MAX_LIST && !list.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
        list.push(value);
    }
}

/// The first article-like object in the JSON-LD blocks, its fields flattened to strings; the
/// dates of any object when the article declares none, and author references resolved through
/// the objects' `@id`s.
fn json_ld_article(blocks: &[String]) -> JsonLdArticle {
    let values: Vec<Value> = blocks
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b.trim()).ok())
        .collect();
    let mut ids = std::collections::HashMap::new();
    for v in &values {
        index_ids(v, 0, &mut ids);
    }
    let mut out = JsonLdArticle::default();
    if let Some(obj) = values.iter().find_map(|v| find_article(v, 0)) {
        let named = obj
            .get("author")
            .or_else(|| obj.get("creator"))
            .map(|a| names(a, &ids, 0))
            .unwrap_or_default();
        let (organisations, authors): (Vec<_>, Vec<_>) =
            named.into_iter().partition(|(_, org)| *org);
        out = JsonLdArticle {
            headline: obj.get("headline").and_then(as_text),
            dates: JsonLdDates::default(),
            authors: authors.into_iter().map(|(n, _)| n).collect(),
            organisations: organisations.into_iter().map(|(n, _)| n).collect(),
            keywords: obj.get("keywords").map(keywords).unwrap_or_default(),
            image: obj.get("image").and_then(image_url),
            description: obj.get("description").and_then(as_text),
        };
        for key in ["datePublished", "dateCreated"] {
            out.dates.published.extend(obj.get(key).and_then(as_text));
        }
        out.dates
            .modified
            .extend(obj.get("dateModified").and_then(as_text));
    }
    // Any object's dates (a `WebPage`, an untyped object) after the article's own.
    for v in &values {
        any_dates(v, 0, &mut out.dates);
    }
    out
}

/// Objects with an `@id`, by it, for resolving references (`"author": {"@id": "…"}`).
fn index_ids<'a>(
    value: &'a Value,
    depth: usize,
    ids: &mut std::collections::HashMap<&'a str, &'a serde_json::Map<String, Value>>,
) {
    if depth > MAX_JSON_DEPTH || ids.len() >= 256 {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| index_ids(v, depth + 1, ids)),
        Value::Object(obj) => {
            if let Some(id) = obj.get("@id").and_then(Value::as_str) {
                if obj.len() > 1 {
                    ids.entry(id).or_insert(obj);
                }
            }
            obj.values().for_each(|v| index_ids(v, depth + 1, ids));
        }
        _ => {}
    }
}

/// `datePublished` and `dateModified` of every object, in document order.
fn any_dates(value: &Value, depth: usize, dates: &mut JsonLdDates) {
    if depth > MAX_JSON_DEPTH || dates.published.len() + dates.modified.len() >= MAX_LIST {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| any_dates(v, depth + 1, dates)),
        Value::Object(obj) => {
            for (key, list) in [
                ("datePublished", &mut dates.published),
                ("dateModified", &mut dates.modified),
            ] {
                if let Some(d) = obj.get(key).and_then(as_text) {
                    if !list.contains(&d) {
                        list.push(d);
                    }
                }
            }
            for (k, v) in obj {
                if matches!(
                    k.as_str(),
                    "@graph" | "mainEntity" | "mainEntityOfPage" | "hasPart"
                ) {
                    any_dates(v, depth + 1, dates);
                }
            }
        }
        _ => {}
    }
}

/// The page's authors: the first source that names any (JSON-LD, the author meta tags, the
/// byline elements), each value cleaned (the declared fields as fields that hold only a name,
/// see [`clean_declared_author`]). A name equal to the site's own, and a JSON-LD author typed
/// as an organisation, are the publisher: the author only when no source names anyone else.
fn read_authors(
    doc: &Document,
    article_meta: Option<&Document>,
    (ld_authors, ld_organisations): (&[String], &[String]),
    metas: &MetaTags,
    site_name: Option<&str>,
) -> Vec<String> {
    let site = site_name.map(title_words).unwrap_or_default();
    // A name equal to the site's: the author only when no source names anyone else.
    let site_named: std::cell::RefCell<Vec<String>> = std::cell::RefCell::new(Vec::new());
    let collect_as = |raws: &mut dyn Iterator<Item = String>, declared: bool| {
        let mut out: Vec<String> = Vec::new();
        for raw in raws {
            if raw.starts_with("http") || raw.contains("://") {
                continue;
            }
            let names = if declared {
                clean_declared_author(&raw)
            } else {
                clean_byline(&raw)
            };
            for name in names {
                if !site.is_empty() && title_words(&name) == site {
                    let mut kept = site_named.borrow_mut();
                    if kept.is_empty() {
                        kept.push(name);
                    }
                    continue;
                }
                push_unique(&mut out, name);
            }
        }
        out
    };
    let collect = |raws: &mut dyn Iterator<Item = String>| collect_as(raws, false);
    let from_ld = collect_as(&mut ld_authors.iter().cloned(), true);
    if !from_ld.is_empty() {
        return from_ld;
    }
    // An organisation the JSON-LD names as the author is the publisher signing the page: the
    // author only when no other source names someone (as the site's own name).
    let organisations = collect_as(&mut ld_organisations.iter().cloned(), true);
    let mut meta_values: Vec<String> = AUTHOR_META.iter().filter_map(|k| metas.get(k)).collect();
    // Scholarly pages write `Last, First`, one tag an author.
    meta_values.extend(
        metas
            .all("citation_author")
            .into_iter()
            .map(|a| match a.split_once(',') {
                Some((last, first)) if !first.contains(',') && !first.trim().is_empty() => {
                    format!("{} {}", first.trim(), last.trim())
                }
                _ => a,
            }),
    );
    for i in 1..=4 {
        let label = metas
            .get(&format!("twitter:label{i}"))
            .unwrap_or_default()
            .to_lowercase();
        if label.starts_with("written by") || label == "author" || label == "by" {
            meta_values.extend(metas.get(&format!("twitter:data{i}")));
        }
    }
    let from_meta = collect_as(&mut meta_values.into_iter(), true);
    if !from_meta.is_empty() {
        return from_meta;
    }
    for (selector, doc) in std::iter::once(doc)
        .chain(article_meta)
        .flat_map(|d| BYLINE_SELECTORS.iter().map(move |s| (s, d)))
    {
        let mut values = Vec::new();
        for node in doc
            .select(selector)
            .nodes()
            .iter()
            .take(MAX_BYLINE_ELEMENTS)
        {
            if node.node_name().is_some_and(|n| {
                matches!(&*n, "meta" | "link" | "body" | "html" | "article" | "main")
            }) || is_about_the_author(node)
            {
                continue;
            }
            let text = node.text();
            if text.len() > MAX_BYLINE_BYTES {
                continue;
            }
            let named = node
                .descendants_it()
                .find(|d| {
                    d.attr("itemprop")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("name"))
                })
                .map(|n| n.text().to_string());
            values.push(named.unwrap_or_else(|| spaced_text(node)));
        }
        let found = collect(&mut values.into_iter());
        if !found.is_empty() {
            return found;
        }
    }
    let found = collect(&mut headline_byline(doc).into_iter());
    if !found.is_empty() {
        return found;
    }
    let found = collect(&mut labelled_byline(doc).into_iter());
    if !found.is_empty() {
        return found;
    }
    if !organisations.is_empty() {
        return organisations;
    }
    site_named.into_inner()
}

/// How many text nodes after and before the headline are searched for a "By …" line.
const BYLINE_AFTER_HEADLINE: usize = 24;
const BYLINE_BEFORE_HEADLINE: usize = 6;
/// A "By …" text longer than this (in bytes) is prose, not a byline.
const MAX_BY_LINE_BYTES: usize = 80;

/// A short "By …" or "Written by …" text node near the page's first `<h1>` (after it first,
/// then just before it): a byline in the article's header that no element names as one.
fn headline_byline(doc: &Document) -> Option<String> {
    super::dates::texts_after_headline(doc, BYLINE_AFTER_HEADLINE)
        .into_iter()
        .chain(super::dates::texts_before_headline(
            doc,
            BYLINE_BEFORE_HEADLINE,
        ))
        .find(|t| {
            let lower = t.to_lowercase();
            t.len() <= MAX_BY_LINE_BYTES
                && (lower.starts_with("by ") || lower.starts_with("written by "))
        })
}

/// Parts of an author's box that are about the author, not the name: a job title, a
/// description or biography, a picture, social links (words in the element's class, as in
/// `author-title`, `author__bio`, `dynamic-author-description`).
const ABOUT_THE_AUTHOR: &[&str] = &[
    "title",
    "description",
    "bio",
    "role",
    "job",
    "position",
    "avatar",
    "image",
    "photo",
    "social",
];

fn is_about_the_author(node: &dom_query::NodeRef) -> bool {
    node.attr("class").is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        ABOUT_THE_AUTHOR.iter().any(|w| c.contains(w))
    })
}

/// An element's text with its text nodes apart (`Written by | Jane Doe`), so that a byline's
/// fields do not run together.
fn spaced_text(node: &dom_query::NodeRef) -> String {
    let mut out = String::new();
    for t in node.descendants_it().filter(|d| d.is_text()) {
        let text = t.text();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(" | ");
        }
        out.push_str(text);
    }
    out
}

/// The text after a text node that is only a byline label ("Written by", "Author:").
fn labelled_byline(doc: &Document) -> Option<String> {
    let body = doc.select("body");
    let root = *body.nodes().first()?;
    let mut after_label = false;
    for t in root
        .descendants_it()
        .filter(|d| d.is_text())
        .take(MAX_LABEL_SCAN)
    {
        let text = t.text();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if after_label {
            return Some(text.to_string());
        }
        after_label = text.len() <= 12 && BYLINE_LABELS.contains(&text.to_lowercase().as_str());
    }
    None
}

fn find_article(value: &Value, depth: usize) -> Option<&serde_json::Map<String, Value>> {
    if depth > MAX_JSON_DEPTH {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().find_map(|v| find_article(v, depth + 1)),
        Value::Object(obj) => {
            if obj.get("@type").is_some_and(is_article_type) {
                return Some(obj);
            }
            obj.get("@graph")
                .or_else(|| obj.get("mainEntity"))
                .and_then(|v| find_article(v, depth + 1))
        }
        _ => None,
    }
}

/// schema.org's organisation types: `Organization` and its subtypes (`NewsMediaOrganization`,
/// `Corporation`, `LocalBusiness`, …), and a `Brand`.
fn is_organisation_type(t: &Value) -> bool {
    let org = |s: &str| {
        s.ends_with("Organization")
            || matches!(
                s,
                "Corporation"
                    | "LocalBusiness"
                    | "NGO"
                    | "OnlineBusiness"
                    | "OnlineStore"
                    | "Brand"
            )
    };
    match t {
        Value::String(s) => org(s),
        Value::Array(items) => items.iter().filter_map(Value::as_str).any(org),
        _ => false,
    }
}

fn is_article_type(t: &Value) -> bool {
    let article = |s: &str| {
        s.ends_with("Article") || matches!(s, "BlogPosting" | "LiveBlogPosting" | "Report")
    };
    match t {
        Value::String(s) => article(s),
        Value::Array(items) => items.iter().filter_map(Value::as_str).any(article),
        _ => false,
    }
}

/// A JSON-LD string with the HTML entities pages leave in it (`Maria &amp; Katerina`) decoded.
fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = s.to_string();
    for (entity, c) in [
        ("&amp;", "&"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#039;", "'"),
        ("&#x27;", "'"),
        ("&apos;", "'"),
        ("&rsquo;", "’"),
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
    ] {
        out = out.replace(entity, c);
    }
    out.into()
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(&decode_entities(s)),
        Value::Array(items) => items.iter().find_map(as_text),
        _ => None,
    }
}

type Ids<'a> = std::collections::HashMap<&'a str, &'a serde_json::Map<String, Value>>;

/// The names an `author` value gives, each with whether it is typed as an organisation.
fn names(v: &Value, ids: &Ids, depth: usize) -> Vec<(String, bool)> {
    if depth > MAX_JSON_DEPTH {
        return Vec::new();
    }
    match v {
        Value::String(s) => clean(&decode_entities(s))
            .map(|n| (n, false))
            .into_iter()
            .collect(),
        Value::Object(obj) => {
            let target = match obj.get("name").and_then(as_text) {
                Some(_) => Some(obj),
                None => obj
                    .get("@id")
                    .and_then(Value::as_str)
                    .and_then(|id| ids.get(id))
                    .copied()
                    .filter(|target| !std::ptr::eq(*target, obj)),
            };
            target
                .and_then(|t| {
                    let org = obj
                        .get("@type")
                        .or_else(|| t.get("@type"))
                        .is_some_and(is_organisation_type);
                    t.get("name").and_then(as_text).map(|n| (n, org))
                })
                .into_iter()
                .collect()
        }
        Value::Array(items) => items
            .iter()
            .flat_map(|i| names(i, ids, depth + 1))
            .take(MAX_LIST)
            .collect(),
        _ => Vec::new(),
    }
}

fn keywords(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s.split(',').filter_map(clean).take(MAX_LIST).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .filter_map(clean)
            .take(MAX_LIST)
            .collect(),
        _ => Vec::new(),
    }
}

fn image_url(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Object(obj) => obj
            .get("url")
            .or_else(|| obj.get("contentUrl"))
            .and_then(as_text),
        Value::Array(items) => items.iter().find_map(image_url),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_meta_and_json_ld() {
        let page = r#"<html lang="en-GB"><head><title>Story | Site</title>
            <meta property="og:description" content="Dek.">
            <meta property="article:tag" content="Space"><meta property="article:tag" content="NASA">
            <link rel="canonical" href="https://example.com/news/story">
            </head><body></body></html>"#;
        let ld = vec![
            r#"{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},
            {"@type":["NewsArticle"],"headline":"The Story","datePublished":"2023-09-15T05:41:32Z",
             "author":[{"@type":"Person","name":"Ada Lovelace"},"Charles Babbage"],
             "keywords":"space, nasa ,moon","image":{"@type":"ImageObject","url":"/img/a.jpg"}}]}"#
                .to_string(),
        ];
        let doc = Document::from(page);
        let m = read_metadata(&doc, &ld);
        assert_eq!(m.title.as_deref(), Some("The Story"));
        assert_eq!(m.description.as_deref(), Some("Dek."));
        assert_eq!(m.image.as_deref(), Some("/img/a.jpg"));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://example.com/news/story")
        );
        assert_eq!(
            m.dates.first().map(|c| c.value.as_str()),
            Some("2023-09-15T05:41:32Z")
        );
        assert_eq!(m.tags, vec!["Space", "NASA", "moon"]);
        assert_eq!(m.authors, vec!["Ada Lovelace", "Charles Babbage"]);
        assert_eq!(m.language.as_deref(), Some("en-GB"));
    }

    #[test]
    fn broken_json_ld_is_ignored() {
        let doc = Document::from("<title> A  title </title>");
        let m = read_metadata(
            &doc,
            &[
                "{not json".to_string(),
                "[[[[[[[[[[[]]]]]]]]]]]".to_string(),
            ],
        );
        assert_eq!(m.title.as_deref(), Some("A title"));
        assert!(m.tags.is_empty());
    }

    #[test]
    fn the_headline_on_the_page_is_the_title() {
        let page = r#"<html><head><title>Eight Trends | Flatworld Solutions</title>
            <meta property="og:site_name" content="Flatworld Solutions"></head><body>
            <h1>Flatworld Solutions</h1><article><h1>8 Recent Trends in Photography</h1>
            <p>Text.</p></article></body></html>"#;
        let m = read_metadata(&Document::from(page), &[]);
        assert_eq!(m.title.as_deref(), Some("8 Recent Trends in Photography"));
    }

    #[test]
    fn without_a_headline_the_declared_title_loses_the_site_name() {
        let doc = Document::from(
            r#"<title>How To Book a Flight For Beginners | It’s All Trip To Me</title>
            <meta property="og:site_name" content="It's All Trip To Me">"#,
        );
        let m = read_metadata(&doc, &[]);
        assert_eq!(
            m.title.as_deref(),
            Some("How To Book a Flight For Beginners")
        );
        assert_eq!(
            strip_site_name("Machine learning, explained | MIT Sloan", None),
            "Machine learning, explained"
        );
        assert_eq!(strip_site_name("War - and Peace", None), "War - and Peace");
    }

    #[test]
    fn a_heading_unrelated_to_the_declared_title_or_shouting_gives_way() {
        let doc = Document::from(r#"<title>Vibe Coding</title><h1>davidbau.com</h1>"#);
        assert_eq!(
            read_metadata(&doc, &[]).title.as_deref(),
            Some("Vibe Coding")
        );
        let doc = Document::from(
            r#"<title>Tips for Online Success - Journey</title><h1>TIPS FOR ONLINE SUCCESS</h1>"#,
        );
        assert_eq!(
            read_metadata(&doc, &[]).title.as_deref(),
            Some("Tips for Online Success")
        );
    }

    fn authors_of(page: &str, ld: &[&str]) -> Vec<String> {
        let ld: Vec<String> = ld.iter().map(|s| s.to_string()).collect();
        read_metadata(&Document::from(page), &ld).authors
    }

    #[test]
    fn json_ld_author_references_resolve() {
        let ld = r#"{"@graph":[{"@type":"Article","author":{"@id":"https://x.org/#/person/1"}},
            {"@type":"Person","@id":"https://x.org/#/person/1","name":"Ann Lee"}]}"#;
        assert_eq!(authors_of("<p>x</p>", &[ld]), vec!["Ann Lee"]);
    }

    #[test]
    fn author_meta_tags() {
        let page = r#"<meta name="author" content="By JANE DOE, Staff Writer">"#;
        assert_eq!(authors_of(page, &[]), vec!["Jane Doe"]);
        let page = r#"<meta property="article:author" content="https://facebook.com/jane">
            <meta name="parsely-author" content="Jane Doe">"#;
        assert_eq!(authors_of(page, &[]), vec!["Jane Doe"]);
        let page = r#"<meta name="citation_author" content="Lee, Ann">
            <meta name="citation_author" content="Bo Chan">"#;
        assert_eq!(authors_of(page, &[]), vec!["Ann Lee", "Bo Chan"]);
        let page = r#"<meta name="twitter:label1" content="Written by">
            <meta name="twitter:data1" content="Cy Diaz">
            <meta name="twitter:label2" content="Est. reading time">
            <meta name="twitter:data2" content="4 minutes">"#;
        assert_eq!(authors_of(page, &[]), vec!["Cy Diaz"]);
    }

    #[test]
    fn byline_elements() {
        let page =
            r#"<h1>Story</h1><div class="byline">By Ann Lee and Bo Chan | May 3, 2024</div>"#;
        assert_eq!(authors_of(page, &[]), vec!["Ann Lee", "Bo Chan"]);
        let page = r#"<span itemprop="author" itemscope><span itemprop="name">Ann Lee</span>
            <span itemprop="jobTitle">Editor</span></span>"#;
        assert_eq!(authors_of(page, &[]), vec!["Ann Lee"]);
        let page = r#"<a rel="author" href="/team/ann">Ann Lee</a>"#;
        assert_eq!(authors_of(page, &[]), vec!["Ann Lee"]);
    }

    #[test]
    fn author_links_and_labels() {
        let page = r#"<p>Written by <a href="/authors/emily-walker/">Emily Walker</a></p>"#;
        assert_eq!(authors_of(page, &[]), vec!["Emily Walker"]);
        let page = r#"<div><p>Written by</p><p>Edzel Tabing</p></div>"#;
        assert_eq!(authors_of(page, &[]), vec!["Edzel Tabing"]);
        let ld =
            r#"{"@type":"BlogPosting","author":{"@type":"Person","name":"Maria &amp; Katerina"}}"#;
        assert_eq!(authors_of("<p>x</p>", &[ld]), vec!["Maria", "Katerina"]);
    }

    #[test]
    fn declared_authors_in_lower_case_are_kept() {
        let page = r#"<meta name="author" content="jdoe"><p class="byline">by the desk</p>"#;
        assert_eq!(authors_of(page, &[]), vec!["jdoe"]);
        let ld = r#"{"@type":"BlogPosting","author":{"@type":"Person","name":"ann lee"}}"#;
        assert_eq!(authors_of("<p>x</p>", &[ld]), vec!["ann lee"]);
        // A byline element in lower case is prose, not a name.
        assert!(authors_of(r#"<p class="byline">ann lee</p>"#, &[]).is_empty());
    }

    #[test]
    fn an_articles_footer_names_its_author() {
        let page = r#"<article><h1>Story</h1><p>Text.</p></article>"#;
        let footer =
            Document::from(r#"<footer><a rel="author" href="/u/ann">Ann Lee</a></footer>"#);
        let m = read_metadata_with(&Document::from(page), Some(&footer), &[], &[]);
        assert_eq!(m.authors, vec!["Ann Lee"]);
    }

    #[test]
    fn json_ld_in_a_meta_content() {
        let page = r#"<meta name="script:ld+json" content="{&quot;@type&quot;:&quot;Article&quot;,
            &quot;datePublished&quot;:&quot;2025-11-17T09:00:00-05:00&quot;,
            &quot;author&quot;:{&quot;@type&quot;:&quot;Person&quot;,&quot;name&quot;:&quot;Ann Lee&quot;}}">
            <meta name="description" content="{not JSON-LD} a description">"#;
        let m = read_metadata(&Document::from(page), &[]);
        assert_eq!(
            m.dates.first().map(|c| (c.value.as_str(), c.source)),
            Some((
                "2025-11-17T09:00:00-05:00",
                crate::normalize::article::DateSource::JsonLd
            ))
        );
        assert_eq!(m.authors, vec!["Ann Lee"]);
        assert_eq!(
            m.description.as_deref(),
            Some("{not JSON-LD} a description")
        );
    }

    #[test]
    fn a_by_line_near_the_headline() {
        let page = r#"<div class="header"><h1>Story</h1><div><p><time>Mar 24, 2025</time></p>
            <p>By Amy Lee</p></div></div><p>Text of the story.</p>"#;
        assert_eq!(authors_of(page, &[]), vec!["Amy Lee"]);
        let page = r#"<div><p>Written by Bo Chan</p><h1>Story</h1></div><p>Text.</p>"#;
        assert_eq!(authors_of(page, &[]), vec!["Bo Chan"]);
        // Prose that starts with "By" is not a byline.
        let page = r#"<h1>Story</h1><p>By the end of the year the council had voted twice on the
            bridge, and both times it lost.</p>"#;
        assert!(authors_of(page, &[]).is_empty());
    }

    #[test]
    fn an_authors_title_and_biography_are_not_names() {
        let page = r#"<div class="author-box"><span class="author-name">Asser Lund</span>
            <span class="author-title">Licensed Q Grader</span>
            <p class="dynamic-author-description">Coffee Writer, M.A. Journalism</p></div>"#;
        assert_eq!(authors_of(page, &[]), vec!["Asser Lund"]);
    }

    #[test]
    fn an_organisation_is_the_author_only_when_no_one_else_is() {
        let ld = r#"{"@type":"BlogPosting","author":{"@type":"Organization","name":"Acme Tools"}}"#;
        let page = r#"<h1>Story</h1><p class="text__author">Shauna Lee</p><p>Text.</p>"#;
        assert_eq!(authors_of(page, &[ld]), vec!["Shauna Lee"]);
        assert_eq!(authors_of("<p>Text.</p>", &[ld]), vec!["Acme Tools"]);
        // A person the JSON-LD names comes first, as before.
        let ld = r#"{"@type":"Article","author":[{"@type":"Person","name":"Bo Chan"},
            {"@type":"NewsMediaOrganization","name":"Acme News"}]}"#;
        assert_eq!(authors_of(page, &[ld]), vec!["Bo Chan"]);
    }

    #[test]
    fn the_site_is_the_author_only_when_no_one_else_is() {
        let page = r#"<meta property="og:site_name" content="Example Daily">
            <meta name="author" content="Example Daily"><p class="byline">By Ann Lee</p>"#;
        assert_eq!(authors_of(page, &[]), vec!["Ann Lee"]);
        let page = r#"<meta property="og:site_name" content="Example Daily">
            <meta name="author" content="Example Daily"><p>Text.</p>"#;
        assert_eq!(authors_of(page, &[]), vec!["Example Daily"]);
    }
}
