//! The extractor's data: the generated gazetteer, stop words and calendar names, and the
//! hand-curated cue lists under `data/`. Parsed once, on first use.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::MatchKind;

use super::fold::{fold, needs_fold};
use super::text::{head_word, normalize_phrase};
use crate::normalize::article::EntityType;
use crate::normalize::wordfilter::WordFilter;

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
const PLACE_ORGANIZATION_WORDS: &str =
    include_str!("../../../data/entities/place_organization_words.tsv");
const HINDI_COMMON_WORDS: &str = include_str!("../../../data/entities/hindi_common_words.tsv");
const NAME_SUFFIXES: &str = include_str!("../../../data/entities/name_suffixes.tsv");
const NOT_ENTITIES: &str = include_str!("../../../data/entities/not_entities.tsv");
const SEATS_OF_GOVERNMENT: &str = include_str!("../../../data/entities/seats_of_government.tsv");
const DEMONYMS: &str = include_str!("../../../data/entities/demonyms.tsv");
const COMMON_WORDS: &str = include_str!("../../../data/entities/common_words.tsv");
const SPEECH_FRAMES: &str = include_str!("../../../data/entities/speech_frames.tsv");

/// Maps and sets with a fast (and per-process seeded) hasher.
pub(super) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
pub(super) type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;

/// What the lexicon knows about one word: bits of [`Lexicon::word_flags`].
pub(super) mod flag {
    /// A word's flags: one bit per fact, and the length masks below.
    pub type Flags = u64;

    /// A title cue (case-sensitive).
    pub const TITLE_CUE: Flags = 1 << 0;
    /// The first word of some title cue (of any length).
    pub const CUE_HEAD: Flags = 1 << 1;
    pub const ORGANIZATION: Flags = 1 << 2;
    pub const PLACE_SUFFIX: Flags = 1 << 3;
    pub const PLACE_AFTER: Flags = 1 << 4;
    pub const POSSESSOR: Flags = 1 << 5;
    pub const PARTICLE: Flags = 1 << 6;
    pub const NAME_SUFFIX: Flags = 1 << 7;
    /// A boundary word, calendar name or listed non-entity (as written).
    pub const NEVER_LISTED: Flags = 1 << 8;
    /// The first word of some demonym (of any length).
    pub const DEMONYM_HEAD: Flags = 1 << 9;
    /// The lower-cased word is a stopword.
    pub const STOP: Flags = 1 << 10;
    /// The lower-cased word is a common English word.
    pub const COMMON: Flags = 1 << 11;
    /// The lower-cased word is an English title cue.
    pub const TITLE_CUE_LOWER: Flags = 1 << 12;
    /// The lower-cased word is a possessor cue.
    pub const POSSESSOR_LOWER: Flags = 1 << 13;
    /// The lower-cased word is a place-after word.
    pub const PLACE_AFTER_LOWER: Flags = 1 << 14;
    /// The word has a numeric character.
    pub const NUMERIC: Flags = 1 << 15;
    /// The word's first character is upper-case.
    pub const CAPITALIZED: Flags = 1 << 16;
    /// Never part of a name: listed, or numeric.
    pub const NEVER: Flags = NEVER_LISTED | NUMERIC;
    /// Bits `CUE_LENGTHS..CUE_LENGTHS + 8`: bit `l - 1` set when a title cue of `l` words
    /// starts with the word (bit 7 also stands for every longer cue).
    pub const CUE_LENGTHS: u32 = 17;
    /// Bits `DEMONYM_LENGTHS..DEMONYM_LENGTHS + 7`: the same for demonyms.
    pub const DEMONYM_LENGTHS: u32 = 25;
    /// The first word of some gazetteer name: the only tokens a gazetteer match can start on.
    pub const GAZETTEER_HEAD: Flags = 1 << 32;
    /// The first word of a word that makes an organization of the place before it ("सरकार",
    /// "नगर निगम"; see [`super::Lexicon::place_organization_words`]).
    pub const PLACE_ORG_HEAD: Flags = 1 << 33;
    /// A Hindi word never part of a name (learned from HiNER, see `hindi_common_words.tsv`).
    pub const COMMON_HI: Flags = 1 << 34;
    /// The first word of some speech frame ("ने" of "ne kahā"; see
    /// [`super::Lexicon::speech_frames`]).
    pub const FRAME_HEAD: Flags = 1 << 35;

    /// Whether the length mask at `shift` (of `bits` bits) in `flags` allows `words` words.
    #[inline]
    pub fn allows(flags: Flags, shift: u32, bits: u32, words: usize) -> bool {
        let bit = (words.clamp(1, bits as usize) - 1) as u32;
        (flags >> shift) & (1 << bit) != 0
    }

    /// The length-mask bit for a phrase of `words` words.
    pub fn length_bit(shift: u32, bits: u32, words: usize) -> Flags {
        1 << (shift + (words.clamp(1, bits as usize) - 1) as u32)
    }
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
    pub gazetteer_matcher: aho_corasick::nfa::contiguous::NFA,
    /// Pattern index → gazetteer entry index.
    pub gazetteer_pattern_entry: Vec<usize>,
    /// One-word English place names in capitals ("BERLIN"), as datelines write them: the
    /// gazetteer's automaton matches names as written.
    pub places_in_capitals: FastSet<String>,
    pub title_cues: FastSet<String>,
    /// Lower-cased Latin title cues, for "spokesman Dmitry Peskov".
    pub title_cues_lower: FastSet<String>,
    pub max_cue_words: usize,
    pub boundaries: FastSet<String>,
    /// Lower-cased.
    pub stopwords: FastSet<String>,
    pub name_particles: FastSet<String>,
    pub name_suffixes: FastSet<String>,
    pub organization_words: FastSet<String>,
    /// Words (of one or two words) that make an organization of a place named just before them.
    pub place_organization_words: FastSet<String>,
    pub place_suffixes: FastSet<String>,
    pub place_after: FastSet<String>,
    pub possessor_cues: FastSet<String>,
    pub letter_names: Vec<String>,
    pub not_entities: FastSet<String>,
    pub calendar: FastSet<String>,
    /// Nationality adjectives and nouns ("Russian", "North Korean"): never entities.
    pub demonyms: FastSet<String>,
    pub max_demonym_words: usize,
    /// Lower-case common English words ("officials", "house"): a capitalized one opening a
    /// sentence is not taken for a name on its own.
    pub common_words: FastSet<String>,
    /// Words written right after a speaker ("ने कहा", "का कहना"): the name before them is a person.
    pub speech_frames: FastSet<String>,
    pub max_frame_words: usize,
    /// Word → its flags as written (case-sensitive sets) and as a lower-cased word (sets
    /// compared in lower case).
    word_flags: FastMap<String, (flag::Flags, flag::Flags)>,
    /// Prefilter of `word_flags`' words: most words of a text have no flags.
    word_filter: WordFilter,
    /// (First character, index) of every letter name, by character.
    letter_heads: Vec<(char, usize)>,
    /// For each character of the Devanagari block (U+0900 + k), the range of `letter_heads`
    /// with that first character.
    devanagari_heads: [(u16, u16); 128],
    /// Bit k: the Devanagari character U+0900 + k is in some letter name. A word spelled with
    /// letter names has only such characters.
    letter_name_chars: u128,
}

/// Data lines of a file: not blank, not `#` comments, split on tabs.
fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The last column of every row, as a normalized phrase.
fn phrase_set(data: &str) -> FastSet<String> {
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
        // Matched folded (see `fold`): one pattern per folded name, the first one listed wins.
        let folded_not_entities: HashSet<String> = not_entities.iter().map(|n| fold(n)).collect();
        for (idx, name) in firsts.into_iter().chain(names) {
            let folded = fold(name);
            if !not_entities.contains(name)
                && !folded_not_entities.contains(&folded)
                && seen.insert(folded.clone())
            {
                patterns.push(folded);
                pattern_entry.push(idx);
            }
        }
        let places_in_capitals = gazetteer
            .iter()
            .filter(|g| g.kind == EntityType::Place && !g.english.contains(' '))
            .map(|g| g.english.to_uppercase())
            .collect();
        // Searched from token starts only (anchored), so a plain NFA: every pattern's end is
        // visited on the walk from its start.
        let gazetteer_matcher = aho_corasick::nfa::contiguous::NFA::builder()
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
        let mut place_suffixes = FastSet::default();
        let mut place_after = FastSet::default();
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

        let speech_frames = phrase_set(SPEECH_FRAMES);
        let max_frame_words = speech_frames
            .iter()
            .map(|c| c.split(' ').count())
            .max()
            .unwrap_or(1);
        let mut lex = Lexicon {
            speech_frames,
            max_frame_words,
            demonyms,
            max_demonym_words,
            common_words,
            gazetteer,
            gazetteer_matcher,
            gazetteer_pattern_entry: pattern_entry,
            places_in_capitals,
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
            place_organization_words: phrase_set(PLACE_ORGANIZATION_WORDS),
            place_suffixes,
            place_after,
            possessor_cues: phrase_set(POSSESSOR_CUES),
            letter_names,
            not_entities,
            calendar: rows(CALENDAR_NAMES)
                .filter_map(|r| r.first().map(|s| s.to_string()))
                .collect(),
            word_flags: FastMap::default(),
            word_filter: WordFilter::new(std::iter::empty()),
            letter_heads: Vec::new(),
            devanagari_heads: [(0, 0); 128],
            letter_name_chars: 0,
        };
        let hindi_common = phrase_set(HINDI_COMMON_WORDS);
        let mut exact: FastMap<String, flag::Flags> = FastMap::default();
        let mark = |map: &mut FastMap<String, flag::Flags>,
                    words: &mut dyn Iterator<Item = &str>,
                    bit: flag::Flags| {
            for w in words {
                *map.entry(w.to_string()).or_insert(0) |= bit;
            }
        };
        for (set, head_bit, shift, bits) in [
            (&lex.title_cues, flag::CUE_HEAD, flag::CUE_LENGTHS, 8),
            (&lex.demonyms, flag::DEMONYM_HEAD, flag::DEMONYM_LENGTHS, 7),
        ] {
            for p in set {
                let head = p.split(' ').next().unwrap_or_default();
                let bit = head_bit | flag::length_bit(shift, bits, p.split(' ').count());
                *exact.entry(head.to_string()).or_insert(0) |= bit;
            }
        }
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
            (&hindi_common, flag::COMMON_HI),
        ] {
            mark(&mut exact, &mut set.iter().map(String::as_str), bit);
        }
        for p in &lex.place_organization_words {
            if let Some(head) = head_word(p) {
                *exact.entry(head.to_string()).or_insert(0) |= flag::PLACE_ORG_HEAD;
            }
        }
        for p in &lex.speech_frames {
            if let Some(head) = head_word(p) {
                *exact.entry(head.to_string()).or_insert(0) |= flag::FRAME_HEAD;
            }
        }
        for p in &patterns {
            if let Some(head) = head_word(p) {
                *exact.entry(head.to_string()).or_insert(0) |= flag::GAZETTEER_HEAD;
            }
        }
        let mut lower: FastMap<String, flag::Flags> = FastMap::default();
        for (set, bit) in [
            (&lex.stopwords, flag::STOP),
            (&lex.common_words, flag::COMMON),
            (&lex.title_cues_lower, flag::TITLE_CUE_LOWER),
            (&lex.possessor_cues, flag::POSSESSOR_LOWER),
            (&lex.place_after, flag::PLACE_AFTER_LOWER),
        ] {
            mark(&mut lower, &mut set.iter().map(String::as_str), bit);
        }
        let mut word_flags: FastMap<String, (flag::Flags, flag::Flags)> = FastMap::default();
        for (w, f) in exact {
            word_flags.entry(w).or_default().0 |= f;
        }
        for (w, f) in lower {
            word_flags.entry(w).or_default().1 |= f;
        }
        lex.word_filter = WordFilter::new(word_flags.keys().map(String::as_str));
        lex.word_flags = word_flags;
        let mut heads: Vec<(char, usize)> = lex
            .letter_names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.chars().next().map(|c| (c, i)))
            .collect();
        heads.sort_unstable();
        lex.letter_heads = heads;
        for c in lex.letter_names.iter().flat_map(|n| n.chars()) {
            if let Some(k) = u32::from(c).checked_sub(0x900).filter(|&k| k < 128) {
                lex.letter_name_chars |= 1 << k;
            }
        }
        for (k, c) in ('\u{0900}'..='\u{097F}').enumerate() {
            let range = lex.heads_of(c);
            let narrow = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
            lex.devanagari_heads[k] = (narrow(range.start), narrow(range.end));
        }
        lex
    }

    /// The range of `letter_heads` whose letter names start with `c`.
    fn heads_of(&self, c: char) -> std::ops::Range<usize> {
        let from = self.letter_heads.partition_point(|&(h, _)| h < c);
        let to = self.letter_heads.partition_point(|&(h, _)| h <= c);
        from..to
    }

    /// Everything the lexicon says about one word ([`flag`] bits).
    pub(super) fn word_flags(&self, word: &str) -> flag::Flags {
        // One pass over the word: whether it is ASCII or Devanagari only (so lower-casing is
        // ASCII lower-casing), has ASCII upper-case letters, has a numeric character.
        let (mut simple, mut upper, mut numeric) = (true, false, false);
        let bytes = word.as_bytes();
        let mut i = 0;
        if let Some(digits) = devanagari_digits(bytes) {
            // Only Devanagari: the loop below has nothing to add.
            numeric = digits;
            i = bytes.len();
        }
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
                (b, _, _) if b < 0x80 => {
                    upper |= b.is_ascii_uppercase();
                    numeric |= b.is_ascii_digit();
                    i += 1;
                }
                // Devanagari (U+0900..=U+097F, E0 A4 xx and E0 A5 xx) has no case, and only its
                // digits (U+0966..=U+096F, E0 A5 A6..=AF) are numeric.
                (0xE0, Some(0xA4 | 0xA5), Some(&b2)) => {
                    numeric |= bytes[i + 1] == 0xA5 && (0xA6..=0xAF).contains(&b2);
                    i += 3;
                }
                _ => {
                    let Some(c) = word.get(i..).and_then(|rest| rest.chars().next()) else {
                        break;
                    };
                    simple = false;
                    numeric |= c.is_numeric();
                    i += c.len_utf8();
                }
            }
        }
        let get = |w: &str| self.word_flags.get(w).copied().unwrap_or((0, 0));
        let (exact, lower) = if self.word_filter.may_contain(word) {
            get(word)
        } else {
            (0, 0)
        };
        let lower = match (simple, upper) {
            // Already lower case: the one look-up answers both.
            (true, false) => lower,
            (true, true) if !self.word_filter.may_contain_ascii_lower(word) => 0,
            (true, true) => get(&word.to_ascii_lowercase()).1,
            (false, _) => get(&word.to_lowercase()).1,
        };
        let mut flags = exact | lower;
        // Gazetteer names are matched folded: so are their first words.
        if flags & flag::GAZETTEER_HEAD == 0 && needs_fold(word) {
            let folded = fold(word);
            if self.word_filter.may_contain(&folded) {
                flags |= get(&folded).0 & flag::GAZETTEER_HEAD;
            }
        }
        if numeric {
            flags |= flag::NUMERIC;
        }
        let capitalized = if simple {
            // ASCII or Devanagari (which has no case).
            word.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        } else {
            word.chars().next().is_some_and(char::is_uppercase)
        };
        if capitalized {
            flags |= flag::CAPITALIZED;
        }
        flags
    }

    /// "बीबीसी" → BBC: the word spelled entirely with Hindi names of Latin letters (two or more).
    pub(super) fn is_spelled_acronym(&self, word: &str) -> bool {
        // Most words have a Devanagari character that no letter name has: no split then.
        if self.has_char_outside_letter_names(word.as_bytes()) {
            return false;
        }
        if word.chars().count() < 3 {
            return false;
        }
        // reach[p]: the ways the first p bytes split into letter names, as bits: 1 = no name
        // yet, 2 = one name, 4 = two or more.
        let bytes = word.len();
        let mut stack = [0u8; 128];
        let mut heap = Vec::new();
        let reach: &mut [u8] = if bytes < stack.len() {
            &mut stack[..=bytes]
        } else {
            heap.resize(bytes + 1, 0);
            &mut heap
        };
        reach[0] = 1;
        // The furthest byte any split reaches so far: past it, no split goes on.
        let mut furthest = 0;
        for (p, c) in word.char_indices() {
            if p > furthest {
                return false;
            }
            let r = reach[p];
            if r == 0 {
                continue;
            }
            let next = (if r & 1 != 0 { 2 } else { 0 }) | (if r & 6 != 0 { 4 } else { 0 });
            let rest = &word.as_bytes()[p..];
            let heads = match u32::from(c).wrapping_sub(0x900) {
                k if k < 128 => {
                    let (from, to) = self.devanagari_heads[k as usize];
                    usize::from(from)..usize::from(to)
                }
                _ => self.heads_of(c),
            };
            for &(_, i) in self.letter_heads.get(heads).unwrap_or_default() {
                let n = self.letter_names[i].as_bytes();
                if rest.starts_with(n) {
                    reach[p + n.len()] |= next;
                    furthest = furthest.max(p + n.len());
                }
            }
        }
        reach[bytes] & 4 != 0
    }
}

impl Lexicon {
    /// Whether `word` has a Devanagari character (E0 A4 xx or E0 A5 xx) that is in no letter
    /// name, looking no further than its first character outside the Devanagari block.
    fn has_char_outside_letter_names(&self, word: &[u8]) -> bool {
        for c in word.chunks(3) {
            let &[0xE0, b1 @ (0xA4 | 0xA5), b2] = c else {
                return false;
            };
            // U+0900 + k: E0 A4 80+k for k < 64, E0 A5 80+(k-64) for the rest.
            let k = (u32::from(b1 - 0xA4) << 6) | u32::from(b2 & 0x3F);
            if self.letter_name_chars & (1 << k) == 0 {
                return true;
            }
        }
        false
    }
}

/// For a word of Devanagari characters only (U+0900..=U+097F, E0 A4 xx and E0 A5 xx), whether
/// it has a Devanagari digit (U+0966..=U+096F, E0 A5 A6..=AF); `None` for any other word.
fn devanagari_digits(bytes: &[u8]) -> Option<bool> {
    let chars = bytes.chunks_exact(3);
    if !chars.remainder().is_empty() {
        return None;
    }
    let mut digits = false;
    for c in chars {
        if c[0] != 0xE0 || !matches!(c[1], 0xA4 | 0xA5) {
            return None;
        }
        digits |= c[1] == 0xA5 && (0xA6..=0xAF).contains(&c[2]);
    }
    Some(digits)
}
