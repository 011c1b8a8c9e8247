//! A bit-set prefilter for word look-ups: a few bytes of a word and its length hashed to one bit, set for every word of a set. A clear bit proves
//! the word is not in the set, which most words of a text are not, without hashing the whole
//! word and probing the table; a set bit only says "look it up".

/// One bit per hash value; about 1 in 16 bits set.
#[derive(Debug)]
pub struct WordFilter {
    bits: Vec<u64>,
    /// Right shift taking the 64-bit hash to an index into `bits`' bits.
    shift: u32,
}

impl WordFilter {
    /// A filter that lets through every word of `words` (and a few others).
    pub fn new<'a>(words: impl Iterator<Item = &'a str> + Clone) -> Self {
        let n = words.clone().count().max(1);
        // A power of two with at least 16 bits a word, at least 4096 bits.
        let log = (n * 16).next_power_of_two().max(4096).trailing_zeros();
        let mut filter = WordFilter {
            bits: vec![0; 1 << (log - 6)],
            shift: 64 - log,
        };
        for w in words {
            let i = filter.index(w.as_bytes(), |b| b);
            filter.bits[i >> 6] |= 1 << (i & 63);
        }
        filter
    }

    /// Whether `word` may be in the set (false: it certainly is not).
    #[inline]
    pub fn may_contain(&self, word: &str) -> bool {
        self.test(self.index(word.as_bytes(), |b| b))
    }

    /// Whether `word` lower-cased by [`str::to_ascii_lowercase`] may be in the set, without
    /// lower-casing it.
    #[inline]
    pub fn may_contain_ascii_lower(&self, word: &str) -> bool {
        self.test(self.index(word.as_bytes(), |b| b.to_ascii_lowercase()))
    }

    #[inline]
    fn test(&self, i: usize) -> bool {
        self.bits
            .get(i >> 6)
            .is_some_and(|w| w >> (i & 63) & 1 == 1)
    }

    /// The bit of a word, reading its bytes through `map` (which must map byte by byte as the
    /// words of the set were turned into the looked-up form): its length and its first, third,
    /// middle and last two bytes, a cheap hash that inlines.
    #[inline]
    fn index(&self, w: &[u8], map: impl Fn(u8) -> u8) -> usize {
        let n = w.len();
        let at = |i: usize| u64::from(w.get(i).copied().map_or(0, &map));
        let x = (n as u64)
            | at(0) << 8
            | at(2) << 16
            | at(n / 2) << 24
            | at(n.wrapping_sub(1)) << 32
            | at(n.wrapping_sub(2)) << 40;
        (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_through_every_word_of_its_set() {
        let words = ["", "a", "the", "और", "Putin", "किम", "x1", "don't"];
        let f = WordFilter::new(words.iter().copied());
        for w in words {
            assert!(f.may_contain(w), "{w:?}");
        }
        assert!(f.may_contain_ascii_lower("THE"));
        assert!(f.may_contain_ascii_lower("The"));
        assert!(f.may_contain_ascii_lower("DON'T"));
    }

    #[test]
    fn rejects_most_other_words() {
        let set: Vec<String> = (0..500).map(|i| format!("w{i}")).collect();
        let f = WordFilter::new(set.iter().map(String::as_str));
        let passed = (0..10_000)
            .map(|i| format!("other{i}"))
            .filter(|w| f.may_contain(w))
            .count();
        assert!(passed < 2_000, "{passed}");
    }
}
