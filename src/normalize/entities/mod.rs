//! Entity extraction: persons, places and organizations named in an article, in Hindi and
//! English, with one entity per real-world thing across scripts.
//!
//! The steps, in order:
//! 1. lay the article out as segments of word tokens ([`text`]);
//! 2. editors' dictionary, then the gazetteer (CLDR countries and regions, ISO 3166-2 Indian
//!    states, GeoNames cities) claim their aliases;
//! 3. rules find the rest ([`rules`]): Devanagari names after title cues, before organization
//!    and place words, spelled acronyms; Latin capitalized runs;
//! 4. a learned tagger ([`tagger`], trained on HiNER) claims Devanagari names in words nothing
//!    above took;
//! 5. mentions are grouped, short forms joined to full names, and names in other scripts
//!    linked by transliteration key ([`link`]);
//! 6. each entity gets its name, key, surface forms, mention count, position and salience.

mod dictionary;
mod fold;
mod key;
mod lexicon;
mod link;
mod rules;
mod tagger;
mod text;

pub use dictionary::{DictionaryEntry, EntityDictionary};
pub use key::transliteration_key;
#[doc(hidden)]
pub use tagger::set_hindi_tagger;

use self::dictionary::find_on_tokens_folded;
use self::lexicon::LEXICON;
use self::text::{script_of, Script, Segment, SegmentKind};
use crate::normalize::article::{Block, EntityType, ExtractedEntity, SurfaceForm};

/// Where a mention's identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Index of a dictionary entry.
    Dictionary(usize),
    /// Index of a gazetteer entry.
    Gazetteer(usize),
    /// Found by rule; identified by its surface form.
    Found,
}

/// Tokens `from..to` of segment `seg`.
#[derive(Debug, Clone)]
struct Mention {
    seg: usize,
    from: usize,
    to: usize,
    kind: EntityType,
    origin: Origin,
}

/// Extracts the entities named in an article. Pure and deterministic; the title, summary and
/// body blocks are searched by every rule, kickers and (in non-Latin articles) the lead
/// image's alt text only for names already known (gazetteer, dictionary, the body's entities).
pub fn extract_entities(
    title: &str,
    summary: Option<&str>,
    kickers: &[String],
    blocks: &[Block],
    lead_image_alt: Option<&str>,
    dictionary: &EntityDictionary,
) -> Vec<ExtractedEntity> {
    let lex = &*LEXICON;
    let segs = text::segments(title, summary, kickers, blocks, lead_image_alt);
    let latin_article = is_latin_article(&segs);
    let mut covered: Vec<Vec<bool>> = segs.iter().map(|s| vec![false; s.tokens.len()]).collect();
    let mut mentions: Vec<Mention> = Vec::new();

    for (si, seg) in segs.iter().enumerate() {
        let found = dictionary
            .find(seg)
            .into_iter()
            .map(|(a, b, e)| (a, b, dictionary.entry(e).kind, Origin::Dictionary(e)))
            .collect::<Vec<_>>();
        claim(si, &mut covered[si], &mut mentions, found);
        let found = find_on_tokens_folded(&lex.gazetteer_matcher, seg, |i| {
            seg.has(i, lexicon::flag::GAZETTEER_HEAD)
        })
        .into_iter()
        // A one-word name that is also a common Hindi word ("सागर", "राजशाही") is not claimed.
        .filter(|&(a, b, _)| b > a + 1 || !seg.has(a, lexicon::flag::COMMON_HI))
        .map(|(a, b, p)| {
            let g = lex.gazetteer_pattern_entry[p];
            (a, b, lex.gazetteer[g].kind, Origin::Gazetteer(g))
        })
        .collect::<Vec<_>>();
        claim(si, &mut covered[si], &mut mentions, found);
    }

    let mid_sentence = rules::capitalized_mid_sentence(&segs);
    let common_acronyms = rules::common_noun_acronyms(&segs);
    // The gazetteer's places, by segment: an organization word next to one makes an
    // organization of it ("Boston University").
    let mut gazetteer_places: Vec<Vec<usize>> = vec![Vec::new(); segs.len()];
    for (k, m) in mentions.iter().enumerate() {
        if m.kind == EntityType::Place && matches!(m.origin, Origin::Gazetteer(_)) {
            gazetteer_places[m.seg].push(k);
        }
    }
    for (si, seg) in segs.iter().enumerate() {
        if seg.kind == SegmentKind::Kicker {
            continue;
        }
        rules::find_devanagari(si, seg, &mut covered[si], &mut mentions);
        if latin_article {
            rules::find_latin(
                si,
                seg,
                &mut covered[si],
                &mut mentions,
                &mid_sentence,
                &common_acronyms,
                &gazetteer_places[si],
            );
        }
    }
    if tagger::enabled() {
        // Words of the names found so far: a span of only such words is a short form of one of
        // them, which linking joins to its name (or leaves alone when it is ambiguous).
        let mut known: lexicon::FastSet<&str> = lexicon::FastSet::default();
        for m in &mentions {
            known.extend((m.from..m.to).map(|i| segs[m.seg].token_text(i)));
        }
        let mut scratch = tagger::Scratch::default();
        for (si, seg) in segs.iter().enumerate() {
            if matches!(seg.kind, SegmentKind::Title | SegmentKind::Body) {
                tagger::find(
                    si,
                    seg,
                    &mut covered[si],
                    &mut mentions,
                    &known,
                    &mut scratch,
                );
            }
        }
    }

    let (mut drafts, mut entity_of) = link::group(&segs, &mentions);
    let mut memo = link::Memo::default();
    link::link_short_forms(
        &segs,
        &mut mentions,
        &mut entity_of,
        &mut drafts,
        &mut covered,
        &mut memo,
    );
    let english = |o: Origin| -> Option<&str> {
        match o {
            Origin::Gazetteer(g) => {
                Some(lex.gazetteer[g].english.as_str()).filter(|e| !e.is_empty())
            }
            Origin::Dictionary(e) => Some(dictionary.entry(e).name.as_str()),
            Origin::Found => None,
        }
    };
    let main_script = if latin_article {
        Script::Latin
    } else {
        Script::Devanagari
    };
    link::link_cross_script(
        &segs,
        &mut mentions,
        &mut entity_of,
        &mut drafts,
        &mut covered,
        &english,
        main_script,
        &mut memo,
    );

    assemble(
        &segs,
        &mentions,
        &entity_of,
        &drafts,
        dictionary,
        latin_article,
        &mut memo.keys,
    )
}

/// The type of a lone capitalized Latin word that nothing typed, once the article is linked
/// (a surname of a named person has joined that person by then): a given name is a person; a
/// common English word ("Updates", "Summer") is no name; any other word ("Netflix",
/// "Dataminr") is most often a company or an organization in news copy.
fn single_word_kind(name: &str) -> Option<EntityType> {
    let lex = &*LEXICON;
    if name.contains(' ') || script_of(name) != Script::Latin {
        return Some(EntityType::Other);
    }
    if lex.given_names.contains(name) {
        Some(EntityType::Person)
    } else if lex.common_words.contains(&name.to_lowercase()) {
        None
    } else {
        Some(EntityType::Organization)
    }
}

/// The written form of tokens `from..to`; a dotted abbreviation ("U.S.", "D.C.", "J.D.") keeps
/// its final period, which the tokenizer leaves between tokens.
fn surface_text<'s>(seg: &'s Segment, from: usize, to: usize) -> &'s str {
    let span = seg.span_text(from, to);
    let last = &seg.tokens[to - 1];
    let dotted = to - from >= 2
        && rules::is_initial(seg, to - 1)
        && &seg.text[seg.tokens[to - 2].end..last.start] == ".";
    if dotted && seg.text.as_bytes().get(last.end) == Some(&b'.') {
        &seg.text[seg.tokens[from].start..last.end + 1]
    } else {
        span
    }
}

/// Records matches whose tokens are all still unclaimed.
fn claim(
    si: usize,
    covered: &mut [bool],
    mentions: &mut Vec<Mention>,
    found: impl IntoIterator<Item = (usize, usize, EntityType, Origin)>,
) {
    for (from, to, kind, origin) in found {
        if covered[from..to].iter().any(|&c| c) {
            continue;
        }
        covered[from..to].iter_mut().for_each(|c| *c = true);
        mentions.push(Mention {
            seg: si,
            from,
            to,
            kind,
            origin,
        });
    }
}

/// Latin letters outnumber Devanagari ones in the title, summary and body.
fn is_latin_article(segs: &[Segment]) -> bool {
    let (mut latin, mut deva) = (0usize, 0usize);
    for seg in segs
        .iter()
        .filter(|s| matches!(s.kind, SegmentKind::Title | SegmentKind::Body))
    {
        let (l, d) = seg.letters;
        latin += l;
        deva += d;
    }
    latin > deva
}

fn assemble(
    segs: &[Segment],
    mentions: &[Mention],
    entity_of: &[usize],
    drafts: &[link::Draft],
    dictionary: &EntityDictionary,
    latin_article: bool,
    keys: &mut key::KeyCache,
) -> Vec<ExtractedEntity> {
    let lex = &*LEXICON;
    let total_len = segs
        .iter()
        .filter(|s| matches!(s.kind, SegmentKind::Title | SegmentKind::Body))
        .map(|s| s.offset + s.chars)
        .max()
        .unwrap_or(1)
        .max(1);
    struct Acc {
        forms: Vec<(usize, String)>,
        mentions: u32,
        first: usize,
        in_title: bool,
    }
    let mut acc: lexicon::FastMap<usize, Acc> =
        lexicon::FastMap::with_capacity_and_hasher(drafts.len(), Default::default());
    let mut order: Vec<(usize, usize)> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let seg = &segs[m.seg];
            (seg.token_position(m.from), i)
        })
        .collect();
    order.sort();
    for (pos, i) in order {
        let m = &mentions[i];
        let d = entity_of[i];
        if !drafts[d].alive {
            continue;
        }
        let seg = &segs[m.seg];
        let surface = surface_text(seg, m.from, m.to);
        let a = acc.entry(d).or_insert(Acc {
            forms: Vec::new(),
            mentions: 0,
            first: pos,
            in_title: false,
        });
        a.mentions += 1;
        a.in_title |= seg.kind == SegmentKind::Title;
        if !a.forms.iter().any(|(_, f)| f == surface) {
            a.forms.push((pos, surface.to_string()));
        }
    }
    let max_mentions = acc.values().map(|a| a.mentions).max().unwrap_or(1).max(1);
    let main_script = if latin_article {
        Script::Latin
    } else {
        Script::Devanagari
    };
    let mut out: Vec<ExtractedEntity> = Vec::new();
    for (d, a) in acc {
        let draft = &drafts[d];
        let longest = |script: Option<Script>| {
            a.forms
                .iter()
                .filter(|(_, f)| script.is_none_or(|s| script_of(f) == s))
                .max_by_key(|(p, f)| (f.chars().count(), std::cmp::Reverse(*p)))
                .map(|(_, f)| f.clone())
        };
        let (name, key, dictionary_id) = match draft.origin {
            Origin::Dictionary(e) => {
                let entry = dictionary.entry(e);
                (
                    entry.name.clone(),
                    keys.key(&entry.name),
                    Some(entry.id.clone()),
                )
            }
            origin => {
                let name = longest(Some(main_script))
                    .or_else(|| longest(None))
                    .unwrap_or_default();
                let key = match origin {
                    Origin::Gazetteer(g) if !lex.gazetteer[g].english.is_empty() => {
                        keys.key(&lex.gazetteer[g].english)
                    }
                    _ => keys.key(&name),
                };
                (name, key, None)
            }
        };
        let mut kind = draft.kind;
        if kind == EntityType::Other && latin_article {
            match single_word_kind(&name) {
                Some(k) => kind = k,
                None => continue,
            }
        }
        if name.is_empty()
            || lex.not_entities.contains(&name)
            || lex.calendar.contains(&name)
            || lex.title_cues.contains(&name)
        {
            continue;
        }
        let salience = 0.4 * f64::from(u8::from(a.in_title))
            + 0.4 * f64::from(a.mentions) / f64::from(max_mentions)
            + 0.2 * (1.0 - (a.first.min(total_len) as f64 / total_len as f64));
        out.push(ExtractedEntity {
            name,
            kind,
            key,
            surface_forms: a
                .forms
                .iter()
                .map(|(_, f)| SurfaceForm {
                    text: f.clone(),
                    script: script_of(f).iso15924().to_string(),
                })
                .collect(),
            mentions: a.mentions,
            first_position: a.first,
            salience: (salience * 1000.0).round() / 1000.0,
            dictionary_id,
        });
    }
    out.sort_by(|a, b| {
        b.salience
            .total_cmp(&a.salience)
            .then(a.first_position.cmp(&b.first_position))
            .then(a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests;
