//! Search expressions: what readers type in `q`, parsed into terms and rendered as a safe FTS5
//! query. Every term is quoted for FTS5, so no input can reach its syntax (`NEAR(`, `*`, column
//! filters, unbalanced quotes).
//!
//! Syntax: words (all must match), `"a phrase"`, `prefix*`, `a OR b`, `-excluded`.
//!
//! The cost of a search grows with its terms, and a prefix term costs a walk over every indexed
//! word it starts (a one-letter prefix: most of the vocabulary). So an expression is bounded
//! before it reaches the index: repeated terms count once, at most [`MAX_TERMS`] distinct terms
//! and [`MAX_PREFIX_TERMS`] prefix terms, each prefix at least [`MIN_PREFIX_LETTERS`] letters.
//! Real queries are a few words; 160 copies of `a*` were 13.5 s of one read connection.

/// Most distinct terms (words, phrases, prefixes, exclusions) in one search.
pub const MAX_TERMS: usize = 16;
/// Most prefix terms in one search.
pub const MAX_PREFIX_TERMS: usize = 4;
/// Fewest letters or digits before a prefix term's `*` (vowel signs and other marks not
/// counted: `पुत*` has two).
pub const MIN_PREFIX_LETTERS: usize = 2;

/// One searchable unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub text: String,
    pub prefix: bool,
}

/// A parsed search: groups that must all match (each group matches when any of its terms
/// does), and terms that must not match.
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
    #[error("at most {MAX_PREFIX_TERMS} prefix terms (`word*`) in one search (this one has {0})")]
    TooManyPrefixes(usize),
    #[error(
        "the prefix term `{0}*` is too short: give at least {MIN_PREFIX_LETTERS} letters before `*`"
    )]
    PrefixTooShort(String),
}

impl SearchExpr {
    /// Parses reader input, within the bounds above.
    pub fn parse(input: &str) -> Result<SearchExpr, QueryError> {
        // Control characters separate words; a NUL inside an FTS5 string ends it early.
        let input: String = input
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut expr = SearchExpr::default();
        let mut pending_or = false;
        for (raw, quoted) in split_terms(&input) {
            if !quoted && raw == "OR" {
                pending_or = !expr.required.is_empty();
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
            if !text.chars().any(is_word_char) {
                continue;
            }
            let letters = text
                .chars()
                .filter(|&c| {
                    c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c)
                })
                .count();
            if prefix && letters < MIN_PREFIX_LETTERS {
                return Err(QueryError::PrefixTooShort(text));
            }
            let term = Term { text, prefix };
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
        if expr.required.is_empty() {
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
        let prefixes = terms.iter().filter(|t| t.prefix).count();
        if prefixes > MAX_PREFIX_TERMS {
            return Err(QueryError::TooManyPrefixes(prefixes));
        }
        Ok(expr)
    }

    /// The FTS5 MATCH expression.
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

    /// A canonical rendering, for telling queries apart.
    pub fn canonical(&self) -> String {
        self.to_fts5()
    }
}

fn render_term(term: &Term) -> String {
    let quoted = format!("\"{}\"", term.text.replace('"', "\"\""));
    if term.prefix {
        format!("{quoted}*")
    } else {
        quoted
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

#[cfg(test)]
mod tests {
    use super::{QueryError, SearchExpr, MAX_PREFIX_TERMS, MAX_TERMS};

    fn fts(q: &str) -> Option<String> {
        SearchExpr::parse(q).ok().map(|e| e.to_fts5())
    }

    #[test]
    fn words_phrases_prefixes_or_and_not() {
        assert_eq!(fts("पुतिन").as_deref(), Some("\"पुतिन\""));
        assert_eq!(fts("putin kim").as_deref(), Some("\"putin\" AND \"kim\""));
        assert_eq!(fts("\"kim jong\"").as_deref(), Some("\"kim jong\""));
        assert_eq!(fts("put*").as_deref(), Some("\"put\"*"));
        assert_eq!(
            fts("putin OR kim").as_deref(),
            Some("(\"putin\" OR \"kim\")")
        );
        assert_eq!(
            fts("putin -kim").as_deref(),
            Some("(\"putin\") NOT \"kim\"")
        );
    }

    #[test]
    fn fts_syntax_is_never_passed_through() {
        assert_eq!(fts("NEAR(a b)").as_deref(), Some("\"NEAR(a\" AND \"b)\""));
        assert_eq!(fts("title:x").as_deref(), Some("\"title:x\""));
        assert_eq!(fts("\"unbalanced").as_deref(), Some("\"unbalanced\""));
        assert_eq!(fts("a\"b").as_deref(), Some("\"a\" AND \"b\""));
        assert_eq!(fts("*"), None);
        assert_eq!(fts("\"\""), None);
        assert_eq!(fts("OR"), None);
        assert_eq!(fts("-only"), None);
        assert_eq!(fts("   "), None);
        assert_eq!(
            fts("council\0harbour").as_deref(),
            Some("\"council\" AND \"harbour\"")
        );
        assert_eq!(fts("\"a\0b\"").as_deref(), Some("\"a b\""));
        assert_eq!(fts("\0\u{1}\u{7f}"), None);
    }

    #[test]
    fn repeated_terms_count_once() {
        let q = vec!["put*"; 160].join(" ");
        assert_eq!(fts(&q).as_deref(), Some("\"put\"*"));
        assert_eq!(
            fts("putin putin OR putin -kim -kim").as_deref(),
            Some("(\"putin\") NOT \"kim\"")
        );
    }

    #[test]
    fn searches_are_bounded() {
        assert_eq!(
            SearchExpr::parse(&vec!["a*"; 160].join(" ")),
            Err(QueryError::PrefixTooShort("a".into()))
        );
        assert_eq!(
            SearchExpr::parse("पु*"),
            Err(QueryError::PrefixTooShort("पु".into()))
        );
        assert!(SearchExpr::parse("पुत*").is_ok());
        let many: Vec<String> = (0..=MAX_TERMS).map(|i| format!("word{i}")).collect();
        assert_eq!(
            SearchExpr::parse(&many.join(" ")),
            Err(QueryError::TooManyTerms(MAX_TERMS + 1))
        );
        assert!(SearchExpr::parse(&many[..MAX_TERMS].join(" ")).is_ok());
        let prefixes: Vec<String> = (0..=MAX_PREFIX_TERMS).map(|i| format!("wo{i}*")).collect();
        assert_eq!(
            SearchExpr::parse(&prefixes.join(" OR ")),
            Err(QueryError::TooManyPrefixes(MAX_PREFIX_TERMS + 1))
        );
    }
}
