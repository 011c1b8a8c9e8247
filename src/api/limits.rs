//! Every bound the API checks on what a client sends, in one place: the handlers enforce these,
//! the OpenAPI annotations state the same numbers (`minimum`, `maximum`, `maxLength`,
//! `maxItems`, patterns), and `tests/contract.rs` walks the document to check that the two agree.

use std::sync::LazyLock;

use regex::Regex;

/// Default and largest page sizes (`limit`).
pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// Longest article search (`q` on article lists), in characters.
pub const MAX_SEARCH_CHARS: usize = 500;
/// Longest name prefix (`q` on entity and tag lists), in characters.
pub const MAX_PREFIX_CHARS: usize = 200;

/// Longest id or slug in a path (ASCII letters, digits, `-` and `_`), in bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 200;
/// The shape of an id or slug, as an OpenAPI `pattern`.
pub const IDENTIFIER_PATTERN: &str = "^[A-Za-z0-9_-]{1,200}$";

/// Longest name (entity names and aliases, tag names, titles, kickers, tags on an article), in
/// characters as sent.
pub const MAX_NAME_CHARS: usize = 200;
/// What every name and every search must hold: a letter or a digit, in any script (Unicode
/// general categories L and N). The server checks it with this very pattern
/// ([`has_letter_or_digit`]), so the document and the server draw the line in the same place:
/// a lone combining mark (a Devanagari vowel sign) is neither.
pub const NAME_PATTERN: &str = r"[\p{L}\p{N}]";

static NAME_REGEX: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(NAME_PATTERN).ok());

/// Whether `raw` holds a letter or a digit, as [`NAME_PATTERN`] says.
pub fn has_letter_or_digit(raw: &str) -> bool {
    match NAME_REGEX.as_ref() {
        Some(regex) => regex.is_match(raw),
        // The pattern is a constant that compiles; this arm only keeps the function total.
        None => raw.chars().any(char::is_alphanumeric),
    }
}

/// Most aliases an entity may be given in one request.
pub const MAX_ALIASES: usize = 100;
/// Most tags one article may carry, or one edit may add or remove.
pub const MAX_TAGS: usize = 50;
/// Most kickers one article may carry.
pub const MAX_KICKERS: usize = 20;
/// Most entities one edit may remove or restore.
pub const MAX_ENTITY_EDITS: usize = 100;
/// Most blocks an edit may carry.
pub const MAX_BLOCKS: usize = 5000;

/// Longest `Idempotency-Key`, in bytes.
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 255;

/// Whether a name as sent holds a letter or a digit ([`NAME_PATTERN`]) and is no longer than
/// [`MAX_NAME_CHARS`].
pub fn name_problem(raw: &str) -> Option<String> {
    if raw.chars().count() > MAX_NAME_CHARS {
        return Some(format!("at most {MAX_NAME_CHARS} characters"));
    }
    if !has_letter_or_digit(raw) {
        return Some("needs a letter or a digit".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name_problem("पुतिन"), None);
        assert_eq!(name_problem("G7"), None);
        assert_eq!(name_problem("7"), None);
        assert!(name_problem("").is_some());
        assert!(name_problem(" \u{200B}\u{1}").is_some());
        assert!(name_problem("!!!").is_some());
        // A vowel sign alone is a mark, not a letter; with its consonant it is a name.
        assert!(name_problem("\u{093E}").is_some());
        assert_eq!(name_problem("का"), None);
        // Letters of recent CJK extensions and Roman numerals (Nl) count.
        assert_eq!(name_problem("\u{2E7D3}£("), None);
        assert_eq!(name_problem("\u{2162}"), None);
        assert_eq!(name_problem(&"a".repeat(MAX_NAME_CHARS)), None);
        assert!(name_problem(&"a".repeat(MAX_NAME_CHARS + 1)).is_some());
    }
}
