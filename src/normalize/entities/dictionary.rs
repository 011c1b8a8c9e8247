//! Editor-curated entities: a canonical name, a type and aliases in any script, matched with
//! one Aho-Corasick automaton over every alias.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::text::{is_word_char, Segment};
use crate::normalize::article::EntityType;

/// One dictionary entry as editors curate it (`POST /v1/entities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictionaryEntry {
    pub id: String,
    pub name: String,
    pub kind: EntityType,
    pub aliases: Vec<String>,
}

/// The compiled dictionary. Cloning shares the automaton.
#[derive(Debug, Clone)]
pub struct EntityDictionary {
    inner: Arc<Compiled>,
}

#[derive(Debug)]
struct Compiled {
    entries: Vec<DictionaryEntry>,
    matcher: Option<AhoCorasick>,
    /// Pattern index → entry index.
    pattern_entry: Vec<usize>,
}

impl EntityDictionary {
    pub fn new(entries: Vec<DictionaryEntry>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_entry = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            for alias in std::iter::once(&e.name).chain(&e.aliases) {
                let alias: String = alias.trim().nfc().collect();
                if !alias.is_empty() && !patterns.contains(&alias) {
                    patterns.push(alias);
                    pattern_entry.push(i);
                }
            }
        }
        // Building fails only past the automaton's size limits, far beyond any real dictionary;
        // the aliases come from editors, so that is answered with no matching, never a panic.
        let matcher = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        EntityDictionary {
            inner: Arc::new(Compiled {
                entries,
                matcher,
                pattern_entry,
            }),
        }
    }

    pub fn empty() -> Self {
        EntityDictionary::new(Vec::new())
    }

    pub fn entries(&self) -> &[DictionaryEntry] {
        &self.inner.entries
    }

    pub fn is_empty(&self) -> bool {
        self.inner.entries.is_empty()
    }

    /// Leftmost-longest alias matches on word boundaries: (first token, end token, entry).
    pub(super) fn find(&self, seg: &Segment) -> Vec<(usize, usize, usize)> {
        match &self.inner.matcher {
            Some(m) => find_on_tokens(m, seg)
                .into_iter()
                .map(|(a, b, p)| (a, b, self.inner.pattern_entry[p]))
                .collect(),
            None => Vec::new(),
        }
    }

    pub(super) fn entry(&self, i: usize) -> &DictionaryEntry {
        &self.inner.entries[i]
    }
}

/// Leftmost-longest matches of `matcher` in the segment that start on a token's start and end
/// on a token's end (or on punctuation after it, as in "U.S."), as token ranges with the
/// pattern index.
pub(super) fn find_on_tokens(matcher: &AhoCorasick, seg: &Segment) -> Vec<(usize, usize, usize)> {
    let text = seg.text.as_str();
    let mut found: Vec<(usize, usize, usize)> = matcher
        .find_overlapping_iter(text)
        .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
        .filter(|&(s, e, _)| {
            let before_ok = text[..s]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            let after_ok = text[e..].chars().next().is_none_or(|c| !is_word_char(c));
            let inner_ok = text[s..e].chars().next().is_some_and(is_word_char);
            before_ok && after_ok && inner_ok
        })
        .collect();
    found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut out = Vec::new();
    let mut last_end = 0;
    for (s, e, p) in found {
        if s < last_end {
            continue;
        }
        // Tokens are in text order: binary searches find the first token starting at `s`
        // and the count of tokens starting before `e`.
        let first = seg.tokens.partition_point(|t| t.start < s);
        if seg.tokens.get(first).is_none_or(|t| t.start != s) {
            continue;
        }
        let end_tok = seg.tokens.partition_point(|t| t.start < e);
        if end_tok <= first || seg.tokens[end_tok - 1].end > e {
            continue;
        }
        last_end = e;
        out.push((first, end_tok, p));
    }
    out
}
