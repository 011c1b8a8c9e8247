//! When an article becomes public. One dated ahead is `scheduled`, and the dispatcher publishes
//! it when its time comes; one dated further ahead than the horizon is most likely a wrong date
//! (a crawler's year 9999) and is refused, unless the caller asked for `scheduled` on purpose.

use time::OffsetDateTime;

use super::{ApiError, ApiResult};
use crate::store::articles::ArticleStatus;
use crate::store::time::format_timestamp;

/// The status an article is stored with, from the status asked for (`explicit`: the request
/// named it) and its publication time. Drafts stay drafts; `published` and `scheduled` become
/// `scheduled` while the time is ahead and `published` once it has come.
pub fn effective_status(
    requested: ArticleStatus,
    explicit: bool,
    published_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    horizon: time::Duration,
) -> ApiResult<ArticleStatus> {
    if requested == ArticleStatus::Draft {
        return Ok(ArticleStatus::Draft);
    }
    let asked_scheduled = explicit && requested == ArticleStatus::Scheduled;
    match published_at {
        Some(at) if at > now => {
            if !asked_scheduled && at - now > horizon {
                return Err(ApiError::DateTooFarAhead(format!(
                    "`published_at` is {}, more than {} days ahead; fix the date, or send \
                     `status=scheduled` to schedule the article that far ahead on purpose.",
                    format_timestamp(at),
                    horizon.whole_days()
                )));
            }
            Ok(ArticleStatus::Scheduled)
        }
        _ if asked_scheduled => Err(ApiError::NotSchedulable(match published_at {
            Some(at) => format!(
                "`status=scheduled` needs a `published_at` in the future; this article's is {}.",
                format_timestamp(at)
            ),
            None => {
                "`status=scheduled` needs a `published_at` in the future; this article has none."
                    .to_owned()
            }
        })),
        _ => Ok(ArticleStatus::Published),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use ArticleStatus::*;

    #[test]
    fn dates_ahead_schedule_and_far_ones_are_refused() {
        let now = OffsetDateTime::now_utc();
        let year = Duration::days(365);
        let soon = Some(now + Duration::hours(2));
        let far = Some(now + Duration::days(4000));
        let past = Some(now - Duration::days(1));
        assert_eq!(
            effective_status(Published, false, soon, now, year).ok(),
            Some(Scheduled)
        );
        assert_eq!(
            effective_status(Published, false, past, now, year).ok(),
            Some(Published)
        );
        assert_eq!(
            effective_status(Published, false, None, now, year).ok(),
            Some(Published)
        );
        assert_eq!(
            effective_status(Draft, true, far, now, year).ok(),
            Some(Draft)
        );
        assert!(matches!(
            effective_status(Published, true, far, now, year),
            Err(ApiError::DateTooFarAhead(_))
        ));
        assert_eq!(
            effective_status(Scheduled, true, far, now, year).ok(),
            Some(Scheduled)
        );
        // A scheduled article edited without naming the status keeps the horizon.
        assert!(effective_status(Scheduled, false, far, now, year).is_err());
        assert_eq!(
            effective_status(Scheduled, false, past, now, year).ok(),
            Some(Published)
        );
        assert!(matches!(
            effective_status(Scheduled, true, past, now, year),
            Err(ApiError::NotSchedulable(_))
        ));
    }
}
