//! Language and script of the article. whatlang does the detection; Devanagari text is settled by
//! stop words, because whatlang calls short Hindi Nepali or Marathi ("नमस्ते भारत" → Nepali).
//! Latin text dense in English function words is English without asking whatlang, whose trigram
//! scoring is the dearest step of normalizing an English article.

use std::collections::HashMap;
use std::sync::LazyLock;

use whatlang::{Lang, Script};

use super::stopwords::{stopwords_for, words};

/// ISO 639-1 code → ISO 639-3 code as whatlang names it (`-` when whatlang lacks the language).
static ISO639: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("../../data/iso639.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(two, three)| (two.trim(), three.trim()))
        .collect()
});

/// Whether `code` is an ISO 639-1 code (lowercase two letters).
pub fn is_iso639_1(code: &str) -> bool {
    ISO639.contains_key(code)
}

/// ISO 639-1 code of a whatlang language.
fn iso639_1(lang: Lang) -> Option<&'static str> {
    let three = lang.code();
    ISO639
        .iter()
        .find(|(_, &t)| t == three)
        .map(|(&two, _)| two)
}

/// The language (ISO 639-1) and script (ISO 15924) of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageGuess {
    pub language: String,
    pub script: &'static str,
}

/// How much text the detector looks at: enough to be sure, little enough to stay fast.
const SAMPLE_BYTES: usize = 4096;

/// Detect the language and script of `text`; `explicit` (already validated) wins for the language.
pub fn detect_language(text: &str, explicit: Option<&str>) -> LanguageGuess {
    let sample = sample(text);
    let script = whatlang::detect_script(script_sample(sample));
    let script_code = script.map(iso15924).unwrap_or("Zyyy");
    if let Some(lang) = explicit {
        return LanguageGuess {
            language: lang.to_string(),
            script: script_code,
        };
    }
    let language = match script {
        Some(Script::Devanagari) => devanagari_language(sample),
        Some(Script::Latin) | None if sample.trim().is_empty() => "und".to_string(),
        Some(Script::Latin) if english_is_clear(sample) => "en".to_string(),
        _ => whatlang::detect(sample)
            .and_then(|info| iso639_1(info.lang()))
            .map(str::to_string)
            .unwrap_or_else(|| fallback_for_script(script).to_string()),
    };
    LanguageGuess {
        language,
        script: script_code,
    }
}

/// The languages whose stop words tell Devanagari text apart.
const DEVANAGARI_LANGUAGES: [&str; 3] = ["hi", "mr", "ne"];

/// Stop words of several languages, each with a bit for every list it is on: one look-up a word
/// instead of one a language.
type StopwordBits = HashMap<&'static str, u8, foldhash::fast::RandomState>;

fn stopword_bits(languages: &[&str]) -> StopwordBits {
    let mut map = StopwordBits::default();
    for (i, lang) in languages.iter().enumerate() {
        for &word in stopwords_for(lang).into_iter().flatten() {
            *map.entry(word).or_default() |= 1 << i;
        }
    }
    map
}

/// How many words `sample` has, and how many of them are on each list of `bits` (`fold_case`:
/// lowercased first, as the lists are).
fn stopword_votes<const N: usize>(
    sample: &str,
    bits: &StopwordBits,
    fold_case: bool,
) -> (usize, [usize; N]) {
    let mut counts = [0usize; N];
    let mut total = 0;
    let mut lower = String::new();
    for word in words(sample) {
        total += 1;
        let word = if !fold_case || word.bytes().all(|b| b.is_ascii_lowercase()) {
            word
        } else {
            lower.clear();
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            lower.as_str()
        };
        let hits = bits.get(word).copied().unwrap_or(0);
        for (i, n) in counts.iter_mut().enumerate() {
            *n += usize::from(hits >> i & 1);
        }
    }
    (total, counts)
}

static DEVANAGARI_STOPWORDS: LazyLock<StopwordBits> =
    LazyLock::new(|| stopword_bits(&DEVANAGARI_LANGUAGES));

/// English first, then the other Latin-script languages with a stop-word list.
const LATIN_LANGUAGES: [&str; 7] = ["en", "de", "es", "fr", "it", "nl", "pt"];

static LATIN_STOPWORDS: LazyLock<StopwordBits> = LazyLock::new(|| stopword_bits(&LATIN_LANGUAGES));

/// Whether Latin-script text is plainly English: at least 30 words, a quarter of them English
/// function words, and no other listed language's function words even a third as frequent. In
/// the dev set's samples English pages run up to half English function words and pages in other
/// languages at most 0.07; this settles none differently from whatlang.
fn english_is_clear(sample: &str) -> bool {
    let (total, counts) = stopword_votes::<7>(sample, &LATIN_STOPWORDS, true);
    let english = counts[0];
    total >= 30 && english * 4 >= total && counts[1..].iter().all(|&other| other * 3 <= english)
}

/// Hindi unless Marathi or Nepali function words clearly outnumber Hindi ones.
fn devanagari_language(sample: &str) -> String {
    let (_, counts) = stopword_votes::<3>(sample, &DEVANAGARI_STOPWORDS, false);
    let hi = counts[0];
    let best_other = [("mr", counts[1]), ("ne", counts[2])]
        .into_iter()
        .max_by_key(|&(_, n)| n);
    match best_other {
        Some((lang, n)) if n >= 3 && n > hi * 2 => lang.to_string(),
        _ => "hi".to_string(),
    }
}

fn fallback_for_script(script: Option<Script>) -> &'static str {
    match script {
        Some(Script::Devanagari) => "hi",
        Some(Script::Bengali) => "bn",
        Some(Script::Gujarati) => "gu",
        Some(Script::Gurmukhi) => "pa",
        Some(Script::Tamil) => "ta",
        Some(Script::Telugu) => "te",
        Some(Script::Kannada) => "kn",
        Some(Script::Malayalam) => "ml",
        Some(Script::Oriya) => "or",
        Some(Script::Arabic) => "ar",
        Some(Script::Cyrillic) => "ru",
        Some(Script::Hangul) => "ko",
        Some(Script::Hiragana) | Some(Script::Katakana) => "ja",
        Some(Script::Mandarin) => "zh",
        Some(Script::Greek) => "el",
        Some(Script::Hebrew) => "he",
        Some(Script::Thai) => "th",
        Some(Script::Georgian) => "ka",
        Some(Script::Armenian) => "hy",
        _ => "und",
    }
}

/// ISO 15924 code of a whatlang script.
pub(crate) fn iso15924(script: Script) -> &'static str {
    match script {
        Script::Arabic => "Arab",
        Script::Armenian => "Armn",
        Script::Bengali => "Beng",
        Script::Cyrillic => "Cyrl",
        Script::Devanagari => "Deva",
        Script::Ethiopic => "Ethi",
        Script::Georgian => "Geor",
        Script::Greek => "Grek",
        Script::Gujarati => "Gujr",
        Script::Gurmukhi => "Guru",
        Script::Hangul => "Hang",
        Script::Hebrew => "Hebr",
        Script::Hiragana | Script::Katakana => "Jpan",
        Script::Kannada => "Knda",
        Script::Khmer => "Khmr",
        Script::Latin => "Latn",
        Script::Malayalam => "Mlym",
        Script::Mandarin => "Hani",
        Script::Myanmar => "Mymr",
        Script::Oriya => "Orya",
        Script::Sinhala => "Sinh",
        Script::Tamil => "Taml",
        Script::Telugu => "Telu",
        Script::Thai => "Thai",
    }
}

/// The first few KB of `text`, cut at a character boundary.
fn sample(text: &str) -> &str {
    prefix(text, SAMPLE_BYTES)
}

/// Enough text to tell the script.
fn script_sample(text: &str) -> &str {
    prefix(text, 600)
}

fn prefix(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_devanagari_is_hindi() {
        assert_eq!(detect_language("नमस्ते भारत", None).language, "hi");
        assert_eq!(detect_language("नमस्ते भारत", None).script, "Deva");
    }

    #[test]
    fn marathi_when_clear() {
        let mr = "मुंबई महानगरपालिकेच्या निवडणुकीत भाजपने मोठे यश मिळवले आहे आणि शिवसेनेला धक्का बसला आहे. या निवडणुकीत सर्व पक्षांनी जोर लावला होता.";
        assert_eq!(detect_language(mr, None).language, "mr");
    }

    #[test]
    fn english() {
        let g = detect_language("The company said on Monday that it would cut jobs.", None);
        assert_eq!((g.language.as_str(), g.script), ("en", "Latn"));
    }

    #[test]
    fn plain_english_is_settled_without_whatlang() {
        let text =
            "The council said on Monday that it would cut the budget for roads in the north \
            of the county, and that the money would go to schools instead. Residents who spoke at \
            the meeting were split, with some saying that the roads had been in a bad state for \
            years and others that the schools needed it more.";
        assert!(english_is_clear(text));
        assert_eq!(detect_language(text, None).language, "en");
        // Too few words to settle, or the function words of another language: whatlang decides.
        assert!(!english_is_clear(
            "The company said on Monday that it would cut jobs."
        ));
        let portuguese = "O governo anunciou nesta segunda-feira que vai cortar o orçamento das \
            estradas no norte do país e que o dinheiro vai para as escolas. Os moradores que \
            falaram na reunião ficaram divididos, e alguns disseram que as estradas estão em mau \
            estado há anos e outros que as escolas precisam mais do dinheiro.";
        assert!(!english_is_clear(portuguese));
        assert_eq!(detect_language(portuguese, None).language, "pt");
    }

    #[test]
    fn the_english_shortcut_agrees_with_whatlang_on_every_fixture() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut settled = 0;
        for entry in std::fs::read_dir(dir).expect("fixtures folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable fixture");
            let sample = sample(&text);
            if english_is_clear(sample) {
                settled += 1;
                let asked = whatlang::detect(sample).and_then(|info| iso639_1(info.lang()));
                assert_eq!(asked, Some("en"), "{}", path.display());
            }
        }
        assert!(settled >= 3, "only {settled} fixtures settled");
    }

    #[test]
    fn iso_codes() {
        assert!(is_iso639_1("hi"));
        assert!(!is_iso639_1("xx"));
    }
}
