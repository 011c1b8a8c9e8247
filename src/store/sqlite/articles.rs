//! Articles: written whole (row with its blocks, tags, entities, full-text row) in one transaction or not
//! at all; read by id or slug; listed with filters, full-text search and keyset pagination.

use rusqlite::TransactionBehavior;
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::entities::EntityMemo;
use super::entities::ALIASES_IN_ARTICLE;
use super::time::{format_timestamp, now_timestamp};
use super::{docs, entities, handle, webhooks, SqliteStore, StoreError, StoreResult};
use crate::normalize::{self, Block, Image, NormalizedArticle};
pub(crate) use crate::store::articles::{
    Article, ArticleChanges, ArticleEntity, ArticleStatus, BatchInserted, IfMatch, Inserted, Page,
    TagRef,
};
use crate::store::search::FTS_STEM_MARK;
use crate::store::search::{facet_entity, facet_language, facet_source, facet_tag};
use crate::store::stems::text_with_marked_stems;
use rusqlite::OptionalExtension;

const ARTICLE_COLUMNS: &str = "a.rowid AS rowid, a.id, a.slug, a.status, a.title, a.summary, a.kickers, a.language, \
     a.script, a.lead_image, a.blocks, a.word_count, a.reading_time_minutes, a.published_at, \
     a.published_at_source, a.sort_at, a.url, a.source_domain, a.authors, a.content_hash, a.removed, \
     a.version, a.created_at, a.updated_at";

pub(super) const SUMMARY_COLUMNS: &str =
    "a.rowid AS rowid, a.id, a.slug, a.status, a.title, a.summary, a.kickers, a.language, \
     a.script, a.lead_image, a.word_count, a.reading_time_minutes, a.published_at, a.sort_at, \
     a.source_domain, a.created_at, a.updated_at";

impl SqliteStore {
    /// Stores a normalized article whole, or answers the live article with the same content.
    pub async fn insert_article(
        &self,
        article: &NormalizedArticle,
        status: ArticleStatus,
    ) -> StoreResult<Inserted> {
        let article = article.clone();
        let fts_row = FtsRow::of_normalized(&article);
        let conn = self.write.acquire().await?;
        let written = handle::on_handle_blocking(conn, move |conn| {
            let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            let written = insert_in(&tx, &mut EntityMemo::default(), &article, &fts_row, status)?;
            tx.commit()?;
            Ok(written)
        })
        .await?;
        match written {
            Written::Created(stored) => {
                self.bump_generation();
                Ok(Inserted::Created(*stored))
            }
            Written::Duplicate(existing) => {
                let mut conn = self.write.acquire().await?;
                let stored = load_article(&mut conn, &existing.id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("article `{}`", existing.id)))?;
                Ok(Inserted::Duplicate(stored))
            }
        }
    }

    /// Stores many articles in one transaction; each is written whole or not at all, and one
    /// failing never undoes the others (the batch is then written again, a savepoint each).
    pub async fn insert_articles(
        &self,
        articles: Vec<(NormalizedArticle, ArticleStatus)>,
    ) -> StoreResult<Vec<StoreResult<BatchInserted>>> {
        let articles = tokio::task::spawn_blocking(move || {
            articles
                .into_iter()
                .map(|(article, status)| {
                    let fts_row = FtsRow::of_normalized(&article);
                    (article, status, fts_row)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| StoreError::Database(format!("stemming thread: {e}")))?;
        let conn = self.write.acquire().await?;
        let checkpointer = self.checkpointer.clone();
        let results = handle::on_handle_blocking(conn, move |conn| {
            // The log is copied into the database on another thread while the next chunk is
            // written (see `checkpoint`).
            let _checkpoint = checkpointer
                .as_deref()
                .map(|c| c.begin_batch(conn))
                .transpose()?;
            match insert_all_or_none(conn, &articles)? {
                Some(results) => Ok(results),
                None => insert_each(conn, &articles),
            }
        })
        .await?;
        self.bump_generation();
        Ok(results)
    }

    /// The live article with this id or slug. Drafts only when `include_drafts`.
    pub async fn get_article(
        &self,
        id_or_slug: &str,
        include_drafts: bool,
    ) -> StoreResult<Article> {
        let mut conn = self.read.acquire().await?;
        let article = load_article(&mut conn, id_or_slug).await?;
        match article {
            Some(a) if include_drafts || a.status == ArticleStatus::Published => Ok(a),
            _ => Err(StoreError::NotFound(format!("article `{id_or_slug}`"))),
        }
    }

    /// Ids of live articles after `after`, in id order (for walking every article).
    pub async fn live_article_ids(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM articles WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?",
        )
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }

    /// The largest rowid stored now (the snapshot bound of a relevance search).
    pub async fn max_article_rowid(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT max(rowid) FROM articles")
                .fetch_one(&self.read)
                .await?
                .unwrap_or(0),
        )
    }

    /// Applies an editor's changes and answers the new version. The slug never changes.
    pub async fn update_article(
        &self,
        id_or_slug: &str,
        changes: &ArticleChanges,
    ) -> StoreResult<Article> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let current = load_article(&mut tx, id_or_slug)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
        // Checked on the writer's transaction: no other write can come between.
        if let Some(precondition) = &changes.if_match {
            precondition.check(&current)?;
        }
        let now = now_timestamp();
        let title = changes.title.clone().unwrap_or(current.title.clone());
        let kickers = changes.kickers.as_ref().unwrap_or(&current.kickers);
        let summary = changes.summary.clone().unwrap_or(current.summary.clone());
        let status = changes.status.unwrap_or(current.status);
        let (published_at, published_at_source) = match &changes.published_at {
            Some(Some(at)) => (Some(format_timestamp(*at)), Some("explicit".to_owned())),
            Some(None) => (None, None),
            None => (
                current.published_at.clone(),
                current.published_at_source.clone(),
            ),
        };
        let sort_at = published_at.clone().unwrap_or(current.created_at.clone());
        let blocks = changes.blocks.as_ref().unwrap_or(&current.blocks);
        let (word_count, reading_time, content_hash) = match &changes.recomputed {
            Some(r) => (
                r.word_count as i64,
                i64::from(r.reading_time_minutes),
                r.content_hash.clone(),
            ),
            None => (
                current.word_count,
                current.reading_time_minutes,
                current.content_hash.clone(),
            ),
        };
        if content_hash != current.content_hash {
            let clash: Option<String> = sqlx::query_scalar(
                "SELECT slug FROM articles WHERE content_hash = ? AND deleted_at IS NULL AND id <> ?",
            )
            .bind(&content_hash)
            .bind(&current.id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(slug) = clash {
                return Err(StoreError::Conflict(format!(
                    "the new text is identical to article `{slug}`"
                )));
            }
        }
        sqlx::query(
            "UPDATE articles SET title = ?, summary = ?, kickers = ?, status = ?, published_at = ?, \
             published_at_source = ?, sort_at = ?, blocks = ?, word_count = ?, \
             reading_time_minutes = ?, content_hash = ?, version = version + 1, updated_at = ? \
             WHERE id = ?",
        )
        .bind(&title)
        .bind(&summary)
        .bind(to_json(kickers))
        .bind(status.as_str())
        .bind(&published_at)
        .bind(&published_at_source)
        .bind(&sort_at)
        .bind(to_json(blocks))
        .bind(word_count)
        .bind(reading_time)
        .bind(&content_hash)
        .bind(&now)
        .bind(&current.id)
        .execute(&mut *tx)
        .await?;

        let mut tag_names: Vec<String> = match &changes.tags {
            Some(names) => names.clone(),
            None => current.tags.iter().map(|t| t.name.clone()).collect(),
        };
        tag_names.extend(changes.add_tags.iter().cloned());
        let removed: Vec<String> = changes
            .remove_tags
            .iter()
            .map(|t| normalize::tag_slug(t))
            .collect();
        tag_names.retain(|name| !removed.contains(&normalize::tag_slug(name)));
        let retag = changes.tags.is_some()
            || !changes.add_tags.is_empty()
            || !changes.remove_tags.is_empty();
        let removed_entities = resolve_entities(&mut tx, &changes.remove_entities).await?;
        let restored_entities = resolve_entities(&mut tx, &changes.restore_entities).await?;
        handle::on_handle(&mut tx, |conn| {
            for entity_id in &restored_entities {
                conn.prepare_cached(
                    "DELETE FROM article_entity_exclusions WHERE article_id = ? AND entity_id = ?",
                )?
                .execute([&current.id, entity_id])?;
            }
            for entity_id in &removed_entities {
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO article_entity_exclusions (article_id, entity_id, created_at) \
                     VALUES (?, ?, ?)",
                )?
                .execute([&current.id, entity_id, &now])?;
            }
            if let Some(recomputed) = &changes.recomputed {
                conn.prepare_cached("DELETE FROM article_entities WHERE article_id = ?")?
                    .execute([&current.id])?;
                entities::link_article_entities(
                    conn,
                    &mut EntityMemo::default(),
                    &current.id,
                    &recomputed.entities,
                    &now,
                )?;
            }
            if changes.recomputed.is_some() || !removed_entities.is_empty() {
                unlink_excluded_entities(conn, &current.id)?;
            }
            if retag {
                conn.prepare_cached("DELETE FROM article_tags WHERE article_id = ?")?
                    .execute([&current.id])?;
                attach_tags(conn, &current.id, &tag_names, &now)?;
            }
            Ok(())
        })
        .await?;

        let updated = load_article(&mut tx, &current.id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
        handle::on_handle(&mut tx, |conn| {
            let rowid: i64 = conn
                .prepare_cached("SELECT rowid FROM articles WHERE id = ?")?
                .query_row([&updated.id], |row| row.get(0))?;
            write_fts(conn, rowid, &updated, true)
        })
        .await?;
        docs::save_rendered(&mut tx, &updated).await?;
        handle::on_handle(&mut tx, |conn| {
            webhooks::record_article_event(
                conn,
                Some(current.status),
                Some(updated.status),
                &updated,
            )
        })
        .await?;
        tx.commit().await?;
        self.bump_generation();
        Ok(updated)
    }

    /// Removes an article for good, live or deleted: its row, blocks, links, search entry, kept
    /// document and the saved answers of requests that created it. Tags and entities stay
    /// (other articles share them).
    pub async fn purge_article(&self, id_or_slug: &str) -> StoreResult<()> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT rowid, id, deleted_at FROM articles WHERE id = ?1 OR slug = ?1 LIMIT 1",
        )
        .bind(id_or_slug)
        .fetch_optional(&mut *tx)
        .await?;
        let (rowid, id, deleted_at) =
            row.ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
        if deleted_at.is_none() {
            sqlx::query("DELETE FROM articles_fts WHERE rowid = ?")
                .bind(rowid)
                .execute(&mut *tx)
                .await?;
        }
        // The kept document is keyed by the row's number, which SQLite may give a later article.
        sqlx::query("DELETE FROM article_docs WHERE article_rowid = ?")
            .bind(rowid)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM idempotency_keys WHERE location = ?")
            .bind(format!("/v1/articles/{id}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM articles WHERE id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.bump_generation();
        Ok(())
    }

    /// Soft-deletes an article: gone from reads and search; its content may be ingested again.
    /// With a precondition, only while the article's ETag satisfies it.
    pub async fn delete_article(
        &self,
        id_or_slug: &str,
        if_match: Option<&IfMatch>,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        if let Some(precondition) = if_match {
            let current = load_article(&mut tx, id_or_slug)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
            precondition.check(&current)?;
        }
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT rowid, id FROM articles WHERE (id = ?1 OR slug = ?1) AND deleted_at IS NULL",
        )
        .bind(id_or_slug)
        .fetch_optional(&mut *tx)
        .await?;
        let (rowid, id) =
            row.ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
        // A published article's deletion is an event, carrying the article as it was.
        if let Some(before) = load_article(&mut tx, &id)
            .await?
            .filter(|a| a.status == ArticleStatus::Published)
        {
            handle::on_handle(&mut tx, |conn| {
                webhooks::record_article_event(conn, Some(before.status), None, &before)
            })
            .await?;
        }
        let now = now_timestamp();
        sqlx::query("UPDATE articles SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ?")
            .bind(&now)
            .bind(&now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM articles_fts WHERE rowid = ?")
            .bind(rowid)
            .execute(&mut *tx)
            .await?;
        docs::forget_article(&mut tx, &id).await?;
        tx.commit().await?;
        self.bump_generation();
        Ok(())
    }
}

/// The live entities named by ids or slugs (a merged one as the entity it joined); an unknown
/// one is an invalid request.
async fn resolve_entities(
    conn: &mut SqliteConnection,
    ids_or_slugs: &[String],
) -> StoreResult<Vec<String>> {
    let mut ids = Vec::with_capacity(ids_or_slugs.len());
    for id_or_slug in ids_or_slugs {
        let named: Option<String> =
            sqlx::query_scalar("SELECT id FROM entities WHERE id = ?1 OR slug = ?1 LIMIT 1")
                .bind(id_or_slug)
                .fetch_optional(&mut *conn)
                .await?;
        let id: Option<String> = match named {
            Some(named) => {
                sqlx::query_scalar(entities::LIVE_ENTITY_SQL)
                    .bind(named)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        };
        match id {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => {
                return Err(StoreError::Conflict(format!(
                    "there is no entity `{id_or_slug}`"
                )))
            }
        }
    }
    Ok(ids)
}

/// Takes the entities an editor removed from an article off its links again (after the links
/// were made anew, or when the editor just removed them).
pub(super) fn unlink_excluded_entities(
    conn: &rusqlite::Connection,
    article_id: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "DELETE FROM article_entities WHERE article_id = ?1 AND entity_id IN \
         (SELECT entity_id FROM article_entity_exclusions WHERE article_id = ?1)",
    )?
    .execute([article_id])?;
    Ok(())
}

/// What writing one article did: stored it (as it now reads), or found it already stored.
enum Written {
    Created(Box<Article>),
    Duplicate(BatchInserted),
}

impl Written {
    fn outcome(self) -> BatchInserted {
        match self {
            Written::Created(article) => BatchInserted {
                id: article.id,
                slug: article.slug,
                duplicate: false,
            },
            Written::Duplicate(existing) => existing,
        }
    }
}

/// Writes a batch in one transaction, without a savepoint per article (releasing one makes FTS5
/// write its pending index as a new segment, per article instead of per batch). When any
/// article fails, nothing is written and the answer is `None`.
fn insert_all_or_none(
    conn: &rusqlite::Connection,
    articles: &[(NormalizedArticle, ArticleStatus, FtsRow)],
) -> StoreResult<Option<Vec<StoreResult<BatchInserted>>>> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut memo = EntityMemo::default();
    let mut results = Vec::with_capacity(articles.len());
    for (article, status, fts_row) in articles {
        match insert_in(&tx, &mut memo, article, fts_row, *status) {
            Ok(written) => results.push(Ok(written.outcome())),
            // Dropping the transaction rolls it back.
            Err(_) => return Ok(None),
        }
    }
    tx.commit()?;
    Ok(Some(results))
}

/// Writes a batch in one transaction, each article in a savepoint of its own, so one failing
/// never undoes the others.
fn insert_each(
    conn: &rusqlite::Connection,
    articles: &[(NormalizedArticle, ArticleStatus, FtsRow)],
) -> StoreResult<Vec<StoreResult<BatchInserted>>> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut memo = EntityMemo::default();
    let mut results = Vec::with_capacity(articles.len());
    for (article, status, fts_row) in articles {
        tx.execute_batch("SAVEPOINT article")?;
        match insert_in(&tx, &mut memo, article, fts_row, *status) {
            Ok(written) => {
                tx.execute_batch("RELEASE article")?;
                results.push(Ok(written.outcome()));
            }
            Err(err) => {
                tx.execute_batch("ROLLBACK TO article; RELEASE article")?;
                // What it learned may have been rolled back with it.
                memo = EntityMemo::default();
                results.push(Err(err));
            }
        }
    }
    tx.commit()?;
    Ok(results)
}

/// Writes one article, with its kept document, inside an open transaction.
fn insert_in(
    conn: &rusqlite::Connection,
    memo: &mut EntityMemo,
    article: &NormalizedArticle,
    fts_row: &FtsRow,
    status: ArticleStatus,
) -> StoreResult<Written> {
    let id = ulid::Ulid::new().to_string();
    let mut slug = normalize::slugify(&article.title);
    if slug.is_empty() {
        slug = "article".to_owned();
    }
    let (existing, slug_taken): (Option<(String, String)>, bool) = conn
        .prepare_cached(
            "SELECT (SELECT id FROM articles WHERE content_hash = ?1 AND deleted_at IS NULL), \
                    (SELECT slug FROM articles WHERE content_hash = ?1 AND deleted_at IS NULL), \
                    EXISTS (SELECT 1 FROM articles WHERE slug = ?2)",
        )?
        .query_row((&article.content_hash, &slug), |row| {
            let id: Option<String> = row.get(0)?;
            let slug: Option<String> = row.get(1)?;
            Ok((id.zip(slug), row.get(2)?))
        })?;
    if let Some((id, slug)) = existing {
        return Ok(Written::Duplicate(BatchInserted {
            id,
            slug,
            duplicate: true,
        }));
    }
    if slug_taken {
        slug = format!(
            "{slug}-{}",
            id[id.len().saturating_sub(6)..].to_ascii_lowercase()
        );
    }
    let now = now_timestamp();
    let published_at = article.published_at.map(format_timestamp);
    let sort_at = published_at.clone().unwrap_or_else(|| now.clone());
    let mut stored = Article {
        id,
        slug,
        status,
        title: article.title.clone(),
        summary: article.summary.clone(),
        kickers: article.kickers.clone(),
        language: article.language.clone(),
        script: article.script.clone(),
        lead_image: article.lead_image.clone(),
        blocks: article.blocks.clone(),
        body_text: article.body_text.clone(),
        word_count: article.word_count as i64,
        reading_time_minutes: i64::from(article.reading_time_minutes),
        published_at,
        published_at_source: article.published_at_source.map(|s| s.as_str().to_owned()),
        url: article.url.clone(),
        source_domain: article.source_domain.clone(),
        authors: article.authors.clone(),
        tags: Vec::new(),
        entities: Vec::new(),
        content_hash: article.content_hash.clone(),
        created_at: now.clone(),
        updated_at: now.clone(),
        removed: article.removed.clone(),
        version: 1,
        sort_at,
    };
    conn.prepare_cached(
        "INSERT INTO articles (id, slug, status, title, summary, kickers, language, script, lead_image, \
         blocks, word_count, reading_time_minutes, published_at, published_at_source, sort_at, url, \
         source_domain, authors, content_hash, removed, version, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
    )?
    .execute(rusqlite::params![
        stored.id,
        stored.slug,
        status.as_str(),
        stored.title,
        stored.summary,
        to_json(&stored.kickers),
        stored.language,
        stored.script,
        stored.lead_image.as_ref().map(to_json),
        to_json(&stored.blocks),
        stored.word_count,
        stored.reading_time_minutes,
        stored.published_at,
        stored.published_at_source,
        stored.sort_at,
        stored.url,
        stored.source_domain,
        to_json(&stored.authors),
        stored.content_hash,
        to_json(&stored.removed),
        now,
        now,
    ])?;
    let rowid = conn.last_insert_rowid();
    // The document shows tags and entities as stored: a known tag keeps its name, an entity its
    // curated name and first aliases.
    stored.tags = attach_tags(conn, &stored.id, &article.tags, &now)?;
    stored.entities =
        entities::link_article_entities(conn, memo, &stored.id, &article.entities, &now)?;
    let facets = facets_of(
        conn,
        &stored.id,
        &stored.language,
        stored.source_domain.as_deref(),
    )?;
    write_fts_row(conn, rowid, fts_row, &facets, false)?;
    docs::keep_new(conn, rowid, &stored)?;
    webhooks::record_article_event(conn, None, Some(status), &stored)?;
    Ok(Written::Created(Box::new(stored)))
}

/// Links tags by display name, creating the ones that do not exist (unique by slug), in order;
/// answers them as stored.
pub(crate) fn attach_tags(
    conn: &rusqlite::Connection,
    article_id: &str,
    names: &[String],
    now: &str,
) -> StoreResult<Vec<TagRef>> {
    // Single-row statements only: one that may write several rows and fail halfway opens a
    // statement savepoint, and FTS5 writes out its pending index at every savepoint.
    let mut create = conn.prepare_cached(
        "INSERT INTO tags (slug, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) \
         ON CONFLICT (slug) DO NOTHING",
    )?;
    let mut find = conn.prepare_cached("SELECT id, name FROM tags WHERE slug = ?")?;
    let mut link = conn.prepare_cached(
        "INSERT OR IGNORE INTO article_tags (article_id, tag_id, position, sort_at) \
         VALUES (?1, ?2, ?3, (SELECT sort_at FROM articles WHERE id = ?1))",
    )?;
    let mut tags: Vec<TagRef> = Vec::new();
    for name in names {
        let Some(display) = normalize::normalize_tag_name(name) else {
            continue;
        };
        let slug = normalize::tag_slug(&display);
        if slug.is_empty() || tags.iter().any(|t| t.slug == slug) {
            continue;
        }
        create.execute((&slug, &display, now))?;
        let (tag_id, name): (i64, String) =
            find.query_row([&slug], |row| Ok((row.get(0)?, row.get(1)?)))?;
        link.execute((article_id, tag_id, tags.len() as i64))?;
        tags.push(TagRef { slug, name });
    }
    Ok(tags)
}

/// Kickers and image alt text: searchable, but not part of the body.
fn fts_extra(kickers: &[String], lead_image: Option<&Image>) -> String {
    let mut extra = kickers.join("\n");
    if let Some(alt) = lead_image.and_then(|i| i.alt.as_deref()) {
        extra.push('\n');
        extra.push_str(alt);
    }
    extra
}

/// The searchable fields of an article.
struct FtsText<'a> {
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    extra: String,
}

impl<'a> FtsText<'a> {
    fn of(article: &'a Article) -> FtsText<'a> {
        FtsText::new(
            &article.title,
            article.summary.as_deref(),
            &article.body_text,
            &article.kickers,
            article.lead_image.as_ref(),
        )
    }

    /// The fields a normalized article will be stored with (the stored article's are the same).
    fn of_normalized(article: &'a NormalizedArticle) -> FtsText<'a> {
        FtsText::new(
            &article.title,
            article.summary.as_deref(),
            &article.body_text,
            &article.kickers,
            article.lead_image.as_ref(),
        )
    }

    fn new(
        title: &'a str,
        summary: Option<&'a str>,
        body: &'a str,
        kickers: &[String],
        lead_image: Option<&Image>,
    ) -> FtsText<'a> {
        FtsText {
            title,
            summary: summary.unwrap_or(""),
            body,
            extra: fts_extra(kickers, lead_image),
        }
    }
}

/// An article's full-text row: each searchable field as written, then the marked stems of its
/// words that are not their own stem (migration 0011; [`text_with_marked_stems`]). A batch makes
/// the rows before it takes the writer, so the one writer thread spends its time on SQLite only.
struct FtsRow {
    title: String,
    summary: String,
    body: String,
    extra: String,
}

impl FtsRow {
    fn of(text: &FtsText<'_>) -> FtsRow {
        let column = |text: &str| text_with_marked_stems(text, FTS_STEM_MARK);
        FtsRow {
            title: column(text.title),
            summary: column(text.summary),
            body: column(text.body),
            extra: column(&text.extra),
        }
    }

    fn of_normalized(article: &NormalizedArticle) -> FtsRow {
        FtsRow::of(&FtsText::of_normalized(article))
    }
}

/// Writes an article's full-text row (`replace`: over the one it had), with its facets as its
/// links stand in this transaction.
fn write_fts(
    conn: &rusqlite::Connection,
    rowid: i64,
    article: &Article,
    replace: bool,
) -> StoreResult<()> {
    let facets = facets_of(
        conn,
        &article.id,
        &article.language,
        article.source_domain.as_deref(),
    )?;
    write_fts_row(
        conn,
        rowid,
        &FtsRow::of(&FtsText::of(article)),
        &facets,
        replace,
    )
}

fn write_fts_row(
    conn: &rusqlite::Connection,
    rowid: i64,
    row: &FtsRow,
    facets: &str,
    replace: bool,
) -> StoreResult<()> {
    if replace {
        conn.prepare_cached("DELETE FROM articles_fts WHERE rowid = ?")?
            .execute([rowid])?;
    }
    conn.prepare_cached(
        "INSERT INTO articles_fts (rowid, title, summary, body, extra, facets) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(rusqlite::params![
        rowid,
        row.title,
        row.summary,
        row.body,
        row.extra,
        facets,
    ])?;
    Ok(())
}

/// An article's `facets` column (migration 0012): a token for its language, its source, and
/// each tag and entity it is linked to now (in this transaction). Every write of a full-text
/// row goes through here, so the facets follow the links whenever the row is written; a link
/// change that does not write the row (a tag deleted, an entity merged away) leaves a token
/// that the statements' EXISTS filters pass over (see [`filter_facets`]).
fn facets_of(
    conn: &rusqlite::Connection,
    article_id: &str,
    language: &str,
    source: Option<&str>,
) -> StoreResult<String> {
    let mut out = facet_language(language);
    if let Some(source) = source {
        out.push(' ');
        out.push_str(&facet_source(source));
    }
    let mut tags = conn.prepare_cached("SELECT tag_id FROM article_tags WHERE article_id = ?")?;
    for tag_id in tags.query_map([article_id], |row| row.get::<_, i64>(0))? {
        out.push(' ');
        out.push_str(&facet_tag(tag_id?));
    }
    let mut entities =
        conn.prepare_cached("SELECT entity_id FROM article_entities WHERE article_id = ?")?;
    for entity_id in entities.query_map([article_id], |row| row.get::<_, String>(0))? {
        out.push(' ');
        out.push_str(&facet_entity(&entity_id?));
    }
    Ok(out)
}

/// Writes the full-text row of a stored article anew from its fields and links (after a
/// change of its links that did not write it, or an upgrade of the index). Answers whether the
/// article is live (a deleted one has no row).
pub(super) fn reindex_article(conn: &rusqlite::Connection, rowid: i64) -> StoreResult<bool> {
    let row = conn
        .prepare_cached(
            "SELECT id, title, summary, kickers, lead_image, blocks, language, source_domain \
             FROM articles WHERE rowid = ? AND deleted_at IS NULL",
        )?
        .query_row([rowid], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let Some((id, title, summary, kickers, lead_image, blocks, language, source)) = row else {
        return Ok(false);
    };
    let blocks: Vec<Block> = from_json(blocks)?;
    let kickers: Vec<String> = from_json(kickers)?;
    let lead_image: Option<Image> = lead_image.map(from_json).transpose()?;
    let body = normalize::render_body_text(&blocks);
    let text = FtsText::new(
        &title,
        summary.as_deref(),
        &body,
        &kickers,
        lead_image.as_ref(),
    );
    let facets = facets_of(conn, &id, &language, source.as_deref())?;
    write_fts_row(conn, rowid, &FtsRow::of(&text), &facets, true)?;
    Ok(true)
}

/// Articles the search index holds in an older form, indexed a batch at a time.
const REINDEX_BATCH: i64 = 200;

impl SqliteStore {
    /// Indexes the articles `articles_search_pending` lists (all live ones, after migration
    /// 0009, 0011 or 0012 made the index anew), a batch a transaction, so an interrupted run goes on where it
    /// stopped. Answers how many it indexed.
    pub(crate) async fn reindex_pending(&self) -> StoreResult<u64> {
        let mut indexed = 0u64;
        loop {
            let conn = self.write.acquire().await?;
            let done = handle::on_handle_blocking(conn, move |conn| {
                let tx =
                    rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
                let rowids: Vec<i64> = tx
                    .prepare(
                        "SELECT article_rowid FROM articles_search_pending \
                         ORDER BY article_rowid LIMIT ?",
                    )?
                    .query_map([REINDEX_BATCH], |row| row.get(0))?
                    .collect::<Result<_, _>>()?;
                let mut indexed = 0u64;
                for rowid in &rowids {
                    if reindex_article(&tx, *rowid)? {
                        indexed += 1;
                    }
                    tx.prepare_cached(
                        "DELETE FROM articles_search_pending WHERE article_rowid = ?",
                    )?
                    .execute([rowid])?;
                }
                tx.commit()?;
                Ok((rowids.is_empty(), indexed))
            })
            .await?;
            indexed += done.1;
            if done.0 {
                break;
            }
        }
        if indexed > 0 {
            // A bulk load leaves the index in many segments (one or more a batch), which every
            // search then walks, each term looked up in each: merged once, as after a seed.
            self.optimize_search_index().await?;
            self.bump_generation();
            tracing::info!(
                articles = indexed,
                "indexed stored articles for search (stems and facets)"
            );
        }
        Ok(indexed)
    }
}

/// The column `entities_json` of the article `a`: its entities (most salient first) with their
/// first aliases.
fn entities_column() -> String {
    format!(
        "(SELECT json_group_array(json_object('id', id, 'slug', slug, 'name', name, 'type', type, \
                 'aliases', json(aliases), 'mentions', mentions, 'salience', salience)) \
            FROM (SELECT e.id, e.slug, e.name, e.type, ae.mentions, ae.salience, \
                    (SELECT json_group_array(alias) FROM (SELECT alias FROM entity_aliases \
                       WHERE entity_id = e.id ORDER BY rowid LIMIT {ALIASES_IN_ARTICLE})) AS aliases \
                  FROM article_entities ae JOIN entities e ON e.id = ae.entity_id \
                  WHERE ae.article_id = a.id \
                  ORDER BY ae.salience DESC, ae.mentions DESC, ae.first_position, e.id)) AS entities_json"
    )
}

/// Loads a live article whole (any status).
pub(super) async fn load_article(
    conn: &mut SqliteConnection,
    id_or_slug: &str,
) -> StoreResult<Option<Article>> {
    // One round trip: the row (its blocks a JSON column), with its tags and entities as JSON arrays.
    let sql = format!(
        "SELECT {ARTICLE_COLUMNS}, \
           (SELECT json_group_array(json_object('slug', slug, 'name', name)) \
              FROM (SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                    WHERE at.article_id = a.id ORDER BY at.position)) AS tags_json, \
           {} \
         FROM articles a WHERE (a.id = ?1 OR a.slug = ?1) AND a.deleted_at IS NULL",
        entities_column()
    );
    let Some(row) = sqlx::query(&sql)
        .bind(id_or_slug)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut article = article_from_row(&row)?;
    article.tags = from_json(row.try_get("tags_json")?)?;
    article.entities = from_json(row.try_get("entities_json")?)?;
    Ok(Some(article))
}

fn status_from_row(row: &SqliteRow) -> StoreResult<ArticleStatus> {
    let status: String = row.try_get("status")?;
    ArticleStatus::parse(&status)
        .ok_or_else(|| StoreError::Database(format!("unknown status `{status}`")))
}

/// The lead image column (JSON or NULL).
fn lead_image_from_row(row: &SqliteRow) -> StoreResult<Option<Image>> {
    row.try_get::<Option<String>, _>("lead_image")?
        .map(from_json)
        .transpose()
}

fn article_from_row(row: &SqliteRow) -> StoreResult<Article> {
    let blocks: Vec<Block> = from_json(row.try_get("blocks")?)?;
    Ok(Article {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        status: status_from_row(row)?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        kickers: from_json(row.try_get("kickers")?)?,
        language: row.try_get("language")?,
        script: row.try_get("script")?,
        lead_image: lead_image_from_row(row)?,
        body_text: normalize::render_body_text(&blocks),
        blocks,
        word_count: row.try_get("word_count")?,
        reading_time_minutes: row.try_get("reading_time_minutes")?,
        published_at: row.try_get("published_at")?,
        published_at_source: row.try_get("published_at_source")?,
        url: row.try_get("url")?,
        source_domain: row.try_get("source_domain")?,
        authors: from_json(row.try_get("authors")?)?,
        tags: Vec::new(),
        entities: Vec::new(),
        content_hash: row.try_get("content_hash")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        removed: from_json(row.try_get("removed")?)?,
        version: row.try_get("version")?,
        sort_at: row.try_get("sort_at")?,
    })
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(text: String) -> StoreResult<T> {
    serde_json::from_str(&text).map_err(|e| StoreError::Database(format!("stored JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, Envelope};
    use crate::store::articles::{After, ArticleOrder, ArticleQuery};
    use crate::store::search::SearchExpr;
    use crate::store::StoreOptions;
    use time::OffsetDateTime;

    /// Articles where the search word sits in the title, the body, or both, a varying number of
    /// times, so the weighted ranking differs from FTS5's unweighted one.
    async fn store_with_harbour_articles() -> SqliteStore {
        let store = SqliteStore::open(&StoreOptions::new("sqlite::memory:"))
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        for n in 0..24 {
            let in_title = if n % 3 == 0 { " at the harbour" } else { "" };
            let repeats = "The harbour board met again. ".repeat(n % 5);
            let envelope = Envelope {
                text: format!(
                    "Council story number {n}{in_title}\n\nThe council met on Tuesday to discuss \
                     the budget for roads and schools, item {n}. {repeats}Members agreed to \
                     publish the plan before the recess."
                ),
                ..Envelope::default()
            };
            let article = normalize(&envelope, now).unwrap();
            let status = if n == 7 {
                ArticleStatus::Draft
            } else {
                ArticleStatus::Published
            };
            store.insert_article(&article, status).await.unwrap();
        }
        store
    }

    #[tokio::test]
    async fn a_batch_stores_each_article_whole_with_its_document_or_not_at_all() {
        let store = SqliteStore::open(&StoreOptions::new("sqlite::memory:"))
            .await
            .unwrap();
        // The fifth article (the first English seed) fails at its last write, its document,
        // when everything else of it is written.
        sqlx::query(
            "CREATE TEMP TRIGGER refuse AFTER INSERT ON article_docs \
             WHEN (SELECT title FROM articles WHERE rowid = NEW.article_rowid) LIKE '%WeWork%' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        )
        .execute(&store.write)
        .await
        .unwrap();
        let now = OffsetDateTime::now_utc();
        let mut batch: Vec<(NormalizedArticle, ArticleStatus)> = (0..8)
            .map(|n| {
                let article = normalize(&crate::seed::seed_envelope(n), now).unwrap();
                (article, ArticleStatus::Published)
            })
            .collect();
        batch.push(batch[1].clone());
        let results = store.insert_articles(batch).await.unwrap();

        let refused: Vec<bool> = results.iter().map(Result::is_err).collect();
        assert_eq!(
            refused,
            [false, false, false, false, true, false, false, false, false]
        );
        let stored: Vec<&BatchInserted> = results.iter().flatten().collect();
        assert_eq!(stored[7].id, stored[1].id, "the repeat is the same article");
        assert!(stored[7].duplicate && !stored[1].duplicate);
        // A kept document is the article as assembled from its tables. An earlier article's
        // may have been dropped because a later one gave its entities new aliases; the last
        // article's is there, and refilling restores the others.
        let kept_as_assembled = |missing_ok: bool| {
            let store = store.clone();
            let ids: Vec<String> = stored[..7].iter().map(|i| i.id.clone()).collect();
            async move {
                for (n, id) in ids.iter().enumerate() {
                    let mut conn = store.write.acquire().await.unwrap();
                    let assembled = load_article(&mut conn, id).await.unwrap().unwrap();
                    drop(conn);
                    assert!(!assembled.blocks.is_empty() && !assembled.entities.is_empty());
                    let (body, etag) = docs::render(&assembled);
                    match store.get_article_doc(id, true).await.unwrap() {
                        Some(doc) => {
                            assert_eq!(doc.etag, etag, "article {n}");
                            assert!(doc.body == body, "article {n}");
                        }
                        None => assert!(missing_ok && n < 6, "article {n} has no document"),
                    }
                }
            }
        };
        kept_as_assembled(true).await;
        store.fill_missing_docs(100).await.unwrap();
        kept_as_assembled(false).await;
        // Nothing of the refused article remains.
        let counts: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM articles), \
                    (SELECT count(*) FROM articles WHERE json_array_length(blocks) > 0), \
                    (SELECT count(DISTINCT article_id) FROM article_tags), \
                    (SELECT count(DISTINCT article_id) FROM article_entities), \
                    (SELECT count(*) FROM articles_fts_docsize), \
                    (SELECT count(*) FROM article_docs)",
        )
        .fetch_one(&store.write)
        .await
        .unwrap();
        assert_eq!(counts, (7, 7, 7, 7, 7, 7));

        // Merging the full-text index into one segment keeps every match.
        let matches = || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'पुतिन OR state'",
            )
            .fetch_one(&store.write)
            .await
            .unwrap()
        };
        let before = matches().await;
        assert!(before > 0);
        store.optimize_search_index().await.unwrap();
        assert_eq!(matches().await, before);
    }

    async fn walk(store: &SqliteStore, limit: u32, window: u32) -> Vec<(i64, f64)> {
        let mut query = ArticleQuery {
            search: SearchExpr::parse("harbour").ok(),
            order: Some(ArticleOrder::Relevance),
            limit,
            ..ArticleQuery::default()
        };
        let mut seen = Vec::new();
        // A cursor that does not move on would loop; no walk needs more pages than articles.
        for _ in 0..=24 {
            let page = store.list_articles_with(&query, window).await.unwrap();
            seen.extend(page.items.iter().map(|a| (a.rowid, a.rank.unwrap())));
            match (page.has_more, page.items.last()) {
                (true, Some(last)) => {
                    query.after = Some(After::Rank {
                        rank: last.rank.unwrap(),
                        rowid: last.rowid,
                    })
                }
                _ => return seen,
            }
        }
        panic!("the cursor did not move on: {seen:?}");
    }

    #[tokio::test]
    async fn published_matches_ranked_below_many_drafts_are_found() {
        // Ten drafts rank above every published match (the word in their titles, thrice in
        // their bodies): more than a capped page reads (twice a page and one).
        let store = SqliteStore::open(&StoreOptions::new("sqlite::memory:"))
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        for n in 0..13 {
            let draft = n < 10;
            let text = if draft {
                format!(
                    "Harbour draft number {n}\n\nThe harbour board met. The harbour rates rose. \
                     The harbour works went on through the week, item {n}."
                )
            } else {
                format!(
                    "Council story number {n}\n\nThe council met on Tuesday to discuss the \
                     budget, the harbour among the items, item {n}, before the recess."
                )
            };
            let envelope = Envelope {
                text,
                ..Envelope::default()
            };
            let article = normalize(&envelope, now).unwrap();
            let status = if draft {
                ArticleStatus::Draft
            } else {
                ArticleStatus::Published
            };
            store.insert_article(&article, status).await.unwrap();
        }
        for limit in [1, 2, 3, 20] {
            assert_eq!(walk(&store, limit, 0).await.len(), 3, "limit {limit}");
        }
        let mut drafts = ArticleQuery {
            search: SearchExpr::parse("harbour").ok(),
            order: Some(ArticleOrder::Relevance),
            statuses: vec![ArticleStatus::Draft],
            limit: 2,
            ..ArticleQuery::default()
        };
        let page = store.list_articles(&drafts).await.unwrap();
        assert_eq!((page.items.len(), page.has_more), (2, true));
        drafts.limit = 100;
        assert_eq!(store.list_articles(&drafts).await.unwrap().items.len(), 10);
    }

    #[tokio::test]
    async fn a_search_of_exclusions_only_asked_by_relevance_is_listed_newest_first() {
        let store = store_with_harbour_articles().await;
        // With a filter too: the filter's facet alone would be ranked, the exclusion lost.
        for (order, language) in [
            (ArticleOrder::Relevance, None),
            (ArticleOrder::Relevance, Some("en".to_owned())),
            (ArticleOrder::NewestFirst, Some("en".to_owned())),
        ] {
            let query = ArticleQuery {
                search: SearchExpr::parse("-harbour").ok(),
                order: Some(order),
                language,
                limit: 100,
                ..ArticleQuery::default()
            };
            let page = store.list_articles(&query).await.unwrap();
            // Stories 5, 10 and 20 never name the harbour.
            let rowids: Vec<i64> = page.items.iter().map(|a| a.rowid).collect();
            assert_eq!(rowids.len(), 3, "{order:?}: {rowids:?}");
            assert!(
                rowids.windows(2).all(|w| w[0] > w[1]),
                "{order:?}: {rowids:?}"
            );
            assert!(page.items.iter().all(|a| a.rank.is_none()), "{order:?}");
        }
    }

    #[tokio::test]
    async fn relevance_pages_rank_the_newest_matches_of_the_window_in_the_whole_order() {
        let store = store_with_harbour_articles().await;
        let whole = walk(&store, 100, 0).await;
        let mentioning = (0..24)
            .filter(|n| *n != 7 && (n % 3 == 0 || n % 5 != 0))
            .count();
        assert_eq!(whole.len(), mentioning);
        assert!(whole.windows(2).all(|w| w[0].1 <= w[1].1), "{whole:?}");
        for limit in [3, 2, 5, 1, 4] {
            assert_eq!(walk(&store, limit, 0).await, whole, "limit {limit}");
        }
        // A window of the 6 newest stored matches (the draft may take a place): those of the
        // whole ranking stored last, in the same order, the same on every walk.
        let windowed = walk(&store, 100, 6).await;
        let floor: i64 = sqlx::query_scalar(
            "SELECT min(rowid) FROM (SELECT rowid FROM articles_fts \
             WHERE articles_fts MATCH 'harbour' ORDER BY rowid DESC LIMIT 6)",
        )
        .fetch_one(&store.read)
        .await
        .unwrap();
        let in_whole_order: Vec<(i64, f64)> = whole
            .iter()
            .filter(|(rowid, _)| *rowid >= floor)
            .cloned()
            .collect();
        assert!((5..=6).contains(&windowed.len()), "{windowed:?}");
        assert_eq!(windowed, in_whole_order);
        for limit in [2, 1, 5] {
            assert_eq!(walk(&store, limit, 6).await, windowed);
        }
    }
}
