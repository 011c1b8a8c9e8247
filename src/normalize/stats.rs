//! Text statistics and identity: body text, word count (Unicode word segmentation, right for
//! Devanagari), reading time, and the content hash used for deduplication.

use sha2::{Digest, Sha256};
use unicode_segmentation::UnicodeSegmentation;

use super::article::{Block, BlockType};
use super::hygiene::is_word_part;

/// Words a minute for the reading-time estimate.
const WORDS_PER_MINUTE: usize = 200;

/// The text blocks as plain text, a blank line between blocks; images contribute nothing.
pub fn render_body_text(blocks: &[Block]) -> String {
    let texts = || {
        blocks
            .iter()
            .filter(|b| b.kind != BlockType::Image && !b.text.is_empty())
    };
    let mut out = String::with_capacity(texts().map(|b| b.text.len() + 2).sum());
    for b in texts() {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

/// Words by Unicode word segmentation (UAX #29): the segments that hold a letter, digit or mark
/// (what `unicode_words` keeps, with a faster test for the Indic scripts).
///
/// Counted piece by piece between spaces and newlines, where UAX #29 always breaks (WB3a/b; and
/// before a space, after a space run unless a mark attaches to it by WB4). A piece that is one
/// run of ASCII or Devanagari letters, digits and marks, with ASCII punctuation around it, is one
/// word (WB5 to WB13 join the run, nothing joins the punctuation); any other piece is segmented
/// by the library, from the start of the spaces before it so that a mark opening it attaches as
/// it would in the whole text. Same count as [`segmented_word_count`] on the whole text.
pub fn word_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    // Start of the run of spaces right before the current piece, if one precedes it.
    let mut spaces_from: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b' ' => {
                spaces_from.get_or_insert(at);
                at += 1;
            }
            b'\n' => {
                spaces_from = None;
                at += 1;
            }
            _ => {
                let (end, simple) = scan_piece(bytes, at);
                count += simple.unwrap_or_else(|| {
                    segmented_word_count(text.get(spaces_from.unwrap_or(at)..end).unwrap_or(""))
                });
                spaces_from = None;
                at = end;
            }
        }
    }
    count
}

/// Word count by the library's UAX #29 segmentation.
fn segmented_word_count(text: &str) -> usize {
    text.split_word_bounds()
        .filter(|w| w.chars().any(is_word_part))
        .count()
}

/// Where the piece starting at byte `at` (not a space or newline) ends, at the next space or
/// newline or the end of the text; and its words when its shape makes the count obvious: ASCII
/// punctuation (not `_`, which joins words) around one run that starts with a letter or digit
/// and holds only ASCII or Devanagari letters, digits and marks, and joiners. `None` for any
/// other piece. One pass over the piece's bytes.
fn scan_piece(bytes: &[u8], at: usize) -> (usize, Option<usize>) {
    let is_punct = |b: u8| b.is_ascii_punctuation() && b != b'_';
    let is_end = |b: u8| b == b' ' || b == b'\n';
    let piece_end = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| is_end(b))
            .map_or(bytes.len(), |n| from + n)
    };
    let mut i = at;
    while i < bytes.len() && is_punct(bytes[i]) {
        i += 1;
    }
    if i == bytes.len() || is_end(bytes[i]) {
        return (i, Some(0));
    }
    // The run: UTF-8 keeps a character's bytes together, and continuation bytes are neither
    // spaces nor punctuation, so the run's characters are whole.
    let run_start = i;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            if is_end(b) {
                return (i, Some(1));
            }
            if is_punct(b) {
                break;
            }
            return (piece_end(i), None);
        }
        // U+0900..=U+097F is E0 A4..=A5 xx; ZWNJ and ZWJ are E2 80 8C and E2 80 8D.
        let class = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (0xE0, Some(&b1 @ (0xA4 | 0xA5)), Some(&b2)) => {
                DEVANAGARI_CLASSES[(usize::from(b1 - 0xA4) << 6) | usize::from(b2 & 0x3F)]
            }
            (0xE2, Some(0x80), Some(0x8C | 0x8D)) => EXTEND,
            _ => OTHER,
        };
        if class == OTHER || (i == run_start && class != BASE) {
            return (piece_end(i), None);
        }
        i += 3;
        // The rest of the run's Devanagari letters and marks (the bulk of Hindi text) in one
        // tight loop; past the run's start only OTHER stops it, and the loop above sees that.
        while let Some(&[0xE0, b1 @ (0xA4 | 0xA5), b2]) = bytes.get(i..i + 3) {
            if DEVANAGARI_CLASSES[(usize::from(b1 - 0xA4) << 6) | usize::from(b2 & 0x3F)] == OTHER {
                break;
            }
            i += 3;
        }
    }
    // Only punctuation may follow the run.
    while i < bytes.len() && is_punct(bytes[i]) {
        i += 1;
    }
    if i == bytes.len() || is_end(bytes[i]) {
        (i, Some(1))
    } else {
        (piece_end(i), None)
    }
}

const OTHER: u8 = 0;
const BASE: u8 = 1;
const EXTEND: u8 = 2;

/// [`is_segment_base`] and [`is_segment_extend`] of U+0900..=U+097F, by code point - 0x900.
const DEVANAGARI_CLASSES: [u8; 128] = {
    let mut classes = [OTHER; 128];
    let mut i = 0;
    while i < 128 {
        if let Some(c) = char::from_u32(0x0900 + i as u32) {
            classes[i] = if is_segment_base(c) {
                BASE
            } else if is_segment_extend(c) {
                EXTEND
            } else {
                OTHER
            };
        }
        i += 1;
    }
    classes
};

/// ASCII letters and digits, and Devanagari letters and digits (UAX #29 ALetter and Numeric).
const fn is_segment_base(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '\u{0904}'..='\u{0939}' | '\u{093D}' | '\u{0950}' | '\u{0958}'..='\u{0961}'
            | '\u{0966}'..='\u{096F}' | '\u{0971}'..='\u{097F}')
}

/// Devanagari signs, vowel signs, virama and nukta, ZWNJ (UAX #29 Extend) and ZWJ.
const fn is_segment_extend(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{093C}' | '\u{093E}'..='\u{094F}'
        | '\u{0951}'..='\u{0957}' | '\u{0962}' | '\u{0963}' | '\u{200C}' | '\u{200D}')
}

/// Minutes to read `words` words, at least one for any text.
pub fn reading_time_minutes(words: usize) -> u32 {
    if words == 0 {
        return 0;
    }
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE)).unwrap_or(u32::MAX)
}

/// `sha256:<hex>` of the title, a newline and the body text.
pub fn content_hash(title: &str, body_text: &str) -> String {
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update(b"\n");
    h.update(body_text.as_bytes());
    format!("sha256:{}", hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devanagari_words_whole() {
        assert_eq!(word_count("किम जोंग उन रूस की यात्रा पर हैं."), 8);
    }

    #[test]
    fn segment_classes_match_the_library() {
        let segments = |s: &str| s.split_word_bounds().count();
        for c in ('\u{0}'..='\u{3000}').chain(['\u{200C}', '\u{200D}']) {
            if is_segment_base(c) {
                assert_eq!(segments(&format!("a{c}1")), 1, "U+{:04X}", u32::from(c));
                assert_eq!(segments(&format!("{c}a")), 1, "U+{:04X}", u32::from(c));
                assert_eq!(segments(&format!(" {c}")), 2, "U+{:04X}", u32::from(c));
                assert!(is_word_part(c), "U+{:04X}", u32::from(c));
            }
            if is_segment_extend(c) {
                assert_eq!(segments(&format!(" {c}")), 1, "U+{:04X}", u32::from(c));
                assert_eq!(segments(&format!("a{c}1")), 1, "U+{:04X}", u32::from(c));
            }
            if c.is_ascii_punctuation() && c != '_' {
                for other in ["a", "1", "क", "!", "."] {
                    assert_eq!(segments(&format!("{c}{other}")), 2, "{c:?}{other}");
                    assert_eq!(segments(&format!("{other}{c}")), 2, "{other}{c:?}");
                }
            }
        }
    }

    #[test]
    fn word_count_agrees_with_segmentation() {
        let cases = [
            "",
            " ",
            "\n\n",
            "Hello, world! (AP) U.S. 3.5 a_b don't “quoted” — dash",
            "किम जोंग उन रूस की यात्रा पर हैं। पुतिन, 2024.",
            " \u{094D}क  \u{0301}e \n\u{093E} x\u{200D} \u{200D}क",
            "a\u{2000} \u{0301}b\u{00A0}c\t d  \u{3000} e",
            "🇺🇸🇬🇧 👨\u{200D}👩 ©2024 #tag @handle _under_ __",
            "क्\u{200D}ष ऩ ड़ ॐ ॰ ।।",
        ];
        for text in cases {
            assert_eq!(word_count(text), segmented_word_count(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_agrees_with_segmentation_on_anything(
            text in "[ \n\t.,;:'\"_()!?a-zA-Z0-9\u{0900}-\u{097F}\u{0300}-\u{0302}\u{200C}\u{200D}\u{2000}\u{00A0}“”😀\u{1F1FA}\u{1F1F8}]{0,40}"
        ) {
            proptest::prop_assert_eq!(word_count(&text), segmented_word_count(&text));
        }
    }

    #[test]
    fn reading_time() {
        assert_eq!(reading_time_minutes(1), 1);
        assert_eq!(reading_time_minutes(401), 3);
    }
}
