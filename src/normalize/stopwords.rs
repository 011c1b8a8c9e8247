//! Stop words per language (from `data/stopwords.tsv`): how much of a block is ordinary sentence
//! glue, the main sign of prose as opposed to navigation, and a tie-breaker between languages that
//! share a script.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::hygiene::is_word_part;

/// FNV-1a: stop-word lookups hash many short words, where SipHash's set-up dominates.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A set of stop words.
pub type WordSet = HashSet<&'static str, BuildHasherDefault<Fnv>>;

static STOPWORDS: LazyLock<HashMap<&'static str, WordSet>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, WordSet> = HashMap::new();
    for line in include_str!("../../data/stopwords.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some((lang, words)) = line.split_once('\t') {
            map.entry(lang.trim())
                .or_default()
                .extend(words.split_whitespace());
        }
    }
    map
});

/// The stop words of an ISO 639-1 language, if newsdesk has a list for it.
pub fn stopwords_for(lang: &str) -> Option<&'static WordSet> {
    STOPWORDS.get(lang)
}

/// Words of `text`: runs of letters, digits and combining marks (apostrophes inside kept).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(is_word_part(c) || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| !w.is_empty())
}

/// Count of words and of stop words in `text`, for `lang`'s list.
pub fn stopword_count(text: &str, list: &WordSet) -> (usize, usize) {
    let mut total = 0;
    let mut stops = 0;
    let mut lower = String::new();
    for w in words(text) {
        total += 1;
        let has_upper = if w.is_ascii() {
            w.bytes().any(|b| b.is_ascii_uppercase())
        } else {
            w.chars()
                .any(|c| !('\u{0900}'..='\u{0DFF}').contains(&c) && c.is_uppercase())
        };
        let hit = if has_upper {
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
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
