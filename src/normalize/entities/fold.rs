//! Spelling folds for matching Devanagari names as papers write them: long and short ई/इ and
//! ऊ/उ (letters and vowel signs), nukta (combining or precomposed), chandrabindu/anusvara and
//! zero-width characters are matched alike ("पंचकूला" = "पंचकुला", "ज़िला" = "जिला"). The ा sign is
//! not folded: it tells names apart ("नगर" / "नागर").

/// What `c` becomes when folded: `Some(c2)`, or `None` when it is dropped.
#[inline]
pub(super) fn fold_char(c: char) -> Option<char> {
    Some(match c {
        'ई' => 'इ',
        'ऊ' => 'उ',
        '\u{0940}' => '\u{093F}',
        '\u{0942}' => '\u{0941}',
        '\u{0901}' => '\u{0902}',
        '\u{093C}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => return None,
        '\u{0958}' => '\u{0915}',
        '\u{0959}' => '\u{0916}',
        '\u{095A}' => '\u{0917}',
        '\u{095B}' => '\u{091C}',
        '\u{095C}' => '\u{0921}',
        '\u{095D}' => '\u{0922}',
        '\u{095E}' => '\u{092B}',
        '\u{095F}' => '\u{092F}',
        c => c,
    })
}

/// Whether folding changes `s` (a quick byte scan: every foldable character is E0 A4/A5 xx or
/// E2 80/81 xx or EF BB BF).
#[inline]
pub(super) fn needs_fold(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        match (b[i], b[i + 1], b[i + 2]) {
            (0xE0, 0xA4, 0x88 | 0x8A | 0x81 | 0xBC)
            | (0xE0, 0xA5, 0x80 | 0x82 | 0x98..=0x9F)
            | (0xE2, 0x80, 0x8B..=0x8D)
            | (0xE2, 0x81, 0xA0)
            | (0xEF, 0xBB, 0xBF) => return true,
            _ => {}
        }
        i += match b[i] {
            0..=0x7F => 1,
            0x80..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    false
}

/// `s` folded.
pub(super) fn fold(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}

/// `s` folded into `buf`, when it fits; `None` when it does not. Folding never makes a text
/// longer (every folded character is three bytes and stays three bytes or is dropped), so the
/// bytes are copied and only three-byte characters are decoded.
pub(super) fn fold_into<'b>(s: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    let out = buf.get_mut(..s.len())?;
    let b = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        let lead = b[i];
        if !(0xE0..=0xEF).contains(&lead) {
            // Not a three-byte character: copied as it is.
            out[n] = lead;
            i += 1;
            n += 1;
            continue;
        }
        let &[b1, b2] = b.get(i + 1..i + 3)? else {
            return None;
        };
        let code = u32::from(lead & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
        let c = char::from_u32(code)?;
        if let Some(f) = fold_char(c) {
            // Three bytes in, three bytes out.
            f.encode_utf8(out.get_mut(n..n + 3)?);
            n += 3;
        }
        i += 3;
    }
    std::str::from_utf8(&out[..n]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_into_a_buffer_is_folding() {
        let mut buf = [0u8; 64];
        for s in [
            "पंचकूला",
            "ज़िला",
            "ज\u{093C}िला",
            "गाँव",
            "दि\u{200D}ल्ली",
            "Delhi",
            "",
            "ईरान\u{FEFF}é😀\u{2060}x",
            "\u{0958}\u{095F}ऊ",
        ] {
            assert_eq!(fold_into(s, &mut buf), Some(fold(s).as_str()), "{s}");
        }
        let long = "ईरान".repeat(10);
        assert_eq!(fold_into(&long, &mut buf), None);
        assert_eq!(
            fold_into(&long, &mut [0u8; 128]),
            Some(fold(&long).as_str())
        );
    }

    #[test]
    fn folds_vowel_length_nukta_and_nasal() {
        assert_eq!(fold("पंचकूला"), fold("पंचकुला"));
        assert_eq!(fold("ज़िला"), "जिला");
        assert_eq!(fold("ज\u{093C}िला"), "जिला");
        assert_eq!(fold("गाँव"), fold("गांव"));
        assert_eq!(fold("दि\u{200D}ल्ली"), fold("दिल्ली"));
        assert_ne!(fold("नगर"), fold("नागर"));
        for s in ["पंचकूला", "ज़िला", "गाँव", "ईरान", "a\u{200D}b", "\u{feff}"]
        {
            assert!(needs_fold(s), "{s}");
        }
        for s in ["पंचकुला", "जिला", "गांव", "Delhi", ""] {
            assert!(!needs_fold(s), "{s}");
        }
    }
}
