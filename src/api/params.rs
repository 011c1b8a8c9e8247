//! Query-string parameters read by name, so every invalid value is a 400 that names its
//! parameter; a parameter the operation does not take is a 400 that names it and lists the
//! ones it takes ([`reject_unknown`], checked once for every JSON API route from the OpenAPI
//! document, so what is declared and what is accepted cannot drift).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::limits::{has_letter_or_digit, MAX_SEARCH_CHARS};
use super::{ApiError, ApiResult};
use crate::store::search::SearchExpr;
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

/// The query parameters each operation of the JSON API (`/v1/…`) takes, by method and route
/// template, as the finished OpenAPI document declares them.
#[derive(Debug, Clone, Default)]
pub struct AcceptedParameters {
    /// By route template, then by method (a route has a few): looked up with the matched
    /// route as it is, on every request, without building a key.
    by_operation: Arc<HashMap<String, RouteParameters>>,
}

/// A route's methods, each with the query parameters it takes.
type RouteParameters = Vec<Operation>;

/// One operation's query parameters: all it takes, and those that take one value (not an
/// array in the document), which a request may not repeat.
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    names: Vec<String>,
    single: Vec<String>,
}

/// Unknown names listed in one answer; the rest are counted.
const MAX_NAMED_UNKNOWN: usize = 10;

impl AcceptedParameters {
    /// Reads the query parameters of every `/v1/` operation of an OpenAPI document.
    pub fn from_openapi(document: &Value) -> AcceptedParameters {
        let mut by_operation: HashMap<String, RouteParameters> = HashMap::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            if !path.starts_with("/v1/") {
                continue;
            }
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
                    continue;
                };
                let query: Vec<&Value> = operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .collect();
                let name_of = |p: &&Value| p["name"].as_str().map(str::to_owned);
                let names = query.iter().filter_map(name_of).collect();
                let single = query
                    .iter()
                    .filter(|p| p["schema"]["type"] != "array")
                    .filter_map(name_of)
                    .collect();
                by_operation
                    .entry(path.clone())
                    .or_default()
                    .push(Operation {
                        method,
                        names,
                        single,
                    });
            }
        }
        AcceptedParameters {
            by_operation: Arc::new(by_operation),
        }
    }

    /// The operation `method route` is (`None`: not described: not under `/v1/`, or a method
    /// the route does not have).
    fn operation(&self, method: &Method, route: &str) -> Option<&Operation> {
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.by_operation
            .get(route)?
            .iter()
            .find(|o| o.method == method)
    }

    /// A 400 naming the parameters of `raw_query` that `method route` does not take.
    pub fn check(&self, method: &Method, route: &str, raw_query: Option<&str>) -> ApiResult<()> {
        let Some(operation) = self.operation(method, route) else {
            return Ok(());
        };
        let accepted = operation.names.as_slice();
        // One pass: the names the operation does not take, and how often each one-valued
        // parameter came with a value.
        let mut given = vec![0usize; operation.single.len()];
        let mut unknown: Vec<String> = Vec::new();
        let mut more = 0usize;
        let pairs = raw_query.map(|q| url::form_urlencoded::parse(q.as_bytes()));
        for (name, value) in pairs.into_iter().flatten() {
            if accepted.iter().any(|a| *a == name) {
                if let Some(n) = operation.single.iter().position(|s| *s == name) {
                    given[n] += usize::from(!value.trim().is_empty());
                }
                continue;
            }
            let name = truncate(&name);
            if unknown.contains(&name) {
                continue;
            }
            if unknown.len() < MAX_NAMED_UNKNOWN {
                unknown.push(name);
            } else {
                more += 1;
            }
        }
        // A parameter that takes one value, given more than once (blank ones aside): which one
        // was meant cannot be told, so none is guessed.
        if let Some((name, count)) = operation.single.iter().zip(given).find(|(_, c)| *c > 1) {
            return Err(ApiError::invalid_parameter(
                name.as_str(),
                format!("given {count} times; `{name}` takes one value"),
            ));
        }
        if unknown.is_empty() {
            return Ok(());
        }
        let named: Vec<String> = unknown.iter().map(|n| format!("`{n}`")).collect();
        let mut detail = if named.len() == 1 {
            format!("Unknown query parameter {}", named[0])
        } else {
            format!("Unknown query parameters {}", named.join(", "))
        };
        if more > 0 {
            detail.push_str(&format!(" and {more} more"));
        }
        let operation = format!("{method} {route}");
        if accepted.is_empty() {
            detail.push_str(&format!("; {operation} takes no query parameters."));
        } else {
            detail.push_str(&format!("; {operation} takes: {}.", accepted.join(", ")));
        }
        Err(ApiError::UnknownParameter(detail))
    }
}

/// Middleware (inside the router, where the matched route is known): refuses a request to the
/// JSON API with a query parameter its operation does not take.
pub async fn reject_unknown(
    State(accepted): State<AcceptedParameters>,
    request: Request,
    next: Next,
) -> Response {
    let verdict = match request.extensions().get::<MatchedPath>() {
        Some(route) => accepted.check(request.method(), route.as_str(), request.uri().query()),
        None => Ok(()),
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// `q` on article lists and feeds: at most [`MAX_SEARCH_CHARS`] characters holding a letter or a
/// digit (the document's pattern), parsed into a search.
pub fn parse_search(value: Option<&str>) -> ApiResult<Option<SearchExpr>> {
    let Some(q) = value else {
        return Ok(None);
    };
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ApiError::invalid_parameter(
            "q",
            format!("at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    if !has_letter_or_digit(q) {
        return Err(ApiError::invalid_parameter(
            "q",
            "a search needs a letter or a digit",
        ));
    }
    SearchExpr::parse(q)
        .map(Some)
        .map_err(|e| ApiError::invalid_parameter("q", e.to_string()))
}

/// `lang`: an ISO 639-1 code, any case; blank is absent.
pub fn parse_lang(value: Option<&str>) -> ApiResult<Option<String>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let code = value.trim().to_ascii_lowercase();
    if crate::normalize::is_iso639_1(&code) {
        Ok(Some(code))
    } else {
        Err(ApiError::invalid_parameter(
            "lang",
            format!(
                "`{}` is not an ISO 639-1 language code; use two letters such as `hi` or `en`",
                truncate(value)
            ),
        ))
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
    fn languages() {
        assert_eq!(parse_lang(None).unwrap(), None);
        assert_eq!(parse_lang(Some(" HI ")).unwrap().as_deref(), Some("hi"));
        assert_eq!(parse_lang(Some("en")).unwrap().as_deref(), Some("en"));
        for bad in ["xx", "zz", "hin", "h", "hi-IN", "१२"] {
            let err = parse_lang(Some(bad)).unwrap_err().to_string();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn one_valued_parameters_are_not_repeated() {
        let doc = serde_json::json!({"paths": {
            "/v1/things": {"get": {"parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "tag", "in": "query", "schema": {"type": "array", "items": {}}}]}},
        }});
        let accepted = AcceptedParameters::from_openapi(&doc);
        let get = Method::GET;
        assert!(accepted
            .check(&get, "/v1/things", Some("q=a&tag=x&tag=y"))
            .is_ok());
        assert!(accepted.check(&get, "/v1/things", Some("q=&q=a")).is_ok());
        let err = accepted
            .check(&get, "/v1/things", Some("q=a&q=b&q=c"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`q`") && err.contains("3 times"), "{err}");
    }

    #[test]
    fn unknown_parameters() {
        let doc = serde_json::json!({"paths": {
            "/v1/things": {"get": {"parameters": [
                {"name": "limit", "in": "query"}, {"name": "If-Match", "in": "header"}]},
                           "post": {}},
            "/health": {"get": {}},
        }});
        let accepted = AcceptedParameters::from_openapi(&doc);
        let get = Method::GET;
        assert!(accepted.check(&get, "/v1/things", Some("limit=3")).is_ok());
        assert!(accepted.check(&get, "/v1/things", None).is_ok());
        assert!(accepted
            .check(&Method::HEAD, "/v1/things", Some("limit=3"))
            .is_ok());
        // Not described: not checked.
        assert!(accepted.check(&get, "/health", Some("x=1")).is_ok());
        assert!(accepted
            .check(&Method::PUT, "/v1/things", Some("x=1"))
            .is_ok());
        let err = accepted
            .check(&get, "/v1/things", Some("limit=3&lmit=4&If-Match=x&lmit=5"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Unknown query parameters `lmit`, `If-Match`; GET /v1/things takes: limit."
        );
        let err = accepted
            .check(&Method::POST, "/v1/things", Some("a=1"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Unknown query parameter `a`; POST /v1/things takes no query parameters."
        );
        let many: Vec<String> = (0..15).map(|i| format!("p{i}=1")).collect();
        let err = accepted
            .check(&get, "/v1/things", Some(&many.join("&")))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`p9`") && !err.contains("`p10`") && err.contains("and 5 more"),
            "{err}"
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
