//! The author's box under a story: the author's picture, their name under it, and a short bio.
//!
//! Found by its structure: a picture whose description names a person, right after it a short
//! line that is that name, then a paragraph or two, all near the end of the page's prose. A
//! picture in the story captioned with a name is followed by more of the story. Without a
//! picture, the name line and a bio that opens with that name ("Chen Zhao is the head of …").

use std::ops::Range;

use super::blocks::{LineKind, RawBlock};

/// Most words of the name line under the picture.
const MAX_NAME_WORDS: usize = 4;
/// Most prose characters of the bio: all prose within [`MAX_BIO_BLOCKS`] of the name line.
const MAX_BIO_CHARS: usize = 800;
/// Most blocks from the name line to the bio's last paragraph.
const MAX_BIO_BLOCKS: usize = 6;
/// Fewest prose characters before the box: the story it is under.
const MIN_STORY_CHARS: usize = 600;
/// The prose after the box must be under this share of the story before it.
const MAX_AFTER_SHARE: usize = 4;

/// The block ranges that are author boxes. `prose[i]` holds block `i`'s characters when the
/// boilerplate step took it for prose (a paragraph, a short line ending like a sentence), else 0.
pub fn find_author_boxes(
    blocks: &[RawBlock],
    prose: &[usize],
    ends_like_sentence: impl Fn(&str) -> bool,
) -> Vec<Range<usize>> {
    let before = prose_before(prose);
    let mut boxes = Vec::new();
    // `prose` has a value a block; the walk stays within both.
    for (i, b) in blocks.iter().enumerate().take(prose.len()) {
        let [image] = b.images.as_slice() else {
            continue;
        };
        if b.kind != LineKind::Image || image.alt.trim().is_empty() {
            continue;
        }
        let name_at = (i + 1..prose.len().min(i + 3)).find(|&j| {
            let t = blocks[j].text.trim();
            let words = t.split_whitespace().count();
            matches!(blocks[j].kind, LineKind::Text | LineKind::Heading(_))
                && (2..=MAX_NAME_WORDS).contains(&words)
                && !ends_like_sentence(t)
                && image.alt.contains(t)
        });
        let Some(name_at) = name_at else {
            continue;
        };
        if let Some(end) = bio_end(prose, &before, i, name_at, prose.len()) {
            boxes.push(i..end + 1);
        }
    }
    boxes
}

/// Prefix sums of `prose`: `before[i]` is the prose before block `i`.
fn prose_before(prose: &[usize]) -> Vec<usize> {
    let mut before = Vec::with_capacity(prose.len() + 1);
    before.push(0usize);
    for &c in prose {
        before.push(before[before.len() - 1] + c);
    }
    before
}

/// The last block of the bio under the name line at `name_at` of a box starting at `start`:
/// all the prose within [`MAX_BIO_BLOCKS`] of the name line, when it is a bio's length, with
/// the story before the box and little prose after it.
fn bio_end(
    prose: &[usize],
    before: &[usize],
    start: usize,
    name_at: usize,
    limit: usize,
) -> Option<usize> {
    let total = before[prose.len()];
    let mut bio = 0;
    let mut end = None;
    let stop = prose.len().min(name_at + 1 + MAX_BIO_BLOCKS).min(limit);
    for (j, &c) in prose.iter().enumerate().take(stop).skip(name_at + 1) {
        if c > 0 {
            bio += c;
            end = Some(j);
        }
    }
    let end = end?;
    let after = total - before[end + 1];
    (bio <= MAX_BIO_CHARS
        && before[start] >= MIN_STORY_CHARS
        && after * MAX_AFTER_SHARE <= before[start])
        .then_some(end)
}

/// Most blocks between a name line and the bio that opens with the name (a role line, an
/// empty heading).
const MAX_NAME_TO_BIO: usize = 3;
/// More name-and-bio pairs than this on one page are its content (a list of people, each
/// under their name), not the author's box.
const MAX_BIOS_A_PAGE: usize = 3;
/// Most words of an aside between the name and the verb ("(@handle)").
const BIO_ASIDE_WORDS: usize = 6;

/// The author's box without a picture that names them: a short line that is a name ("Chen
/// Zhao", "Written By Eduard Kovacs": two to five words, most capitalized, no sentence
/// punctuation), then within [`MAX_NAME_TO_BIO`] blocks a paragraph that opens with a word of
/// that name ("Chen Zhao is the head of …", "Bence is a software developer …"): a bio, held to
/// the same place and length as a box with a picture. A page with more such pairs than
/// [`MAX_BIOS_A_PAGE`] is a list of people (a ranking of artists, speakers), kept.
pub fn find_named_bios(
    blocks: &[RawBlock],
    prose: &[usize],
    ends_like_sentence: impl Fn(&str) -> bool,
) -> Vec<Range<usize>> {
    let n = prose.len().min(blocks.len());
    let mut pairs = Vec::new();
    for (i, b) in blocks.iter().enumerate().take(n) {
        // A section heading (`#`, `##`) is the article's, not a name under it.
        let name_shape = match b.kind {
            LineKind::Text => true,
            LineKind::Heading(level) => level >= 3,
            _ => false,
        };
        if !name_shape || prose[i] > 0 {
            continue;
        }
        let t = b.text.trim();
        if t.len() > 80 || t.contains(':') || ends_like_sentence(t) {
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if !(2..=MAX_NAME_WORDS + 1).contains(&words.len()) {
            continue;
        }
        // The name: after a "By" ("Written By Eduard Kovacs"), past a title ("Dr").
        let name: Vec<&str> = words
            .iter()
            .rposition(|w| matches!(*w, "By" | "by"))
            .map_or(&words[..], |k| &words[k + 1..])
            .iter()
            .copied()
            .skip_while(|w| matches!(*w, "Dr" | "Dr."))
            .collect();
        let capitalized = words
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        if capitalized < 2 || capitalized * 2 < words.len() {
            continue;
        }
        // "Chen Zhao is the head of …", "Bence is a software developer …", "Eduard Kovacs
        // (@EduardKovacs) is …": the name (or part of it), then who the person is.
        let opens_with_name = |j: usize| {
            let mut tokens = blocks[j]
                .text
                .split_whitespace()
                .skip_while(|w| matches!(*w, "Dr" | "Dr."))
                .peekable();
            // The name from its first word on, whole or in part ("Chen Zhao", "Bence").
            let mut named = 0;
            while let (Some(w), Some(n)) = (tokens.peek(), name.get(named)) {
                let bare = |t: &str| t.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
                if bare(w).is_empty() || bare(w) != bare(n) {
                    break;
                }
                named += 1;
                tokens.next();
            }
            if tokens.peek().is_some_and(|w| w.starts_with('(')) {
                for w in tokens.by_ref().take(BIO_ASIDE_WORDS) {
                    if w.ends_with(')') {
                        break;
                    }
                }
            }
            named > 0
                && tokens
                    .next()
                    .is_some_and(|w| matches!(w, "is" | "has" | "was"))
        };
        let bio_at = (i + 1..n.min(i + 1 + MAX_NAME_TO_BIO))
            .find(|&j| prose[j] > 0)
            .filter(|&j| blocks[j].kind == LineKind::Text && opens_with_name(j));
        if let Some(j) = bio_at {
            pairs.push((i, j));
        }
    }
    if pairs.len() > MAX_BIOS_A_PAGE {
        return Vec::new();
    }
    let before = prose_before(prose);
    pairs
        .into_iter()
        .filter_map(|(name_at, _)| {
            // A bio has no sections: it ends at the next heading.
            let limit = (name_at + 1..n)
                .find(|&j| matches!(blocks[j].kind, LineKind::Heading(_)))
                .unwrap_or(n);
            bio_end(prose, &before, name_at, name_at, limit).map(|e| name_at..e + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::blocks::split_blocks;

    fn prose_of(blocks: &[RawBlock]) -> Vec<usize> {
        blocks
            .iter()
            .map(|b| if b.text.ends_with('.') { b.chars } else { 0 })
            .collect()
    }

    fn ends(t: &str) -> bool {
        t.ends_with('.')
    }

    const STORY: &str = "A long paragraph of the story that goes on and on about the council, the \
        bridge, the traders on both banks, the buses, the ferry and the works next year, and then \
        some more, so that the story is long enough to stand under a box of its author.\n\n\
        Another paragraph of the story, as long as the first one, about the engineers and the \
        deck, the beams and the rust, the inspection last spring and the money the works cost, \
        and what the council said about all of it on Tuesday evening in the town hall.\n\n\
        A third paragraph that closes the story and brings it past the length it needs, \
        with a last word from the mayor.\n\n";

    #[test]
    fn a_named_picture_a_name_and_a_bio_at_the_end_are_a_box() {
        let page = format!(
            "{STORY}![Photo of Sam Lee](https://example.com/sam.jpg)\n\nSam Lee\n\n\
            Sam Lee writes about towns and their bridges.\n"
        );
        let blocks = split_blocks(&page);
        let boxes = find_author_boxes(&blocks, &prose_of(&blocks), ends);
        assert_eq!(boxes, vec![3..6]);
    }

    #[test]
    fn a_caption_that_is_not_the_pictures_name_is_no_box() {
        let page = format!(
            "{STORY}![Photo of Sam Lee](https://example.com/sam.jpg)\n\nThe old bridge\n\n\
            Sam Lee writes about towns and their bridges.\n"
        );
        let blocks = split_blocks(&page);
        assert!(find_author_boxes(&blocks, &prose_of(&blocks), ends).is_empty());
    }

    #[test]
    fn a_box_before_most_of_the_story_is_a_picture_of_it() {
        // More prose after the caption than a bio holds: the story goes on.
        let page = format!(
            "{STORY}![Sam Lee](https://example.com/sam.jpg)\n\nSam Lee\n\n\
            Sam Lee said the works were late.\n\n{STORY}{STORY}"
        );
        let blocks = split_blocks(&page);
        assert!(find_author_boxes(&blocks, &prose_of(&blocks), ends).is_empty());
    }

    #[test]
    fn a_name_and_a_bio_that_opens_with_it_at_the_end_are_a_box() {
        for (name, bio) in [
            (
                "Sam Lee",
                "Sam is a reporter who writes about towns and their bridges.",
            ),
            (
                "#### Written By Sam Lee",
                "Sam Lee (@samlee) is the editor of the town desk.",
            ),
        ] {
            let page = format!("{STORY}{name}\n\nStaff Writer\n\n{bio}\n\nRecent Posts\n");
            let blocks = split_blocks(&page);
            let boxes = find_named_bios(&blocks, &prose_of(&blocks), ends);
            assert_eq!(boxes, vec![3..6], "{name}");
        }
    }

    #[test]
    fn a_section_or_a_list_of_people_is_not_a_bio() {
        // A section heading whose last word opens the paragraph.
        let page = format!(
            "{STORY}### Job Stability in Consulting\n\nConsulting is a career of high risk.\n"
        );
        let blocks = split_blocks(&page);
        assert!(find_named_bios(&blocks, &prose_of(&blocks), ends).is_empty());
        // A section heading of the article (`##`) over a paragraph that names it.
        let page = format!("{STORY}## Accruent EMS\n\nAccruent EMS is a booking system.\n");
        let blocks = split_blocks(&page);
        assert!(find_named_bios(&blocks, &prose_of(&blocks), ends).is_empty());
        // A ranking of people, each under their name: the page's content.
        let people: String = ["Ann Bell", "Bob Cole", "Cat Dunn", "Dan Eyre"]
            .iter()
            .map(|n| {
                let first = n.split(' ').next().unwrap_or_default();
                format!("{n}\n\n{first} is a photographer of towns.\n\n")
            })
            .collect();
        let page = format!("{STORY}{people}");
        let blocks = split_blocks(&page);
        assert!(find_named_bios(&blocks, &prose_of(&blocks), ends).is_empty());
    }
}
