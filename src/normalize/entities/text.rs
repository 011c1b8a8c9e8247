//! The article as the extractor sees it: segments (title, summary, blocks, kickers, alt text)
//! split into word tokens with their script and what separates them.

use super::lexicon::flag::Flags;
use super::lexicon::{FastMap, LEXICON};
use crate::normalize::article::{Block, BlockType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    Latin,
    Devanagari,
    Other,
}

impl Script {
    pub(super) fn iso15924(self) -> &'static str {
        match self {
            Script::Latin => "Latn",
            Script::Devanagari => "Deva",
            Script::Other => "Zyyy",
        }
    }
}

pub(super) fn script_of_char(c: char) -> Option<Script> {
    if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) {
        Some(Script::Latin)
    } else if ('\u{0900}'..='\u{097F}').contains(&c) && !matches!(c, '\u{0964}' | '\u{0965}') {
        Some(Script::Devanagari)
    } else if c.is_alphabetic() {
        Some(Script::Other)
    } else {
        None
    }
}

/// The script of a piece of text: that of its first letter.
pub(super) fn script_of(text: &str) -> Script {
    text.chars()
        .find_map(script_of_char)
        .unwrap_or(Script::Other)
}

/// [`script_of`] a token, from its first bytes when they show it: an ASCII letter is Latin, a
/// Devanagari character (E0 A4 xx, E0 A5 xx) other than a danda (E0 A5 A4, E0 A5 A5) is
/// Devanagari.
fn token_script(token: &str) -> Script {
    match token.as_bytes() {
        [b, ..] if b.is_ascii_alphabetic() => Script::Latin,
        [0xE0, 0xA4, _, ..] => Script::Devanagari,
        [0xE0, 0xA5, b, ..] if !matches!(b, 0xA4 | 0xA5) => Script::Devanagari,
        _ => script_of(token),
    }
}

/// Letters, digits, and the combining marks of Indic scripts (virama and nukta are not
/// `Alphabetic`), plus the joiners used inside Indic words.
#[inline]
pub(super) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    (('\u{0900}'..='\u{0DFF}').contains(&c) && !matches!(c, '\u{0964}' | '\u{0965}'))
        || c.is_alphanumeric()
        || (('\u{0900}'..='\u{0DFF}').contains(&c) && !matches!(c, '\u{0964}' | '\u{0965}'))
        || c == '\u{200C}'
        || c == '\u{200D}'
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SegmentKind {
    Title,
    Body,
    Kicker,
    Alt,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub start: usize,
    pub end: usize,
    pub script: Script,
    /// Punctuation (not just spaces) separates this token from the previous one.
    pub break_before: bool,
    /// First token of a sentence (or of the segment).
    pub sentence_start: bool,
    /// Character offset of the token in its segment.
    pub char_start: usize,
    /// What the lexicon says about the token's text ([`super::lexicon::flag`]); 0 until the
    /// segment is built.
    pub flags: Flags,
    /// The token's text as a number: tokens of one article with the same text have the same
    /// number, counted from 0 in order of first appearance ([`segments`]); 0 until the segment
    /// is built. Later steps keep what they work out about a word by it, unhashed.
    pub word: u32,
}

#[derive(Debug, Clone)]
pub(super) struct Segment<'a> {
    pub kind: SegmentKind,
    pub text: &'a str,
    /// Character offset of the segment in the article's title + body text.
    pub offset: usize,
    pub tokens: Vec<Token>,
    /// Characters in `text`.
    pub chars: usize,
    /// Latin and Devanagari letters in `text`, as [`script_of_char`] counts them.
    pub letters: (usize, usize),
}

impl<'a> Segment<'a> {
    /// `words` numbers the article's distinct words and remembers their lexicon flags (an
    /// article repeats most of its words; a look-up here is cheaper than the lexicon's).
    fn new(
        kind: SegmentKind,
        text: &'a str,
        offset: usize,
        words: &mut FastMap<&'a str, (Flags, u32)>,
    ) -> Segment<'a> {
        let lex = &*LEXICON;
        let Tokenized {
            mut tokens,
            chars,
            letters,
        } = tokenize_counting(text);
        for t in &mut tokens {
            let word = &text[t.start..t.end];
            let next = words.len() as u32;
            (t.flags, t.word) = *words
                .entry(word)
                .or_insert_with(|| (lex.word_flags(word), next));
        }
        Segment {
            kind,
            tokens,
            text,
            offset,
            chars,
            letters,
        }
    }

    /// Whether token `i` has any of the lexicon `flags`.
    #[inline]
    pub(super) fn has(&self, i: usize, flags: Flags) -> bool {
        self.tokens[i].flags & flags != 0
    }

    /// Character position (in the article) of token `i`'s start.
    pub(super) fn token_position(&self, i: usize) -> usize {
        self.offset + self.tokens[i].char_start
    }

    pub(super) fn token_text(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.text[t.start..t.end]
    }

    /// Text of tokens `from..to` as written (with what lies between them).
    pub(super) fn span_text(&self, from: usize, to: usize) -> &str {
        &self.text[self.tokens[from].start..self.tokens[to - 1].end]
    }

    /// Tokens `from..to` joined by single spaces: the form names are compared in.
    pub(super) fn joined(&self, from: usize, to: usize) -> String {
        let mut out = String::with_capacity(
            (from..to)
                .map(|i| self.token_text(i).len() + 1)
                .sum::<usize>(),
        );
        self.push_joined(from, to, &mut out);
        out
    }

    /// [`Segment::joined`], borrowed from the text when single spaces separate the tokens (as
    /// they mostly do): for look-ups.
    pub(super) fn joined_cow(&self, from: usize, to: usize) -> std::borrow::Cow<'a, str> {
        let spaced = (from + 1..to).all(|i| {
            let (prev, t) = (&self.tokens[i - 1], &self.tokens[i]);
            t.start == prev.end + 1 && self.text.as_bytes()[prev.end] == b' '
        });
        if spaced {
            std::borrow::Cow::Borrowed(&self.text[self.tokens[from].start..self.tokens[to - 1].end])
        } else {
            std::borrow::Cow::Owned(self.joined(from, to))
        }
    }

    /// Appends [`Segment::joined`] of tokens `from..to` to `out`.
    pub(super) fn push_joined(&self, from: usize, to: usize, out: &mut String) {
        for i in from..to {
            if i > from {
                out.push(' ');
            }
            out.push_str(self.token_text(i));
        }
    }
}

pub(super) fn tokenize(text: &str) -> Vec<Token> {
    tokenize_counting(text).tokens
}

/// Characters, and Latin and Devanagari letters, of a text as the tokenizer counts them.
#[cfg(test)]
pub(super) fn count_letters(text: &str) -> (usize, (usize, usize)) {
    let t = tokenize_counting(text);
    (t.chars, t.letters)
}

/// The tokens of a text, and what the tokenizer counted on the way.
struct Tokenized {
    tokens: Vec<Token>,
    /// Characters in the text.
    chars: usize,
    /// Latin and Devanagari letters, as [`script_of_char`] counts them.
    letters: (usize, usize),
}

fn tokenize_counting(text: &str) -> Tokenized {
    // About one token per six bytes in either script: one allocation for most texts.
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 6 + 1);
    let mut start: Option<(usize, usize)> = None;
    let mut prev_end = 0;
    let push =
        |tokens: &mut Vec<Token>, (s, char_start): (usize, usize), e: usize, prev_end: usize| {
            let gap = &text[prev_end..s];
            let (mut break_before, mut sentence_end) = (false, false);
            // Most tokens are apart by one space, which neither breaks nor ends a sentence.
            if gap != " " {
                for c in gap.chars() {
                    break_before |= !c.is_whitespace();
                    sentence_end |= matches!(
                        c,
                        '.' | '?' | '!' | '।' | ':' | ';' | '"' | '“' | '”' | '(' | '\n' | '|'
                    );
                }
            }
            let sentence_start = tokens.is_empty() || sentence_end;
            tokens.push(Token {
                start: s,
                end: e,
                script: token_script(&text[s..e]),
                break_before,
                sentence_start,
                char_start,
                flags: 0,
                word: 0,
            });
        };
    let bytes = text.as_bytes();
    let (mut i, mut ci) = (0, 0);
    let (mut latin, mut deva) = (0usize, 0usize);
    while i < bytes.len() {
        // ASCII and the Indic blocks (U+0900..=U+0DFF, UTF-8 E0 A4..=B7 xx) without decoding.
        let (word, len) = match bytes[i] {
            b if b < 0x80 => {
                latin += usize::from(b.is_ascii_alphabetic());
                (b.is_ascii_alphanumeric(), 1)
            }
            0xE0 if matches!(bytes.get(i + 1), Some(0xA4..=0xB7)) => {
                // All letters and marks but the dandas U+0964 and U+0965 (E0 A5 A4, E0 A5 A5).
                let danda = bytes.get(i + 1) == Some(&0xA5)
                    && matches!(bytes.get(i + 2), Some(0xA4 | 0xA5));
                // Devanagari: U+0900..=U+097F (E0 A4 xx, E0 A5 xx) but the dandas.
                deva += usize::from(!danda && bytes[i + 1] <= 0xA5);
                (!danda, 3)
            }
            _ => match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => {
                    match script_of_char(c) {
                        Some(Script::Latin) => latin += 1,
                        Some(Script::Devanagari) => deva += 1,
                        _ => {}
                    }
                    (is_word_char(c), c.len_utf8())
                }
                None => break,
            },
        };
        if word {
            if start.is_none() {
                start = Some((i, ci));
            }
            i += len;
            ci += 1;
            // The rest of a run of Indic letters and marks (the bulk of Hindi text) in one loop.
            while let Some(&[0xE0, b1 @ 0xA4..=0xB7, b2]) = bytes.get(i..i + 3) {
                if b1 == 0xA5 && matches!(b2, 0xA4 | 0xA5) {
                    break;
                }
                deva += usize::from(b1 <= 0xA5);
                i += 3;
                ci += 1;
            }
            continue;
        } else if let Some(s) = start.take() {
            push(&mut tokens, s, i, prev_end);
            prev_end = i;
        }
        i += len;
        ci += 1;
    }
    if let Some(s) = start {
        push(&mut tokens, s, text.len(), prev_end);
    }
    Tokenized {
        tokens,
        chars: ci,
        letters: (latin, deva),
    }
}

/// The words of a cue or name, as token texts joined by single spaces.
pub(super) fn normalize_phrase(phrase: &str) -> String {
    tokenize(phrase)
        .iter()
        .map(|t| &phrase[t.start..t.end])
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first word of a phrase, when the phrase opens with a word: a match of the phrase on word
/// boundaries can only start on a token with exactly this text (its first word ends where the
/// token does, at the phrase's first non-word character or just after the phrase).
pub(super) fn head_word(phrase: &str) -> Option<&str> {
    tokenize(phrase)
        .first()
        .filter(|t| t.start == 0)
        .and_then(|t| phrase.get(..t.end))
}

/// Lays out the article's parts in reading order. Title, summary and body get the character
/// offsets they have in "title + body" text (parts separated by a blank line); kickers and
/// the lead image's alt text come after them.
pub(super) fn segments<'a>(
    title: &'a str,
    summary: Option<&'a str>,
    kickers: &'a [String],
    blocks: &'a [Block],
    lead_image_alt: Option<&'a str>,
) -> Vec<Segment<'a>> {
    let mut parts: Vec<(SegmentKind, &str)> = vec![(SegmentKind::Title, title)];
    if let Some(s) = summary {
        parts.push((SegmentKind::Body, s));
    }
    for block in blocks {
        match block.kind {
            BlockType::Image => {
                for text in [block.alt.as_deref(), block.caption.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    parts.push((SegmentKind::Alt, text));
                }
            }
            _ => parts.push((SegmentKind::Body, &block.text)),
        }
    }
    for k in kickers {
        parts.push((SegmentKind::Kicker, k));
    }
    if let Some(alt) = lead_image_alt {
        parts.push((SegmentKind::Alt, alt));
    }
    let mut offset = 0;
    let mut out = Vec::with_capacity(parts.len());
    let words: usize = parts.iter().map(|(_, text)| text.len() / 6 + 1).sum();
    let mut numbered = FastMap::with_capacity_and_hasher(words / 2, Default::default());
    for (kind, text) in parts {
        if text.trim().is_empty() {
            continue;
        }
        let segment = Segment::new(kind, text, offset, &mut numbered);
        offset += segment.chars + 2;
        out.push(segment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{is_word_char, tokenize};

    #[test]
    fn tokenizing_agrees_with_the_word_character_test() {
        // The byte-level fast paths (ASCII, Indic blocks) must split exactly where
        // `is_word_char` does.
        for c in ('\u{0}'..='\u{3000}').chain(['\u{200C}', '\u{200D}', '\u{FFFD}', '😀']) {
            let text = format!("x{c}y");
            let expected = if is_word_char(c) { 1 } else { 2 };
            assert_eq!(tokenize(&text).len(), expected, "U+{:04X}", u32::from(c));
        }
        for text in ["Kim", "किम", "।x", "1a", "9किम", "é", "", "\u{0964}"] {
            assert!(
                super::token_script(text) == super::script_of(text),
                "{text:?}"
            );
        }
        let t = tokenize("पुतिन। किम, Kim");
        assert_eq!(t.len(), 3);
        assert_eq!(t[1].char_start, 7);
        assert_eq!(t[2].char_start, 12);
    }
}
