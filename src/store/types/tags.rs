//! Tags as the API sees them: unique by slug, with a display name; list queries.

/// A tag as listed and read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Tag {
    pub slug: String,
    pub name: String,
    pub article_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// How tag lists are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOrder {
    MostArticles,
    Name,
}

/// Filters of `GET /v1/tags`.
#[derive(Debug, Clone)]
pub struct TagQuery {
    /// Prefix of the slug (the query is slugified first) or of the name.
    pub prefix: Option<String>,
    pub order: TagOrder,
    pub after: Option<(String, String)>,
    pub limit: u32,
    /// Only what anonymous callers may see: no tag that only unpublished (draft or deleted)
    /// articles carry, which would tell of them. Tags of no article at all (made by editors)
    /// are shown.
    pub published_only: bool,
}

/// SQL (both backends): whether the tag whose id is `{id}` is one anonymous callers may see,
/// i.e. no unpublished article carries it (used with "or a published one does").
pub(crate) const TAG_PUBLIC_SQL: &str =
    "NOT EXISTS (SELECT 1 FROM article_tags at JOIN articles a ON a.id = at.article_id \
     WHERE at.tag_id = {id} AND (a.deleted_at IS NOT NULL OR a.status <> 'published'))";
