//! Publication date: explicit > a date in the article URL path > a date in image URL paths >
//! an epoch timestamp in an image file name. Only dates between 1995 and `now` (plus a day) count.

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month, OffsetDateTime, Time};

use super::article::DateSource;

static PATH_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[/_-])((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)",
    )
    .ok()
});
static PATH_DATE_SLASHED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/").ok());

/// Earliest plausible publication date.
const EARLIEST_UNIX: i64 = 788_918_400; // 1995-01-01

/// The publication time and where it came from.
pub fn infer_published_at(
    explicit: Option<OffsetDateTime>,
    url: Option<&str>,
    image_urls: &[&str],
    now: OffsetDateTime,
) -> Option<(OffsetDateTime, DateSource)> {
    if let Some(t) = explicit {
        return Some((t, DateSource::Explicit));
    }
    let plausible = |t: &OffsetDateTime| {
        t.unix_timestamp() >= EARLIEST_UNIX && t.unix_timestamp() <= now.unix_timestamp() + 86_400
    };
    if let Some(d) = url.and_then(date_in_path).filter(plausible) {
        return Some((d, DateSource::UrlPath));
    }
    for img in image_urls {
        if let Some(day) = date_in_path(img).filter(plausible) {
            // The file name's epoch, when it falls on the same day, gives the time too.
            let exact = epochs_in_file_name(img)
                .into_iter()
                .find(|t| t.date() == day.date() && plausible(t));
            return Some((exact.unwrap_or(day), DateSource::ImagePath));
        }
    }
    image_urls
        .iter()
        .flat_map(|img| epochs_in_file_name(img))
        .find(|t| plausible(t))
        .map(|t| (t, DateSource::EmbeddedTimestamp))
}

/// A `YYYY/MM/DD`, `YYYY-MM-DD` or `YYYYMMDD` date in a URL's path.
fn date_in_path(url: &str) -> Option<OffsetDateTime> {
    let path = url_path(url);
    for re in [&*PATH_DATE_SLASHED, &*PATH_DATE].into_iter().flatten() {
        if let Some(c) = re.captures(path) {
            let y: i32 = c.get(1)?.as_str().parse().ok()?;
            let m: u8 = c.get(2)?.as_str().parse().ok()?;
            let d: u8 = c.get(3)?.as_str().parse().ok()?;
            let date = Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()?;
            return Some(date.with_time(Time::MIDNIGHT).assume_utc());
        }
    }
    None
}

fn url_path(url: &str) -> &str {
    let no_query = url.split(['?', '#']).next().unwrap_or(url);
    match no_query.find("://") {
        Some(p) => {
            let after = &no_query[p + 3..];
            after.find('/').map_or("", |s| &after[s..])
        }
        None => no_query,
    }
}

/// Ten-digit Unix timestamps inside the digit runs of a URL's file name (a run may carry
/// milliseconds or microseconds after them, or hex before them).
fn epochs_in_file_name(url: &str) -> Vec<OffsetDateTime> {
    let path = url_path(url);
    let name = path.rsplit('/').next().unwrap_or(path);
    let bytes = name.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &name[start..i];
        if run.len() < 10 || run.len() > 40 {
            continue;
        }
        for offset in 0..=run.len() - 10 {
            let window = &run[offset..offset + 10];
            if !window.starts_with('1') {
                continue;
            }
            if let Some(t) = window
                .parse::<i64>()
                .ok()
                .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            {
                out.push(t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const IMG: &str = "https://feeds.abplive.com/onecms/images/uploaded-images/2023/09/15/6500f714f4f8517a52db57b0b325c4851694756492397843_original.jpg?impolicy=abp_cdn&imwidth=1200&height=675";

    #[test]
    fn image_path_with_epoch() {
        let now = datetime!(2026-11-27 20:00 UTC);
        assert_eq!(
            infer_published_at(None, None, &[IMG], now),
            Some((datetime!(2023-09-15 05:41:32 UTC), DateSource::ImagePath))
        );
    }

    #[test]
    fn url_path_beats_images() {
        let now = datetime!(2026-11-27 20:00 UTC);
        let url = "https://venturebeat.com/2019/11/18/new-york-state/";
        assert_eq!(
            infer_published_at(None, Some(url), &[IMG], now),
            Some((datetime!(2019-11-18 00:00 UTC), DateSource::UrlPath))
        );
    }

    #[test]
    fn future_dates_are_not_plausible() {
        let now = datetime!(2020-01-01 00:00 UTC);
        assert_eq!(
            infer_published_at(None, Some("https://x.com/2023/09/15/a"), &[], now),
            None
        );
    }

    #[test]
    fn bare_epoch() {
        let now = datetime!(2026-11-27 20:00 UTC);
        assert_eq!(
            infer_published_at(None, None, &["https://x.com/img/photo_1694756492.jpg"], now),
            Some((
                datetime!(2023-09-15 05:41:32 UTC),
                DateSource::EmbeddedTimestamp
            ))
        );
    }
}
