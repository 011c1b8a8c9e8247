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
//! The stem ([`crate::store::stems`]) of each token that is not its own stem is a lexeme of the
//! document too, at the token's position, marked with [`STEM_MARK`] (which no token holds, so
//! stems and the words as written never meet); a token that is its own stem is there once, as
//! written. A query's plain word is looked up as its stem written or marked (`'flood' |
//! '~flood'` for `floods`), its phrases and prefixes as written, as in the SQLite backend's
//! index (its migration 0011). Before migration 0010 every token's stem was there, marked,
//! even where it was the token: twice the index entries for the same matches.

use std::collections::HashMap;

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo};
use sqlx::Postgres;

pub use crate::store::search::tokens;
use crate::store::search::{for_each_token, SearchExpr, Term};
use crate::store::stems::{push_stem, stem};

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

/// An article's search document: each lexeme with its positions, in first-seen order. Sent to
/// PostgreSQL in `tsvector`'s binary form ([`Document`] encodes as a `tsvector` parameter), so
/// the server need not parse a text literal of every lexeme of every article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// (lexeme, positions): each position is PostgreSQL's `WordEntryPos`, the weight in the two
    /// high bits (A 3, B 2, C 1, D 0) and the position in the others, strictly increasing.
    lexemes: Vec<(String, Vec<u16>)>,
}

/// A field's weight in a `WordEntryPos`'s two high bits, and as a literal writes it.
const WEIGHTS: [(u16, char); 4] = [(3, 'A'), (2, 'B'), (1, 'C'), (0, 'D')];

/// The search document of an article's fields.
// `position` counts the tokens inside the closure too, not only the fields' gaps.
#[allow(clippy::explicit_counter_loop)]
pub fn document(title: &str, summary: &str, body: &str, extra: &str) -> Document {
    let mut lexemes: Vec<(String, Vec<u16>)> = Vec::new();
    let mut index: HashMap<String, usize, foldhash::fast::RandomState> = HashMap::default();
    let mut bytes = 0usize;
    let mut position = 0usize;
    let mut stemmed = String::new();
    let fields = [(title, 3u16), (summary, 2), (extra, 0), (body, 1)];
    for (text, weight) in fields {
        // A gap: no phrase spans two fields.
        position += 1;
        for_each_token(text, |token| {
            position += 1;
            let at = (weight << 14) | position.min(MAX_POSITION) as u16;
            stemmed.clear();
            stemmed.push(STEM_MARK);
            push_stem(&mut stemmed, token);
            // A word that is its own stem is found as written (see [`term_query`]).
            let marked = (&stemmed[STEM_MARK.len_utf8()..] != token).then_some(stemmed.as_str());
            for lexeme in std::iter::once(token).chain(marked) {
                if lexeme.len() >= MAX_LEXEME_BYTES {
                    continue;
                }
                let slot = match index.get(lexeme) {
                    Some(slot) => *slot,
                    None => {
                        if bytes + lexeme.len() > MAX_DOCUMENT_BYTES {
                            continue;
                        }
                        bytes += lexeme.len() + 8;
                        index.insert(lexeme.to_owned(), lexemes.len());
                        lexemes.push((lexeme.to_owned(), Vec::new()));
                        lexemes.len() - 1
                    }
                };
                let positions = &mut lexemes[slot].1;
                if positions.len() < MAX_POSITIONS_PER_LEXEME
                    && positions.last().is_none_or(|p| {
                        usize::from(p & POSITION_BITS) < usize::from(at & POSITION_BITS)
                    })
                {
                    positions.push(at);
                    bytes += 2;
                }
            }
        });
    }
    Document { lexemes }
}

/// The position bits of a `WordEntryPos`.
const POSITION_BITS: u16 = 0x3fff;

impl Document {
    /// The document as a `tsvector` literal (lexemes in first-seen order).
    pub fn to_literal(&self) -> String {
        let mut out = String::new();
        for (lexeme, positions) in &self.lexemes {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&quote(lexeme));
            out.push(':');
            for (n, at) in positions.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&(at & POSITION_BITS).to_string());
                let weight = at >> 14;
                out.extend(
                    WEIGHTS
                        .iter()
                        .filter(|(w, _)| *w == weight)
                        .map(|(_, c)| *c),
                );
            }
        }
        out
    }
}

impl sqlx::Type<Postgres> for Document {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(TSVECTOR_OID))
    }
}

impl PgHasArrayType for Document {
    fn array_type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(TSVECTOR_ARRAY_OID))
    }
}

/// PostgreSQL's built-in type ids of `tsvector` and `tsvector[]` (fixed in `pg_type`).
const TSVECTOR_OID: u32 = 3614;
const TSVECTOR_ARRAY_OID: u32 = 3643;

impl sqlx::Encode<'_, Postgres> for Document {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        self.write_binary(buf)?;
        Ok(IsNull::No)
    }
}

impl Document {
    /// `tsvector`'s binary form (as `tsvectorsend` writes it): the lexeme count, then each
    /// lexeme in byte order, NUL-terminated, with its position count and positions, big-endian.
    pub(crate) fn write_binary(&self, buf: &mut Vec<u8>) -> Result<(), BoxDynError> {
        let mut order: Vec<&(String, Vec<u16>)> = self.lexemes.iter().collect();
        order.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let count = i32::try_from(order.len())?;
        buf.extend_from_slice(&count.to_be_bytes());
        for (lexeme, positions) in order {
            buf.extend_from_slice(lexeme.as_bytes());
            buf.push(0);
            let npos = u16::try_from(positions.len())?;
            buf.extend_from_slice(&npos.to_be_bytes());
            for at in positions {
                buf.extend_from_slice(&at.to_be_bytes());
            }
        }
        Ok(())
    }
}

/// One term as a `tsquery` operand: a plain word as its stem written (a word that is its own
/// stem) or marked (a word that is not), the rest as its tokens written, a phrase when there
/// are several, the last one a prefix when the term is; `None` when it has no token.
fn term_query(term: &Term) -> Option<String> {
    let tokens = tokens(&term.text);
    let count = tokens.len();
    if count == 0 {
        return None;
    }
    if term.by_stems() {
        let stem = stem(&tokens[0]);
        return Some(format!(
            "({} | {})",
            quote(&stem),
            quote(&format!("{STEM_MARK}{stem}"))
        ));
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
/// no searchable term). A search of exclusions only is their negations (`!a & !b`).
pub fn query(expr: &SearchExpr) -> Option<String> {
    if expr.excludes_only() {
        let left_out: Vec<String> = expr
            .excluded
            .iter()
            .filter_map(term_query)
            .map(|t| format!("!{t}"))
            .collect();
        return (!left_out.is_empty()).then(|| left_out.join(" & "));
    }
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
        let doc = document("Putin meets Kim", "", "Kim Putin", "").to_literal();
        assert_eq!(doc, "'putin':2A,9C 'meets':3A '~meet':3A 'kim':4A,8C");
        let quoted = document("it's", "", "", "").to_literal();
        assert_eq!(quoted, "'it':2A 's':3A");
        let hindi = document("", "", "लोगों के घर", "").to_literal();
        assert_eq!(hindi, "'लोगों':5C '~लोग':5C 'के':6C 'घर':7C");
    }

    /// The binary form PostgreSQL receives is the document the literal spells. Runs on the
    /// server named by `NEWSDESK_TEST_POSTGRES_URL`; skipped (and says so) without it.
    #[tokio::test]
    async fn the_binary_document_is_the_literal_document() {
        use sqlx::Connection;
        let Ok(url) = std::env::var("NEWSDESK_TEST_POSTGRES_URL") else {
            eprintln!("skipped: NEWSDESK_TEST_POSTGRES_URL is not set");
            return;
        };
        let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
        let long = "word ".repeat(20_000);
        let documents = [
            document(
                "Putin meets Kim",
                "a summary, it's",
                "Kim Putin floods",
                "kicker",
            ),
            document("", "", "लोगों के घर पुतिन", ""),
            document("", "", &long, ""),
            document("", "", "", ""),
        ];
        for doc in &documents {
            let (same, lexemes): (bool, i32) =
                sqlx::query_as("SELECT $1 = $2::tsvector, length($1)")
                    .bind(doc)
                    .bind(doc.to_literal())
                    .fetch_one(&mut conn)
                    .await
                    .expect("compare");
            assert!(same, "{}", doc.to_literal());
            assert_eq!(lexemes as usize, doc.lexemes.len());
        }
        let all: Vec<Option<Document>> = vec![Some(documents[0].clone()), None];
        let matched: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM unnest($1::tsvector[]) AS d WHERE d @@ '''~flood'''::tsquery",
        )
        .bind(&all)
        .fetch_one(&mut conn)
        .await
        .expect("array");
        assert_eq!(matched, 1);
        conn.close().await.expect("close");
    }

    #[test]
    fn queries_render_phrases_prefixes_or_and_not() {
        assert_eq!(q("पुतिन").as_deref(), Some("('पुतिन' | '~पुतिन')"));
        assert_eq!(q("लोगों").as_deref(), Some("('लोग' | '~लोग')"));
        assert_eq!(q("floods").as_deref(), Some("('flood' | '~flood')"));
        assert_eq!(q("\"floods\"").as_deref(), Some("'floods'"));
        assert_eq!(
            q("putin kim").as_deref(),
            Some("('putin' | '~putin') & ('kim' | '~kim')")
        );
        assert_eq!(q("\"kim jong\"").as_deref(), Some("('kim' <-> 'jong')"));
        assert_eq!(q("put*").as_deref(), Some("'put':*"));
        assert_eq!(
            q("putin OR kim").as_deref(),
            Some("(('putin' | '~putin') | ('kim' | '~kim'))")
        );
        assert_eq!(
            q("putin -kim").as_deref(),
            Some("(('putin' | '~putin')) & !('kim' | '~kim')")
        );
        // A plain term of several tokens is a phrase as written, as on SQLite.
        assert_eq!(
            q("NEAR(a b)").as_deref(),
            Some("('near' <-> 'a') & ('b' | '~b')")
        );
        assert_eq!(q("title:x").as_deref(), Some("('title' <-> 'x')"));
        assert_eq!(q("it's*").as_deref(), Some("('it' <-> 's':*)"));
    }
}
