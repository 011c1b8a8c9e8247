//! Rendered articles kept in the database (see the SQLite backend's `docs`): written in the
//! transaction that stores or changes an article, forgotten by any change that alters what
//! other articles show. A missing row is never wrong: the read then assembles the article.

use sqlx::PgConnection;

use super::articles::load_article;
use super::copy_rows::CopyRows;
use super::PgStore;
use crate::store::articles::{Article, ArticleStatus};
use crate::store::docs::{render, ArticleDoc};
use crate::store::{StoreError, StoreResult};

/// Renders and keeps the document of an article just changed on `conn`.
pub(super) async fn save(conn: &mut PgConnection, article_id: &str) -> StoreResult<()> {
    let article = load_article(conn, article_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("article `{article_id}`")))?;
    save_rendered(conn, &article).await
}

/// Keeps the document of an article already loaded on `conn`.
pub(super) async fn save_rendered(conn: &mut PgConnection, article: &Article) -> StoreResult<()> {
    let (body, etag) = render(article);
    sqlx::query(
        "INSERT INTO article_docs (article_id, etag, doc) VALUES ($1, $2, $3) \
         ON CONFLICT (article_id) DO UPDATE SET etag = excluded.etag, doc = excluded.doc",
    )
    .bind(&article.id)
    .bind(etag)
    .bind(body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps the documents of articles just created, one statement for all (a `COPY`: the
/// documents are the largest values of a batch).
pub(super) async fn keep_new(conn: &mut PgConnection, articles: &[Article]) -> StoreResult<()> {
    let mut rows = CopyRows::with_capacity(articles.len() * 16 * 1024);
    for article in articles {
        let (body, etag) = render(article);
        rows.row(3);
        rows.text(&article.id)?;
        rows.text(&etag)?;
        rows.bytes(&body)?;
    }
    rows.send(
        conn,
        "COPY article_docs (article_id, etag, doc) FROM STDIN (FORMAT binary)",
    )
    .await?;
    Ok(())
}

impl PgStore {
    /// The kept document of the live article with this id or slug, if there is one. Drafts only
    /// when `include_drafts`.
    pub async fn get_article_doc(
        &self,
        id_or_slug: &str,
        include_drafts: bool,
    ) -> StoreResult<Option<ArticleDoc>> {
        let row: Option<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT a.status, d.etag, d.doc FROM articles a JOIN article_docs d ON d.article_id = a.id \
             WHERE (a.id = $1 OR a.slug = $1) AND a.deleted_at IS NULL",
        )
        .bind(id_or_slug)
        .fetch_optional(&self.pool)
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

    /// Renders up to `batch` live articles that have no kept document; answers how many. The
    /// articles, and the entities and tags they show, are locked while their documents are made,
    /// so a change made meanwhile (by any app server) either waits or is seen.
    pub async fn fill_missing_docs(&self, batch: u32) -> StoreResult<usize> {
        let missing: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM articles a WHERE a.deleted_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM article_docs d WHERE d.article_id = a.id))",
        )
        .fetch_one(&self.pool)
        .await?;
        if !missing {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT a.id FROM articles a WHERE a.deleted_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM article_docs d WHERE d.article_id = a.id) \
             ORDER BY a.id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind(i64::from(batch))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "SELECT 1 FROM entities WHERE id IN \
             (SELECT entity_id FROM article_entities WHERE article_id = ANY($1)) \
             ORDER BY id FOR SHARE",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "SELECT 1 FROM tags WHERE id IN \
             (SELECT tag_id FROM article_tags WHERE article_id = ANY($1)) ORDER BY id FOR SHARE",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        for id in &ids {
            save(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }
}
