//! Readable ASCII slugs from titles and names in any script. Romanization is deunicode's; for
//! Devanagari the inherent vowel is restored between consonants (deunicode drops it: "आपस" would
//! read "aaps"), and retroflex consonants are written as their plain letters.
//!
//! Ours, not a crate's: slug crates (`slug`, `slugify`) romanize through deunicode or unidecode, whose
//! tables both drop Devanagari's inherent vowel; this module is that fix on top of deunicode.

use unicode_normalization::UnicodeNormalization;

/// Longest slug, in bytes.
pub const SLUG_MAX: usize = 80;

/// `putin-aur-kim-jong-un-ne-aapas-men-bhent-kii-banduuken-…` for the seed fixture's title.
pub fn slugify(text: &str) -> String {
    let romanized = romanize(text);
    let mut slug = String::with_capacity(romanized.len());
    for word in romanized
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if slug.len() + word.len() + 1 > SLUG_MAX {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        // A single over-long word: cut it.
        slug = romanized
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(SLUG_MAX)
            .collect();
    }
    slug
}

fn is_consonant(c: char) -> bool {
    ('\u{0915}'..='\u{0939}').contains(&c) || ('\u{0958}'..='\u{095F}').contains(&c)
}

/// Vowel signs, virama and nukta: they replace or cancel the inherent vowel.
fn cancels_inherent_vowel(c: char) -> bool {
    ('\u{093A}'..='\u{094F}').contains(&c) || matches!(c, '\u{0962}' | '\u{0963}')
}

/// Continues a word after a consonant: another letter, or a nasal or visarga sign.
fn continues_word(c: char) -> bool {
    is_consonant(c)
        || ('\u{0904}'..='\u{0914}').contains(&c)
        || matches!(c, '\u{0901}'..='\u{0903}')
}

fn plain_consonant(c: char) -> Option<&'static str> {
    Some(match c {
        'ट' => "t",
        'ठ' => "th",
        'ड' => "d",
        'ढ' => "dh",
        'ण' => "n",
        'ष' => "sh",
        'श' => "sh",
        _ => return None,
    })
}

fn romanize(text: &str) -> String {
    let chars: Vec<char> = text.nfc().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_consonant(c) {
            match plain_consonant(c) {
                Some(latin) => out.push_str(latin),
                None => out.push_str(deunicode::deunicode_char(c).unwrap_or("")),
            }
            let next = chars.get(i + 1).copied();
            let after_nukta = match next {
                Some('\u{093C}') => chars.get(i + 2).copied(),
                other => other,
            };
            if let Some(n) = after_nukta {
                if !cancels_inherent_vowel(n) && continues_word(n) {
                    out.push('a');
                }
            }
        } else if c == '\u{093C}' {
            // Nukta: already folded into the consonant's sound.
        } else {
            out.push_str(deunicode::deunicode_char(c).unwrap_or(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn devanagari_titles_read_naturally() {
        assert_eq!(
            slugify(
                "पुतिन और किम जोंग उन ने आपस में भेंट की बंदूकें, मुलाकात के दौरान 40 सेकेंड पकड़े रहे एक दूसरे का हाथ"
            ),
            "putin-aur-kim-jong-un-ne-aapas-men-bhent-kii-banduuken-mulaakaat-ke-dauraan-40"
        );
        assert_eq!(
            slugify("रूस यात्रा की वजह क्या थी?"),
            "ruus-yaatraa-kii-vajah-kyaa-thii"
        );
    }

    #[test]
    fn latin_and_edge_cases() {
        assert_eq!(
            slugify("Council approves £5m Budget — finally!"),
            "council-approves-ps5m-budget-finally"
        );
        assert_eq!(slugify("Café déjà vu"), "cafe-deja-vu");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify(&"a".repeat(200)).len(), 80);
        assert!(slugify(&"word ".repeat(100)).len() <= 80);
    }
}
