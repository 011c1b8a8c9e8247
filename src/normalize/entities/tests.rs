//! Table-driven tests of extraction on short texts: English rules, Devanagari cues,
//! coreference, cross-script linking and the editors' dictionary.

use super::*;
use crate::normalize::article::BlockType;

fn extract(
    title: &str,
    paragraphs: &[&str],
    dictionary: &EntityDictionary,
) -> Vec<ExtractedEntity> {
    let blocks: Vec<Block> = paragraphs
        .iter()
        .map(|p| Block::text(BlockType::Paragraph, *p))
        .collect();
    extract_entities(title, None, &[], &blocks, None, dictionary)
}

fn find<'a>(entities: &'a [ExtractedEntity], form: &str) -> Option<&'a ExtractedEntity> {
    entities
        .iter()
        .find(|e| e.surface_forms.iter().any(|f| f.text == form))
}

fn kind_of(entities: &[ExtractedEntity], form: &str) -> Option<EntityType> {
    find(entities, form).map(|e| e.kind)
}

#[test]
fn english_sentences() {
    let e = extract(
        "Putin meets Kim in Russia's Far East",
        &[
            "Russian President Vladimir Putin met North Korea's leader Kim Jong Un on Wednesday at the Vostochny Cosmodrome. \
             Kremlin spokesman Dmitry Peskov said Putin accepted an invitation to visit North Korea.",
            "The meeting came as Foreign Minister Sergei Lavrov prepared to travel to Pyongyang, the BBC reported. \
             Officials at the United Nations and Samsung Electronics Ltd declined to comment in September.",
        ],
        &EntityDictionary::empty(),
    );
    let table = [
        ("Vladimir Putin", Some(EntityType::Person)),
        ("Putin", Some(EntityType::Person)),
        ("Dmitry Peskov", Some(EntityType::Person)),
        ("Sergei Lavrov", Some(EntityType::Person)),
        ("North Korea", Some(EntityType::Place)),
        ("Russia", Some(EntityType::Place)),
        ("Pyongyang", Some(EntityType::Place)),
        ("Vostochny Cosmodrome", Some(EntityType::Place)),
        ("Kremlin", Some(EntityType::Organization)),
        ("BBC", Some(EntityType::Organization)),
        ("United Nations", Some(EntityType::Organization)),
        ("Samsung Electronics Ltd", Some(EntityType::Organization)),
        ("Wednesday", None),
        ("September", None),
        ("Officials", None),
        ("The", None),
        ("President", None),
    ];
    for (form, want) in table {
        assert_eq!(kind_of(&e, form), want, "{form}: {e:#?}");
    }
    // "Putin" and "Vladimir Putin" are one entity.
    assert_eq!(find(&e, "Putin").unwrap().name, "Vladimir Putin");
}

#[test]
fn a_place_in_dateline_capitals_is_a_place_and_an_acronym_stays_an_organization() {
    let e = extract(
        "Officials meet over the budget",
        &[
            "BERLIN (AP) — Officials from the EU and NATO met on Tuesday to discuss the budget for \
             the coming year, and the talks went on late into the night.",
        ],
        &EntityDictionary::empty(),
    );
    assert_eq!(kind_of(&e, "BERLIN"), Some(EntityType::Place), "{e:?}");
    assert_eq!(kind_of(&e, "NATO"), Some(EntityType::Organization), "{e:?}");
}

#[test]
fn devanagari_cues_and_coreference() {
    let e = extract(
        "मुख्यमंत्री योगी आदित्यनाथ ने लखनऊ में बैठक की",
        &[
            "उत्तर प्रदेश के मुख्यमंत्री योगी आदित्यनाथ ने बुधवार को स्वास्थ्य मंत्रालय के अधिकारियों से बात की. \
             योगी ने कहा कि अमेरिका से लौटे लोगों की जांच होगी.",
            "भारतीय जनता पार्टी के प्रवक्ता संबित पात्रा ने बताया कि पात्रा जल्द दिल्ली जाएंगे.",
        ],
        &EntityDictionary::empty(),
    );
    let table = [
        ("योगी आदित्यनाथ", Some(EntityType::Person)),
        ("योगी", Some(EntityType::Person)),
        ("संबित पात्रा", Some(EntityType::Person)),
        ("लखनऊ", Some(EntityType::Place)),
        ("उत्तर प्रदेश", Some(EntityType::Place)),
        ("अमेरिका", Some(EntityType::Place)),
        ("दिल्ली", Some(EntityType::Place)),
        ("स्वास्थ्य मंत्रालय", Some(EntityType::Organization)),
        ("भारतीय जनता पार्टी", Some(EntityType::Organization)),
        ("मुख्यमंत्री", None),
        ("बुधवार", None),
        ("प्रवक्ता", None),
    ];
    for (form, want) in table {
        assert_eq!(kind_of(&e, form), want, "{form}: {e:#?}");
    }
    let yogi = find(&e, "योगी").unwrap();
    assert_eq!(yogi.name, "योगी आदित्यनाथ");
    assert_eq!(yogi.mentions, 3);
    assert_eq!(yogi.first_position, "मुख्यमंत्री ".chars().count());
    assert!(std::ptr::eq(yogi, find(&e, "योगी आदित्यनाथ").unwrap()));
    // "अमेरिका" (papers' spelling) is the CLDR "United States" entity.
    assert_eq!(
        find(&e, "अमेरिका").unwrap().key,
        transliteration_key("United States")
    );
}

#[test]
fn latin_kickers_link_to_devanagari_names() {
    let blocks = vec![Block::text(
        BlockType::Paragraph,
        "रूस के राष्ट्रपति व्लादिमीर पुतिन ने उत्तर कोरिया के नेता किम जोंग उन से मुलाकात की.",
    )];
    let kickers = vec!["Putin Kim Jong Meeting".to_string()];
    let e = extract_entities(
        "पुतिन और किम की मुलाकात",
        None,
        &kickers,
        &blocks,
        None,
        &EntityDictionary::empty(),
    );
    let putin = find(&e, "Putin").expect("Putin linked");
    assert_eq!(putin.name, "व्लादिमीर पुतिन");
    assert!(putin
        .surface_forms
        .iter()
        .any(|f| f.text == "पुतिन" && f.script == "Deva"));
    assert!(putin
        .surface_forms
        .iter()
        .any(|f| f.text == "Putin" && f.script == "Latn"));
    assert_eq!(find(&e, "Kim Jong").unwrap().name, "किम जोंग उन");
    assert!(find(&e, "Meeting").is_none());
    // Russia and North Korea come from the gazetteer: linked to their English names' keys.
    assert_eq!(find(&e, "रूस").unwrap().key, transliteration_key("Russia"));
}

#[test]
fn dictionary_matches_aliases_in_both_scripts() {
    let dictionary = EntityDictionary::new(vec![
        DictionaryEntry {
            id: "ent_modi".into(),
            name: "Narendra Modi".into(),
            kind: EntityType::Person,
            aliases: vec!["नरेंद्र मोदी".into(), "मोदी".into(), "Modi".into()],
        },
        DictionaryEntry {
            id: "ent_isro".into(),
            name: "ISRO".into(),
            kind: EntityType::Organization,
            aliases: vec!["इसरो".into()],
        },
    ]);
    let e = extract(
        "मोदी ने इसरो का दौरा किया",
        &["Prime Minister Modi visited ISRO on Monday. नरेंद्र मोदी ने वैज्ञानिकों से बात की."],
        &dictionary,
    );
    let modi = find(&e, "मोदी").unwrap();
    assert_eq!(modi.name, "Narendra Modi");
    assert_eq!(modi.dictionary_id.as_deref(), Some("ent_modi"));
    assert_eq!(modi.mentions, 3);
    assert!(find(&e, "नरेंद्र मोदी").is_some_and(|x| x.dictionary_id.as_deref() == Some("ent_modi")));
    let isro = find(&e, "इसरो").unwrap();
    assert_eq!(isro.kind, EntityType::Organization);
    assert!(isro.surface_forms.iter().any(|f| f.text == "ISRO"));
    // Word boundaries: an alias inside a longer word is not a match.
    let e = extract("Modification of rules", &["मोदीनगर की खबर"], &dictionary);
    assert!(e.iter().all(|x| x.dictionary_id.is_none()), "{e:#?}");
    assert!(EntityDictionary::empty().is_empty());
}

#[test]
fn ambiguous_short_forms_are_not_linked() {
    let e = extract(
        "उत्तर कोरिया की खबर",
        &["तानाशाह किम जोंग उन और उनकी बहन नेता किम यो जोंग ने बैठक की. किम ने कहा कि बैठक अच्छी रही."],
        &EntityDictionary::empty(),
    );
    assert!(find(&e, "किम जोंग उन").is_some());
    assert!(find(&e, "किम यो जोंग").is_some());
    assert!(find(&e, "किम").is_none(), "{e:#?}");
}

#[test]
fn empty_input_gives_no_entities() {
    assert!(extract("", &[], &EntityDictionary::empty()).is_empty());
    assert!(extract("   ", &["..."], &EntityDictionary::empty()).is_empty());
}

const PUTIN_KIM_EN: [&str; 4] = [
    "Putin hosts Kim Jong Un at a remote spaceport",
    "Russian President Vladimir Putin welcomed North Korea's leader Kim Jong Un at the Vostochny Cosmodrome on Wednesday.",
    "Putin said the two countries would deepen their ties, while Kim promised full support, according to the Kremlin.",
    "The meeting worried officials in Washington and Seoul, who fear an arms deal between the two neighbours.",
];

fn dump(e: &[ExtractedEntity]) -> String {
    e.iter()
        .map(|x| {
            let forms: Vec<&str> = x.surface_forms.iter().map(|f| f.text.as_str()).collect();
            format!("{:?} {} {:?}\n", x.kind, x.name, forms)
        })
        .collect()
}

#[test]
fn english_article_end_to_end() {
    let e = extract(
        PUTIN_KIM_EN[0],
        &PUTIN_KIM_EN[1..],
        &EntityDictionary::empty(),
    );
    let d = dump(&e);
    println!("{d}");
    let putin = find(&e, "Vladimir Putin").expect(&d);
    assert_eq!(putin.kind, EntityType::Person, "{d}");
    assert_eq!(putin.name, "Vladimir Putin", "{d}");
    assert!(
        find(&e, "Putin").is_some_and(|p| std::ptr::eq(p, putin)),
        "{d}"
    );
    for (form, want) in [
        ("Kim Jong Un", EntityType::Person),
        ("North Korea", EntityType::Place),
        ("Vostochny Cosmodrome", EntityType::Place),
        ("Washington", EntityType::Place),
        ("Seoul", EntityType::Place),
        ("Kremlin", EntityType::Organization),
    ] {
        assert_eq!(kind_of(&e, form), Some(want), "{form}: {d}");
    }
    // "Kim" alone is Kim Jong Un.
    assert!(
        find(&e, "Kim").is_some_and(|k| k.name == "Kim Jong Un"),
        "{d}"
    );
    assert!(
        !e.iter().any(|x| x.name.contains("Russian")
            || x.name.contains("Wednesday")
            || x.surface_forms.iter().any(|f| f.text.contains("Russian"))),
        "{d}"
    );
}

#[test]
fn sentence_initial_run_with_nationality_and_title() {
    let e = extract("", &[PUTIN_KIM_EN[1]], &EntityDictionary::empty());
    let d = dump(&e);
    for (form, want) in [
        ("Vladimir Putin", EntityType::Person),
        ("Kim Jong Un", EntityType::Person),
        ("North Korea", EntityType::Place),
        ("Vostochny Cosmodrome", EntityType::Place),
    ] {
        assert_eq!(kind_of(&e, form), Some(want), "{form}: {d}");
    }
    // The possessive "'s" is not part of the name.
    assert!(find(&e, "North Korea's").is_none(), "{d}");
    assert!(
        !e.iter().any(|x| x.name.contains("Russian")
            || x.name.contains("Wednesday")
            || x.name.contains("President")),
        "{d}"
    );
    assert_eq!(e.len(), 4, "{d}");
}

#[test]
fn sentence_initial_surname_in_a_title() {
    let e = extract(PUTIN_KIM_EN[0], &[], &EntityDictionary::empty());
    let d = dump(&e);
    // Alone in a title nothing says which kind of name "Putin" is; in an article the full
    // name gives it its type (`english_article_end_to_end`).
    assert!(find(&e, "Putin").is_some(), "{d}");
    assert_eq!(kind_of(&e, "Kim Jong Un"), Some(EntityType::Person), "{d}");
    // Common capitalized words that open a sentence are still not names.
    let e = extract(
        "Officials say talks will resume",
        &["Meanwhile the talks went on. Several diplomats left early. However nothing changed."],
        &EntityDictionary::empty(),
    );
    assert!(e.is_empty(), "{}", dump(&e));
}

#[test]
fn seats_of_government_are_organizations() {
    for text in [
        "The statement came from the Kremlin on Monday.",
        "Kremlin says the talks went well.",
    ] {
        let e = extract("", &[text], &EntityDictionary::empty());
        assert_eq!(
            kind_of(&e, "Kremlin"),
            Some(EntityType::Organization),
            "{text}: {}",
            dump(&e)
        );
    }
}

#[test]
fn demonyms_are_not_entities() {
    let e = extract(
        "",
        &["The North Korean leader met Russian officials, and South Korean and American diplomats watched."],
        &EntityDictionary::empty(),
    );
    let d = dump(&e);
    for form in [
        "North Korean",
        "Russian",
        "South Korean",
        "American",
        "The North Korean",
    ] {
        assert!(find(&e, form).is_none(), "{form}: {d}");
    }
    // A demonym before a name does not hide the name.
    let e = extract(
        "",
        &["Meanwhile North Korean leader Kim Jong Un arrived, and French President Emmanuel Macron spoke."],
        &EntityDictionary::empty(),
    );
    let d = dump(&e);
    assert_eq!(kind_of(&e, "Kim Jong Un"), Some(EntityType::Person), "{d}");
    assert_eq!(
        kind_of(&e, "Emmanuel Macron"),
        Some(EntityType::Person),
        "{d}"
    );
    assert_eq!(e.len(), 2, "{d}");
}

#[test]
fn script_counts_agree_with_the_character_test() {
    let by_chars = |text: &str| {
        let (mut latin, mut deva) = (0, 0);
        for c in text.chars() {
            match super::text::script_of_char(c) {
                Some(super::Script::Latin) => latin += 1,
                Some(super::Script::Devanagari) => deva += 1,
                _ => {}
            }
        }
        (latin, deva)
    };
    for c in ('\u{0}'..='\u{3000}').chain(['\u{200C}', '😀']) {
        let text = format!("a{c}क{c}।");
        let counted = super::text::count_letters(&text);
        assert_eq!(counted.1, by_chars(&text), "{text:?}");
        assert_eq!(counted.0, text.chars().count(), "{text:?}");
    }
}

#[test]
fn spelled_acronyms_use_every_letter_name() {
    let lex = &*super::LEXICON;
    assert!(lex.is_spelled_acronym("बीबीसी"));
    assert!(!lex.is_spelled_acronym("पुतिन"));
}

#[test]
fn indian_places_spelling_variants_landmarks_and_longer_names() {
    let e = extract(
        "",
        &[
            "पंचकूला और मुंगेर में बारिश हुई. दिल्ली पुलिस ने बताया कि बिहार सरकार ने \
             बिड़ला मंदिर के पास जांच की. जबकि पुलिस ने कुछ नहीं कहा.",
        ],
        &EntityDictionary::empty(),
    );
    let d = dump(&e);
    let table = [
        ("पंचकूला", Some(EntityType::Place)),
        ("मुंगेर", Some(EntityType::Place)),
        ("दिल्ली पुलिस", Some(EntityType::Organization)),
        ("बिहार सरकार", Some(EntityType::Organization)),
        ("बिड़ला मंदिर", Some(EntityType::Place)),
        ("जबकि पुलिस", None),
    ];
    for (form, want) in table {
        assert_eq!(kind_of(&e, form), want, "{form}: {d}");
    }
}

#[test]
fn speech_frames_make_the_speaker_a_person() {
    // Synthetic sentences: who speaks before "ने कहा" / "का कहना" is a person; an organization
    // word, a title or a common word before the frame is not.
    let e = extract(
        "बैठक के बाद बयान",
        &[
            "बैठक के बाद रमेश तिवारी ने कहा कि काम जल्द पूरा होगा. \
             सुनीता वर्मा का कहना है कि फैसला सही है.",
            "नगर निगम ने बताया कि सड़क बंद रहेगी. मंत्री ने कहा कि जांच होगी. \
             लोगों ने कहा कि पानी नहीं आया. विश्लेषकों का कहना है कि दाम बढ़ेंगे. \
             झारखंड सरकार ने कहा कि वेतन मिलेगा. सीबीआई ने बताया कि जांच जारी है. \
             फाइनल में प्रिया सेन ने पहला इनाम जीता.",
            "मंत्री ने एक संवाददाता सम्मेलन में कहा कि 36 उम्मीदवार मैदान में हैं. \
             गंगा एक प्रमुख नदी है.",
        ],
        &EntityDictionary::empty(),
    );
    let table = [
        ("रमेश तिवारी", Some(EntityType::Person)),
        ("सुनीता वर्मा", Some(EntityType::Person)),
        ("प्रिया सेन", Some(EntityType::Person)),
        ("लोगों", None),
        ("मंत्री", None),
        ("विश्लेषकों", None),
        ("सम्मेलन", None),
        ("मैदान", None),
        ("नदी", None),
        ("सीबीआई", Some(EntityType::Organization)),
    ];
    for (form, want) in table {
        assert_eq!(kind_of(&e, form), want, "{form}: {e:#?}");
    }
    assert!(
        e.iter().all(|x| x.kind != EntityType::Person
            || x.surface_forms
                .iter()
                .all(|f| !f.text.contains("निगम") && !f.text.contains("सरकार"))),
        "{e:#?}"
    );
}

#[test]
fn official_designations_and_honorifics_before_a_name() {
    // One sentence per class of the title list: police rank, local office, army rank,
    // religious title, presiding officer, former office, English forms of address.
    let e = extract(
        "जांच के आदेश",
        &[
            "थाना प्रभारी अजय कुमार मौके पर पहुंचे. ग्राम प्रधान कमला देवी भी वहां थीं. \
             कर्नल विक्रम सिंह ने जानकारी दी. स्वामी हरिदास ने प्रवचन दिया. \
             लोकसभा अध्यक्ष ओम बिरला और पूर्व मुख्यमंत्री रघुवर दास बैठक में थे.",
        ],
        &EntityDictionary::empty(),
    );
    let table = [
        ("अजय कुमार", Some(EntityType::Person)),
        ("कमला देवी", Some(EntityType::Person)),
        ("विक्रम सिंह", Some(EntityType::Person)),
        ("हरिदास", Some(EntityType::Person)),
        ("ओम बिरला", Some(EntityType::Person)),
        ("रघुवर दास", Some(EntityType::Person)),
        ("थाना प्रभारी", None),
        ("ग्राम प्रधान", None),
        ("कर्नल", None),
    ];
    for (form, want) in table {
        assert_eq!(kind_of(&e, form), want, "{form}: {e:#?}");
    }
    let e = extract(
        "Hearing adjourned",
        &[
            "The hearing was led by Chief Justice Maria Olsen. Reverend Thomas Gale and \
           Sgt. Ana Ruiz spoke after Attorney General Peter Lund.",
        ],
        &EntityDictionary::empty(),
    );
    for form in ["Maria Olsen", "Thomas Gale", "Ana Ruiz", "Peter Lund"] {
        assert_eq!(
            kind_of(&e, form),
            Some(EntityType::Person),
            "{form}: {e:#?}"
        );
    }
    for form in ["Chief Justice", "Reverend", "Attorney General"] {
        assert_eq!(kind_of(&e, form), None, "{form}: {e:#?}");
    }
}

/// Checks each (surface form, expected type) of `table` against `e`; `None`: no entity has the form.
fn check_table(e: &[ExtractedEntity], table: &[(&str, Option<EntityType>)]) {
    for (form, want) in table {
        assert_eq!(kind_of(e, form), *want, "{form}: {}", dump(e));
    }
}

#[test]
fn time_zones_units_vehicle_classes_and_months_are_not_names() {
    let e = extract(
        "Carmaker recalls SUVs",
        &[
            "The SUV and two EVs with 512 GB of storage and a 3.8 GHz chip go on sale at 9 a.m. EST \
             in March, the company said at 14:00 GMT on Friday. Analyst Maria Lopez of Toyota said CEOs \
             expect more PHEVs.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("SUVs", None),
            ("SUV", None),
            ("EVs", None),
            ("PHEVs", None),
            ("GB", None),
            ("GHz", None),
            ("EST", None),
            ("GMT", None),
            ("March", None),
            ("Friday", None),
            ("CEOs", None),
            ("Toyota", Some(EntityType::Organization)),
        ],
    );
}

#[test]
fn dotted_abbreviations_keep_their_final_period_and_initials_stay_in_names() {
    let e = extract(
        "Study",
        &[
            "Researchers in the U.S. and in Washington, D.C. met. Noah A. Smith led the work \
             with J. K. Rowling in London.",
        ],
        &EntityDictionary::empty(),
    );
    assert!(find(&e, "U.S.").is_some(), "{}", dump(&e));
    assert!(find(&e, "U.S").is_none(), "{}", dump(&e));
    assert!(find(&e, "D.C.").is_some(), "{}", dump(&e));
    check_table(
        &e,
        &[
            ("Noah A. Smith", Some(EntityType::Person)),
            ("J. K. Rowling", Some(EntityType::Person)),
            ("London", Some(EntityType::Place)),
        ],
    );
}

#[test]
fn names_joined_by_and_by_hyphens_and_apostrophes_are_whole() {
    let e = extract(
        "Regulators act",
        &[
            "The Securities and Exchange Commission fined the firm, and actor Josh O'Connor met \
             Anna Sztyber-Betley and Farah Al-Ibrahim in Winston-Salem.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            (
                "Securities and Exchange Commission",
                Some(EntityType::Organization),
            ),
            ("Exchange Commission", None),
            ("Josh O'Connor", Some(EntityType::Person)),
            ("Anna Sztyber-Betley", Some(EntityType::Person)),
            ("Farah Al-Ibrahim", Some(EntityType::Person)),
        ],
    );
}

#[test]
fn job_titles_are_not_names_and_an_organization_after_of_is_kept() {
    let e = extract(
        "Hiring",
        &[
            "Priya Raman, VP of Platform Engineering at the firm, spoke. Amr Awadallah, CEO of \
             Vectara, agreed, and CFO Jane Doe said nothing.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("VP of Platform Engineering", None),
            ("Platform Engineering", None),
            ("Vectara", Some(EntityType::Organization)),
            ("Jane Doe", Some(EntityType::Person)),
        ],
    );
}

#[test]
fn a_company_named_without_its_legal_form_is_the_same_entity() {
    let e = extract(
        "SoftBank sells stake",
        &["SoftBank Group Corp said on Monday it sold the stake. SoftBank had bought it in 2017."],
        &EntityDictionary::empty(),
    );
    let full = find(&e, "SoftBank Group Corp").expect("full name");
    assert_eq!(full.kind, EntityType::Organization);
    assert!(
        full.surface_forms.iter().any(|f| f.text == "SoftBank"),
        "{}",
        dump(&e)
    );
    assert_eq!(
        e.iter()
            .filter(|x| x.surface_forms.iter().any(|f| f.text == "SoftBank"))
            .count(),
        1,
        "{}",
        dump(&e)
    );
}

#[test]
fn title_case_lines_and_sentence_initial_common_words_make_no_names() {
    let e = extract(
        "Enterprise Claims Victory In Competitive Car Rental Market",
        &[
            "Architecture matters, the report said.",
            "Study Reveals Benefits Of Counter-Free Rental Experience",
            "Times change. The Los Angeles Times reported that Jasmine Chang won.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("Enterprise Claims Victory", None),
            ("Competitive Car Rental Market", None),
            ("Architecture", None),
            ("Study Reveals Benefits", None),
            ("Times", None),
            ("Los Angeles Times", Some(EntityType::Organization)),
            ("Jasmine Chang", Some(EntityType::Person)),
        ],
    );
}

#[test]
fn runs_are_typed_by_given_names_common_words_and_brand_spelling() {
    let e = extract(
        "Deals",
        &[
            "The firm bought Prompt Security and Nozomi Networks, and PayPal and Dataminr \
             invested, said Hunter Wimmer. Piarul Islam of Phulbari grows beans. Boston \
             University and the University of Toronto joined.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("Prompt Security", Some(EntityType::Organization)),
            ("PayPal", Some(EntityType::Organization)),
            ("Dataminr", Some(EntityType::Organization)),
            ("Hunter Wimmer", Some(EntityType::Person)),
            ("Piarul Islam", Some(EntityType::Person)),
            ("Piarul Islam of Phulbari", None),
            ("Boston University", Some(EntityType::Organization)),
            ("University of Toronto", Some(EntityType::Organization)),
        ],
    );
}

#[test]
fn towns_of_english_speaking_countries_are_places() {
    let e = extract(
        "Weather",
        &[
            "Storms moved from Greensboro toward Greenville on Tuesday, and schools in Miami \
             closed. Andrew Jackson Reading Club members met.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("Greensboro", Some(EntityType::Place)),
            ("Greenville", Some(EntityType::Place)),
            ("Miami", Some(EntityType::Place)),
            // A town spelled like a given name or a common word is not claimed.
            ("Jackson", None),
            ("Reading", None),
        ],
    );
}

#[test]
fn acronyms_used_as_common_nouns_are_not_names() {
    let e = extract(
        "Security notes",
        &[
            "The module exploits two CVEs. Every image ships an SBOM and a signature. The SBOM \
             lists CVE numbers. An FBI agent said the NIH and the FDA were told.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("CVEs", None),
            ("CVE", None),
            ("SBOM", None),
            ("FBI", Some(EntityType::Organization)),
            ("NIH", Some(EntityType::Organization)),
            ("FDA", Some(EntityType::Organization)),
        ],
    );
}

#[test]
fn a_month_that_is_a_given_name_opens_a_name_before_a_surname() {
    let e = extract(
        "Paper",
        &[
            "The paper by Jan Kowalczyk came out on Jan 5, and in Jan the team met. June Whitfield \
             spoke in June.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("Jan Kowalczyk", Some(EntityType::Person)),
            ("June Whitfield", Some(EntityType::Person)),
            ("Jan", None),
            ("June", None),
        ],
    );
}

#[test]
fn police_ranks_and_clergy_before_a_name_make_a_person() {
    let e = extract(
        "Town news",
        &[
            "Police said Officer Dana Kowalski found the car. Trooper Mia Olsen and Pastor Ruth \
             Abernathy were there.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("Dana Kowalski", Some(EntityType::Person)),
            ("Mia Olsen", Some(EntityType::Person)),
            ("Ruth Abernathy", Some(EntityType::Person)),
            ("Officer Dana Kowalski", None),
        ],
    );
}

#[test]
fn public_holidays_are_not_names() {
    let e = extract(
        "Shops",
        &[
            "Sales rose before Christmas and fell after Boxing Day, Walmart said. Stores close \
             on Memorial Day and Thanksgiving Day.",
        ],
        &EntityDictionary::empty(),
    );
    check_table(
        &e,
        &[
            ("Christmas", None),
            ("Boxing Day", None),
            ("Memorial Day", None),
            ("Thanksgiving Day", None),
            ("Walmart", Some(EntityType::Organization)),
        ],
    );
}
