//! Timestamps as stored: RFC 3339 UTC with whole seconds and a `Z`, fixed width, so text order is
//! time order.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Formats a timestamp the way the database and the API carry it.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_else(|_| at.format(&Rfc3339).unwrap_or_default())
}

/// The current time, formatted.
pub fn now_timestamp() -> String {
    format_timestamp(OffsetDateTime::now_utc())
}
