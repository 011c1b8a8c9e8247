//! Words reduced to their stems, so a search for one form of a word finds the others: English
//! by the Snowball stemmer (`floods`, `flooding`, `flood` → `flood`), Hindi by stripping the
//! inflectional endings of `data/hindi_suffixes.txt` (`लोगों` → `लोग`). Both backends index the
//! stems of every token beside the tokens themselves and look a query's plain words up by their
//! stems; phrases and prefixes keep to the tokens as written.
//!
//! The stemmer is chosen by each token's script, not by the article's language: Hindi articles
//! quote English names and English articles Hindi ones. Tokens of other scripts, and tokens
//! mixing letters and digits, are their own stems. Nothing here guesses at misspellings: `पातिन`
//! and `पुतिन` stay apart.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;

use super::search::for_each_token;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The Hindi endings, longest first.
static HINDI_SUFFIXES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut suffixes: Vec<&'static str> = include_str!("../../data/hindi_suffixes.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    suffixes
});

/// Fewest characters a Hindi word keeps after its ending goes (`में`, `की`, `कई` stay whole).
const MIN_HINDI_STEM_CHARS: usize = 2;

/// The stem of one token (as [`crate::store::search::tokens`] makes them: lowercased, Latin diacritics removed).
pub fn stem(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_stem(&mut out, token);
    out
}

/// [`stem`], borrowing the token when it is its own stem.
fn stem_of(token: &str) -> Cow<'_, str> {
    if is_english_word(token) {
        return ENGLISH.stem(token);
    }
    if token.chars().all(is_devanagari) {
        return Cow::Borrowed(stem_hindi(token));
    }
    Cow::Borrowed(token)
}

fn is_english_word(token: &str) -> bool {
    token.bytes().all(|b| b.is_ascii_lowercase())
}

/// English words this thread has stemmed, and their stems, up to this many (then forgotten
/// all at once). Text repeats its words, and a lookup costs a fraction of the Snowball
/// algorithm: every stored article's text passes through here.
const STEM_CACHE_WORDS: usize = 16_384;

/// Longest word kept in the cache (a longer one is stemmed each time).
const STEM_CACHE_WORD_BYTES: usize = 32;

thread_local! {
    static ENGLISH_STEMS: RefCell<HashMap<Box<str>, Box<str>, foldhash::fast::RandomState>> =
        RefCell::new(HashMap::default());
}

/// Appends a token's stem to `out`.
pub(crate) fn push_stem(out: &mut String, token: &str) {
    if !is_english_word(token) || token.len() > STEM_CACHE_WORD_BYTES {
        out.push_str(&stem_of(token));
        return;
    }
    ENGLISH_STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(stem) = cache.get(token) {
            out.push_str(stem);
            return;
        }
        let stem = ENGLISH.stem(token);
        out.push_str(&stem);
        if cache.len() >= STEM_CACHE_WORDS {
            cache.clear();
        }
        cache.insert(token.into(), stem.into());
    });
}

/// The stems of a text's tokens, in order, one space apart.
pub fn stemmed_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_token(text, |token| {
        if !out.is_empty() {
            out.push(' ');
        }
        push_stem(&mut out, token);
    });
    out
}

/// `text`, then the stems of its tokens that are not their own stem, each begun by `mark` (so a
/// stem is a token of its own kind): the SQLite index's column text (see
/// [`crate::store::search::FTS_STEM_MARK`]). A token that is its own stem is found as written.
pub fn text_with_marked_stems(text: &str, mark: char) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    out.push_str(text);
    let mut stem = String::new();
    for_each_token(text, |token| {
        stem.clear();
        push_stem(&mut stem, token);
        if stem != token {
            out.push(' ');
            out.push(mark);
            out.push_str(&stem);
        }
    });
    out
}

fn is_devanagari(c: char) -> bool {
    matches!(c as u32, 0x0900..=0x097F | 0xA8E0..=0xA8FF)
}

/// A Hindi word without its longest inflectional ending, when enough of it stays.
fn stem_hindi(word: &str) -> &str {
    for suffix in HINDI_SUFFIXES.iter() {
        if let Some(rest) = word.strip_suffix(suffix) {
            let mut chars = rest.chars();
            let starts_with_letter = chars.next().is_some_and(|c| !is_combining_mark(c));
            if starts_with_letter && rest.chars().count() >= MIN_HINDI_STEM_CHARS {
                return rest;
            }
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::{stem, stemmed_text};

    fn same_stem(words: &[&str]) {
        let stems: Vec<String> = words.iter().map(|w| stem(w)).collect();
        assert!(
            stems.iter().all(|s| *s == stems[0]),
            "{words:?} → {stems:?}"
        );
    }

    #[test]
    fn english_words_share_their_snowball_stem() {
        same_stem(&["flood", "floods", "flooding", "flooded"]);
        same_stem(&["election", "elections"]);
        assert_ne!(stem("flood"), stem("float"));
        // Letters with digits, and other scripts, stay as they are.
        assert_eq!(stem("covid19"), "covid19");
        assert_eq!(stem("наводнения"), "наводнения");
    }

    #[test]
    fn hindi_plural_and_oblique_forms_share_the_direct_forms_stem() {
        // Consonant-final nouns: plural -ें, oblique plural -ों.
        same_stem(&["बात", "बातें", "बातों"]);
        same_stem(&["घर", "घरों"]);
        // Masculine -आ: -े, -ों, vocative -ो.
        same_stem(&["लड़का", "लड़के", "लड़कों", "लड़को"]);
        // Feminine -ई and -इ: -ियाँ/-ियां, -ियों.
        same_stem(&["लड़की", "लड़कियाँ", "लड़कियां", "लड़कियों"]);
        same_stem(&["शक्ति", "शक्तियाँ", "शक्तियों"]);
        // Feminine -आ, -उ, -ऊ: -एँ/-एं, -ओं after the vowel.
        same_stem(&["माता", "माताएँ", "माताएं", "माताओं"]);
        same_stem(&["वस्तु", "वस्तुएँ", "वस्तुओं"]);
        // -ई after a vowel: -इयों.
        same_stem(&["भाई", "भाइयों"]);
        // Adjectives in -आ.
        same_stem(&["अच्छा", "अच्छे", "अच्छी"]);
    }

    #[test]
    fn short_words_and_names_keep_their_letters() {
        for word in ["में", "की", "के", "को", "कई", "से"] {
            assert_eq!(stem(word), word);
        }
        assert_eq!(stem("पुतिन"), "पुतिन");
        assert_ne!(stem("पातिन"), stem("पुतिन"));
    }

    #[test]
    fn texts_stem_token_by_token() {
        assert_eq!(stemmed_text("Floods, flooding!"), "flood flood");
        assert_eq!(stemmed_text("लोगों और घरों में"), "लोग और घर में");
        assert_eq!(stemmed_text(""), "");
    }

    #[test]
    fn only_the_stems_that_differ_follow_the_text() {
        assert_eq!(
            super::text_with_marked_stems("Floods hit the flood plain", '#'),
            "Floods hit the flood plain #flood"
        );
        assert_eq!(
            super::text_with_marked_stems("लोगों और घरों में", '#'),
            "लोगों और घरों में #लोग #घर"
        );
        assert_eq!(super::text_with_marked_stems("", '#'), "");
    }

    #[test]
    fn remembered_stems_are_the_stems() {
        // Twice over more distinct words than the cache holds: each word stemmed fresh, then
        // remembered, then forgotten when the cache fills, and stemmed again.
        let words: Vec<String> = (0..super::STEM_CACHE_WORDS + 100)
            .map(|n| format!("flooding{}", to_letters(n)))
            .collect();
        for _ in 0..2 {
            for word in &words {
                assert_eq!(stemmed_text(word), super::stem_of(word), "{word}");
            }
        }
        let long = "internationalizations".repeat(2);
        assert_eq!(stemmed_text(&long), super::stem_of(&long));
    }

    /// `n` written in the letters a–j, so every word is an English token.
    fn to_letters(n: usize) -> String {
        n.to_string()
            .bytes()
            .map(|d| (b'a' + d - b'0') as char)
            .collect()
    }
}
