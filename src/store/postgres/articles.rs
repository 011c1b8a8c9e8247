//! Articles on PostgreSQL. A batch is written with one statement per table (arrays unnested in
//! the database), not one per row: the round trips of a statement per row would cost more than
//! the database's work. Each article is written whole or not at all; a batch that fails is
//! written again one article a transaction, so one bad article never undoes the others.

use std::collections::{HashMap, HashSet};

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};

use super::copy_rows::CopyRows;
use super::entities;
use super::search;
use super::{bump_version, is_retryable, with_retries, write_conflict, PgStore};
use crate::normalize::{self, Block, Image, NormalizedArticle};
use crate::store::articles::{
    After, Article, ArticleChanges, ArticleOrder, ArticleQuery, ArticleStatus, ArticleSummary,
    BatchInserted, IfMatch, Inserted, Page, TagRef,
};
use crate::store::entities::{EntityLookup, ALIASES_IN_ARTICLE};
use crate::store::time::{format_timestamp, now_timestamp};
use crate::store::{StoreError, StoreResult};

const ARTICLE_COLUMNS: &str = "a.seq AS rowid, a.id, a.slug, a.status, a.title, a.summary, a.kickers, a.language, \
     a.script, a.lead_image, a.blocks, a.word_count, a.reading_time_minutes, a.published_at, \
     a.published_at_source, a.sort_at, a.url, a.source_domain, a.authors, a.content_hash, a.removed, \
     a.version, a.created_at, a.updated_at";

const SUMMARY_COLUMNS: &str =
    "a.seq AS rowid, a.id, a.slug, a.status, a.title, a.summary, a.kickers, a.language, \
     a.script, a.lead_image, a.word_count, a.reading_time_minutes, a.published_at, a.sort_at, \
     a.source_domain, a.created_at, a.updated_at";

/// The tags of the article `a` as a JSON array, in their order.
const TAGS_JSON: &str =
    "(SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name) \
       ORDER BY at.position), '[]')::text \
     FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tags_json";

/// The relevance of the article `a` to the query `q` (lower is better, as FTS5's bm25).
const RANK_SQL: &str = "(-ts_rank(ARRAY[0.1, 0.3, 0.4, 1.0]::float4[], a.search, q.q, 1))::float8";

impl PgStore {
    /// Stores a normalized article whole, or answers the live article with the same content.
    pub async fn insert_article(
        &self,
        article: &NormalizedArticle,
        status: ArticleStatus,
    ) -> StoreResult<Inserted> {
        let one = [(article.clone(), status)];
        let written = with_retries(|| self.insert_chunk(&one))
            .await?
            .pop()
            .ok_or_else(|| StoreError::Database("no result for the article".into()))??;
        let stored = self.get_article(&written.id, true).await?;
        Ok(if written.duplicate {
            Inserted::Duplicate(stored)
        } else {
            Inserted::Created(stored)
        })
    }

    /// Stores many articles in one transaction; each is written whole or not at all, and one
    /// failing never undoes the others (the batch is then written again, one transaction each).
    pub async fn insert_articles(
        &self,
        articles: Vec<(NormalizedArticle, ArticleStatus)>,
    ) -> StoreResult<Vec<StoreResult<BatchInserted>>> {
        match with_retries(|| self.insert_chunk(&articles)).await {
            Ok(results) => Ok(results),
            Err(err @ StoreError::Unavailable(_)) if !is_retryable(&err) => Err(err),
            Err(err) if articles.len() == 1 => Ok(vec![Err(err)]),
            Err(_) => {
                let mut results = Vec::with_capacity(articles.len());
                for article in &articles {
                    let one = std::slice::from_ref(article);
                    let result = match with_retries(|| self.insert_chunk(one)).await {
                        Ok(mut written) => written.pop().ok_or_else(|| {
                            StoreError::Database("no result for the article".into())
                        })?,
                        Err(err @ StoreError::Unavailable(_)) if !is_retryable(&err) => {
                            return Err(err)
                        }
                        Err(err) => Err(err),
                    };
                    results.push(result);
                }
                Ok(results)
            }
        }
    }

    /// Writes articles in one transaction, all or none.
    async fn insert_chunk(
        &self,
        articles: &[(NormalizedArticle, ArticleStatus)],
    ) -> StoreResult<Vec<StoreResult<BatchInserted>>> {
        let mut tx = self.pool.begin().await?;
        let now = now_timestamp();

        // Already stored (the same content, live), and slugs taken.
        let hashes: Vec<String> = articles
            .iter()
            .map(|(a, _)| a.content_hash.clone())
            .collect();
        let bases: Vec<String> = articles
            .iter()
            .map(|(a, _)| {
                let slug = normalize::slugify(&a.title);
                if slug.is_empty() {
                    "article".to_owned()
                } else {
                    slug
                }
            })
            .collect();
        let stored: HashMap<String, (String, String)> = sqlx::query_as::<_, (String, String, String)>(
            "SELECT content_hash, id, slug FROM articles WHERE content_hash = ANY($1) AND deleted_at IS NULL",
        )
        .bind(&hashes)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(hash, id, slug)| (hash, (id, slug)))
        .collect();
        let taken: HashSet<String> =
            sqlx::query_scalar::<_, String>("SELECT slug FROM articles WHERE slug = ANY($1)")
                .bind(&bases)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();

        enum Plan {
            Stored(BatchInserted),
            SameAs(usize),
            New(usize),
        }
        let mut plans = Vec::with_capacity(articles.len());
        let mut fresh: Vec<Article> = Vec::new();
        let mut fresh_source: Vec<usize> = Vec::new();
        let mut hash_in_batch: HashMap<&str, usize> = HashMap::new();
        let mut slugs_in_batch: HashSet<String> = HashSet::new();
        for (n, ((article, status), base)) in articles.iter().zip(&bases).enumerate() {
            if let Some((id, slug)) = stored.get(&article.content_hash) {
                plans.push(Plan::Stored(BatchInserted {
                    id: id.clone(),
                    slug: slug.clone(),
                    duplicate: true,
                }));
                continue;
            }
            if let Some(first) = hash_in_batch.get(article.content_hash.as_str()) {
                plans.push(Plan::SameAs(*first));
                continue;
            }
            hash_in_batch.insert(&article.content_hash, n);
            let id = ulid::Ulid::new().to_string();
            let slug = if taken.contains(base) || !slugs_in_batch.insert(base.clone()) {
                crate::store::entities::slug_with_suffix(base, &id)
            } else {
                base.clone()
            };
            plans.push(Plan::New(fresh.len()));
            fresh.push(new_article(id, slug, article, *status, &now));
            fresh_source.push(n);
        }

        if !fresh.is_empty() {
            // Tags, created when missing, locked against renames until the commit.
            let wanted: Vec<Vec<(String, String)>> = fresh_source
                .iter()
                .map(|n| tag_names(&articles[*n].0.tags))
                .collect();
            let tags = ensure_tags(&mut tx, wanted.iter().flatten(), &now).await?;
            for (article, wanted) in fresh.iter_mut().zip(&wanted) {
                article.tags = wanted
                    .iter()
                    .filter_map(|(slug, _)| {
                        tags.get(slug).map(|(_, name)| TagRef {
                            slug: slug.clone(),
                            name: name.clone(),
                        })
                    })
                    .collect();
            }

            // Entities and aliases; then the articles, their links and documents.
            let extracted: Vec<&[normalize::ExtractedEntity]> = fresh_source
                .iter()
                .map(|n| articles[*n].0.entities.as_slice())
                .collect();
            let links = entities::resolve_and_link(&mut tx, &extracted, &now).await?;
            insert_rows(&mut tx, &fresh, &now).await?;
            let ids: Vec<&str> = fresh.iter().map(|a| a.id.as_str()).collect();
            link_tags(&mut tx, &fresh, &tags).await?;
            entities::insert_links(&mut tx, &ids, &links).await?;
            let mut linked: Vec<String> = links.iter().flatten().map(|l| l.0.clone()).collect();
            linked.sort_unstable();
            linked.dedup();
            let views = entities::views(&mut tx, &linked).await?;
            for (article, links) in fresh.iter_mut().zip(&links) {
                article.entities = entities::shown(links, &views);
            }
            super::docs::keep_new(&mut tx, &fresh).await?;
            super::webhooks::record_new_articles(&mut tx, &fresh).await?;
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;

        let outcome = |plan: &Plan| match plan {
            Plan::Stored(existing) => existing.clone(),
            Plan::New(k) => BatchInserted {
                id: fresh[*k].id.clone(),
                slug: fresh[*k].slug.clone(),
                duplicate: false,
            },
            // The first of the batch with this content is always new.
            Plan::SameAs(_) => BatchInserted {
                id: String::new(),
                slug: String::new(),
                duplicate: true,
            },
        };
        let mut results: Vec<BatchInserted> = plans.iter().map(outcome).collect();
        for (n, plan) in plans.iter().enumerate() {
            if let Plan::SameAs(first) = plan {
                let first = outcome(&plans[*first]);
                results[n] = BatchInserted {
                    duplicate: true,
                    ..first
                };
            }
        }
        Ok(results.into_iter().map(Ok).collect())
    }

    /// The live article with this id or slug. Drafts only when `include_drafts`.
    pub async fn get_article(
        &self,
        id_or_slug: &str,
        include_drafts: bool,
    ) -> StoreResult<Article> {
        let mut conn = self.pool.acquire().await?;
        match load_article(&mut conn, id_or_slug).await? {
            Some(a) if include_drafts || a.status == ArticleStatus::Published => Ok(a),
            _ => Err(StoreError::NotFound(format!("article `{id_or_slug}`"))),
        }
    }

    /// One page of articles matching a query.
    pub async fn list_articles(&self, query: &ArticleQuery) -> StoreResult<Page<ArticleSummary>> {
        let order = query.order.unwrap_or(ArticleOrder::NewestFirst);
        let limit = query.limit.max(1) as usize;
        let cursor_fits = match &query.after {
            None => true,
            Some(After::Rank { .. }) => order == ArticleOrder::Relevance,
            Some(After::Time { .. }) => order != ArticleOrder::Relevance,
        };
        if !cursor_fits {
            return Err(StoreError::Invalid(
                "the cursor belongs to a different sort order".into(),
            ));
        }
        let tsquery = match &query.search {
            Some(expr) => match search::query(expr) {
                Some(q) => Some(q),
                // A search with a group that holds no searchable token matches nothing.
                None => {
                    return Ok(Page {
                        items: Vec::new(),
                        has_more: false,
                    })
                }
            },
            None => None,
        };
        let mut conn = self.pool.acquire().await?;
        let rows = list_query(query, order, tsquery.as_deref(), self.search_window)
            .build()
            .fetch_all(&mut *conn)
            .await?;
        let has_more = rows.len() > limit;
        let items = rows
            .iter()
            .take(limit)
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, has_more })
    }

    /// Ids of live articles after `after`, in id order (for walking every article).
    pub async fn live_article_ids(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM articles WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The largest storage position now (the snapshot bound of a relevance search).
    pub async fn max_article_rowid(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT max(seq) FROM articles")
                .fetch_one(&self.pool)
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
        with_retries(|| self.update_article_once(id_or_slug, changes)).await
    }

    async fn update_article_once(
        &self,
        id_or_slug: &str,
        changes: &ArticleChanges,
    ) -> StoreResult<Article> {
        let mut tx = self.pool.begin().await?;
        let locked: Option<String> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE (id = $1 OR slug = $1) AND deleted_at IS NULL FOR UPDATE",
        )
        .bind(id_or_slug)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = locked else {
            return Err(StoreError::NotFound(format!("article `{id_or_slug}`")));
        };
        let current = load_article(&mut tx, &id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
        // Checked with the row locked: no other write can come between.
        if let Some(precondition) = &changes.if_match {
            precondition.check(&current)?;
        }
        let removed_entities = self.resolve_entity_ids(&changes.remove_entities).await?;
        let restored_entities = self.resolve_entity_ids(&changes.restore_entities).await?;
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
                "SELECT slug FROM articles WHERE content_hash = $1 AND deleted_at IS NULL AND id <> $2",
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
        let updated = sqlx::query(
            "UPDATE articles SET title = $1, summary = $2, status = $3, published_at = $4, \
             published_at_source = $5, sort_at = $6, blocks = $7, word_count = $8, \
             reading_time_minutes = $9, content_hash = $10, version = version + 1, updated_at = $11, \
             kickers = $13 WHERE id = $12",
        )
        .bind(&title)
        .bind(&summary)
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
        .bind(to_json(kickers))
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &updated {
            if db.code().as_deref() == Some("23505") {
                // Another writer stored the same text meanwhile: the check above decides.
                return Err(write_conflict("another writer stored the same text"));
            }
        }
        updated?;

        if changes.tags.is_some() || !changes.add_tags.is_empty() || !changes.remove_tags.is_empty()
        {
            let mut names: Vec<String> = match &changes.tags {
                Some(names) => names.clone(),
                None => current.tags.iter().map(|t| t.name.clone()).collect(),
            };
            names.extend(changes.add_tags.iter().cloned());
            let removed: Vec<String> = changes
                .remove_tags
                .iter()
                .map(|t| normalize::tag_slug(t))
                .collect();
            names.retain(|name| !removed.contains(&normalize::tag_slug(name)));
            sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
                .bind(&current.id)
                .execute(&mut *tx)
                .await?;
            let wanted = tag_names(&names);
            let tags = ensure_tags(&mut tx, wanted.iter(), &now).await?;
            let mut article = current.clone();
            article.tags = wanted
                .iter()
                .filter(|(slug, _)| tags.contains_key(slug))
                .map(|(slug, name)| TagRef {
                    slug: slug.clone(),
                    name: name.clone(),
                })
                .collect();
            link_tags(&mut tx, std::slice::from_ref(&article), &tags).await?;
        }
        sqlx::query(
            "DELETE FROM article_entity_exclusions WHERE article_id = $1 AND entity_id = ANY($2)",
        )
        .bind(&current.id)
        .bind(&restored_entities)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO article_entity_exclusions (article_id, entity_id, created_at) \
             SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
        )
        .bind(&current.id)
        .bind(&removed_entities)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if let Some(recomputed) = &changes.recomputed {
            sqlx::query("DELETE FROM article_entities WHERE article_id = $1")
                .bind(&current.id)
                .execute(&mut *tx)
                .await?;
            let links =
                entities::resolve_and_link(&mut tx, &[recomputed.entities.as_slice()], &now)
                    .await?;
            entities::insert_links(&mut tx, &[current.id.as_str()], &links).await?;
        }
        if changes.recomputed.is_some() || !removed_entities.is_empty() {
            unlink_excluded_entities(&mut tx, &current.id).await?;
        }
        let updated = load_article(&mut tx, &current.id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
        sqlx::query("UPDATE articles SET search = $1::tsvector WHERE id = $2")
            .bind(search_document(&updated))
            .bind(&updated.id)
            .execute(&mut *tx)
            .await?;
        super::docs::save_rendered(&mut tx, &updated).await?;
        super::webhooks::record_article_event(
            &mut tx,
            Some(current.status),
            Some(updated.status),
            &updated,
        )
        .await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// The live entities named by ids or slugs (a merged one as the entity it joined); an
    /// unknown one is an invalid request.
    async fn resolve_entity_ids(&self, ids_or_slugs: &[String]) -> StoreResult<Vec<String>> {
        let mut ids = Vec::with_capacity(ids_or_slugs.len());
        for id_or_slug in ids_or_slugs {
            let id = match self.find_entity(id_or_slug).await {
                Ok(EntityLookup::Live(id)) => id,
                Ok(EntityLookup::MergedInto { slug }) => {
                    sqlx::query_scalar("SELECT id FROM entities WHERE slug = $1")
                        .bind(slug)
                        .fetch_one(&self.pool)
                        .await?
                }
                Err(StoreError::NotFound(_)) => {
                    return Err(StoreError::Conflict(format!(
                        "there is no entity `{id_or_slug}`"
                    )))
                }
                Err(other) => return Err(other),
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Removes an article for good, live or deleted: its row, blocks, links, search entry, kept
    /// document and the saved answers of requests that created it. Tags and entities stay.
    pub async fn purge_article(&self, id_or_slug: &str) -> StoreResult<()> {
        with_retries(|| async {
            let mut tx = self.pool.begin().await?;
            let id: Option<String> = sqlx::query_scalar(
                "SELECT id FROM articles WHERE id = $1 OR slug = $1 LIMIT 1 FOR UPDATE",
            )
            .bind(id_or_slug)
            .fetch_optional(&mut *tx)
            .await?;
            let id = id.ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
            sqlx::query("DELETE FROM idempotency_keys WHERE location = $1")
                .bind(format!("/v1/articles/{id}"))
                .execute(&mut *tx)
                .await?;
            // Blocks, links, the kept document and the search entry go with the row.
            sqlx::query("DELETE FROM articles WHERE id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            bump_version(&mut tx).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Soft-deletes an article: gone from reads and search; its content may be ingested again.
    /// With a precondition, only while the article's ETag satisfies it.
    pub async fn delete_article(
        &self,
        id_or_slug: &str,
        if_match: Option<&IfMatch>,
    ) -> StoreResult<()> {
        with_retries(|| async {
            let mut tx = self.pool.begin().await?;
            if let Some(precondition) = if_match {
                let locked: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM articles WHERE (id = $1 OR slug = $1) AND deleted_at IS NULL \
                     FOR UPDATE",
                )
                .bind(id_or_slug)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = locked else {
                    return Err(StoreError::NotFound(format!("article `{id_or_slug}`")));
                };
                let current = load_article(&mut tx, &id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
                precondition.check(&current)?;
            }
            // A published article's deletion is an event, carrying the article as it was.
            let published: Option<String> = sqlx::query_scalar(
                "SELECT id FROM articles WHERE (id = $1 OR slug = $1) AND deleted_at IS NULL \
                 AND status = 'published' FOR UPDATE",
            )
            .bind(id_or_slug)
            .fetch_optional(&mut *tx)
            .await?;
            let before = match published {
                Some(id) => load_article(&mut tx, &id).await?,
                None => None,
            };
            let now = now_timestamp();
            let id: Option<String> = sqlx::query_scalar(
                "UPDATE articles SET deleted_at = $2, updated_at = $2, version = version + 1, \
                 search = NULL WHERE (id = $1 OR slug = $1) AND deleted_at IS NULL RETURNING id",
            )
            .bind(id_or_slug)
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?;
            let id = id.ok_or_else(|| StoreError::NotFound(format!("article `{id_or_slug}`")))?;
            if let Some(before) = &before {
                super::webhooks::record_article_event(
                    &mut tx,
                    Some(ArticleStatus::Published),
                    None,
                    before,
                )
                .await?;
            }
            sqlx::query("DELETE FROM article_docs WHERE article_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            bump_version(&mut tx).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Takes the entities an editor removed from an article off its links again (after the links
/// were made anew, or when the editor just removed them).
pub(super) async fn unlink_excluded_entities(
    conn: &mut PgConnection,
    article_id: &str,
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM article_entities WHERE article_id = $1 AND entity_id IN \
         (SELECT entity_id FROM article_entity_exclusions WHERE article_id = $1)",
    )
    .bind(article_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An article about to be stored, as it will read (tags and entities are filled in later).
fn new_article(
    id: String,
    slug: String,
    article: &NormalizedArticle,
    status: ArticleStatus,
    now: &str,
) -> Article {
    let published_at = article.published_at.map(format_timestamp);
    let sort_at = published_at.clone().unwrap_or_else(|| now.to_owned());
    Article {
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
        created_at: now.to_owned(),
        updated_at: now.to_owned(),
        removed: article.removed.clone(),
        version: 1,
        sort_at,
    }
}

/// Articles the search documents hold in an older form, indexed a batch at a time.
const REINDEX_BATCH: i64 = 200;

impl PgStore {
    /// Rewrites the search documents of the articles `articles_search_pending` lists (all live
    /// ones, after migrations 0005 and 0010 changed their form), a batch a transaction. App
    /// servers starting together share the work: each claims rows the others have not locked.
    /// Answers how many this one indexed.
    pub(crate) async fn reindex_pending(&self) -> StoreResult<u64> {
        let mut indexed = 0u64;
        loop {
            let mut tx = self.pool.begin().await?;
            let claimed: Vec<String> = sqlx::query_scalar(
                "DELETE FROM articles_search_pending WHERE article_id IN \
                 (SELECT article_id FROM articles_search_pending ORDER BY article_id \
                  LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING article_id",
            )
            .bind(REINDEX_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            if claimed.is_empty() {
                tx.commit().await?;
                break;
            }
            let rows = sqlx::query(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles a \
                 WHERE a.id = ANY($1) AND a.deleted_at IS NULL FOR UPDATE"
            ))
            .bind(&claimed)
            .fetch_all(&mut *tx)
            .await?;
            for row in &rows {
                let article = article_from_row(row)?;
                sqlx::query("UPDATE articles SET search = $1::tsvector WHERE id = $2")
                    .bind(search_document(&article))
                    .bind(&article.id)
                    .execute(&mut *tx)
                    .await?;
            }
            if !rows.is_empty() {
                bump_version(&mut tx).await?;
            }
            tx.commit().await?;
            indexed += rows.len() as u64;
        }
        if indexed > 0 {
            tracing::info!(
                articles = indexed,
                "indexed the stems of stored articles for search"
            );
        }
        Ok(indexed)
    }
}

/// The article's search document.
fn search_document(article: &Article) -> search::Document {
    search::document(
        &article.title,
        article.summary.as_deref().unwrap_or(""),
        &article.body_text,
        &search_extra(&article.kickers, article.lead_image.as_ref()),
    )
}

/// Kickers and image alt text: searchable, but not part of the body.
fn search_extra(kickers: &[String], lead_image: Option<&Image>) -> String {
    let mut extra = kickers.join("\n");
    if let Some(alt) = lead_image.and_then(|i| i.alt.as_deref()) {
        extra.push('\n');
        extra.push_str(alt);
    }
    extra
}

/// The columns of [`insert_rows`]' `COPY`, in order.
const ARTICLE_ROW_FIELDS: i16 = 24;

/// The article rows, one statement for all, in the batch's order (so their storage order is the
/// batch's). Another writer that stored the same content or took a slug since the checks makes
/// the statement fail, and the write start again: the checks then see it.
async fn insert_rows(conn: &mut PgConnection, articles: &[Article], now: &str) -> StoreResult<()> {
    let mut rows = CopyRows::with_capacity(articles.len() * 24 * 1024);
    for a in articles {
        rows.row(ARTICLE_ROW_FIELDS);
        rows.text(&a.id)?;
        rows.text(&a.slug)?;
        rows.text(a.status.as_str())?;
        rows.text(&a.title)?;
        rows.optional_text(a.summary.as_deref())?;
        rows.json(&a.kickers)?;
        rows.text(&a.language)?;
        rows.text(&a.script)?;
        match &a.lead_image {
            Some(image) => rows.json(image)?,
            None => rows.null(),
        }
        rows.json(&a.blocks)?;
        rows.int8(a.word_count);
        rows.int8(a.reading_time_minutes);
        rows.optional_text(a.published_at.as_deref())?;
        rows.optional_text(a.published_at_source.as_deref())?;
        rows.text(&a.sort_at)?;
        rows.optional_text(a.url.as_deref())?;
        rows.optional_text(a.source_domain.as_deref())?;
        rows.json(&a.authors)?;
        rows.text(&a.content_hash)?;
        rows.json(&a.removed)?;
        rows.int8(1);
        rows.text(now)?;
        rows.text(now)?;
        rows.tsvector(&search_document(a))?;
    }
    let stored = rows
        .send(
            conn,
            "COPY articles (id, slug, status, title, summary, kickers, language, script, \
               lead_image, blocks, word_count, reading_time_minutes, published_at, \
               published_at_source, sort_at, url, source_domain, authors, content_hash, removed, \
               version, created_at, updated_at, search) FROM STDIN (FORMAT binary)",
        )
        .await;
    match stored {
        Ok(count) if count == articles.len() as u64 => Ok(()),
        Ok(_) => Err(StoreError::Database(
            "the database stored fewer articles than sent".into(),
        )),
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("23505") => Err(
            write_conflict("another writer stored the same article or slug"),
        ),
        Err(err) => Err(err.into()),
    }
}

/// Display names as (slug, display name), normalized, in order, without repeats.
fn tag_names(names: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for name in names {
        let Some(display) = normalize::normalize_tag_name(name) else {
            continue;
        };
        let slug = normalize::tag_slug(&display);
        if slug.is_empty() || out.iter().any(|(s, _)| *s == slug) {
            continue;
        }
        out.push((slug, display));
    }
    out
}

/// Creates the tags that do not exist (a known tag keeps its name) and answers each wanted
/// tag's (id, name) by slug, the rows locked until the transaction ends (a rename or delete
/// waits for the articles that link them).
async fn ensure_tags<'a>(
    conn: &mut PgConnection,
    wanted: impl Iterator<Item = &'a (String, String)>,
    now: &str,
) -> StoreResult<HashMap<String, (i64, String)>> {
    let mut slugs: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (slug, name) in wanted {
        if seen.insert(slug) {
            slugs.push(slug.clone());
            names.push(name.clone());
        }
    }
    if slugs.is_empty() {
        return Ok(HashMap::new());
    }
    sqlx::query(
        "INSERT INTO tags (slug, name, created_at, updated_at) \
         SELECT slug, name, $3, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(slug, name, n) \
         ORDER BY n ON CONFLICT (slug) DO NOTHING",
    )
    .bind(&slugs)
    .bind(&names)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, slug, name FROM tags WHERE slug = ANY($1) ORDER BY id FOR SHARE",
    )
    .bind(&slugs)
    .fetch_all(&mut *conn)
    .await?;
    if rows.len() != slugs.len() {
        return Err(write_conflict(
            "a tag was deleted while an article linked to it",
        ));
    }
    Ok(rows
        .into_iter()
        .map(|(id, slug, name)| (slug, (id, name)))
        .collect())
}

/// Links each article to its tags, in their order, each link with its article's sort key (read
/// in the statement, so no trigger runs a query for every link: migration 0008).
async fn link_tags(
    conn: &mut PgConnection,
    articles: &[Article],
    tags: &HashMap<String, (i64, String)>,
) -> StoreResult<()> {
    let (mut ids, mut tag_ids, mut positions) = (Vec::new(), Vec::new(), Vec::new());
    for article in articles {
        for (position, tag) in article.tags.iter().enumerate() {
            if let Some((tag_id, _)) = tags.get(&tag.slug) {
                ids.push(article.id.clone());
                tag_ids.push(*tag_id);
                positions.push(position as i64);
            }
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO article_tags (article_id, tag_id, position, sort_at) \
         SELECT u.*, a.sort_at FROM unnest($1::text[], $2::int8[], $3::int8[]) \
           AS u(article_id, tag_id, position) \
         JOIN articles a ON a.id = u.article_id ON CONFLICT DO NOTHING",
    )
    .bind(ids)
    .bind(tag_ids)
    .bind(positions)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The filter a time-ordered page walks, by its links' (filter, sort_at, article) index, so the
/// page reads its own rows and stops (migration 0003): an entity when there is one (entities are
/// usually the rarer filter), else a tag. `None`: the page walks the articles' own indexes.
fn driving_filter(query: &ArticleQuery, order: ArticleOrder) -> Option<(&'static str, &str)> {
    if order == ArticleOrder::Relevance {
        return None;
    }
    match (query.entities.first(), query.tags.first()) {
        (Some(entity), _) => Some(("entity", entity.as_str())),
        (None, Some(tag)) => Some(("tag", tag.as_str())),
        (None, None) => None,
    }
}

/// The SQL of one list page. A relevance page ranks the newest `window` matches that pass the
/// filters (every match when `0`); a time-ordered page walks an index in the page's order (see
/// [`driving_filter`]), keeping the rows the search (if any) matched, without ranking anything.
fn list_query(
    query: &ArticleQuery,
    order: ArticleOrder,
    tsquery: Option<&str>,
    window: u32,
) -> QueryBuilder<'static, Postgres> {
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new("");
    if let (Some(q), ArticleOrder::Relevance) = (tsquery, order) {
        // The matches that pass the filters, newest first, as far as the window; ranked only
        // those (in the outer query, so the rank is computed for the window's rows alone).
        qb.push("WITH hits AS (SELECT a.seq FROM articles a WHERE a.search @@ ")
            .push_bind(q.to_owned())
            .push("::tsquery AND a.deleted_at IS NULL");
        if let Some(max_rowid) = query.max_rowid {
            qb.push(" AND a.seq <= ").push_bind(max_rowid);
        }
        push_filters(&mut qb, query, None, "a.sort_at");
        qb.push(" ORDER BY a.seq DESC");
        if window > 0 {
            qb.push(" LIMIT ").push_bind(i64::from(window));
        }
        qb.push(format!(
            ") SELECT {SUMMARY_COLUMNS}, {TAGS_JSON}, r.rank FROM hits \
             JOIN articles a ON a.seq = hits.seq, (SELECT "
        ))
        .push_bind(q.to_owned())
        .push(format!(
            "::tsquery AS q) q, LATERAL (SELECT {RANK_SQL} AS rank) r"
        ));
        if let Some(After::Rank { rank, rowid }) = &query.after {
            qb.push(" WHERE (r.rank > ")
                .push_bind(*rank)
                .push(" OR (r.rank = ")
                .push_bind(*rank)
                .push(" AND a.seq > ")
                .push_bind(*rowid)
                .push("))");
        }
        qb.push(" ORDER BY r.rank ASC, a.seq ASC LIMIT ")
            .push_bind(i64::from(query.limit.max(1)) + 1);
        return qb;
    }
    let driver = driving_filter(query, order);
    // The sort key's columns: the driving links' copy of it, or the article's own.
    let (sort_at, sort_id) = if driver.is_some() {
        ("f.sort_at", "f.article_id")
    } else {
        ("a.sort_at", "a.id")
    };
    qb.push(format!(
        "SELECT {SUMMARY_COLUMNS}, {TAGS_JSON}, NULL::float8 AS rank FROM "
    ));
    match driver {
        Some(("entity", slug)) => {
            qb.push(
                "article_entities f JOIN articles a ON a.id = f.article_id \
                 WHERE f.entity_id = (SELECT id FROM entities WHERE slug = ",
            )
            .push_bind(slug.to_owned())
            .push(") AND a.deleted_at IS NULL");
        }
        Some((_, slug)) => {
            qb.push(
                "article_tags f JOIN articles a ON a.id = f.article_id \
                 WHERE f.tag_id = (SELECT id FROM tags WHERE slug = ",
            )
            .push_bind(slug.to_owned())
            .push(") AND a.deleted_at IS NULL");
        }
        None => {
            qb.push("articles a WHERE a.deleted_at IS NULL");
        }
    }
    if let Some(q) = tsquery {
        qb.push(" AND a.search @@ ")
            .push_bind(q.to_owned())
            .push("::tsquery");
    }
    push_filters(&mut qb, query, driver, sort_at);
    if let Some(max_rowid) = query.max_rowid {
        qb.push(" AND a.seq <= ").push_bind(max_rowid);
    }
    if let Some(min_rowid) = query.min_rowid {
        qb.push(" AND a.seq >= ").push_bind(min_rowid);
    }
    if let Some(After::Time { sort_at: at, id }) = &query.after {
        let op = if order == ArticleOrder::NewestFirst {
            "<"
        } else {
            ">"
        };
        qb.push(format!(" AND ({sort_at}, {sort_id}) {op} ("))
            .push_bind(at.clone())
            .push(", ")
            .push_bind(id.clone())
            .push(")");
    }
    let direction = if order == ArticleOrder::OldestFirst {
        "ASC"
    } else {
        "DESC"
    };
    qb.push(format!(
        " ORDER BY {sort_at} {direction}, {sort_id} {direction} LIMIT "
    ))
    .push_bind(i64::from(query.limit.max(1)) + 1);
    qb
}

/// The conditions of the query's filters on the article `a` (all but the `driver`, which the
/// statement walks), `sort_at` naming the sort key's column.
fn push_filters(
    qb: &mut QueryBuilder<'static, Postgres>,
    query: &ArticleQuery,
    driver: Option<(&'static str, &str)>,
    sort_at: &str,
) {
    let statuses = if query.statuses.is_empty() {
        vec![ArticleStatus::Published]
    } else {
        query.statuses.clone()
    };
    qb.push(" AND a.status = ANY(")
        .push_bind(
            statuses
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .push(")");
    if let Some(language) = &query.language {
        qb.push(" AND a.language = ").push_bind(language.clone());
    }
    if let Some(source) = &query.source {
        qb.push(" AND a.source_domain = ").push_bind(source.clone());
    }
    // A date bound also bounds the sort key (an article with a `published_at` sorts by it), so
    // a walk in sort order seeks to the bound instead of reading every newer article first.
    if let Some(since) = &query.since {
        qb.push(" AND a.published_at >= ")
            .push_bind(since.clone())
            .push(format!(" AND {sort_at} >= "))
            .push_bind(since.clone());
    }
    if let Some(until) = &query.until {
        qb.push(" AND a.published_at < ")
            .push_bind(until.clone())
            .push(format!(" AND {sort_at} < "))
            .push_bind(until.clone());
    }
    let skip = |kind: &str, slug: &str| driver == Some((kind, slug));
    for tag in query.tags.iter().filter(|t| !skip("tag", t)) {
        qb.push(
            " AND EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id \
             AND at.tag_id = (SELECT id FROM tags WHERE slug = ",
        )
        .push_bind(tag.clone())
        .push("))");
    }
    for entity in query.entities.iter().filter(|e| !skip("entity", e)) {
        qb.push(
            " AND EXISTS (SELECT 1 FROM article_entities ae WHERE ae.article_id = a.id \
             AND ae.entity_id = (SELECT id FROM entities WHERE slug = ",
        )
        .push_bind(entity.clone())
        .push("))");
    }
}

/// Loads a live article whole (any status) in one round trip: the row, with its tags and
/// entities as JSON arrays.
pub(crate) async fn load_article(
    conn: &mut PgConnection,
    id_or_slug: &str,
) -> StoreResult<Option<Article>> {
    let sql = format!(
        "SELECT {ARTICLE_COLUMNS}, {TAGS_JSON}, \
           (SELECT coalesce(json_agg(json_build_object('id', e.id, 'slug', e.slug, 'name', e.name, \
                'type', e.type, 'aliases', ARRAY(SELECT alias FROM entity_aliases \
                  WHERE entity_id = e.id ORDER BY seq LIMIT {ALIASES_IN_ARTICLE}), \
                'mentions', ae.mentions, 'salience', ae.salience) \
              ORDER BY ae.salience DESC, ae.mentions DESC, ae.first_position, e.id), '[]')::text \
            FROM article_entities ae JOIN entities e ON e.id = ae.entity_id \
            WHERE ae.article_id = a.id) AS entities_json \
         FROM articles a WHERE (a.id = $1 OR a.slug = $1) AND a.deleted_at IS NULL"
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

/// The status column, checked.
fn status_from_row(row: &PgRow) -> StoreResult<ArticleStatus> {
    let status: String = row.try_get("status")?;
    ArticleStatus::parse(&status)
        .ok_or_else(|| StoreError::Database(format!("unknown status `{status}`")))
}

/// The lead image column (JSON or NULL).
fn lead_image_from_row(row: &PgRow) -> StoreResult<Option<Image>> {
    row.try_get::<Option<String>, _>("lead_image")?
        .map(from_json)
        .transpose()
}

fn article_from_row(row: &PgRow) -> StoreResult<Article> {
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

fn summary_from_row(row: &PgRow) -> StoreResult<ArticleSummary> {
    Ok(ArticleSummary {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        status: status_from_row(row)?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        kickers: from_json(row.try_get("kickers")?)?,
        language: row.try_get("language")?,
        script: row.try_get("script")?,
        lead_image: lead_image_from_row(row)?,
        word_count: row.try_get("word_count")?,
        reading_time_minutes: row.try_get("reading_time_minutes")?,
        published_at: row.try_get("published_at")?,
        source_domain: row.try_get("source_domain")?,
        tags: from_json(row.try_get("tags_json")?)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        sort_at: row.try_get("sort_at")?,
        rank: row.try_get("rank")?,
        rowid: row.try_get("rowid")?,
    })
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn from_json<T: serde::de::DeserializeOwned>(text: String) -> StoreResult<T> {
    serde_json::from_str(&text).map_err(|e| StoreError::Database(format!("stored JSON: {e}")))
}
