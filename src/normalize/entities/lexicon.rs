//! The extractor's data: the generated gazetteer, stop words and calendar names, and the
//! hand-curated cue lists under `data/`. Parsed once, on first use.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::text::normalize_phrase;
use crate::normalize::article::EntityType;

const GAZETTEER: &str = include_str!("../../../data/gazetteer.tsv");
const PLACE_VARIANTS: &str = include_str!("../../../data/place_variants.tsv");
const CALENDAR_NAMES: &str = include_str!("../../../data/calendar_names.txt");
const STOPWORDS: &str = include_str!("../../../data/entities/function_words.tsv");
const TITLE_CUES: &str = include_str!("../../../data/entities/title_cues.tsv");
const BOUNDARIES: &str = include_str!("../../../data/entities/boundaries.tsv");
const NAME_PARTICLES: &str = include_str!("../../../data/entities/name_particles.tsv");
const ORGANIZATION_WORDS: &str = include_str!("../../../data/entities/organization_words.tsv");
const PLACE_WORDS: &str = include_str!("../../../data/entities/place_words.tsv");
const POSSESSOR_CUES: &str = include_str!("../../../data/entities/possessor_cues.tsv");
const LETTER_NAMES: &str = include_str!("../../../data/entities/letter_names.tsv");
const NAME_SUFFIXES: &str = include_str!("../../../data/entities/name_suffixes.tsv");
const NOT_ENTITIES: &str = include_str!("../../../data/entities/not_entities.tsv");
const SEATS_OF_GOVERNMENT: &str = include_str!("../../../data/entities/seats_of_government.tsv");
const DEMONYMS: &str = include_str!("../../../data/entities/demonyms.tsv");
const COMMON_WORDS: &str = include_str!("../../../data/entities/common_words.tsv");

/// The Fx hash (as in rustc): fast on the short words the lexicon's sets hold. Only for sets
/// whose contents are the lexicon's own data, never for keys taken from articles.
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub(super) type FxBuild = BuildHasherDefault<FxHasher>;
pub(super) type FxHashSet<T> = HashSet<T, FxBuild>;
pub(super) type FxHashMap<K, V> = HashMap<K, V, FxBuild>;

/// What the lexicon knows about one word: bits of [`Lexicon::word_flags`].
pub(super) mod flag {
    /// A title cue (case-sensitive).
    pub const TITLE_CUE: u32 = 1 << 0;
    /// The first word of some title cue (of any length).
    pub const CUE_HEAD: u32 = 1 << 1;
    pub const ORGANIZATION: u32 = 1 << 2;
    pub const PLACE_SUFFIX: u32 = 1 << 3;
    pub const PLACE_AFTER: u32 = 1 << 4;
    pub const POSSESSOR: u32 = 1 << 5;
    pub const PARTICLE: u32 = 1 << 6;
    pub const NAME_SUFFIX: u32 = 1 << 7;
    /// A boundary word, calendar name or listed non-entity (as written).
    pub const NEVER_LISTED: u32 = 1 << 8;
    /// The first word of some demonym (of any length).
    pub const DEMONYM_HEAD: u32 = 1 << 9;
    /// The lower-cased word is a stopword.
    pub const STOP: u32 = 1 << 10;
    /// The lower-cased word is a common English word.
    pub const COMMON: u32 = 1 << 11;
    /// The lower-cased word is an English title cue.
    pub const TITLE_CUE_LOWER: u32 = 1 << 12;
    /// The lower-cased word is a possessor cue.
    pub const POSSESSOR_LOWER: u32 = 1 << 13;
    /// The lower-cased word is a place-after word.
    pub const PLACE_AFTER_LOWER: u32 = 1 << 14;
    /// The word has a numeric character.
    pub const NUMERIC: u32 = 1 << 15;
    /// The word's first character is upper-case.
    pub const CAPITALIZED: u32 = 1 << 16;
    /// Never part of a name: listed, or numeric.
    pub const NEVER: u32 = NEVER_LISTED | NUMERIC;
}

/// One gazetteer entity: every name sharing a source id (`cldr:RU`, `geonames:524901`).
#[derive(Debug)]
pub(super) struct GazetteerEntry {
    pub kind: EntityType,
    /// The English name, whose transliteration key identifies the entity across languages.
    pub english: String,
}

pub(super) struct Lexicon {
    pub gazetteer: Vec<GazetteerEntry>,
    pub gazetteer_matcher: AhoCorasick,
    /// Pattern index → gazetteer entry index.
    pub gazetteer_pattern_entry: Vec<usize>,
    pub title_cues: FxHashSet<String>,
    /// Lower-cased Latin title cues, for "spokesman Dmitry Peskov".
    pub title_cues_lower: FxHashSet<String>,
    pub max_cue_words: usize,
    pub boundaries: FxHashSet<String>,
    /// Lower-cased.
    pub stopwords: FxHashSet<String>,
    pub name_particles: FxHashSet<String>,
    pub name_suffixes: FxHashSet<String>,
    pub organization_words: FxHashSet<String>,
    pub place_suffixes: FxHashSet<String>,
    pub place_after: FxHashSet<String>,
    pub possessor_cues: FxHashSet<String>,
    pub letter_names: Vec<String>,
    pub not_entities: FxHashSet<String>,
    pub calendar: FxHashSet<String>,
    /// Nationality adjectives and nouns ("Russian", "North Korean"): never entities.
    pub demonyms: FxHashSet<String>,
    pub max_demonym_words: usize,
    /// Lower-case common English words ("officials", "house"): a capitalized one opening a
    /// sentence is not taken for a name on its own.
    pub common_words: FxHashSet<String>,
    /// Word → its flags as written (case-sensitive sets) and as a lower-cased word (sets
    /// compared in lower case).
    word_flags: FxHashMap<String, (u32, u32)>,
    /// First characters of the letter names.
    letter_heads: Vec<char>,
}

/// Data lines of a file: not blank, not `#` comments, split on tabs.
fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The last column of every row, as a normalized phrase.
fn phrase_set(data: &str) -> FxHashSet<String> {
    rows(data)
        .filter_map(|r| r.last().map(|p| normalize_phrase(p)))
        .filter(|p| !p.is_empty())
        .collect()
}

pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

impl Lexicon {
    fn load() -> Lexicon {
        let mut gazetteer: Vec<GazetteerEntry> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_entry: Vec<usize> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let not_entities = phrase_set(NOT_ENTITIES);
        let mut names: Vec<(usize, &str)> = Vec::new();
        for row in rows(GAZETTEER) {
            let [kind, id, lang, name] = row[..] else {
                continue;
            };
            let kind = EntityType::parse(kind).unwrap_or(EntityType::Place);
            let idx = *by_id.entry(id.to_string()).or_insert_with(|| {
                gazetteer.push(GazetteerEntry {
                    kind,
                    english: String::new(),
                });
                gazetteer.len() - 1
            });
            if lang == "en" && gazetteer[idx].english.is_empty() {
                gazetteer[idx].english = name.to_string();
            }
            names.push((idx, name));
        }
        // Seats of government are organizations ("the Kremlin said"), whatever a place list says.
        let mut seats: Vec<(usize, &str)> = Vec::new();
        for row in rows(SEATS_OF_GOVERNMENT) {
            let [_lang, name, english] = row[..] else {
                continue;
            };
            let idx = *by_id.entry(format!("seat:{english}")).or_insert_with(|| {
                gazetteer.push(GazetteerEntry {
                    kind: EntityType::Organization,
                    english: english.to_string(),
                });
                gazetteer.len() - 1
            });
            seats.push((idx, name));
        }
        // Papers' variants first: "अमेरिका" is the United States, though one CLDR locale
        // uses the same spelling for the Americas.
        let variants = rows(PLACE_VARIANTS).filter_map(|row| match row[..] {
            [id, _lang, name] => by_id.get(id).map(|&idx| (idx, name)),
            _ => None,
        });
        let firsts: Vec<(usize, &str)> = seats.into_iter().chain(variants).collect();
        for (idx, name) in firsts.into_iter().chain(names) {
            if !not_entities.contains(name) && seen.insert(name.to_string()) {
                patterns.push(name.to_string());
                pattern_entry.push(idx);
            }
        }
        let gazetteer_matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("gazetteer automaton");

        let title_cues = phrase_set(TITLE_CUES);
        let max_cue_words = title_cues
            .iter()
            .map(|c| c.split(' ').count())
            .max()
            .unwrap_or(1);
        let title_cues_lower = rows(TITLE_CUES)
            .filter(|r| r.first() == Some(&"en"))
            .filter_map(|r| r.last().map(|p| normalize_phrase(p).to_lowercase()))
            .collect();
        let mut place_suffixes = FxHashSet::default();
        let mut place_after = FxHashSet::default();
        for row in rows(PLACE_WORDS) {
            if let [_, word, mode] = row[..] {
                if mode == "suffix" {
                    place_suffixes.insert(word.to_string());
                } else {
                    place_after.insert(word.to_string());
                }
            }
        }
        let mut letter_names: Vec<String> = rows(LETTER_NAMES)
            .filter_map(|r| r.get(1).map(|s| s.to_string()))
            .collect();
        letter_names.sort_by_key(|l| std::cmp::Reverse(l.len()));

        let demonyms = phrase_set(DEMONYMS);
        let max_demonym_words = demonyms
            .iter()
            .map(|c| c.split(' ').count())
            .max()
            .unwrap_or(1);
        let common_words = rows(COMMON_WORDS)
            .filter_map(|r| r.first().map(|w| w.to_string()))
            .collect();

        let mut lex = Lexicon {
            demonyms,
            max_demonym_words,
            common_words,
            gazetteer,
            gazetteer_matcher,
            gazetteer_pattern_entry: pattern_entry,
            title_cues,
            title_cues_lower,
            max_cue_words,
            boundaries: phrase_set(BOUNDARIES),
            stopwords: phrase_set(STOPWORDS)
                .into_iter()
                .map(|w| w.to_lowercase())
                .collect(),
            name_particles: phrase_set(NAME_PARTICLES),
            name_suffixes: phrase_set(NAME_SUFFIXES),
            organization_words: phrase_set(ORGANIZATION_WORDS),
            place_suffixes,
            place_after,
            possessor_cues: phrase_set(POSSESSOR_CUES),
            letter_names,
            not_entities,
            calendar: rows(CALENDAR_NAMES)
                .filter_map(|r| r.first().map(|s| s.to_string()))
                .collect(),
            word_flags: FxHashMap::default(),
            letter_heads: Vec::new(),
        };
        let mut exact: FxHashMap<String, u32> = FxHashMap::default();
        let mark = |map: &mut FxHashMap<String, u32>, words: &mut dyn Iterator<Item = &str>, bit: u32| {
            for w in words {
                *map.entry(w.to_string()).or_insert(0) |= bit;
            }
        };
        let head = |p: &String| p.split(' ').next().unwrap_or_default().to_string();
        let cue_heads: Vec<String> = lex.title_cues.iter().map(head).collect();
        let demonym_heads: Vec<String> = lex.demonyms.iter().map(head).collect();
        for (set, bit) in [
            (&lex.title_cues, flag::TITLE_CUE),
            (&lex.organization_words, flag::ORGANIZATION),
            (&lex.place_suffixes, flag::PLACE_SUFFIX),
            (&lex.place_after, flag::PLACE_AFTER),
            (&lex.possessor_cues, flag::POSSESSOR),
            (&lex.name_particles, flag::PARTICLE),
            (&lex.name_suffixes, flag::NAME_SUFFIX),
            (&lex.boundaries, flag::NEVER_LISTED),
            (&lex.calendar, flag::NEVER_LISTED),
            (&lex.not_entities, flag::NEVER_LISTED),
        ] {
            mark(&mut exact, &mut set.iter().map(String::as_str), bit);
        }
        mark(&mut exact, &mut cue_heads.iter().map(String::as_str), flag::CUE_HEAD);
        mark(
            &mut exact,
            &mut demonym_heads.iter().map(String::as_str),
            flag::DEMONYM_HEAD,
        );
        let mut lower: FxHashMap<String, u32> = FxHashMap::default();
        for (set, bit) in [
            (&lex.stopwords, flag::STOP),
            (&lex.common_words, flag::COMMON),
            (&lex.title_cues_lower, flag::TITLE_CUE_LOWER),
            (&lex.possessor_cues, flag::POSSESSOR_LOWER),
            (&lex.place_after, flag::PLACE_AFTER_LOWER),
        ] {
            mark(&mut lower, &mut set.iter().map(String::as_str), bit);
        }
        let mut word_flags: FxHashMap<String, (u32, u32)> = FxHashMap::default();
        for (w, f) in exact {
            word_flags.entry(w).or_default().0 |= f;
        }
        for (w, f) in lower {
            word_flags.entry(w).or_default().1 |= f;
        }
        lex.word_flags = word_flags;
        let mut heads: Vec<char> = lex
            .letter_names
            .iter()
            .filter_map(|n| n.chars().next())
            .collect();
        heads.sort_unstable();
        heads.dedup();
        lex.letter_heads = heads;
        lex
    }

    /// Everything the lexicon says about one word ([`flag`] bits).
    pub(super) fn word_flags(&self, word: &str) -> u32 {
        let (exact, lower) = self.word_flags.get(word).copied().unwrap_or((0, 0));
        let mut flags = exact
            | match lower_case(word) {
                // Already lower case: the one look-up answers both.
                std::borrow::Cow::Borrowed(_) => lower,
                std::borrow::Cow::Owned(w) => {
                    self.word_flags.get(w.as_str()).map_or(0, |&(_, l)| l)
                }
            };
        let numeric = |c: char| match c {
            '\0'..='\u{7F}' => c.is_ascii_digit(),
            // Devanagari: only its digits are numeric.
            '\u{0900}'..='\u{097F}' => ('\u{0966}'..='\u{096F}').contains(&c),
            _ => c.is_numeric(),
        };
        if word.chars().any(numeric) {
            flags |= flag::NUMERIC;
        }
        if word.chars().next().is_some_and(char::is_uppercase) {
            flags |= flag::CAPITALIZED;
        }
        flags
    }

    /// "बीबीसी" → BBC: the word spelled entirely with Hindi names of Latin letters (two or more).
    pub(super) fn is_spelled_acronym(&self, word: &str) -> bool {
        if word.chars().count() < 3
            || word
                .chars()
                .next()
                .is_none_or(|c| self.letter_heads.binary_search(&c).is_err())
        {
            return false;
        }
        // reach[p]: the ways the first p bytes split into letter names, as bits: 1 = no name
        // yet, 2 = one name, 4 = two or more.
        let bytes = word.len();
        let mut reach = vec![0u8; bytes + 1];
        reach[0] = 1;
        for p in 0..bytes {
            let r = reach[p];
            if r == 0 {
                continue;
            }
            let next = (if r & 1 != 0 { 2 } else { 0 }) | (if r & 6 != 0 { 4 } else { 0 });
            let rest = &word.as_bytes()[p..];
            for n in &self.letter_names {
                if !n.is_empty() && rest.starts_with(n.as_bytes()) {
                    reach[p + n.len()] |= next;
                }
            }
        }
        reach[bytes] & 4 != 0
    }
}

/// The word lower-cased as `str::to_lowercase` does, without copying a word that has no
/// upper-case letters in ASCII or Devanagari text.
fn lower_case(word: &str) -> std::borrow::Cow<'_, str> {
    let simple = word
        .chars()
        .all(|c| c.is_ascii() || ('\u{0900}'..='\u{097F}').contains(&c));
    if simple {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(word.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(word)
        }
    } else {
        std::borrow::Cow::Owned(word.to_lowercase())
    }
}
