//! Tags: display names and slugs. Kickers and the sender's tags become the article's tags,
//! deduplicated by slug.

use unicode_normalization::UnicodeNormalization;

use super::hygiene::clean_inline;

/// The display form of a tag: NFC, invisible characters removed, whitespace collapsed, stray
/// punctuation (`#`, `:`) trimmed. `None` when nothing is left.
pub fn normalize_tag_name(name: &str) -> Option<String> {
    let cleaned = clean_inline(name);
    let trimmed = cleaned
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '#' | ':' | ',' | ';' | '|' | '/' | '-')
        })
        .to_string();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// The URL slug of a tag: NFC, trimmed, case-folded, transliterated to ASCII (deunicode) and its
/// lowercase words joined by `-`. Empty when the name has no letters or digits.
pub fn tag_slug(name: &str) -> String {
    let cleaned = clean_inline(name);
    // Printable ASCII is its own NFC and transliteration: only lower-casing is left.
    let ascii = if cleaned.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        cleaned.to_ascii_lowercase()
    } else {
        let folded: String = cleaned.nfc().flat_map(char::to_lowercase).collect();
        deunicode::deunicode(&folded).to_ascii_lowercase()
    };
    let mut slug = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug
}

/// Kickers first, then the sender's tags, each once (by slug).
pub fn collect_tags(kickers: &[String], explicit: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut slugs: Vec<String> = Vec::new();
    for name in kickers.iter().chain(explicit) {
        let Some(display) = normalize_tag_name(name) else {
            continue;
        };
        let slug = tag_slug(&display);
        if slug.is_empty() || slugs.contains(&slug) {
            continue;
        }
        slugs.push(slug);
        tags.push(display);
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            tag_slug("  Putin Kim Jong   Meeting "),
            "putin-kim-jong-meeting"
        );
        assert_eq!(
            tag_slug("Putin-Kim Jong Gift Guns"),
            "putin-kim-jong-gift-guns"
        );
        assert_eq!(tag_slug("Crème Brûlée"), "creme-brulee");
        assert!(!tag_slug("पुतिन").is_empty());
        assert_eq!(tag_slug("!!!"), "");
    }

    #[test]
    fn ascii_slugs_agree_with_the_full_fold() {
        let full = |name: &str| {
            let folded: String = clean_inline(name)
                .nfc()
                .flat_map(char::to_lowercase)
                .collect();
            let ascii = deunicode::deunicode(&folded).to_ascii_lowercase();
            ascii
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        };
        let all: String = (0x20u8..0x7F).map(char::from).collect();
        for name in [
            all.as_str(),
            "Putin-Kim Jong Gift Guns",
            " A\tB\u{7F}C ",
            "x_Y'z",
        ] {
            assert_eq!(tag_slug(name), full(name), "{name:?}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            normalize_tag_name(" #Putin  Kim: ").as_deref(),
            Some("Putin Kim")
        );
        assert_eq!(normalize_tag_name(" \u{200B} "), None);
    }

    #[test]
    fn dedup_by_slug() {
        let tags = collect_tags(
            &["Putin Kim".into()],
            &["putin kim".into(), "Russia".into()],
        );
        assert_eq!(tags, vec!["Putin Kim".to_string(), "Russia".to_string()]);
    }
}
