//! Stop words per language (from `data/stopwords.tsv`): how much of a block is ordinary sentence
//! glue, the main sign of prose as opposed to navigation, and a tie-breaker between languages that
//! share a script.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::hygiene::is_word_part;
use super::wordfilter::WordFilter;

/// A set of stop words (foldhash: its short-input path beats FNV's byte loop on words of
/// three-byte Indic letters), with a prefilter that turns most other words away unhashed.
pub struct WordSet {
    set: HashSet<&'static str, foldhash::fast::RandomState>,
    filter: WordFilter,
}

impl WordSet {
    fn new(set: HashSet<&'static str, foldhash::fast::RandomState>) -> Self {
        let filter = WordFilter::new(set.iter().copied());
        WordSet { set, filter }
    }

    /// Whether `word` is a stop word.
    pub fn contains(&self, word: &str) -> bool {
        self.filter.may_contain(word) && self.set.contains(word)
    }

    /// The stop words, in the set's order.
    pub fn iter(&self) -> impl Iterator<Item = &&'static str> {
        self.set.iter()
    }
}

impl<'a> IntoIterator for &'a WordSet {
    type Item = &'a &'static str;
    type IntoIter = std::collections::hash_set::Iter<'a, &'static str>;

    fn into_iter(self) -> Self::IntoIter {
        self.set.iter()
    }
}

static STOPWORDS: LazyLock<HashMap<&'static str, WordSet>> = LazyLock::new(|| {
    let mut sets: HashMap<&'static str, HashSet<&'static str, foldhash::fast::RandomState>> =
        HashMap::new();
    for line in include_str!("../../data/stopwords.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some((lang, words)) = line.split_once('\t') {
            sets.entry(lang.trim())
                .or_default()
                .extend(words.split_whitespace());
        }
    }
    sets.into_iter()
        .map(|(lang, set)| (lang, WordSet::new(set)))
        .collect()
});

/// The stop words of an ISO 639-1 language, if newsdesk has a list for it.
pub fn stopwords_for(lang: &str) -> Option<&'static WordSet> {
    STOPWORDS.get(lang)
}

/// Words of `text`: runs of letters, digits and combining marks (apostrophes inside kept).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    word_runs(text).map(|run| run.word)
}

/// The words of `text` as [`words`] gives them, each with what the scan saw of its case.
fn word_runs(text: &str) -> impl Iterator<Item = Run<'_>> {
    WordRuns { text, at: 0 }
        .map(|run| Run {
            word: trim_apostrophes(run.word),
            ..run
        })
        .filter(|run| !run.word.is_empty())
}

/// A word, and whether all its characters are ASCII or Indic (U+0900..=U+0DFF, caseless) with
/// an ASCII capital among them.
#[derive(Clone, Copy)]
struct Run<'a> {
    word: &'a str,
    /// Every character is ASCII or Indic: only ASCII letters have case.
    simple: bool,
    ascii_upper: bool,
}

fn trim_apostrophes(mut w: &str) -> &str {
    // Most words neither start nor end with an apostrophe (' or ’, E2 80 99): no decoding then.
    let bytes = w.as_bytes();
    let first = bytes.first().is_some_and(|&b| b == b'\'' || b == 0xE2);
    let last = bytes.last().is_some_and(|&b| b == b'\'' || b == 0x99);
    if !first && !last {
        return w;
    }
    while let Some(rest) = w.strip_prefix(['\'', '’']) {
        w = rest;
    }
    while let Some(rest) = w.strip_suffix(['\'', '’']) {
        w = rest;
    }
    w
}

/// The maximal runs of word parts and apostrophes in a text, left to right.
struct WordRuns<'a> {
    text: &'a str,
    /// Byte offset of the next character to look at.
    at: usize,
}

impl<'a> Iterator for WordRuns<'a> {
    type Item = Run<'a>;

    fn next(&mut self) -> Option<Run<'a>> {
        let bytes = self.text.as_bytes();
        // The offset in a local, not `self.at`, so that the loops keep it in a register.
        let mut at = self.at;
        // Up to the first character of the run.
        let start = loop {
            if at >= bytes.len() {
                self.at = at;
                return None;
            }
            let (inside, len, plain) = word_step(self.text, at);
            if inside {
                break (at, len, plain);
            }
            at += len;
        };
        let (start, len, plain) = start;
        let mut simple = plain;
        let mut ascii_upper = bytes[start].is_ascii_uppercase();
        at = start + len;
        loop {
            // Lower-case ASCII letters and digits, and Indic letters and marks, leave `simple`
            // and `ascii_upper` as they are: skipped without the general step.
            match bytes.get(at) {
                Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => {
                    at += 1;
                    continue;
                }
                Some(0xE0) => {
                    if let Some(&[b1 @ 0xA4..=0xB7, b2]) = bytes.get(at + 1..at + 3) {
                        if !matches!((b1, b2), (0xA5, 0xA4 | 0xA5 | 0xB0) | (0xB7, 0xB4)) {
                            at += 3;
                            continue;
                        }
                    }
                }
                Some(_) => {}
                None => {
                    self.at = at;
                    return self.text.get(start..).map(|word| Run {
                        word,
                        simple,
                        ascii_upper,
                    });
                }
            }
            let (inside, len, plain) = word_step(self.text, at);
            if !inside {
                let word = self.text.get(start..at);
                self.at = at + len;
                return word.map(|word| Run {
                    word,
                    simple,
                    ascii_upper,
                });
            }
            ascii_upper |= bytes[at].is_ascii_uppercase();
            simple &= plain;
            at += len;
        }
    }
}

/// Whether the character at byte `at` belongs in a word (a word part or an apostrophe), its
/// length, and whether it is ASCII or of the Indic blocks (U+0900..=U+0DFF, E0 A4..=B7 xx),
/// which are read without decoding.
#[inline]
fn word_step(text: &str, at: usize) -> (bool, usize, bool) {
    let bytes = text.as_bytes();
    match bytes[at] {
        b if b < 0x80 => (b.is_ascii_alphanumeric() || b == b'\'', 1, true),
        0xE0 if matches!(bytes.get(at + 1), Some(0xA4..=0xB7)) => {
            // All but the punctuation U+0964, U+0965, U+0970 and U+0DF4.
            let punctuation = matches!(
                (bytes[at + 1], bytes.get(at + 2)),
                (0xA5, Some(0xA4 | 0xA5 | 0xB0)) | (0xB7, Some(0xB4))
            );
            (!punctuation, 3, true)
        }
        _ => match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) => (is_word_part(c) || c == '’', c.len_utf8(), false),
            // Not on a character boundary (never, as `at` moves by characters): skip the byte.
            None => (false, 1, false),
        },
    }
}

/// Count of words and of stop words in `text`, for `lang`'s list.
pub fn stopword_count(text: &str, list: &WordSet) -> (usize, usize) {
    let mut total = 0;
    let mut stops = 0;
    let mut lower = String::new();
    for run in word_runs(text) {
        let w = run.word;
        total += 1;
        let has_upper = if run.simple {
            run.ascii_upper
        } else if w.is_ascii() {
            w.bytes().any(|b| b.is_ascii_uppercase())
        } else {
            w.chars()
                .any(|c| !('\u{0900}'..='\u{0DFF}').contains(&c) && c.is_uppercase())
        };
        let hit = if has_upper {
            lower.clear();
            if run.simple {
                // ASCII and caseless Indic letters: ASCII lower-casing is the whole of it.
                lower.push_str(w);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(w.chars().flat_map(char::to_lowercase));
            }
            list.contains(lower.as_str())
        } else {
            list.contains(w)
        };
        if hit {
            stops += 1;
        }
    }
    (total, stops)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition [`words`] implements with byte-level fast paths.
    fn split_words(text: &str) -> Vec<&str> {
        text.split(|c: char| !(is_word_part(c) || c == '\'' || c == '’'))
            .map(|w| w.trim_matches(['\'', '’']))
            .filter(|w| !w.is_empty())
            .collect()
    }

    #[test]
    fn words_agree_with_splitting_on_non_word_characters() {
        for c in ('\u{0}'..='\u{3000}').chain(['\u{200C}', '\u{200D}', '’', '😀']) {
            for text in [
                format!("x{c}y"),
                format!("{c}"),
                format!("क{c}"),
                format!("{c}'a"),
            ] {
                assert_eq!(
                    words(&text).collect::<Vec<_>>(),
                    split_words(&text),
                    "{text:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn words_agree_with_splitting_on_anything(
            text in "[ \n.,;:'’\"_()!?a-zA-Z0-9\u{0900}-\u{097F}\u{0DF0}-\u{0DFF}\u{0300}-\u{0302}\u{200C}\u{200D}“”😀]{0,40}"
        ) {
            proptest::prop_assert_eq!(words(&text).collect::<Vec<_>>(), split_words(&text));
        }
    }

    #[test]
    fn english_prose_is_dense_in_stop_words() {
        let list = stopwords_for("en").expect("English list");
        let (total, stops) = stopword_count(
            "NEW YORK (Reuters) - Oil prices fell sharply on Tuesday on oversupply concerns, while a gauge of stocks across the globe rose for a seventh straight session.",
            list,
        );
        assert_eq!(total, 26);
        assert!(stops >= 8, "{stops}");
    }
}
