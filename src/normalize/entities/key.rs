//! Cross-script identity: romanize a name and fold away the spelling differences between
//! scripts, so "Vladimir Putin" and "व्लादिमीर पुतिन" give the same key.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::lexicon::FastMap;

/// The romanized, folded identity key of a name: ASCII words separated by single spaces.
///
/// Romanizes with `deunicode` (which drops the Devanagari inherent vowel: "पुतिन" → "putin"),
/// then folds, per word: aspirates and digraphs (ph→f, sh→s, th→t, …), v/w, y→i, c→k/s,
/// long and doubled letters, the schwa (every non-initial "a", since Devanagari romanization
/// has none, and a non-initial "u", "e" or "o" before two consonants, which Hindi often writes
/// as the schwa), "ei" as "i", a final "h", and an English silent final "e".
pub fn transliteration_key(name: &str) -> String {
    key_with(name, |w, latin| Cow::Owned(fold_word(w, latin)))
}

/// Transliteration keys remembered for one extraction: whole names, and folded words (runs
/// of an article's tokens share most of their words).
#[derive(Default)]
pub(super) struct KeyCache {
    keys: FastMap<String, String>,
    /// Folded words, when the name has Latin letters and when it has none.
    folds: [FastMap<String, String>; 2],
}

impl KeyCache {
    /// `transliteration_key(name)`, remembered.
    pub(super) fn key(&mut self, name: &str) -> String {
        if let Some(k) = self.keys.get(name) {
            return k.clone();
        }
        let k = self.compute(name);
        self.keys.insert(name.to_string(), k.clone());
        k
    }

    /// `transliteration_key(name)` for a name seen once, from remembered word folds.
    pub(super) fn compute(&mut self, name: &str) -> String {
        let folds = &mut self.folds;
        key_with(name, |w, latin| {
            let memo = &mut folds[usize::from(latin)];
            if let Some(f) = memo.get(w) {
                return Cow::Owned(f.clone());
            }
            let f = fold_word(w, latin);
            memo.insert(w.to_string(), f.clone());
            Cow::Owned(f)
        })
    }
}

/// The key of `name`, folding each romanized word with `fold(word, latin)`.
fn key_with(name: &str, mut fold: impl FnMut(&str, bool) -> Cow<'static, str>) -> String {
    // Text that is already in NFC (the quick check says so for certain) is used as it is.
    let nfc: Cow<'_, str> = if name.is_ascii() || is_nfc_quick(name.chars()) == IsNormalized::Yes {
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
    let mut out = String::with_capacity(romanized.len());
    for w in romanized
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let folded = fold(w, latin);
        if folded.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&folded);
    }
    out
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

/// Folds one romanized word: ASCII letters and digits only (so bytes are characters).
fn fold_word(word: &str, latin: bool) -> String {
    let mut w = word.to_string();
    // Order matters: longer patterns first. '\u{1}' stands for the "ch" sound while single
    // "c" is resolved to k or s.
    for (from, to) in [
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
    ] {
        if has(w.as_bytes(), from.as_bytes()) {
            w = w.replace(from, to);
        }
    }
    let chars: &[u8] = w.as_bytes();
    let consonant = |i: usize| {
        chars.get(i).is_some_and(|&c| {
            c.is_ascii_alphabetic() && !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u') || c == 1
        })
    };
    let mut out = String::with_capacity(chars.len());
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
    out
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
