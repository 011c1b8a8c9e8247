//! Turning mentions into entities: grouping, short forms that corefer with a full name
//! ("पुतिन" → "व्लादिमीर पुतिन"), and linking across scripts by transliteration key.

use super::key::{split_spaces, KeyCache};
use super::lexicon::{flag, FastMap, LEXICON};
use super::text::{Script, Segment};
use super::{Mention, Origin};
use crate::normalize::article::EntityType;

/// An entity being assembled: its origin, type and the names (token forms) it goes by.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub kind: EntityType,
    pub origin: Origin,
    pub alive: bool,
}

/// Groups mentions into drafts: by dictionary entry, by gazetteer entry, or by surface form.
/// Sets each mention's `entity`.
pub(super) fn group(segs: &[Segment], mentions: &[Mention]) -> (Vec<Draft>, Vec<usize>) {
    #[derive(PartialEq, Eq, Hash)]
    enum GroupKey<'a> {
        Dictionary(usize),
        Gazetteer(usize),
        Found(std::borrow::Cow<'a, str>),
    }
    let mut drafts: Vec<Draft> = Vec::new();
    // Room for every mention's key: the map is never grown.
    let mut index: FastMap<GroupKey, usize> =
        FastMap::with_capacity_and_hasher(mentions.len(), Default::default());
    let mut votes: Vec<[u32; 4]> = Vec::new();
    let mut entity_of = Vec::with_capacity(mentions.len());
    for m in mentions {
        let key = match m.origin {
            Origin::Dictionary(e) => GroupKey::Dictionary(e),
            Origin::Gazetteer(g) => GroupKey::Gazetteer(g),
            Origin::Found => GroupKey::Found(segs[m.seg].joined_cow(m.from, m.to)),
        };
        let d = *index.entry(key).or_insert_with(|| {
            drafts.push(Draft {
                kind: m.kind,
                origin: m.origin,
                alive: true,
            });
            votes.push([0; 4]);
            drafts.len() - 1
        });
        votes[d][kind_rank(m.kind)] += 1;
        entity_of.push(d);
    }
    for (d, v) in drafts.iter_mut().zip(&votes) {
        if d.origin == Origin::Found {
            // Most votes among the specific types wins; ties go to person, organization, place.
            let best = (0..3).max_by_key(|&k| (v[k], 3 - k)).unwrap_or(3);
            d.kind = if v[best] > 0 {
                RANKED[best]
            } else {
                EntityType::Other
            };
        }
    }
    (drafts, entity_of)
}

const RANKED: [EntityType; 4] = [
    EntityType::Person,
    EntityType::Organization,
    EntityType::Place,
    EntityType::Other,
];

fn kind_rank(k: EntityType) -> usize {
    RANKED.iter().position(|&r| r == k).unwrap_or(3)
}

fn compatible(a: EntityType, b: EntityType) -> bool {
    a == b || a == EntityType::Other || b == EntityType::Other
}

/// The name (tokens joined by spaces) of every mention so far, one after another in one string.
#[derive(Default)]
pub(super) struct MentionNames {
    text: String,
    /// Where each mention's name ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
}

impl MentionNames {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn push(&mut self, seg: &Segment, from: usize, to: usize) {
        seg.push_joined(from, to, &mut self.text);
        self.ends.push(self.text.len());
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.text[start..end])
    }
}

/// The distinct names (tokens joined by spaces) of each draft, in the order of their first
/// mentions: `names[d]`.
pub(super) struct DraftNames<'a> {
    /// Where each draft's names start in `list` (and, last, the end of the list).
    starts: Vec<usize>,
    list: Vec<&'a str>,
}

impl DraftNames<'_> {
    /// The names of all drafts together.
    fn total(&self) -> usize {
        self.list.len()
    }
}

impl<'a> std::ops::Index<usize> for DraftNames<'a> {
    type Output = [&'a str];

    fn index(&self, d: usize) -> &[&'a str] {
        &self.list[self.starts[d]..self.starts[d + 1]]
    }
}

/// The distinct names (tokens joined by spaces) of each draft.
pub(super) fn names_of<'a>(
    segs: &[Segment],
    mentions: &[Mention],
    entity_of: &[usize],
    drafts: usize,
    cache: &'a mut MentionNames,
) -> DraftNames<'a> {
    // Mentions are only ever added: the names of those seen before are remembered.
    for m in mentions.get(cache.len()..).unwrap_or_default() {
        cache.push(&segs[m.seg], m.from, m.to);
    }
    let cache: &'a MentionNames = cache;
    // Mentions grouped by draft, in order (a counting sort), then each group's repeats dropped.
    let mut starts = vec![0usize; drafts + 1];
    for &d in entity_of.iter().take(cache.len()) {
        starts[d + 1] += 1;
    }
    for d in 0..drafts {
        starts[d + 1] += starts[d];
    }
    let mut next = starts.clone();
    let mut list: Vec<&str> = vec![""; entity_of.len()];
    for (name, &d) in cache.iter().zip(entity_of) {
        list[next[d]] = name;
        next[d] += 1;
    }
    let mut kept = 0;
    for d in 0..drafts {
        let (from, to) = (starts[d], starts[d + 1]);
        starts[d] = kept;
        for k in from..to {
            let name = list[k];
            if !list[starts[d]..kept].contains(&name) {
                list[kept] = name;
                kept += 1;
            }
        }
    }
    starts[drafts] = kept;
    list.truncate(kept);
    DraftNames { starts, list }
}

/// What one extraction remembers while linking: transliteration keys, and the name (tokens
/// joined by spaces) of every mention so far.
#[derive(Default)]
pub(super) struct Memo {
    pub keys: KeyCache,
    names: MentionNames,
    /// Person name → the keys of its short forms.
    short_keys: FastMap<String, Vec<String>>,
}

/// Contiguous parts of a multi-word person name that can stand for it ("पुतिन", "किम जोंग"):
/// not the full name, not made only of function words, titles or particles.
fn short_forms(name: &str) -> Vec<String> {
    let lex = &*LEXICON;
    let words: Vec<&str> = split_spaces(name).collect();
    let meaningful: Vec<bool> = words
        .iter()
        .map(|w| {
            lex.word_flags(w) & (flag::STOP | flag::PARTICLE | flag::NEVER | flag::TITLE_CUE) == 0
                && w.chars().count() >= 2
        })
        .collect();
    let mut out = Vec::new();
    for a in 0..words.len() {
        for b in a + 1..=words.len() {
            if b - a == words.len() {
                continue;
            }
            let part = &words[a..b];
            let meaningful = (a..b).any(|i| meaningful[i]);
            if meaningful {
                out.push(part.join(" "));
            }
        }
    }
    out
}

/// Legal-form and group words that end company names: "SoftBank" is "SoftBank Group Corp"
/// without them.
const COMPANY_SUFFIXES: &[&str] = &[
    "Corp",
    "Corporation",
    "Inc",
    "Incorporated",
    "Ltd",
    "Limited",
    "Co",
    "Company",
    "Group",
    "Holdings",
    "PLC",
    "Plc",
    "LLC",
    "LLP",
    "LP",
    "GmbH",
    "AG",
    "SA",
    "NV",
];

/// The shorter names a company's name stands for once its legal-form and group words are
/// dropped from the end, one at a time ("SoftBank Group Corp" → "SoftBank Group", "SoftBank").
fn company_short_forms(name: &str) -> Vec<String> {
    let words: Vec<&str> = split_spaces(name).collect();
    let mut end = words.len();
    let mut out = Vec::new();
    while end >= 2 && COMPANY_SUFFIXES.contains(&words[end - 1].trim_end_matches('.')) {
        end -= 1;
        out.push(words[..end].join(" "));
    }
    out
}

/// Phrase → draft, for the phrases claimed by one draft only.
struct Unambiguous(FastMap<String, Option<usize>>);

impl Unambiguous {
    fn get(&self, phrase: &str) -> Option<usize> {
        self.0.get(phrase).copied().flatten()
    }

    fn into_pairs(self) -> impl Iterator<Item = (String, usize)> {
        self.0.into_iter().filter_map(|(p, d)| d.map(|d| (p, d)))
    }
}

/// Phrase → draft, dropping phrases claimed by two drafts (`room`: about how many phrases,
/// so the map is not grown pair by pair).
fn unambiguous(pairs: impl IntoIterator<Item = (String, usize)>, room: usize) -> Unambiguous {
    let mut map: FastMap<String, Option<usize>> =
        FastMap::with_capacity_and_hasher(room, Default::default());
    for (p, d) in pairs {
        map.entry(p)
            .and_modify(|e| {
                if *e != Some(d) {
                    *e = None
                }
            })
            .or_insert(Some(d));
    }
    Unambiguous(map)
}

fn merge(drafts: &mut [Draft], entity_of: &mut [usize], from: usize, into: usize) {
    if from == into || !drafts[from].alive {
        return;
    }
    if drafts[into].kind == EntityType::Other {
        drafts[into].kind = drafts[from].kind;
    }
    drafts[from].alive = false;
    entity_of
        .iter_mut()
        .filter(|d| **d == from)
        .for_each(|d| *d = into);
}

/// Merges drafts whose only names are short forms of one person's full name, then finds
/// further mentions of every name and short form in text not yet claimed.
pub(super) fn link_short_forms(
    segs: &[Segment],
    mentions: &mut Vec<Mention>,
    entity_of: &mut Vec<usize>,
    drafts: &mut [Draft],
    covered: &mut [Vec<bool>],
    memo: &mut Memo,
) {
    let names = names_of(segs, mentions, entity_of, drafts.len(), &mut memo.names);
    let shorts = unambiguous(
        (0..drafts.len())
            .filter(|&d| drafts[d].alive && drafts[d].kind == EntityType::Person)
            .flat_map(|d| {
                names[d]
                    .iter()
                    .flat_map(|n| short_forms(n))
                    .map(move |s| (s, d))
            }),
        names.total(),
    );
    for d in 0..drafts.len() {
        if !drafts[d].alive || drafts[d].origin != Origin::Found {
            continue;
        }
        if !matches!(drafts[d].kind, EntityType::Person | EntityType::Other) {
            continue;
        }
        let targets: Vec<usize> = names[d].iter().filter_map(|n| shorts.get(n)).collect();
        if let Some(&t) = targets.first() {
            if targets.iter().all(|&x| x == t) && t != d {
                merge(drafts, entity_of, d, t);
            }
        }
    }
    let names = names_of(segs, mentions, entity_of, drafts.len(), &mut memo.names);
    // A company named once in full and elsewhere without its legal form is one entity.
    let company_shorts = unambiguous(
        (0..drafts.len())
            .filter(|&d| drafts[d].alive && drafts[d].kind == EntityType::Organization)
            .flat_map(|d| {
                names[d]
                    .iter()
                    .flat_map(|n| company_short_forms(n))
                    .map(move |s| (s, d))
            }),
        names.total(),
    );
    for d in 0..drafts.len() {
        if !drafts[d].alive || drafts[d].origin != Origin::Found {
            continue;
        }
        let targets: Vec<usize> = names[d]
            .iter()
            .filter_map(|n| company_shorts.get(n))
            .collect();
        if let Some(&t) = targets.first() {
            if targets.iter().all(|&x| x == t) && t != d {
                drafts[d].kind = EntityType::Organization;
                merge(drafts, entity_of, d, t);
            }
        }
    }
    let names = names_of(segs, mentions, entity_of, drafts.len(), &mut memo.names);
    let mut phrases: FastMap<String, usize> =
        FastMap::with_capacity_and_hasher(names.total() * 2, Default::default());
    phrases.extend(
        unambiguous(
            (0..drafts.len())
                .filter(|&d| drafts[d].alive)
                .flat_map(|d| names[d].iter().map(move |n| (n.to_string(), d))),
            names.total(),
        )
        .into_pairs(),
    );
    for (s, d) in shorts.into_pairs().chain(company_shorts.into_pairs()) {
        if drafts[d].alive {
            phrases.entry(s).or_insert(d);
        }
    }
    // A phrase's first word and its most words: runs starting with any other word, or
    // longer, are never looked up.
    let mut heads: FastMap<&str, usize> =
        FastMap::with_capacity_and_hasher(phrases.len(), Default::default());
    let mut joined = String::new();
    for p in phrases.keys() {
        let mut words = split_spaces(p);
        let head = words.next().unwrap_or_default();
        let len = 1 + words.count();
        let max = heads.entry(head).or_insert(0);
        *max = (*max).max(len);
    }
    scan(
        segs,
        mentions,
        entity_of,
        drafts,
        covered,
        |seg, i| heads.get(seg.token_text(i)).copied().unwrap_or(0),
        |seg, from, to| {
            heads
                .get(seg.token_text(from))
                .filter(|&&max| to - from <= max)?;
            joined.clear();
            seg.push_joined(from, to, &mut joined);
            phrases.get(joined.as_str()).copied()
        },
    );
}

/// Links across scripts: drafts whose names share a transliteration key become one, and
/// unclaimed capitalized Latin runs (or Devanagari words) whose key is that of a known name
/// or short form become its mentions ("Putin", "Kim Jong" in English kickers).
#[allow(clippy::too_many_arguments)]
pub(super) fn link_cross_script<'e>(
    segs: &[Segment],
    mentions: &mut Vec<Mention>,
    entity_of: &mut Vec<usize>,
    drafts: &mut [Draft],
    covered: &mut [Vec<bool>],
    english_names: &dyn Fn(Origin) -> Option<&'e str>,
    main_script: Script,
    memo: &mut Memo,
) {
    // Same full key, compatible types: one entity (prefer the dictionary, then the gazetteer).
    let (full_keys, _) = draft_keys(segs, mentions, entity_of, drafts, english_names, memo);
    let mut forward: Vec<usize> = (0..drafts.len()).collect();
    let find = |forward: &[usize], mut d: usize| {
        while forward[d] != d {
            d = forward[d];
        }
        d
    };
    let mut by_key: FastMap<String, usize> =
        FastMap::with_capacity_and_hasher(full_keys.len(), Default::default());
    for (k, d) in full_keys {
        if k.len() < 3 {
            continue;
        }
        let d = find(&forward, d);
        match by_key.get(&k).map(|&o| find(&forward, o)) {
            Some(other) if other != d && compatible(drafts[other].kind, drafts[d].kind) => {
                let (from, into) =
                    if origin_rank(drafts[d].origin) < origin_rank(drafts[other].origin) {
                        (other, d)
                    } else {
                        (d, other)
                    };
                merge(drafts, entity_of, from, into);
                forward[from] = into;
                by_key.insert(k, into);
            }
            Some(_) => {}
            None => {
                by_key.insert(k, d);
            }
        }
    }
    let (full_keys, short_keys) =
        draft_keys(segs, mentions, entity_of, drafts, english_names, memo);
    let room = full_keys.len() + short_keys.len();
    let keys = unambiguous(
        full_keys
            .into_iter()
            .chain(short_keys)
            .filter(|(k, _)| k.len() >= 3),
        room,
    );
    let mut scripts: Vec<Vec<Script>> = vec![Vec::new(); drafts.len()];
    for (m, &d) in mentions.iter().zip(entity_of.iter()) {
        let script = segs[m.seg].tokens[m.from].script;
        if !scripts[d].contains(&script) {
            scripts[d].push(script);
        }
    }
    scan(
        segs,
        mentions,
        entity_of,
        drafts,
        covered,
        |seg, i| {
            if seg.tokens[i].script == main_script {
                0
            } else {
                6
            }
        },
        |seg, from, to| {
            // Mentions in the article's own script were found by the passes before; only
            // the other script's runs are worth romanizing.
            if seg.tokens[from].script == main_script {
                return None;
            }
            let name_like = (from..to).all(|i| match seg.tokens[i].script {
                Script::Latin => seg.has(i, flag::CAPITALIZED) && !seg.has(i, flag::NEVER),
                Script::Devanagari => !seg.has(i, flag::STOP | flag::NEVER | flag::TITLE_CUE),
                Script::Other => false,
            });
            if !name_like {
                return None;
            }
            // Only a form in a script the entity has no name in yet: "रूसी" (Russian) folds to
            // the key of "Russia", but the entity already has its Devanagari name "रूस".
            let script = seg.tokens[from].script;
            let key = memo.keys.run_key((from..to).map(|i| seg.token_text(i)));
            debug_assert_eq!(
                key,
                super::key::transliteration_key(&seg.joined(from, to)),
                "a run's key is its tokens' keys"
            );
            keys.get(&key).filter(|&d| !scripts[d].contains(&script))
        },
    );
}

type KeyList = Vec<(String, usize)>;

/// Transliteration keys of every live draft's names (and English gazetteer name), and of
/// persons' short forms.
fn draft_keys<'e>(
    segs: &[Segment],
    mentions: &[Mention],
    entity_of: &[usize],
    drafts: &[Draft],
    english_names: &dyn Fn(Origin) -> Option<&'e str>,
    memo: &mut Memo,
) -> (KeyList, KeyList) {
    let Memo {
        keys,
        names,
        short_keys: short_keys_of,
    } = memo;
    let names = names_of(segs, mentions, entity_of, drafts.len(), names);
    let mut full_keys = Vec::new();
    let mut short_keys = Vec::new();
    for d in (0..drafts.len()).filter(|&d| drafts[d].alive) {
        for n in &names[d] {
            full_keys.push((keys.key(n), d));
            if drafts[d].kind == EntityType::Person {
                if !short_keys_of.contains_key(*n) {
                    let of_name = short_forms(n).iter().map(|s| keys.key(s)).collect();
                    short_keys_of.insert(n.to_string(), of_name);
                }
                let of_name = short_keys_of.get(*n).map_or(&[][..], Vec::as_slice);
                short_keys.extend(of_name.iter().map(|k| (k.clone(), d)));
            }
        }
        if let Some(en) = english_names(drafts[d].origin) {
            full_keys.push((keys.key(en), d));
        }
    }
    (full_keys, short_keys)
}

fn origin_rank(o: Origin) -> u8 {
    match o {
        Origin::Dictionary(_) => 0,
        Origin::Gazetteer(_) => 1,
        Origin::Found => 2,
    }
}

/// Finds unclaimed token runs (longest first, up to six words, no punctuation inside) that
/// `lookup` resolves to a live draft, and records them as mentions of it.
fn scan(
    segs: &[Segment],
    mentions: &mut Vec<Mention>,
    entity_of: &mut Vec<usize>,
    drafts: &[Draft],
    covered: &mut [Vec<bool>],
    mut longest: impl FnMut(&Segment, usize) -> usize,
    mut lookup: impl FnMut(&Segment, usize, usize) -> Option<usize>,
) {
    for (si, seg) in segs.iter().enumerate() {
        let n = seg.tokens.len();
        let mut i = 0;
        while i < n {
            let mut advanced = false;
            if !covered[si][i] {
                // Runs longer than `longest` allows are never found by `lookup`.
                let cap = longest(seg, i).min(6);
                let mut max = 0;
                while max < cap
                    && i + max < n
                    && !covered[si][i + max]
                    && (max == 0 || !seg.tokens[i + max].break_before)
                {
                    max += 1;
                }
                for l in (1..=max).rev() {
                    if let Some(d) = lookup(seg, i, i + l).filter(|&d| drafts[d].alive) {
                        covered[si][i..i + l].iter_mut().for_each(|c| *c = true);
                        mentions.push(Mention {
                            seg: si,
                            from: i,
                            to: i + l,
                            kind: drafts[d].kind,
                            origin: drafts[d].origin,
                        });
                        entity_of.push(d);
                        i += l;
                        advanced = true;
                        break;
                    }
                }
            }
            if !advanced {
                i += 1;
            }
        }
    }
}
