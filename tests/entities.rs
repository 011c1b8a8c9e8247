//! Entity extraction measured on real articles: the ABP Live fixture, ten hand-annotated Hindi
//! and 29 hand-annotated English dev-set articles, 21 to fit and 8 to check
//! (tests/fixtures/entities/README.md).

use std::collections::HashSet;
use std::path::Path;

use newsdesk::normalize::{
    extract_entities, Block, BlockType, EntityDictionary, EntityType, ExtractedEntity,
};
use serde_json::Value;

fn fixture_path(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn kind(s: &str) -> EntityType {
    EntityType::parse(s).expect("entity type")
}

/// The fixture's parts, built by hand from its `must` fields (the normalizer is not used here).
fn fixture_entities() -> (Vec<ExtractedEntity>, Value) {
    let raw = std::fs::read_to_string(fixture_path("abplive-putin-kim.txt")).unwrap();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture_path("abplive-putin-kim.expected.json")).unwrap(),
    )
    .unwrap();
    let title = raw.lines().next().unwrap();
    let must = &expected["must"];
    let summary = must["summary"].as_str().unwrap();
    let blocks: Vec<Block> = must["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            Block::text(
                BlockType::parse(b["type"].as_str().unwrap()).unwrap(),
                b["text"].as_str().unwrap(),
            )
        })
        .collect();
    let kickers = vec![
        "Putin Kim Jong Meeting".to_string(),
        "Putin-Kim Jong Gift Guns".to_string(),
    ];
    let alt = "Vladimir Putin and Kim Jong Un Gifted each other rifles hold hands for 40 second";
    let entities = extract_entities(
        title,
        Some(summary),
        &kickers,
        &blocks,
        Some(alt),
        &EntityDictionary::empty(),
    );
    (entities, expected)
}

fn has_form(e: &ExtractedEntity, alias: &str) -> bool {
    e.surface_forms.iter().any(|f| f.text == alias)
}

#[test]
fn fixture_entities_meet_the_bar() {
    let (entities, expected) = fixture_entities();
    for e in &entities {
        let forms: Vec<&str> = e.surface_forms.iter().map(|f| f.text.as_str()).collect();
        println!(
            "{:?}\t{}\t{:?}\tkey={} m={} pos={} sal={}",
            e.kind, e.name, forms, e.key, e.mentions, e.first_position, e.salience
        );
    }
    let should = &expected["should"];
    let wanted = should["entities"].as_array().unwrap();
    let mut hits = 0;
    for w in wanted {
        let k = kind(w["type"].as_str().unwrap());
        let aliases: Vec<&str> = w["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let found = entities
            .iter()
            .any(|e| e.kind == k && aliases.iter().any(|a| has_form(e, a)));
        if found {
            hits += 1;
        } else {
            println!("missed: {aliases:?}");
        }
    }
    let matched_any = |e: &ExtractedEntity| {
        wanted.iter().any(|w| {
            w["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| has_form(e, a.as_str().unwrap()))
                && e.kind == kind(w["type"].as_str().unwrap())
        })
    };
    let tp = entities.iter().filter(|e| matched_any(e)).count();
    println!(
        "fixture: recall {hits}/{} = {:.3}, precision {tp}/{} = {:.3}",
        wanted.len(),
        hits as f64 / wanted.len() as f64,
        entities.len(),
        tp as f64 / entities.len().max(1) as f64
    );
    assert!(
        hits >= 10,
        "only {hits} of {} expected entities",
        wanted.len()
    );

    for bad in should["not_entities"].as_array().unwrap() {
        let bad = bad.as_str().unwrap();
        assert!(
            !entities.iter().any(|e| has_form(e, bad) || e.name == bad),
            "{bad} must not be an entity"
        );
    }

    for (deva, latin) in [("पुतिन", "Putin"), ("किम जोंग उन", "Kim Jong")]
    {
        let with: Vec<&ExtractedEntity> = entities
            .iter()
            .filter(|e| has_form(e, deva) || has_form(e, latin))
            .collect();
        assert_eq!(
            with.len(),
            1,
            "{deva}/{latin} must be exactly one entity: {with:?}"
        );
        let e = with[0];
        assert_eq!(e.kind, EntityType::Person);
        let scripts: HashSet<&str> = e.surface_forms.iter().map(|f| f.script.as_str()).collect();
        assert!(
            scripts.contains("Deva") && scripts.contains("Latn"),
            "{e:?} must carry both scripts"
        );
    }
}

/// Micro precision and recall over the annotated dev-set articles whose file names start with
/// `prefix` but not with `except` (`hi-`: ten Hindi articles; `en-` but not `en-check-`: the
/// English fitting set; `en-check-`: the English checking set).
fn annotated_scores(prefix: &str, except: &str, expected_articles: usize) -> (f64, f64) {
    let dir = fixture_path("entities");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            n.starts_with(prefix)
                && (except.is_empty() || !n.starts_with(except))
                && n.ends_with(".json")
        })
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        expected_articles,
        "annotated {prefix} articles"
    );
    let (mut tp_pred, mut n_pred, mut tp_gold, mut n_gold) = (0, 0, 0, 0);
    for name in names {
        let gold: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
        let text = std::fs::read_to_string(dir.join(name.replace(".json", ".txt"))).unwrap();
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let title = lines.next().unwrap();
        let blocks: Vec<Block> = lines
            .map(|l| Block::text(BlockType::Paragraph, l))
            .collect();
        let predicted =
            extract_entities(title, None, &[], &blocks, None, &EntityDictionary::empty());
        let gold: Vec<(EntityType, Vec<String>)> = gold["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    kind(e["type"].as_str().unwrap()),
                    e["aliases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_string())
                        .collect(),
                )
            })
            .collect();
        let matches = |p: &ExtractedEntity, g: &(EntityType, Vec<String>)| {
            p.kind == g.0 && g.1.iter().any(|a| has_form(p, a))
        };
        for p in &predicted {
            n_pred += 1;
            if gold.iter().any(|g| matches(p, g)) {
                tp_pred += 1;
            } else {
                println!("{name}: false positive {:?} {}", p.kind, p.name);
            }
        }
        for g in &gold {
            n_gold += 1;
            if predicted.iter().any(|p| matches(p, g)) {
                tp_gold += 1;
            } else {
                println!("{name}: missed {:?} {:?}", g.0, g.1);
            }
        }
    }
    let precision = tp_pred as f64 / n_pred.max(1) as f64;
    let recall = tp_gold as f64 / n_gold.max(1) as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    println!("annotated {prefix} dev set: precision {tp_pred}/{n_pred} = {precision:.3}, recall {tp_gold}/{n_gold} = {recall:.3}, typed F1 {f1:.3}");
    (precision, recall)
}

#[test]
fn annotated_hindi_articles_precision_and_recall() {
    let (precision, recall) = annotated_scores("hi-", "", 10);
    // Measured: precision 96/102 = 0.941, recall 96/102 = 0.941 (96/101 before the tagger kept
    // spans of words unread in its training, whose one wrong entity here is "बाल्तिस्तान" of
    // the annotated "गिलगित-बाल्तिस्तान"; 94/100 and 94/102 before the tagger; 94/98 before the speech
    // frames, which take "अखबार ने बताया" and "संक्रमित मरीज ने" for persons; before the Indian gazetteer and
    // landmark words: 90/94 = 0.957, 90/102 = 0.882).
    assert!(
        precision >= 0.93,
        "precision {precision:.3} fell below the floor"
    );
    assert!(recall >= 0.85, "recall {recall:.3} fell below the floor");
}

#[test]
fn annotated_english_articles_precision_and_recall() {
    // The five aeb articles and sixteen WCXB news pages of the fitting half (`en-` but not
    // `en-check-`). Measured: see BENCHMARKS.md, "2026-12-07 — English entities (issue 18)".
    let (precision, recall) = annotated_scores("en-", "en-check-", 21);
    assert!(
        precision >= 0.53,
        "precision {precision:.3} fell below the floor"
    );
    assert!(recall >= 0.73, "recall {recall:.3} fell below the floor");
}

#[test]
fn annotated_english_check_articles_precision_and_recall() {
    // Eight English news pages from the checking half of WCXB (tools/wcxb_halves.py), annotated
    // like the fitting ones and never used to write a rule.
    let (precision, recall) = annotated_scores("en-check-", "", 8);
    assert!(
        precision >= 0.47,
        "precision {precision:.3} fell below the floor"
    );
    assert!(recall >= 0.63, "recall {recall:.3} fell below the floor");
}
