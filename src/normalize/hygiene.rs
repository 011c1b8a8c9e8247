//! Text hygiene: the raw input made into clean Unicode lines. NFC, no BOM, no zero-width or control
//! characters, `\n` line endings, single spaces. Devanagari and other combining marks are kept, and
//! ZWJ/ZWNJ survive where they shape a conjunct (between letters or marks). The Indic letters
//! that NFC would take apart (the composition exclusions such as क़ ज़ ड़ U+0958..=U+095F, written
//! as one character) stay as the author wrote them: stored text keeps the author's characters,
//! and matching folds them (entity keys, slugs and tags compose through NFC, which splits them).

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Clean `raw` into NFC text with `\n` line endings, each line trimmed and its space runs collapsed.
pub fn clean_text(raw: &str) -> String {
    clean_text_with_breaks(raw).0
}

/// What cleaning takes off a line that the later steps still read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineShape {
    /// The line ended in a markdown hard break (two or more trailing spaces, html2text's `<br>`):
    /// it and the next line are one paragraph.
    pub hard_break: bool,
    /// Spaces before the line's first character (a tab counting four, at most 255): markdown
    /// writes a code listing indented by four.
    pub indent: u8,
}

/// [`clean_text`], and the [`LineShape`] of each line of the result (one entry a line ending,
/// and one for the last line).
pub fn clean_text_with_breaks(raw: &str) -> (String, Vec<LineShape>) {
    let mut breaks = Vec::new();
    let mut trailing = 0usize;
    // Leading spaces of the line being read, and whether nothing but spaces came yet.
    let mut indent = 0u8;
    let mut at_line_start = true;
    let mut out = String::with_capacity(raw.len());
    let mut prev: Option<char> = None;
    let mut pending_space = false;
    // Whether a character kept may keep the text from being NFC as it is (see `surely_nfc`,
    // which decides then): when none does, the text needs no second look.
    let mut nfc_suspect = false;
    let mut i = 0;
    while i < raw.len() {
        // Fast path: runs of printable ASCII and Indic letters need no checks.
        let (run, suspect) = plain_run_len(&raw.as_bytes()[i..]);
        nfc_suspect |= suspect;
        if run > 0 {
            if let Some(plain) = raw.get(i..i + run) {
                flush_space(&mut out, &mut pending_space);
                out.push_str(plain);
                prev = plain.chars().next_back();
                trailing = 0;
                at_line_start = false;
            }
            i += run;
            continue;
        }
        let Some(c) = raw.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        let next = || raw.get(i..).and_then(|rest| rest.chars().next());
        match c {
            '\r' => {
                if next() == Some('\n') {
                    i += 1;
                }
                breaks.push(LineShape {
                    hard_break: trailing >= 2,
                    indent,
                });
                (trailing, indent, at_line_start) = (0, 0, true);
                end_line(&mut out, &mut pending_space);
                prev = Some('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{0B}' | '\u{0C}' => {
                breaks.push(LineShape {
                    hard_break: trailing >= 2,
                    indent,
                });
                (trailing, indent, at_line_start) = (0, 0, true);
                end_line(&mut out, &mut pending_space);
                prev = Some('\n');
            }
            '\u{200C}' | '\u{200D}' => {
                // Keep joiners only inside words, where they choose a conjunct form.
                let joins = prev.is_some_and(is_word_part) && next().is_some_and(is_word_part);
                if joins {
                    flush_space(&mut out, &mut pending_space);
                    out.push(c);
                    prev = Some(c);
                    trailing = 0;
                    at_line_start = false;
                }
            }
            c if is_invisible(c) => {}
            c if c == '\t' || c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with('\n') {
                    pending_space = true;
                }
                prev = Some(' ');
                trailing += 1;
                if at_line_start {
                    indent = indent.saturating_add(if c == '\t' { 4 } else { 1 });
                }
            }
            c if c.is_control() => {}
            c => {
                nfc_suspect |= !inert(c);
                flush_space(&mut out, &mut pending_space);
                out.push(c);
                prev = Some(c);
                trailing = 0;
                at_line_start = false;
            }
        }
    }
    breaks.push(LineShape {
        hard_break: false,
        indent,
    });
    if out.ends_with('\n') {
        let trimmed = out.trim_end_matches('\n').len();
        out.truncate(trimmed);
    }
    if !nfc_suspect {
        return (out, breaks);
    }
    (compose_lines(out), breaks)
}

/// Length of the run at the start of `bytes` (UTF-8) of printable ASCII and of characters of the
/// Indic blocks U+0900..=U+0DFF (E0 A4..=B7 xx), which hygiene keeps as they are, and of single
/// spaces between them (which hygiene keeps too: a space inside a line, not before another
/// space); and whether
/// the run holds a character that `surely_nfc` does not pass on its own byte-level fast path
/// (anything but ASCII and the Devanagari that path takes, the virama included).
fn plain_run_len(bytes: &[u8]) -> (usize, bool) {
    let mut n = 0;
    let mut suspect = false;
    loop {
        match bytes.get(n) {
            Some(b) if b.is_ascii_graphic() => n += 1,
            Some(b' ') if n > 0 && starts_plain(bytes.get(n + 1..).unwrap_or_default()) => n += 1,
            Some(0xE0) if matches!(bytes.get(n + 1), Some(0xA4..=0xB7)) => {
                suspect |= match (bytes.get(n + 1), bytes.get(n + 2)) {
                    // The nukta, unless it follows a letter in this run that it neither
                    // composes with (न र ळ) nor must go before (the virama).
                    (Some(0xA4), Some(0xBC)) => !nukta_stays(bytes.get(n.wrapping_sub(3)..n)),
                    (Some(0xA4), Some(_)) => false,
                    (Some(0xA5), Some(b)) => matches!(b, 0x91..=0x94 | 0x98..=0x9F),
                    _ => true,
                };
                n += 3;
                // The rest of a run of Devanagari letters and signs that leave `suspect` as it
                // is (all but the nukta and E0 A5 91..=94, 98..=9F), the bulk of Hindi text, in
                // one tight loop; the match above takes whatever stops it.
                while let Some(&[0xE0, b1 @ (0xA4 | 0xA5), b2]) = bytes.get(n..n + 3) {
                    if (b1 == 0xA4 && b2 == 0xBC)
                        || (b1 == 0xA5 && matches!(b2, 0x91..=0x94 | 0x98..=0x9F))
                    {
                        break;
                    }
                    n += 3;
                }
            }
            _ => return (n.min(bytes.len()), suspect),
        }
    }
}

/// Whether `bytes` starts with a character a plain run takes: printable ASCII or a character of
/// the Indic blocks.
fn starts_plain(bytes: &[u8]) -> bool {
    match bytes {
        [b, ..] if b.is_ascii_graphic() => true,
        [0xE0, b1, ..] => matches!(b1, 0xA4..=0xB7),
        _ => false,
    }
}

/// Whether a nukta after the Devanagari character `before` (its three bytes in the same run) is
/// NFC as it stands: after anything but न र ळ (E0 A4 A8, B0, B3), which it composes with, and
/// the virama and stress signs (E0 A5 8D, 91..=94), which it must go before.
fn nukta_stays(before: Option<&[u8]>) -> bool {
    match before {
        Some([0xE0, 0xA4, b]) => !matches!(b, 0xA8 | 0xB0 | 0xB3),
        Some([0xE0, 0xA5, b]) => !matches!(b, 0x8D | 0x91..=0x94),
        _ => false,
    }
}

/// NFC, line by line: most lines are already composed and are left as they are.
fn compose_lines(text: String) -> String {
    if surely_nfc(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if surely_nfc(line) || is_nfc_quick(line.chars()) == IsNormalized::Yes {
            out.push_str(line);
        } else {
            compose_keeping_indic_letters(line, &mut out);
        }
    }
    out
}

/// NFC of `line` into `out`, but the Indic letters with a nukta (or another mark) that Unicode
/// excludes from composition are kept as written: NFC would replace each by two characters.
/// (A mark of a lower combining class than the nukta's 7 right after such a letter goes before
/// the nukta in canonical order; there the letter is decomposed as NFC does.)
fn compose_keeping_indic_letters(line: &str, out: &mut String) {
    let mut start = 0;
    let mut iter = line.char_indices().peekable();
    while let Some((at, c)) = iter.next() {
        if !is_indic_composition_exclusion(c) {
            continue;
        }
        let next_class = iter
            .peek()
            .map_or(0, |&(_, n)| canonical_combining_class(n));
        if (1..7).contains(&next_class) {
            continue;
        }
        out.extend(line[start..at].nfc());
        out.push(c);
        start = at + c.len_utf8();
    }
    out.extend(line[start..].nfc());
}

/// `s` with the Indic letters kept as written (see [`compose_keeping_indic_letters`]) taken apart
/// as NFC does: the form the data lists are written in, for matching them.
pub fn fold_indic_letters(s: &str) -> Cow<'_, str> {
    // Every such letter is three bytes starting E0 A5, A7, A8, A9 or AD.
    // (memchr: text without any E0 byte, such as most Latin text, is passed over at once.)
    let bytes = s.as_bytes();
    let maybe = memchr::memchr_iter(0xE0, bytes)
        .any(|i| matches!(bytes.get(i + 1), Some(0xA5 | 0xA7 | 0xA8 | 0xA9 | 0xAD)));
    if !maybe || !s.chars().any(is_indic_composition_exclusion) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_indic_composition_exclusion(c) {
            out.extend(c.to_string().nfc());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Unicode's composition exclusions in the Indic blocks (CompositionExclusions.txt): letters
/// written with a nukta or a second part that NFC decomposes and never composes again.
fn is_indic_composition_exclusion(c: char) -> bool {
    matches!(
        c,
        '\u{0958}'..='\u{095F}'
            | '\u{09DC}'
            | '\u{09DD}'
            | '\u{09DF}'
            | '\u{0A33}'
            | '\u{0A36}'
            | '\u{0A59}'..='\u{0A5B}'
            | '\u{0A5E}'
            | '\u{0B5C}'
            | '\u{0B5D}'
    )
}

/// A fast NFC quick check for the common case: ASCII, and Indic letters other than the few that
/// take part in canonical composition (Unicode's NFC_Quick_Check No/Maybe characters of the
/// Devanagari to Sinhala blocks). The Devanagari nukta only composes after न, र and ळ (into ऩ, ऱ,
/// ऴ), so ड़ and ढ़ written with a nukta are already NFC. Combining marks must also be in
/// canonical order (a mark never follows one of a higher combining class: the nukta, class 7,
/// goes before the virama, class 9). Anything else goes to the full check.
pub(crate) fn surely_nfc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut prev = '\0';
    // Canonical combining class of the previous character.
    let mut prev_class = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        // ASCII, and the Devanagari letters and marks that take no part, byte by byte: U+0900..=
        // U+097F is E0 A4 xx and E0 A5 xx; the nukta U+093C is E0 A4 BC, its bases न र ळ
        // (U+0928, U+0930, U+0933) E0 A4 A8, B0 and B3, and U+0958..=U+095F E0 A5 98..=9F. None
        // of them is a nukta's base, so the one before a nukta is never one of these. All of
        // them are of combining class 0 but the virama U+094D (E0 A5 8D, class 9) and the
        // stress signs U+0951..=U+0954 (E0 A5 91..=94), which are left to the full check.
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b, _, _) if b < 0x80 => {
                (prev, prev_class) = ('\0', 0);
                i += 1;
                continue;
            }
            (0xE0, Some(0xA4), Some(b)) if !matches!(b, 0xA8 | 0xB0 | 0xB3 | 0xBC) => {
                (prev, prev_class) = ('\0', 0);
                i += 3;
                continue;
            }
            (0xE0, Some(0xA5), Some(0x8D)) => {
                // The virama: nothing of a higher class may go before it, nothing of a lower
                // class follow it.
                if prev_class > 9 {
                    return false;
                }
                (prev, prev_class) = ('\0', 9);
                i += 3;
                continue;
            }
            (0xE0, Some(0xA5), Some(b)) if !matches!(b, 0x91..=0x94 | 0x98..=0x9F) => {
                (prev, prev_class) = ('\0', 0);
                i += 3;
                continue;
            }
            _ => {}
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        i += c.len_utf8();
        let class = canonical_combining_class(c);
        if class != 0 && class < prev_class {
            // Out of canonical order: NFC reorders the marks.
            return false;
        }
        prev_class = class;
        let fine = if c.is_ascii() {
            true
        } else if c == '\u{093C}' {
            !matches!(prev, '\u{0928}' | '\u{0930}' | '\u{0933}')
        } else if ('\u{0900}'..='\u{097F}').contains(&c) {
            // Devanagari: only the nukta (above) and the letters with a nukta take part.
            !('\u{0958}'..='\u{095F}').contains(&c)
        } else if ('\u{0980}'..='\u{0DFF}').contains(&c) {
            !matches!(c,
                '\u{0958}'..='\u{095F}' | '\u{09BE}' | '\u{09D7}' | '\u{09DC}' | '\u{09DD}' | '\u{09DF}'
                | '\u{0A33}' | '\u{0A36}' | '\u{0A59}'..='\u{0A5B}' | '\u{0A5E}'
                | '\u{0B3E}' | '\u{0B56}' | '\u{0B57}' | '\u{0B5C}' | '\u{0B5D}'
                | '\u{0BBE}' | '\u{0BD7}' | '\u{0C56}' | '\u{0CC2}' | '\u{0CD5}' | '\u{0CD6}'
                | '\u{0D3E}' | '\u{0D57}' | '\u{0DCA}' | '\u{0DCF}' | '\u{0DDF}')
        } else {
            inert(c)
        };
        if !fine {
            return false;
        }
        prev = c;
    }
    true
}

/// Characters outside the Indic blocks that NFC never changes, wherever they stand: Latin-1 and
/// spacing letters (no combining marks), general punctuation and currency signs, of canonical
/// combining class 0 and NFC quick check "yes".
fn inert(c: char) -> bool {
    matches!(c, '\u{00A0}'..='\u{02FF}' | '\u{2000}'..='\u{206F}' | '\u{20A0}'..='\u{20BF}')
        && !matches!(c, '\u{0300}'..='\u{036F}')
        && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// NFC, invisible characters removed, whitespace collapsed, trimmed: for short explicit fields.
pub fn clean_inline(raw: &str) -> String {
    clean_text(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn end_line(out: &mut String, pending_space: &mut bool) {
    *pending_space = false;
    out.push('\n');
}

fn flush_space(out: &mut String, pending_space: &mut bool) {
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
}

/// BOM, zero-width space, word joiner, directional marks and other format characters with no
/// visible effect in prose.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{180E}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FFFE}'
            | '\u{FFFF}'
    )
}

/// [`lowercase`], borrowing `s` when lower-casing leaves it as it is (most lines newsdesk sees).
pub fn lowercase_cow(s: &str) -> Cow<'_, str> {
    if has_no_case(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(lowercase(s))
    }
}

/// The same as `str::to_lowercase`, faster on what newsdesk mostly sees: lower-case ASCII and the
/// caseless Indic blocks are copied in runs, and only other characters are mapped.
pub fn lowercase(s: &str) -> String {
    if has_no_case(s) {
        return s.to_string();
    }
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    if s.contains('Σ') {
        // Final sigma depends on the letters around it.
        return s.to_lowercase();
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Start of the run copied unchanged, and the byte being looked at.
    let (mut from, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b if b < 0x80 && !b.is_ascii_uppercase() => i += 1,
            b if b < 0x80 => {
                // An ASCII capital: its lower-case letter, without a case-mapping look-up.
                out.push_str(s.get(from..i).unwrap_or_default());
                out.push(char::from(b.to_ascii_lowercase()));
                i += 1;
                from = i;
            }
            // U+0900..=U+0DFF (E0 A4..=B7 xx): no case.
            0xE0 if matches!(bytes.get(i + 1), Some(0xA4..=0xB7)) => {
                i += 3;
                // The rest of an Indic run in one tight loop.
                while let Some(&[0xE0, 0xA4..=0xB7, _]) = bytes.get(i..i + 3) {
                    i += 3;
                }
            }
            // U+2000..=U+203F (E2 80 xx: spaces, dashes, quotes): no case.
            0xE2 if bytes.get(i + 1) == Some(&0x80) => i += 3,
            _ => {
                let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                out.push_str(s.get(from..i).unwrap_or_default());
                out.extend(c.to_lowercase());
                i += c.len_utf8();
                from = i;
            }
        }
    }
    out.push_str(s.get(from..).unwrap_or_default());
    out
}

/// Whether lower-casing leaves `s` as it is because it is made of ASCII other than capitals and
/// of the caseless Indic blocks U+0900..=U+0DFF (E0 A4..=B7 xx), checked without a branch per
/// byte: no ASCII capital, and every byte that starts a multi-byte character (C0 and up) is E0
/// followed by A4..=B7.
fn has_no_case(s: &str) -> bool {
    let bytes = s.as_bytes();
    let upper = bytes
        .iter()
        .fold(0u8, |acc, &b| acc | u8::from(b.wrapping_sub(b'A') < 26));
    // A lead byte is never last in UTF-8: each has the byte after it.
    let next = bytes.get(1..).unwrap_or_default();
    let other = bytes.iter().zip(next).fold(0u8, |acc, (&b, &n)| {
        acc | (u8::from(b >= 0xC0) & (u8::from(b != 0xE0) | u8::from(n.wrapping_sub(0xA4) > 0x13)))
    });
    upper | other == 0
}

/// A letter, digit or combining mark (Indic vowel signs and viramas included).
#[inline]
pub fn is_word_part(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Fast path for the Indic blocks (Devanagari to Sinhala): everything but their punctuation.
    if ('\u{0900}'..='\u{0DFF}').contains(&c) {
        return !matches!(c, '\u{0964}' | '\u{0965}' | '\u{0970}' | '\u{0DF4}');
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Combining marks of the scripts newsdesk sees (Devanagari to Sinhala, and generic diacritics).
pub fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}' | '\u{0962}' | '\u{0963}'
        | '\u{0981}'..='\u{0983}' | '\u{09BC}'..='\u{09D7}' | '\u{09E2}' | '\u{09E3}'
        | '\u{0A01}'..='\u{0A03}' | '\u{0A3C}'..='\u{0A51}' | '\u{0A70}' | '\u{0A71}' | '\u{0A75}'
        | '\u{0A81}'..='\u{0A83}' | '\u{0ABC}'..='\u{0ACD}' | '\u{0AE2}' | '\u{0AE3}'
        | '\u{0B01}'..='\u{0B03}' | '\u{0B3C}'..='\u{0B57}' | '\u{0B62}' | '\u{0B63}'
        | '\u{0B82}' | '\u{0BBE}'..='\u{0BD7}'
        | '\u{0C00}'..='\u{0C04}' | '\u{0C3C}'..='\u{0C56}' | '\u{0C62}' | '\u{0C63}'
        | '\u{0C81}'..='\u{0C83}' | '\u{0CBC}'..='\u{0CD6}' | '\u{0CE2}' | '\u{0CE3}'
        | '\u{0D00}'..='\u{0D03}' | '\u{0D3B}'..='\u{0D57}' | '\u{0D62}' | '\u{0D63}'
        | '\u{0D81}'..='\u{0D83}' | '\u{0DCA}'..='\u{0DF3}'
        | '\u{064B}'..='\u{065F}' | '\u{0670}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`surely_nfc`] as it read before its byte-level fast path: character by character.
    fn surely_nfc_by_chars(text: &str) -> bool {
        let mut prev = '\0';
        let mut prev_class = 0;
        for c in text.chars() {
            let class = canonical_combining_class(c);
            if class != 0 && class < prev_class {
                return false;
            }
            prev_class = class;
            let fine = if c.is_ascii() {
                true
            } else if c == '\u{093C}' {
                !matches!(prev, '\u{0928}' | '\u{0930}' | '\u{0933}')
            } else if ('\u{0900}'..='\u{097F}').contains(&c) {
                !('\u{0958}'..='\u{095F}').contains(&c)
            } else {
                // Every other character goes to the same code in both.
                return surely_nfc(text);
            };
            if !fine {
                return false;
            }
            prev = c;
        }
        true
    }

    #[test]
    fn surely_nfc_fast_path_changes_nothing() {
        let chars = || ('\u{0900}'..='\u{097F}').chain(['a', ' ']);
        for a in chars() {
            for b in chars() {
                let text = format!("{a}{b}x{a}");
                assert_eq!(surely_nfc(&text), surely_nfc_by_chars(&text), "{text:?}");
            }
        }
        assert!(surely_nfc("पुतिन और किम जोंग उन, 40 सेकेंड"));
        assert!(!surely_nfc("न\u{093C}"));
    }

    /// Whenever the fast check says "NFC", the library's NFC leaves the text as it is.
    fn assert_surely_nfc_is_right(text: &str) {
        if surely_nfc(text) {
            let nfc: String = text.nfc().collect();
            assert_eq!(nfc, text, "{text:?}");
        }
        // Hygiene, which skips the check when it saw nothing suspect, gives NFC (but for the
        // Indic letters NFC would take apart, which it keeps as written).
        assert!(nfc_but_kept_letters(&clean_text(text)), "{text:?}");
    }

    /// NFC once the Indic composition exclusions kept as written are taken apart.
    fn nfc_but_kept_letters(text: &str) -> bool {
        let apart: String = text
            .chars()
            .flat_map(|c| {
                if is_indic_composition_exclusion(c) {
                    c.to_string().nfc().collect::<Vec<char>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        unicode_normalization::is_nfc(&apart)
    }

    #[test]
    fn marks_out_of_canonical_order_are_not_nfc() {
        // Virama (class 9) then nukta (class 7): NFC puts the nukta first.
        let text = "क\u{094D}\u{093C}ष";
        assert!(!surely_nfc(text));
        assert!(!unicode_normalization::is_nfc(text));
        let nfc: String = text.nfc().collect();
        assert_eq!(clean_text(text), nfc);
        assert_eq!(nfc, "क\u{093C}\u{094D}ष");
        // In order, it is NFC as it is.
        assert!(surely_nfc("क\u{093C}\u{094D}ष"));
        // Other scripts' viramas and nuktas, and the Vedic stress signs.
        for text in [
            "ক\u{09CD}\u{09BC}",
            "ਕ\u{0A4D}\u{0A3C}",
            "ક\u{0ACD}\u{0ABC}",
            "କ\u{0B4D}\u{0B3C}",
            "ಕ\u{0CCD}\u{0CBC}",
            "क\u{0951}\u{0952}",
            "क\u{0951}\u{094D}",
            "क\u{094D}\u{0301}\u{093C}",
        ] {
            assert!(!surely_nfc(text), "{text:?}");
            assert_eq!(clean_text(text), text.nfc().collect::<String>(), "{text:?}");
        }
    }

    #[test]
    fn fast_check_is_right_on_every_indic_pair() {
        // Every character of the Indic blocks followed by every combining mark among them (and
        // a few others), alone and after a letter; and every pair of Devanagari characters.
        let marks: Vec<char> = ('\u{0900}'..='\u{0DFF}')
            .filter(|&c| canonical_combining_class(c) != 0 || is_combining_mark(c))
            .chain(['\u{0300}', '\u{0334}', '\u{1CD0}', '\u{20D0}'])
            .collect();
        for a in ('\u{0900}'..='\u{0DFF}').chain(['a', ' ', '\u{00E9}']) {
            for &b in &marks {
                assert_surely_nfc_is_right(&format!("{a}{b}"));
                assert_surely_nfc_is_right(&format!("क{a}{b}x"));
            }
        }
        for a in '\u{0900}'..='\u{097F}' {
            for b in '\u{0900}'..='\u{097F}' {
                assert_surely_nfc_is_right(&format!("{a}{b}"));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_check_never_says_nfc_of_what_nfc_changes(
            text in "[ a-z\u{00C0}-\u{00FF}\u{0300}-\u{0302}\u{0900}-\u{097F}\u{0980}-\u{09FF}\u{0A00}-\u{0A7F}\u{0B00}-\u{0B7F}\u{0C00}-\u{0CFF}\u{0D00}-\u{0DFF}\u{094D}\u{093C}\u{0951}-\u{0954}]{0,12}"
        ) {
            if surely_nfc(&text) {
                proptest::prop_assert_eq!(text.nfc().collect::<String>(), text.clone());
            }
            proptest::prop_assert!(nfc_but_kept_letters(&clean_text(&text)));
            // Folded for matching, the kept text is the text's NFC.
            proptest::prop_assert_eq!(
                clean_text(&text).nfc().collect::<String>(),
                clean_text(&text.nfc().collect::<String>()).nfc().collect::<String>()
            );
        }
    }

    #[test]
    fn strips_invisibles_and_unifies_lines() {
        let raw = "\u{FEFF}Hello\u{200B} \t  world\r\nsecond\rthird\u{0007}\n\n";
        assert_eq!(clean_text(raw), "Hello world\nsecond\nthird");
    }

    #[test]
    fn marks_hard_breaks() {
        let (text, lines) = clean_text_with_breaks("one  \ntwo \nthree  \r\n\nfour");
        assert_eq!(text, "one\ntwo\nthree\n\nfour");
        let breaks: Vec<bool> = lines.iter().map(|l| l.hard_break).collect();
        assert_eq!(breaks, vec![true, false, true, false, false]);
    }

    #[test]
    fn measures_indents() {
        let (text, lines) =
            clean_text_with_breaks("Intro:\n\n    let x = 1;\n\t  y\n  * item  two\nend");
        assert_eq!(text, "Intro:\n\nlet x = 1;\ny\n* item two\nend");
        let indents: Vec<u8> = lines.iter().map(|l| l.indent).collect();
        assert_eq!(indents, vec![0, 0, 4, 6, 2, 0]);
    }

    #[test]
    fn keeps_devanagari_marks_and_joiners_inside_words() {
        let raw = "क्\u{200D}ष  \u{200D}नमस्ते";
        assert_eq!(clean_text(raw), "क्\u{200D}ष नमस्ते");
    }

    #[test]
    fn keeps_precomposed_nukta_letters_as_written() {
        // ज़ and फ़ as one character each (U+095B, U+095E), as many Hindi sites write them, next to
        // a decomposed é that NFC composes.
        let raw = "\u{095B}\u{093F}\u{0902}\u{0926}\u{0917}\u{0940} \u{095E}\u{093C}x cafe\u{0301}";
        let clean = clean_text(raw);
        assert!(clean.contains("\u{095B}\u{093F}\u{0902}"), "{clean:?}");
        assert!(clean.contains('\u{095E}'), "{clean:?}");
        assert!(clean.ends_with("caf\u{00E9}"), "{clean:?}");
        assert!(!clean.contains("\u{091C}\u{093C}"), "{clean:?}");
        // Every exclusion is one NFC takes apart, and one character in, one out.
        for c in ('\u{0900}'..='\u{0DFF}').filter(|c| is_indic_composition_exclusion(*c)) {
            assert_ne!(c.to_string().nfc().collect::<String>(), c.to_string());
            assert_eq!(clean_text(&format!("a {c} b")), format!("a {c} b"));
        }
    }

    #[test]
    fn folding_takes_kept_letters_apart() {
        assert_eq!(fold_indic_letters("पढ़ें"), "पढ़ें");
        assert_eq!(fold_indic_letters("प\u{095D}ें"), "प\u{0922}\u{093C}ें");
        assert!(matches!(fold_indic_letters("plain क"), Cow::Borrowed(_)));
    }

    #[test]
    fn composes_to_nfc() {
        assert_eq!(clean_text("e\u{0301}"), "é");
        assert_eq!(clean_text("\u{0928}\u{093C}"), "\u{0929}");
        // ड़ with a nukta stays as it is: U+095C is excluded from composition.
        assert_eq!(clean_text("\u{0921}\u{093C}"), "\u{0921}\u{093C}");
        // Written as one character, it stays one character (the author's spelling).
        assert_eq!(clean_text("\u{095C}"), "\u{095C}");
    }

    #[test]
    fn lowercase_agrees_with_the_library() {
        for s in [
            "",
            "ABC def",
            "पुतिन PM मोदी",
            "ΟΔΟΣ Σ ΣΑ",
            "İstanbul ẞ Ǆ",
            "“Quoted” — É",
        ] {
            assert_eq!(lowercase(s), s.to_lowercase(), "{s}");
        }
        for c in ('\u{0}'..='\u{3100}').chain(['\u{10400}', '\u{1E900}', 'Ａ']) {
            let s = format!("क{c}A{c}");
            assert_eq!(lowercase(&s), s.to_lowercase(), "U+{:04X}", u32::from(c));
            // Without a capital, the branch-free test decides.
            for s in [format!("क{c}a{c}"), format!("{c}"), format!("{c}ॐ")] {
                assert_eq!(lowercase(&s), s.to_lowercase(), "U+{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn fast_check_agrees_with_the_library() {
        for s in [
            "पुतिन और किम जोंग उन पकड़े",
            "Crème brûlée — “quoted”",
            "क़िला",
            "ஔ கௌ",
            "e\u{0301}",
        ] {
            let nfc: String = s.nfc().collect();
            if surely_nfc(s) {
                assert_eq!(nfc, s, "{s}");
            }
        }
    }
}
