//! The ways normalization can refuse an input. Each is a value the API turns into a 422 whose
//! `detail` is the `Display` text, so every message says what to change.

/// Why an envelope could not be made into an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    #[error("The article text is empty or only whitespace; send the article's text in `text`.")]
    EmptyText,
    #[error(
        "The text holds no prose: no line has words in any script, only markup, links, images, \
         numbers or symbols. Send the article's paragraphs as text."
    )]
    NoProse,
    #[error("{}", nothing_left_detail(*removed))]
    NothingLeft {
        /// How many lines were dropped as page leftovers.
        removed: usize,
    },
    #[error("`url` {value:?} is not an absolute http(s) URL ({reason}); send the article's address like https://example.com/news/story.")]
    InvalidUrl { value: String, reason: String },
    #[error("`published_at` {value:?} is not a date; send an RFC 3339 timestamp (2023-09-15T05:41:32Z) or a day (2023-09-15).")]
    InvalidPublishedAt { value: String },
    #[error(
        "`language` {value:?} is not an ISO 639-1 code; send two letters such as \"hi\" or \"en\"."
    )]
    InvalidLanguage { value: String },
}

impl NormalizeError {
    /// A stable, machine-readable name for the kind of problem (used in problem `type` URIs).
    pub fn kind(&self) -> &'static str {
        match self {
            NormalizeError::EmptyText => "empty-text",
            NormalizeError::NoProse => "no-prose",
            NormalizeError::NothingLeft { .. } => "unprocessable-article",
            NormalizeError::InvalidUrl { .. } => "invalid-url",
            NormalizeError::InvalidPublishedAt { .. } => "invalid-published-at",
            NormalizeError::InvalidLanguage { .. } => "invalid-language",
        }
    }
}

fn nothing_left_detail(removed: usize) -> String {
    match removed {
        0 => "The text has a title but no body: add the article's paragraphs after the title line."
            .to_string(),
        1 => "After removing 1 boilerplate line nothing was left to publish; send the article's own paragraphs.".to_string(),
        n => format!(
            "After removing {n} boilerplate lines nothing was left to publish; send the article's own paragraphs."
        ),
    }
}
