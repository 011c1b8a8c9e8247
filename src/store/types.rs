//! The types both backends read and write, each in the module the API names.

/// Articles with their blocks, tags and entities.
pub mod articles;
/// Rendered articles with their ETag.
pub mod docs;
/// Entities shared across articles.
pub mod entities;
/// Remembered answers to writes with an `Idempotency-Key`.
pub mod idempotency;
/// Tags.
pub mod tags;
/// API tokens.
pub mod tokens;
/// Webhooks, their deliveries and the events of the outbox.
pub mod webhooks;
