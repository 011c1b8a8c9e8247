//! Finding names by rule: cue words around Devanagari names (titles before, postpositions
//! after, organization and place words), and capitalized runs in Latin text.

use super::lexicon::{flag, FastMap, FastSet, LEXICON};
use super::text::{Script, Segment};
use super::{Mention, Origin};
use crate::normalize::article::EntityType;

/// Length in tokens of the longest title cue starting at token `i` (case-sensitive).
pub(super) fn cue_len_at(seg: &Segment, i: usize) -> Option<usize> {
    let lex = &*LEXICON;
    let n = seg.tokens.len();
    // Every cue starts with a cue's first word; only the lengths of its cues are tried.
    let flags = seg.tokens[i].flags;
    if flags & flag::CUE_HEAD == 0 {
        return None;
    }
    (1..=lex.max_cue_words.min(n - i)).rev().find(|&l| {
        flag::allows(flags, flag::CUE_LENGTHS, 8, l)
            && (i + 1..i + l).all(|k| !seg.tokens[k].break_before)
            && lex.title_cues.contains(&*seg.joined_cow(i, i + l))
    })
}

/// Whether a speech frame ("ने कहा", "का कहना") starts at token `i`.
fn speech_frame_at(seg: &Segment, i: usize) -> bool {
    let lex = &*LEXICON;
    if !seg.has(i, flag::FRAME_HEAD) {
        return false;
    }
    let n = seg.tokens.len();
    (1..=lex.max_frame_words.min(n - i)).any(|l| {
        (i + 1..i + l).all(|k| !seg.tokens[k].break_before)
            && lex.speech_frames.contains(&*seg.joined_cow(i, i + l))
    })
}

/// A Devanagari name word that can stand in a person's name found by context (a title before
/// it, a speech frame after it): no place or place-organization word ("नदी", "सरकार"), no
/// oblique plural in -ों ("विश्लेषकों ने कहा": a plural noun names a group, not a person).
fn fits_person(seg: &Segment, i: usize) -> bool {
    !seg.has(i, flag::PLACE_SUFFIX | flag::PLACE_ORG_HEAD) && !seg.token_text(i).ends_with("ों")
}

/// A title cue at token `i` written after "एक" or a number ("एक संवाददाता सम्मेलन", "36
/// उम्मीदवार"): an indefinite or counted noun, not a title before a name.
fn counted(seg: &Segment, i: usize) -> bool {
    i > 0
        && !seg.tokens[i].break_before
        && (seg.token_text(i - 1) == "एक" || seg.has(i - 1, flag::NUMERIC))
}

fn gap_is_only_period(seg: &Segment, j: usize) -> bool {
    j > 0 && seg.text[seg.tokens[j - 1].end..seg.tokens[j].start].trim() == "."
}

/// Token `i` is one capital Latin letter: an initial ("Noah A. Smith") or a letter of a dotted
/// abbreviation ("U.S.", "J.D. Power").
pub(super) fn is_initial(seg: &Segment, i: usize) -> bool {
    let t = seg.token_text(i).as_bytes();
    t.len() == 1 && t[0].is_ascii_uppercase()
}

/// The period before token `j` follows an initial and does not end the name: inside a dotted
/// abbreviation ("U.S", "J.D"), or after a middle initial before a name word ("Noah A. Smith");
/// the final period of a dotted abbreviation ends it ("U.S. President").
fn initial_goes_on(seg: &Segment, j: usize) -> bool {
    let tight = |k: usize| &seg.text[seg.tokens[k - 1].end..seg.tokens[k].start] == ".";
    is_initial(seg, j - 1)
        && (tight(j)
            || !(seg.has(j, flag::STOP) && !is_initial(seg, j)
                || j >= 2 && is_initial(seg, j - 2) && tight(j - 1)))
}

/// A line in title case ("Enterprise Claims Victory In Competitive Car Rental Market", a
/// heading): at least nine in ten of its Latin words are capitalized, and it has at least
/// three, not counting initials and the short function words title case leaves in small
/// letters ("of", "the", "with"). Capitals there say nothing of names.
pub(super) fn is_title_case(seg: &Segment) -> bool {
    let (mut words, mut capitalized) = (0usize, 0usize);
    for (i, t) in seg.tokens.iter().enumerate() {
        if t.script != Script::Latin
            || seg.has(i, flag::NUMERIC)
            || t.end - t.start == 1
            || (seg.has(i, flag::STOP)
                && !seg.has(i, flag::CAPITALIZED)
                && seg.token_text(i).len() <= 4)
        {
            continue;
        }
        words += 1;
        capitalized += usize::from(seg.has(i, flag::CAPITALIZED));
    }
    words >= 3 && capitalized * 10 >= words * 9
}

/// A word with a capital after a small letter ("PayPal", "OpenAI", "SRLabs"): a brand's
/// spelling, not a person's or a place's.
fn is_camel_case(word: &str) -> bool {
    let mut seen_lower = false;
    for c in word.chars().skip(1) {
        if c.is_lowercase() {
            seen_lower = true;
        } else if c.is_uppercase() && (seen_lower || word.chars().any(char::is_lowercase)) {
            return true;
        }
    }
    false
}

/// Token `j` is joined to the one before by a hyphen or an apostrophe alone ("Al-Ibrahim",
/// "O'Connor", "Winston-Salem").
fn joined_in_word(seg: &Segment, j: usize) -> bool {
    j > 0
        && matches!(
            &seg.text[seg.tokens[j - 1].end..seg.tokens[j].start],
            "-" | "'" | "’"
        )
}

/// A segment's gazetteer places (indices into the mentions) by where they end and start.
struct PlaceIndex {
    by_end: FastMap<usize, usize>,
    by_start: FastMap<usize, usize>,
}

/// A place the gazetteer claimed and an organization word next to it make one organization:
/// "Boston University", "Los Angeles Times" (the run `from..to` after the place ends with the
/// word), "University of Toronto" (the run is the word and "of" comes before the place). The
/// place's mention becomes the organization's; whether it happened.
fn joins_place(
    seg: &Segment,
    covered: &mut [bool],
    out: &mut [Mention],
    places: &PlaceIndex,
    from: usize,
    to: usize,
) -> bool {
    // A mention taken over once is no longer a gazetteer place.
    let still_place = |out: &[Mention], k: usize| {
        out[k].kind == EntityType::Place && matches!(out[k].origin, Origin::Gazetteer(_))
    };
    if from > 0
        && covered[from - 1]
        && !seg.tokens[from].break_before
        && seg.has(to - 1, flag::ORGANIZATION)
    {
        if let Some(&k) = places.by_end.get(&from).filter(|&&k| still_place(out, k)) {
            out[k].to = to;
            out[k].kind = EntityType::Organization;
            out[k].origin = Origin::Found;
            covered[from..to].iter_mut().for_each(|c| *c = true);
            return true;
        }
    }
    let n = seg.tokens.len();
    if to + 1 < n
        && to == from + 1
        && seg.has(from, flag::ORGANIZATION)
        && seg.token_text(to) == "of"
        && !seg.tokens[to].break_before
        && !seg.tokens[to + 1].break_before
        && covered[to + 1]
    {
        if let Some(&k) = places
            .by_start
            .get(&(to + 1))
            .filter(|&&k| still_place(out, k))
        {
            out[k].from = from;
            out[k].kind = EntityType::Organization;
            out[k].origin = Origin::Found;
            covered[from..=to].iter_mut().for_each(|c| *c = true);
            return true;
        }
    }
    false
}

/// Token `i` is written "and" (joining two halves of one name: "Securities and Exchange
/// Commission", "Department of Health and Human Services").
fn is_and(seg: &Segment, i: usize) -> bool {
    seg.token_text(i) == "and"
}

/// A Devanagari token that can be part of a name (`first`: it would open the name).
fn is_name_word(seg: &Segment, covered: &[bool], i: usize, first: bool) -> bool {
    if covered[i] || seg.tokens[i].script != Script::Devanagari || seg.has(i, flag::NEVER) {
        return false;
    }
    // A common Hindi word is no part of a name, but a particle may continue one ("किम जोंग उन").
    if seg.has(i, flag::COMMON_HI) && (first || !seg.has(i, flag::PARTICLE)) {
        return false;
    }
    if seg.has(
        i,
        flag::TITLE_CUE | flag::ORGANIZATION | flag::PLACE_AFTER | flag::POSSESSOR,
    ) {
        return false;
    }
    !seg.has(i, flag::STOP) || (!first && seg.has(i, flag::PARTICLE))
}

/// When token `i` directly follows a claimed place and makes a longer name of it (an
/// organization word, a place-organization word, a place suffix), its length in tokens.
fn extends_place(seg: &Segment, covered: &[bool], i: usize) -> Option<usize> {
    if i == 0 || !covered[i - 1] || seg.tokens[i].break_before {
        return None;
    }
    if seg.has(i, flag::ORGANIZATION | flag::PLACE_SUFFIX) {
        return Some(1);
    }
    if !seg.has(i, flag::PLACE_ORG_HEAD) {
        return None;
    }
    let lex = &*LEXICON;
    (1..=2usize).rev().find(|&l| {
        i + l <= seg.tokens.len()
            && (i + 1..i + l).all(|k| !covered[k] && !seg.tokens[k].break_before)
            && lex
                .place_organization_words
                .contains(&*seg.joined_cow(i, i + l))
    })
}

/// Up to `max` name words ending just before token `end` (stopwords never included; title
/// words only when `titles`).
fn name_words_before(
    seg: &Segment,
    covered: &[bool],
    end: usize,
    max: usize,
    titles: bool,
) -> usize {
    let mut k = end;
    while k > 0
        && end - k < max
        && !seg.tokens[k].break_before
        && (is_name_word(seg, covered, k - 1, true)
            || (titles
                && !covered[k - 1]
                && seg.has(k - 1, flag::TITLE_CUE)
                && cue_len_at(seg, k - 1) == Some(1)))
    {
        k -= 1;
    }
    k
}

fn push(
    out: &mut Vec<Mention>,
    covered: &mut [bool],
    seg: usize,
    from: usize,
    to: usize,
    kind: EntityType,
) {
    covered[from..to].iter_mut().for_each(|c| *c = true);
    out.push(Mention {
        seg,
        from,
        to,
        kind,
        origin: Origin::Found,
    });
}

/// Devanagari names from cues: organizations before organization words, places before place
/// words, persons after title words or before honorific suffixes, spelled acronyms.
pub(super) fn find_devanagari(
    si: usize,
    seg: &Segment,
    covered: &mut [bool],
    out: &mut Vec<Mention>,
) {
    let n = seg.tokens.len();
    let lex = &*LEXICON;
    for i in 0..n {
        if covered[i] || seg.tokens[i].script != Script::Devanagari {
            continue;
        }
        if let Some(l) = extends_place(seg, covered, i) {
            // "दिल्ली पुलिस", "बिहार सरकार", "पटना जंक्शन": the longer name over the place.
            if let Some(m) = out
                .iter_mut()
                .rev()
                .find(|m| m.seg == si && m.to == i && m.kind == EntityType::Place)
            {
                let kind = if seg.has(i, flag::PLACE_SUFFIX) {
                    EntityType::Place
                } else {
                    EntityType::Organization
                };
                m.to = i + l;
                m.kind = kind;
                m.origin = Origin::Found;
                covered[i..i + l].iter_mut().for_each(|c| *c = true);
                continue;
            }
        }
        if seg.has(i, flag::ORGANIZATION) {
            // Titles may stand inside an organization's name ("राष्ट्रपति भवन").
            let k = name_words_before(seg, covered, i, 3, true);
            if k < i {
                push(out, covered, si, k, i + 1, EntityType::Organization);
            }
        } else if seg.has(i, flag::PLACE_SUFFIX) {
            let k = name_words_before(seg, covered, i, 2, false);
            if k < i {
                push(out, covered, si, k, i + 1, EntityType::Place);
            }
        } else if seg.has(i, flag::PLACE_AFTER) {
            let k = name_words_before(seg, covered, i, 2, false);
            if k < i {
                push(out, covered, si, k, i, EntityType::Place);
            }
        } else if seg.has(i, flag::POSSESSOR) && i >= 2 && seg.token_text(i - 1) == "के" {
            // "क्रेमलिन के प्रवक्ता": a lone word before "के <role>" names an organization.
            let k = name_words_before(seg, covered, i - 1, 2, false);
            if k + 1 == i - 1 {
                push(out, covered, si, k, i - 1, EntityType::Organization);
            }
        }
    }
    let mut i = 0;
    while i < n {
        if covered[i] || seg.tokens[i].script != Script::Devanagari {
            i += 1;
            continue;
        }
        let Some(l) = cue_len_at(seg, i) else {
            i += 1;
            continue;
        };
        let s = i + l;
        if counted(seg, i) {
            i = s;
            continue;
        }
        let mut j = s;
        while j < n
            && j - s < 5
            && (!seg.tokens[j].break_before || (j == s && gap_is_only_period(seg, j)))
            && is_name_word(seg, covered, j, j == s)
            && fits_person(seg, j)
        {
            j += 1;
        }
        // Trailing particles do not end a name on their own ("… उन" is fine, "… दे" after a
        // one-word name is not).
        while j > s + 1 && seg.has(j - 1, flag::STOP) && j - s < 3 {
            j -= 1;
        }
        if j > s && j - s <= 4 {
            push(out, covered, si, s, j, EntityType::Person);
            i = j;
        } else {
            i = s;
        }
    }
    for i in 1..n {
        if !covered[i] && seg.has(i, flag::NAME_SUFFIX) {
            // "मोदी जी": the words before an honorific suffix are a person.
            let k = name_words_before(seg, covered, i, 2, false);
            if k < i {
                push(out, covered, si, k, i, EntityType::Person);
            }
        }
    }
    for i in 1..n {
        if !covered[i] && !seg.tokens[i].break_before && speech_frame_at(seg, i) {
            // "सुशांत सरीन का कहना है", "योसानो ने कहा": who speaks is a person, when the
            // words are no common word, title, organization or place word.
            let k = name_words_before(seg, covered, i, 3, false);
            // One word of a name found before ("किम ने कहा" after "किम जोंग उन") is left to
            // the short-form linker, which joins it to that name or, when ambiguous, drops it.
            let part_of_known = k + 1 == i && {
                let word = seg.token_text(k);
                // The segment's latest rule mentions only (bounded: 64 looked at).
                out.iter()
                    .rev()
                    .take_while(|m| m.seg == si)
                    .take(64)
                    .any(|m| {
                        m.kind == EntityType::Person
                            && (m.from..m.to).any(|t| seg.token_text(t) == word)
                    })
            };
            // A spelled acronym ("एफ़डीए ने कहा") is an organization (the rule below).
            let acronym = k + 1 == i && lex.is_spelled_acronym(seg.token_text(k));
            if k < i && !part_of_known && !acronym && (k..i).all(|w| fits_person(seg, w)) {
                push(out, covered, si, k, i, EntityType::Person);
            }
        }
    }
    for i in 0..n {
        if !covered[i]
            && seg.tokens[i].script == Script::Devanagari
            && !seg.has(i, flag::TITLE_CUE | flag::NEVER | flag::STOP)
            && lex.is_spelled_acronym(seg.token_text(i))
        {
            push(out, covered, si, i, i + 1, EntityType::Organization);
        }
    }
}

/// Length in tokens of the longest demonym ("Russian", "North Korean") starting at token `i`
/// and ending by `end`.
fn demonym_len_at(seg: &Segment, i: usize, end: usize) -> Option<usize> {
    let lex = &*LEXICON;
    // Every demonym starts with a demonym's first word; only the lengths of its demonyms
    // are tried.
    let flags = seg.tokens[i].flags;
    if flags & flag::DEMONYM_HEAD == 0 {
        return None;
    }
    (1..=lex.max_demonym_words.min(end - i)).rev().find(|&l| {
        flag::allows(flags, flag::DEMONYM_LENGTHS, 7, l)
            && (i + 1..i + l).all(|k| !seg.tokens[k].break_before)
            && lex.demonyms.contains(&*seg.joined_cow(i, i + l))
    })
}

/// Latin tokens written capitalized in mid-sentence anywhere in the article: a sentence-initial
/// word is only taken for a name when it also appears like this.
pub(super) fn capitalized_mid_sentence<'s>(segs: &'s [Segment<'_>]) -> FastSet<&'s str> {
    segs.iter()
        .filter(|s| !is_title_case(s))
        .flat_map(|s| {
            s.tokens
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    t.script == Script::Latin
                        && !t.sentence_start
                        && t.flags & flag::CAPITALIZED != 0
                })
                .map(move |(i, _)| s.token_text(i))
        })
        .collect()
}

/// An acronym of 2 to 6 capitals ("API", "FBI").
fn is_acronym(word: &str) -> bool {
    (2..=6).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
}

/// An acronym with a plural "s" ("CVEs", "LLMs"): a common noun, never a name.
fn is_plural_acronym(word: &str) -> bool {
    word.strip_suffix('s').is_some_and(is_acronym)
}

/// Acronyms the article uses as common nouns: written in the plural ("two CVEs") or after
/// "a"/"an" with nothing of a name after them ("an LLM that", "an SBOM and"; but "an FBI
/// agent" leaves FBI a name). Such an acronym alone is no name anywhere in the article.
pub(super) fn common_noun_acronyms<'s>(segs: &'s [Segment<'_>]) -> FastSet<&'s str> {
    let mut out = FastSet::default();
    for s in segs {
        for (i, t) in s.tokens.iter().enumerate() {
            if t.script != Script::Latin {
                continue;
            }
            let word = s.token_text(i);
            if let Some(stem) = word.strip_suffix('s').filter(|w| is_acronym(w)) {
                out.insert(stem);
            } else if is_acronym(word)
                && i > 0
                && !t.break_before
                && matches!(s.token_text(i - 1), "a" | "an" | "An")
                && s.tokens
                    .get(i + 1)
                    .is_none_or(|n| n.break_before || s.has(i + 1, flag::STOP))
            {
                out.insert(word);
            }
        }
    }
    out
}

/// Latin names: capitalized runs (with particles such as "of" or "bin" inside), typed by a
/// title before them, an organization or place word at their end, or their shape.
pub(super) fn find_latin(
    si: usize,
    seg: &Segment,
    covered: &mut [bool],
    out: &mut Vec<Mention>,
    mid_sentence: &FastSet<&str>,
    common_acronyms: &FastSet<&str>,
    gazetteer_places: &[usize],
) {
    let lex = &*LEXICON;
    // The segment's gazetteer places by their last token + 1 and by their first token.
    let places = PlaceIndex {
        by_end: gazetteer_places.iter().map(|&k| (out[k].to, k)).collect(),
        by_start: gazetteer_places.iter().map(|&k| (out[k].from, k)).collect(),
    };
    let n = seg.tokens.len();
    let usable = |i: usize, covered: &[bool]| {
        !covered[i] && seg.tokens[i].script == Script::Latin && !seg.has(i, flag::NEVER)
    };
    let capitalized = |i: usize| seg.has(i, flag::CAPITALIZED);
    let title_case = is_title_case(seg);
    // "Jan Betley", "June Carter": a month that is also a given name opens a name when a
    // capitalized word that is neither a function word nor a common word follows it at once.
    let month_before_name = |i: usize, covered: &[bool]| {
        !covered[i]
            && seg.tokens[i].script == Script::Latin
            && seg.has(i, flag::GIVEN_NAME)
            && lex.calendar.contains(seg.token_text(i))
            && i + 1 < n
            && !seg.tokens[i + 1].break_before
            && usable(i + 1, covered)
            && capitalized(i + 1)
            && !seg.has(i + 1, flag::STOP | flag::COMMON)
    };
    let mut i = 0;
    while i < n {
        if !(usable(i, covered) || month_before_name(i, covered)) || !capitalized(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < n
            && usable(j, covered)
            && (!seg.tokens[j].break_before
                || joined_in_word(seg, j)
                || gap_is_only_period(seg, j)
                    && (cue_len_at(seg, j - 1).is_some() || initial_goes_on(seg, j)))
        {
            let particle_then_name = seg.has(j, flag::PARTICLE)
                && j + 1 < n
                && usable(j + 1, covered)
                && !seg.tokens[j + 1].break_before
                && capitalized(j + 1);
            if !capitalized(j) && !particle_then_name {
                break;
            }
            j += 1;
        }
        // "Securities and Exchange Commission": "and" joins two capitalized parts into one
        // name when the part after it ends with an organization word.
        if j + 2 < n && is_and(seg, j) && !seg.tokens[j].break_before && j > i {
            let mut k = j + 1;
            while k < n
                && usable(k, covered)
                && capitalized(k)
                && !seg.tokens[k].break_before
                && !seg.has(k, flag::STOP)
            {
                k += 1;
            }
            if k >= j + 3 && seg.has(k - 1, flag::ORGANIZATION) {
                j = k;
            }
        }
        let run_end = j;
        if joins_place(seg, covered, out, &places, i, run_end) {
            i = run_end;
            continue;
        }
        let mut s = i;
        let mut person =
            s > 0 && !seg.tokens[s].break_before && seg.has(s - 1, flag::TITLE_CUE_LOWER);
        // A title inside the run ("Russian President Vladimir Putin"): the name follows it.
        if let Some((k, l)) = (s..run_end)
            .rev()
            .find_map(|k| cue_len_at(seg, k).map(|l| (k, l)))
        {
            // (Not a title before "of": "VP of Sales" is read below.)
            if k + l < run_end && seg.token_text(k + l) != "of" {
                s = k + l;
                person = true;
            }
        }
        // "American Airlines", "Labour Party": a name whose head word types it keeps its
        // first words whatever they are.
        let headed =
            run_end - i >= 2 && seg.has(run_end - 1, flag::ORGANIZATION | flag::PLACE_SUFFIX);
        let mut of_title = false;
        while s < run_end {
            if let Some(l) = cue_len_at(seg, s) {
                if s + l + 1 < run_end && seg.token_text(s + l) == "of" {
                    // "VP of Platform Engineering": a job title; what follows "of" is an
                    // organization ("CEO of Vectara") unless it is only common words (a
                    // department).
                    let rest = s + l + 1;
                    if (rest..run_end).all(|k| seg.has(k, flag::COMMON | flag::STOP)) {
                        s = run_end;
                    } else {
                        s = rest;
                        of_title = true;
                    }
                    break;
                }
                s += l;
                person = true;
            } else if seg.has(s, flag::STOP)
                && !(is_initial(seg, s) && s + 1 < run_end && gap_is_only_period(seg, s + 1))
                && (seg.tokens[s].sentence_start || s == i)
                && (s + 1 < run_end || !headed)
            {
                // "The European Space Agency": a function word does not open a name.
                s += 1;
            } else if let Some(l) = demonym_len_at(seg, s, run_end).filter(|_| !headed) {
                // "Russian officials", "North Korean leader Kim Jong Un".
                s += l;
            } else if s == i
                && run_end - s >= 2
                && !headed
                && seg.tokens[s].sentence_start
                && seg.has(s, flag::COMMON)
                && !mid_sentence.contains(seg.token_text(s))
            {
                // "House Hitler was born in …" as a title: a common word opening the
                // sentence is not part of the name after it.
                s += 1;
            } else {
                break;
            }
        }
        let mut e = run_end;
        i = run_end;
        if s >= e {
            continue;
        }
        // "Piarul Islam of Phulbari", "Naomi Simon of MGH": unless the run is an
        // organization's name ("Department of Justice", "Bank of America"), "of" parts a
        // person from the place or organization after it, which is read on its own.
        if !person
            && !of_title
            && !seg.has(e - 1, flag::ORGANIZATION | flag::PLACE_SUFFIX)
            && !seg.has(s, flag::ORGANIZATION)
        {
            if let Some(k) = (s + 2..e.saturating_sub(1)).find(|&k| seg.token_text(k) == "of") {
                if seg.has(s, flag::GIVEN_NAME) || !(s..k).any(|x| seg.has(x, flag::COMMON)) {
                    e = k;
                    i = k + 1;
                }
            }
        }
        while e > s && seg.has(e - 1, flag::PARTICLE) {
            e -= 1;
        }
        if e <= s {
            continue;
        }
        let first = seg.token_text(s);
        let next = (e < n && !seg.tokens[e].break_before).then_some(e);
        let possessor = next.is_some_and(|k| seg.has(k, flag::POSSESSOR_LOWER));
        // A lone capitalized word opening a sentence is a name unless it is a function word
        // or a common word the article never capitalizes mid-sentence ("Officials said",
        // but "Putin hosts Kim").
        if e - s == 1
            && !person
            && !possessor
            && seg.tokens[s].sentence_start
            && (seg.has(s, flag::STOP)
                || (seg.has(s, flag::COMMON) && !mid_sentence.contains(first)))
        {
            continue;
        }
        let given = seg.has(s, flag::GIVEN_NAME) && e - s >= 2;
        // In a title-case line only a run something types is a name.
        if title_case
            && !person
            && !given
            && !seg.has(e - 1, flag::ORGANIZATION | flag::PLACE_SUFFIX)
        {
            continue;
        }
        let kind = if person {
            EntityType::Person
        } else if of_title {
            EntityType::Organization
        } else if seg.has(e - 1, flag::ORGANIZATION)
            || (e - s >= 3
                && seg.has(s, flag::ORGANIZATION)
                && (s + 1..e).any(|k| seg.has(k, flag::PARTICLE)))
        {
            // "Interior Ministry"; "Department of Social Services".
            EntityType::Organization
        } else if seg.has(e - 1, flag::PLACE_SUFFIX)
            || next.is_some_and(|k| seg.has(k, flag::PLACE_AFTER_LOWER))
            || (e - s == 1 && lex.places_in_capitals.contains(first))
        {
            // "BERLIN (AP) —": a known place in a dateline's capitals, not an acronym.
            EntityType::Place
        } else if e - s == 1
            && (possessor
                || is_camel_case(first)
                || (first.len() >= 2
                    && first.len() <= 6
                    && first.chars().all(|c| c.is_ascii_uppercase())))
        {
            EntityType::Organization
        } else if e - s >= 2 {
            // A run opening with a given name is a person ("Jasmine Chang"); one holding a
            // common English word is an organization or a product ("Enterprise Mobility",
            // "Prompt Security"); other unknown words are most often a person's name.
            // A dotted abbreviation of initials alone ("J.D.") is no person's name.
            if (s..e).all(|k| is_initial(seg, k)) {
                EntityType::Organization
            } else if given || !(s..e).any(|k| seg.has(k, flag::COMMON) && !seg.has(k, flag::STOP))
            {
                EntityType::Person
            } else {
                EntityType::Organization
            }
        } else {
            EntityType::Other
        };
        if lex.not_entities.contains(&*seg.joined_cow(s, e)) {
            continue;
        }
        if e - s == 1 && (is_plural_acronym(first) || common_acronyms.contains(first)) {
            continue;
        }
        // An organization word alone ("Times", "Group", "Commission") is a left-over part of
        // a longer name or a common noun, not a name.
        if e - s == 1 && seg.has(s, flag::ORGANIZATION) && !possessor {
            continue;
        }
        push(out, covered, si, s, e, kind);
    }
}
