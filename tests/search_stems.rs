//! Search that understands words (issue 21): a plain word finds the other forms of its word
//! (English by Snowball stems, Hindi by its plural and oblique endings), a quoted phrase or word
//! only the text as written, and nothing guesses at misspellings. On both backends, and on a
//! database stored before the index held stems. Every query with a letter or a digit is answered.

mod common;

use common::{spawn_app, spawn_on, FIXTURE};
use serde_json::{json, Value};

const FLOODING: &str = "Flooding closes the coastal road for a second day\n\
    Water covered the coastal road again on Tuesday after heavy rain, and the county kept it \
    closed to traffic. Engineers said the drains near the harbour could not carry the water away \
    and that repairs would take at least a week, while buses used the inland route.";
const FLOOD: &str = "Farmers count the cost of the spring flood\n\
    A flood in the spring left the low fields under water for a month, and farmers in the valley \
    say the harvest will be late. The regional office has opened a fund for repairs to barns and \
    fences, and volunteers are clearing mud from the lanes this weekend.";
const UNRELATED: &str = "Library extends its opening hours in the winter\n\
    The central library will stay open until nine in the evening from December, the council \
    said, after readers asked for more time to study. The reading room gets new lamps and the \
    children's corner a weekly story hour on Saturday mornings.";
/// Hindi with only the direct forms किसान (farmer) and फसल (crop).
const KISAN: &str = "गांव के किसान ने इस साल नई फसल उगाई\n\
    पिछले साल गांव के एक किसान ने अपने खेत में नई किस्म की फसल उगाई और अच्छी पैदावार ली। \
    उसने बताया कि बारिश समय पर हुई और मिट्टी की जांच के बाद खाद का सही इस्तेमाल किया गया। \
    जिले के कृषि अधिकारी ने खेत का दौरा किया और कहा कि यह तरीका आसपास के इलाके में भी अपनाया जाएगा।";

fn count(body: &Value) -> usize {
    body["data"].as_array().map_or(0, Vec::len)
}

fn titles(body: &Value) -> Vec<String> {
    let mut titles: Vec<String> = body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str().map(str::to_owned))
        .collect();
    titles.sort();
    titles
}

common::backends!(plain_words_find_their_other_forms_and_phrases_stay_exact);
async fn plain_words_find_their_other_forms_and_phrases_stay_exact() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    for text in [FLOODING, FLOOD, UNRELATED, KISAN, FIXTURE] {
        let response = app.ingest_json(&editor, &json!({ "text": text })).await;
        assert_eq!(response.status(), 201, "{text}");
    }
    // English: `floods` finds the flooding and the flood, not the library.
    let floods = app.get_json("/v1/articles?q=floods").await;
    assert_eq!(
        titles(&floods),
        [
            "Farmers count the cost of the spring flood",
            "Flooding closes the coastal road for a second day",
        ],
        "{floods}"
    );
    assert_eq!(count(&app.get_json("/v1/articles?q=flooded").await), 2);
    // Quoted, a word or phrase is the text as written.
    assert_eq!(count(&app.get_json("/v1/articles?q=%22floods%22").await), 0);
    assert_eq!(count(&app.get_json("/v1/articles?q=%22flood%22").await), 1);
    assert_eq!(
        count(&app.get_json("/v1/articles?q=%22spring%20flood%22").await),
        1
    );
    assert_eq!(
        count(&app.get_json("/v1/articles?q=%22spring%20floods%22").await),
        0
    );
    // Prefixes are the text as written too.
    assert_eq!(count(&app.get_json("/v1/articles?q=flood*").await), 2);
    assert_eq!(count(&app.get_json("/v1/articles?q=floodi*").await), 1);
    // Exclusions go by stems.
    assert_eq!(
        count(&app.get_json("/v1/articles?q=water%20-floods").await),
        0
    );

    // Hindi: the oblique plural किसानों and फसलों find the article with किसान and फसल only.
    for q in ["किसानों", "फसलों", "फसलें", "किसान"] {
        let hits = app.get_json(&format!("/v1/articles?q={q}")).await;
        assert_eq!(
            titles(&hits),
            ["गांव के किसान ने इस साल नई फसल उगाई"],
            "q={q}: {hits}"
        );
    }
    assert_eq!(count(&app.get_json("/v1/articles?q=%22किसानों%22").await), 0);
    // No fuzzy matching: a vowel sign apart is another word.
    assert_eq!(count(&app.get_json("/v1/articles?q=पुतिन").await), 1);
    assert_eq!(count(&app.get_json("/v1/articles?q=पातिन").await), 0);
    app.stop().await;
}

common::backends!(articles_stored_before_the_stems_are_found_by_them_after_the_upgrade);
async fn articles_stored_before_the_stems_are_found_by_them_after_the_upgrade() {
    let mut app = spawn_app().await;
    let editor = app.editor().await;
    for text in [FLOODING, KISAN] {
        let response = app.ingest_json(&editor, &json!({ "text": text })).await;
        assert_eq!(response.status(), 201);
    }
    let config = app.state.config.as_ref().clone();
    let database = app.database.clone();
    let dir = std::mem::replace(&mut app.dir, tempfile::tempdir().unwrap());
    app.stop().await;

    // The database as the release before the stems left it: the index of the text as written.
    match &database {
        None => {
            let conn = rusqlite::Connection::open(dir.path().join("newsdesk.db")).unwrap();
            for undo in [
                include_str!("../bench/undo_0012.sql"),
                include_str!("../bench/undo_0011.sql"),
                include_str!("../bench/undo_0009.sql"),
            ] {
                conn.execute_batch(undo).unwrap();
            }
            let exact: i64 = conn
                .query_row(
                    "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'flooding'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            let stemmed: i64 = conn
                .query_row(
                    "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'flood'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!((exact, stemmed), (1, 0));
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::raw_sql(include_str!("../bench/undo_postgres_0005.sql"))
                .execute(&mut conn)
                .await
                .unwrap();
            let stemmed: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM articles WHERE search @@ '''~flood'''::tsquery \
                 OR search @@ '''~किसान'''::tsquery",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap();
            assert_eq!(stemmed, 0);
            conn.close().await.unwrap();
        }
    }

    // Opening it migrates and indexes the stored articles' stems before serving.
    let upgraded = spawn_on(config, dir, database, axum::Router::new()).await;
    assert_eq!(count(&upgraded.get_json("/v1/articles?q=floods").await), 1);
    assert_eq!(count(&upgraded.get_json("/v1/articles?q=किसानों").await), 1);
    assert_eq!(
        count(&upgraded.get_json("/v1/articles?q=%22flooding%22").await),
        1
    );
    assert_eq!(upgraded.state.store.integrity_check().await.unwrap(), "ok");
    // Opening again finds nothing left to index, and writes go on as before.
    let editor = upgraded.editor().await;
    let response = upgraded
        .ingest_json(&editor, &json!({ "text": FLOOD }))
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(count(&upgraded.get_json("/v1/articles?q=floods").await), 2);
    upgraded.stop().await;
}

// Every query the document allows is answered: `OR` alone is the word, a search of exclusions
// only lists every article without them (newest first, with time cursors), and a prefix too
// short to be one is the word as written.
common::backends!(every_search_with_a_letter_is_answered);
async fn every_search_with_a_letter_is_answered() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    for text in [FLOODING, FLOOD, UNRELATED, KISAN] {
        let response = app.ingest_json(&editor, &json!({ "text": text })).await;
        assert_eq!(response.status(), 201, "{text}");
    }
    // Exclusions by stems, in any script; no ranking, so no relevance cursor either.
    let without = app.get_json("/v1/articles?q=-floods").await;
    assert_eq!(
        titles(&without),
        [
            "Library extends its opening hours in the winter",
            "गांव के किसान ने इस साल नई फसल उगाई",
        ],
        "{without}"
    );
    let pages = app
        .get_json("/v1/articles?q=-floods%20-किसानों&limit=1")
        .await;
    assert_eq!(
        titles(&pages),
        ["Library extends its opening hours in the winter"],
        "{pages}"
    );
    assert_eq!(
        count(&app.get_json("/v1/articles?q=-floods&sort=relevance").await),
        2
    );
    let newest = app.get_json("/v1/articles?limit=1&q=-nosuchword").await;
    let next = newest["next_cursor"].as_str().expect("a cursor").to_owned();
    let second = app
        .get_json(&format!("/v1/articles?limit=1&q=-nosuchword&cursor={next}"))
        .await;
    assert_eq!(count(&second), 1, "{second}");
    assert_ne!(second["data"][0]["id"], newest["data"][0]["id"]);
    // `OR` with nothing before it is the word; a one-letter prefix is the word as written.
    let or = app
        .client
        .get(app.url("/v1/articles?q=OR"))
        .send()
        .await
        .unwrap();
    assert_eq!(or.status(), 200);
    // (`a` stands in the three English articles, not in the Hindi one.)
    assert_eq!(count(&app.get_json("/v1/articles?q=a*").await), 3);
    assert_eq!(count(&app.get_json("/v1/articles?q=a*%20flood").await), 2);
    // The feeds take the same searches.
    let feed = app
        .client
        .get(app.url("/v1/feed.json?q=-floods"))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    let feed: Value = feed.json().await.unwrap();
    assert_eq!(feed["items"].as_array().map(Vec::len), Some(2), "{feed}");
    app.stop().await;
}
