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
    /// Too few words after the title for any article (said instead of "boilerplate" when
    /// what was sent is this short).
    #[error("{}", too_short_detail(*words, *minimum))]
    TooShort {
        /// Words sent after the title line.
        words: usize,
        minimum: usize,
    },
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
    #[error("The HTML page cannot be decoded as {charset:?}: {reason}. Declare the page's real character set in the Content-Type (`text/html; charset=…`) or send it as UTF-8.")]
    UndecodableHtml { charset: String, reason: String },
}

impl NormalizeError {
    /// A stable, machine-readable name for the kind of problem (used in problem `type` URIs).
    pub fn kind(&self) -> &'static str {
        match self {
            NormalizeError::EmptyText => "empty-text",
            NormalizeError::NoProse => "no-prose",
            NormalizeError::NothingLeft { .. } => "unprocessable-article",
            NormalizeError::TooShort { .. } => "too-short",
            NormalizeError::InvalidUrl { .. } => "invalid-url",
            NormalizeError::InvalidPublishedAt { .. } => "invalid-published-at",
            NormalizeError::InvalidLanguage { .. } => "invalid-language",
            NormalizeError::UndecodableHtml { .. } => "undecodable-html",
        }
    }
}

fn too_short_detail(words: usize, minimum: usize) -> String {
    let had = match words {
        0 => "nothing follows the title line".to_string(),
        1 => "1 word follows the title line".to_string(),
        n => format!("{n} words follow the title line"),
    };
    format!(
        "The text is too short to be an article: {had}. Send a title line and then the article's \
         text, at least {minimum} words."
    )
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
