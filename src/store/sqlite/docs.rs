//! Rendered articles kept in the database: each live article's JSON and ETag, as
//! `GET /v1/articles/{id}` answers it, so a read is one row instead of assembling blocks, tags and
//! entities. Written in the transaction that stores or changes the article; deleted in the
//! transaction of any change that alters what other articles show (an entity renamed, retyped or
//! merged, a tag renamed or deleted, a new alias among an entity's first few). A missing row is
//! never wrong: the read then assembles the article, and [`SqliteStore::fill_missing_docs`] renders it.

use sqlx::SqliteConnection;

use super::articles::{load_article, Article, ArticleStatus};
use super::{SqliteStore, StoreError, StoreResult};
pub(crate) use crate::store::docs::{render, ArticleDoc};

/// Renders and keeps the document of an article just stored or changed on `conn`.
pub(super) async fn save(conn: &mut SqliteConnection, article_id: &str) -> StoreResult<()> {
    let article = load_article(conn, article_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("article `{article_id}`")))?;
    save_rendered(conn, &article).await
}

/// Keeps the document of an article already loaded on `conn`.
pub(super) async fn save_rendered(
    conn: &mut SqliteConnection,
    article: &Article,
) -> StoreResult<()> {
    let (body, etag) = render(article);
    sqlx::query(
        "INSERT OR REPLACE INTO article_docs (article_rowid, etag, doc) \
         SELECT rowid, ?2, ?3 FROM articles WHERE id = ?1",
    )
    .bind(&article.id)
    .bind(etag)
    .bind(body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps the document of an article just created on the connection's handle.
pub(super) fn keep_new(
    conn: &rusqlite::Connection,
    rowid: i64,
    article: &Article,
) -> StoreResult<()> {
    let (body, etag) = render(article);
    // A plain insert: OR REPLACE would open a statement savepoint (see `attach_tags`).
    conn.prepare_cached("INSERT INTO article_docs (article_rowid, etag, doc) VALUES (?, ?, ?)")?
        .execute((rowid, etag, body))?;
    Ok(())
}

/// Forgets the document of one article.
pub(super) async fn forget_article(
    conn: &mut SqliteConnection,
    article_id: &str,
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM article_docs WHERE article_rowid = (SELECT rowid FROM articles WHERE id = ?)",
    )
    .bind(article_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets the documents of every article that shows this entity.
pub(super) fn forget_linked_to_entity(
    conn: &rusqlite::Connection,
    entity_id: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "DELETE FROM article_docs WHERE article_rowid IN \
         (SELECT a.rowid FROM article_entities ae JOIN articles a ON a.id = ae.article_id \
          WHERE ae.entity_id = ?)",
    )?
    .execute([entity_id])?;
    Ok(())
}

/// Forgets the documents of every article that carries this tag.
pub(super) async fn forget_linked_to_tag(
    conn: &mut SqliteConnection,
    slug: &str,
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM article_docs WHERE article_rowid IN (SELECT a.rowid FROM article_tags at \
         JOIN articles a ON a.id = at.article_id JOIN tags t ON t.id = at.tag_id WHERE t.slug = ?)",
    )
    .bind(slug)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const DOC_SQL: &str = "SELECT a.status, d.etag, d.doc FROM articles a \
     JOIN article_docs d ON d.article_rowid = a.rowid \
     WHERE (a.id = ?1 OR a.slug = ?1) AND a.deleted_at IS NULL";

impl SqliteStore {
    /// The kept document of the live article with this id or slug, if there is one. Drafts only
    /// when `include_drafts`.
    pub async fn get_article_doc(
        &self,
        id_or_slug: &str,
        include_drafts: bool,
    ) -> StoreResult<Option<ArticleDoc>> {
        // One index probe and one row, on the calling thread.
        let row: Option<(String, String, Vec<u8>)> = self
            .read_on_thread(false, |conn| {
                use rusqlite::OptionalExtension;
                Ok(conn
                    .prepare_cached(DOC_SQL)?
                    .query_row([id_or_slug], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .optional()?)
            })
            .await?;
        let Some((status, etag, body)) = row else {
            return Ok(None);
        };
        let status = ArticleStatus::parse(&status)
            .ok_or_else(|| StoreError::Database(format!("unknown status `{status}`")))?;
        Ok(
            (include_drafts || status == ArticleStatus::Published).then_some(ArticleDoc {
                status,
                etag,
                body,
            }),
        )
    }

    /// Renders up to `batch` live articles that have no kept document (after an upgrade, or
    /// after a change that made others' documents stale); answers how many it rendered.
    pub async fn fill_missing_docs(&self, batch: u32) -> StoreResult<usize> {
        // Two counts on the read pool settle the usual case (nothing missing) without the
        // writer's lock.
        let (live, kept): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM articles WHERE deleted_at IS NULL), \
                    (SELECT count(*) FROM article_docs)",
        )
        .fetch_one(&self.read)
        .await?;
        if live <= kept {
            return Ok(0);
        }
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT a.id FROM articles a WHERE a.deleted_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM article_docs d WHERE d.article_rowid = a.rowid) \
             LIMIT ?",
        )
        .bind(i64::from(batch))
        .fetch_all(&mut *tx)
        .await?;
        for id in &ids {
            save(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }
}
