//! Webhooks as the API shows them, their deliveries, and the events of the outbox: each event
//! is written in the transaction of the change that caused it, then fanned out to the webhooks
//! that want it, one delivery each.

use serde::Serialize;
use utoipa::ToSchema;

use super::articles::{Article, ArticleStatus};

/// An article became public: ingested as published, published by an editor, or a scheduled
/// article whose time came.
pub const ARTICLE_PUBLISHED: &str = "article.published";
/// A published article changed (or was taken back to draft or scheduled).
pub const ARTICLE_UPDATED: &str = "article.updated";
/// A published article was deleted.
pub const ARTICLE_DELETED: &str = "article.deleted";
/// One entity was merged into another.
pub const ENTITY_MERGED: &str = "entity.merged";

/// Every event a webhook may ask for.
pub const EVENT_TYPES: [&str; 4] = [
    ARTICLE_PUBLISHED,
    ARTICLE_UPDATED,
    ARTICLE_DELETED,
    ENTITY_MERGED,
];

/// A registered endpoint, as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    /// The event types it receives.
    pub events: Vec<String>,
    /// `false` once deliveries failed for the whole retry period (or an editor turned it off).
    pub enabled: bool,
    /// Why it was turned off, when it was.
    pub disabled_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A webhook to register; the secret is made by the caller.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub secret: String,
}

/// Changes to a webhook; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub events: Option<Vec<String>>,
    /// `true` turns a disabled webhook on again (and clears its reason).
    pub enabled: Option<bool>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet delivered; attempted again at `next_attempt_at`.
    Pending,
    Delivered,
    /// Given up after the retry period.
    Failed,
}

impl DeliveryStatus {
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        match s {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One event sent (or to be sent) to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Delivery {
    /// The `webhook-id` header, the same on every attempt.
    pub id: String,
    pub webhook_id: String,
    /// The event's type, e.g. `article.published`.
    pub event_type: String,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (pending deliveries).
    pub next_attempt_at: Option<String>,
    /// The HTTP status of the last answer, if the endpoint answered.
    pub last_status_code: Option<i64>,
    /// What went wrong on the last attempt.
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub delivered_at: Option<String>,
}

/// A delivery claimed by one app server for one attempt, with what it needs to send.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub webhook_id: String,
    pub url: String,
    pub secret: String,
    /// The JSON body.
    pub payload: String,
    /// Attempts before this one.
    pub attempts: i64,
    /// When the delivery was created (the retry period counts from then).
    pub created_at: String,
}

/// What an attempt came to.
#[derive(Debug, Clone)]
pub enum AttemptOutcome {
    Delivered {
        status_code: i64,
    },
    /// Try again at `next_attempt_at`.
    Retry {
        status_code: Option<i64>,
        error: String,
        next_attempt_at: String,
    },
    /// The retry period is over: the delivery fails and its webhook is turned off with `reason`.
    GiveUp {
        status_code: Option<i64>,
        error: String,
        reason: String,
    },
}

/// An event for the outbox.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: &'static str,
    pub data: serde_json::Value,
}

impl Event {
    /// An article event; the data is the article as `GET /v1/articles/{id}` answers it.
    pub fn article(kind: &'static str, article: &Article) -> Event {
        let (body, _) = super::docs::render(article);
        Event {
            kind,
            data: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        }
    }

    /// `entity.merged`: the entity merged away and the one it joined.
    pub fn entity_merged(from: &str, into: &str) -> Event {
        Event {
            kind: ENTITY_MERGED,
            data: serde_json::json!({"from": from, "into": into}),
        }
    }

    /// The JSON body of every delivery of this event: its type, time and data.
    pub fn payload(&self, at: &str) -> String {
        serde_json::json!({"type": self.kind, "timestamp": at, "data": self.data}).to_string()
    }
}

/// A new event id (`evt_…`).
pub fn new_event_id() -> String {
    format!("evt_{}", ulid::Ulid::new())
}

/// A new delivery id (`msg_…`): the `webhook-id` of every attempt.
pub fn new_delivery_id() -> String {
    format!("msg_{}", ulid::Ulid::new())
}

/// The event an article's change is, by its status before and after (`None`: not there).
pub fn article_event(
    before: Option<ArticleStatus>,
    after: Option<ArticleStatus>,
) -> Option<&'static str> {
    use ArticleStatus::Published;
    match (before, after) {
        (Some(Published), None) => Some(ARTICLE_DELETED),
        (Some(Published), Some(Published)) => Some(ARTICLE_UPDATED),
        (_, Some(Published)) => Some(ARTICLE_PUBLISHED),
        (Some(Published), Some(_)) => Some(ARTICLE_UPDATED),
        _ => None,
    }
}

/// Whether a webhook subscribed to `events` (a JSON array as stored) wants `kind`.
pub fn wants(events: &[String], kind: &str) -> bool {
    events.iter().any(|e| e == kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArticleStatus::*;

    #[test]
    fn article_changes_map_to_events() {
        assert_eq!(
            article_event(None, Some(Published)),
            Some(ARTICLE_PUBLISHED)
        );
        assert_eq!(article_event(None, Some(Draft)), None);
        assert_eq!(article_event(None, Some(Scheduled)), None);
        assert_eq!(
            article_event(Some(Scheduled), Some(Published)),
            Some(ARTICLE_PUBLISHED)
        );
        assert_eq!(
            article_event(Some(Draft), Some(Published)),
            Some(ARTICLE_PUBLISHED)
        );
        assert_eq!(
            article_event(Some(Published), Some(Published)),
            Some(ARTICLE_UPDATED)
        );
        assert_eq!(
            article_event(Some(Published), Some(Draft)),
            Some(ARTICLE_UPDATED)
        );
        assert_eq!(article_event(Some(Published), None), Some(ARTICLE_DELETED));
        assert_eq!(article_event(Some(Draft), None), None);
        assert_eq!(article_event(Some(Draft), Some(Draft)), None);
    }
}
