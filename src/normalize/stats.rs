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
    let mut out = String::new();
    for b in blocks
        .iter()
        .filter(|b| b.kind != BlockType::Image && !b.text.is_empty())
    {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

/// Words by Unicode word segmentation (UAX #29): the segments that hold a letter, digit or mark
/// (what `unicode_words` keeps, with a faster test for the Indic scripts).
pub fn word_count(text: &str) -> usize {
    text.split_word_bounds()
        .filter(|w| w.chars().any(is_word_part))
        .count()
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
    fn reading_time() {
        assert_eq!(reading_time_minutes(1), 1);
        assert_eq!(reading_time_minutes(401), 3);
    }
}
