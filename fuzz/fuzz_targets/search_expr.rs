//! What readers type in `q`: the parser never panics, and every expression it renders is valid
//! FTS5 that SQLite runs without error against the real schema (so `q` is never a 500).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use newsdesk::normalize::{normalize, Envelope};
use newsdesk::store::articles::{ArticleOrder, ArticleQuery, ArticleStatus};
use newsdesk::store::search::SearchExpr;
use newsdesk::store::{Store, StoreOptions};

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

struct Db {
    runtime: tokio::runtime::Runtime,
    store: Store,
}

fn db() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let store = runtime.block_on(async {
            let store = Store::open(&StoreOptions::new("sqlite::memory:"))
                .await
                .expect("open");
            let article = normalize(
                &Envelope::from_text(
                    "Putin and Kim meet in Vostochny\n\
                     पुतिन और किम जोंग उन की मुलाकात में हथियारों पर बात हुई।\n\
                     The leaders discussed rockets, satellites and the harbour near the cosmodrome.",
                ),
                common::NOW,
            )
            .expect("seed article");
            store
                .insert_article(&article, ArticleStatus::Published)
                .await
                .expect("insert");
            store
        });
        Db { runtime, store }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else {
        return;
    };
    // The API refuses longer queries before parsing.
    if q.chars().count() > 500 {
        return;
    }
    let Ok(expr) = SearchExpr::parse(q) else {
        return;
    };
    let fts = expr.to_fts5();
    assert!(!fts.is_empty());
    let db = db();
    let query = ArticleQuery {
        tags: Vec::new(),
        entities: Vec::new(),
        language: None,
        source: None,
        since: None,
        until: None,
        statuses: vec![ArticleStatus::Published],
        fts: Some(fts.clone()),
        order: Some(ArticleOrder::Relevance),
        after: None,
        max_rowid: Some(i64::MAX),
        limit: 5,
    };
    if let Err(err) = db.runtime.block_on(db.store.list_articles(&query)) {
        panic!("q {q:?} rendered as {fts:?} fails in SQLite: {err}");
    }
});
