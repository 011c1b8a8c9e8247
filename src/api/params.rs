//! Query-string parameters read by name, so every invalid value is a 400 that names its
//! parameter; unknown parameters are ignored.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::{ApiError, ApiResult};
use crate::store::time::format_timestamp;

pub use super::limits::{DEFAULT_LIMIT, MAX_LIMIT};

/// The decoded pairs of a query string, in order.
#[derive(Debug, Default)]
pub struct QueryPairs {
    pairs: Vec<(String, String)>,
}

impl QueryPairs {
    pub fn parse(raw: Option<&str>) -> QueryPairs {
        QueryPairs {
            pairs: raw
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The first non-empty value of a parameter.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every distinct non-empty value of a repeatable parameter, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        let mut values: Vec<&str> = Vec::new();
        for (k, v) in &self.pairs {
            let v = v.trim();
            if k == name && !v.is_empty() && !values.contains(&v) {
                values.push(v);
            }
        }
        values
    }

    /// `path?…` with the same parameters and `cursor` replaced.
    pub fn with_cursor(&self, path: &str, cursor: &str) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs.iter().filter(|(k, _)| k != "cursor") {
            out.append_pair(k, v);
        }
        out.append_pair("cursor", cursor);
        format!("{path}?{}", out.finish())
    }
}

/// `limit`: 1..=100, default 20.
pub fn parse_limit(value: Option<&str>) -> ApiResult<u32> {
    let Some(value) = value else {
        return Ok(DEFAULT_LIMIT);
    };
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => Ok(n as u32),
        Ok(_) => Err(ApiError::invalid_parameter(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
        Err(_) => Err(ApiError::invalid_parameter(
            "limit",
            format!(
                "`{}` is not a whole number between 1 and {MAX_LIMIT}",
                truncate(value)
            ),
        )),
    }
}

/// A comma-separated list whose items must be among `allowed`.
pub fn parse_list<'a>(
    value: Option<&'a str>,
    name: &str,
    allowed: &[&'a str],
) -> ApiResult<Vec<&'a str>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match allowed.iter().find(|a| **a == item) {
            Some(a) => items.push(*a),
            None => {
                return Err(ApiError::invalid_parameter(
                    name,
                    format!(
                        "unknown `{}`; expected some of: {}",
                        truncate(item),
                        allowed.join(", ")
                    ),
                ))
            }
        }
    }
    Ok(items)
}

/// RFC 3339, or a day (midnight UTC), as the stored timestamp text; years 1000..=9999.
pub fn parse_date_bound(name: &str, value: &str) -> ApiResult<String> {
    let value = value.trim();
    let at = OffsetDateTime::parse(value, &Rfc3339)
        .ok()
        .or_else(|| {
            Date::parse(value, format_description!("[year]-[month]-[day]"))
                .ok()
                .map(|d| d.midnight().assume_utc())
        })
        .ok_or_else(|| {
            ApiError::invalid_parameter(
                name,
                format!(
                    "`{}` is not a date; use RFC 3339 (2023-09-15T05:41:32Z) or YYYY-MM-DD",
                    truncate(value)
                ),
            )
        })?;
    // In UTC: 9999-12-31T23:59:59-01:00 is already year 10000 there.
    let at = at
        .checked_to_offset(time::UtcOffset::UTC)
        .filter(|at| (1000..=9999).contains(&at.year()));
    let Some(at) = at else {
        return Err(ApiError::invalid_parameter(
            name,
            "the year must be between 1000 and 9999",
        ));
    };
    Ok(format_timestamp(at))
}

fn truncate(value: &str) -> String {
    value.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None).unwrap(), 20);
        assert_eq!(parse_limit(Some("100")).unwrap(), 100);
        for bad in [
            "0",
            "-1",
            "101",
            "1000000",
            "abc",
            "1.5",
            "99999999999999999999",
        ] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date_bound("since", "2023-09-15").unwrap(),
            "2023-09-15T00:00:00Z"
        );
        assert_eq!(
            parse_date_bound("since", "2023-09-15T11:11:32+05:30").unwrap(),
            "2023-09-15T05:41:32Z"
        );
        assert!(parse_date_bound("since", "yesterday").is_err());
        assert!(parse_date_bound("since", "0001-01-01").is_err());
        assert!(parse_date_bound("since", "9999-12-31T23:59:59-23:59").is_err());
        assert!(parse_date_bound("since", "1000-01-01T00:00:00+01:00").is_err());
        assert_eq!(
            parse_date_bound("until", "9999-12-31T22:00:00-01:00").unwrap(),
            "9999-12-31T23:00:00Z"
        );
    }

    #[test]
    fn pairs() {
        let q = QueryPairs::parse(Some("tag=a&tag=b&tag=a&lang=hi&cursor=x&tag="));
        assert_eq!(q.all("tag"), vec!["a", "b"]);
        assert_eq!(q.one("lang"), Some("hi"));
        assert_eq!(
            q.with_cursor("/v1/articles", "c d"),
            "/v1/articles?tag=a&tag=b&tag=a&lang=hi&tag=&cursor=c+d"
        );
    }
}
