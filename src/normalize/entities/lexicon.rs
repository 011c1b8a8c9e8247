//! The extractor's data: the generated gazetteer, stop words and calendar names, and the
//! hand-curated cue lists under `data/`. Parsed once, on first use.

use std::collections::{HashMap, HashSet};
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
    pub title_cues: HashSet<String>,
    /// Lower-cased Latin title cues, for "spokesman Dmitry Peskov".
    pub title_cues_lower: HashSet<String>,
    pub max_cue_words: usize,
    pub boundaries: HashSet<String>,
    /// Lower-cased.
    pub stopwords: HashSet<String>,
    pub name_particles: HashSet<String>,
    pub name_suffixes: HashSet<String>,
    pub organization_words: HashSet<String>,
    pub place_suffixes: HashSet<String>,
    pub place_after: HashSet<String>,
    pub possessor_cues: HashSet<String>,
    pub letter_names: Vec<String>,
    pub not_entities: HashSet<String>,
    pub calendar: HashSet<String>,
    /// Nationality adjectives and nouns ("Russian", "North Korean"): never entities.
    pub demonyms: HashSet<String>,
    pub max_demonym_words: usize,
    /// Lower-case common English words ("officials", "house"): a capitalized one opening a
    /// sentence is not taken for a name on its own.
    pub common_words: HashSet<String>,
}

/// Data lines of a file: not blank, not `#` comments, split on tabs.
fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The last column of every row, as a normalized phrase.
fn phrase_set(data: &str) -> HashSet<String> {
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
        let mut place_suffixes = HashSet::new();
        let mut place_after = HashSet::new();
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

        Lexicon {
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
        }
    }

    pub(super) fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(&word.to_lowercase())
    }

    /// A common English word, written capitalized (only its lower-case form is listed).
    pub(super) fn is_common_word(&self, word: &str) -> bool {
        self.common_words.contains(&word.to_lowercase())
    }

    /// A word that can never be part of a name.
    pub(super) fn is_never_name(&self, word: &str) -> bool {
        self.boundaries.contains(word)
            || self.calendar.contains(word)
            || self.not_entities.contains(word)
            || word.chars().any(|c| c.is_numeric())
    }

    /// "बीबीसी" → BBC: the word spelled entirely with Hindi names of Latin letters (two or more).
    pub(super) fn is_spelled_acronym(&self, word: &str) -> bool {
        fn cover(rest: &str, names: &[String], count: usize) -> bool {
            if rest.is_empty() {
                return count >= 2;
            }
            names
                .iter()
                .any(|n| rest.starts_with(n.as_str()) && cover(&rest[n.len()..], names, count + 1))
        }
        word.chars().count() >= 3 && cover(word, &self.letter_names, 0)
    }
}
