//! Editors' changes: the same text hygiene as ingest, and the derived fields (body text, word
//! count, reading time, content hash) recomputed from the edited title and blocks.

use super::article::{Block, BlockType};
use super::{hygiene, stats};

/// What follows from an edited title and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedText {
    pub body_text: String,
    pub word_count: usize,
    pub reading_time_minutes: u32,
    pub content_hash: String,
}

/// One line of edited text (a title, a summary, a block) cleaned as ingest cleans it: NFC, no
/// control or zero-width characters, single spaces. `None` when nothing is left.
pub fn clean_edited_line(raw: &str) -> Option<String> {
    let cleaned = hygiene::clean_inline(raw);
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

/// Cleans edited blocks: text blocks with no text left are dropped; image blocks keep their
/// URL and lose empty alt and caption.
pub fn clean_edited_blocks(blocks: &[Block]) -> Vec<Block> {
    blocks
        .iter()
        .filter_map(|block| {
            let text = clean_edited_line(&block.text).unwrap_or_default();
            if block.kind == BlockType::Image {
                let url = block
                    .url
                    .as_deref()
                    .map(str::trim)
                    .filter(|u| !u.is_empty())?;
                return Some(Block {
                    kind: BlockType::Image,
                    text,
                    url: Some(url.to_owned()),
                    alt: block.alt.as_deref().and_then(clean_edited_line),
                    caption: block.caption.as_deref().and_then(clean_edited_line),
                });
            }
            (!text.is_empty()).then(|| Block::text(block.kind, text))
        })
        .collect()
}

/// The ISO 15924 code of a name's script (`Latn`, `Deva`, …; `Zyyy` when unknown).
pub fn script_code(text: &str) -> &'static str {
    whatlang::detect_script(text)
        .map(super::language::iso15924)
        .unwrap_or("Zyyy")
}

/// The derived fields of an edited article.
pub fn measure_edit(title: &str, blocks: &[Block]) -> EditedText {
    let body_text = stats::render_body_text(blocks);
    let word_count = stats::word_count(&body_text);
    EditedText {
        content_hash: stats::content_hash(title, &body_text),
        reading_time_minutes: stats::reading_time_minutes(word_count),
        word_count,
        body_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_cleaned_and_measured() {
        assert_eq!(
            clean_edited_line("  a\u{200B}b   c\u{0007} ").as_deref(),
            Some("ab c")
        );
        assert_eq!(clean_edited_line(" \u{FEFF} "), None);
        let blocks = clean_edited_blocks(&[
            Block::text(BlockType::Paragraph, "पहला   पैराग्राफ"),
            Block::text(BlockType::Heading, "   "),
            Block {
                kind: BlockType::Image,
                text: String::new(),
                url: Some("https://example.com/a.jpg".into()),
                alt: Some(" ".into()),
                caption: None,
            },
        ]);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "पहला पैराग्राफ");
        assert_eq!(blocks[1].alt, None);
        let measured = measure_edit("शीर्षक", &blocks);
        assert_eq!(measured.body_text, "पहला पैराग्राफ");
        assert_eq!(measured.word_count, 2);
        assert!(measured.content_hash.starts_with("sha256:"));
        assert_eq!(script_code("पुतिन"), "Deva");
        assert_eq!(script_code("Putin"), "Latn");
    }
}
