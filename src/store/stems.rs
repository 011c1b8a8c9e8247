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

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;

use super::search::tokens;

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

/// The stem of one token (as [`tokens`] makes them: lowercased, Latin diacritics removed).
pub fn stem(token: &str) -> String {
    if token.chars().all(|c| c.is_ascii_lowercase()) {
        return ENGLISH.stem(token).into_owned();
    }
    if token.chars().all(is_devanagari) {
        return stem_hindi(token).to_owned();
    }
    token.to_owned()
}

/// The stems of a text's tokens, in order, one space apart.
pub fn stemmed_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for token in tokens(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stem(&token));
    }
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
}
