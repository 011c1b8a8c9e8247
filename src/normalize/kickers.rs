//! Kickers: SEO/topic phrases ending in ":" that open the summary or the first paragraph
//! ("Putin Kim Jong Meeting: रूसी राष्ट्रपति …"). They become tags and leave the text.

use super::article::{Block, BlockType};

/// A kicker is at most this many words.
const MAX_WORDS: usize = 6;

/// Take kickers off the front of the summary and of the first paragraph; returns them in order.
pub fn extract_kickers(summary: &mut Option<String>, blocks: &mut [Block]) -> Vec<String> {
    let mut kickers = Vec::new();
    if let Some(s) = summary.as_mut() {
        if let Some((kicker, rest)) = split_kicker(s) {
            kickers.push(kicker.to_string());
            *s = rest.to_string();
        }
    }
    let first = blocks.iter_mut().find(|b| b.kind != BlockType::Image);
    if let Some(b) = first {
        if b.kind == BlockType::Paragraph {
            if let Some((kicker, rest)) = split_kicker(&b.text) {
                let (kicker, rest) = (kicker.to_string(), rest.to_string());
                kickers.push(kicker);
                b.text = rest;
            }
        }
    }
    kickers
}

/// Split `"Kicker Phrase: the sentence"` into the phrase and the rest, when the phrase is a kicker:
/// a short phrase in Latin script before text in another script, or a short Title Case phrase.
pub fn split_kicker(text: &str) -> Option<(&str, &str)> {
    // A colon between digits is a clock time, a score or a ratio ("At 3:15 pm", "won 2:1"),
    // not the end of a phrase.
    let bytes = text.as_bytes();
    let colon = text
        .char_indices()
        .take(80)
        .find(|&(i, c)| {
            matches!(c, ':' | '：')
                && !(i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + c.len_utf8()).is_some_and(u8::is_ascii_digit))
        })?
        .0;
    let phrase = text[..colon].trim();
    let rest = text[colon..].trim_start_matches([':', '：']).trim_start();
    let words: Vec<&str> = phrase.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_WORDS || rest.chars().count() < 20 {
        return None;
    }
    if phrase.contains(['.', ',', '!', '?', '।', '"', '“', '”', '(', ')', '[', ']']) {
        return None;
    }
    let latin_phrase = phrase
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_ascii_alphabetic());
    let rest_first = rest.chars().find(|c| c.is_alphabetic())?;
    let cross_script = latin_phrase && !rest_first.is_ascii_alphabetic();
    let title_case = words.len() >= 2
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        })
        && !words.iter().all(|w| w.chars().all(|c| !c.is_lowercase()));
    (cross_script || (title_case && latin_phrase)).then_some((phrase, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kicker_before_devanagari() {
        let t = "Putin-Kim Jong Gift Guns: उत्तर कोरिया के तानाशाह किम जोंग उन रूस की यात्रा पर हैं.";
        assert_eq!(
            split_kicker(t),
            Some((
                "Putin-Kim Jong Gift Guns",
                "उत्तर कोरिया के तानाशाह किम जोंग उन रूस की यात्रा पर हैं."
            ))
        );
    }

    #[test]
    fn not_kickers() {
        assert_eq!(
            split_kicker("He said: the company will cut 4,000 jobs this week."),
            None
        );
        assert_eq!(
            split_kicker("NEW DELHI: The government on Monday announced a package."),
            None
        );
        assert_eq!(
            split_kicker("Washington, DC, United States : Getting to the Moon is hard."),
            None
        );
        assert_eq!(
            split_kicker("At 3:15 pm the index was up 2% on the day."),
            None
        );
        assert_eq!(
            split_kicker("Updated 1:39 am EST, the agency said the plant would close."),
            None
        );
    }

    #[test]
    fn a_clock_time_on_the_first_line_stays_in_the_body() {
        let text = "Markets rally as rates hold steady\n\n\
            At 3:15 pm the index was up 2% and traders were buying bank shares again.\n\n\
            Updated 1:39 am EST: the exchange said trading would open at the usual hour.\n";
        let a = crate::normalize::normalize(
            &crate::normalize::Envelope::from_text(text),
            time::OffsetDateTime::UNIX_EPOCH,
        )
        .expect("normalizes");
        assert!(a.kickers.is_empty(), "{:?}", a.kickers);
        assert!(a.tags.is_empty(), "{:?}", a.tags);
        let summary = a.summary.as_deref().unwrap_or("");
        assert!(
            summary.starts_with("At 3:15 pm the index") || a.body_text.contains("At 3:15 pm"),
            "{summary:?} {}",
            a.body_text
        );
        assert!(
            a.body_text.contains("Updated 1:39 am EST"),
            "{}",
            a.body_text
        );
    }
}
