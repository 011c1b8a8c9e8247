//! Comment threads under a story: found by their structure, not their words.
//!
//! A thread is a run of entries that each open with a stamp (a date line with a time of day, or
//! a short line with a number that the page repeats, such as "1 year ago") and hold a little
//! prose (a comment, a reply), one after another, under an article that came first, and it ends
//! the page's prose. A comment is stamped to the minute; a listing's dates (events, releases,
//! related posts) are days, and a listing goes on after any run of its entries. Each comment is a
//! paragraph of its own, longer than the short lines around it (the author's name, the stamp, a
//! "reply" link), so the densest run of prose would go on through the thread; the boilerplate
//! step removes the thread before it looks for that run.
//!
//! Linear in the number of blocks: one pass over the roles, each block looked at a bounded
//! number of times.

use std::ops::Range;

/// What a block is to the thread finder, decided by the boilerplate step from its classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A date line with a time of day ("July 14, 2015 at 3:53 pm"), or a short line with a
    /// number that the page repeats ("1 year ago").
    Stamp,
    /// A paragraph, or a short line that ends like a sentence, with its characters.
    Prose(usize),
    /// A heading: an entry of a comment thread has none (a listing of events or products
    /// heads each entry with its name).
    Heading,
    /// Anything else: names, images, buttons, lines the markers removed.
    Other,
}

/// Fewest entries (stamps followed by prose) that make a thread.
const MIN_ENTRIES: usize = 3;
/// Most prose characters one entry may hold: a comment, not a section of an article.
const MAX_ENTRY_CHARS: usize = 3000;
/// Fewest prose characters before the thread: the story it is under.
const MIN_STORY_CHARS: usize = 600;
/// How far back from its first stamp a thread's header and first author line may reach.
const MAX_LEAD_BLOCKS: usize = 4;

/// Most blocks one entry may span (name, stamp, paragraphs, buttons): bounds the work a stamp.
const MAX_ENTRY_BLOCKS: usize = 40;

/// One entry of a possible thread, read from its stamp.
struct Entry {
    /// The next entry's stamp, when this entry ends at one.
    next: Option<usize>,
    /// Prose characters in the entry.
    prose: usize,
    /// The entry's last prose block.
    last_prose: usize,
    /// A heading came before the entry's prose: a listing's entry, not a comment.
    headed: bool,
}

impl Entry {
    fn is_comment(&self) -> bool {
        self.prose > 0 && self.prose <= MAX_ENTRY_CHARS && !self.headed
    }
}

/// The block ranges that are comment threads: runs of at least [`MIN_ENTRIES`] comments
/// under a story of at least [`MIN_STORY_CHARS`], which end the page's prose (what follows,
/// other threads aside, holds less prose than the thread: a listing of dated entries goes on).
pub fn find_threads(roles: &[Role]) -> Vec<Range<usize>> {
    // prose[i]: prose characters of the blocks before i.
    let mut prose = Vec::with_capacity(roles.len() + 1);
    prose.push(0usize);
    for r in roles {
        let c = match r {
            Role::Prose(c) => *c,
            _ => 0,
        };
        prose.push(prose[prose.len() - 1] + c);
    }
    let mut candidates = Vec::new();
    let mut i = 0;
    while i < roles.len() {
        if roles[i] != Role::Stamp {
            i += 1;
            continue;
        }
        let first = i;
        let mut entries = 0;
        let mut end = first;
        // Walk entry by entry: from a stamp, over its entry, to the next stamp.
        loop {
            let entry = read_entry(roles, i);
            if !entry.is_comment() {
                break;
            }
            entries += 1;
            end = entry.last_prose;
            match entry.next {
                Some(n) => i = n,
                None => break,
            }
        }
        let start = lead_start(roles, first);
        if entries >= MIN_ENTRIES && prose[start] >= MIN_STORY_CHARS {
            candidates.push(start..end + 1);
        }
        i = end + 1;
    }
    let total = prose[roles.len()];
    let mut later = 0;
    let mut threads = Vec::new();
    for c in candidates.into_iter().rev() {
        let own = prose[c.end] - prose[c.start];
        let after = total - prose[c.end] - later;
        later += own;
        if after <= own {
            threads.push(c);
        }
    }
    threads.reverse();
    threads
}

/// The entry opening at the stamp `at`. Stamps before its prose open it together (a date and
/// a time on two lines); it ends at the next stamp after its prose, or before a heading that
/// follows its prose (the page's next section).
fn read_entry(roles: &[Role], at: usize) -> Entry {
    let mut entry = Entry {
        next: None,
        prose: 0,
        last_prose: at,
        headed: false,
    };
    let stop = roles.len().min(at + 1 + MAX_ENTRY_BLOCKS);
    for (j, role) in roles.iter().enumerate().take(stop).skip(at + 1) {
        match *role {
            Role::Stamp if entry.prose > 0 => {
                entry.next = Some(j);
                break;
            }
            Role::Prose(c) => {
                entry.prose += c;
                entry.last_prose = j;
                if entry.prose > MAX_ENTRY_CHARS {
                    break;
                }
            }
            Role::Heading if entry.prose == 0 => entry.headed = true,
            Role::Heading => break,
            Role::Stamp | Role::Other => {}
        }
    }
    entry
}

/// Where the thread begins: its header ("12 Comments") and the first author's line stand just
/// before the first stamp, up to the story's last paragraph.
fn lead_start(roles: &[Role], first: usize) -> usize {
    let mut s = first;
    while s > 0 && first - s < MAX_LEAD_BLOCKS && !matches!(roles[s - 1], Role::Prose(_)) {
        s -= 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Vec<Role> {
        vec![
            Role::Heading,
            Role::Prose(400),
            Role::Prose(350),
            Role::Other,
        ]
    }

    #[test]
    fn three_stamped_comments_under_a_story_are_a_thread() {
        let mut roles = story();
        for _ in 0..3 {
            roles.extend([Role::Other, Role::Stamp, Role::Prose(120), Role::Other]);
        }
        roles.push(Role::Heading);
        let threads = find_threads(&roles);
        // From the story's last short line (the header) through the last comment.
        assert_eq!(threads, vec![3..roles.len() - 2]);
    }

    #[test]
    fn dated_entries_followed_by_more_prose_are_a_listing() {
        // Three dated entries in the middle of a listing that goes on: not the page's end.
        let mut roles = story();
        for _ in 0..3 {
            roles.extend([Role::Stamp, Role::Prose(120)]);
        }
        roles.extend([Role::Heading, Role::Prose(300), Role::Prose(300)]);
        assert!(find_threads(&roles).is_empty());
        // A second thread after the first (comments on two pages) does not count as prose
        // that follows the first.
        let mut roles = story();
        for _ in 0..3 {
            roles.extend([Role::Stamp, Role::Prose(120)]);
        }
        roles.push(Role::Other);
        roles.push(Role::Heading);
        for _ in 0..3 {
            roles.extend([Role::Stamp, Role::Prose(200)]);
        }
        assert_eq!(find_threads(&roles).len(), 2);
    }

    #[test]
    fn two_comments_are_not_a_thread() {
        let mut roles = story();
        for _ in 0..2 {
            roles.extend([Role::Stamp, Role::Prose(120)]);
        }
        assert!(find_threads(&roles).is_empty());
    }

    #[test]
    fn long_entries_are_sections_not_comments() {
        let mut roles = story();
        for _ in 0..4 {
            roles.extend([Role::Stamp, Role::Prose(1600), Role::Prose(1600)]);
        }
        assert!(find_threads(&roles).is_empty());
    }

    #[test]
    fn headed_entries_are_a_listing() {
        let mut roles = story();
        for _ in 0..4 {
            roles.extend([Role::Stamp, Role::Heading, Role::Other, Role::Prose(200)]);
        }
        assert!(find_threads(&roles).is_empty());
    }

    #[test]
    fn stamped_entries_without_a_story_before_them_are_the_page() {
        // A live blog or a page of dated notes: the entries are the article.
        let mut roles = vec![Role::Heading, Role::Prose(150)];
        for _ in 0..5 {
            roles.extend([Role::Stamp, Role::Prose(300)]);
        }
        assert!(find_threads(&roles).is_empty());
    }
}
