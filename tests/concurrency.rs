//! Concurrent writers and readers against one server: every acknowledged article is readable
//! afterwards, nothing is answered with a 5xx, and SQLite's "database is locked" never reaches a
//! client.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{english_article, spawn_app};
use serde_json::Value;

const WRITERS: usize = 8;
const PER_WRITER: usize = 200;
/// Odd writers send NDJSON batches of this many lines; even writers post one article at a time.
const BATCH: usize = 25;

fn article(writer: usize, n: usize) -> Value {
    english_article(writer * 10_000 + n, &format!("writer-{writer}"))
}

/// Fails the test on any answer that shows the database was busy or the server failed.
fn check_answer(what: &str, status: u16, body: &str) {
    assert!(status < 500, "{what}: {status} {body}");
    let lower = body.to_ascii_lowercase();
    assert!(
        !lower.contains("sqlite_busy") && !lower.contains("database is locked"),
        "{what}: {body}"
    );
}

common::backends!(
    concurrent_writers_and_readers_lose_nothing_and_never_fail,
    flavor = "multi_thread",
    worker_threads = 4
);
async fn concurrent_writers_and_readers_lose_nothing_and_never_fail() {
    let app = Arc::new(spawn_app().await);
    let token = app.editor().await;
    let writing = Arc::new(AtomicBool::new(true));
    let reads = Arc::new(AtomicUsize::new(0));

    // Readers: list, search, page and read single articles until the writers are done.
    let mut readers = Vec::new();
    for reader in 0..3 {
        let app = app.clone();
        let writing = writing.clone();
        let reads = reads.clone();
        readers.push(tokio::spawn(async move {
            let mut seen_ids: Vec<String> = Vec::new();
            let mut round = 0usize;
            while writing.load(Ordering::Relaxed) || round < 3 {
                let path = match (reader + round) % 4 {
                    0 => "/v1/articles?limit=50".to_owned(),
                    1 => format!(
                        "/v1/articles?q=budget%20number&limit=20&tag=writer-{}",
                        round % WRITERS
                    ),
                    2 => "/v1/articles?q=harbour%20OR%20bridge&limit=100".to_owned(),
                    _ => match seen_ids.last() {
                        Some(id) => format!("/v1/articles/{id}"),
                        None => "/v1/articles?sort=published_at".to_owned(),
                    },
                };
                let response = app.get(&path).await;
                let status = response.status().as_u16();
                let body = response.text().await.expect("read body");
                check_answer(&format!("GET {path}"), status, &body);
                assert_eq!(status, 200, "GET {path}: {body}");
                let value: Value = serde_json::from_str(&body).expect("json");
                if let Some(items) = value["data"].as_array() {
                    seen_ids.extend(
                        items
                            .iter()
                            .filter_map(|i| i["id"].as_str().map(str::to_owned)),
                    );
                }
                reads.fetch_add(1, Ordering::Relaxed);
                round += 1;
            }
        }));
    }

    // Writers: each stores its own distinct articles and records what was acknowledged.
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let app = app.clone();
        let token = token.clone();
        writers.push(tokio::spawn(async move {
            let mut acknowledged: HashMap<String, usize> = HashMap::new();
            if writer % 2 == 0 {
                for n in 0..PER_WRITER {
                    let response = app.ingest_json(&token, &article(writer, n)).await;
                    let status = response.status().as_u16();
                    let body = response.text().await.expect("read body");
                    check_answer(&format!("writer {writer} article {n}"), status, &body);
                    assert_eq!(status, 201, "writer {writer} article {n}: {body}");
                    let created: Value = serde_json::from_str(&body).unwrap();
                    acknowledged.insert(created["id"].as_str().unwrap().to_owned(), n);
                }
            } else {
                for start in (0..PER_WRITER).step_by(BATCH) {
                    let lines: Vec<String> = (start..start + BATCH)
                        .map(|n| article(writer, n).to_string())
                        .collect();
                    let response = app
                        .client
                        .post(app.url("/v1/ingest/batch"))
                        .bearer_auth(&token)
                        .header("content-type", "application/x-ndjson")
                        .body(lines.join("\n"))
                        .send()
                        .await
                        .expect("batch");
                    let status = response.status().as_u16();
                    let body = response.text().await.expect("read body");
                    check_answer(&format!("writer {writer} batch {start}"), status, &body);
                    assert_eq!(status, 200, "writer {writer} batch {start}: {body}");
                    let results: Vec<Value> = body
                        .lines()
                        .map(|l| serde_json::from_str(l).unwrap())
                        .collect();
                    assert_eq!(results.len(), BATCH, "one result per line: {body}");
                    for (offset, result) in results.iter().enumerate() {
                        assert_eq!(result["line"], offset + 1);
                        assert_eq!(result["result"], "created", "{result}");
                        acknowledged
                            .insert(result["id"].as_str().unwrap().to_owned(), start + offset);
                    }
                }
            }
            acknowledged
        }));
    }

    let mut acknowledged: HashMap<String, (usize, usize)> = HashMap::new();
    for (writer, handle) in writers.into_iter().enumerate() {
        for (id, n) in handle.await.expect("writer task") {
            assert!(
                acknowledged.insert(id, (writer, n)).is_none(),
                "an id was reused"
            );
        }
    }
    writing.store(false, Ordering::Relaxed);
    for handle in readers {
        handle.await.expect("reader task");
    }
    assert_eq!(acknowledged.len(), WRITERS * PER_WRITER);
    assert!(
        reads.load(Ordering::Relaxed) >= 9,
        "the readers ran alongside"
    );

    // Every acknowledged article is there, whole, under its own id.
    for (id, (writer, n)) in &acknowledged {
        let article = app.get_json(&format!("/v1/articles/{id}")).await;
        let expected = article_number(writer * 10_000 + n);
        assert_eq!(article["id"], id.as_str());
        assert!(
            article["title"].as_str().unwrap().contains(&expected),
            "{id}: {}",
            article["title"]
        );
        assert_eq!(article["tags"][0]["slug"], format!("writer-{writer}"));
        assert!(!article["blocks"].as_array().unwrap().is_empty());
    }
    // And each writer's tag lists exactly its articles, page by page.
    for writer in 0..WRITERS {
        let mut listed: HashSet<String> = HashSet::new();
        let mut next = Some(format!("/v1/articles?tag=writer-{writer}&limit=100"));
        while let Some(path) = next {
            let page = app.get_json(&path).await;
            for item in page["data"].as_array().unwrap() {
                assert!(listed.insert(item["id"].as_str().unwrap().to_owned()));
            }
            next = page["next"].as_str().map(str::to_owned);
        }
        let expected: HashSet<String> = acknowledged
            .iter()
            .filter(|(_, (w, _))| *w == writer)
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(listed, expected, "writer {writer}");
    }
    let app = Arc::into_inner(app).expect("no other handle");
    app.stop().await;
}

/// The number the title of `english_article(n, _)` carries.
fn article_number(n: usize) -> String {
    format!("number {n} ")
}
