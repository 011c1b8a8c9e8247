//! Entities as the API sees them: people, places and organizations shared across articles, with
//! their aliases; list queries and editors' changes. Each backend reads and writes these.

/// Most aliases shown with an entity inside an article.
pub(crate) const ALIASES_IN_ARTICLE: usize = 12;

/// Lowercased form used for prefix search.
pub(crate) fn fold_alias(alias: &str) -> String {
    alias.trim().to_lowercase()
}

/// The character that sorts after every other, for prefix ranges.
pub(crate) const PREFIX_END: char = '\u{10FFFF}';

/// An entity with what readers need to know about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Entity {
    pub id: String,
    pub slug: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: Vec<Alias>,
    pub article_count: i64,
    /// An editors' dictionary entry (rather than found by the extractor alone).
    pub curated: bool,
    pub created_at: String,
    pub updated_at: String,
    /// Entities most often named in the same articles (on `GET /v1/entities/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Vec<RelatedEntity>>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Alias {
    pub alias: String,
    /// ISO 15924.
    pub script: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RelatedEntity {
    pub id: String,
    pub slug: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub shared_articles: i64,
}

/// How entity lists are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrder {
    MostArticles,
    Name,
}

/// Filters of `GET /v1/entities`.
#[derive(Debug, Clone)]
pub struct EntityQuery {
    pub kind: Option<String>,
    /// Prefix, matched against every alias (lowercased) and the romanized key.
    pub prefix: Option<String>,
    pub order: EntityOrder,
    /// (article_count or name, id) of the last item of the previous page.
    pub after: Option<(String, String)>,
    pub limit: u32,
    /// Only what anonymous callers may see: no entity only unpublished (draft or deleted)
    /// articles name. Entities no article names (editors' dictionary entries) are shown.
    pub published_only: bool,
}

/// SQL (both backends): whether the entity whose id is `{id}` is one anonymous callers may
/// see, i.e. no unpublished article names it (used with "or a published one does").
pub(crate) const ENTITY_PUBLIC_SQL: &str =
    "NOT EXISTS (SELECT 1 FROM article_entities ae JOIN articles a ON a.id = ae.article_id \
     WHERE ae.entity_id = {id} AND (a.deleted_at IS NOT NULL OR a.status <> 'published'))";

/// Where to find an entity: live, or merged into another (whose slug to redirect to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityLookup {
    Live(String),
    MergedInto { slug: String },
}

/// Editors' changes to an entity.
#[derive(Debug, Clone, Default)]
pub struct EntityChanges {
    pub name: Option<String>,
    pub kind: Option<String>,
    /// Replace every alias.
    pub aliases: Option<Vec<Alias>>,
    pub add_aliases: Vec<Alias>,
    pub remove_aliases: Vec<String>,
}

/// The readable part of an entity's slug: its name transliterated, else its key.
pub(crate) fn entity_slug_base(name: &str, key: &str) -> String {
    let mut base = crate::normalize::slugify(name);
    if base.is_empty() {
        base = crate::normalize::slugify(key);
    }
    if base.is_empty() {
        base = "entity".to_owned();
    }
    base
}

/// A slug made unique by the end of the row's id (a ULID: its last characters are random).
pub(crate) fn slug_with_suffix(base: &str, id: &str) -> String {
    format!(
        "{base}-{}",
        id[id.len().saturating_sub(6)..].to_ascii_lowercase()
    )
}
