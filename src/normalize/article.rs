//! The normalizer's input and output types: what crawlers send, and the structured article
//! newsdesk makes of it. Plain data, serializable, shared by the pipeline steps and the API.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What an editor or crawler sends: raw text (or a whole HTML page) plus optional explicit fields.
/// Explicit fields override what the pipeline infers. One of `text` and `html` is needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The raw, scraped article text (plain or markdown-ish). Optional when `html` is sent.
    #[serde(default)]
    pub text: String,
    /// The whole web page as HTML; its main content and metadata are extracted, and `text` is
    /// then ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// Publisher name or domain as the sender knows it.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// RFC 3339 timestamp or `YYYY-MM-DD`.
    #[serde(default)]
    pub published_at: Option<String>,
    /// ISO 639-1 code.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
}

impl Envelope {
    /// An envelope carrying nothing but text.
    pub fn from_text(text: impl Into<String>) -> Self {
        Envelope {
            text: text.into(),
            ..Envelope::default()
        }
    }
}

/// The structured article the pipeline produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalizedArticle {
    pub title: String,
    pub summary: Option<String>,
    /// SEO/topic phrases stripped from the front of the summary or first paragraph.
    pub kickers: Vec<String>,
    pub lead_image: Option<Image>,
    pub blocks: Vec<Block>,
    /// The blocks as plain text, a blank line between blocks (image blocks contribute nothing).
    pub body_text: String,
    /// ISO 639-1.
    pub language: String,
    /// ISO 15924 (`Deva`, `Latn`, …).
    pub script: String,
    pub word_count: usize,
    pub reading_time_minutes: u32,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub published_at_source: Option<DateSource>,
    /// The article's own URL when the sender gave one.
    pub url: Option<String>,
    pub source_domain: Option<String>,
    pub authors: Vec<String>,
    /// Display names of tags: the kickers and the envelope's tags, deduplicated.
    pub tags: Vec<String>,
    pub entities: Vec<ExtractedEntity>,
    /// `sha256:<hex>` of the normalized title and body text.
    pub content_hash: String,
    /// Lines dropped as page leftovers, and why.
    pub removed: Vec<Removed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Image {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockType {
    Paragraph,
    Heading,
    Image,
    Quote,
    ListItem,
}

impl BlockType {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockType::Paragraph => "paragraph",
            BlockType::Heading => "heading",
            BlockType::Image => "image",
            BlockType::Quote => "quote",
            BlockType::ListItem => "list_item",
        }
    }

    pub fn parse(s: &str) -> Option<BlockType> {
        Some(match s {
            "paragraph" => BlockType::Paragraph,
            "heading" => BlockType::Heading,
            "image" => BlockType::Image,
            "quote" => BlockType::Quote,
            "list_item" => BlockType::ListItem,
            _ => return None,
        })
    }
}

/// One body block. `text` is the visible text (for an image: its alt text, possibly empty);
/// `url`, `alt` and `caption` are set on image blocks only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: BlockType,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Block {
    pub fn text(kind: BlockType, text: impl Into<String>) -> Self {
        Block {
            kind,
            text: text.into(),
            url: None,
            alt: None,
            caption: None,
        }
    }
}

/// Where `published_at` came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    Explicit,
    UrlPath,
    ImagePath,
    EmbeddedTimestamp,
    /// The HTML page's own metadata, as recorded before the page's sources were told apart.
    PageMetadata,
    /// The page's JSON-LD `datePublished`.
    JsonLd,
    /// A `<meta>` tag of the page (`article:published_time`, `date`, `DC.date.issued`, …).
    Meta,
    /// An element marked `itemprop="datePublished"`.
    Microdata,
    /// A `<time datetime>` element of the article or its header.
    TimeElement,
    /// A dateline written near the title ("Published 12 March 2024").
    Text,
    /// A publication date in the page's script data (`__NEXT_DATA__`, Next.js flight data,
    /// state objects: keys such as `datePublished`, `publishedAt`, `publish_date`).
    ScriptData,
    /// A modification date the page declares, when it declares no publication date.
    Modified,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Explicit => "explicit",
            DateSource::UrlPath => "url_path",
            DateSource::ImagePath => "image_path",
            DateSource::EmbeddedTimestamp => "embedded_timestamp",
            DateSource::PageMetadata => "page_metadata",
            DateSource::JsonLd => "json_ld",
            DateSource::Meta => "meta",
            DateSource::Microdata => "microdata",
            DateSource::TimeElement => "time_element",
            DateSource::Text => "text",
            DateSource::ScriptData => "script_data",
            DateSource::Modified => "modified",
        }
    }

    pub fn parse(s: &str) -> Option<DateSource> {
        Some(match s {
            "explicit" => DateSource::Explicit,
            "url_path" => DateSource::UrlPath,
            "image_path" => DateSource::ImagePath,
            "embedded_timestamp" => DateSource::EmbeddedTimestamp,
            "page_metadata" => DateSource::PageMetadata,
            "json_ld" => DateSource::JsonLd,
            "meta" => DateSource::Meta,
            "microdata" => DateSource::Microdata,
            "time_element" => DateSource::TimeElement,
            "text" => DateSource::Text,
            "script_data" => DateSource::ScriptData,
            "modified" => DateSource::Modified,
            _ => return None,
        })
    }
}

/// A line the pipeline dropped, with a machine-readable reason
/// (`related_marker`, `trending_marker`, `promo_image`, `duplicate`, `link_list`, `navigation`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Removed {
    pub text: String,
    pub reason: String,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Person,
    Place,
    Organization,
    Other,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Place => "place",
            EntityType::Organization => "organization",
            EntityType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        Some(match s {
            "person" => EntityType::Person,
            "place" => EntityType::Place,
            "organization" => EntityType::Organization,
            "other" => EntityType::Other,
            _ => return None,
        })
    }
}

/// One entity as found in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedEntity {
    /// The fullest surface form seen (or the dictionary's canonical name).
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Cross-script identity key: romanized and folded (see `entities::transliteration_key`).
    pub key: String,
    /// Every distinct surface form seen, in order of first appearance.
    pub surface_forms: Vec<SurfaceForm>,
    pub mentions: u32,
    /// Character offset of the first mention in title + body.
    pub first_position: usize,
    /// 0..1: how central the entity is to the article (mentions, position, title presence).
    pub salience: f64,
    /// The editors' dictionary entry this entity was matched to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurfaceForm {
    pub text: String,
    /// ISO 15924 of the form (`Deva`, `Latn`, …).
    pub script: String,
}
