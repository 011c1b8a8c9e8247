//! A learned tagger for Hindi names, run after the dictionary, the gazetteer and the rules: it
//! claims only words none of them took ("rules and gazetteer keep the precision; the tagger
//! brings the recall"), and leaves a span of only words of names they found to linking (a
//! short form, joined to its name or left alone when ambiguous).
//!
//! The model (`data/tagger/hindi.bin`, written by `tools/train_hindi_tagger.py` from the fitting
//! part of the HiNER dev half, CC BY-SA 4.0; see `data/tagger/README.md`) is a greedy averaged
//! perceptron over BIO tags for persons, places and organizations. Words and affixes are hashed
//! with 32-bit FNV-1a and every feature keyed exactly as the script keys it; a word of the Hindi
//! common-word filter is always outside a name. A span is kept when the mean margin of its words
//! (best tag against the second best) reaches the script's cut for its group: a span with a
//! word mostly seen inside names in training; a span none of whose words was read in training
//! (a village, a foreign name) and not all words of general Hindi text, with a cut for each
//! type; the rest, spans of words read there mostly outside names ("राज्य सरकार") or of only
//! words of general text new to training ("संक्रमित मरीज"), which the script's default leaves
//! out.
//!
//! Linear in the text: each sentence is tagged once, left to right, in pieces of at most
//! [`MAX_SENTENCE`] words; one table look-up per feature.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;

use super::fold::fold_char;
use super::lexicon::FastSet;
use super::text::{Script, Segment};
use super::{Mention, Origin};
use crate::normalize::article::EntityType;

const MODEL: &[u8] = include_bytes!("../../../data/tagger/hindi.bin");
const MAGIC: &[u8] = b"NDHTAG01";

/// Words tagged in one piece; a longer run without a sentence break is cut.
pub(super) const MAX_SENTENCE: usize = 200;

/// Tags: O, then B- and I- of persons, places and organizations.
const NT: usize = 7;

/// Word classes (bits of the model's class table); see the training script.
mod class {
    pub const COMMON: u16 = 32;
    pub const SEEN_IN_NAME: u16 = 2048;
    pub const SEEN_OUTSIDE: u16 = 4096;
    /// A word of general Hindi text (`data/tagger/hindi_general_words.tsv`).
    pub const GENERAL: u16 = 8192;
    /// Bits that say how a word stood in the training documents or in general text: not
    /// features.
    pub const NOT_FEATURES: u16 = SEEN_IN_NAME | SEEN_OUTSIDE | GENERAL;
}

// Feature templates, as numbered by the training script.
const T_BIAS: u8 = 1;
const T_W: u8 = 2;
const T_P1: u8 = 3;
const T_S1: u8 = 6;
const T_PW: u8 = 10;
const T_NW: u8 = 11;
const T_PW2: u8 = 12;
const T_NW2: u8 = 13;
const T_PS2: u8 = 14;
const T_PS3: u8 = 15;
const T_NS2: u8 = 16;
const T_NS3: u8 = 17;
const T_CW: u8 = 18;
const T_CPW: u8 = 19;
const T_CNW: u8 = 20;
const T_CPW2: u8 = 21;
const T_CNW2: u8 = 22;
const T_SHAPE: u8 = 23;
const T_PT: u8 = 24;
const T_PT2: u8 = 25;
const T_PTW: u8 = 26;
const T_BREAK: u8 = 27;
const T_WNW: u8 = 28;
const T_PWW: u8 = 29;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the tagger on or off for the whole process: for measuring what it adds
/// (`examples/ner_eval.rs --no-tagger`); the server never calls it.
#[doc(hidden)]
pub fn set_hindi_tagger(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

pub(super) fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

#[inline]
fn fnv_bytes(mut h: u32, data: &[u8]) -> u32 {
    for &b in data {
        h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
    }
    h
}

fn fnv1a(data: &[u8]) -> u32 {
    fnv_bytes(FNV_OFFSET, data)
}

/// A feature's key: the template byte through one FNV-1a step, then each value mixed in with a
/// multiply and a shift (the training script's `feat`); never 0.
#[inline]
fn feat(template: u8, values: &[u32]) -> u32 {
    let mut h = (FNV_OFFSET ^ u32::from(template)).wrapping_mul(FNV_PRIME);
    for &v in values {
        h = (h ^ v).wrapping_mul(0x9E37_79B1);
        h ^= h >> 16;
    }
    h.max(1)
}

/// An open-addressing table keyed by a (non-zero) hash, about two thirds full. The keys are
/// kept apart from the values, so that probing past other keys reads only the keys' array, a
/// fifth of the size of keys and rows together (on the Hindi seed, an article the model has
/// not seen, 72 % of the decoding's look-ups find their key, after 1.8 probes on average).
struct Table<V> {
    keys: Vec<u32>,
    values: Vec<V>,
    shift: u32,
}

impl<V: Copy + Default> Table<V> {
    fn new(entries: Vec<(u32, V)>) -> Table<V> {
        let bits = (entries.len() * 3 / 2)
            .max(2)
            .next_power_of_two()
            .trailing_zeros();
        let size = 1usize << bits;
        let mut table = Table {
            keys: vec![0; size],
            values: vec![V::default(); size],
            shift: 32 - bits,
        };
        for (k, v) in entries {
            if k == 0 {
                continue;
            }
            let mut i = table.slot(k);
            while table.keys[i] != 0 && table.keys[i] != k {
                i = (i + 1) & (size - 1);
            }
            table.keys[i] = k;
            table.values[i] = v;
        }
        table
    }

    #[inline]
    fn slot(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    #[inline]
    fn get(&self, key: u32) -> Option<&V> {
        let mask = self.keys.len() - 1;
        let mut i = self.slot(key);
        loop {
            match self.keys.get(i)? {
                0 => return None,
                k if *k == key => return self.values.get(i),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// A feature's weights, one lane a tag, padded to eight lanes so that adding a row is one
/// vector addition.
type Row = [i16; 8];

/// A word's scores, one lane a tag (the eighth is padding and stays 0).
type Scores = [i32; 8];

#[inline]
fn add_row(scores: &mut Scores, row: &Row) {
    for (s, &r) in scores.iter_mut().zip(row) {
        *s += i32::from(r);
    }
}

#[inline]
fn add_scores(scores: &mut Scores, other: &Scores) {
    for (s, &o) in scores.iter_mut().zip(other) {
        *s += o;
    }
}

struct Model {
    scale: i64,
    /// Cuts on a span's mean margin, in hundredths: with a word seen in a name; of words none
    /// of which was read in training, one a type (persons, places, organizations); the rest.
    cut_seen: i64,
    cut_unread: [i64; 3],
    cut_outside: i64,
    classes: Table<u16>,
    weights: Table<Row>,
    /// The rows of the features whose values are few, looked up once when the model loads:
    /// the bias, the break before a word (three values), the previous tag and the two previous.
    bias: Scores,
    brk: [Scores; 3],
    prev_tag: [Scores; NT],
    prev_tags: [[Scores; NT]; NT],
}

impl Model {
    /// The scores of one feature (zeros when the model does not know it).
    fn row(&self, key: u32) -> Scores {
        let mut scores = [0; 8];
        if let Some(row) = self.weights.get(key) {
            add_row(&mut scores, row);
        }
        scores
    }
}

/// Reads the model file; `None` if it is malformed (then the tagger finds nothing).
fn parse(bytes: &[u8]) -> Option<Model> {
    let mut at = bytes.strip_prefix(MAGIC)?;
    let mut u32_ = || -> Option<u32> {
        let (head, rest) = at.split_first_chunk::<4>()?;
        at = rest;
        Some(u32::from_le_bytes(*head))
    };
    let version = u32_()?;
    let scale = u32_()?;
    let cut_seen = u32_()?;
    let cut_unread = [u32_()?, u32_()?, u32_()?];
    let cut_outside = u32_()?;
    let n_classes = u32_()? as usize;
    if version != 2 || scale == 0 {
        return None;
    }
    let mut classes = Vec::with_capacity(n_classes.min(1 << 20));
    for _ in 0..n_classes {
        let (row, rest) = at.split_first_chunk::<6>()?;
        at = rest;
        let h = u32::from_le_bytes([row[0], row[1], row[2], row[3]]);
        classes.push((h, u16::from_le_bytes([row[4], row[5]])));
    }
    let (n, rest) = at.split_first_chunk::<4>()?;
    at = rest;
    let n_features = u32::from_le_bytes(*n) as usize;
    let mut weights = Vec::with_capacity(n_features.min(1 << 22));
    for _ in 0..n_features {
        let (head, rest) = at.split_first_chunk::<5>()?;
        at = rest;
        let key = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let mask = head[4];
        let mut row: Row = [0; 8];
        for (k, w) in row.iter_mut().take(NT).enumerate() {
            if mask & (1 << k) != 0 {
                let (v, rest) = at.split_first_chunk::<2>()?;
                at = rest;
                *w = i16::from_le_bytes(*v);
            }
        }
        weights.push((key, row));
    }
    let mut model = Model {
        scale: i64::from(scale),
        cut_seen: i64::from(cut_seen),
        cut_unread: cut_unread.map(i64::from),
        cut_outside: i64::from(cut_outside),
        classes: Table::new(classes),
        weights: Table::new(weights),
        bias: [0; 8],
        brk: [[0; 8]; 3],
        prev_tag: [[0; 8]; NT],
        prev_tags: [[[0; 8]; NT]; NT],
    };
    model.bias = model.row(feat(T_BIAS, &[]));
    model.brk = [0, 1, 2].map(|b| model.row(feat(T_BREAK, &[b])));
    let tags: [u32; NT] = std::array::from_fn(|t| t as u32);
    model.prev_tag = tags.map(|p| model.row(feat(T_PT, &[p])));
    model.prev_tags = tags.map(|p| tags.map(|p2| model.row(feat(T_PT2, &[p, p2]))));
    Some(model)
}

static TAGGER: LazyLock<Option<Model>> = LazyLock::new(|| parse(MODEL));

/// What the features need of one word, computed once.
#[derive(Default, Clone, Copy)]
struct Word {
    hash: u32,
    prefix: [u32; 3],
    suffix: [u32; 4],
    class: u16,
    shape: u32,
    /// The bias and the features of the word alone (the word, its affixes, class and shape),
    /// summed; not computed for a common word, which is never scored.
    own: Scores,
}

/// Whether `c` is numeric (`char::is_numeric`), without the Unicode tables for ASCII and for
/// Devanagari, whose only numeric characters are its digits.
#[inline]
fn is_numeric(c: char) -> bool {
    match c {
        '\0'..='\x7f' => c.is_ascii_digit(),
        '\u{900}'..='\u{97f}' => ('\u{966}'..='\u{96f}').contains(&c),
        _ => c.is_numeric(),
    }
}

fn word(model: &Model, text: &str, buf: &mut String) -> Word {
    let folded: &str = if super::fold::needs_fold(text) {
        buf.clear();
        buf.extend(text.chars().filter_map(fold_char));
        buf
    } else {
        text
    };
    let bytes = folded.as_bytes();
    let mut w = Word::default();
    // Prefixes: the hash state after the first 1, 2, 3 characters (the whole word if shorter);
    // suffixes: where the last 1..=4 characters start.
    let mut h = FNV_OFFSET;
    let mut chars = 0usize;
    let mut starts = [0usize; 4];
    let (mut latin, mut digit, mut all_digit) = (false, false, true);
    for (i, c) in folded.char_indices() {
        h = fnv_bytes(h, &bytes[i..i + c.len_utf8()]);
        if chars < 3 {
            w.prefix[chars] = h;
        }
        starts = [i, starts[0], starts[1], starts[2]];
        chars += 1;
        latin |= c.is_ascii_alphabetic();
        let d = is_numeric(c);
        digit |= d;
        all_digit &= d;
    }
    w.hash = h;
    for k in chars..3 {
        w.prefix[k] = h;
    }
    for (k, s) in w.suffix.iter_mut().enumerate() {
        let from = if k < chars { starts[k] } else { 0 };
        *s = fnv1a(&bytes[from..]);
    }
    w.class = model.classes.get(w.hash.max(1)).copied().unwrap_or(0);
    if w.hash == 0 {
        w.class = 0;
    }
    let bucket = match chars {
        0..=2 => 0,
        3..=4 => 1,
        5..=7 => 2,
        _ => 3,
    };
    w.shape = (u32::from(latin) | u32::from(digit) << 1 | u32::from(all_digit && chars > 0) << 2)
        << 2
        | bucket;
    if w.class & class::COMMON == 0 {
        w.own = model.bias;
        let keys = [
            feat(T_W, &[w.hash]),
            feat(T_P1, &[w.prefix[0]]),
            feat(T_P1 + 1, &[w.prefix[1]]),
            feat(T_P1 + 2, &[w.prefix[2]]),
            feat(T_S1, &[w.suffix[0]]),
            feat(T_S1 + 1, &[w.suffix[1]]),
            feat(T_S1 + 2, &[w.suffix[2]]),
            feat(T_S1 + 3, &[w.suffix[3]]),
            feat(T_CW, &[u32::from(w.class & !class::NOT_FEATURES)]),
            feat(T_SHAPE, &[w.shape]),
        ];
        for key in keys {
            if let Some(row) = model.weights.get(key) {
                add_row(&mut w.own, row);
            }
        }
    }
    w
}

/// Whether tag `t` may follow `prev`: an I- tag only after the B- or I- of its type.
#[inline]
fn allowed(prev: usize, t: usize) -> bool {
    t == 0 || t % 2 == 1 || prev == t || prev + 1 == t
}

/// Tags and margins of one sentence's words.
fn decode(
    model: &Model,
    words: &[Word],
    breaks: &[bool],
    tags: &mut Vec<u8>,
    margins: &mut Vec<i32>,
) {
    tags.clear();
    margins.clear();
    let n = words.len();
    let hash = |k: isize| -> u32 {
        if k < 0 {
            1
        } else {
            words.get(k as usize).map_or(2, |w| w.hash)
        }
    };
    let class = |k: isize| -> u32 {
        if k < 0 {
            0x8000
        } else {
            words
                .get(k as usize)
                .map_or(0x8000, |w| u32::from(w.class & !class::NOT_FEATURES))
        }
    };
    let suffix = |k: isize, j: usize| -> u32 {
        if k < 0 {
            0
        } else {
            words.get(k as usize).map_or(0, |w| w.suffix[j])
        }
    };
    let (mut prev, mut prev2) = (0usize, 0usize);
    for i in 0..n {
        let w = &words[i];
        if w.class & class::COMMON != 0 {
            tags.push(0);
            margins.push(0);
            (prev2, prev) = (prev, 0);
            continue;
        }
        let k = i as isize;
        // The word's own features were summed when it was read; the bias, the break and the
        // previous tags come from the model's dense rows; the rest are looked up.
        let mut scores = w.own;
        add_scores(
            &mut scores,
            &model.brk[if i == 0 { 2 } else { usize::from(breaks[i]) }],
        );
        add_scores(&mut scores, &model.prev_tag[prev]);
        add_scores(&mut scores, &model.prev_tags[prev][prev2]);
        let keys = [
            feat(T_PW, &[hash(k - 1)]),
            feat(T_NW, &[hash(k + 1)]),
            feat(T_PW2, &[hash(k - 2)]),
            feat(T_NW2, &[hash(k + 2)]),
            feat(T_PS2, &[suffix(k - 1, 1)]),
            feat(T_PS3, &[suffix(k - 1, 2)]),
            feat(T_NS2, &[suffix(k + 1, 1)]),
            feat(T_NS3, &[suffix(k + 1, 2)]),
            feat(T_CPW, &[class(k - 1)]),
            feat(T_CNW, &[class(k + 1)]),
            feat(T_CPW2, &[class(k - 2)]),
            feat(T_CNW2, &[class(k + 2)]),
            feat(T_WNW, &[w.hash, hash(k + 1)]),
            feat(T_PWW, &[hash(k - 1), w.hash]),
            feat(T_PTW, &[prev as u32, w.hash]),
        ];
        for key in keys {
            if let Some(row) = model.weights.get(key) {
                add_row(&mut scores, row);
            }
        }
        let mut best = 0;
        for t in 1..NT {
            if allowed(prev, t) && scores[t] > scores[best] {
                best = t;
            }
        }
        let second = (0..NT)
            .filter(|&t| t != best && allowed(prev, t))
            .map(|t| scores[t])
            .max()
            .unwrap_or(scores[best]);
        tags.push(best as u8);
        margins.push(scores[best] - second);
        (prev2, prev) = (prev, best);
    }
}

/// What tagging one article keeps from one segment to the next: each distinct word read once
/// (most of an article's words come back), by its number ([`super::text::Token::word`]), and
/// the buffers.
#[derive(Default)]
pub(super) struct Scratch {
    read: Vec<Option<Word>>,
    words: Vec<Word>,
    breaks: Vec<bool>,
    tags: Vec<u8>,
    margins: Vec<i32>,
    buf: String,
}

fn kind_of(tag: u8) -> EntityType {
    match (tag - 1) / 2 {
        0 => EntityType::Person,
        1 => EntityType::Place,
        _ => EntityType::Organization,
    }
}

/// Tags the Devanagari sentences of segment `si` and claims the confident spans whose words are
/// all still unclaimed.
pub(super) fn find(
    si: usize,
    seg: &Segment,
    covered: &mut [bool],
    mentions: &mut Vec<Mention>,
    known: &FastSet<&str>,
    scratch: &mut Scratch,
) {
    let Some(model) = TAGGER.as_ref() else {
        return;
    };
    let n = seg.tokens.len();
    let Scratch {
        read,
        words,
        breaks,
        tags,
        margins,
        buf,
    } = scratch;
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && end - start < MAX_SENTENCE && !seg.tokens[end].sentence_start {
            end += 1;
        }
        let sentence = start..end;
        start = end;
        let has_uncovered_devanagari = sentence
            .clone()
            .any(|i| !covered[i] && seg.tokens[i].script == Script::Devanagari);
        if !has_uncovered_devanagari {
            continue;
        }
        words.clear();
        breaks.clear();
        for i in sentence.clone() {
            let number = seg.tokens[i].word as usize;
            if read.len() <= number {
                read.resize(number + 1, None);
            }
            let w = *read[number].get_or_insert_with(|| word(model, seg.token_text(i), buf));
            words.push(w);
            breaks.push(seg.tokens[i].break_before);
        }
        decode(model, words, breaks, tags, margins);
        let base = sentence.start;
        let mut i = 0;
        while i < tags.len() {
            let t = tags[i];
            if t == 0 {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < tags.len() && tags[j] == t + u8::from(t % 2 == 1) {
                j += 1;
            }
            let (from, to) = (base + i, base + j);
            i = j;
            let devanagari = |k: usize| seg.tokens[k].script == Script::Devanagari;
            if !devanagari(from) || !devanagari(to - 1) || covered[from..to].iter().any(|&c| c) {
                continue;
            }
            // A short form of a name found by the stages before: linking's to judge.
            if (from..to).all(|k| known.contains(seg.token_text(k))) {
                continue;
            }
            let span = from - base..to - base;
            let any = |bit: u16| words[span.clone()].iter().any(|w| w.class & bit != 0);
            let all = |bit: u16| words[span.clone()].iter().all(|w| w.class & bit != 0);
            let cut = if any(class::SEEN_IN_NAME) {
                model.cut_seen
            } else if any(class::SEEN_OUTSIDE) || all(class::GENERAL) {
                model.cut_outside
            } else {
                model.cut_unread[usize::from((t - 1) / 2)]
            };
            let sum: i64 = margins[span.clone()].iter().map(|&m| i64::from(m)).sum();
            if sum * 100 < cut * span.len() as i64 * model.scale {
                continue;
            }
            super::claim(
                si,
                covered,
                mentions,
                [(from, to, kind_of(t), Origin::Found)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rust decodes as the training script does: the tags and margins it wrote with the model.
    #[test]
    fn decodes_as_the_training_script() {
        let model = TAGGER.as_ref().expect("the model file parses");
        let text = include_str!("../../../data/tagger/selftest.tsv");
        const TAGS: [&str; NT] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"];
        let mut sentences: Vec<Vec<(&str, bool, &str, i32)>> = vec![Vec::new()];
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if line.is_empty() {
                sentences.push(Vec::new());
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let last = sentences.last_mut().expect("a sentence");
            last.push((
                cols[0],
                cols[1] == "1",
                cols[2],
                cols[3].parse().expect("margin"),
            ));
        }
        let mut buf = String::new();
        let (mut tags, mut margins) = (Vec::new(), Vec::new());
        let mut checked = 0;
        for s in sentences.iter().filter(|s| !s.is_empty()) {
            let words: Vec<Word> = s.iter().map(|w| word(model, w.0, &mut buf)).collect();
            let breaks: Vec<bool> = s.iter().map(|w| w.1).collect();
            decode(model, &words, &breaks, &mut tags, &mut margins);
            for (k, w) in s.iter().enumerate() {
                assert_eq!(TAGS[usize::from(tags[k])], w.2, "{} in {s:?}", w.0);
                assert_eq!(margins[k], w.3, "{}", w.0);
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked} words checked");
    }

    #[test]
    fn a_malformed_model_is_no_model() {
        assert!(parse(b"").is_none());
        assert!(parse(&MODEL[..MODEL.len() / 2]).is_none());
        assert!(parse(MODEL).is_some());
    }
}
