//! The author's box under a story: the author's picture, their name under it, and a short bio.
//!
//! Found by its structure: a picture whose description names a person, right after it a short
//! line that is that name, then a paragraph or two, all near the end of the page's prose. A
//! picture in the story captioned with a name is followed by more of the story.

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
    let mut before = Vec::with_capacity(prose.len() + 1);
    before.push(0usize);
    for &c in prose {
        before.push(before[before.len() - 1] + c);
    }
    let total = before[prose.len()];
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
        let mut bio = 0;
        let mut end = None;
        let stop = prose.len().min(name_at + 1 + MAX_BIO_BLOCKS);
        for (j, &c) in prose.iter().enumerate().take(stop).skip(name_at + 1) {
            if c > 0 {
                bio += c;
                end = Some(j);
            }
        }
        let Some(end) = end else {
            continue;
        };
        let after = total - before[end + 1];
        if bio <= MAX_BIO_CHARS
            && before[i] >= MIN_STORY_CHARS
            && after * MAX_AFTER_SHARE <= before[i]
        {
            boxes.push(i..end + 1);
        }
    }
    boxes
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
}
