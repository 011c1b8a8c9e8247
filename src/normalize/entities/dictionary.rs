//! Editor-curated entities: a canonical name, a type and aliases in any script, matched with
//! one Aho-Corasick automaton over every alias, walked from each token's start.

use std::sync::Arc;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, MatchKind};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::lexicon::FastSet;
use super::text::{head_word, is_word_char, Segment};
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
    matcher: Option<contiguous::NFA>,
    /// Pattern index → entry index.
    pattern_entry: Vec<usize>,
    /// The first word of every alias, ASCII lower-cased: the only token texts (so compared) a
    /// match can start on.
    heads: FastSet<String>,
}

impl EntityDictionary {
    pub fn new(entries: Vec<DictionaryEntry>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_entry = Vec::new();
        let mut heads = FastSet::default();
        for (i, e) in entries.iter().enumerate() {
            for alias in std::iter::once(&e.name).chain(&e.aliases) {
                let alias: String = alias.trim().nfc().collect();
                if !alias.is_empty() && !patterns.contains(&alias) {
                    if let Some(head) = head_word(&alias) {
                        heads.insert(head.to_ascii_lowercase());
                    }
                    patterns.push(alias);
                    pattern_entry.push(i);
                }
            }
        }
        // Building fails only past the automaton's size limits, far beyond any real dictionary;
        // the aliases come from editors, so that is answered with no matching, never a panic.
        let matcher = (!patterns.is_empty())
            .then(|| {
                contiguous::NFA::builder()
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
                heads,
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
        let Some(m) = &self.inner.matcher else {
            return Vec::new();
        };
        // The matcher ignores ASCII case, so token texts are compared ASCII lower-cased.
        let mut lower = String::new();
        let may_start = |i: usize| {
            let word = seg.token_text(i);
            if word.bytes().any(|b| b.is_ascii_uppercase()) {
                lower.clear();
                lower.push_str(word);
                lower.make_ascii_lowercase();
                self.inner.heads.contains(lower.as_str())
            } else {
                self.inner.heads.contains(word)
            }
        };
        find_on_tokens_nfa(m, seg, may_start)
            .into_iter()
            .map(|(a, b, p)| (a, b, self.inner.pattern_entry[p]))
            .collect()
    }

    pub(super) fn entry(&self, i: usize) -> &DictionaryEntry {
        &self.inner.entries[i]
    }
}

/// Leftmost-longest matches of `nfa` in the segment that start on a token's start and end on a
/// token's end (or on punctuation after it, as in "U.S."), as token ranges with the pattern
/// index. The NFA is walked from the start of each token that `may_start` (a match can only
/// start on a token whose text is its pattern's first word, see [`head_word`]): every pattern
/// occurrence that starts there is found, without scanning the rest of the text (occurrences
/// starting elsewhere are never chosen).
pub(super) fn find_on_tokens_nfa(
    nfa: &contiguous::NFA,
    seg: &Segment,
    mut may_start: impl FnMut(usize) -> bool,
) -> Vec<(usize, usize, usize)> {
    let text = seg.text.as_bytes();
    let Ok(start) = nfa.start_state(Anchored::Yes) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for (i, t) in seg.tokens.iter().enumerate() {
        if !may_start(i) {
            continue;
        }
        let s = t.start;
        let mut sid = start;
        for (pos, &byte) in text.iter().enumerate().skip(s) {
            sid = nfa.next_state(Anchored::Yes, sid, byte);
            if nfa.is_dead(sid) {
                break;
            }
            if nfa.is_match(sid) {
                let e = pos + 1;
                // A state's matches include those of its suffixes (patterns that start
                // later): only the one spanning the whole walk starts here.
                for k in 0..nfa.match_len(sid) {
                    let p = nfa.match_pattern(sid, k);
                    if nfa.pattern_len(p) == e - s {
                        found.push((s, e, p.as_usize()));
                    }
                }
            }
        }
    }
    select_on_tokens(seg, found)
}

/// [`find_on_tokens_nfa`] over the text as [`super::fold::fold_char`] folds it: the NFA's
/// patterns are folded names, the text is folded as it is walked, and the matches are token
/// ranges of the text as written.
pub(super) fn find_on_tokens_folded(
    nfa: &contiguous::NFA,
    seg: &Segment,
    mut may_start: impl FnMut(usize) -> bool,
) -> Vec<(usize, usize, usize)> {
    let text = seg.text;
    let Ok(start) = nfa.start_state(Anchored::Yes) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let mut buf = [0u8; 4];
    for (i, t) in seg.tokens.iter().enumerate() {
        if !may_start(i) {
            continue;
        }
        let s = t.start;
        let mut sid = start;
        // Bytes of folded text fed so far: a match spanning all of them starts here.
        let mut fed = 0usize;
        for (pos, c) in text[s..].char_indices() {
            if let Some(f) = super::fold::fold_char(c) {
                for &byte in f.encode_utf8(&mut buf).as_bytes() {
                    sid = nfa.next_state(Anchored::Yes, sid, byte);
                }
                fed += f.len_utf8();
                if nfa.is_dead(sid) {
                    break;
                }
            }
            if nfa.is_match(sid) {
                let e = s + pos + c.len_utf8();
                for k in 0..nfa.match_len(sid) {
                    let p = nfa.match_pattern(sid, k);
                    if nfa.pattern_len(p) == fed {
                        found.push((s, e, p.as_usize()));
                    }
                }
            }
        }
    }
    select_on_tokens(seg, found)
}

/// Of the pattern occurrences `(start, end, pattern)`, the leftmost-longest ones on word
/// boundaries, as token ranges with the pattern index.
fn select_on_tokens(
    seg: &Segment,
    found: impl IntoIterator<Item = (usize, usize, usize)>,
) -> Vec<(usize, usize, usize)> {
    let text = seg.text;
    let mut found: Vec<(usize, usize, usize)> = found
        .into_iter()
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
