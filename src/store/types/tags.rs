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
}
