//! Table-driven fixtures: real articles from the dev set (Hindi newspapers, English and Korean
//! news pages) in the shapes editors and crawlers send them: CRLF and BOM, blank-line runs,
//! zero-width and control characters, markdown headings, lists and quotes, inline and lead
//! images, kickers, publishers' leftovers, whole pages. See `fixtures/README.md` for sources.

use newsdesk::normalize::{normalize, BlockType, Envelope, NormalizeError};
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-27 20:00 UTC);

enum Removed {
    Reasons(&'static [&'static str]),
    Count(usize),
}

struct Case {
    file: &'static str,
    /// Prefix (40 characters) of the title.
    title: &'static str,
    summary: Option<&'static str>,
    language: &'static str,
    script: &'static str,
    /// Block types in order, by first letter (paragraph, heading, image, quote, list_item).
    kinds: &'static str,
    /// Prefixes of the first and last text blocks.
    first: &'static str,
    last: &'static str,
    removed: Removed,
    kickers: &'static [&'static str],
    lead_image: Option<&'static str>,
    published_at: Option<&'static str>,
    source_domain: Option<&'static str>,
    word_count: usize,
}

const CASES: &[Case] = &[
    Case {
        file: "abplive-putin-kim.txt",
        title: "प\u{941}तिन और किम जो\u{902}ग उन न\u{947} आपस म\u{947}\u{902} भ\u{947}\u{902}ट की ",
        summary: Some("र\u{942}सी राष\u{94d}ट\u{94d}रपति व\u{94d}लादिमीर प\u{941}तिन न\u{947} किम ज"),
        language: "hi",
        script: "Deva",
        kinds: "pppphphp",
        first: "उत\u{94d}तर कोरिया क\u{947} तानाशाह किम जो\u{902}ग उन र\u{942}स ",
        last: "व\u{94d}लादिमीर प\u{941}तिन अ\u{902}तिम बार 23 साल पहल\u{947} (J",
        removed: Removed::Reasons(&["related_marker", "trending_marker", "trending_marker", "promo_image"]),
        kickers: &["Putin Kim Jong Meeting", "Putin-Kim Jong Gift Guns"],
        lead_image: Some("https://feeds.abplive.com/onecms/images/uploaded-images/2023/09/15/6500f714f4f8517a52db57b0b325c4851694756492397843_original.jpg?impolicy=abp_cdn&imwidth=1200&height=675"),
        published_at: Some("2023-09-15T05:41:32Z"),
        source_domain: Some("abplive.com"),
        word_count: 377,
    },
    Case {
        file: "de-comwrap-main.txt",
        title: "Die elektronische Patientenakte (ePA) – ",
        summary: None,
        language: "de",
        script: "Latn",
        kinds: "ppphhphphpphhpppppllllphlpplpphplplplphhphpphphpppiihp",
        first: "Die Digitalisierung als Wachstums- und E",
        last: "Als Inbound Sales Manager bildet Moritz ",
        removed: Removed::Count(41),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: Some("comwrap.com"),
        word_count: 2246,
    },
    Case {
        file: "en-aljazeera-main.txt",
        title: "NASA’s commercial moon shot: Musk's and ",
        summary: None,
        language: "en",
        script: "Latn",
        kinds: "pppppppppppppp",
        first: "Washington, DC, United States : Getting ",
        last: "“There are the big established players, ",
        removed: Removed::Count(16),
        kickers: &[],
        lead_image: Some("/mritems/imagecache/mbdxxlarge/mritems/Images/2019/11/19/a9cf182c1e584777b8bfc3fb35e64a9a_18.jpg"),
        published_at: Some("2019-11-19T00:00:00Z"),
        source_domain: None,
        word_count: 589,
    },
    Case {
        file: "en-also-read-tail.txt",
        title: "New York State Attorney General investig",
        summary: None,
        language: "en",
        script: "Latn",
        kinds: "pppppppppppppppppp",
        first: "(Reuters) — The New York State Attorney ",
        last: "WeWork’s 2025 bond has weakened sharply ",
        removed: Removed::Reasons(&["related_marker", "credit", "related_marker", "link_list", "link_list", "trending_marker", "subscribe"]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 552,
    },
    Case {
        file: "en-questions-no-summary.txt",
        title: "New York State Attorney General investig",
        summary: None,
        language: "en",
        script: "Latn",
        kinds: "hppphpppp",
        first: "Who is investigating WeWork?",
        last: "The company shelved its plans for an ini",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 219,
    },
    Case {
        file: "en-reuters-main.txt",
        title: "New York State Attorney General investig",
        summary: None,
        language: "en",
        script: "Latn",
        kinds: "pppppppppppppppppp",
        first: "(Reuters) — The New York State Attorney ",
        last: "WeWork’s 2025 bond has weakened sharply ",
        removed: Removed::Reasons(&["credit"]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 552,
    },
    Case {
        file: "en-venturebeat-page.txt",
        title: "New York State Attorney General investig",
        summary: None,
        language: "en",
        script: "Latn",
        kinds: "pppppppppppppppppp",
        first: "(Reuters) — The New York State Attorney ",
        last: "WeWork’s 2025 bond has weakened sharply ",
        removed: Removed::Count(81),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: Some("venturebeat.com"),
        word_count: 552,
    },
    Case {
        file: "hi-amarujala-tail.txt",
        title: "अपन\u{947} यहा\u{902} फ\u{902}स\u{947} भारतीय नागरिको\u{902} को कोरोना",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "pppp",
        first: "भारत म\u{947}\u{902} निय\u{941}क\u{94d}त स\u{902}य\u{941}क\u{94d}त अरब अमीरात क\u{947} र",
        last: "उल\u{94d}ल\u{947}खनीय ह\u{948} कि क\u{947}रल उच\u{94d}च न\u{94d}यायालय न\u{947} मह",
        removed: Removed::Reasons(&["related_marker", "advertisement", "trending_marker", "promo_image", "copyright"]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: Some("amarujala.com"),
        word_count: 238,
    },
    Case {
        file: "hi-blank-runs.txt",
        title: "द\u{947}श म\u{947}\u{902} कोरोना वायरस स\u{947} चौथी मौत, प\u{902}जाब ",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "ppp",
        first: "भारत म\u{947}\u{902} कोरोना वायरस स\u{902}क\u{94d}रमण स\u{947} ग\u{941}र\u{941}वार",
        last: "राजस\u{94d}थान म\u{947}\u{902} दो विद\u{947}शियो\u{902} सहित सात, तमिल",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 232,
    },
    Case {
        file: "hi-crlf-bom.txt",
        title: "'भाग जा र\u{947} कोरोना भाग जा', सोशल मीडिया प",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "ppp",
        first: "कोरोना वायरस का प\u{94d}रकोप अब तक करीब 95 द\u{947}श",
        last: "इसक\u{947} अलावा भोजप\u{941}री म\u{94d}य\u{942}जिक इ\u{902}डस\u{94d}ट\u{94d}री म\u{947}\u{902}",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 176,
    },
    Case {
        file: "hi-inline-image.txt",
        title: "कोरोना का खौफः द\u{947}श म\u{947}\u{902} तीन और नए मरीज, अ",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "ppip",
        first: "द\u{941}निया क\u{947} 97 द\u{947}शो\u{902} तक फ\u{948}ल च\u{941}क\u{947} कोरोनावाय",
        last: "स\u{94d}वास\u{94d}थ\u{94d}य म\u{902}त\u{94d}रालय न\u{947} बताया, तीनो\u{902} नए मर",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: Some("2020-03-08T06:46:40Z"),
        source_domain: Some("amarujala.com"),
        word_count: 260,
    },
    Case {
        file: "hi-kicker-lead-image.txt",
        title: "पाकिस\u{94d}तान म\u{947}\u{902} कोरोना वायरस क\u{947} 2,700 स\u{947} ज",
        summary: Some("पाकिस\u{94d}तान म\u{947}\u{902} कोरोना वायरस क\u{947} मामलो\u{902} की "),
        language: "hi",
        script: "Deva",
        kinds: "pppp",
        first: "अक\u{947}ल\u{947} प\u{902}जाब प\u{94d}रा\u{902}त म\u{947}\u{902} इसका आ\u{902}कड\u{93c}ा 1000 ",
        last: "कोविड-19 महामारी का प\u{94d}रकोप कब तक रह\u{947}गा इ",
        removed: Removed::Reasons(&[]),
        kickers: &["Coronavirus Lockdown", "Pakistan Corona Cases"],
        lead_image: Some("https://static.langimg.com/thumb/msid-74977123,imgsize-123456,width-700,height-525,resizemode-75/navbharat-times.jpg"),
        published_at: None,
        source_domain: Some("langimg.com"),
        word_count: 235,
    },
    Case {
        file: "hi-lists-quotes.txt",
        title: "डायलिसिस क\u{947} लिए म\u{947}डिकल कॉल\u{947}ज आई य\u{941}वती को",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "pqll",
        first: "श\u{94d}रीनगर गढ\u{93c}वाल म\u{947}\u{902} पीजीआई च\u{902}डीगढ\u{93c} स\u{947} लौट",
        last: "इधर, नोडल अधिकारी/ म\u{947}डिसिन विभागाध\u{94d}यक\u{94d}ष ",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 232,
    },
    Case {
        file: "hi-markdown-headings.txt",
        title: "कोरोना: लॉकडाउन क\u{947} बाद स\u{902}क\u{94d}रमितो\u{902} की स\u{902}ख",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "phppp",
        first: "लॉकडाउन क\u{947} 19 दिन प\u{942}र\u{947} हो च\u{941}क\u{947} ह\u{948}\u{902}, ल\u{947}कि",
        last: "महाराष\u{94d}ट\u{94d}र कोरोना स\u{947} सर\u{94d}वाधिक प\u{94d}रभावित ह",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 275,
    },
    Case {
        file: "hi-plain.txt",
        title: "'भाग जा र\u{947} कोरोना भाग जा', सोशल मीडिया प",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "ppp",
        first: "कोरोना वायरस का प\u{94d}रकोप अब तक करीब 95 द\u{947}श",
        last: "इसक\u{947} अलावा भोजप\u{941}री म\u{94d}य\u{942}जिक इ\u{902}डस\u{94d}ट\u{94d}री म\u{947}\u{902}",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 176,
    },
    Case {
        file: "hi-zero-width-controls.txt",
        title: "'भाग जा र\u{947} कोरोना भाग जा', सोशल मीडिया प",
        summary: None,
        language: "hi",
        script: "Deva",
        kinds: "ppp",
        first: "कोरोना वायरस का प\u{94d}रकोप अब तक करीब 95 द\u{947}श",
        last: "इसक\u{947} अलावा भोजप\u{941}री म\u{94d}य\u{942}जिक इ\u{902}डस\u{94d}ट\u{94d}री म\u{947}\u{902}",
        removed: Removed::Reasons(&[]),
        kickers: &[],
        lead_image: None,
        published_at: None,
        source_domain: None,
        word_count: 176,
    },
    Case {
        file: "ko-entermedia-main.txt",
        title: "엔터 미디어",
        summary: None,
        language: "ko",
        script: "Hang",
        kinds: "hppippipippippip",
        first: "‘그녀말’ 남상미 연기가 ‘숨바꼭질’ 이유리보다 돋보인 이유",
        last: "남상미는 알다시피 롯데리아 한양대점 알바생으로 유명세를 탄 후 연여계로 ",
        removed: Removed::Count(61),
        kickers: &[],
        lead_image: Some("/photo/2018/09/28/1538123681_1.jpg"),
        published_at: Some("2018-09-28T08:34:41Z"),
        source_domain: None,
        word_count: 552,
    },
];

fn prefix(s: &str) -> String {
    s.chars().take(40).collect()
}

#[test]
fn fixtures() {
    assert!(CASES.len() >= 16);
    for case in CASES {
        let path = format!(
            "{}/tests/fixtures/{}",
            env!("CARGO_MANIFEST_DIR"),
            case.file
        );
        let text = std::fs::read_to_string(&path).expect("fixture file");
        let a = normalize(&Envelope::from_text(text), NOW)
            .unwrap_or_else(|e| panic!("{}: {e}", case.file));
        let f = case.file;
        assert_eq!(prefix(&a.title), case.title, "{f}: title");
        assert_eq!(
            a.summary.as_deref().map(prefix).as_deref(),
            case.summary,
            "{f}: summary"
        );
        assert_eq!(a.language, case.language, "{f}: language");
        assert_eq!(a.script, case.script, "{f}: script");
        let kinds: String = a
            .blocks
            .iter()
            .map(|b| b.kind.as_str().chars().next().unwrap_or('?'))
            .collect();
        assert_eq!(kinds, case.kinds, "{f}: block kinds");
        let texts: Vec<&str> = a
            .blocks
            .iter()
            .filter(|b| b.kind != BlockType::Image)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(prefix(texts[0]), case.first, "{f}: first block");
        assert_eq!(prefix(texts[texts.len() - 1]), case.last, "{f}: last block");
        let reasons: Vec<&str> = a.removed.iter().map(|r| r.reason.as_str()).collect();
        match case.removed {
            Removed::Reasons(want) => assert_eq!(reasons, want, "{f}: removed"),
            Removed::Count(n) => assert_eq!(reasons.len(), n, "{f}: removed count"),
        }
        assert_eq!(a.kickers, case.kickers, "{f}: kickers");
        assert_eq!(
            a.lead_image.as_ref().map(|i| i.url.as_str()),
            case.lead_image,
            "{f}: lead image"
        );
        let date = a
            .published_at
            .map(|t| t.format(&Rfc3339).unwrap_or_default());
        assert_eq!(date.as_deref(), case.published_at, "{f}: published_at");
        assert_eq!(
            a.source_domain.as_deref(),
            case.source_domain,
            "{f}: source domain"
        );
        assert_eq!(a.word_count, case.word_count, "{f}: word count");
        // Invariants of every article.
        assert_eq!(
            a.body_text,
            texts.join("\n\n"),
            "{f}: body text is the text blocks"
        );
        assert!(
            a.body_text.lines().all(|l| l == l.trim()),
            "{f}: trimmed lines"
        );
        assert!(
            !a.body_text
                .contains(['\u{200B}', '\u{FEFF}', '\r', '\u{7}']),
            "{f}: hygiene"
        );
        assert!(a.content_hash.starts_with("sha256:"), "{f}: hash");
    }
}

#[test]
fn hygiene_variants_normalize_alike() {
    let read = |name: &str| {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        normalize(
            &Envelope::from_text(std::fs::read_to_string(path).expect("fixture")),
            NOW,
        )
        .expect("article")
    };
    let plain = read("hi-plain.txt");
    for variant in ["hi-crlf-bom.txt", "hi-zero-width-controls.txt"] {
        let v = read(variant);
        assert_eq!(v.title, plain.title, "{variant}");
        assert_eq!(v.body_text, plain.body_text, "{variant}");
        assert_eq!(v.content_hash, plain.content_hash, "{variant}");
    }
}

#[test]
fn refusals_are_typed_errors() {
    let run = |text: &str| normalize(&Envelope::from_text(text), NOW);
    assert_eq!(run(""), Err(NormalizeError::EmptyText));
    assert_eq!(
        run(" \r\n\t\u{200B}\u{FEFF} \n"),
        Err(NormalizeError::EmptyText)
    );
    assert_eq!(
        run("![](https://x.com/a.jpg)\n12345\n---\n* * *"),
        Err(NormalizeError::NoProse)
    );
    let only_leftovers = "Headline of the day\nये भी पढ़ें:\nट्रेंडिंग न्यूज\n![ABP Premium](https://cdn.abplive.com/imagebank/x.png)";
    let err = run(only_leftovers).expect_err("nothing to publish");
    assert_eq!(err, NormalizeError::NothingLeft { removed: 3 });
    assert_eq!(
        err.to_string(),
        "After removing 3 boilerplate lines nothing was left to publish; send the article's own paragraphs."
    );
    // Too short to be an article: said so, with the minimum, and never called boilerplate.
    for (text, words) in [
        ("Only a title line", 0),
        ("Hello", 0),
        ("Budget\nApproved.", 1),
        ("नमस्ते\nभारत", 1),
    ] {
        let err = run(text).expect_err(text);
        assert_eq!(
            err,
            NormalizeError::TooShort { words, minimum: 2 },
            "{text}"
        );
        let message = err.to_string();
        assert!(message.contains("too short to be an article"), "{message}");
        assert!(message.contains("at least 2 words"), "{message}");
        assert!(!message.contains("boilerplate"), "{message}");
    }
    // Two words after the title can be an article.
    assert!(run("Rain\nIt rained.").is_ok());
}

#[test]
fn explicit_fields_override_and_are_checked() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/hi-plain.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let env = Envelope {
        url: Some("https://www.amarujala.com/india-news/2020/03/09/corona-song".into()),
        title: Some("  Corona   song goes viral ".into()),
        tags: vec![
            "Coronavirus".into(),
            " coronavirus ".into(),
            "Bhojpuri".into(),
        ],
        authors: vec![" Staff  Reporter ".into()],
        ..Envelope::from_text(text.clone())
    };
    let a = normalize(&env, NOW).expect("article");
    assert_eq!(a.title, "Corona song goes viral");
    assert_eq!(a.source_domain.as_deref(), Some("amarujala.com"));
    assert_eq!(a.published_at, Some(datetime!(2020-03-09 00:00 UTC)));
    assert_eq!(
        a.published_at_source,
        Some(newsdesk::normalize::DateSource::UrlPath)
    );
    assert_eq!(
        a.tags,
        vec!["Coronavirus".to_string(), "Bhojpuri".to_string()]
    );
    assert_eq!(a.authors, vec!["Staff Reporter".to_string()]);
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.amarujala.com/india-news/2020/03/09/corona-song")
    );

    let explicit_date = Envelope {
        published_at: Some("2020-03-10T08:00:00+05:30".into()),
        language: Some("hi".into()),
        ..env.clone()
    };
    let a = normalize(&explicit_date, NOW).expect("article");
    assert_eq!(a.published_at, Some(datetime!(2020-03-10 02:30 UTC)));
    assert_eq!(
        a.published_at_source,
        Some(newsdesk::normalize::DateSource::Explicit)
    );

    for (bad, kind) in [
        (
            Envelope {
                url: Some("amarujala.com/x".into()),
                ..Envelope::from_text(text.clone())
            },
            "invalid-url",
        ),
        (
            Envelope {
                published_at: Some("yesterday".into()),
                ..Envelope::from_text(text.clone())
            },
            "invalid-published-at",
        ),
        (
            Envelope {
                language: Some("hindi".into()),
                ..Envelope::from_text(text.clone())
            },
            "invalid-language",
        ),
    ] {
        let err = normalize(&bad, NOW).expect_err("refused");
        assert_eq!(err.kind(), kind);
        assert!(err.to_string().contains('`'), "names the field: {err}");
    }
}
