//! Instance settings kept in the database.

use super::{SqliteStore, StoreResult};

impl SqliteStore {
    /// The value of a setting, creating it with `init()` on first use.
    pub async fn setting_or_init(
        &self,
        name: &str,
        init: impl FnOnce() -> String,
    ) -> StoreResult<String> {
        let candidate = init();
        sqlx::query("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)")
            .bind(name)
            .bind(&candidate)
            .execute(&self.write)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
                .bind(name)
                .fetch_one(&self.write)
                .await?,
        )
    }
}
