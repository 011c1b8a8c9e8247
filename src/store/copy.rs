//! `newsdesk copy`: every row of a SQLite database into an empty PostgreSQL database, in one
//! transaction on the destination (all or nothing), from one snapshot of the source, with the
//! counts of every table checked before the commit.
//!
//! Articles keep their storage order (SQLite's rowid becomes `seq`), aliases theirs, tags their
//! ids; each live article's search document is built from its fields, and the kept documents
//! are copied as they are (the same rendering on both backends). A table of the source that
//! this copy does not know stops it, rather than being left behind.

use sqlx::{Row, Sqlite, Transaction};

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Store, StoreError, StoreResult};
use crate::normalize;

/// Rows read and written at a time.
const PAGE: i64 = 500;

/// Tables of the SQLite schema, in the order they are copied (parents first).
const TABLES: [&str; 14] = [
    "articles",
    "tags",
    "article_tags",
    "entities",
    "entity_aliases",
    "article_entities",
    "article_entity_exclusions",
    "article_docs",
    "api_tokens",
    "idempotency_keys",
    "settings",
    "webhooks",
    "outbox_events",
    "webhook_deliveries",
];

/// Rows copied, per table.
pub type CopyReport = Vec<(&'static str, i64)>;

/// Copies everything from `from` into `to`, which must hold no rows yet.
pub async fn copy(from: &Store, to: &Store) -> StoreResult<CopyReport> {
    match (from, to) {
        (Store::Sqlite(from), Store::Postgres(to)) => sqlite_to_postgres(from, to).await,
        _ => Err(StoreError::Invalid(
            "copy goes from a SQLite database (--from sqlite://…) to a PostgreSQL one \
             (--to postgres://…)"
                .into(),
        )),
    }
}

async fn sqlite_to_postgres(from: &SqliteStore, to: &PgStore) -> StoreResult<CopyReport> {
    // One read transaction: a snapshot of the source, whatever writes it meanwhile.
    let mut src: Transaction<'_, Sqlite> = from.read.begin().await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND name NOT LIKE 'articles_fts%' \
         AND name <> 'articles_search_pending'",
    )
    .fetch_all(&mut *src)
    .await?;
    if let Some(unknown) = tables.iter().find(|t| !TABLES.contains(&t.as_str())) {
        return Err(StoreError::Invalid(format!(
            "the source has a table `{unknown}` that copy does not know; nothing was copied"
        )));
    }
    let mut expected = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *src)
            .await?;
        expected.push((table, count));
    }

    let mut dst = to.pool.begin().await?;
    let mut occupied = Vec::new();
    for table in TABLES {
        let any: bool = sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {table})"))
            .fetch_one(&mut *dst)
            .await?;
        if any {
            occupied.push(table);
        }
    }
    // A fresh PostgreSQL database has only the cursor-signing secret if a server started on it.
    occupied.retain(|t| *t != "settings");
    if !occupied.is_empty() {
        return Err(StoreError::Conflict(format!(
            "the destination is not empty ({}); copy only into a new database",
            occupied.join(", ")
        )));
    }
    sqlx::query("DELETE FROM settings")
        .execute(&mut *dst)
        .await?;

    copy_articles(&mut src, &mut dst).await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, id, slug, name, created_at, updated_at FROM tags",
        "INSERT INTO tags (id, slug, name, created_at, updated_at) \
         SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[])",
        &[
            Col::Int("id"),
            Col::Text("slug"),
            Col::Text("name"),
            Col::Text("created_at"),
            Col::Text("updated_at"),
        ],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT a.rowid AS k, t.article_id, t.tag_id, t.position FROM article_tags t \
         JOIN articles a ON a.id = t.article_id",
        "INSERT INTO article_tags (article_id, tag_id, position) \
         SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[])",
        &[
            Col::Text("article_id"),
            Col::Int("tag_id"),
            Col::Int("position"),
        ],
    )
    .await?;
    // Entities whose merge target comes later in id order: inserted without it first, then
    // pointed at it.
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, id, slug, name, type, key, curated != 0 AS curated, created_at, updated_at FROM entities",
        "INSERT INTO entities (id, slug, name, type, key, curated, created_at, updated_at) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
           $6::bool[], $7::text[], $8::text[])",
        &[
            Col::Text("id"),
            Col::Text("slug"),
            Col::Text("name"),
            Col::Text("type"),
            Col::Text("key"),
            Col::Bool("curated"),
            Col::Text("created_at"),
            Col::Text("updated_at"),
        ],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, id, merged_into FROM entities WHERE merged_into IS NOT NULL",
        "UPDATE entities e SET merged_into = u.merged_into \
         FROM unnest($1::text[], $2::text[]) AS u(id, merged_into) WHERE e.id = u.id",
        &[Col::Text("id"), Col::Text("merged_into")],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, rowid AS seq, entity_id, alias, alias_folded, script FROM entity_aliases",
        "INSERT INTO entity_aliases (seq, entity_id, alias, alias_folded, script) \
         SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[])",
        &[Col::Int("seq"), Col::Text("entity_id"), Col::Text("alias"), Col::Text("alias_folded"), Col::Text("script")],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT a.rowid AS k, e.article_id, e.entity_id, e.mentions, e.salience, e.first_position \
         FROM article_entities e JOIN articles a ON a.id = e.article_id",
        "INSERT INTO article_entities (article_id, entity_id, mentions, salience, first_position) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::float8[], $5::int8[])",
        &[
            Col::Text("article_id"),
            Col::Text("entity_id"),
            Col::Int("mentions"),
            Col::Real("salience"),
            Col::Int("first_position"),
        ],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT * FROM (SELECT row_number() OVER (ORDER BY article_id, entity_id) AS k, \
           article_id, entity_id, created_at FROM article_entity_exclusions)",
        "INSERT INTO article_entity_exclusions (article_id, entity_id, created_at) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
        &[
            Col::Text("article_id"),
            Col::Text("entity_id"),
            Col::Text("created_at"),
        ],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT d.article_rowid AS k, a.id AS article_id, d.etag, d.doc FROM article_docs d \
         JOIN articles a ON a.rowid = d.article_rowid",
        "INSERT INTO article_docs (article_id, etag, doc) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])",
        &[Col::Text("article_id"), Col::Text("etag"), Col::Blob("doc")],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, id, name, role, token_hash, created_at, revoked_at, last_used_at FROM api_tokens",
        "INSERT INTO api_tokens (id, name, role, token_hash, created_at, revoked_at, last_used_at) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])",
        &[Col::Text("id"), Col::Text("name"), Col::Text("role"), Col::Text("token_hash"), Col::Text("created_at"), Col::Text("revoked_at"), Col::Text("last_used_at")],
    )
    .await?;
    // WITHOUT ROWID tables are paged by a row number of their key order.
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT * FROM (SELECT row_number() OVER (ORDER BY token_id, key) AS k, token_id, key, \
           request_hash, status, response_body, location, created_at FROM idempotency_keys)",
        "INSERT INTO idempotency_keys (token_id, key, request_hash, status, response_body, location, created_at) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::text[])",
        &[Col::Text("token_id"), Col::Text("key"), Col::Text("request_hash"), Col::Int("status"), Col::Text("response_body"), Col::Text("location"), Col::Text("created_at")],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT * FROM (SELECT row_number() OVER (ORDER BY name) AS k, name, value FROM settings)",
        "INSERT INTO settings (name, value) SELECT * FROM unnest($1::text[], $2::text[])",
        &[Col::Text("name"), Col::Text("value")],
    )
    .await?;

    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, id, url, description, events, secret, enabled != 0 AS enabled, \
           disabled_reason, created_at, updated_at FROM webhooks",
        "INSERT INTO webhooks (id, url, description, events, secret, enabled, disabled_reason, \
           created_at, updated_at) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
           $6::bool[], $7::text[], $8::text[], $9::text[])",
        &[
            Col::Text("id"),
            Col::Text("url"),
            Col::Text("description"),
            Col::Text("events"),
            Col::Text("secret"),
            Col::Bool("enabled"),
            Col::Text("disabled_reason"),
            Col::Text("created_at"),
            Col::Text("updated_at"),
        ],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT seq AS k, seq, id, type, payload, created_at, dispatched_at FROM outbox_events",
        "INSERT INTO outbox_events (seq, id, type, payload, created_at, dispatched_at) \
         SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])",
        &[
            Col::Int("seq"),
            Col::Text("id"),
            Col::Text("type"),
            Col::Text("payload"),
            Col::Text("created_at"),
            Col::Text("dispatched_at"),
        ],
    )
    .await?;
    copy_paged(
        &mut src,
        &mut dst,
        "SELECT rowid AS k, id, webhook_id, event_seq, event_type, status, attempts, \
           next_attempt_at, lease_until, last_status_code, last_error, created_at, updated_at, \
           delivered_at FROM webhook_deliveries",
        "INSERT INTO webhook_deliveries (id, webhook_id, event_seq, event_type, status, attempts, \
           next_attempt_at, lease_until, last_status_code, last_error, created_at, updated_at, \
           delivered_at) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], \
           $6::int8[], $7::text[], $8::text[], $9::int8[], $10::text[], $11::text[], $12::text[], \
           $13::text[])",
        &[
            Col::Text("id"),
            Col::Text("webhook_id"),
            Col::Int("event_seq"),
            Col::Text("event_type"),
            Col::Text("status"),
            Col::Int("attempts"),
            Col::Text("next_attempt_at"),
            Col::Text("lease_until"),
            Col::OptInt("last_status_code"),
            Col::Text("last_error"),
            Col::Text("created_at"),
            Col::Text("updated_at"),
            Col::Text("delivered_at"),
        ],
    )
    .await?;

    // New rows continue after the copied ones.
    for (table, column) in [
        ("articles", "seq"),
        ("tags", "id"),
        ("entity_aliases", "seq"),
        ("outbox_events", "seq"),
    ] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
               coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut *dst)
        .await?;
    }
    let mut report = Vec::with_capacity(TABLES.len());
    for (table, want) in &expected {
        let got: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *dst)
            .await?;
        if got != *want {
            return Err(StoreError::Database(format!(
                "`{table}`: {want} rows in the source, {got} copied; nothing was committed"
            )));
        }
        report.push((*table, got));
    }
    super::postgres::bump_version(&mut dst).await?;
    dst.commit().await?;
    src.commit().await?;
    Ok(report)
}

/// A column read from the source and bound as an array.
enum Col {
    Text(&'static str),
    Int(&'static str),
    /// An integer that may be NULL.
    OptInt(&'static str),
    Real(&'static str),
    Bool(&'static str),
    Blob(&'static str),
}

/// Copies the rows `select` answers with `insert`, which takes one array per column. `select`
/// names a key `k` (a rowid, not necessarily unique) to read by, a range of [`PAGE`] at a time.
async fn copy_paged(
    src: &mut sqlx::SqliteConnection,
    dst: &mut sqlx::PgConnection,
    select: &str,
    insert: &str,
    columns: &[Col],
) -> StoreResult<()> {
    let last: Option<i64> = sqlx::query_scalar(&format!("SELECT max(k) FROM ({select})"))
        .fetch_one(&mut *src)
        .await?;
    let Some(last) = last else {
        return Ok(());
    };
    let paged = format!("SELECT * FROM ({select}) WHERE k > ?1 AND k <= ?2 ORDER BY k");
    let mut after = i64::MIN;
    while after < last {
        let upto = after.max(-1).saturating_add(PAGE).min(last);
        let rows = sqlx::query(&paged)
            .bind(after)
            .bind(upto)
            .fetch_all(&mut *src)
            .await?;
        after = upto;
        if rows.is_empty() {
            continue;
        }
        let mut query = sqlx::query(insert);
        for column in columns {
            query = match column {
                Col::Text(name) => query.bind(
                    rows.iter()
                        .map(|r| r.try_get::<Option<String>, _>(*name))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Col::Int(name) => query.bind(
                    rows.iter()
                        .map(|r| r.try_get::<i64, _>(*name))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Col::OptInt(name) => query.bind(
                    rows.iter()
                        .map(|r| r.try_get::<Option<i64>, _>(*name))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Col::Real(name) => query.bind(
                    rows.iter()
                        .map(|r| r.try_get::<f64, _>(*name))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Col::Bool(name) => query.bind(
                    rows.iter()
                        .map(|r| r.try_get::<bool, _>(*name))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Col::Blob(name) => query.bind(
                    rows.iter()
                        .map(|r| r.try_get::<Vec<u8>, _>(*name))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            };
        }
        query.execute(&mut *dst).await?;
    }
    Ok(())
}

/// Articles, with their storage order and search documents.
async fn copy_articles(
    src: &mut sqlx::SqliteConnection,
    dst: &mut sqlx::PgConnection,
) -> StoreResult<()> {
    const TEXT: [&str; 20] = [
        "id",
        "slug",
        "status",
        "sort_at",
        "published_at",
        "published_at_source",
        "language",
        "script",
        "source_domain",
        "content_hash",
        "created_at",
        "updated_at",
        "deleted_at",
        "title",
        "summary",
        "kickers",
        "lead_image",
        "url",
        "authors",
        "removed",
    ];
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query(
            "SELECT rowid AS seq, * FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *src)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("seq")?;
        let mut text: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); TEXT.len()];
        let (mut seqs, mut words, mut minutes, mut versions, mut blocks, mut search) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for row in &rows {
            for (n, column) in TEXT.iter().enumerate() {
                text[n].push(row.try_get::<Option<String>, _>(*column)?);
            }
            seqs.push(row.try_get::<i64, _>("seq")?);
            words.push(row.try_get::<i64, _>("word_count")?);
            minutes.push(row.try_get::<i64, _>("reading_time_minutes")?);
            versions.push(row.try_get::<i64, _>("version")?);
            let block_json: String = row.try_get("blocks")?;
            let deleted: Option<String> = row.try_get("deleted_at")?;
            search.push(if deleted.is_some() {
                None
            } else {
                Some(search_document(row, &block_json)?)
            });
            blocks.push(block_json);
        }
        let mut query = sqlx::query(
            "INSERT INTO articles (id, slug, status, sort_at, published_at, published_at_source, \
               language, script, source_domain, content_hash, created_at, updated_at, deleted_at, \
               title, summary, kickers, lead_image, url, authors, removed, seq, word_count, \
               reading_time_minutes, version, blocks, search) \
             SELECT id, slug, status, sort_at, published_at, published_at_source, language, script, \
               source_domain, content_hash, created_at, updated_at, deleted_at, title, summary, \
               kickers, lead_image, url, authors, removed, seq, word_count, reading_time_minutes, \
               version, blocks, search \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
               $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
               $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], \
               $19::text[], $20::text[], $21::int8[], $22::int8[], $23::int8[], $24::int8[], \
               $25::text[], $26::tsvector[]) \
             AS u(id, slug, status, sort_at, published_at, published_at_source, language, script, \
               source_domain, content_hash, created_at, updated_at, deleted_at, title, summary, \
               kickers, lead_image, url, authors, removed, seq, word_count, reading_time_minutes, \
               version, blocks, search)",
        );
        for column in text {
            query = query.bind(column);
        }
        query
            .bind(seqs)
            .bind(words)
            .bind(minutes)
            .bind(versions)
            .bind(blocks)
            .bind(search)
            .execute(&mut *dst)
            .await?;
    }
}

/// The search document of a stored SQLite article row (as the PostgreSQL backend writes it).
fn search_document(
    row: &sqlx::sqlite::SqliteRow,
    blocks: &str,
) -> StoreResult<super::postgres::search::Document> {
    let parse = |what: &str, text: &str| -> StoreResult<serde_json::Value> {
        serde_json::from_str(text).map_err(|e| StoreError::Database(format!("stored {what}: {e}")))
    };
    let blocks: Vec<normalize::Block> = serde_json::from_str(blocks)
        .map_err(|e| StoreError::Database(format!("stored blocks: {e}")))?;
    let kickers: Vec<String> =
        serde_json::from_value(parse("kickers", &row.try_get::<String, _>("kickers")?)?)
            .map_err(|e| StoreError::Database(format!("stored kickers: {e}")))?;
    let lead_image: Option<normalize::Image> =
        match row.try_get::<Option<String>, _>("lead_image")? {
            Some(json) => serde_json::from_value(parse("lead image", &json)?)
                .map_err(|e| StoreError::Database(format!("stored lead image: {e}")))?,
            None => None,
        };
    let title: String = row.try_get("title")?;
    let summary: Option<String> = row.try_get("summary")?;
    let mut extra = kickers.join("\n");
    if let Some(alt) = lead_image.as_ref().and_then(|i| i.alt.as_deref()) {
        extra.push('\n');
        extra.push_str(alt);
    }
    Ok(super::postgres::search::document(
        &title,
        summary.as_deref().unwrap_or(""),
        &normalize::render_body_text(&blocks),
        &extra,
    ))
}
