//! Tags: unique by slug, with a display name; from kickers, envelopes and editors.

use sqlx::Row;

use super::articles::Page;
use super::time::now_timestamp;
use super::{SqliteStore, StoreError, StoreResult};
use crate::normalize;
use crate::store::tags::TAG_PUBLIC_SQL;
pub(crate) use crate::store::tags::{Tag, TagOrder, TagQuery};

const TAG_ARTICLE_COUNT: &str =
    "(SELECT count(*) FROM article_tags at JOIN articles a ON a.id = at.article_id \
     WHERE at.tag_id = t.id AND a.deleted_at IS NULL AND a.status = 'published')";

impl SqliteStore {
    pub async fn get_tag(&self, slug: &str) -> StoreResult<Tag> {
        let sql = format!(
            "SELECT t.slug, t.name, t.created_at, t.updated_at, {TAG_ARTICLE_COUNT} AS article_count \
             FROM tags t WHERE t.slug = ?"
        );
        let row = sqlx::query(&sql)
            .bind(slug)
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tag `{slug}`")))?;
        tag_from_row(&row)
    }

    /// Whether anonymous callers may see the tag (see [`TagQuery::published_only`]).
    pub async fn tag_is_public(&self, slug: &str) -> StoreResult<bool> {
        let sql = format!(
            "SELECT {TAG_ARTICLE_COUNT} > 0 OR {} FROM tags t WHERE t.slug = ?",
            TAG_PUBLIC_SQL.replace("{id}", "t.id")
        );
        let public: Option<bool> = sqlx::query_scalar(&sql)
            .bind(slug)
            .fetch_optional(&self.read)
            .await?;
        Ok(public.unwrap_or(false))
    }

    pub async fn list_tags(&self, query: &TagQuery) -> StoreResult<Page<Tag>> {
        let mut qb: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(format!(
            "SELECT * FROM (SELECT t.id, t.slug, t.name, t.created_at, t.updated_at, {TAG_ARTICLE_COUNT} AS article_count \
             FROM tags t WHERE 1 = 1"
        ));
        if let Some(prefix) = &query.prefix {
            let slug = normalize::tag_slug(prefix);
            let end = '\u{10FFFF}';
            qb.push(" AND ((t.slug >= ")
                .push_bind(slug.clone())
                .push(" AND t.slug < ")
                .push_bind(format!("{slug}{end}"))
                .push(") OR (lower(t.name) >= ")
                .push_bind(prefix.to_lowercase())
                .push(" AND lower(t.name) < ")
                .push_bind(format!("{}{end}", prefix.to_lowercase()))
                .push("))");
        }
        qb.push(") AS x WHERE 1 = 1");
        if query.published_only {
            qb.push(" AND (x.article_count > 0 OR ")
                .push(TAG_PUBLIC_SQL.replace("{id}", "x.id"))
                .push(")");
        }
        match (&query.after, query.order) {
            (Some((count, slug)), TagOrder::MostArticles) => {
                let count: i64 = count
                    .parse()
                    .map_err(|_| StoreError::Invalid("cursor".into()))?;
                qb.push(" AND (x.article_count < ")
                    .push_bind(count)
                    .push(" OR (x.article_count = ")
                    .push_bind(count)
                    .push(" AND x.slug > ")
                    .push_bind(slug.clone())
                    .push("))");
            }
            (Some((name, slug)), TagOrder::Name) => {
                qb.push(" AND (x.name, x.slug) > (")
                    .push_bind(name.clone())
                    .push(", ")
                    .push_bind(slug.clone())
                    .push(")");
            }
            (None, _) => {}
        }
        qb.push(match query.order {
            TagOrder::MostArticles => " ORDER BY x.article_count DESC, x.slug ASC",
            TagOrder::Name => " ORDER BY x.name ASC, x.slug ASC",
        });
        let limit = query.limit.max(1);
        qb.push(" LIMIT ").push_bind(i64::from(limit) + 1);
        let rows = qb.build().fetch_all(&self.read).await?;
        let has_more = rows.len() > limit as usize;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(tag_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, has_more })
    }

    /// Creates a tag; one with the same slug is a conflict.
    pub async fn create_tag(&self, name: &str) -> StoreResult<Tag> {
        let slug = normalize::tag_slug(name);
        if slug.is_empty() {
            return Err(StoreError::Invalid(
                "the tag name has no letters or digits".into(),
            ));
        }
        let now = now_timestamp();
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let done = sqlx::query(
            "INSERT INTO tags (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(&slug)
        .bind(name)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the tag `{slug}` already exists"
            )));
        }
        // Read in the same transaction: a delete right after the commit cannot make this a 500.
        let tag = load_tag(&mut tx, &slug).await?;
        tx.commit().await?;
        Ok(tag)
    }

    /// Renames a tag's display name; the slug stays.
    pub async fn rename_tag(&self, slug: &str, name: &str) -> StoreResult<Tag> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        super::docs::forget_linked_to_tag(&mut tx, slug).await?;
        let done = sqlx::query("UPDATE tags SET name = ?, updated_at = ? WHERE slug = ?")
            .bind(name)
            .bind(now_timestamp())
            .bind(slug)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("tag `{slug}`")));
        }
        let tag = load_tag(&mut tx, slug).await?;
        tx.commit().await?;
        self.bump_generation();
        Ok(tag)
    }

    /// Deletes a tag and detaches it from every article.
    pub async fn delete_tag(&self, slug: &str) -> StoreResult<()> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        super::docs::forget_linked_to_tag(&mut tx, slug).await?;
        let done = sqlx::query("DELETE FROM tags WHERE slug = ?")
            .bind(slug)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("tag `{slug}`")));
        }
        tx.commit().await?;
        self.bump_generation();
        Ok(())
    }
}

/// A tag as its writer's transaction sees it (the row was just written there).
async fn load_tag(conn: &mut sqlx::SqliteConnection, slug: &str) -> StoreResult<Tag> {
    let sql = format!(
        "SELECT t.slug, t.name, t.created_at, t.updated_at, {TAG_ARTICLE_COUNT} AS article_count \
         FROM tags t WHERE t.slug = ?"
    );
    let row = sqlx::query(&sql).bind(slug).fetch_one(&mut *conn).await?;
    tag_from_row(&row)
}

fn tag_from_row(row: &sqlx::sqlite::SqliteRow) -> StoreResult<Tag> {
    Ok(Tag {
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        article_count: row.try_get("article_count")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
