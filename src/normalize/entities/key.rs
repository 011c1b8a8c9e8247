//! Cross-script identity: romanize a name and fold away the spelling differences between
//! scripts, so "Vladimir Putin" and "व्लादिमीर पुतिन" give the same key.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::lexicon::FastMap;
use crate::normalize::hygiene::surely_nfc;

/// The romanized, folded identity key of a name: ASCII words separated by single spaces.
///
/// Romanizes with `deunicode` (which drops the Devanagari inherent vowel: "पुतिन" → "putin"),
/// then folds, per word: aspirates and digraphs (ph→f, sh→s, th→t, …), v/w, y→i, c→k/s,
/// long and doubled letters, the schwa (every non-initial "a", since Devanagari romanization
/// has none, and a non-initial "u", "e" or "o" before two consonants, which Hindi often writes
/// as the schwa), "ei" as "i", a final "h", and an English silent final "e".
pub fn transliteration_key(name: &str) -> String {
    let (latin, romanized) = romanize(name);
    let mut out = String::with_capacity(romanized.len());
    let mut scratch = FoldScratch::default();
    let mut folded = String::new();
    for w in words(&romanized) {
        fold_word(w, latin, &mut scratch, &mut folded);
        push_word(&mut out, &folded);
    }
    out
}

/// The pieces of `s` between single spaces, as `s.split(' ')` gives them (without setting up a
/// character searcher for every name).
#[derive(Clone)]
pub(super) struct SpaceSplit<'a> {
    rest: Option<&'a str>,
}

pub(super) fn split_spaces(s: &str) -> SpaceSplit<'_> {
    SpaceSplit { rest: Some(s) }
}

impl<'a> Iterator for SpaceSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == b' ') {
            Some(p) => {
                self.rest = Some(&rest[p + 1..]);
                Some(&rest[..p])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The name in NFC, romanized and lower-cased, and whether it has Latin letters.
fn romanize(name: &str) -> (bool, String) {
    // Text that is already in NFC (the quick check says so for certain) is used as it is.
    let nfc: Cow<'_, str> = if surely_nfc(name) || is_nfc_quick(name.chars()) == IsNormalized::Yes {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.nfc().collect())
    };
    // Romanized Indic "c" is the "ch" sound (च); in Latin text it is k or s.
    let latin = nfc.bytes().any(|b| b.is_ascii_alphabetic());
    let mut romanized = deunicode::deunicode(&nfc);
    if romanized.is_ascii() {
        romanized.make_ascii_lowercase();
    } else {
        romanized = romanized.to_lowercase();
    }
    (latin, romanized)
}

/// The words of a romanized name.
fn words(romanized: &str) -> impl Iterator<Item = &str> {
    romanized
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Appends a folded word to a key (an empty one adds nothing).
fn push_word(key: &mut String, folded: &str) {
    if folded.is_empty() {
        return;
    }
    if !key.is_empty() {
        key.push(' ');
    }
    key.push_str(folded);
}

/// Transliteration keys remembered for one extraction: whole names, and for each word (token)
/// its romanization and its folded form (runs of an article's tokens share most of their words).
pub(super) struct KeyCache {
    keys: FastMap<String, String>,
    /// Word → its index in `words`.
    word_index: FastMap<String, usize>,
    words: Vec<WordKey>,
    scratch: FoldScratch,
    /// The word indices of the run being keyed.
    run: Vec<usize>,
}

/// What a key needs of one word: `romanize(word)`, and the word's part of a key (its folded
/// romanized words, space-separated) when the name has no Latin letters and when it has,
/// worked out when first needed.
struct WordKey {
    latin: bool,
    romanized: String,
    folded: [Option<String>; 2],
}

impl Default for KeyCache {
    /// Room for an article's worth of names and words from the start, so the maps are not
    /// grown (and rehashed) name by name.
    fn default() -> Self {
        const ROOM: usize = 64;
        KeyCache {
            keys: FastMap::with_capacity_and_hasher(ROOM, Default::default()),
            word_index: FastMap::with_capacity_and_hasher(ROOM, Default::default()),
            words: Vec::with_capacity(ROOM),
            scratch: FoldScratch::default(),
            run: Vec::new(),
        }
    }
}

impl KeyCache {
    /// `transliteration_key(name)`, remembered.
    pub(super) fn key(&mut self, name: &str) -> String {
        if let Some(k) = self.keys.get(name) {
            return k.clone();
        }
        // Names are mostly tokens joined by spaces, which NFC, romanization and lower-casing
        // never cross (see `run_key`): their words are romanized once for every name.
        let k = self.run_key(split_spaces(name));
        debug_assert_eq!(
            k,
            transliteration_key(name),
            "a name's key is its pieces' keys"
        );
        self.keys.insert(name.to_string(), k.clone());
        k
    }

    /// `transliteration_key` of `tokens` joined by single spaces, from the tokens'
    /// remembered romanizations. Normalization, romanization and lower-casing work on each
    /// character apart (NFC never composes across a space), so the words of the joined text
    /// are the words of its tokens in turn, and it has Latin letters when one of them has.
    /// Folding works word by word, so a token's folded words, joined, are its part of the key.
    pub(super) fn run_key<'a>(&mut self, tokens: impl Iterator<Item = &'a str>) -> String {
        let mut latin = false;
        self.run.clear();
        for t in tokens {
            let i = match self.word_index.get(t) {
                Some(&i) => i,
                None => {
                    let (latin, romanized) = romanize(t);
                    self.words.push(WordKey {
                        latin,
                        romanized,
                        folded: [None, None],
                    });
                    self.word_index.insert(t.to_string(), self.words.len() - 1);
                    self.words.len() - 1
                }
            };
            latin |= self.words[i].latin;
            self.run.push(i);
        }
        let mut folded_word = String::new();
        let mut len = 0;
        for &i in &self.run {
            let word = &mut self.words[i];
            let part = word.folded[usize::from(latin)].get_or_insert_with(|| {
                let mut part = String::new();
                for w in words(&word.romanized) {
                    fold_word(w, latin, &mut self.scratch, &mut folded_word);
                    push_word(&mut part, &folded_word);
                }
                part
            });
            len += part.len() + 1;
        }
        // The key's parts are known: one allocation for it.
        let mut key = String::with_capacity(len);
        for &i in &self.run {
            if let Some(part) = &self.words[i].folded[usize::from(latin)] {
                push_word(&mut key, part);
            }
        }
        key
    }
}

/// A bit per lower-case ASCII letter (and one for every other byte).
const fn letter_bit(b: u8) -> u32 {
    if b.is_ascii_lowercase() {
        1 << (b - b'a')
    } else {
        1 << 31
    }
}

/// The letters present in a word, as [`letter_bit`]s.
fn letters(w: &[u8]) -> u32 {
    w.iter().fold(0, |m, &b| m | letter_bit(b))
}

/// Whether `haystack` contains `needle` (one to three bytes).
fn has(haystack: &[u8], needle: &[u8]) -> bool {
    match *needle {
        [a] => haystack.contains(&a),
        [a, b] => haystack.windows(2).any(|w| w[0] == a && w[1] == b),
        _ => haystack
            .windows(needle.len())
            .any(|w| w.iter().zip(needle).all(|(x, y)| x == y)),
    }
}

/// `src` with every occurrence of `from` (left to right, not overlapping) replaced by `to`,
/// into `out`: what `str::replace` gives, without allocating once `out` has grown.
fn replace_into(src: &[u8], from: &[u8], to: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < src.len() {
        if src[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(src[i]);
            i += 1;
        }
    }
}

/// The spelling folds, in order. Order matters: longer patterns first. '\u{1}' stands for the
/// "ch" sound while single "c" is resolved to k or s.
const FOLDS: [(&str, &str); 20] = [
    ("ngh", "nh"),
    ("ch", "\u{1}"),
    ("ph", "f"),
    ("sh", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("bh", "b"),
    ("kh", "k"),
    ("gh", "g"),
    ("jh", "j"),
    ("ck", "k"),
    ("ou", "au"),
    ("ee", "i"),
    ("oo", "u"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "j"),
    ("y", "i"),
    ("ei", "i"),
];

/// The [`letters`] of each fold's pattern.
const FOLD_LETTERS: [u32; 20] = {
    let mut masks = [0; 20];
    let mut i = 0;
    while i < masks.len() {
        let pattern = FOLDS[i].0.as_bytes();
        let mut k = 0;
        while k < pattern.len() {
            masks[i] |= letter_bit(pattern[k]);
            k += 1;
        }
        i += 1;
    }
    masks
};

/// Buffers [`fold_word`] works in, kept from word to word.
#[derive(Default)]
struct FoldScratch {
    word: Vec<u8>,
    spare: Vec<u8>,
}

/// Folds one romanized word (ASCII letters and digits only, so bytes are characters) into `out`
/// (cleared first).
fn fold_word(word: &str, latin: bool, scratch: &mut FoldScratch, out: &mut String) {
    let FoldScratch { word: w, spare } = scratch;
    w.clear();
    w.extend_from_slice(word.as_bytes());
    let mut present = letters(w);
    for (&(from, to), &needed) in FOLDS.iter().zip(&FOLD_LETTERS) {
        // Bytes absent from the word rule a pattern out without a search.
        let from_bytes = from.as_bytes();
        if present & needed == needed && has(w, from_bytes) {
            replace_into(w, from_bytes, to.as_bytes(), spare);
            std::mem::swap(w, spare);
            present = letters(w);
        }
    }
    let chars: &[u8] = w;
    let consonant = |i: usize| {
        chars.get(i).is_some_and(|&c| {
            c.is_ascii_alphabetic() && !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u') || c == 1
        })
    };
    out.clear();
    out.reserve(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let c = char::from(c);
        // A short vowel in a closed syllable is what Hindi writes as the schwa ("Trump" /
        // "ट्रंप", "Sergei" / "सर्गेई"): drop it in both scripts. An open one stays ("Putin").
        if i > 0 && matches!(c, 'u' | 'e' | 'o') && consonant(i + 1) && consonant(i + 2) {
            continue;
        }
        let c = match c {
            'c' if !latin => 'c',
            'c' if matches!(next, Some(b'e' | b'i')) => 's',
            'c' => 'k',
            '\u{1}' => 'c',
            'n' if matches!(next, Some(b'b' | b'p' | b'm')) => 'm',
            other => other,
        };
        // Schwa: Devanagari romanization has no inherent "a", so drop every non-initial one.
        if c == 'a' && i > 0 {
            continue;
        }
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    if out.len() > 2 && (out.ends_with('h') || out.ends_with('e')) {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::transliteration_key as key;

    #[test]
    fn same_name_in_two_scripts_gives_one_key() {
        for (latin, deva) in [
            ("Vladimir Putin", "व्लादिमीर पुतिन"),
            ("Putin", "पुतिन"),
            ("Kim Jong Un", "किम जोंग उन"),
            ("Kim Jong", "किम जोंग"),
            ("Kim", "किम"),
            ("Narendra Modi", "नरेंद्र मोदी"),
            ("Dmitry Peskov", "दमित्री पेस्कोव"),
            ("Lavrov", "लावरोव"),
            ("Kremlin", "क्रेमलिन"),
            ("Shivraj Singh Chouhan", "शिवराज सिंह चौहान"),
            ("Yogi Adityanath", "योगी आदित्यनाथ"),
            ("America", "अमेरिका"),
            ("Rahul Gandhi", "राहुल गांधी"),
            // The Hindi short "a" (schwa) written for an English "u" or "e".
            ("Trump", "ट्रंप"),
            ("Donald Trump", "डोनाल्ड ट्रंप"),
            ("Sergei", "सर्गेई"),
            ("Sergei", "सर्गई"),
            ("Sergei Lavrov", "सर्गेई लावरोव"),
            ("Sergey", "सर्गेई"),
        ] {
            assert_eq!(key(latin), key(deva), "{latin} / {deva}");
        }
    }

    #[test]
    fn different_names_give_different_keys() {
        for (a, b) in [
            ("Putin", "Patna"),
            ("Kim", "Khan"),
            ("Vladimir Putin", "Vladimir Lenin"),
            ("Russia", "Prussia"),
            ("पुतिन", "पटना"),
            ("मोदी", "मेदी"),
            ("Kim Jong Un", "Kim Yo Jong"),
            ("पुतिन", "Patna"),
            ("Putin", "पटना"),
            ("Trump", "Tripura"),
            ("ट्रंप", "Tripura"),
            ("Sergei", "Sagar"),
            ("सर्गेई", "सागर"),
            ("Kim", "Kum"),
        ] {
            assert_ne!(key(a), key(b), "{a} / {b}");
        }
    }

    #[test]
    fn key_is_ascii_words() {
        assert_eq!(key("  Vladimir   PUTIN! "), key("Vladimir Putin"));
        assert!(key("व्लादिमीर पुतिन").is_ascii());
        assert_eq!(key(""), "");
    }
}
