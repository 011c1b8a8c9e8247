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
    let colon = text
        .char_indices()
        .take(80)
        .find(|(_, c)| matches!(c, ':' | '：'))?
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
    }
}
