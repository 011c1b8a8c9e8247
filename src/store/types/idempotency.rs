//! Idempotency keys: the answer to a write, kept so a retry with the same key gets the same
//! answer instead of a second write.

/// A remembered answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedResponse {
    /// Fingerprint of the request that produced it.
    pub request_hash: String,
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
}
