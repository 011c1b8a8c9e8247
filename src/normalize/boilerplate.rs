//! Boilerplate removal: which lines are the article and which are leftovers of the page.
//!
//! Works the way jusText does on HTML, with the signals plain text still has: marker phrases in many
//! languages (`data/boilerplate_markers.tsv`), the share of text inside markdown links, stop-word
//! density, length, repetition, and then context (short lines take the class of their
//! neighbours), the densest run of prose (the article), and a tail cut once a "related / trending"
//! run starts near the end.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::author_box::{find_author_boxes, find_named_bios};
use super::blocks::{LineKind, RawBlock};
use super::hygiene::{fold_indic_letters, is_word_part, lowercase, lowercase_cow};
use super::stopwords::{stopword_count, stopwords_for, WordSet};
use super::threads::{find_threads, Role};

/// Counts of lines by their text (foldhash: lines are hashed once each, and SipHash's cost was
/// a visible share of the step on long pages).
type LineCounts<'a> = HashMap<&'a str, usize, foldhash::fast::RandomState>;

/// What boilerplate removal decided for one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    Remove(&'static str),
}

/// Below this many characters (CJK counted triple) a block is "short" and judged by context.
const LENGTH_LOW: usize = 70;
/// From this many characters on, a block with enough stop words is surely prose.
const LENGTH_HIGH: usize = 200;
/// Stop-word share of near-good and of good prose.
const STOPWORDS_LOW: f32 = 0.15;
const STOPWORDS_HIGH: f32 = 0.22;
/// Blocks with more of their text inside links than this are link lists.
const MAX_LINK_DENSITY: f32 = 0.35;
/// A tail marker cuts the rest when less prose than this share of what came before follows it.
const TAIL_SHARE: f32 = 0.35;
/// Lines shorter than this without final punctuation are headlines or labels, judged by context.
const UNPUNCTUATED_MAX_CHARS: usize = 130;

/// A repeated heading or emphasized line of at most this many words is a section label.
const SECTION_LABEL_WORDS: usize = 4;
/// A section heading (`##` and below) of up to this many words, repeated, is the article's
/// structure too ("### Why We Chose This School" over each entry of a ranking); a page's
/// menus are list items and `#` headings, not sub-headings.
const SECTION_HEADING_WORDS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    NearGood,
    Short,
    Bad(&'static str),
    /// Images and rules: not part of the context decision.
    Neutral,
}

struct Marker {
    reason: &'static str,
    mode: MatchMode,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MatchMode {
    Exact,
    Prefix,
    Contains,
    /// Starts the line, and the line is a short label without sentence punctuation.
    Label,
}

struct Markers {
    automaton: AhoCorasick,
    markers: Vec<Marker>,
}

static MARKERS: LazyLock<Option<Markers>> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut markers = Vec::new();
    for line in include_str!("../../data/boilerplate_markers.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(pattern), Some(reason), Some(mode)) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let mode = match mode.trim() {
            "exact" => MatchMode::Exact,
            "prefix" => MatchMode::Prefix,
            "label" => MatchMode::Label,
            _ => MatchMode::Contains,
        };
        patterns.push(pattern.trim().to_lowercase());
        markers.push(Marker {
            reason: intern_reason(reason.trim()),
            mode,
        });
    }
    // A DFA: the fastest overlapping search (every line of a page is searched), for a table
    // built once; the builder's own choice should the DFA grow past its limits.
    let build = |kind| {
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&patterns)
    };
    build(Some(AhoCorasickKind::DFA))
        .or_else(|_| build(None))
        .ok()
        .map(|automaton| Markers { automaton, markers })
});

/// Reasons are a closed set; map the data file's names onto `'static` strings.
fn intern_reason(reason: &str) -> &'static str {
    const REASONS: &[&str] = &[
        "related_marker",
        "trending_marker",
        "advertisement",
        "subscribe",
        "navigation",
        "social",
        "app_promo",
        "copyright",
        "cookie_notice",
        "credit",
        "byline",
        "dateline",
    ];
    REASONS
        .iter()
        .find(|r| **r == reason)
        .copied()
        .unwrap_or("boilerplate_marker")
}

static PROMO_CUES: LazyLock<(Vec<&'static str>, Vec<&'static str>)> = LazyLock::new(|| {
    let mut url_cues = Vec::new();
    let mut alt_cues = Vec::new();
    for line in include_str!("../../data/promo_image_cues.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.strip_prefix("alt:") {
            Some(alt) => alt_cues.push(alt),
            None => url_cues.push(line),
        }
    }
    (url_cues, alt_cues)
});

/// The marker reason of a line, if the line is a page leftover phrase.
pub fn marker_reason(text: &str) -> Option<&'static str> {
    if text.len() > 240 {
        return None;
    }
    let markers = MARKERS.as_ref()?;
    let folded = fold_indic_letters(text);
    let lower = lowercase_cow(&folded);
    let norm = lower.trim_matches(|c: char| !is_word_part(c) && c != '©');
    if norm.is_empty() {
        return None;
    }
    let norm_chars = norm.chars().count();
    for m in markers.automaton.find_overlapping_iter(norm) {
        let marker = &markers.markers[m.pattern().as_usize()];
        let before_ok = norm[..m.start()]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_part(c));
        let after_ok = norm[m.end()..]
            .chars()
            .next()
            .is_none_or(|c| !is_word_part(c));
        if !(before_ok && after_ok) {
            continue;
        }
        let hit = match marker.mode {
            MatchMode::Exact => m.start() == 0 && m.end() == norm.len(),
            MatchMode::Prefix => m.start() == 0 && norm_chars <= 160,
            MatchMode::Contains => norm_chars <= 200,
            MatchMode::Label => {
                m.start() == 0
                    && norm_chars <= 80
                    && !ends_like_sentence(text.trim_end_matches(':'))
            }
        };
        if hit {
            return Some(marker.reason);
        }
    }
    None
}

/// Whether an image is a logo, icon, banner or tracking pixel rather than a picture of the story.
pub fn is_promo_image(url: &str, alt: &str) -> bool {
    let (url_cues, alt_cues) = &*PROMO_CUES;
    let url = lowercase(url);
    let alt = lowercase(alt);
    url_cues.iter().any(|c| url.contains(c))
        || alt_cues.iter().any(|c| alt.contains(c))
        || url.ends_with(".gif")
        || url.ends_with(".svg")
}

/// Decide, for every block, whether it is part of the article. `protected` blocks (the title and
/// summary lines) are kept whatever they look like.
pub fn strip_boilerplate(blocks: &[RawBlock], language: &str, protected: &[usize]) -> Vec<Verdict> {
    let stopwords = stopwords_for(language);
    let cjk = matches!(language, "zh" | "ja" | "ko" | "th");
    let mut repeats = repeated_lines(blocks);
    let copies = page_copies(blocks);
    if copies > 1 {
        repeats.retain(|_, n| *n > copies);
    }
    let mut classes: Vec<Class> = blocks
        .iter()
        .map(|b| classify(b, stopwords, cjk, &repeats))
        .collect();
    for &p in protected {
        if let Some(c) = classes.get_mut(p) {
            *c = Class::Neutral;
        }
    }
    keep_tables(&mut classes, blocks);
    judge_broken_paragraphs(&mut classes, blocks, stopwords, cjk);
    promote_if_no_prose(&mut classes, blocks);
    settle_headings(&mut classes, blocks);
    promote_prose_runs(&mut classes, blocks);
    let roles: Vec<Role> = classes
        .iter()
        .zip(blocks)
        .map(|(c, b)| thread_role(*c, b))
        .collect();
    let threads = find_threads(&roles);
    let prose: Vec<usize> = roles
        .iter()
        .map(|r| match r {
            Role::Prose(c) => *c,
            _ => 0,
        })
        .collect();
    let mut boxes = find_author_boxes(blocks, &prose, ends_like_sentence);
    boxes.extend(find_named_bios(blocks, &prose, ends_like_sentence));
    let lists = lists_after_prose(&classes, blocks, stopwords);
    settle_by_context(&mut classes);
    for thread in threads {
        for i in thread {
            if !matches!(classes[i], Class::Bad(_)) && !protected.contains(&i) {
                classes[i] = Class::Bad("comment_thread");
            }
        }
    }
    for author_box in boxes {
        for i in author_box {
            if !matches!(classes[i], Class::Bad(_)) && !protected.contains(&i) {
                classes[i] = Class::Bad("author_box");
            }
        }
    }

    let mut region = densest_prose_run(&classes, blocks);
    for list in &lists {
        if let Some((s, e)) = region.as_mut() {
            if classes[list.anchor] == Class::Good && list.anchor >= *s && list.anchor <= *e {
                for &j in &list.members {
                    classes[j] = Class::Good;
                }
                *e = (*e).max(list.end);
            }
        }
    }
    let mut verdicts: Vec<Verdict> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let inside = region.is_some_and(|(s, e)| i >= s && i <= e);
            match *c {
                Class::Bad(reason) => Verdict::Remove(reason),
                _ if protected.contains(&i) => Verdict::Keep,
                Class::Neutral => match blocks[i].kind {
                    LineKind::Rule => Verdict::Remove("separator"),
                    _ if inside => Verdict::Keep,
                    _ => Verdict::Remove("outside_main_text"),
                },
                Class::Good if inside => Verdict::Keep,
                _ => Verdict::Remove("outside_main_text"),
            }
        })
        .collect();
    cut_tail(&mut verdicts, &classes, blocks, protected);
    verdicts
}

fn classify(
    block: &RawBlock,
    stopwords: Option<&WordSet>,
    cjk: bool,
    repeats: &LineCounts,
) -> Class {
    match block.kind {
        LineKind::Rule => return Class::Neutral,
        LineKind::Image => {
            let promo = block
                .images
                .iter()
                .all(|im| is_promo_image(&im.url, &im.alt));
            return if promo {
                Class::Bad("promo_image")
            } else {
                Class::Neutral
            };
        }
        _ => {}
    }
    if block.text.is_empty() && block.links == 0 || block.code {
        return Class::Neutral;
    }
    if block.text.is_empty() {
        return Class::Bad("markup_only");
    }
    if !block.text.chars().any(is_alphabetic) {
        return Class::Bad("no_words");
    }
    if let Some(reason) = marker_reason(&block.text) {
        return Class::Bad(reason);
    }
    // A quoted "— Name (@handle) November 18, 2019" signs an embedded post; it is not a dateline.
    if block.kind != LineKind::Quote && is_dateline(&block.text) {
        return Class::Bad("dateline");
    }
    let link_density = block.link_density();
    if link_density > MAX_LINK_DENSITY {
        return Class::Bad("link_list");
    }
    let list_item = block.kind == LineKind::ListItem;
    // Wholly emphasized lines are teasers and labels more often than prose.
    let visible = block.visible;
    let emphasized = visible > 0 && block.emphasis_chars * 10 >= visible * 9;
    // A label the article repeats for each of its sections ("**Pros**", "### Features") is its
    // structure, not a menu repeated at the top and bottom of the page: context decides. (A
    // repeated headline is a teaser shown twice.)
    // Words are counted only for a line that can be a label (most lines are neither).
    let label = || {
        let heading = matches!(block.kind, LineKind::Heading(_));
        if !emphasized && !heading {
            return false;
        }
        let words = block.text.split_whitespace().count();
        words <= SECTION_LABEL_WORDS
            || matches!(block.kind, LineKind::Heading(level) if level >= 2)
                && words <= SECTION_HEADING_WORDS
    };
    if (block.chars < 120 || list_item)
        && repeats.get(block.text.as_str()).copied().unwrap_or(0) > 1
        && !label()
    {
        return Class::Bad("repeated");
    }
    if list_item && (block.text.ends_with("..") || block.text.ends_with('…')) {
        return Class::Bad("teaser");
    }
    if is_cut_short(&block.text) {
        return Class::Bad("teaser");
    }
    let weight = if cjk { block.chars * 3 } else { block.chars };
    // A wholly emphasized line is a label or a teaser unless it is a paragraph: a sentence of
    // some length (a bold lead, an italic editor's note, a live blog's entry).
    if emphasized {
        return Class::Short;
    }
    // Prose ends its paragraphs with punctuation; headline lists and labels do not.
    if !ends_like_sentence(&block.text) && block.chars < UNPUNCTUATED_MAX_CHARS {
        return Class::Short;
    }
    if weight < LENGTH_LOW {
        return if link_density > 0.0 {
            Class::Bad("link_list")
        } else {
            Class::Short
        };
    }
    match stopwords {
        Some(list) => {
            let (total, stops) = stopword_count(&block.text, list);
            let density = if total == 0 {
                0.0
            } else {
                stops as f32 / total as f32
            };
            if density >= STOPWORDS_HIGH && weight >= LENGTH_HIGH {
                Class::Good
            } else if density >= STOPWORDS_LOW {
                Class::NearGood
            } else if block.links == 0 {
                Class::Short
            } else {
                Class::Bad("low_prose")
            }
        }
        None => {
            let terminal = ends_like_sentence(&block.text);
            if terminal && weight >= LENGTH_HIGH {
                Class::Good
            } else if terminal || weight >= LENGTH_HIGH {
                Class::NearGood
            } else {
                Class::Bad("low_prose")
            }
        }
    }
}

/// What a block is to the comment-thread finder: a stamp (a dateline with a time of day, or a
/// short repeated line with a number: "1 year ago"), a heading, prose (a paragraph, or a short line that ends like
/// a sentence: "Mine too!"), or anything else.
fn thread_role(class: Class, block: &RawBlock) -> Role {
    if matches!(block.kind, LineKind::Heading(_)) {
        return Role::Heading;
    }
    match class {
        Class::Bad("dateline") if has_clock(&block.text) => Role::Stamp,
        Class::Bad("repeated")
            if block.text.split_whitespace().count() <= SECTION_LABEL_WORDS
                && block.text.bytes().any(|b| b.is_ascii_digit()) =>
        {
            Role::Stamp
        }
        Class::Good | Class::NearGood => Role::Prose(block.chars),
        Class::Short if ends_like_sentence(&block.text) => Role::Prose(block.chars),
        _ => Role::Other,
    }
}

/// Whether a line holds a time of day ("3:53", "15:54").
fn has_clock(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

/// A short line that is mostly a date or time stamp ("Updated: 18 Nov 2019 9:38 pm",
/// "— Jane Doe (@jane) November 18, 2019").
fn is_dateline(text: &str) -> bool {
    if text.chars().count() > 90 || ends_like_sentence(text) {
        return false;
    }
    let bytes = text.as_bytes();
    let year = bytes.windows(4).enumerate().any(|(i, w)| {
        (w.starts_with(b"19") || w.starts_with(b"20"))
            && w.iter().all(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit())
    });
    let clock = bytes.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[2] == b':'
            && w[1].is_ascii_digit()
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    }) || bytes.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    });
    (year || clock) && text.split_whitespace().count() <= 12
}

/// A line cut off mid-sentence, right after a comma ("… diagnosed with the plague,..."): a
/// teaser of another page, never a paragraph of this one.
fn is_cut_short(text: &str) -> bool {
    let t = text.trim_end();
    let Some(rest) = t.strip_suffix("...").or_else(|| t.strip_suffix('…')) else {
        return false;
    };
    rest.trim_end().ends_with([',', '，', '、'])
}

/// Counts of short lines that occur more than once (menus repeated at top and bottom).
fn repeated_lines(blocks: &[RawBlock]) -> LineCounts<'_> {
    let mut counts = LineCounts::default();
    for b in blocks {
        if (b.chars < 120 || b.kind == LineKind::ListItem) && !b.text.is_empty() {
            *counts.entry(b.text.as_str()).or_default() += 1;
        }
    }
    counts
}

/// How many times the page holds its own text: a page laid out once for each screen size
/// (desktop, tablet, phone) repeats every paragraph, and a line repeated that often is its
/// text, not a menu shown at the top and the bottom. The count most of the long paragraphs
/// (`LENGTH_HIGH` characters and more) share, the median; 1 on a page without them.
fn page_copies(blocks: &[RawBlock]) -> usize {
    let mut counts = LineCounts::default();
    for b in blocks {
        if b.kind == LineKind::Text && b.chars >= LENGTH_HIGH && !b.code {
            *counts.entry(b.text.as_str()).or_default() += 1;
        }
    }
    let mut per_paragraph: Vec<usize> = blocks
        .iter()
        .filter_map(|b| counts.get(b.text.as_str()).copied())
        .collect();
    if per_paragraph.len() < 2 {
        return 1;
    }
    per_paragraph.sort_unstable();
    per_paragraph[per_paragraph.len() / 2]
}

/// Ends with sentence punctuation of any script (closing quotes and brackets looked through).
pub fn ends_like_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', '”', '’', ')', '»', ']', ' ']);
    trimmed.ends_with([
        '.', '!', '?', '।', '॥', '。', '！', '？', '؟', '۔', '…', ':', ';',
    ])
}

/// Markdown tables (`a | b` rows under a `---|---` delimiter) with enough text and few links are
/// content the page chose to lay out (results, standings, schedules): each row is too short to
/// pass as prose on its own, so the table is judged as one block.
fn keep_tables(classes: &mut [Class], blocks: &[RawBlock]) {
    let is_row = |b: &RawBlock| b.kind == LineKind::Text && b.line.matches('|').count() >= 2;
    let is_delimiter = |b: &RawBlock| {
        b.line.contains("-|") || b.line.contains("|-") || b.line.contains("-:|")
    } && b.line.chars().all(|c| matches!(c, '-' | ':' | '|' | ' '));
    let mut i = 0;
    while i < blocks.len() {
        if !is_row(&blocks[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < blocks.len() && is_row(&blocks[i]) {
            i += 1;
        }
        let rows = &blocks[start..i];
        let (chars, visible, link_chars) = rows.iter().fold((0, 0, 0), |(c, v, l), b| {
            (c + b.chars, v + b.visible, l + b.link_chars)
        });
        let table = rows.len() >= 3
            && rows.iter().any(is_delimiter)
            && chars >= LENGTH_HIGH
            && (link_chars as f32) <= MAX_LINK_DENSITY * visible as f32;
        if !table {
            continue;
        }
        for (c, b) in classes[start..i].iter_mut().zip(rows) {
            *c = if is_delimiter(b) {
                Class::Neutral
            } else {
                Class::Good
            };
        }
    }
}

/// Lines joined by hard breaks are one paragraph (a `<p>` with `<br>`s: a schedule, a list of
/// offers, an address): judged line by line, each is a short fragment, so the paragraph is judged
/// as a whole and its short lines take its class.
fn judge_broken_paragraphs(
    classes: &mut [Class],
    blocks: &[RawBlock],
    stopwords: Option<&WordSet>,
    cjk: bool,
) {
    let no_repeats = LineCounts::default();
    let mut i = 0;
    while i < blocks.len() {
        let start = i;
        while i + 1 < blocks.len() && blocks[i].continues {
            i += 1;
        }
        let end = i + 1;
        i += 1;
        if end - start < 3 {
            continue;
        }
        let members = start..end;
        let texts: Vec<&RawBlock> = blocks[members.clone()]
            .iter()
            .filter(|b| b.kind == LineKind::Text && !b.text.is_empty())
            .collect();
        if texts.len() < 3 || classes[members.clone()].contains(&Class::Good) {
            continue;
        }
        let mut whole = RawBlock {
            kind: LineKind::Text,
            line: String::new(),
            text: String::new(),
            chars: 0,
            visible: 0,
            link_chars: 0,
            links: 0,
            emphasis_chars: 0,
            images: Vec::new(),
            continues: false,
            code: false,
        };
        for b in &texts {
            if !whole.text.is_empty() {
                whole.text.push(' ');
                whole.chars += 1;
            }
            whole.text.push_str(&b.text);
            whole.chars += b.chars;
            whole.visible += b.visible;
            whole.link_chars += b.link_chars;
            whole.links += b.links;
            whole.emphasis_chars += b.emphasis_chars;
        }
        let class = classify(&whole, stopwords, cjk, &no_repeats);
        if matches!(class, Class::Good | Class::NearGood) {
            for c in &mut classes[members] {
                if matches!(*c, Class::Short | Class::NearGood) {
                    *c = class;
                }
            }
        }
    }
}

/// A short text with none of the page's prose signals still deserves a chance when nothing in the
/// input looks like long prose (a two-line article, a short notice).
fn promote_if_no_prose(classes: &mut [Class], blocks: &[RawBlock]) {
    if classes.contains(&Class::Good) {
        return;
    }
    let mut promoted = false;
    for c in classes.iter_mut() {
        if *c == Class::NearGood {
            *c = Class::Good;
            promoted = true;
        }
    }
    if promoted {
        return;
    }
    for (c, b) in classes.iter_mut().zip(blocks) {
        if *c == Class::Short && b.text.split_whitespace().count() >= 2 {
            *c = Class::Good;
        }
    }
}

/// Short headings right before prose are part of the article (jusText's heading rule).
fn settle_headings(classes: &mut [Class], blocks: &[RawBlock]) {
    for i in 0..classes.len() {
        let heading_like = match blocks[i].kind {
            LineKind::Heading(_) => true,
            LineKind::Text => {
                let t = blocks[i].text.trim_end();
                blocks[i].chars <= 120 && (t.ends_with('?') || !ends_like_sentence(t))
            }
            _ => false,
        };
        if !heading_like || classes[i] != Class::Short {
            continue;
        }
        let mut distance = 0;
        for j in i + 1..classes.len() {
            if classes[j] == Class::Good {
                classes[i] = Class::NearGood;
                break;
            }
            distance += blocks[j].chars;
            if distance > LENGTH_HIGH {
                break;
            }
        }
    }
}

/// A run of several near-good paragraphs (with only short lines between them) is prose even
/// when no single paragraph is long: many sites write in short paragraphs.
fn promote_prose_runs(classes: &mut [Class], blocks: &[RawBlock]) {
    let mut i = 0;
    while i < classes.len() {
        let in_run = |j: usize| {
            matches!(classes[j], Class::NearGood | Class::Short | Class::Neutral)
                && blocks[j].kind != LineKind::Image
        };
        if !in_run(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < classes.len() && in_run(i) {
            i += 1;
        }
        let (count, chars) = (start..i)
            .filter(|&j| classes[j] == Class::NearGood)
            .fold((0, 0), |(n, c), j| (n + 1, c + blocks[j].chars));
        if count >= 2 && chars >= 2 * LENGTH_HIGH {
            for c in &mut classes[start..i] {
                if *c == Class::NearGood {
                    *c = Class::Good;
                }
            }
        }
    }
}

/// A list without links right after a paragraph of the article, and the short label that may
/// stand between them ("Qualified teams").
struct TrailingList {
    /// The paragraph the list follows.
    anchor: usize,
    /// The label and the items, which join the article when the anchor is in it.
    members: Vec<usize>,
    /// The last block of the list.
    end: usize,
}

/// Lists without links that follow prose: jusText's context rule would drop them whenever page
/// furniture comes next, and the densest run stops before them, yet they are the article's own
/// ("What's new:", a table of results written as a list). They join the article after the fact,
/// so they never pull in what comes after them. A list that follows another such list (under its
/// own heading, past pictures and credits) joins with it: a checklist in sections. An item the
/// markers remove inside a list stays removed without ending the list.
fn lists_after_prose(
    classes: &[Class],
    blocks: &[RawBlock],
    stopwords: Option<&WordSet>,
) -> Vec<TrailingList> {
    let plain_item = |j: usize| {
        blocks[j].kind == LineKind::ListItem
            && blocks[j].links == 0
            && matches!(classes[j], Class::Short | Class::NearGood | Class::Good)
    };
    let mut lists = Vec::new();
    let mut i = 0;
    while i < classes.len() {
        if !plain_item(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut items = 0;
        // An item the markers remove ("Subscribe to our podcast!") between two plain items.
        let marked_item = |j: usize| {
            blocks[j].kind == LineKind::ListItem
                && blocks[j].links == 0
                && matches!(classes[j], Class::Bad(_))
                && j + 1 < classes.len()
                && plain_item(j + 1)
        };
        while i < classes.len()
            && (plain_item(i)
                || marked_item(i)
                || classes[i] == Class::Neutral && blocks[i].kind == LineKind::Image)
        {
            items += usize::from(blocks[i].kind == LineKind::ListItem);
            i += 1;
        }
        if items < 2 {
            continue;
        }
        let mut distance = 0;
        for j in (0..start).rev() {
            // A list after another of the article's lists (a checklist in sections, each under
            // its heading) continues the article from the same paragraph.
            // Its items must read as phrases (stop words at a near-good paragraph's share): a
            // footer's menus under their headings ("Resources", "Categories") are names.
            if blocks[j].kind == LineKind::ListItem {
                let previous = lists
                    .iter()
                    .rev()
                    .find(|l: &&TrailingList| l.anchor < j && j <= l.end);
                if let Some(anchor) = previous
                    .map(|l| l.anchor)
                    .filter(|_| items_are_phrases(&blocks[start..i], stopwords))
                {
                    lists.push(TrailingList {
                        anchor,
                        members: (j + 1..i)
                            .filter(|&k| matches!(classes[k], Class::Short | Class::NearGood))
                            .collect(),
                        end: i - 1,
                    });
                }
                break;
            }
            match classes[j] {
                Class::Good | Class::NearGood => {
                    lists.push(TrailingList {
                        anchor: j,
                        members: (j + 1..i)
                            .filter(|&k| matches!(classes[k], Class::Short | Class::NearGood))
                            .collect(),
                        end: i - 1,
                    });
                    break;
                }
                // Nor does a photo credit under a picture ("Source: statista.com").
                Class::Bad("credit") => {}
                Class::Short | Class::Neutral => {
                    distance += blocks[j].chars;
                    if distance > LENGTH_HIGH {
                        break;
                    }
                }
                _ => break,
            }
        }
    }
    lists
}

/// Whether a list's items, taken together, hold stop words at least at near-good prose's share.
/// `false` without a stop-word list for the language.
fn items_are_phrases(blocks: &[RawBlock], stopwords: Option<&WordSet>) -> bool {
    let Some(list) = stopwords else {
        return false;
    };
    let (words, stops) =
        blocks
            .iter()
            .filter(|b| b.kind == LineKind::ListItem)
            .fold((0, 0), |(w, s), b| {
                let (t, n) = stopword_count(&b.text, list);
                (w + t, s + n)
            });
    words > 0 && stops as f32 >= STOPWORDS_LOW * words as f32
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Good,
    NearGood,
    Bad,
}

fn neighbour(classes: &[Class], from: usize, forward: bool, ignore_near: bool) -> Side {
    let mut i = from;
    loop {
        if forward {
            i += 1;
            if i >= classes.len() {
                return Side::Bad;
            }
        } else {
            if i == 0 {
                return Side::Bad;
            }
            i -= 1;
        }
        match classes[i] {
            Class::Good => return Side::Good,
            // An inline "Also read: …" line interrupts an article without ending it.
            Class::Bad("related_marker") => {}
            // Nor does a photo credit under a picture ("Source: statista.com"), for the lines
            // after it (a caption before it stays with the picture).
            Class::Bad("credit") if !forward => {}
            // Nor does a time stamp under a video or photo inside the prose, for the lines after it.
            Class::Bad("dateline")
                if !forward
                    && classes[..i]
                        .iter()
                        .rev()
                        .find(|c| **c != Class::Neutral)
                        .is_some_and(|c| matches!(c, Class::Good | Class::NearGood)) => {}
            Class::Bad(_) => return Side::Bad,
            Class::NearGood if !ignore_near => return Side::NearGood,
            _ => {}
        }
    }
}

/// jusText's context rules: short and near-good blocks take the class of their surroundings.
fn settle_by_context(classes: &mut [Class]) {
    let snapshot = classes.to_vec();
    for i in 0..classes.len() {
        if snapshot[i] != Class::Short {
            continue;
        }
        let prev = neighbour(&snapshot, i, false, true);
        let next = neighbour(&snapshot, i, true, true);
        classes[i] = match (prev, next) {
            (Side::Good, Side::Good) => Class::Good,
            (Side::Bad, Side::Bad) => Class::Bad("short_fragment"),
            _ => {
                let near_prev =
                    prev == Side::Bad && neighbour(&snapshot, i, false, false) == Side::NearGood;
                let near_next =
                    next == Side::Bad && neighbour(&snapshot, i, true, false) == Side::NearGood;
                if near_prev || near_next {
                    Class::Good
                } else {
                    Class::Bad("short_fragment")
                }
            }
        };
    }
    let snapshot = classes.to_vec();
    for i in 0..classes.len() {
        if snapshot[i] != Class::NearGood {
            continue;
        }
        let prev = neighbour(&snapshot, i, false, true);
        let next = neighbour(&snapshot, i, true, true);
        classes[i] = if prev == Side::Bad && next == Side::Bad {
            Class::Bad("low_prose")
        } else {
            Class::Good
        };
    }
}

/// The run of blocks with the most prose in it, bad blocks counting against: the article.
fn densest_prose_run(classes: &[Class], blocks: &[RawBlock]) -> Option<(usize, usize)> {
    let mut best: Option<(i64, usize, usize)> = None;
    let mut sum: i64 = 0;
    let mut start = 0;
    for (i, (c, b)) in classes.iter().zip(blocks).enumerate() {
        let w = match c {
            Class::Good => b.chars as i64,
            Class::Bad(_) => -(b.chars.max(25) as i64),
            _ => 0,
        };
        if sum <= 0 && w > 0 {
            sum = 0;
            start = i;
        }
        sum += w;
        if w > 0 && best.is_none_or(|(s, _, _)| sum > s) {
            best = Some((sum, start, i));
        }
    }
    let (_, s, e) = best?;
    // Widen over the neutral blocks (images) that touch the run.
    let mut s2 = s;
    while s2 > 0 && classes[s2 - 1] == Class::Neutral {
        s2 -= 1;
    }
    let mut e2 = e;
    while e2 + 1 < classes.len() && classes[e2 + 1] == Class::Neutral {
        e2 += 1;
    }
    Some((s2, e2))
}

/// Once a "related" or "trending" marker starts a run near the end, nothing after it is article.
fn cut_tail(verdicts: &mut [Verdict], classes: &[Class], blocks: &[RawBlock], protected: &[usize]) {
    let last_protected = protected.iter().copied().max();
    let kept_chars: Vec<usize> = verdicts
        .iter()
        .zip(blocks)
        .map(|(v, b)| if *v == Verdict::Keep { b.chars } else { 0 })
        .collect();
    let total: usize = kept_chars.iter().sum();
    let mut before = 0usize;
    for i in 0..verdicts.len() {
        before += kept_chars[i];
        let Class::Bad(reason) = classes[i] else {
            continue;
        };
        if !matches!(reason, "related_marker" | "trending_marker") || Some(i) <= last_protected {
            continue;
        }
        let after = total - before;
        if before > 0 && (after as f32) < TAIL_SHARE * before as f32 {
            for v in verdicts.iter_mut().skip(i + 1) {
                if *v == Verdict::Keep {
                    *v = Verdict::Remove("after_related_marker");
                }
            }
            return;
        }
    }
}

/// Fewest words a line needs to be kept as the article when nothing else is left.
const FALLBACK_MIN_WORDS: usize = 8;

/// A line that reads as a sentence of some length: a paragraph, whatever its place.
pub fn is_prose_line(text: &str) -> bool {
    ends_like_sentence(text)
        && text.split_whitespace().count() >= FALLBACK_MIN_WORDS
        && marker_reason(text).is_none()
}

/// When the rules leave no article, the text's own prose is the best candidate: every line
/// removed only for where it stands (outside the densest run, between page furniture, after a
/// related marker) that reads as a sentence of some length and is not mostly links. `None` when
/// the text holds no such line (a refusal is then right).
pub fn fallback_prose(blocks: &[RawBlock], verdicts: &[Verdict]) -> Option<Vec<Verdict>> {
    let positional = |reason: &str| {
        matches!(
            reason,
            "outside_main_text" | "short_fragment" | "low_prose" | "after_related_marker"
        )
    };
    let mut out = verdicts.to_vec();
    let mut found = false;
    for (v, b) in out.iter_mut().zip(blocks) {
        let Verdict::Remove(reason) = *v else {
            continue;
        };
        let prose = matches!(
            b.kind,
            LineKind::Text | LineKind::Quote | LineKind::ListItem
        ) && b.link_density() <= MAX_LINK_DENSITY
            && is_prose_line(&b.text);
        if positional(reason) && prose {
            *v = Verdict::Keep;
            found = true;
        }
    }
    found.then_some(out)
}

/// `char::is_alphabetic`, answered without the table search for ASCII and for the Devanagari
/// letters U+0904..=U+0939 (all alphabetic), which open most lines.
fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        ('\u{0904}'..='\u{0939}').contains(&c) || c.is_alphabetic()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts of the blocks a verdict keeps, in order.
    fn kept_texts<'a>(blocks: &'a [RawBlock], verdicts: &[Verdict]) -> Vec<&'a str> {
        blocks
            .iter()
            .zip(verdicts)
            .filter(|(_, v)| **v == Verdict::Keep)
            .map(|(b, _)| b.text.as_str())
            .collect()
    }

    #[test]
    fn alphabetic_fast_path_agrees_with_the_library() {
        for c in ('\u{0}'..='\u{3000}').chain(['😀', 'Ａ']) {
            assert_eq!(
                is_alphabetic(c),
                c.is_alphabetic(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn the_markers_are_searched_by_a_small_dfa() {
        let markers = MARKERS.as_ref().expect("the marker automaton builds");
        assert_eq!(markers.automaton.kind(), AhoCorasickKind::DFA);
        let bytes = markers.automaton.memory_usage();
        assert!(bytes < 4 << 20, "{bytes} bytes");
    }

    #[test]
    fn markers_in_many_languages() {
        assert_eq!(marker_reason("ये भी पढ़ें:"), Some("related_marker"));
        // ढ़ written as one character (U+095D), as the author may.
        assert_eq!(marker_reason("ये भी प\u{095D}ें:"), Some("related_marker"));
        assert_eq!(marker_reason("ट्रेंडिंग न्यूज"), Some("trending_marker"));
        assert_eq!(
            marker_reason("Also read: Markets rally"),
            Some("related_marker")
        );
        assert_eq!(marker_reason("আরও পড়ুন"), Some("related_marker"));
        assert_eq!(marker_reason("Shareholders said so."), None);
        assert_eq!(marker_reason("© 2023 ABP Network"), Some("copyright"));
    }

    #[test]
    fn repeated_sub_headings_of_a_ranking_are_its_structure() {
        let text = "# Best online schools\n\n\
            We compared dozens of programs by cost, flexibility and the support they give to \
            working students, and these are the ones that stood out for us this year.\n\n\
            ### Why We Chose This School\n\n\
            * Complete a certificate in as few as four months.\n\
            * Tutoring and career advice are open to every student.\n\n\
            ### Why We Chose This School\n\n\
            * Some certificates can lead to a licence in the state.\n\
            * Classes follow your own schedule, with no set meeting times.\n";
        let blocks = crate::normalize::blocks::split_blocks(text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        for (b, v) in blocks.iter().zip(&verdicts) {
            if b.text == "Why We Chose This School" {
                assert_ne!(*v, Verdict::Remove("repeated"), "{verdicts:?}");
            }
        }
        // A repeated menu entry written as a list item is still a menu.
        let menu = "* Why We Chose This School\n\nA paragraph.\n\n* Why We Chose This School\n";
        let blocks = crate::normalize::blocks::split_blocks(menu);
        let verdicts = strip_boilerplate(&blocks, "en", &[]);
        assert_eq!(verdicts[0], Verdict::Remove("repeated"));
    }

    #[test]
    fn a_page_laid_out_twice_keeps_its_short_lines() {
        let story =
            "The council voted on Tuesday to close the old bridge to cars for a year while \
            engineers replace the deck, a job that has been put off since the last inspection in \
            spring found rust in the beams that carry the road over the river.\n\n\
            * Buses will run every ten minutes.\n\n\
            Traders on both banks said they feared losing customers during the works, and asked \
            the council to pay for signs that point drivers to the car parks that stay open \
            while the bridge is shut for the whole of next year.\n\n";
        // The desktop and the phone layout of one page: every line twice.
        let page = format!("# Bridge to close\n\n{story}{story}");
        let blocks = crate::normalize::blocks::split_blocks(&page);
        assert_eq!(page_copies(&blocks), 2);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let item = blocks
            .iter()
            .position(|b| b.text == "Buses will run every ten minutes.")
            .expect("the list item");
        assert_eq!(verdicts[item], Verdict::Keep, "{verdicts:?}");
        // Laid out once, a line shown twice is a menu.
        let once =
            format!("# Bridge to close\n\n* Council meetings\n\n{story}* Council meetings\n");
        let blocks = crate::normalize::blocks::split_blocks(&once);
        assert_eq!(page_copies(&blocks), 1);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        assert_eq!(verdicts[1], Verdict::Remove("repeated"));
    }

    #[test]
    fn a_picture_credit_does_not_end_the_article() {
        let text = "# Markets\n\n\
            Shares rose across Asia on Monday as traders bet that the central bank would hold \
            rates steady at its meeting next week, and the yen weakened against the dollar after \
            a report showed that prices in the capital rose less than expected in November.\n\n\
            ![Traders at work](https://example.com/photo.jpg)\n\n\
            Source: Reuters Pictures\n\n\
            The index closed higher.\n\n\
            Bond yields fell for a third day, with the ten-year note at its lowest level since \
            March, as investors moved money out of stocks in the banking and property sectors \
            and into the safety of government debt before the holiday weekend in the United States.\n\n\
            ![Chart](https://example.com/chart.png)\n\n\
            Source: company reports\n\n\
            * Exports grew by four per cent\n\
            * Imports fell by two per cent\n";
        let blocks = crate::normalize::blocks::split_blocks(text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let verdict = |t: &str| {
            let i = blocks.iter().position(|b| b.text == t).expect("the line");
            verdicts[i].clone()
        };
        assert_eq!(
            verdict("Source: Reuters Pictures"),
            Verdict::Remove("credit")
        );
        assert_eq!(verdict("The index closed higher."), Verdict::Keep);
        assert_eq!(verdict("Exports grew by four per cent"), Verdict::Keep);
        assert_eq!(verdict("Imports fell by two per cent"), Verdict::Keep);
    }

    #[test]
    fn a_checklist_in_sections_is_kept_whole() {
        let text = "# Planning a wedding\n\n\
            Planning your wedding can be stressful, so we made a list of what to do and when, \
            and you can work through it at your own pace with the help of your partner and your \
            family, whatever the size of the day you have in mind.\n\n\
            ### A year before\n\n\
            * Book the venue for the day and the ceremony\n\
            * Draw up a budget with your partner\n\
            * Subscribe to our newsletter\n\
            * Start the guest list for the reception\n\n\
            ![A venue](https://example.com/venue.jpg)\n\n\
            Image by a photographer\n\n\
            ### Six months before\n\n\
            * Order the cake from a baker you trust\n\
            * Send the invitations to all of your guests\n\n\
            ### Resources\n\n\
            * News Center\n\
            * Campus Calendar\n\
            * Special Events\n";
        let blocks = crate::normalize::blocks::split_blocks(text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let kept = kept_texts(&blocks, &verdicts);
        for line in [
            "Start the guest list for the reception",
            "Six months before",
            "Order the cake from a baker you trust",
            "Send the invitations to all of your guests",
        ] {
            assert!(kept.contains(&line), "{line} kept: {kept:?}");
        }
        // The marker item stays removed; a list of names under the next heading is a menu.
        for line in [
            "Subscribe to our newsletter",
            "News Center",
            "Special Events",
        ] {
            assert!(!kept.contains(&line), "{line} removed: {kept:?}");
        }
    }

    #[test]
    fn list_items_are_phrases_by_their_stop_words() {
        let blocks = crate::normalize::blocks::split_blocks(
            "* Order the cake from a baker\n* Send the invitations\n",
        );
        let en = stopwords_for("en");
        assert!(items_are_phrases(&blocks, en));
        let menu = crate::normalize::blocks::split_blocks("* News Center\n* Campus Calendar\n");
        assert!(!items_are_phrases(&menu, en));
        assert!(!items_are_phrases(&blocks, None));
    }

    #[test]
    fn code_listings_inside_the_article_are_kept() {
        let text = "# Logging requests\n\n\
            The client can write every request it sends to the log, which helps when a server \
            answers in ways the documentation does not describe and you need to see the bytes.\n\n\
            \x20   # turn it on\n\
            \x20   client.log = true\n\n\
            With the setting on, each request appears in the log with its headers and its body, \
            and secrets such as tokens are replaced by stars before anything is written out.\n";
        let (clean, shapes) = crate::normalize::hygiene::clean_text_with_breaks(text);
        let blocks = crate::normalize::blocks::split_blocks_with_breaks(&clean, &shapes);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let kept = kept_texts(&blocks, &verdicts);
        assert!(kept.contains(&"# turn it on"), "{kept:?}");
        assert!(kept.contains(&"client.log = true"), "{kept:?}");
    }

    #[test]
    fn fallback_keeps_prose_removed_for_its_place_only() {
        let text = "Weather desk\n\n\
            The storm will reach the coast on Friday night, forecasters said.\n\n\
            Share this article on social media\n\n\
            Read more: flood warnings for the county are kept up to date.\n\n\
            Menu";
        let blocks = crate::normalize::blocks::split_blocks(text);
        let verdicts: Vec<Verdict> = blocks
            .iter()
            .map(|b| match marker_reason(&b.text) {
                Some(reason) => Verdict::Remove(reason),
                None => Verdict::Remove("outside_main_text"),
            })
            .collect();
        let kept = fallback_prose(&blocks, &verdicts).expect("a prose line is there");
        let kept = kept_texts(&blocks, &kept);
        assert_eq!(
            kept,
            ["The storm will reach the coast on Friday night, forecasters said."]
        );
        // Nothing that reads as a sentence: no candidate, the refusal stands.
        let blocks = crate::normalize::blocks::split_blocks("Menu\n\nHome\n\nContact us");
        let verdicts = vec![Verdict::Remove("outside_main_text"); blocks.len()];
        assert_eq!(fallback_prose(&blocks, &verdicts), None);
    }

    #[test]
    fn promo_images() {
        assert!(is_promo_image(
            "https://cdn.abplive.com/imagebank/metaverse-mid.png",
            "ABP Premium"
        ));
        assert!(!is_promo_image(
            "https://x.com/2023/09/15/photo_original.jpg",
            "Putin"
        ));
    }

    /// A story of three paragraphs under its title, for the tests of what follows a story.
    const BRIDGE_STORY: &str = "# The bridge will close\n\n\
            The council voted on Tuesday to close the old bridge to cars for a year while \
            engineers replace the deck, a job that has been put off since the last inspection in \
            spring found rust in the beams that carry the road over the river.\n\n\
            Traders on both banks said they feared losing customers during the works, and asked \
            the council to pay for signs that point drivers to the car parks that stay open \
            while the bridge is shut for the whole of next year.\n\n\
            Buses will run every ten minutes from both ends of the bridge, the council said, and \
            a ferry will carry cyclists and people on foot across the river at rush hour.\n\n";

    /// A story, then three reader comments, each a name, a time stamp, the comment and a
    /// "Reply" link.
    fn story_with_comments(stamp: &str) -> String {
        let mut text = format!("{BRIDGE_STORY}3 Comments\n\n");
        for (name, comment) in [
            ("Anna", "Finally! That bridge has been falling apart for years and nobody did anything about it."),
            ("Bob", "What about the people who cannot walk to the ferry? The buses are always late."),
            ("Carla", "I run a shop on the north bank and this is going to hurt us badly next year."),
        ] {
            text.push_str(&format!("{name}\n\n{stamp}\n\n{comment}\n\nReply\n\n"));
        }
        text
    }

    #[test]
    fn a_comment_thread_under_the_story_is_removed() {
        let text = story_with_comments("December 19, 2025 at 3:54 pm");
        let blocks = crate::normalize::blocks::split_blocks(&text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let kept = kept_texts(&blocks, &verdicts);
        assert!(
            kept.iter().any(|t| t.starts_with("Buses will run")),
            "{kept:?}"
        );
        assert!(!kept.iter().any(|t| t.starts_with("Finally!")), "{kept:?}");
        assert!(
            !kept.iter().any(|t| t.starts_with("I run a shop")),
            "{kept:?}"
        );
        // A repeated relative time stamps the entries as well.
        let text = story_with_comments("1 year ago");
        let blocks = crate::normalize::blocks::split_blocks(&text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let kept = kept_texts(&blocks, &verdicts);
        assert!(
            !kept.iter().any(|t| t.starts_with("What about")),
            "{kept:?}"
        );
    }

    #[test]
    fn dated_entries_that_the_page_goes_on_after_are_kept() {
        // A listing of dated notes with more prose after it is not a thread.
        let mut text = story_with_comments("December 19, 2025 at 3:54 pm");
        text.push_str(
            "## What happens next\n\n\
            The works start in March, and the council will publish a timetable for the buses and \
            the ferry a month before, with the routes that drivers should take instead.\n\n\
            Engineers expect the new deck to last for fifty years, and the council hopes to open \
            the bridge to cars again before the end of next year if the weather allows the work.\n\n\
            The traders' association will meet the council again in January to talk about the \
            signs and the car parks, and about help for the shops that lose the most trade.\n",
        );
        let blocks = crate::normalize::blocks::split_blocks(&text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        for (b, v) in blocks.iter().zip(&verdicts) {
            assert_ne!(*v, Verdict::Remove("comment_thread"), "{}", b.text);
        }
        // A date without a time of day is a listing's date, not a comment's stamp.
        let text = story_with_comments("December 19, 2025");
        let blocks = crate::normalize::blocks::split_blocks(&text);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        assert!(!verdicts.contains(&Verdict::Remove("comment_thread")));
    }

    #[test]
    fn the_authors_box_under_the_story_is_removed() {
        let story = BRIDGE_STORY;
        let page = format!(
            "{story}![Author Jane Roe](https://example.com/jane.jpg)\n\nJane Roe\n\n\
            Jane Roe covers the city council and transport for the paper, and has lived by the \
            river for twenty years.\n"
        );
        let blocks = crate::normalize::blocks::split_blocks(&page);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        let kept = kept_texts(&blocks, &verdicts);
        assert!(
            kept.iter().any(|t| t.starts_with("Buses will run")),
            "{kept:?}"
        );
        assert!(
            !kept.iter().any(|t| t.starts_with("Jane Roe covers")),
            "{kept:?}"
        );
        // The same picture and caption with the story going on after it: a picture of the story.
        let page = format!(
            "{story}![Author Jane Roe](https://example.com/jane.jpg)\n\nJane Roe\n\n{0}{0}",
            &story[story.find("The council").unwrap_or(0)..]
        );
        let blocks = crate::normalize::blocks::split_blocks(&page);
        let verdicts = strip_boilerplate(&blocks, "en", &[0]);
        assert!(
            !verdicts.contains(&Verdict::Remove("author_box")),
            "{verdicts:?}"
        );
    }
}
