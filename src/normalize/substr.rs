//! Substring search for the short texts the pipeline compares (lines, titles, alt texts):
//! `str::contains` and `str::replace` set up a two-way searcher for every call, which costs more
//! than the search itself on a line.

/// The byte offset of the first occurrence of `needle` in `haystack` at or after `from`, as
/// `haystack[from..].find(needle)` (plus `from`) gives it.
pub fn find_from(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return (from <= h.len()).then_some(from);
    };
    let last_start = h.len().checked_sub(n.len())?;
    let mut i = from;
    while i <= last_start {
        // Candidates: the first byte, then the last, then the rest.
        let p = h[i..=last_start].iter().position(|&b| b == first)?;
        let at = i + p;
        if h[at + n.len() - 1] == n[n.len() - 1] && &h[at + 1..at + n.len()] == rest {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Whether `needle` occurs in `haystack`, as `haystack.contains(needle)`.
pub fn contains(haystack: &str, needle: &str) -> bool {
    find_from(haystack, needle, 0).is_some()
}

/// `text` with every occurrence of `from` (left to right, not overlapping) replaced by `to`,
/// as `text.replace(from, to)`.
pub fn replace(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return text.replace(from, to);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    while let Some(at) = find_from(text, from, done) {
        out.push_str(&text[done..at]);
        out.push_str(to);
        done = at + from.len();
    }
    out.push_str(&text[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn agrees_with_the_standard_library(
            haystack in "[abक़ि ]{0,12}",
            needle in "[abक़ि ]{0,4}",
            from in 0usize..16,
        ) {
            proptest::prop_assert_eq!(contains(&haystack, &needle), haystack.contains(&*needle));
            proptest::prop_assert_eq!(replace(&haystack, &needle, "-"), haystack.replace(&*needle, "-"));
            if haystack.is_char_boundary(from.min(haystack.len())) {
                let from = from.min(haystack.len());
                proptest::prop_assert_eq!(
                    find_from(&haystack, &needle, from),
                    haystack[from..].find(&*needle).map(|p| p + from)
                );
            }
        }
    }

    #[test]
    fn finds_devanagari_and_latin() {
        assert!(contains("पुतिन और किम जोंग उन", "किम जोंग"));
        assert!(!contains("पुतिन और किम", "किम जोंग"));
        assert_eq!(replace("ab ab a", "ab", "x"), "x x a");
        assert_eq!(replace("aaa", "aa", "x"), "xa");
    }
}
