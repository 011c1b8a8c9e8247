//! Property tests: the normalizer never panics, whatever it is given, and normalizing its own
//! rendered output again changes neither title nor body.

use newsdesk::normalize::{normalize, normalize_tag_name, tag_slug, BlockType, Envelope};
use proptest::prelude::*;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-27 20:00 UTC);

/// Text made of the pieces scraped articles are made of, in any order.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z ]{0,40}",
        "[\u{0900}-\u{097F} ]{0,40}",
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\n\n".to_string()),
        Just("![alt](https://x.com/2023/09/15/a_1694756492.jpg)".to_string()),
        Just("[link](".to_string()),
        Just("](".to_string()),
        Just("# ".to_string()),
        Just("* ".to_string()),
        Just("> ".to_string()),
        Just("ये भी पढ़ें:".to_string()),
        Just("Also read: ".to_string()),
        Just("**".to_string()),
        Just("_".to_string()),
        Just("\\".to_string()),
        Just("\u{200B}\u{200D}\u{FEFF}\u{0007}".to_string()),
        Just("क्\u{200D}ष".to_string()),
        Just("Kicker Phrase: ".to_string()),
        Just(". ".to_string()),
        Just("?".to_string()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_strings(text in any::<String>()) {
        let _ = normalize(&Envelope::from_text(text.clone()), NOW);
        let _ = tag_slug(&text);
        let _ = normalize_tag_name(&text);
    }

    #[test]
    fn never_panics_on_markdownish_text(text in markdownish()) {
        let _ = normalize(&Envelope::from_text(text), NOW);
    }

    #[test]
    fn never_panics_on_arbitrary_envelopes(
        text in markdownish(),
        url in proptest::option::of(any::<String>()),
        published_at in proptest::option::of(any::<String>()),
        language in proptest::option::of("[a-zA-Z_-]{0,6}"),
        title in proptest::option::of(any::<String>()),
        tags in prop::collection::vec(any::<String>(), 0..4),
    ) {
        let env = Envelope { url, published_at, language, title, tags, ..Envelope::from_text(text) };
        let _ = normalize(&env, NOW);
    }

    #[test]
    fn slugs_are_lowercase_ascii_words(name in any::<String>()) {
        let slug = tag_slug(&name);
        prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
    }
}

const EN: &[&str] = &[
    "the",
    "government",
    "said",
    "on",
    "Monday",
    "that",
    "it",
    "would",
    "cut",
    "jobs",
    "and",
    "the",
    "company",
    "was",
    "in",
    "talks",
    "with",
    "investors",
    "about",
    "a",
    "new",
    "plan",
    "for",
    "its",
    "future",
    "officials",
    "told",
    "reporters",
    "of",
    "market",
    "prices",
    "rose",
    "after",
];
const HI: &[&str] = &[
    "सरकार",
    "ने",
    "सोमवार",
    "को",
    "कहा",
    "कि",
    "वह",
    "नौकरियों",
    "में",
    "कटौती",
    "करेगी",
    "और",
    "कंपनी",
    "निवेशकों",
    "से",
    "बातचीत",
    "कर",
    "रही",
    "है",
    "अधिकारियों",
    "के",
    "अनुसार",
    "बाजार",
    "की",
    "कीमतें",
    "बढ़ीं",
];

/// A sentence of 6–20 words from one language's pool, with its full stop.
fn sentence(hindi: bool) -> impl Strategy<Value = String> {
    let pool = if hindi { HI } else { EN };
    prop::collection::vec(prop::sample::select(pool), 6..20).prop_map(move |words| {
        let mut s = words.join(" ");
        if let Some(first) = s.chars().next() {
            let upper: String = first.to_uppercase().collect();
            s.replace_range(..first.len_utf8(), &upper);
        }
        s.push_str(if hindi { " ।" } else { "." });
        s
    })
}

/// An article as editors paste it: a title line, then paragraphs (and now and then a heading).
fn article(hindi: bool) -> impl Strategy<Value = String> {
    let title = prop::collection::vec(prop::sample::select(if hindi { HI } else { EN }), 4..12)
        .prop_map(|w| w.join(" "));
    let paragraph = prop::collection::vec(sentence(hindi), 1..5).prop_map(|s| s.join(" "));
    let heading = prop::collection::vec(prop::sample::select(if hindi { HI } else { EN }), 2..6)
        .prop_map(|w| format!("{}?", w.join(" ")));
    let block = prop_oneof![4 => paragraph, 1 => heading];
    (title, prop::collection::vec(block, 2..10), any::<bool>()).prop_map(
        |(title, blocks, blank)| {
            let sep = if blank { "\n\n" } else { "\n" };
            format!("{title}\n{}", blocks.join(sep))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn renormalizing_the_output_is_stable(hindi in any::<bool>(), text in any::<bool>().prop_flat_map(article)) {
        let _ = hindi;
        let Ok(first) = normalize(&Envelope::from_text(text), NOW) else {
            return Ok(());
        };
        let body: Vec<&str> = first
            .blocks
            .iter()
            .filter(|b| b.kind != BlockType::Image)
            .map(|b| b.text.as_str())
            .collect();
        let rendered = format!(
            "{}\n{}\n{}",
            first.title,
            first.summary.as_deref().unwrap_or(""),
            body.join("\n")
        );
        let second = normalize(&Envelope::from_text(rendered), NOW).expect("renormalizes");
        prop_assert_eq!(&second.title, &first.title);
        prop_assert_eq!(&second.body_text, &first.body_text);
    }
}
