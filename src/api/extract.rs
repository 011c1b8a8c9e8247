//! Extractors wrapping axum's own, so that a malformed body, a wrong content type or a bad path
//! or query parameter is answered with a problem document instead of axum's plain text, and a
//! JSON field the body's type does not have is named with the fields it has.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;

use serde::de::{DeserializeOwned, Visitor};

use super::error::ApiError;

/// A JSON request body. A field the type does not take is a 400 naming it and listing the
/// fields it takes; every other fault is axum's own finding, as a problem document.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "Expected `Content-Type: application/json`.".into(),
            ));
        }
        let operation = format!("{} {}", request.method(), request.uri().path());
        let bytes = axum::body::Bytes::from_request(request, state).await?;
        if let Some(fields) = struct_fields::<T>() {
            if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(&bytes) {
                let unknown: Vec<String> = object
                    .keys()
                    .filter(|k| !fields.contains(&k.as_str()))
                    .take(MAX_NAMED_FIELDS)
                    .map(|k| format!("`{}`", k.chars().take(60).collect::<String>()))
                    .collect();
                if !unknown.is_empty() {
                    let (noun, names) = match unknown.len() {
                        1 => ("field", unknown.join("")),
                        _ => ("fields", unknown.join(", ")),
                    };
                    return Err(ApiError::MalformedBody(format!(
                        "The JSON body has the unknown {noun} {names}; {operation} takes: {}.",
                        fields.join(", ")
                    )));
                }
            }
        }
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(value)| JsonBody(value))
            .map_err(ApiError::from)
    }
}

/// Unknown field names listed in one answer.
const MAX_NAMED_FIELDS: usize = 10;

/// `application/json` or `application/…+json`, as axum's own `Json` takes.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(essence) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
    else {
        return false;
    };
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

/// The fields a struct reads, as serde names them, learnt by asking its `Deserialize` impl to
/// read from a deserializer that only records the names; `None` when `T` is not read as a
/// struct (a map, a struct with flattened fields, an enum).
fn struct_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut fields = None;
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that records the field names a struct asks for, and reads nothing.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(serde::de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A whole request body, held to the body limit.
#[derive(Debug)]
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(ApiError::from)
    }
}

/// Typed query parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryParams<T>(pub T);

/// Typed path parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParams<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("The request body exceeds the size limit.".into())
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ApiError::UnsupportedMediaType("Expected `Content-Type: application/json`.".into())
            }
            _ => ApiError::MalformedBody(rejection.body_text()),
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> ApiError {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("The request body exceeds the size limit.".into())
            }
            _ => ApiError::BadRequest(rejection.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        match rejection {
            PathRejection::FailedToDeserializePathParams(e) => {
                ApiError::invalid_parameter("path", e.body_text())
            }
            other => ApiError::Internal(other.body_text()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Patch {
        title: Option<String>,
        #[serde(rename = "tag_names")]
        tags: Vec<String>,
    }

    #[test]
    fn fields_of_a_struct() {
        assert_eq!(struct_fields::<Patch>(), Some(&["title", "tag_names"][..]));
        assert_eq!(struct_fields::<serde_json::Value>(), None);
        assert_eq!(
            struct_fields::<std::collections::HashMap<String, String>>(),
            None
        );
        assert_eq!(struct_fields::<Vec<Patch>>(), None);
    }

    #[test]
    fn json_media_types() {
        let with = |ct: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_str(ct).unwrap(),
            );
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!is_json(&axum::http::HeaderMap::new()));
    }
}
