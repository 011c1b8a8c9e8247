//! Rows written with `COPY … FROM STDIN (FORMAT binary)`: each value in its type's binary form,
//! encoded straight from the caller's data into one buffer. For the large rows of a batch (the
//! articles with their search documents, the kept documents) this spares the server what an
//! `INSERT … SELECT FROM unnest($1, …)` of the same rows costs: decoding each column as an array,
//! keeping every row of the function's result (spilled to a file past `work_mem`), sorting them
//! into order and checking each unique index twice for `ON CONFLICT`; and it spares the app a
//! copy of every value in column arrays. A row that breaks a constraint fails the statement.

use sqlx::PgConnection;

use super::search::Document;
use crate::store::{StoreError, StoreResult};

/// The binary format's header: its signature, no flags, no extension.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// Rows in `COPY`'s binary format, built one value at a time.
pub(crate) struct CopyRows {
    buf: Vec<u8>,
}

impl CopyRows {
    /// No rows yet; `capacity` bytes reserved.
    pub(crate) fn with_capacity(capacity: usize) -> CopyRows {
        let mut buf = Vec::with_capacity(capacity + HEADER.len() + 2);
        buf.extend_from_slice(HEADER);
        CopyRows { buf }
    }

    /// Begins a row of `fields` values (as many as the statement's columns).
    pub(crate) fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    /// A value written by `write` after its length, which is filled in afterwards.
    fn value(&mut self, write: impl FnOnce(&mut Vec<u8>) -> StoreResult<()>) -> StoreResult<()> {
        let at = self.buf.len();
        self.buf.extend_from_slice(&0i32.to_be_bytes());
        write(&mut self.buf)?;
        let length = i32::try_from(self.buf.len() - at - 4)
            .map_err(|_| StoreError::Invalid("a value is too large to store".into()))?;
        self.buf[at..at + 4].copy_from_slice(&length.to_be_bytes());
        Ok(())
    }

    /// SQL NULL.
    pub(crate) fn null(&mut self) {
        self.buf.extend_from_slice(&(-1i32).to_be_bytes());
    }

    /// `bytea`, or `text` (whose binary form is its UTF-8 bytes).
    pub(crate) fn bytes(&mut self, value: &[u8]) -> StoreResult<()> {
        self.value(|buf| {
            buf.extend_from_slice(value);
            Ok(())
        })
    }

    pub(crate) fn text(&mut self, value: &str) -> StoreResult<()> {
        self.bytes(value.as_bytes())
    }

    pub(crate) fn optional_text(&mut self, value: Option<&str>) -> StoreResult<()> {
        match value {
            Some(value) => self.text(value),
            None => {
                self.null();
                Ok(())
            }
        }
    }

    /// `int8`.
    pub(crate) fn int8(&mut self, value: i64) {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&value.to_be_bytes());
    }

    /// A value serialized as JSON into a `text` column.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> StoreResult<()> {
        self.value(|buf| {
            serde_json::to_writer(buf, value)
                .map_err(|e| StoreError::Database(format!("JSON of a value to store: {e}")))
        })
    }

    /// `tsvector`.
    pub(crate) fn tsvector(&mut self, document: &Document) -> StoreResult<()> {
        self.value(|buf| {
            document
                .write_binary(buf)
                .map_err(|e| StoreError::Invalid(format!("search document: {e}")))
        })
    }

    /// Sends the rows with `statement` (a `COPY … FROM STDIN (FORMAT binary)`) on `conn`;
    /// answers how many the server stored, or the server's error as it came.
    pub(crate) async fn send(
        self,
        conn: &mut PgConnection,
        statement: &str,
    ) -> Result<u64, sqlx::Error> {
        let mut buf = self.buf;
        buf.extend_from_slice(&(-1i16).to_be_bytes());
        let mut copy = conn.copy_in_raw(statement).await?;
        if let Err(err) = copy.send(buf).await {
            // The server is told the copy failed, so the connection is usable again.
            let _ = copy.abort("the rows could not be sent").await;
            return Err(err);
        }
        copy.finish().await
    }
}
