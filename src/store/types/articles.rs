//! Articles as the API sees them: the stored article, list items, what an ingest did, list
//! queries and pages, and editors' changes. Each backend reads and writes these.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::normalize::{self, Block, Image, Removed};
use crate::store::search::SearchExpr;
/// Whether readers see an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    Published,
    /// Published once its `published_at` comes (by the scheduler); not public until then.
    Scheduled,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
            ArticleStatus::Scheduled => "scheduled",
        }
    }

    pub fn parse(s: &str) -> Option<ArticleStatus> {
        match s {
            "draft" => Some(ArticleStatus::Draft),
            "published" => Some(ArticleStatus::Published),
            "scheduled" => Some(ArticleStatus::Scheduled),
            _ => None,
        }
    }
}

/// A tag as it appears inside an article or a list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct TagRef {
    pub slug: String,
    pub name: String,
}

/// An entity as it appears inside an article.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ArticleEntity {
    pub id: String,
    pub slug: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: Vec<String>,
    pub mentions: i64,
    pub salience: f64,
}

/// A stored article, whole.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Article {
    pub id: String,
    pub slug: String,
    pub status: ArticleStatus,
    pub title: String,
    pub summary: Option<String>,
    pub kickers: Vec<String>,
    pub language: String,
    pub script: String,
    pub lead_image: Option<Image>,
    pub blocks: Vec<Block>,
    pub body_text: String,
    pub word_count: i64,
    pub reading_time_minutes: i64,
    pub published_at: Option<String>,
    pub published_at_source: Option<String>,
    pub url: Option<String>,
    pub source_domain: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<TagRef>,
    pub entities: Vec<ArticleEntity>,
    pub content_hash: String,
    pub created_at: String,
    pub updated_at: String,
    /// Lines dropped as boilerplate at ingest (shown with `include=removed`).
    #[serde(skip)]
    pub removed: Vec<Removed>,
    /// Incremented on every change.
    #[serde(skip)]
    pub version: i64,
    /// Key for keyset pagination: `published_at`, else `created_at`.
    #[serde(skip)]
    pub sort_at: String,
}

/// An article in a list: no blocks, no body.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ArticleSummary {
    pub id: String,
    pub slug: String,
    pub status: ArticleStatus,
    pub title: String,
    pub summary: Option<String>,
    pub kickers: Vec<String>,
    pub language: String,
    pub script: String,
    pub lead_image: Option<Image>,
    pub word_count: i64,
    pub reading_time_minutes: i64,
    pub published_at: Option<String>,
    pub source_domain: Option<String>,
    pub tags: Vec<TagRef>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip)]
    pub sort_at: String,
    /// bm25 rank when the list was a search (lower is better).
    #[serde(skip)]
    pub rank: Option<f64>,
    /// Storage order, the tie-break of equal ranks.
    #[serde(skip)]
    pub rowid: i64,
}

/// What an ingest did.
#[derive(Debug, Clone)]
pub enum Inserted {
    Created(Article),
    /// The same content was already stored; this is that article.
    Duplicate(Article),
}

/// What one article of a batch became: its id and slug, and whether it was already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchInserted {
    pub id: String,
    pub slug: String,
    pub duplicate: bool,
}

/// Ordering of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleOrder {
    NewestFirst,
    OldestFirst,
    /// bm25 over title (weighted highest), summary, extra (kickers, alt text) and body.
    Relevance,
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    Time {
        sort_at: String,
        id: String,
    },
    /// Relevance ties are broken by storage order (the rowid), which FTS5 can sort by too.
    Rank {
        rank: f64,
        rowid: i64,
    },
}

/// Filters of `GET /v1/articles`.
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub tags: Vec<String>,
    pub entities: Vec<String>,
    pub language: Option<String>,
    pub source: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub statuses: Vec<ArticleStatus>,
    /// A search: only articles it matches.
    pub search: Option<SearchExpr>,
    pub order: Option<ArticleOrder>,
    pub after: Option<After>,
    /// Only articles stored at or before this rowid (keeps relevance pages stable under inserts).
    pub max_rowid: Option<i64>,
    /// Only articles stored at or after this rowid (the relevance window; set by the store).
    pub min_rowid: Option<i64>,
    pub limit: u32,
}

/// One page of a list and whether more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

/// Changes an editor asks for; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticleChanges {
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub blocks: Option<Vec<Block>>,
    pub status: Option<ArticleStatus>,
    pub published_at: Option<Option<OffsetDateTime>>,
    /// Replace the tag set with these display names.
    pub tags: Option<Vec<String>>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub kickers: Option<Vec<String>>,
    /// Entities (ids or slugs) taken off the article; extraction leaves them out from then on.
    pub remove_entities: Vec<String>,
    /// Entities (ids or slugs) extraction may link again; the caller recomputes the entities.
    pub restore_entities: Vec<String>,
    /// Recomputed text fields when title, summary, kickers or blocks changed.
    pub recomputed: Option<Recomputed>,
    /// The change happens only while the article's ETag satisfies this.
    pub if_match: Option<IfMatch>,
}

/// An `If-Match` precondition on a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version.
    Any,
    /// One of these entity tags (as sent, with their quotes; weak ones never match).
    Tags(Vec<String>),
}

impl IfMatch {
    /// Whether the article whose current strong ETag is `etag` satisfies the precondition.
    pub fn matches(&self, etag: &str) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|t| t == etag),
        }
    }

    /// Checks the precondition against an article as loaded inside the writing transaction.
    pub(crate) fn check(&self, article: &Article) -> crate::store::StoreResult<()> {
        let (_, etag) = crate::store::docs::render(article);
        if self.matches(&etag) {
            Ok(())
        } else {
            Err(crate::store::StoreError::PreconditionFailed { current_etag: etag })
        }
    }
}

/// Derived fields the caller recomputes from the new text.
#[derive(Debug, Clone)]
pub struct Recomputed {
    pub word_count: usize,
    pub reading_time_minutes: u32,
    pub content_hash: String,
    pub entities: Vec<normalize::ExtractedEntity>,
}
