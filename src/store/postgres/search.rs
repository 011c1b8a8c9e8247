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
//!
//! Each token's stem ([`crate::store::stems`]) is a lexeme of the document too, at the token's
//! position, marked with [`STEM_MARK`] (which no token holds, so stems and the words as written
//! never meet): a query's plain words are looked up by their marked stems, its phrases and
//! prefixes by the words as written, as the SQLite backend's stem columns do.

pub use crate::store::search::tokens;
use crate::store::search::{SearchExpr, Term};
use crate::store::stems::stem;

/// What begins a stem's lexeme: not a token character, so no written word is a stem and no
/// prefix of a written word reaches one.
const STEM_MARK: char = '~';

/// PostgreSQL's largest position; later tokens share it.
const MAX_POSITION: usize = 16_383;
/// PostgreSQL keeps at most 256 positions of a lexeme.
const MAX_POSITIONS_PER_LEXEME: usize = 255;
/// PostgreSQL refuses lexemes of 2 KiB or more; longer tokens are not searchable.
const MAX_LEXEME_BYTES: usize = 2_000;
/// A `tsvector` holds at most 1 MiB; a document stops taking new lexemes well before.
const MAX_DOCUMENT_BYTES: usize = 768 * 1024;

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
            let at = position.min(MAX_POSITION);
            let stemmed = format!("{STEM_MARK}{}", stem(&token));
            for lexeme in [token, stemmed] {
                if lexeme.len() >= MAX_LEXEME_BYTES {
                    continue;
                }
                let slot = match index.get(&lexeme) {
                    Some(slot) => *slot,
                    None => {
                        if bytes + lexeme.len() > MAX_DOCUMENT_BYTES {
                            continue;
                        }
                        bytes += lexeme.len() + 8;
                        index.insert(lexeme.clone(), lexemes.len());
                        lexemes.push((lexeme, Vec::new()));
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

/// One term as a `tsquery` operand: its tokens (a plain word's: their marked stems) as a phrase,
/// the last one a prefix when the term is; `None` when it has no token.
fn term_query(term: &Term) -> Option<String> {
    let tokens: Vec<String> = if term.by_stems() {
        tokens(&term.text)
            .iter()
            .map(|token| format!("{STEM_MARK}{}", stem(token)))
            .collect()
    } else {
        tokens(&term.text)
    };
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
        assert_eq!(
            doc,
            "'putin':2A,9C '~putin':2A,9C 'meets':3A '~meet':3A 'kim':4A,8C '~kim':4A,8C"
        );
        let quoted = document("it's", "", "", "");
        assert_eq!(quoted, "'it':2A '~it':2A 's':3A '~s':3A");
        let hindi = document("", "", "लोगों के घर", "");
        assert_eq!(hindi, "'लोगों':5C '~लोग':5C 'के':6C '~के':6C 'घर':7C '~घर':7C");
    }

    #[test]
    fn queries_render_phrases_prefixes_or_and_not() {
        assert_eq!(q("पुतिन").as_deref(), Some("'~पुतिन'"));
        assert_eq!(q("लोगों").as_deref(), Some("'~लोग'"));
        assert_eq!(q("floods").as_deref(), Some("'~flood'"));
        assert_eq!(q("\"floods\"").as_deref(), Some("'floods'"));
        assert_eq!(q("putin kim").as_deref(), Some("'~putin' & '~kim'"));
        assert_eq!(q("\"kim jong\"").as_deref(), Some("('kim' <-> 'jong')"));
        assert_eq!(q("put*").as_deref(), Some("'put':*"));
        assert_eq!(q("putin OR kim").as_deref(), Some("('~putin' | '~kim')"));
        assert_eq!(q("putin -kim").as_deref(), Some("('~putin') & !'~kim'"));
        // A plain term of several tokens is a phrase as written, as on SQLite.
        assert_eq!(q("NEAR(a b)").as_deref(), Some("('near' <-> 'a') & '~b'"));
        assert_eq!(q("title:x").as_deref(), Some("('title' <-> 'x')"));
        assert_eq!(q("it's*").as_deref(), Some("('it' <-> 's':*)"));
    }
}
