//! Boilerplate removal: which lines are the article and which are leftovers of the page.
//!
//! Works the way jusText does on HTML, with the signals plain text still has: marker phrases in many
//! languages (`data/boilerplate_markers.tsv`), the share of text inside markdown links, stop-word
//! density, length, repetition, and then context (short lines take the class of their
//! neighbours), the densest run of prose (the article), and a tail cut once a "related / trending"
//! run starts near the end.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::blocks::{LineKind, RawBlock};
use super::hygiene::is_word_part;
use super::stopwords::{stopword_count, stopwords_for};

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
const STOPWORDS_LOW: f32 = 0.22;
const STOPWORDS_HIGH: f32 = 0.30;
/// Blocks with more of their text inside links than this are link lists.
const MAX_LINK_DENSITY: f32 = 0.35;
/// A tail marker cuts the rest when less prose than this share of what came before follows it.
const TAIL_SHARE: f32 = 0.35;

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
            _ => MatchMode::Contains,
        };
        patterns.push(pattern.trim().to_lowercase());
        markers.push(Marker {
            reason: intern_reason(reason.trim()),
            mode,
        });
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
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
    let lower = text.to_lowercase();
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
            MatchMode::Prefix => m.start() == 0 && norm_chars <= 120,
            MatchMode::Contains => norm_chars <= 200,
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
    let url = url.to_lowercase();
    let alt = alt.to_lowercase();
    url_cues.iter().any(|c| url.contains(c))
        || alt_cues.iter().any(|c| alt.contains(c))
        || url.ends_with(".gif")
        || url.ends_with(".svg")
}

/// Decide, for every block, whether it is part of the article. `protected` blocks (the title
/// line) are kept whatever they look like.
pub fn strip_boilerplate(
    blocks: &[RawBlock],
    language: &str,
    protected: Option<usize>,
) -> Vec<Verdict> {
    let stopwords = stopwords_for(language);
    let cjk = matches!(language, "zh" | "ja" | "ko" | "th");
    let repeats = repeated_lines(blocks);
    let mut classes: Vec<Class> = blocks
        .iter()
        .map(|b| classify(b, stopwords, cjk, &repeats))
        .collect();
    if let Some(p) = protected {
        if let Some(c) = classes.get_mut(p) {
            *c = Class::Neutral;
        }
    }
    promote_if_no_prose(&mut classes, blocks);
    settle_headings(&mut classes, blocks);
    settle_by_context(&mut classes);

    let region = densest_prose_run(&classes, blocks);
    let mut verdicts: Vec<Verdict> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let inside = region.is_some_and(|(s, e)| i >= s && i <= e);
            match *c {
                Class::Bad(reason) => Verdict::Remove(reason),
                _ if Some(i) == protected => Verdict::Keep,
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
    stopwords: Option<&std::collections::HashSet<&str>>,
    cjk: bool,
    repeats: &HashMap<&str, usize>,
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
    if block.text.is_empty() {
        return Class::Bad("markup_only");
    }
    if !block.text.chars().any(char::is_alphabetic) {
        return Class::Bad("no_words");
    }
    if let Some(reason) = marker_reason(&block.text) {
        return Class::Bad(reason);
    }
    let link_density = block.link_density();
    if link_density > MAX_LINK_DENSITY {
        return Class::Bad("link_list");
    }
    if block.chars < 120 && repeats.get(block.text.as_str()).copied().unwrap_or(0) > 1 {
        return Class::Bad("repeated");
    }
    let weight = if cjk { block.chars * 3 } else { block.chars };
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

/// Counts of short lines that occur more than once (menus repeated at top and bottom).
fn repeated_lines(blocks: &[RawBlock]) -> HashMap<&str, usize> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for b in blocks {
        if b.chars < 120 && !b.text.is_empty() {
            *counts.entry(b.text.as_str()).or_default() += 1;
        }
    }
    counts
}

/// Ends with sentence punctuation of any script (closing quotes and brackets looked through).
pub fn ends_like_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', '”', '’', ')', '»', ']', ' ']);
    trimmed.ends_with([
        '.', '!', '?', '।', '॥', '。', '！', '？', '؟', '۔', '…', ':', ';',
    ])
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
        if !matches!(blocks[i].kind, LineKind::Heading(_)) || classes[i] != Class::Short {
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
fn cut_tail(
    verdicts: &mut [Verdict],
    classes: &[Class],
    blocks: &[RawBlock],
    protected: Option<usize>,
) {
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
        if !matches!(reason, "related_marker" | "trending_marker") || Some(i) <= protected {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_in_many_languages() {
        assert_eq!(marker_reason("ये भी पढ़ें:"), Some("related_marker"));
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
}
