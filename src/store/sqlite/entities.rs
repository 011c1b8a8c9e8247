//! Entities shared across articles: the same transliteration key and type, or an alias of a
//! curated entry, land on the same row.

use std::collections::{HashMap, HashSet};

use rusqlite::OptionalExtension;
use sqlx::{Row, SqliteConnection};

use super::articles::ArticleEntity;
use super::handle::on_handle;
use super::{StoreError, StoreResult};
use crate::normalize::{self, ExtractedEntity};
pub(crate) use crate::store::entities::{
    fold_alias, Alias, Entity, EntityChanges, EntityLookup, EntityOrder, EntityQuery,
    RelatedEntity, ALIASES_IN_ARTICLE, ENTITY_PUBLIC_SQL, PREFIX_END,
};

/// What the writes of one transaction have learned about entities, so that a batch of articles
/// naming the same people and places asks the database once. Only this writer changes entities
/// while the transaction lasts, and ingest only adds entities and aliases, which the memo
/// records; a write rolled back must drop it.
#[derive(Debug, Default)]
pub(crate) struct EntityMemo {
    /// The live entity with this exact alias and type, if any.
    by_alias: HashMap<(String, &'static str), Option<String>>,
    /// The live entity with this identity key and type, if any.
    by_key: HashMap<(String, &'static str), Option<String>>,
    /// The live entity a dictionary id stands for.
    live: HashMap<String, Option<String>>,
    /// Aliases known to be stored: (entity id, alias).
    aliases: HashSet<(String, String)>,
    /// How an entity shows inside an article (its counts aside).
    views: HashMap<String, ArticleEntity>,
}

const ENTITY_TYPES: [&str; 4] = ["person", "place", "organization", "other"];

impl EntityMemo {
    fn by_alias(
        &mut self,
        conn: &rusqlite::Connection,
        alias: &str,
        kind: &'static str,
    ) -> StoreResult<Option<String>> {
        remembered(
            &mut self.by_alias,
            conn,
            "SELECT e.id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id \
             WHERE a.alias = ?1 AND e.type = ?2 AND e.merged_into IS NULL \
             ORDER BY e.curated DESC, e.created_at LIMIT 1",
            (alias, kind),
        )
    }

    fn by_key(
        &mut self,
        conn: &rusqlite::Connection,
        entity_key: &str,
        kind: &'static str,
    ) -> StoreResult<Option<String>> {
        remembered(
            &mut self.by_key,
            conn,
            "SELECT id FROM entities WHERE key = ?1 AND type = ?2 AND merged_into IS NULL",
            (entity_key, kind),
        )
    }

    fn live(&mut self, conn: &rusqlite::Connection, id: &str) -> StoreResult<Option<String>> {
        if let Some(live) = self.live.get(id) {
            return Ok(live.clone());
        }
        let live = live_entity(conn, id)?;
        self.live.insert(id.to_owned(), live.clone());
        Ok(live)
    }

    fn create(
        &mut self,
        conn: &rusqlite::Connection,
        entity: &ExtractedEntity,
        now: &str,
    ) -> StoreResult<String> {
        let id = create_entity_row(conn, entity, now)?;
        self.by_key
            .insert((entity.key.clone(), entity.kind.as_str()), Some(id.clone()));
        Ok(id)
    }

    /// The entity as an article shows it: slug, name, type and first aliases.
    fn view(&mut self, conn: &rusqlite::Connection, id: &str) -> StoreResult<&mut ArticleEntity> {
        if !self.views.contains_key(id) {
            let (slug, name, kind) = conn
                .prepare_cached("SELECT slug, name, type FROM entities WHERE id = ?")?
                .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            let aliases = conn
                .prepare_cached(&format!(
                    "SELECT alias FROM entity_aliases WHERE entity_id = ? \
                     ORDER BY rowid LIMIT {ALIASES_IN_ARTICLE}"
                ))?
                .query_map([id], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            let view = ArticleEntity {
                id: id.to_owned(),
                slug,
                name,
                kind,
                aliases,
                mentions: 0,
                salience: 0.0,
            };
            self.views.insert(id.to_owned(), view);
        }
        self.views
            .get_mut(id)
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))
    }

    /// Stores an alias unless it is known; a new one among the first an article shows changes
    /// the documents of the articles that show the entity.
    fn add_alias(
        &mut self,
        conn: &rusqlite::Connection,
        id: &str,
        alias: &str,
        script: &str,
    ) -> StoreResult<()> {
        let known = (id.to_owned(), alias.to_owned());
        if self.aliases.contains(&known) {
            return Ok(());
        }
        let shown = self.view(conn, id)?.aliases.len();
        let added = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_folded, script) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute((id, alias, fold_alias(alias), script))?;
        if added > 0 {
            for kind in ENTITY_TYPES {
                self.by_alias.remove(&(alias.to_owned(), kind));
            }
            if shown < ALIASES_IN_ARTICLE {
                self.view(conn, id)?.aliases.push(alias.to_owned());
                super::docs::forget_linked_to_entity(conn, id)?;
            }
        }
        self.aliases.insert(known);
        Ok(())
    }
}

/// The live entity `sql` finds for (name, type), asked once and then remembered in `memo`.
fn remembered(
    memo: &mut HashMap<(String, &'static str), Option<String>>,
    conn: &rusqlite::Connection,
    sql: &str,
    (name, kind): (&str, &'static str),
) -> StoreResult<Option<String>> {
    let key = (name.to_owned(), kind);
    if let Some(id) = memo.get(&key) {
        return Ok(id.clone());
    }
    let id: Option<String> = conn
        .prepare_cached(sql)?
        .query_row((name, kind), |row| row.get(0))
        .optional()?;
    memo.insert(key, id.clone());
    Ok(id)
}

/// Links an article that has no entity links yet (new, or its links just deleted) to its
/// extracted entities, creating entities and aliases as needed; answers the entities as the
/// article shows them, most salient first.
pub(crate) fn link_article_entities(
    conn: &rusqlite::Connection,
    memo: &mut EntityMemo,
    article_id: &str,
    extracted: &[ExtractedEntity],
    now: &str,
) -> StoreResult<Vec<ArticleEntity>> {
    // Every entity is resolved before any alias is added, so an alias this article brings
    // never decides which entity another of its names joins.
    let mut resolved: Vec<(&ExtractedEntity, String)> = Vec::with_capacity(extracted.len());
    for entity in extracted {
        if entity.key.is_empty() || entity.name.trim().is_empty() {
            continue;
        }
        let kind = entity.kind.as_str();
        // An editors' dictionary entry first, then a live entity known by one of these names
        // (curated first), then one with the same identity key; else a new entity.
        let mut id = match &entity.dictionary_id {
            Some(dictionary_id) => memo.live(conn, dictionary_id)?,
            None => None,
        };
        for form in std::iter::once(entity.name.as_str())
            .chain(entity.surface_forms.iter().map(|f| f.text.as_str()))
        {
            if id.is_some() {
                break;
            }
            id = memo.by_alias(conn, form, kind)?;
        }
        if id.is_none() {
            id = memo.by_key(conn, &entity.key, kind)?;
        }
        let id = match id {
            Some(id) => id,
            None => memo.create(conn, entity, now)?,
        };
        resolved.push((entity, id));
    }
    for (entity, id) in &resolved {
        for form in &entity.surface_forms {
            memo.add_alias(conn, id, &form.text, &form.script)?;
        }
    }
    // Two extracted entities may be one stored entity: their links merge.
    let mut links: Vec<(&str, i64, f64, i64)> = Vec::with_capacity(resolved.len());
    for (entity, id) in &resolved {
        let (mentions, first) = (entity.mentions as i64, entity.first_position as i64);
        match links.iter_mut().find(|link| link.0 == id) {
            Some(link) => {
                link.1 += mentions;
                link.2 = link.2.max(entity.salience);
                link.3 = link.3.min(first);
            }
            None => links.push((id, mentions, entity.salience, first)),
        }
    }
    // Single-row statements only (see `attach_tags`): the article's links start empty.
    let mut insert_link = conn.prepare_cached(
        "INSERT INTO article_entities (article_id, entity_id, mentions, salience, first_position, sort_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT sort_at FROM articles WHERE id = ?1))",
    )?;
    for &(id, mentions, salience, first) in &links {
        insert_link.execute((article_id, id, mentions, salience, first))?;
    }
    // The order `load_article` gives.
    links.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then(b.1.cmp(&a.1))
            .then(a.3.cmp(&b.3))
            .then(a.0.cmp(b.0))
    });
    let mut shown = Vec::with_capacity(links.len());
    for (id, mentions, salience, _) in links {
        let mut entity = memo.view(conn, id)?.clone();
        entity.mentions = mentions;
        entity.salience = salience;
        shown.push(entity);
    }
    Ok(shown)
}

/// The SQL of [`live_entity`].
pub(super) const LIVE_ENTITY_SQL: &str = "WITH RECURSIVE chain(id, merged_into) AS ( \
       SELECT id, merged_into FROM entities WHERE id = ? \
       UNION ALL SELECT e.id, e.merged_into FROM entities e JOIN chain c ON e.id = c.merged_into) \
     SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1";

/// The live entity a (possibly merged) id stands for.
fn live_entity(conn: &rusqlite::Connection, id: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached(LIVE_ENTITY_SQL)?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

fn create_entity_row(
    conn: &rusqlite::Connection,
    entity: &ExtractedEntity,
    now: &str,
) -> StoreResult<String> {
    let id = ulid::Ulid::new().to_string();
    let slug = unique_entity_slug(conn, &entity.name, &entity.key, &id)?;
    conn.prepare_cached(
        "INSERT INTO entities (id, slug, name, type, key, curated, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
    )?
    .execute((
        &id,
        &slug,
        &entity.name,
        entity.kind.as_str(),
        &entity.key,
        now,
        now,
    ))?;
    Ok(id)
}

/// A readable, unique slug for an entity: its name transliterated, else its key.
pub(crate) fn unique_entity_slug(
    conn: &rusqlite::Connection,
    name: &str,
    key: &str,
    id: &str,
) -> StoreResult<String> {
    let mut base = normalize::slugify(name);
    if base.is_empty() {
        base = normalize::slugify(key);
    }
    if base.is_empty() {
        base = "entity".to_owned();
    }
    let taken = conn
        .prepare_cached("SELECT 1 FROM entities WHERE slug = ?")?
        .exists([&base])?;
    if !taken {
        return Ok(base);
    }
    let suffix = id[id.len().saturating_sub(6)..].to_ascii_lowercase();
    Ok(format!("{base}-{suffix}"))
}

impl super::SqliteStore {
    /// The editors' curated entities with their aliases, for the extractor's dictionary.
    pub async fn dictionary_entries(&self) -> StoreResult<Vec<normalize::DictionaryEntry>> {
        let rows = sqlx::query(
            "SELECT e.id, e.name, e.type, \
               (SELECT json_group_array(alias) FROM entity_aliases WHERE entity_id = e.id) AS aliases \
             FROM entities e WHERE e.curated = 1 AND e.merged_into IS NULL ORDER BY e.id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("type")?;
                let aliases: String = row.try_get("aliases")?;
                Ok(normalize::DictionaryEntry {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    kind: normalize::EntityType::parse(&kind).ok_or_else(|| {
                        StoreError::Database(format!("unknown entity type `{kind}`"))
                    })?,
                    aliases: serde_json::from_str(&aliases)
                        .map_err(|e| StoreError::Database(format!("aliases: {e}")))?,
                })
            })
            .collect()
    }
}

/// Published, live articles naming an entity.
const ARTICLE_COUNT_SQL: &str =
    "(SELECT count(*) FROM article_entities ae JOIN articles a ON a.id = ae.article_id \
     WHERE ae.entity_id = e.id AND a.deleted_at IS NULL AND a.status = 'published')";

impl super::SqliteStore {
    /// Resolves an id or slug, following merges.
    pub async fn find_entity(&self, id_or_slug: &str) -> StoreResult<EntityLookup> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT id, merged_into FROM entities WHERE id = ?1 OR slug = ?1")
                .bind(id_or_slug)
                .fetch_optional(&self.read)
                .await?;
        match row {
            None => Err(StoreError::NotFound(format!("entity `{id_or_slug}`"))),
            Some((id, None)) => Ok(EntityLookup::Live(id)),
            Some((id, Some(_))) => {
                let mut conn = self.read.acquire().await?;
                let live = on_handle(&mut conn, |c| live_entity(c, &id))
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("entity `{id_or_slug}`")))?;
                let slug: String = sqlx::query_scalar("SELECT slug FROM entities WHERE id = ?")
                    .bind(&live)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(EntityLookup::MergedInto { slug })
            }
        }
    }

    /// A live entity by id, with aliases, article count and (when asked) related entities.
    pub async fn get_entity(&self, id: &str, with_related: bool) -> StoreResult<Entity> {
        let mut conn = self.read.acquire().await?;
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
                 WHERE mine.entity_id = ? \
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
            "SELECT {ARTICLE_COUNT_SQL} > 0 OR {} FROM entities e WHERE e.id = ?",
            ENTITY_PUBLIC_SQL.replace("{id}", "e.id")
        );
        let public: Option<bool> = sqlx::query_scalar(&sql)
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        Ok(public.unwrap_or(false))
    }

    /// One page of live entities.
    pub async fn list_entities(
        &self,
        query: &EntityQuery,
    ) -> StoreResult<super::articles::Page<Entity>> {
        let mut qb: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(format!(
            "SELECT * FROM (SELECT e.id, e.slug, e.name, e.type, e.curated, e.created_at, e.updated_at, \
             {ARTICLE_COUNT_SQL} AS article_count FROM entities e WHERE e.merged_into IS NULL"
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
        qb.push(") AS x WHERE 1 = 1");
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
        let mut conn = self.read.acquire().await?;
        let rows = qb.build().fetch_all(&mut *conn).await?;
        let has_more = rows.len() > limit as usize;
        let mut items = Vec::new();
        for row in rows.iter().take(limit as usize) {
            let id: String = row.try_get("id")?;
            let aliases = load_aliases(&mut conn, &id).await?;
            items.push(entity_from_row(row, aliases)?);
        }
        Ok(super::articles::Page { items, has_more })
    }

    /// Creates a dictionary entry. An entity the extractor already made with the same identity
    /// (key and type) becomes the entry; an existing entry is a conflict. Answers the entity
    /// and whether it was new.
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let now = super::time::now_timestamp();
        let existing: Option<(String, i64)> = sqlx::query_as(
            "SELECT id, curated FROM entities WHERE key = ? AND type = ? AND merged_into IS NULL",
        )
        .bind(&key)
        .bind(kind)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, created) = match existing {
            Some((id, 1)) => {
                let slug: String = sqlx::query_scalar("SELECT slug FROM entities WHERE id = ?")
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(StoreError::Conflict(format!(
                    "the {kind} `{name}` is already in the dictionary as `{slug}`"
                )));
            }
            Some((id, _)) => {
                sqlx::query(
                    "UPDATE entities SET curated = 1, name = ?, updated_at = ? WHERE id = ?",
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
                let slug = on_handle(&mut tx, |c| unique_entity_slug(c, name, &key, &id)).await?;
                sqlx::query(
                    "INSERT INTO entities (id, slug, name, type, key, curated, created_at, updated_at) \
                     VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                )
                .bind(&id)
                .bind(&slug)
                .bind(name)
                .bind(kind)
                .bind(&key)
                .bind(&now)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                (id, true)
            }
        };
        let mut all = vec![Alias {
            alias: name.to_owned(),
            script: normalize::script_code(name).to_owned(),
        }];
        all.extend(aliases.iter().cloned());
        add_aliases(&mut tx, &id, kind, &all).await?;
        on_handle(&mut tx, |c| super::docs::forget_linked_to_entity(c, &id)).await?;
        let entity = load_entity(&mut tx, &id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))?;
        tx.commit().await?;
        self.bump_generation();
        Ok((entity, created))
    }

    /// Applies editors' changes; the entity becomes a dictionary entry.
    pub async fn update_entity(&self, id: &str, changes: &EntityChanges) -> StoreResult<Entity> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
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
            "SELECT slug FROM entities WHERE key = ? AND type = ? AND merged_into IS NULL AND id <> ?",
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
        sqlx::query("UPDATE entities SET name = ?, type = ?, key = ?, curated = 1, updated_at = ? WHERE id = ?")
            .bind(&name)
            .bind(&kind)
            .bind(&key)
            .bind(super::time::now_timestamp())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(aliases) = &changes.aliases {
            sqlx::query("DELETE FROM entity_aliases WHERE entity_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            add_aliases(&mut tx, id, &kind, aliases).await?;
        }
        for alias in &changes.remove_aliases {
            sqlx::query("DELETE FROM entity_aliases WHERE entity_id = ? AND alias = ?")
                .bind(id)
                .bind(alias)
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
        on_handle(&mut tx, |c| super::docs::forget_linked_to_entity(c, id)).await?;
        let entity = load_entity(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{id}`")))?;
        tx.commit().await?;
        self.bump_generation();
        Ok(entity)
    }

    /// Merges `from` into `into`: its articles move (mentions add up), its aliases join, and
    /// its slug redirects to `into`.
    pub async fn merge_entities(&self, from: &str, into: &str) -> StoreResult<Entity> {
        if from == into {
            return Err(StoreError::Invalid(
                "an entity cannot be merged into itself".into(),
            ));
        }
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        for id in [from, into] {
            let live: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM entities WHERE id = ? AND merged_into IS NULL")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if live.is_none() {
                return Err(StoreError::NotFound(format!("entity `{id}`")));
            }
            on_handle(&mut tx, |c| super::docs::forget_linked_to_entity(c, id)).await?;
        }
        sqlx::query(
            "INSERT INTO article_entities (article_id, entity_id, mentions, salience, first_position, sort_at) \
             SELECT article_id, ?1, mentions, salience, first_position, sort_at FROM article_entities WHERE entity_id = ?2 \
             ON CONFLICT (article_id, entity_id) DO UPDATE SET \
               mentions = mentions + excluded.mentions, \
               salience = max(salience, excluded.salience), \
               first_position = min(first_position, excluded.first_position)",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM article_entities WHERE entity_id = ?")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_folded, script) \
             SELECT ?1, alias, alias_folded, script FROM entity_aliases WHERE entity_id = ?2",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM entity_aliases WHERE entity_id = ?")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        let now = super::time::now_timestamp();
        sqlx::query(
            "UPDATE entities SET merged_into = ?, curated = 0, updated_at = ? WHERE id = ?",
        )
        .bind(into)
        .bind(&now)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE entities SET curated = 1, updated_at = ? WHERE id = ?")
            .bind(&now)
            .bind(into)
            .execute(&mut *tx)
            .await?;
        let entity = load_entity(&mut tx, into)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("entity `{into}`")))?;
        on_handle(&mut tx, |c| {
            super::webhooks::record_event(c, crate::store::webhooks::ENTITY_MERGED, || {
                crate::store::webhooks::Event::entity_merged(from, into)
            })
        })
        .await?;
        tx.commit().await?;
        self.bump_generation();
        Ok(entity)
    }

    /// The live slug of an entity given by id or slug (following merges).
    pub async fn live_entity_slug(&self, id_or_slug: &str) -> StoreResult<String> {
        match self.find_entity(id_or_slug).await? {
            EntityLookup::MergedInto { slug } => Ok(slug),
            EntityLookup::Live(id) => {
                Ok(sqlx::query_scalar("SELECT slug FROM entities WHERE id = ?")
                    .bind(id)
                    .fetch_one(&self.read)
                    .await?)
            }
        }
    }

    /// Replaces an article's entities with a fresh extraction.
    pub async fn replace_article_entities(
        &self,
        article_id: &str,
        extracted: &[ExtractedEntity],
    ) -> StoreResult<()> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let now = super::time::now_timestamp();
        on_handle(&mut tx, |c| {
            c.prepare_cached("DELETE FROM article_entities WHERE article_id = ?")?
                .execute([article_id])?;
            link_article_entities(c, &mut EntityMemo::default(), article_id, extracted, &now)?;
            super::articles::unlink_excluded_entities(c, article_id)?;
            // The full-text row's facets follow the new links (migration 0012).
            let rowid: Option<i64> = c
                .prepare_cached("SELECT rowid FROM articles WHERE id = ?")?
                .query_row([article_id], |row| row.get(0))
                .optional()?;
            if let Some(rowid) = rowid {
                super::articles::reindex_article(c, rowid)?;
            }
            Ok(())
        })
        .await?;
        sqlx::query("UPDATE articles SET version = version + 1, updated_at = ? WHERE id = ?")
            .bind(&now)
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        super::docs::save(&mut tx, article_id).await?;
        tx.commit().await?;
        self.bump_generation();
        Ok(())
    }
}

/// Adds aliases, refusing one that names a different curated entity of the same type.
async fn add_aliases(
    conn: &mut SqliteConnection,
    entity_id: &str,
    kind: &str,
    aliases: &[Alias],
) -> StoreResult<()> {
    for alias in aliases {
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT e.slug FROM entity_aliases a JOIN entities e ON e.id = a.entity_id \
             WHERE a.alias = ? AND e.type = ? AND e.curated = 1 AND e.merged_into IS NULL AND e.id <> ?",
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
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_folded, script) VALUES (?, ?, ?, ?)",
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

async fn load_aliases(conn: &mut SqliteConnection, entity_id: &str) -> StoreResult<Vec<Alias>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT alias, script FROM entity_aliases WHERE entity_id = ? ORDER BY rowid",
    )
    .bind(entity_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(alias, script)| Alias { alias, script })
        .collect())
}

async fn load_entity(conn: &mut SqliteConnection, id: &str) -> StoreResult<Option<Entity>> {
    let sql = format!(
        "SELECT e.id, e.slug, e.name, e.type, e.curated, e.created_at, e.updated_at, \
         {ARTICLE_COUNT_SQL} AS article_count FROM entities e WHERE e.id = ? AND e.merged_into IS NULL"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let aliases = load_aliases(conn, id).await?;
    Ok(Some(entity_from_row(&row, aliases)?))
}

/// An entity from a row of id, slug, name, type, curated, created_at, updated_at, article_count.
fn entity_from_row(row: &sqlx::sqlite::SqliteRow, aliases: Vec<Alias>) -> StoreResult<Entity> {
    Ok(Entity {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        kind: row.try_get("type")?,
        aliases,
        article_count: row.try_get("article_count")?,
        curated: row.try_get::<i64, _>("curated")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        related: None,
    })
}
