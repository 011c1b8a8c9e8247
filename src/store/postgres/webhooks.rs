//! Distribution on PostgreSQL, shared by several app servers: scheduled articles made public
//! when due, the outbox of events, webhooks and their deliveries. Every claim here (an article
//! published, an event fanned out, a delivery leased for an attempt) is a conditional update of
//! rows locked with `FOR UPDATE SKIP LOCKED`: one server wins each, the others pass it by. The
//! rows are picked in a `MATERIALIZED` CTE: as an `IN (…)` subquery the planner may run the
//! `LIMIT` more than once and claim more rows than asked for.

use sqlx::{PgConnection, Row};

use super::articles::load_article;
use super::{bump_version, with_retries, PgStore};
use crate::store::articles::{Article, ArticleStatus, Page};
use crate::store::rows::{delivery_from_row, webhook_from_row, DELIVERY_COLUMNS, WEBHOOK_COLUMNS};
use crate::store::time::now_timestamp;
use crate::store::webhooks::{
    new_delivery_id, new_event_id, wants, AttemptOutcome, Delivery, DueDelivery, Event, NewWebhook,
    Webhook, WebhookChanges,
};
use crate::store::{StoreError, StoreResult};

/// Writes an event to the outbox inside the caller's transaction, when an enabled webhook wants
/// its kind (`event` is built only then).
pub(super) async fn record_event(
    conn: &mut PgConnection,
    kind: &'static str,
    event: impl FnOnce() -> Event,
) -> StoreResult<()> {
    let wanted: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled AND jsonb_exists(events::jsonb, $1))",
    )
    .bind(kind)
    .fetch_one(&mut *conn)
    .await?;
    if !wanted {
        return Ok(());
    }
    let now = now_timestamp();
    let event = event();
    sqlx::query(
        "INSERT INTO outbox_events (id, type, payload, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_event_id())
    .bind(event.kind)
    .bind(event.payload(&now))
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// [`record_event`] for an article's change from status `before` to `after` (`None`: absent).
pub(super) async fn record_article_event(
    conn: &mut PgConnection,
    before: Option<ArticleStatus>,
    after: Option<ArticleStatus>,
    article: &Article,
) -> StoreResult<()> {
    match crate::store::webhooks::article_event(before, after) {
        Some(kind) => record_event(conn, kind, || Event::article(kind, article)).await,
        None => Ok(()),
    }
}

/// `article.published` for each of many articles just stored (those stored as published), with
/// one look at the webhooks for all.
pub(super) async fn record_new_articles(
    conn: &mut PgConnection,
    articles: &[Article],
) -> StoreResult<()> {
    let kind = crate::store::webhooks::ARTICLE_PUBLISHED;
    if !articles
        .iter()
        .any(|a| a.status == ArticleStatus::Published)
    {
        return Ok(());
    }
    let wanted: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled AND jsonb_exists(events::jsonb, $1))",
    )
    .bind(kind)
    .fetch_one(&mut *conn)
    .await?;
    if !wanted {
        return Ok(());
    }
    for article in articles
        .iter()
        .filter(|a| a.status == ArticleStatus::Published)
    {
        record_event(&mut *conn, kind, || Event::article(kind, article)).await?;
    }
    Ok(())
}

impl PgStore {
    /// Publishes the scheduled articles whose time has come (at most `limit`): each exactly
    /// once across app servers (rows another server holds are skipped; the update is
    /// conditional on the status), with its `article.published` event in the same transaction.
    /// Answers their ids.
    pub async fn publish_due(&self, now: &str, limit: u32) -> StoreResult<Vec<String>> {
        with_retries(|| async {
            let mut tx = self.pool.begin().await?;
            let ids: Vec<String> = sqlx::query_scalar(
                "WITH due AS MATERIALIZED ( \
                   SELECT id FROM articles WHERE status = 'scheduled' AND deleted_at IS NULL \
                   AND published_at <= $1 ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
                 UPDATE articles a SET status = 'published', version = version + 1, updated_at = $1 \
                 FROM due WHERE a.id = due.id AND a.status = 'scheduled' \
                 RETURNING a.id",
            )
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
            if ids.is_empty() {
                return Ok(ids);
            }
            for id in &ids {
                let article = load_article(&mut tx, id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("article `{id}`")))?;
                super::docs::save_rendered(&mut tx, &article).await?;
                record_article_event(
                    &mut tx,
                    Some(ArticleStatus::Scheduled),
                    Some(ArticleStatus::Published),
                    &article,
                )
                .await?;
            }
            bump_version(&mut tx).await?;
            tx.commit().await?;
            Ok(ids)
        })
        .await
    }

    /// Registers a webhook.
    pub async fn create_webhook(&self, new: &NewWebhook) -> StoreResult<Webhook> {
        let id = ulid::Ulid::new().to_string();
        let now = now_timestamp();
        sqlx::query(
            "INSERT INTO webhooks (id, url, description, events, secret, enabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, true, $6, $6)",
        )
        .bind(&id)
        .bind(&new.url)
        .bind(&new.description)
        .bind(serde_json::to_string(&new.events).unwrap_or_else(|_| "[]".into()))
        .bind(&new.secret)
        .bind(&now)
        .execute(&self.pool)
        .await?;
        self.get_webhook(&id).await
    }

    /// Every webhook, oldest first.
    pub async fn list_webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let rows = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(webhook_from_row).collect()
    }

    pub async fn count_webhooks(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM webhooks")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn get_webhook(&self, id: &str) -> StoreResult<Webhook> {
        let row = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("webhook `{id}`")))?;
        webhook_from_row(&row)
    }

    pub async fn update_webhook(&self, id: &str, changes: &WebhookChanges) -> StoreResult<Webhook> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 FOR UPDATE"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("webhook `{id}`")))?;
        let current = webhook_from_row(&row)?;
        let enabled = changes.enabled.unwrap_or(current.enabled);
        let reason = if enabled {
            None
        } else if changes.enabled == Some(false) {
            Some("turned off by an editor".to_owned())
        } else {
            current.disabled_reason.clone()
        };
        sqlx::query(
            "UPDATE webhooks SET url = $1, description = $2, events = $3, enabled = $4, \
             disabled_reason = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(changes.url.as_ref().unwrap_or(&current.url))
        .bind(changes.description.clone().unwrap_or(current.description))
        .bind(
            serde_json::to_string(changes.events.as_ref().unwrap_or(&current.events))
                .unwrap_or_else(|_| "[]".into()),
        )
        .bind(enabled)
        .bind(reason)
        .bind(now_timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.get_webhook(id).await
    }

    /// Deletes a webhook with its deliveries.
    pub async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        let deleted = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("webhook `{id}`")));
        }
        Ok(())
    }

    /// A webhook's deliveries, newest first, after the delivery `before` (exclusive).
    pub async fn list_deliveries(
        &self,
        webhook_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Page<Delivery>> {
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND id < $2 \
             ORDER BY id DESC LIMIT $3"
        ))
        .bind(webhook_id)
        .bind(before.unwrap_or("~"))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut items = rows
            .iter()
            .map(delivery_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let has_more = items.len() > limit as usize;
        items.truncate(limit as usize);
        Ok(Page { items, has_more })
    }

    pub async fn get_delivery(&self, webhook_id: &str, id: &str) -> StoreResult<Delivery> {
        let row = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND id = $2"
        ))
        .bind(webhook_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("delivery `{id}`")))?;
        delivery_from_row(&row)
    }

    /// Makes a delivery due now again (a failed one pending again), keeping its id.
    pub async fn retry_delivery(&self, webhook_id: &str, id: &str) -> StoreResult<Delivery> {
        let now = now_timestamp();
        let changed = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, lease_until = NULL, \
             updated_at = $1 WHERE webhook_id = $2 AND id = $3 AND (lease_until IS NULL OR lease_until <= $1)",
        )
        .bind(&now)
        .bind(webhook_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if changed.rows_affected() == 0 {
            self.get_delivery(webhook_id, id).await?;
            return Err(StoreError::Conflict(
                "the delivery is being attempted right now".into(),
            ));
        }
        self.get_delivery(webhook_id, id).await
    }

    /// Fans out up to `limit` events of the outbox to the webhooks that want them, each event
    /// exactly once across app servers; answers how many events.
    pub async fn dispatch_events(&self, now: &str, limit: u32) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await?;
        let events: Vec<(i64, String)> = sqlx::query_as(
            "WITH pending AS MATERIALIZED ( \
               SELECT seq FROM outbox_events WHERE dispatched_at IS NULL ORDER BY seq \
               LIMIT $2 FOR UPDATE SKIP LOCKED) \
             UPDATE outbox_events e SET dispatched_at = $1 FROM pending \
             WHERE e.seq = pending.seq AND e.dispatched_at IS NULL \
             RETURNING e.seq, e.type",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        if events.is_empty() {
            return Ok(0);
        }
        let hooks: Vec<(String, String)> =
            sqlx::query_as("SELECT id, events FROM webhooks WHERE enabled")
                .fetch_all(&mut *tx)
                .await?;
        let hooks: Vec<(String, Vec<String>)> = hooks
            .into_iter()
            .map(|(id, events)| (id, serde_json::from_str(&events).unwrap_or_default()))
            .collect();
        for (seq, kind) in &events {
            for (hook, wanted) in &hooks {
                if !wants(wanted, kind) {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO webhook_deliveries (id, webhook_id, event_seq, event_type, status, \
                     attempts, next_attempt_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5)",
                )
                .bind(new_delivery_id())
                .bind(hook)
                .bind(seq)
                .bind(kind)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(events.len())
    }

    /// Claims up to `limit` due deliveries for one attempt each, leased to this caller until
    /// `lease_until` (another server takes one over only once its lease ran out).
    pub async fn claim_deliveries(
        &self,
        now: &str,
        lease_until: &str,
        limit: u32,
    ) -> StoreResult<Vec<DueDelivery>> {
        let rows = sqlx::query(
            "WITH due AS MATERIALIZED ( \
               SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
               WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
                 AND (d.lease_until IS NULL OR d.lease_until <= $1) AND w.enabled \
               ORDER BY d.next_attempt_at LIMIT $3 FOR UPDATE OF d SKIP LOCKED), \
             claimed AS ( \
               UPDATE webhook_deliveries d SET lease_until = $2 FROM due \
               WHERE d.id = due.id AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $1) \
               RETURNING d.id, d.webhook_id, d.event_seq, d.attempts, d.created_at) \
             SELECT c.id, c.webhook_id, c.attempts, c.created_at, w.url, w.secret, e.payload \
             FROM claimed c JOIN webhooks w ON w.id = c.webhook_id \
             JOIN outbox_events e ON e.seq = c.event_seq",
        )
        .bind(now)
        .bind(lease_until)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DueDelivery {
                    id: row.try_get("id")?,
                    webhook_id: row.try_get("webhook_id")?,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                    payload: row.try_get("payload")?,
                    attempts: row.try_get("attempts")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Records an attempt's outcome and releases the lease.
    pub async fn finish_attempt(
        &self,
        delivery: &DueDelivery,
        outcome: &AttemptOutcome,
    ) -> StoreResult<()> {
        let now = now_timestamp();
        let mut tx = self.pool.begin().await?;
        let (status, code, error, next): (&str, Option<i64>, Option<&str>, Option<&str>) =
            match outcome {
                AttemptOutcome::Delivered { status_code } => {
                    ("delivered", Some(*status_code), None, None)
                }
                AttemptOutcome::Retry {
                    status_code,
                    error,
                    next_attempt_at,
                } => ("pending", *status_code, Some(error), Some(next_attempt_at)),
                AttemptOutcome::GiveUp {
                    status_code, error, ..
                } => ("failed", *status_code, Some(error), None),
            };
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status_code = $2, \
             last_error = $3, next_attempt_at = $4, lease_until = NULL, updated_at = $6, \
             delivered_at = CASE WHEN $1 = 'delivered' THEN $6 ELSE delivered_at END WHERE id = $5",
        )
        .bind(status)
        .bind(code)
        .bind(error)
        .bind(next)
        .bind(&delivery.id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if let AttemptOutcome::GiveUp { reason, .. } = outcome {
            sqlx::query(
                "UPDATE webhooks SET enabled = false, disabled_reason = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(reason)
            .bind(&now)
            .bind(&delivery.webhook_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes up to `limit` finished deliveries (delivered, or failed for good) last changed
    /// before `cutoff`, then up to `limit` fanned-out events older than it that no delivery
    /// refers to any more; answers how many of each. Servers pruning together skip each
    /// other's rows.
    pub async fn prune_outbox(&self, cutoff: &str, limit: u32) -> StoreResult<(u64, u64)> {
        let deliveries = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries \
             WHERE status <> 'pending' AND updated_at < $1 ORDER BY updated_at LIMIT $2 \
             FOR UPDATE SKIP LOCKED)",
        )
        .bind(cutoff)
        .bind(i64::from(limit))
        .execute(&self.pool)
        .await?
        .rows_affected();
        let events = sqlx::query(
            "DELETE FROM outbox_events WHERE seq IN (SELECT e.seq FROM outbox_events e \
             WHERE e.dispatched_at IS NOT NULL AND e.dispatched_at < $1 \
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = e.seq) \
             ORDER BY e.seq LIMIT $2 FOR UPDATE SKIP LOCKED)",
        )
        .bind(cutoff)
        .bind(i64::from(limit))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok((deliveries, events))
    }
}
