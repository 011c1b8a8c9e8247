//! Rows read the same way from either backend: the columns and the mapping are written once,
//! generic over sqlx's `Row` (each backend decodes the same Rust types from its own columns).

use sqlx::{ColumnIndex, Decode, Row, Type};

use super::webhooks::{Delivery, DeliveryStatus, Webhook};
use super::{StoreError, StoreResult};

/// A webhook's columns, in the order [`webhook_from_row`] reads them.
pub(crate) const WEBHOOK_COLUMNS: &str =
    "id, url, description, events, enabled, disabled_reason, created_at, updated_at";
/// A delivery's columns, as [`delivery_from_row`] reads them.
pub(crate) const DELIVERY_COLUMNS: &str = "id, webhook_id, event_type, status, attempts, \
     next_attempt_at, last_status_code, last_error, created_at, updated_at, delivered_at";

pub(crate) fn webhook_from_row<'r, R>(row: &'r R) -> StoreResult<Webhook>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let events: String = row.try_get("events")?;
    Ok(Webhook {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        description: row.try_get("description")?,
        events: serde_json::from_str(&events)
            .map_err(|e| StoreError::Database(format!("webhook events: {e}")))?,
        enabled: row.try_get("enabled")?,
        disabled_reason: row.try_get("disabled_reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(crate) fn delivery_from_row<'r, R>(row: &'r R) -> StoreResult<Delivery>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let status: String = row.try_get("status")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        webhook_id: row.try_get("webhook_id")?,
        event_type: row.try_get("event_type")?,
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::Database(format!("unknown delivery status `{status}`")))?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_status_code: row.try_get("last_status_code")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        delivered_at: row.try_get("delivered_at")?,
    })
}
