//! Search on PostgreSQL with the semantics of the SQLite backend's FTS5 index: the documents and
//! queries are built here from the store's own tokens, not by PostgreSQL's text-search parser
//! (which splits Devanagari words at their vowel signs, so `पातिन` would find `पुतिन`).
//!
//! Tokens are what FTS5's `unicode61` tokenizer with `categories 'L* N* Co M*'` and
//! `remove_diacritics 2` makes: runs of letters, digits, private-use characters and combining
//! marks, lowercased, with diacritics removed from Latin letters only. A document is a
//! `tsvector` literal with every token's positions, weighted by field: title `A`, summary `B`,
//! body `C`, kickers and image alt text `D`; fields never touch (a gap of one position), so a
//! phrase never spans two. A query is a `tsquery` literal: quoted lexemes (no PostgreSQL
//! parsing), phrases as `<->` chains, prefixes as `:*`, groups as `|`, exclusions as `!`.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::store::search::{SearchExpr, Term};

/// PostgreSQL's largest position; later tokens share it.
const MAX_POSITION: usize = 16_383;
/// PostgreSQL keeps at most 256 positions of a lexeme.
const MAX_POSITIONS_PER_LEXEME: usize = 255;
/// PostgreSQL refuses lexemes of 2 KiB or more; longer tokens are not searchable.
const MAX_LEXEME_BYTES: usize = 2_000;
/// A `tsvector` holds at most 1 MiB; a document stops taking new lexemes well before.
const MAX_DOCUMENT_BYTES: usize = 768 * 1024;

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

/// The tokens of a text, folded.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    // Whether the last character kept was a Latin letter (its combining marks are dropped).
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

/// A lexeme quoted for a `tsvector` or `tsquery` literal.
fn quote(lexeme: &str) -> String {
    let mut out = String::with_capacity(lexeme.len() + 2);
    out.push('\'');
    for c in lexeme.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The search document of an article's fields, as a `tsvector` literal.
pub fn document(title: &str, summary: &str, body: &str, extra: &str) -> String {
    // Lexemes in first-seen order, each with its (position, weight) list.
    let mut lexemes: Vec<(String, Vec<(usize, char)>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut bytes = 0usize;
    let mut position = 0usize;
    for (text, weight) in [(title, 'A'), (summary, 'B'), (extra, 'D'), (body, 'C')] {
        // A gap: no phrase spans two fields.
        position += 1;
        for token in tokens(text) {
            position += 1;
            if token.len() >= MAX_LEXEME_BYTES {
                continue;
            }
            let at = position.min(MAX_POSITION);
            let slot = match index.get(&token) {
                Some(slot) => *slot,
                None => {
                    if bytes + token.len() > MAX_DOCUMENT_BYTES {
                        continue;
                    }
                    bytes += token.len() + 8;
                    index.insert(token.clone(), lexemes.len());
                    lexemes.push((token, Vec::new()));
                    lexemes.len() - 1
                }
            };
            let positions = &mut lexemes[slot].1;
            if positions.len() < MAX_POSITIONS_PER_LEXEME
                && positions.last().is_none_or(|(p, _)| *p < at)
            {
                positions.push((at, weight));
                bytes += 2;
            }
        }
    }
    let mut out = String::with_capacity(bytes + lexemes.len() * 8);
    for (lexeme, positions) in &lexemes {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&quote(lexeme));
        out.push(':');
        for (n, (at, weight)) in positions.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&at.to_string());
            out.push(*weight);
        }
    }
    out
}

/// One term as a `tsquery` operand: its tokens as a phrase, the last one a prefix when the term
/// is; `None` when it has no token.
fn term_query(term: &Term) -> Option<String> {
    let tokens = tokens(&term.text);
    let count = tokens.len();
    if count == 0 {
        return None;
    }
    let rendered: Vec<String> = tokens
        .iter()
        .enumerate()
        .map(|(n, token)| {
            let mut lexeme = quote(token);
            if term.prefix && n + 1 == count {
                lexeme.push_str(":*");
            }
            lexeme
        })
        .collect();
    Some(if count == 1 {
        rendered.concat()
    } else {
        format!("({})", rendered.join(" <-> "))
    })
}

/// The search as a `tsquery` literal; `None` when it can match nothing (a required group with
/// no searchable term).
pub fn query(expr: &SearchExpr) -> Option<String> {
    let mut groups = Vec::with_capacity(expr.required.len());
    for group in &expr.required {
        let terms: Vec<String> = group.iter().filter_map(term_query).collect();
        match terms.len() {
            0 => return None,
            1 => groups.extend(terms),
            _ => groups.push(format!("({})", terms.join(" | "))),
        }
    }
    let mut out = groups.join(" & ");
    for term in &expr.excluded {
        if let Some(excluded) = term_query(term) {
            out = format!("({out}) & !{excluded}");
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(input: &str) -> Option<String> {
        query(&SearchExpr::parse(input).ok()?)
    }

    #[test]
    fn tokens_keep_vowel_signs_and_fold_latin_only() {
        assert_eq!(tokens("पुतिन और किम"), ["पुतिन", "और", "किम"]);
        assert_eq!(
            tokens("Café, NAÏVE déjà-vu 2024"),
            ["cafe", "naive", "deja", "vu", "2024"]
        );
        assert_ne!(tokens("पातिन"), tokens("पुतिन"));
        assert_eq!(tokens("x\u{301}y"), ["xy"]);
        assert!(tokens(" ,.;- ").is_empty());
    }

    #[test]
    fn documents_weight_fields_and_never_join_them() {
        let doc = document("Putin meets Kim", "", "Kim Putin", "");
        assert_eq!(doc, "'putin':2A,9C 'meets':3A 'kim':4A,8C");
        let quoted = document("it's", "", "", "");
        assert_eq!(quoted, "'it':2A 's':3A");
    }

    #[test]
    fn queries_render_phrases_prefixes_or_and_not() {
        assert_eq!(q("पुतिन").as_deref(), Some("'पुतिन'"));
        assert_eq!(q("putin kim").as_deref(), Some("'putin' & 'kim'"));
        assert_eq!(q("\"kim jong\"").as_deref(), Some("('kim' <-> 'jong')"));
        assert_eq!(q("put*").as_deref(), Some("'put':*"));
        assert_eq!(q("putin OR kim").as_deref(), Some("('putin' | 'kim')"));
        assert_eq!(q("putin -kim").as_deref(), Some("('putin') & !'kim'"));
        assert_eq!(q("NEAR(a b)").as_deref(), Some("('near' <-> 'a') & 'b'"));
        assert_eq!(q("title:x").as_deref(), Some("('title' <-> 'x')"));
        assert_eq!(q("it's*").as_deref(), Some("('it' <-> 's':*)"));
    }
}
