//! Entities on PostgreSQL: resolved and created for many articles at once (a handful of
//! statements for a whole batch), and curated by editors. Writers that may cross each other
//! lock the entity rows they depend on, always in id order, before they change anything.

use std::collections::{HashMap, HashSet};

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::{bump_version, with_retries, write_conflict, PgStore};
use crate::normalize::{self, ExtractedEntity};
use crate::store::articles::{ArticleEntity, Page};
use crate::store::entities::{
    entity_slug_base, fold_alias, slug_with_suffix, Alias, Entity, EntityChanges, EntityLookup,
    EntityOrder, EntityQuery, RelatedEntity, ALIASES_IN_ARTICLE, ENTITY_PUBLIC_SQL, PREFIX_END,
};
use crate::store::{StoreError, StoreResult};

/// Longest merge chain followed (merges only ever point at a live entity when made, so chains
/// stay short; the bound keeps a damaged table from looping).
const MAX_MERGE_DEPTH: i32 = 64;

/// Published, live articles naming an entity.
const ARTICLE_COUNT_SQL: &str =
    "(SELECT count(*) FROM article_entities ae JOIN articles a ON a.id = ae.article_id \
     WHERE ae.entity_id = e.id AND a.deleted_at IS NULL AND a.status = 'published')";

/// The live entity each of these (possibly merged) ids stands for.
const LIVE_ENTITIES_SQL: &str = "WITH RECURSIVE chain(start, id, merged_into, depth) AS ( \
       SELECT id, id, merged_into, 0 FROM entities WHERE id = ANY($1) \
       UNION ALL SELECT c.start, e.id, e.merged_into, c.depth + 1 \
       FROM entities e JOIN chain c ON e.id = c.merged_into WHERE c.depth < $2) \
     SELECT start, id FROM chain WHERE merged_into IS NULL";

/// One article's link to a stored entity: (entity id, mentions, salience, first position).
pub(crate) type Link = (String, i64, f64, i64);

/// Links each article (by its extracted entities) to stored entities, creating entities and
/// aliases as needed, in the order and with the outcome the SQLite backend gives one article
/// after another: an alias an article brings is known to the articles after it. Locks every
/// entity it links to until the transaction ends, and forgets the kept documents of articles
/// that show an entity whose first aliases it changed. Answers each article's links.
pub(crate) async fn resolve_and_link(
    conn: &mut PgConnection,
    articles: &[&[ExtractedEntity]],
    now: &str,
) -> StoreResult<Vec<Vec<Link>>> {
    // What the database knows of every name, key and dictionary id of the batch.
    let mut forms: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut dictionary_ids: Vec<String> = Vec::new();
    for entities in articles {
        for entity in entities.iter() {
            forms.push(entity.name.clone());
            forms.extend(entity.surface_forms.iter().map(|f| f.text.clone()));
            keys.push(entity.key.clone());
            dictionary_ids.extend(entity.dictionary_id.clone());
        }
    }
    forms.sort_unstable();
    forms.dedup();
    keys.sort_unstable();
    keys.dedup();
    dictionary_ids.sort_unstable();
    dictionary_ids.dedup();

    // (alias, type) → the live entity it names, curated first, then the oldest; and the
    // (entity, alias) pairs stored.
    let mut by_alias: HashMap<(String, String), String> = HashMap::new();
    let mut known: HashSet<(String, String)> = HashSet::new();
    if !forms.is_empty() {
        let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
            "SELECT a.alias, e.type, e.id, e.merged_into IS NULL FROM entity_aliases a \
             JOIN entities e ON e.id = a.entity_id WHERE a.alias = ANY($1) \
             ORDER BY e.curated DESC, e.created_at, e.id",
        )
        .bind(&forms)
        .fetch_all(&mut *conn)
        .await?;
        for (alias, kind, id, live) in rows {
            known.insert((id.clone(), alias.clone()));
            if live {
                by_alias.entry((alias, kind)).or_insert(id);
            }
        }
    }
    let mut by_key: HashMap<(String, String), String> = HashMap::new();
    if !keys.is_empty() {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT key, type, id FROM entities WHERE key = ANY($1) AND merged_into IS NULL",
        )
        .bind(&keys)
        .fetch_all(&mut *conn)
        .await?;
        for (key, kind, id) in rows {
            by_key.insert((key, kind), id);
        }
    }
    let mut live: HashMap<String, String> = HashMap::new();
    if !dictionary_ids.is_empty() {
        let rows: Vec<(String, String)> = sqlx::query_as(LIVE_ENTITIES_SQL)
            .bind(&dictionary_ids)
            .bind(MAX_MERGE_DEPTH)
            .fetch_all(&mut *conn)
            .await?;
        live.extend(rows);
    }

    // Resolution, article by article.
    struct NewEntity {
        id: String,
        name: String,
        kind: &'static str,
        key: String,
    }
    let mut created: Vec<NewEntity> = Vec::new();
    // New aliases in the order they are added: (entity, alias, folded, script).
    let mut added: Vec<(String, String, String, String)> = Vec::new();
    let mut all_links = Vec::with_capacity(articles.len());
    for entities in articles {
        let mut resolved: Vec<(&ExtractedEntity, String)> = Vec::with_capacity(entities.len());
        for entity in entities.iter() {
            if entity.key.is_empty() || entity.name.trim().is_empty() {
                continue;
            }
            let kind = entity.kind.as_str();
            let mut id = entity
                .dictionary_id
                .as_ref()
                .and_then(|d| live.get(d).cloned());
            for form in std::iter::once(entity.name.as_str())
                .chain(entity.surface_forms.iter().map(|f| f.text.as_str()))
            {
                if id.is_some() {
                    break;
                }
                id = by_alias.get(&(form.to_owned(), kind.to_owned())).cloned();
            }
            if id.is_none() {
                id = by_key.get(&(entity.key.clone(), kind.to_owned())).cloned();
            }
            let id = match id {
                Some(id) => id,
                None => {
                    let id = ulid::Ulid::new().to_string();
                    by_key.insert((entity.key.clone(), kind.to_owned()), id.clone());
                    created.push(NewEntity {
                        id: id.clone(),
                        name: entity.name.clone(),
                        kind,
                        key: entity.key.clone(),
                    });
                    id
                }
            };
            resolved.push((entity, id));
        }
        for (entity, id) in &resolved {
            for form in &entity.surface_forms {
                if known.insert((id.clone(), form.text.clone())) {
                    added.push((
                        id.clone(),
                        form.text.clone(),
                        fold_alias(&form.text),
                        form.script.clone(),
                    ));
                    by_alias
                        .entry((form.text.clone(), entity.kind.as_str().to_owned()))
                        .or_insert_with(|| id.clone());
                }
            }
        }
        // Two extracted entities may be one stored entity: their links merge.
        let mut links: Vec<Link> = Vec::with_capacity(resolved.len());
        for (entity, id) in &resolved {
            let (mentions, first) = (i64::from(entity.mentions), entity.first_position as i64);
            match links.iter_mut().find(|link| &link.0 == id) {
                Some(link) => {
                    link.1 += mentions;
                    link.2 = link.2.max(entity.salience);
                    link.3 = link.3.min(first);
                }
                None => links.push((id.clone(), mentions, entity.salience, first)),
            }
        }
        all_links.push(links);
    }

    // Lock the stored entities linked to, in id order; one merged meanwhile sends the write
    // back to the start.
    let created_ids: HashSet<&str> = created.iter().map(|e| e.id.as_str()).collect();
    let mut existing: Vec<String> = all_links
        .iter()
        .flatten()
        .map(|link| link.0.clone())
        .filter(|id| !created_ids.contains(id.as_str()))
        .collect();
    existing.sort_unstable();
    existing.dedup();
    if !existing.is_empty() {
        let locked: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM entities WHERE id = ANY($1) AND merged_into IS NULL \
             ORDER BY id FOR NO KEY UPDATE",
        )
        .bind(&existing)
        .fetch_all(&mut *conn)
        .await?;
        if locked.len() != existing.len() {
            return Err(write_conflict(
                "an entity was merged while an article linked to it",
            ));
        }
    }

    // New entities, with readable unique slugs.
    if !created.is_empty() {
        let bases: Vec<String> = created
            .iter()
            .map(|e| entity_slug_base(&e.name, &e.key))
            .collect();
        let taken: HashSet<String> =
            sqlx::query_scalar::<_, String>("SELECT slug FROM entities WHERE slug = ANY($1)")
                .bind(&bases)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .collect();
        let mut used: HashSet<String> = HashSet::new();
        let slugs: Vec<String> = created
            .iter()
            .zip(&bases)
            .map(|(entity, base)| {
                if taken.contains(base) || !used.insert(base.clone()) {
                    slug_with_suffix(base, &entity.id)
                } else {
                    base.clone()
                }
            })
            .collect();
        let inserted: Vec<String> = sqlx::query_scalar(
            "INSERT INTO entities (id, slug, name, type, key, curated, created_at, updated_at) \
             SELECT id, slug, name, type, key, false, $6, $6 \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
               WITH ORDINALITY AS u(id, slug, name, type, key, n) ORDER BY n \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(created.iter().map(|e| e.id.clone()).collect::<Vec<_>>())
        .bind(&slugs)
        .bind(created.iter().map(|e| e.name.clone()).collect::<Vec<_>>())
        .bind(
            created
                .iter()
                .map(|e| e.kind.to_owned())
                .collect::<Vec<_>>(),
        )
        .bind(created.iter().map(|e| e.key.clone()).collect::<Vec<_>>())
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
        if inserted.len() != created.len() {
            return Err(write_conflict("another writer created the same entity"));
        }
    }

    // New aliases; a new one among an entity's first few changes the articles that show it.
    if !added.is_empty() {
        let mut touched: Vec<String> = added
            .iter()
            .map(|a| a.0.clone())
            .filter(|id| !created_ids.contains(id.as_str()))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let counts: HashMap<String, i64> = if touched.is_empty() {
            HashMap::new()
        } else {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT entity_id, count(*) FROM entity_aliases WHERE entity_id = ANY($1) \
                 GROUP BY entity_id",
            )
            .bind(&touched)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect()
        };
        let grew: Vec<String> = sqlx::query_scalar(
            "INSERT INTO entity_aliases (entity_id, alias, alias_folded, script) \
             SELECT entity_id, alias, alias_folded, script \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
               WITH ORDINALITY AS u(entity_id, alias, alias_folded, script, n) ORDER BY n \
             ON CONFLICT DO NOTHING RETURNING entity_id",
        )
        .bind(added.iter().map(|a| a.0.clone()).collect::<Vec<_>>())
        .bind(added.iter().map(|a| a.1.clone()).collect::<Vec<_>>())
        .bind(added.iter().map(|a| a.2.clone()).collect::<Vec<_>>())
        .bind(added.iter().map(|a| a.3.clone()).collect::<Vec<_>>())
        .fetch_all(&mut *conn)
        .await?;
        let mut stale: Vec<String> = grew
            .into_iter()
            .filter(|id| {
                !created_ids.contains(id.as_str())
                    && counts.get(id).copied().unwrap_or(0) < ALIASES_IN_ARTICLE as i64
            })
            .collect();
        stale.sort_unstable();
        stale.dedup();
        if !stale.is_empty() {
            forget_linked_to_entities(conn, &stale).await?;
        }
    }
    Ok(all_links)
}

/// Stores articles' links to entities, each with its article's sort key (read in the statement,
/// so no trigger runs a query for every link: migration 0008).
pub(crate) async fn insert_links(
    conn: &mut PgConnection,
    article_ids: &[&str],
    links: &[Vec<Link>],
) -> StoreResult<()> {
    let mut articles = Vec::new();
    let (mut entities, mut mentions, mut saliences, mut firsts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (article, links) in article_ids.iter().zip(links) {
        for (entity, count, salience, first) in links {
            articles.push(article.to_string());
            entities.push(entity.clone());
            mentions.push(*count);
            saliences.push(*salience);
            firsts.push(*first);
        }
    }
    if articles.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO article_entities \
           (article_id, entity_id, mentions, salience, first_position, sort_at) \
         SELECT u.*, a.sort_at \
         FROM unnest($1::text[], $2::text[], $3::int8[], $4::float8[], $5::int8[]) \
           AS u(article_id, entity_id, mentions, salience, first_position) \
         JOIN articles a ON a.id = u.article_id",
    )
    .bind(articles)
    .bind(entities)
    .bind(mentions)
    .bind(saliences)
    .bind(firsts)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How each of these entities shows inside an article: slug, name, type and first aliases.
pub(crate) async fn views(
    conn: &mut PgConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, ArticleEntity>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, String, String, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT e.id, e.slug, e.name, e.type, ARRAY(SELECT alias FROM entity_aliases \
           WHERE entity_id = e.id ORDER BY seq LIMIT {ALIASES_IN_ARTICLE}) \
         FROM entities e WHERE e.id = ANY($1)"
    ))
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name, kind, aliases)| {
            let view = ArticleEntity {
                id: id.clone(),
                slug,
                name,
                kind,
                aliases,
                mentions: 0,
                salience: 0.0,
            };
            (id, view)
        })
        .collect())
}

/// The entities an article shows for its links, most salient first (the order reads give).
pub(crate) fn shown(links: &[Link], views: &HashMap<String, ArticleEntity>) -> Vec<ArticleEntity> {
    let mut links: Vec<&Link> = links.iter().collect();
    links.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then(b.1.cmp(&a.1))
            .then(a.3.cmp(&b.3))
            .then(a.0.cmp(&b.0))
    });
    links
        .into_iter()
        .filter_map(|(id, mentions, salience, _)| {
            let mut entity = views.get(id)?.clone();
            entity.mentions = *mentions;
            entity.salience = *salience;
            Some(entity)
        })
        .collect()
}

/// Forgets the kept documents of every article that shows one of these entities.
pub(crate) async fn forget_linked_to_entities(
    conn: &mut PgConnection,
    ids: &[String],
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM article_docs WHERE article_id IN \
         (SELECT article_id FROM article_entities WHERE entity_id = ANY($1))",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl PgStore {
    /// The editors' curated entities with their aliases, for the extractor's dictionary.
    pub async fn dictionary_entries(&self) -> StoreResult<Vec<normalize::DictionaryEntry>> {
        let rows: Vec<(String, String, String, Vec<String>)> = sqlx::query_as(
            "SELECT e.id, e.name, e.type, \
               ARRAY(SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY seq) \
             FROM entities e WHERE e.curated AND e.merged_into IS NULL ORDER BY e.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, kind, aliases)| {
                Ok(normalize::DictionaryEntry {
                    id,
                    name,
                    kind: normalize::EntityType::parse(&kind).ok_or_else(|| {
                        StoreError::Database(format!("unknown entity type `{kind}`"))
                    })?,
                    aliases,
                })
            })
            .collect()
    }

    /// Resolves an id or slug, following merges.
    pub async fn find_entity(&self, id_or_slug: &str) -> StoreResult<EntityLookup> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT id, merged_into FROM entities WHERE id = $1 OR slug = $1")
                .bind(id_or_slug)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            None => Err(StoreError::NotFound(format!("entity `{id_or_slug}`"))),
            Some((id, None)) => Ok(EntityLookup::Live(id)),
            Some((id, Some(_))) => {
                let slug: Option<String> = sqlx::query_scalar(&format!(
                    "SELECT e.slug FROM ({LIVE_ENTITIES_SQL}) l JOIN entities e ON e.id = l.id"
                ))
                .bind(vec![id])
                .bind(MAX_MERGE_DEPTH)
                .fetch_optional(&self.pool)
                .await?;
                let slug =
                    slug.ok_or_else(|| StoreError::NotFound(format!("entity `{id_or_slug}`")))?;
                Ok(EntityLookup::MergedInto { slug })
            }
        }
    }

    /// A live entity by id, with aliases, article count and (when asked) related entities.
    pub async fn get_entity(&self, id: &str, with_related: bool) -> StoreResult<Entity> {
        let mut conn = self.pool.acquire().await?;
        let mut entity = load_entity(&mut conn, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))?;
        if with_related {
            let rows = sqlx::query(
                "SELECT o.id, o.slug, o.name, o.type, count(*) AS shared \
                 FROM article_entities mine \
                 JOIN article_entities theirs ON theirs.article_id = mine.article_id AND theirs.entity_id <> mine.entity_id \
                 JOIN entities o ON o.id = theirs.entity_id \
                 JOIN articles a ON a.id = mine.article_id AND a.deleted_at IS NULL AND a.status = 'published' \
                 WHERE mine.entity_id = $1 \
                 GROUP BY o.id ORDER BY shared DESC, o.name LIMIT 10",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            entity.related = Some(
                rows.iter()
                    .map(|row| {
                        Ok(RelatedEntity {
                            id: row.try_get("id")?,
                            slug: row.try_get("slug")?,
                            name: row.try_get("name")?,
                            kind: row.try_get("type")?,
                            shared_articles: row.try_get("shared")?,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?,
            );
        }
        Ok(entity)
    }

    /// Whether anonymous callers may see the entity (see [`EntityQuery::published_only`]).
    pub async fn entity_is_public(&self, id: &str) -> StoreResult<bool> {
        let sql = format!(
            "SELECT {ARTICLE_COUNT_SQL} > 0 OR {} FROM entities e WHERE e.id = $1",
            ENTITY_PUBLIC_SQL.replace("{id}", "e.id")
        );
        let public: Option<bool> = sqlx::query_scalar(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(public.unwrap_or(false))
    }

    /// One page of live entities.
    pub async fn list_entities(&self, query: &EntityQuery) -> StoreResult<Page<Entity>> {
        let mut qb: sqlx::QueryBuilder<sqlx::Postgres> = sqlx::QueryBuilder::new(format!(
            "SELECT * FROM (SELECT e.id, e.slug, e.name, e.type, e.curated, e.created_at, e.updated_at, \
             {ARTICLE_COUNT_SQL} AS article_count, \
             ARRAY(SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY seq) AS alias_texts, \
             ARRAY(SELECT script FROM entity_aliases WHERE entity_id = e.id ORDER BY seq) AS alias_scripts \
             FROM entities e WHERE e.merged_into IS NULL"
        ));
        if let Some(kind) = &query.kind {
            qb.push(" AND e.type = ").push_bind(kind.clone());
        }
        if let Some(prefix) = &query.prefix {
            let folded = fold_alias(prefix);
            let key = normalize::transliteration_key(prefix);
            qb.push(" AND (e.id IN (SELECT entity_id FROM entity_aliases WHERE alias_folded >= ")
                .push_bind(folded.clone())
                .push(" AND alias_folded < ")
                .push_bind(format!("{folded}{PREFIX_END}"))
                .push(")");
            if !key.is_empty() {
                qb.push(" OR (e.key >= ")
                    .push_bind(key.clone())
                    .push(" AND e.key < ")
                    .push_bind(format!("{key}{PREFIX_END}"))
                    .push(")");
            }
            qb.push(")");
        }
        qb.push(") AS x WHERE true");
        if query.published_only {
            qb.push(" AND (x.article_count > 0 OR ")
                .push(ENTITY_PUBLIC_SQL.replace("{id}", "x.id"))
                .push(")");
        }
        match (&query.after, query.order) {
            (Some((count, id)), EntityOrder::MostArticles) => {
                let count: i64 = count
                    .parse()
                    .map_err(|_| StoreError::Invalid("cursor".into()))?;
                qb.push(" AND (x.article_count < ")
                    .push_bind(count)
                    .push(" OR (x.article_count = ")
                    .push_bind(count)
                    .push(" AND x.id > ")
                    .push_bind(id.clone())
                    .push("))");
            }
            (Some((name, id)), EntityOrder::Name) => {
                qb.push(" AND (x.name, x.id) > (")
                    .push_bind(name.clone())
                    .push(", ")
                    .push_bind(id.clone())
                    .push(")");
            }
            (None, _) => {}
        }
        qb.push(match query.order {
            EntityOrder::MostArticles => " ORDER BY x.article_count DESC, x.id ASC",
            EntityOrder::Name => " ORDER BY x.name ASC, x.id ASC",
        });
        let limit = query.limit.max(1);
        qb.push(" LIMIT ").push_bind(i64::from(limit) + 1);
        let rows = qb.build().fetch_all(&self.pool).await?;
        let has_more = rows.len() > limit as usize;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(entity_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, has_more })
    }

    /// Creates a dictionary entry (see the SQLite backend); answers it and whether it was new.
    pub async fn create_entity(
        &self,
        name: &str,
        kind: &str,
        aliases: &[Alias],
    ) -> StoreResult<(Entity, bool)> {
        let key = normalize::transliteration_key(name);
        if key.is_empty() {
            return Err(StoreError::Invalid("the name has no letters".into()));
        }
        with_retries(|| self.create_entity_once(name, kind, &key, aliases)).await
    }

    async fn create_entity_once(
        &self,
        name: &str,
        kind: &str,
        key: &str,
        aliases: &[Alias],
    ) -> StoreResult<(Entity, bool)> {
        let mut tx = self.pool.begin().await?;
        let now = crate::store::time::now_timestamp();
        let existing: Option<(String, bool, String)> = sqlx::query_as(
            "SELECT id, curated, slug FROM entities WHERE key = $1 AND type = $2 \
             AND merged_into IS NULL FOR UPDATE",
        )
        .bind(key)
        .bind(kind)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, created) = match existing {
            Some((_, true, slug)) => {
                return Err(StoreError::Conflict(format!(
                    "the {kind} `{name}` is already in the dictionary as `{slug}`"
                )));
            }
            Some((id, false, _)) => {
                sqlx::query(
                    "UPDATE entities SET curated = true, name = $1, updated_at = $2 WHERE id = $3",
                )
                .bind(name)
                .bind(&now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                (id, false)
            }
            None => {
                let id = ulid::Ulid::new().to_string();
                let base = entity_slug_base(name, key);
                let taken: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM entities WHERE slug = $1)")
                        .bind(&base)
                        .fetch_one(&mut *tx)
                        .await?;
                let slug = if taken {
                    slug_with_suffix(&base, &id)
                } else {
                    base
                };
                let inserted: Option<String> = sqlx::query_scalar(
                    "INSERT INTO entities (id, slug, name, type, key, curated, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, true, $6, $6) ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(&id)
                .bind(&slug)
                .bind(name)
                .bind(kind)
                .bind(key)
                .bind(&now)
                .fetch_optional(&mut *tx)
                .await?;
                if inserted.is_none() {
                    return Err(write_conflict("another writer created the same entity"));
                }
                (id, true)
            }
        };
        let mut all = vec![Alias {
            alias: name.to_owned(),
            script: normalize::script_code(name).to_owned(),
        }];
        all.extend(aliases.iter().cloned());
        add_aliases(&mut tx, &id, kind, &all).await?;
        forget_linked_to_entities(&mut tx, std::slice::from_ref(&id)).await?;
        let entity = load_entity(&mut tx, &id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok((entity, created))
    }

    /// Applies editors' changes; the entity becomes a dictionary entry.
    pub async fn update_entity(&self, id: &str, changes: &EntityChanges) -> StoreResult<Entity> {
        with_retries(|| self.update_entity_once(id, changes)).await
    }

    async fn update_entity_once(&self, id: &str, changes: &EntityChanges) -> StoreResult<Entity> {
        let mut tx = self.pool.begin().await?;
        let locked: Option<String> = sqlx::query_scalar(
            "SELECT id FROM entities WHERE id = $1 AND merged_into IS NULL FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if locked.is_none() {
            return Err(StoreError::NotFound(format!("entity `{id}`")));
        }
        let current = load_entity(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))?;
        let name = changes.name.clone().unwrap_or(current.name.clone());
        let kind = changes.kind.clone().unwrap_or(current.kind.clone());
        let key = normalize::transliteration_key(&name);
        if key.is_empty() {
            return Err(StoreError::Invalid("the name has no letters".into()));
        }
        let clash: Option<String> = sqlx::query_scalar(
            "SELECT slug FROM entities WHERE key = $1 AND type = $2 AND merged_into IS NULL AND id <> $3",
        )
        .bind(&key)
        .bind(&kind)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(slug) = clash {
            return Err(StoreError::Conflict(format!(
                "another {kind} (`{slug}`) has the same name; merge them instead"
            )));
        }
        let updated = sqlx::query(
            "UPDATE entities SET name = $1, type = $2, key = $3, curated = true, updated_at = $4 WHERE id = $5",
        )
        .bind(&name)
        .bind(&kind)
        .bind(&key)
        .bind(crate::store::time::now_timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &updated {
            if db.code().as_deref() == Some("23505") {
                return Err(write_conflict("another writer took the entity's name"));
            }
        }
        updated?;
        if let Some(aliases) = &changes.aliases {
            sqlx::query("DELETE FROM entity_aliases WHERE entity_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            add_aliases(&mut tx, id, &kind, aliases).await?;
        }
        if !changes.remove_aliases.is_empty() {
            sqlx::query("DELETE FROM entity_aliases WHERE entity_id = $1 AND alias = ANY($2)")
                .bind(id)
                .bind(&changes.remove_aliases)
                .execute(&mut *tx)
                .await?;
        }
        let mut add = changes.add_aliases.clone();
        if changes.name.is_some() {
            add.push(Alias {
                alias: name.clone(),
                script: normalize::script_code(&name).to_owned(),
            });
        }
        add_aliases(&mut tx, id, &kind, &add).await?;
        forget_linked_to_entities(&mut tx, &[id.to_owned()]).await?;
        let entity = load_entity(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(entity)
    }

    /// Merges `from` into `into`: its articles move (mentions add up), its aliases join, and
    /// its slug redirects to `into`. Both rows are locked first (in id order), so merges,
    /// renames and ingests that link to either never interleave with it.
    pub async fn merge_entities(&self, from: &str, into: &str) -> StoreResult<Entity> {
        if from == into {
            return Err(StoreError::Invalid(
                "an entity cannot be merged into itself".into(),
            ));
        }
        with_retries(|| self.merge_entities_once(from, into)).await
    }

    async fn merge_entities_once(&self, from: &str, into: &str) -> StoreResult<Entity> {
        let mut tx = self.pool.begin().await?;
        let locked: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM entities WHERE id IN ($1, $2) AND merged_into IS NULL ORDER BY id FOR UPDATE",
        )
        .bind(from)
        .bind(into)
        .fetch_all(&mut *tx)
        .await?;
        for id in [from, into] {
            if !locked.iter().any(|l| l == id) {
                return Err(StoreError::NotFound(format!("entity `{id}`")));
            }
        }
        forget_linked_to_entities(&mut tx, &[from.to_owned(), into.to_owned()]).await?;
        sqlx::query(
            "INSERT INTO article_entities (article_id, entity_id, mentions, salience, first_position) \
             SELECT article_id, $1, mentions, salience, first_position FROM article_entities WHERE entity_id = $2 \
             ON CONFLICT (article_id, entity_id) DO UPDATE SET \
               mentions = article_entities.mentions + excluded.mentions, \
               salience = greatest(article_entities.salience, excluded.salience), \
               first_position = least(article_entities.first_position, excluded.first_position)",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM article_entities WHERE entity_id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO entity_aliases (entity_id, alias, alias_folded, script) \
             SELECT $1, alias, alias_folded, script FROM entity_aliases WHERE entity_id = $2 \
             ORDER BY seq ON CONFLICT DO NOTHING",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM entity_aliases WHERE entity_id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        let now = crate::store::time::now_timestamp();
        sqlx::query(
            "UPDATE entities SET merged_into = $1, curated = false, updated_at = $2 WHERE id = $3",
        )
        .bind(into)
        .bind(&now)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE entities SET curated = true, updated_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(into)
            .execute(&mut *tx)
            .await?;
        let entity = load_entity(&mut tx, into)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{into}`")))?;
        super::webhooks::record_event(&mut tx, crate::store::webhooks::ENTITY_MERGED, || {
            crate::store::webhooks::Event::entity_merged(from, into)
        })
        .await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(entity)
    }

    /// The live slug of an entity given by id or slug (following merges).
    pub async fn live_entity_slug(&self, id_or_slug: &str) -> StoreResult<String> {
        match self.find_entity(id_or_slug).await? {
            EntityLookup::MergedInto { slug } => Ok(slug),
            EntityLookup::Live(id) => Ok(sqlx::query_scalar(
                "SELECT slug FROM entities WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&self.pool)
            .await?),
        }
    }

    /// Replaces an article's entities with a fresh extraction.
    pub async fn replace_article_entities(
        &self,
        article_id: &str,
        extracted: &[ExtractedEntity],
    ) -> StoreResult<()> {
        with_retries(|| self.replace_article_entities_once(article_id, extracted)).await
    }

    async fn replace_article_entities_once(
        &self,
        article_id: &str,
        extracted: &[ExtractedEntity],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let now = crate::store::time::now_timestamp();
        let locked: Option<String> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
        )
        .bind(article_id)
        .fetch_optional(&mut *tx)
        .await?;
        if locked.is_none() {
            return Err(StoreError::NotFound(format!("article `{article_id}`")));
        }
        sqlx::query("DELETE FROM article_entities WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        let links = resolve_and_link(&mut tx, &[extracted], &now).await?;
        insert_links(&mut tx, &[article_id], &links).await?;
        super::articles::unlink_excluded_entities(&mut tx, article_id).await?;
        sqlx::query("UPDATE articles SET version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        super::docs::save(&mut tx, article_id).await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Adds aliases, refusing one that names a different curated entity of the same type.
async fn add_aliases(
    conn: &mut PgConnection,
    entity_id: &str,
    kind: &str,
    aliases: &[Alias],
) -> StoreResult<()> {
    for alias in aliases {
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT e.slug FROM entity_aliases a JOIN entities e ON e.id = a.entity_id \
             WHERE a.alias = $1 AND e.type = $2 AND e.curated AND e.merged_into IS NULL AND e.id <> $3",
        )
        .bind(&alias.alias)
        .bind(kind)
        .bind(entity_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(slug) = taken {
            return Err(StoreError::Conflict(format!(
                "the alias `{}` already belongs to `{slug}`",
                alias.alias
            )));
        }
        sqlx::query(
            "INSERT INTO entity_aliases (entity_id, alias, alias_folded, script) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(entity_id)
        .bind(&alias.alias)
        .bind(fold_alias(&alias.alias))
        .bind(&alias.script)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn load_entity(conn: &mut PgConnection, id: &str) -> StoreResult<Option<Entity>> {
    let sql = format!(
        "SELECT e.id, e.slug, e.name, e.type, e.curated, e.created_at, e.updated_at, \
         {ARTICLE_COUNT_SQL} AS article_count, \
         ARRAY(SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY seq) AS alias_texts, \
         ARRAY(SELECT script FROM entity_aliases WHERE entity_id = e.id ORDER BY seq) AS alias_scripts \
         FROM entities e WHERE e.id = $1 AND e.merged_into IS NULL"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(entity_from_row).transpose()
}

/// An entity from a row of id, slug, name, type, curated, created_at, updated_at,
/// article_count, alias_texts, alias_scripts.
fn entity_from_row(row: &PgRow) -> StoreResult<Entity> {
    let texts: Vec<String> = row.try_get("alias_texts")?;
    let scripts: Vec<String> = row.try_get("alias_scripts")?;
    Ok(Entity {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        kind: row.try_get("type")?,
        aliases: texts
            .into_iter()
            .zip(scripts)
            .map(|(alias, script)| Alias { alias, script })
            .collect(),
        article_count: row.try_get("article_count")?,
        curated: row.try_get("curated")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        related: None,
    })
}
