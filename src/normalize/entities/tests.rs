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
