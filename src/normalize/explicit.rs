//! The envelope's explicit fields, checked and cleaned. They override what the text suggests, so a
//! malformed one is refused rather than guessed around.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

use super::article::Envelope;
use super::error::NormalizeError;
use super::hygiene::clean_inline;
use super::language::is_iso639_1;

/// Explicit fields after validation; empty strings count as absent.
#[derive(Debug, Clone, Default)]
pub struct Explicit {
    pub url: Option<url::Url>,
    pub source: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub published_at: Option<OffsetDateTime>,
    pub language: Option<String>,
}

/// Validate and clean the envelope's explicit fields.
pub fn validate_explicit(envelope: &Envelope) -> Result<Explicit, NormalizeError> {
    let present = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(Explicit {
        url: present(&envelope.url).map(|u| parse_url(&u)).transpose()?,
        source: present(&envelope.source).map(|s| clean_inline(&s)),
        title: present(&envelope.title)
            .map(|s| clean_inline(&s))
            .filter(|s| !s.is_empty()),
        summary: present(&envelope.summary)
            .map(|s| clean_inline(&s))
            .filter(|s| !s.is_empty()),
        published_at: present(&envelope.published_at)
            .map(|p| parse_published_at(&p))
            .transpose()?,
        language: present(&envelope.language)
            .map(|l| parse_language(&l))
            .transpose()?,
    })
}

fn parse_url(value: &str) -> Result<url::Url, NormalizeError> {
    let invalid = |reason: &str| NormalizeError::InvalidUrl {
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(value).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    Ok(url)
}

fn parse_published_at(value: &str) -> Result<OffsetDateTime, NormalizeError> {
    if let Ok(t) = OffsetDateTime::parse(value, &Rfc3339) {
        // 9999-12-31T23:59:59-01:00 is in year 10000 in UTC, past what can be stored.
        return t.checked_to_offset(time::UtcOffset::UTC).ok_or_else(|| {
            NormalizeError::InvalidPublishedAt {
                value: value.to_string(),
            }
        });
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value, &day)
        .map(|d| d.with_time(Time::MIDNIGHT).assume_utc())
        .map_err(|_| NormalizeError::InvalidPublishedAt {
            value: value.to_string(),
        })
}

fn parse_language(value: &str) -> Result<String, NormalizeError> {
    // Accept a region subtag (`hi-IN`) and any case; keep the ISO 639-1 part.
    let primary = value
        .split(['-', '_'])
        .next()
        .unwrap_or(value)
        .to_ascii_lowercase();
    if is_iso639_1(&primary) {
        Ok(primary)
    } else {
        Err(NormalizeError::InvalidLanguage {
            value: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Envelope {
        Envelope::from_text("x")
    }

    #[test]
    fn bad_fields_are_errors() {
        let e = Envelope {
            url: Some("not a url".into()),
            ..env()
        };
        assert!(matches!(
            validate_explicit(&e),
            Err(NormalizeError::InvalidUrl { .. })
        ));
        let e = Envelope {
            url: Some("ftp://x.com/a".into()),
            ..env()
        };
        assert!(matches!(
            validate_explicit(&e),
            Err(NormalizeError::InvalidUrl { .. })
        ));
        let e = Envelope {
            published_at: Some("15/09/2023".into()),
            ..env()
        };
        assert!(matches!(
            validate_explicit(&e),
            Err(NormalizeError::InvalidPublishedAt { .. })
        ));
        for value in ["9999-12-31T23:59:59-23:59", "10000-01-01"] {
            let e = Envelope {
                published_at: Some(value.into()),
                ..env()
            };
            assert!(
                matches!(
                    validate_explicit(&e),
                    Err(NormalizeError::InvalidPublishedAt { .. })
                ),
                "{value}"
            );
        }
        let e = Envelope {
            language: Some("hindi".into()),
            ..env()
        };
        assert!(matches!(
            validate_explicit(&e),
            Err(NormalizeError::InvalidLanguage { .. })
        ));
    }

    #[test]
    fn good_fields() {
        let e = Envelope {
            published_at: Some("2023-09-15".into()),
            language: Some("HI-in".into()),
            url: Some("https://www.abplive.com/news/world/x".into()),
            ..env()
        };
        let x = validate_explicit(&e).unwrap();
        assert_eq!(x.language.as_deref(), Some("hi"));
        assert_eq!(
            x.published_at,
            Some(time::macros::datetime!(2023-09-15 00:00 UTC))
        );
    }
}
