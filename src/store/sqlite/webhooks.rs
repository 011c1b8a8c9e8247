//! Distribution on SQLite: scheduled articles made public when due, the outbox of events,
//! webhooks and their deliveries. One writer at a time makes every claim here (an event fanned
//! out, a delivery leased for an attempt) a conditional update that one caller wins.

use sqlx::Row;

use super::articles::load_article;
use super::time::now_timestamp;
use super::{docs, handle, SqliteStore, StoreError, StoreResult};
use crate::store::articles::{Article, ArticleStatus, Page};
use crate::store::rows::{delivery_from_row, webhook_from_row, DELIVERY_COLUMNS, WEBHOOK_COLUMNS};
use crate::store::webhooks::{
    new_delivery_id, new_event_id, wants, AttemptOutcome, Delivery, DueDelivery, Event, NewWebhook,
    Webhook, WebhookChanges,
};

/// Writes an event to the outbox inside the caller's transaction, when an enabled webhook wants
/// its kind (`event` is built only then).
pub(super) fn record_event(
    conn: &rusqlite::Connection,
    kind: &'static str,
    event: impl FnOnce() -> Event,
) -> StoreResult<()> {
    let wanted: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM webhooks w, json_each(w.events) e \
             WHERE w.enabled = 1 AND e.value = ?)",
        )?
        .query_row([kind], |row| row.get(0))?;
    if !wanted {
        return Ok(());
    }
    let now = now_timestamp();
    let event = event();
    conn.prepare_cached(
        "INSERT INTO outbox_events (id, type, payload, created_at) VALUES (?, ?, ?, ?)",
    )?
    .execute((new_event_id(), event.kind, event.payload(&now), &now))?;
    Ok(())
}

/// [`record_event`] for an article's change from status `before` to `after` (`None`: absent).
pub(super) fn record_article_event(
    conn: &rusqlite::Connection,
    before: Option<ArticleStatus>,
    after: Option<ArticleStatus>,
    article: &Article,
) -> StoreResult<()> {
    match crate::store::webhooks::article_event(before, after) {
        Some(kind) => record_event(conn, kind, || Event::article(kind, article)),
        None => Ok(()),
    }
}

impl SqliteStore {
    /// Whether a `SELECT EXISTS …` holds, asked on the read pool (its parameters bound in turn).
    async fn any_on_read(&self, sql: &str, params: &[&str]) -> StoreResult<bool> {
        let mut query = sqlx::query_scalar(sql);
        for param in params {
            query = query.bind(*param);
        }
        Ok(query.fetch_one(&self.read).await?)
    }

    /// Publishes the scheduled articles whose time has come (at most `limit`): each exactly
    /// once, by a conditional update, with its `article.published` event in the same
    /// transaction. Answers their ids.
    pub async fn publish_due(&self, now: &str, limit: u32) -> StoreResult<Vec<String>> {
        // Asked every second: the writer is taken only when something is due.
        if !self
            .any_on_read(
                "SELECT EXISTS (SELECT 1 FROM articles WHERE status = 'scheduled' \
                 AND deleted_at IS NULL AND published_at <= ?)",
                &[now],
            )
            .await?
        {
            return Ok(Vec::new());
        }
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "UPDATE articles SET status = 'published', version = version + 1, updated_at = ?1 \
             WHERE id IN (SELECT id FROM articles WHERE status = 'scheduled' AND deleted_at IS NULL \
                          AND published_at <= ?1 ORDER BY published_at LIMIT ?2) \
               AND status = 'scheduled' \
             RETURNING id",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        for id in &ids {
            let article = load_article(&mut tx, id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("article `{id}`")))?;
            docs::save_rendered(&mut tx, &article).await?;
            handle::on_handle(&mut tx, |conn| {
                record_article_event(
                    conn,
                    Some(ArticleStatus::Scheduled),
                    Some(ArticleStatus::Published),
                    &article,
                )
            })
            .await?;
        }
        tx.commit().await?;
        if !ids.is_empty() {
            self.bump_generation();
        }
        Ok(ids)
    }

    /// Registers a webhook.
    pub async fn create_webhook(&self, new: &NewWebhook) -> StoreResult<Webhook> {
        let id = ulid::Ulid::new().to_string();
        let now = now_timestamp();
        sqlx::query(
            "INSERT INTO webhooks (id, url, description, events, secret, enabled, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        )
        .bind(&id)
        .bind(&new.url)
        .bind(&new.description)
        .bind(serde_json::to_string(&new.events).unwrap_or_else(|_| "[]".into()))
        .bind(&new.secret)
        .bind(&now)
        .bind(&now)
        .execute(&self.write)
        .await?;
        self.get_webhook(&id).await
    }

    /// Every webhook, oldest first.
    pub async fn list_webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let rows = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(webhook_from_row).collect()
    }

    pub async fn count_webhooks(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM webhooks")
            .fetch_one(&self.write)
            .await?)
    }

    pub async fn get_webhook(&self, id: &str) -> StoreResult<Webhook> {
        let row = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.write)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("webhook `{id}`")))?;
        webhook_from_row(&row)
    }

    pub async fn update_webhook(&self, id: &str, changes: &WebhookChanges) -> StoreResult<Webhook> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?"
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
            "UPDATE webhooks SET url = ?, description = ?, events = ?, enabled = ?, \
             disabled_reason = ?, updated_at = ? WHERE id = ?",
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
        let deleted = sqlx::query("DELETE FROM webhooks WHERE id = ?")
            .bind(id)
            .execute(&self.write)
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
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND id < ? \
             ORDER BY id DESC LIMIT ?"
        ))
        .bind(webhook_id)
        .bind(before.unwrap_or("~"))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.read)
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
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND id = ?"
        ))
        .bind(webhook_id)
        .bind(id)
        .fetch_optional(&self.write)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("delivery `{id}`")))?;
        delivery_from_row(&row)
    }

    /// Makes a delivery due now again (a failed one pending again), keeping its id.
    pub async fn retry_delivery(&self, webhook_id: &str, id: &str) -> StoreResult<Delivery> {
        let now = now_timestamp();
        let changed = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?1, lease_until = NULL, \
             updated_at = ?1 WHERE webhook_id = ?2 AND id = ?3 AND (lease_until IS NULL OR lease_until <= ?1)",
        )
        .bind(&now)
        .bind(webhook_id)
        .bind(id)
        .execute(&self.write)
        .await?;
        if changed.rows_affected() == 0 {
            // Unknown, or being attempted right now.
            self.get_delivery(webhook_id, id).await?;
            return Err(StoreError::Conflict(
                "the delivery is being attempted right now".into(),
            ));
        }
        self.get_delivery(webhook_id, id).await
    }

    /// Fans out up to `limit` events of the outbox to the webhooks that want them, each event
    /// exactly once; answers how many events.
    pub async fn dispatch_events(&self, now: &str, limit: u32) -> StoreResult<usize> {
        if !self
            .any_on_read(
                "SELECT EXISTS (SELECT 1 FROM outbox_events WHERE dispatched_at IS NULL)",
                &[],
            )
            .await?
        {
            return Ok(0);
        }
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let events: Vec<(i64, String)> = sqlx::query_as(
            "UPDATE outbox_events SET dispatched_at = ?1 \
             WHERE seq IN (SELECT seq FROM outbox_events WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?2) \
             RETURNING seq, type",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        if events.is_empty() {
            return Ok(0);
        }
        let hooks: Vec<(String, String)> =
            sqlx::query_as("SELECT id, events FROM webhooks WHERE enabled = 1")
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
                     VALUES (?, ?, ?, ?, 'pending', 0, ?5, ?5, ?5)",
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
        if !self
            .any_on_read(
                "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' \
                 AND next_attempt_at <= ?)",
                &[now],
            )
            .await?
        {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "UPDATE webhook_deliveries SET lease_until = ?2 \
             WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                          WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 \
                            AND (d.lease_until IS NULL OR d.lease_until <= ?1) AND w.enabled = 1 \
                          ORDER BY d.next_attempt_at LIMIT ?3) \
             RETURNING id, webhook_id, event_seq, attempts, created_at",
        )
        .bind(now)
        .bind(lease_until)
        .bind(i64::from(limit))
        .fetch_all(&self.write)
        .await?;
        let mut due = Vec::with_capacity(rows.len());
        for row in rows {
            let webhook_id: String = row.try_get("webhook_id")?;
            let seq: i64 = row.try_get("event_seq")?;
            let (url, secret): (String, String) =
                sqlx::query_as("SELECT url, secret FROM webhooks WHERE id = ?")
                    .bind(&webhook_id)
                    .fetch_one(&self.write)
                    .await?;
            let payload: String =
                sqlx::query_scalar("SELECT payload FROM outbox_events WHERE seq = ?")
                    .bind(seq)
                    .fetch_one(&self.write)
                    .await?;
            due.push(DueDelivery {
                id: row.try_get("id")?,
                webhook_id,
                url,
                secret,
                payload,
                attempts: row.try_get("attempts")?,
                created_at: row.try_get("created_at")?,
            });
        }
        Ok(due)
    }

    /// Records an attempt's outcome and releases the lease.
    pub async fn finish_attempt(
        &self,
        delivery: &DueDelivery,
        outcome: &AttemptOutcome,
    ) -> StoreResult<()> {
        let now = now_timestamp();
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
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
            "UPDATE webhook_deliveries SET status = ?1, attempts = attempts + 1, last_status_code = ?2, \
             last_error = ?3, next_attempt_at = ?4, lease_until = NULL, updated_at = ?6, \
             delivered_at = CASE WHEN ?1 = 'delivered' THEN ?6 ELSE delivered_at END WHERE id = ?5",
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
                "UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
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
    /// refers to any more; answers how many of each.
    pub async fn prune_outbox(&self, cutoff: &str, limit: u32) -> StoreResult<(u64, u64)> {
        let deliveries = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries \
             WHERE status <> 'pending' AND updated_at < ?1 ORDER BY updated_at LIMIT ?2)",
        )
        .bind(cutoff)
        .bind(i64::from(limit))
        .execute(&self.write)
        .await?
        .rows_affected();
        let events = sqlx::query(
            "DELETE FROM outbox_events WHERE seq IN (SELECT e.seq FROM outbox_events e \
             WHERE e.dispatched_at IS NOT NULL AND e.dispatched_at < ?1 \
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = e.seq) \
             ORDER BY e.seq LIMIT ?2)",
        )
        .bind(cutoff)
        .bind(i64::from(limit))
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok((deliveries, events))
    }
}
