//! Search expressions: what readers type in `q`, parsed into terms and rendered as a safe FTS5
//! query. Every term is quoted for FTS5, so no input can reach its syntax (`NEAR(`, `*`, column
//! filters, unbalanced quotes).
//!
//! Syntax: words (all must match), `"a phrase"`, `prefix*`, `a OR b`, `-excluded`. Every query
//! with a letter or a digit is answered: `OR` with no term before it is the word, a search of
//! exclusions only finds every article without them (newest first: nothing to rank by), and a
//! prefix too short or beyond the prefixes allowed is the word as written.
//!
//! A plain word finds every word with its stem (`floods`: flood, flooding; `लोगों`: लोग; see
//! [`crate::store::stems`]); a quoted phrase or word, a prefix, and a plain term of several
//! tokens (`covid-19`) find the text as written.
//!
//! The cost of a search grows with its terms, and a prefix term costs a walk over every indexed
//! word it starts (a one-letter prefix: most of the vocabulary). So an expression is bounded
//! before it reaches the index: repeated terms count once, at most [`MAX_TERMS`] distinct terms
//! (more is refused), and at most [`MAX_PREFIX_TERMS`] prefix terms of at least
//! [`MIN_PREFIX_LETTERS`] letters each (other `word*` terms are searched as the word written).
//! Real queries are a few words; 160 copies of `a*` were 13.5 s of one read connection.

use std::sync::LazyLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Most distinct terms (words, phrases, prefixes, exclusions) in one search.
pub const MAX_TERMS: usize = 16;
/// Most prefix terms in one search; a further `word*` is the word as written.
pub const MAX_PREFIX_TERMS: usize = 4;
/// Fewest letters or digits before a prefix term's `*` (vowel signs and other marks not
/// counted: `पुत*` has two); a shorter `w*` is the word as written.
pub const MIN_PREFIX_LETTERS: usize = 2;

/// One searchable unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub text: String,
    pub prefix: bool,
    /// Quoted: matches the words as written, not their stems.
    pub exact: bool,
}

impl Term {
    /// Whether the term is looked up by its stem: a plain word (neither quoted nor a prefix)
    /// of one token. A plain term of several tokens (`covid-19`, `title:x`) is a phrase, found
    /// as written.
    pub fn by_stems(&self) -> bool {
        if self.exact || self.prefix {
            return false;
        }
        let mut count = 0;
        for_each_token(&self.text, |_| count += 1);
        count == 1
    }
}

/// What begins a stem in SQLite's full-text index (migration 0011): each column holds the text
/// as written, then the stems of its words that are not their own stem, marked. A private-use
/// character: a token character to FTS5 (the mark and the stem are one token) that no word
/// begins with, so stems and words as written never meet and no column filter is needed.
pub const FTS_STEM_MARK: char = '\u{E000}';

/// What begins a facet token in SQLite's full-text index (migration 0012): the `facets` column
/// holds one token per tag, entity, language and source of the article, so FTS5 intersects a
/// search's filters with its words itself. Another private-use character: no word of an
/// article's text begins with it as a facet token does, and a reader's query never holds it
/// ([`SearchExpr::parse`] takes it out), so only the store's own filters reach the facets.
pub const FTS_FACET_MARK: char = '\u{E001}';

/// The facet token of a tag (by its id).
pub fn facet_tag(tag_id: i64) -> String {
    format!("{FTS_FACET_MARK}t{tag_id}")
}

/// The facet token of an entity (by its id, a ULID: letters and digits).
pub fn facet_entity(entity_id: &str) -> String {
    format!("{FTS_FACET_MARK}e{}", facet_text(entity_id))
}

/// The facet token of a language code.
pub fn facet_language(language: &str) -> String {
    format!("{FTS_FACET_MARK}l{}", facet_text(language))
}

/// The facet token of a source domain.
pub fn facet_source(domain: &str) -> String {
    format!("{FTS_FACET_MARK}s{}", facet_text(domain))
}

/// A value as one token: lowercase ASCII letters and digits kept, every other character (a dot,
/// a hyphen, any non-ASCII one) as `x` and its code point in hex, ended by `x`, so two values
/// never share a token and none is split by the tokenizer.
fn facet_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        let c = c.to_ascii_lowercase();
        if (c.is_ascii_lowercase() && c != 'x') || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("x{:x}x", c as u32));
        }
    }
    out
}

/// A parsed search: groups that must all match (each group matches when any of its terms
/// does), and terms that must not match. With no group, every article without the excluded
/// terms matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchExpr {
    pub required: Vec<Vec<Term>>,
    pub excluded: Vec<Term>,
}

/// Why a query was refused; the text says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("no searchable words in the query")]
    NothingSearchable,
    #[error("at most {MAX_TERMS} different terms in one search (this one has {0})")]
    TooManyTerms(usize),
}

impl SearchExpr {
    /// Parses reader input, within the bounds above.
    pub fn parse(input: &str) -> Result<SearchExpr, QueryError> {
        // Control characters separate words; a NUL inside an FTS5 string ends it early. The
        // stem mark too: a query reaches stems only through its plain words; and the facet mark:
        // the facets are the store's filters, never a reader's words.
        let input: String = input
            .chars()
            .map(|c| {
                if c.is_control() || c == FTS_STEM_MARK || c == FTS_FACET_MARK {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let mut expr = SearchExpr::default();
        let mut pending_or = false;
        let mut prefixes: Vec<String> = Vec::new();
        for (raw, quoted) in split_terms(&input) {
            // `OR` joins the term before it to the next; with none before, it is the word.
            if !quoted && raw == "OR" && !expr.required.is_empty() {
                pending_or = true;
                continue;
            }
            let (negated, body) = match raw.strip_prefix('-') {
                Some(rest) if !quoted && !rest.is_empty() => (true, rest.to_owned()),
                _ => (false, raw),
            };
            let (prefix, body) = match body.strip_suffix('*') {
                Some(rest) if !quoted => (true, rest.to_owned()),
                _ => (false, body),
            };
            let text: String = body.chars().filter(|c| *c != '"').collect();
            // Something the index holds: a letter, a digit or a mark (a danda alone is not).
            if !text.chars().any(|c| is_word_char(c) && is_token_char(c)) {
                continue;
            }
            // A prefix of too few letters, or one more than the search may hold, is searched as
            // the word written (`a*`: the word `a`), not refused.
            let letters = text
                .chars()
                .filter(|&c| {
                    c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c)
                })
                .count();
            let was_prefix = prefix;
            let prefix = prefix
                && letters >= MIN_PREFIX_LETTERS
                && (prefixes.contains(&text) || prefixes.len() < MAX_PREFIX_TERMS);
            if prefix && !prefixes.contains(&text) {
                prefixes.push(text.clone());
            }
            let term = Term {
                text,
                prefix,
                exact: quoted || (was_prefix && !prefix),
            };
            if negated {
                if !expr.excluded.contains(&term) {
                    expr.excluded.push(term);
                }
            } else if pending_or {
                if let Some(last) = expr.required.last_mut() {
                    if !last.contains(&term) {
                        last.push(term);
                    }
                }
                pending_or = false;
            } else {
                expr.required.push(vec![term]);
            }
        }
        // The same group twice (`putin putin`) asks nothing more.
        let mut seen = std::collections::HashSet::new();
        expr.required.retain(|group| seen.insert(group.clone()));
        if expr.required.is_empty() && expr.excluded.is_empty() {
            return Err(QueryError::NothingSearchable);
        }
        let terms: std::collections::HashSet<&Term> = expr
            .required
            .iter()
            .flatten()
            .chain(expr.excluded.iter())
            .collect();
        if terms.len() > MAX_TERMS {
            return Err(QueryError::TooManyTerms(terms.len()));
        }
        Ok(expr)
    }

    /// Whether the search only excludes: it finds every article without its terms, and has
    /// nothing to rank them by.
    pub fn excludes_only(&self) -> bool {
        self.required.is_empty()
    }

    /// The FTS5 MATCH expression of the articles the search finds; for a search that
    /// [excludes only](SearchExpr::excludes_only), see [`SearchExpr::excluded_fts5`].
    pub fn to_fts5(&self) -> String {
        let group = |terms: &[Term]| {
            let rendered: Vec<String> = terms.iter().map(render_term).collect();
            if rendered.len() == 1 {
                rendered.concat()
            } else {
                format!("({})", rendered.join(" OR "))
            }
        };
        let mut out = self
            .required
            .iter()
            .map(|g| group(g))
            .collect::<Vec<_>>()
            .join(" AND ");
        for term in &self.excluded {
            out = format!("({out}) NOT {}", render_term(term));
        }
        out
    }

    /// The FTS5 MATCH expression of the articles a search of exclusions only leaves out: those
    /// holding any of its terms.
    pub fn excluded_fts5(&self) -> String {
        self.excluded
            .iter()
            .map(render_term)
            .collect::<Vec<_>>()
            .join(" OR ")
    }

    /// A canonical rendering, for telling queries apart.
    pub fn canonical(&self) -> String {
        if self.excludes_only() {
            format!("NOT ({})", self.excluded_fts5())
        } else {
            self.to_fts5()
        }
    }
}

/// One term as FTS5 phrases: a plain word as its stem written (a word that is its own stem) or
/// marked (a word that is not), the rest as written.
fn render_term(term: &Term) -> String {
    let quoted = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    if term.by_stems() {
        let stem = crate::store::stems::stemmed_text(&term.text);
        return format!(
            "({} OR {})",
            quoted(&stem),
            quoted(&format!("{FTS_STEM_MARK}{stem}"))
        );
    }
    if term.prefix {
        format!("{}*", quoted(&term.text))
    } else {
        quoted(&term.text)
    }
}

/// Letters, digits and combining marks (Devanagari vowel signs are marks).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

fn is_mark(c: char) -> bool {
    // Combining marks of the scripts newsdesk serves; enough to tell "only punctuation" apart.
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Splits on whitespace, keeping `"quoted phrases"` together (an unclosed quote runs to the end).
fn split_terms(input: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            out.push((
                phrase.split_whitespace().collect::<Vec<_>>().join(" "),
                true,
            ));
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            word.push(c);
            chars.next();
        }
        out.push((word, false));
    }
    out
}

/// Whether a character belongs to a token.
fn is_token_char(c: char) -> bool {
    c.is_alphanumeric()
        || is_combining_mark(c)
        || matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// Latin letters, whose diacritics are removed.
fn is_latin(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
}

const DEVANAGARI_START: u32 = 0x0900;

/// For each character of the Devanagari block: whether it is a token character, and whether a
/// combining mark. (Devanagari has no case, so a letter is its own lower case.)
static DEVANAGARI: LazyLock<[(bool, bool); 128]> = LazyLock::new(|| {
    let mut table = [(false, false); 128];
    for (offset, entry) in (0u32..).zip(table.iter_mut()) {
        if let Some(c) = char::from_u32(DEVANAGARI_START + offset) {
            *entry = (is_token_char(c), is_combining_mark(c));
        }
    }
    table
});

/// The tokens of a text, folded.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |token| out.push(token.to_owned()));
    out
}

/// Calls `f` with each token of a text, folded, as [`tokens`] makes them; one buffer serves
/// every token (the index writes every article's text through here, twice).
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut current = String::new();
    // Whether the last character kept was a Latin letter (its combining marks are dropped).
    let mut after_latin = false;
    for c in text.chars() {
        // ASCII, most of the text of most articles, without the Unicode tables.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                current.push(c.to_ascii_lowercase());
                after_latin = c.is_ascii_alphabetic();
            } else {
                if !current.is_empty() {
                    f(&current);
                    current.clear();
                }
                after_latin = false;
            }
            continue;
        }
        // Devanagari, most of the rest: a table read once from the functions below.
        let (token, mark) = match DEVANAGARI.get((c as u32).wrapping_sub(DEVANAGARI_START) as usize)
        {
            Some(&(token, mark)) => (token, mark),
            None => (is_token_char(c), is_combining_mark(c)),
        };
        if !token {
            if !current.is_empty() {
                f(&current);
                current.clear();
            }
            after_latin = false;
            continue;
        }
        if mark {
            if !after_latin {
                current.push(c);
            }
            continue;
        }
        after_latin = is_latin(c);
        if after_latin {
            for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
                current.extend(d.to_lowercase());
            }
        } else {
            current.extend(c.to_lowercase());
        }
    }
    if !current.is_empty() {
        f(&current);
    }
}

#[cfg(test)]
mod tests {
    use super::{QueryError, SearchExpr, FTS_FACET_MARK, MAX_PREFIX_TERMS, MAX_TERMS};

    /// The tokenizer as it reads without its ASCII and Devanagari tables.
    fn tokens_by_functions(text: &str) -> Vec<String> {
        use super::{is_latin, is_token_char};
        use unicode_normalization::char::is_combining_mark;
        use unicode_normalization::UnicodeNormalization;
        let mut out = Vec::new();
        let mut current = String::new();
        let mut after_latin = false;
        for c in text.chars() {
            if !is_token_char(c) {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                after_latin = false;
                continue;
            }
            if is_combining_mark(c) {
                if !after_latin {
                    current.push(c);
                }
                continue;
            }
            after_latin = c.is_ascii_alphabetic() || is_latin(c);
            if is_latin(c) {
                for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
                    current.extend(d.to_lowercase());
                }
            } else {
                current.extend(c.to_lowercase());
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
        out
    }

    #[test]
    fn the_fast_paths_tokenize_as_the_character_functions_do() {
        // Every character of the first blocks (ASCII, Latin, Devanagari) after every other,
        // and marks after ASCII, Latin and Devanagari letters.
        let chars: Vec<char> = (0u32..0x0A00).filter_map(char::from_u32).collect();
        let mut text = String::new();
        for (i, c) in chars.iter().enumerate() {
            text.push(*c);
            text.push(chars[(i * 7 + 3) % chars.len()]);
            if i % 5 == 0 {
                text.push_str("a\u{301}é\u{94d}क\u{93f} ");
            }
        }
        assert_eq!(super::tokens(&text), tokens_by_functions(&text));
        for sample in [
            "पुतिन और किम।",
            "Café, NAÏVE déjà-vu 2024",
            "x\u{301}y",
            "क़ानून ॐ ०१२",
        ] {
            assert_eq!(
                super::tokens(sample),
                tokens_by_functions(sample),
                "{sample}"
            );
        }
    }

    fn fts(q: &str) -> Option<String> {
        SearchExpr::parse(q).ok().map(|e| e.to_fts5())
    }

    /// A plain word by its stem (written or marked), and a phrase or prefix as written.
    fn s(stem: &str) -> String {
        format!("(\"{stem}\" OR \"\u{E000}{stem}\")")
    }
    fn e(text: &str) -> String {
        format!("\"{text}\"")
    }

    #[test]
    fn words_phrases_prefixes_or_and_not() {
        assert_eq!(fts("पुतिन"), Some(s("पुतिन")));
        assert_eq!(fts("लोगों"), Some(s("लोग")));
        assert_eq!(fts("floods"), Some(s("flood")));
        assert_eq!(
            fts("putin kim"),
            Some(format!("{} AND {}", s("putin"), s("kim")))
        );
        assert_eq!(fts("\"kim jong\""), Some(e("kim jong")));
        assert_eq!(fts("\"floods\""), Some(e("floods")));
        assert_eq!(fts("put*"), Some(format!("{}*", e("put"))));
        assert_eq!(
            fts("putin OR kim"),
            Some(format!("({} OR {})", s("putin"), s("kim")))
        );
        assert_eq!(
            fts("putin -kim"),
            Some(format!("({}) NOT {}", s("putin"), s("kim")))
        );
    }

    #[test]
    fn fts_syntax_is_never_passed_through() {
        assert_eq!(
            fts("NEAR(a b)"),
            Some(format!("{} AND {}", e("NEAR(a"), s("b")))
        );
        assert_eq!(fts("title:x"), Some(e("title:x")));
        assert_eq!(fts("covid-19"), Some(e("covid-19")));
        assert_eq!(fts("\"unbalanced"), Some(e("unbalanced")));
        assert_eq!(fts("a\"b"), Some(format!("{} AND {}", s("a"), e("b"))));
        assert_eq!(fts("\"it's\""), Some(e("it's")));
        assert_eq!(
            fts("\"a\"\"b\""),
            Some(format!("{} AND {}", e("a"), e("b")))
        );
        assert_eq!(fts("*"), None);
        assert_eq!(fts("\"\""), None);
        assert_eq!(fts("OR"), Some(s("or")));
        assert_eq!(
            fts("OR putin"),
            Some(format!("{} AND {}", s("or"), s("putin")))
        );
        assert_eq!(fts("putin OR"), Some(s("putin")));
        assert_eq!(fts("   "), None);
        assert_eq!(
            fts("council\0harbour"),
            Some(format!("{} AND {}", s("council"), s("harbour")))
        );
        assert_eq!(fts("\"a\0b\""), Some(e("a b")));
        assert_eq!(fts("\0\u{1}\u{7f}"), None);
        assert_eq!(fts("\u{E000}flood"), Some(s("flood")));
    }

    #[test]
    fn facet_tokens_never_come_from_a_query() {
        let facet = super::facet_tag(3);
        for q in [
            facet.clone(),
            format!("\"{facet}\""),
            format!("{facet}*"),
            format!("flood {facet}"),
            format!("-{facet} flood"),
        ] {
            let rendered = fts(&q).unwrap_or_default();
            assert!(
                !rendered.contains(FTS_FACET_MARK),
                "{q:?} gave {rendered:?}"
            );
        }
        assert_eq!(fts(&super::facet_tag(3)), Some(s("t3")));
        assert_eq!(
            super::facet_source("abplive.com"),
            "\u{E001}sabplivex2excom"
        );
        assert_eq!(super::facet_source("x.com"), "\u{E001}sx78xx2excom");
        assert_eq!(
            super::facet_entity("01ARZ3NDEKTSV4"),
            "\u{E001}e01arz3ndektsv4"
        );
        // Every facet token is one token to the index, marked.
        for token in [
            super::facet_tag(12),
            super::facet_entity("01ARZ3NDEKTSV4"),
            super::facet_language("zh-Hant"),
            super::facet_source("news.example.co.uk"),
        ] {
            assert_eq!(super::tokens(&token), vec![token.clone()]);
        }
    }

    #[test]
    fn repeated_terms_count_once() {
        let q = vec!["put*"; 160].join(" ");
        assert_eq!(fts(&q), Some(format!("{}*", e("put"))));
        assert_eq!(
            fts("putin putin OR putin -kim -kim"),
            Some(format!("({}) NOT {}", s("putin"), s("kim")))
        );
    }

    #[test]
    fn searches_are_bounded() {
        // A prefix of one letter (vowel signs not counted) is the word as written.
        assert_eq!(fts(&vec!["a*"; 160].join(" ")), Some(e("a")));
        assert_eq!(fts("पु*"), Some(e("पु")));
        assert_eq!(fts("*ą*"), Some(e("*ą")));
        assert_eq!(fts("पुत*"), Some(format!("{}*", e("पुत"))));
        let many: Vec<String> = (0..=MAX_TERMS).map(|i| format!("word{i}")).collect();
        assert_eq!(
            SearchExpr::parse(&many.join(" ")),
            Err(QueryError::TooManyTerms(MAX_TERMS + 1))
        );
        assert!(SearchExpr::parse(&many[..MAX_TERMS].join(" ")).is_ok());
        // Prefixes past the fourth distinct one are words as written; a repeated one is no
        // new prefix.
        let prefixes: Vec<String> = (0..=MAX_PREFIX_TERMS).map(|i| format!("wo{i}*")).collect();
        let expr = SearchExpr::parse(&format!("{} wo0*", prefixes.join(" OR "))).unwrap();
        let terms: Vec<_> = expr.required.iter().flatten().collect();
        let distinct: std::collections::HashSet<_> = terms.iter().filter(|t| t.prefix).collect();
        assert_eq!(distinct.len(), MAX_PREFIX_TERMS);
        let fifth = terms.iter().find(|t| t.text == "wo4");
        assert_eq!(fifth.map(|t| (t.prefix, t.exact)), Some((false, true)));
    }

    #[test]
    fn a_search_of_exclusions_only_leaves_out_their_matches() {
        let expr = SearchExpr::parse("-putin -covid-19 -पुत*").unwrap();
        assert!(expr.excludes_only());
        assert_eq!(
            expr.excluded_fts5(),
            format!("{} OR {} OR {}*", s("putin"), e("covid-19"), e("पुत"))
        );
        assert_ne!(
            expr.canonical(),
            SearchExpr::parse("putin OR covid-19 OR पुत*")
                .unwrap()
                .canonical()
        );
        assert!(!SearchExpr::parse("kim -putin").unwrap().excludes_only());
        // Punctuation alone is nothing to search for, excluded or not.
        assert_eq!(
            SearchExpr::parse("-। -,"),
            Err(QueryError::NothingSearchable)
        );
    }
}
