//! Entities shared across articles: the same transliteration key and type, or an alias of a
//! curated entry, land on the same row.

use sqlx::{Row, SqliteConnection};

use super::articles::ArticleEntity;
use super::{StoreError, StoreResult};
use crate::normalize::{self, ExtractedEntity};

/// Most aliases shown with an entity inside an article.
const ALIASES_IN_ARTICLE: usize = 12;

/// Links an article to its extracted entities, creating entities and aliases as needed.
pub(crate) async fn link_article_entities(
    conn: &mut SqliteConnection,
    article_id: &str,
    extracted: &[ExtractedEntity],
    now: &str,
) -> StoreResult<()> {
    for entity in extracted {
        if entity.key.is_empty() || entity.name.trim().is_empty() {
            continue;
        }
        let entity_id = resolve_or_create(conn, entity, now).await?;
        for form in &entity.surface_forms {
            sqlx::query(
                "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_folded, script) VALUES (?, ?, ?, ?)",
            )
            .bind(&entity_id)
            .bind(&form.text)
            .bind(fold_alias(&form.text))
            .bind(&form.script)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "INSERT INTO article_entities (article_id, entity_id, mentions, salience, first_position) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (article_id, entity_id) DO UPDATE SET \
               mentions = mentions + excluded.mentions, \
               salience = max(salience, excluded.salience), \
               first_position = min(first_position, excluded.first_position)",
        )
        .bind(article_id)
        .bind(&entity_id)
        .bind(i64::from(entity.mentions))
        .bind(entity.salience)
        .bind(entity.first_position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Lowercased form used for prefix search.
pub(crate) fn fold_alias(alias: &str) -> String {
    alias.trim().to_lowercase()
}

/// The live entity an extraction belongs to: an alias of a curated (or any) entity of the same
/// type, else the same key and type, else a new row.
async fn resolve_or_create(
    conn: &mut SqliteConnection,
    entity: &ExtractedEntity,
    now: &str,
) -> StoreResult<String> {
    let kind = entity.kind.as_str();
    if let Some(dictionary_id) = &entity.dictionary_id {
        // A curated entry, or what it was merged into.
        let live: Option<String> = sqlx::query_scalar(
            "WITH RECURSIVE chain(id, merged_into) AS ( \
               SELECT id, merged_into FROM entities WHERE id = ? \
               UNION ALL SELECT e.id, e.merged_into FROM entities e JOIN chain c ON e.id = c.merged_into) \
             SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1",
        )
        .bind(dictionary_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = live {
            return Ok(id);
        }
    }
    for form in std::iter::once(entity.name.as_str())
        .chain(entity.surface_forms.iter().map(|f| f.text.as_str()))
    {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT e.id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id \
             WHERE a.alias = ? AND e.type = ? AND e.merged_into IS NULL \
             ORDER BY e.curated DESC, e.created_at LIMIT 1",
        )
        .bind(form)
        .bind(kind)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = found {
            return Ok(id);
        }
    }
    let by_key: Option<String> = sqlx::query_scalar(
        "SELECT id FROM entities WHERE key = ? AND type = ? AND merged_into IS NULL",
    )
    .bind(&entity.key)
    .bind(kind)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = by_key {
        return Ok(id);
    }
    let id = ulid::Ulid::new().to_string();
    let slug = unique_entity_slug(conn, &entity.name, &entity.key, &id).await?;
    sqlx::query(
        "INSERT INTO entities (id, slug, name, type, key, curated, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
    )
    .bind(&id)
    .bind(&slug)
    .bind(&entity.name)
    .bind(kind)
    .bind(&entity.key)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A readable, unique slug for an entity: its name transliterated, else its key.
pub(crate) async fn unique_entity_slug(
    conn: &mut SqliteConnection,
    name: &str,
    key: &str,
    id: &str,
) -> StoreResult<String> {
    let mut base = normalize::tag_slug(name);
    if base.is_empty() {
        base = normalize::tag_slug(key);
    }
    if base.is_empty() {
        base = "entity".to_owned();
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM entities WHERE slug = ?")
        .bind(&base)
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_none() {
        return Ok(base);
    }
    let suffix = id[id.len().saturating_sub(6)..].to_ascii_lowercase();
    Ok(format!("{base}-{suffix}"))
}

/// The entities of an article, most salient first, with their aliases.
pub(crate) async fn entities_of_article(
    conn: &mut SqliteConnection,
    article_id: &str,
) -> StoreResult<Vec<ArticleEntity>> {
    let rows = sqlx::query(
        "SELECT e.id, e.slug, e.name, e.type, ae.mentions, ae.salience, \
           (SELECT json_group_array(alias) FROM \
              (SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY rowid LIMIT ?)) AS aliases \
         FROM article_entities ae JOIN entities e ON e.id = ae.entity_id \
         WHERE ae.article_id = ? \
         ORDER BY ae.salience DESC, ae.mentions DESC, ae.first_position",
    )
    .bind(ALIASES_IN_ARTICLE as i64)
    .bind(article_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let aliases: String = row.try_get("aliases")?;
            Ok(ArticleEntity {
                id: row.try_get("id")?,
                slug: row.try_get("slug")?,
                name: row.try_get("name")?,
                kind: row.try_get("type")?,
                aliases: serde_json::from_str(&aliases)
                    .map_err(|e| StoreError::Database(format!("aliases: {e}")))?,
                mentions: row.try_get("mentions")?,
                salience: row.try_get("salience")?,
            })
        })
        .collect()
}

impl super::Store {
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
