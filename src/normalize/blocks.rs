//! Lines to raw blocks: each non-blank line becomes one block with its markdown shape (heading,
//! list item, quote, image, rule, text), its visible text and its link share.
//!
//! Line by line and hand-written: scraped text is one block a line whatever markdown would make
//! of it (a fence, an HTML block, a lazy continuation); the inline part is `inline`'s (see its
//! module docs for why that is not `pulldown-cmark`).

use super::hygiene::LineShape;
use super::inline::{parse_inline, ImageRef};

/// Markdown's indent for a code listing.
const CODE_INDENT: u8 = 4;

/// The markdown shape of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Text,
    /// `#`-heading with its level.
    Heading(u8),
    ListItem,
    Quote,
    /// A line that is only an image (possibly wrapped in a link).
    Image,
    /// `---`, `* * *` and friends.
    Rule,
}

/// One line of input, taken apart.
#[derive(Debug, Clone)]
pub struct RawBlock {
    pub kind: LineKind,
    /// The line as it came (after hygiene), for editors' preview of what was removed.
    pub line: String,
    /// Visible text, markdown removed.
    pub text: String,
    pub chars: usize,
    /// Non-space characters of `text`.
    pub visible: usize,
    pub link_chars: usize,
    pub links: usize,
    /// Non-space characters inside emphasis.
    pub emphasis_chars: usize,
    pub images: Vec<ImageRef>,
    /// The line ended in a hard break and the next line follows it: one paragraph with it.
    pub continues: bool,
    /// A line of an indented code listing, kept as written (no markdown read in it).
    pub code: bool,
}

impl RawBlock {
    /// Share of visible, non-space characters inside link labels.
    pub fn link_density(&self) -> f32 {
        let letters = self.visible;
        if letters == 0 {
            if self.links > 0 {
                1.0
            } else {
                0.0
            }
        } else {
            self.link_chars as f32 / letters as f32
        }
    }

    pub fn is_text_like(&self) -> bool {
        matches!(
            self.kind,
            LineKind::Text | LineKind::Heading(_) | LineKind::ListItem | LineKind::Quote
        ) && !self.text.is_empty()
    }
}

/// Split clean text into raw blocks, one per non-blank line.
#[cfg(test)]
pub fn split_blocks(text: &str) -> Vec<RawBlock> {
    split_blocks_with_breaks(text, &[])
}

/// [`split_blocks`], with `shapes[i]` telling how line `i` ended and how far it was indented.
///
/// A code listing is markdown's indented block: it opens after a blank line with a line indented
/// by four or more that is not a list item (a nested list is indented too), and goes on over
/// every line indented as far, blank lines included, whatever markers they hold.
pub fn split_blocks_with_breaks(text: &str, shapes: &[LineShape]) -> Vec<RawBlock> {
    // Room for every line at once (`shapes` has one entry a line, when given): blocks are
    // large, and growing moves them all.
    let mut blocks = Vec::with_capacity(shapes.len() + 1);
    let mut lines = text.split('\n').map(str::trim).enumerate().peekable();
    let mut in_code = false;
    let mut after_blank = true;
    while let Some((i, line)) = lines.next() {
        let shape = shapes.get(i).copied().unwrap_or_default();
        if line.is_empty() {
            after_blank = true;
            continue;
        }
        let indented = shape.indent >= CODE_INDENT;
        in_code = indented && (in_code || after_blank && list_marker(line).is_none());
        after_blank = false;
        let mut block = if in_code {
            code_line(line)
        } else {
            parse_line(line)
        };
        block.continues =
            shape.hard_break && !in_code && lines.peek().is_some_and(|(_, next)| !next.is_empty());
        blocks.push(block);
    }
    blocks
}

/// A line of a code listing: its text as written.
fn code_line(line: &str) -> RawBlock {
    let chars = line.chars().count();
    RawBlock {
        kind: LineKind::Text,
        line: line.to_string(),
        text: line.to_string(),
        chars,
        visible: chars - line.bytes().filter(|&b| b == b' ').count(),
        link_chars: 0,
        links: 0,
        emphasis_chars: 0,
        images: Vec::new(),
        continues: false,
        code: true,
    }
}

fn parse_line(line: &str) -> RawBlock {
    let (kind, body) = line_shape(line);
    let inline = parse_inline(body);
    let only_images = inline.text.is_empty() && !inline.images.is_empty();
    let kind = if only_images && matches!(kind, LineKind::Text | LineKind::ListItem) {
        LineKind::Image
    } else {
        kind
    };
    let chars = inline.text.chars().count();
    let visible = chars - inline.text.bytes().filter(|&b| b == b' ').count();
    RawBlock {
        kind,
        line: line.to_string(),
        text: inline.text,
        chars,
        visible,
        link_chars: inline.link_chars,
        links: inline.links,
        emphasis_chars: inline.emphasis_chars,
        images: inline.images,
        continues: false,
        code: false,
    }
}

/// The block shape of a line and the part of it that carries text.
fn line_shape(line: &str) -> (LineKind, &str) {
    if is_rule(line) {
        return (LineKind::Rule, "");
    }
    if let Some(rest) = heading_text(line) {
        return match rest.1 {
            "" => (LineKind::Rule, ""),
            text => (LineKind::Heading(rest.0), text),
        };
    }
    if let Some(rest) = line.strip_prefix('>') {
        let rest = rest.trim_start_matches(['>', ' ']);
        return (LineKind::Quote, rest);
    }
    let mut rest = line;
    let mut is_item = false;
    while let Some(r) = list_marker(rest) {
        rest = r;
        is_item = true;
    }
    if is_item {
        // A list item may itself carry a heading (`* #### The New Space Race`).
        if let Some((_, text)) = heading_text(rest) {
            rest = text;
        }
        return (LineKind::ListItem, rest);
    }
    (LineKind::Text, line)
}

fn heading_text(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &line[hashes..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((hashes as u8, text))
}

fn list_marker(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let b = line.as_bytes();
    match b.first()? {
        b'*' | b'-' | b'+' => {
            if b.len() == 1 {
                return Some("");
            }
            if b.get(1) == Some(&b' ') {
                return Some(line[2..].trim_start());
            }
            None
        }
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 3 {
                return None;
            }
            let after = &line[digits..];
            let after = after.strip_prefix('\\').unwrap_or(after);
            let rest = after.strip_prefix(['.', ')'])?;
            if rest.starts_with(' ') {
                Some(rest.trim_start())
            } else {
                None
            }
        }
        _ => line.strip_prefix("• ").map(str::trim_start),
    }
}

fn is_rule(line: &str) -> bool {
    let mut marks = 0;
    for c in line.chars() {
        match c {
            '-' | '*' | '_' | '=' => marks += 1,
            ' ' => {}
            _ => return false,
        }
    }
    marks >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let b = split_blocks(
            "# Title\n\n  * [Home](/)\n![a](x.jpg)\n> quoted\n* * *\n1\\. first\nplain _text_",
        );
        let kinds: Vec<_> = b.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                LineKind::Heading(1),
                LineKind::ListItem,
                LineKind::Image,
                LineKind::Quote,
                LineKind::Rule,
                LineKind::ListItem,
                LineKind::Text
            ]
        );
        assert_eq!(b[1].text, "Home");
        assert_eq!(b[5].text, "first");
        assert_eq!(b[6].text, "plain text");
    }

    #[test]
    fn indented_listings_are_code() {
        let text = "Run it:\n\n    # build it\n    make  *all*\n\n    * not a list\nAfter.\n\n  * item\n    * nested item\n\n    * also nested";
        let (clean, shapes) = super::super::hygiene::clean_text_with_breaks(text);
        let b = split_blocks_with_breaks(&clean, &shapes);
        let code: Vec<(&str, bool)> = b.iter().map(|b| (b.text.as_str(), b.code)).collect();
        assert_eq!(
            code,
            vec![
                ("Run it:", false),
                ("# build it", true),
                ("make *all*", true),
                ("* not a list", true),
                ("After.", false),
                ("item", false),
                ("nested item", false),
                ("also nested", false),
            ]
        );
        assert_eq!(b[1].kind, LineKind::Text);
    }
}
