//! Publication date: explicit > a date in the article URL path > a dateline under the title >
//! a date in image URL paths > an epoch timestamp in an image file name. Only dates between 1995 and `now` (plus a day) count.
//!
//! Also the date readers the page and text steps share: [`parse_declared`] for a value a page
//! declares (ISO 8601 and its common variants, RFC 2822, Unix seconds, or a written date) and
//! [`find_written_date`] for a date written out in a line of text ("12 March 2024", "Jan. 5,
//! 2025", "15 सितंबर 2023", "2024-03-12", "03/12/2024"). Month names are whole classes: the
//! English names and their usual abbreviations, and the Hindi names in their common spellings.
//!
//! Ours, not a crate's: date crates parse a date string they are given; which string on a news
//! page or URL is the publication date (and which is not) is this module's rules, held by the
//! fixture and golden tests and the dev-set figures in BENCHMARKS.md.

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
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d\d)/(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])/").ok());

/// Earliest plausible publication date.
const EARLIEST_UNIX: i64 = 788_918_400; // 1995-01-01

/// Month names, lower-cased, with their numbers: English names and abbreviations (with the
/// four-letter `sept`), and Hindi names in their common spellings.
const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("जनवरी", 1),
    ("फरवरी", 2),
    ("फ़रवरी", 2),
    ("मार्च", 3),
    ("अप्रैल", 4),
    ("मई", 5),
    ("जून", 6),
    ("जुलाई", 7),
    ("अगस्त", 8),
    ("सितंबर", 9),
    ("सितम्बर", 9),
    ("अक्टूबर", 10),
    ("अक्तूबर", 10),
    ("नवंबर", 11),
    ("नवम्बर", 11),
    ("दिसंबर", 12),
    ("दिसम्बर", 12),
];

/// The alternation of [`MONTHS`], longest first.
fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|(n, _)| *n).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.join("|")
}

/// ISO 8601 and its common variants: a date, then perhaps a time and an offset.
static ISO_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b((?:19|20)\d\d)-(1[0-2]|0?[1-9])-([12]\d|3[01]|0?[1-9])(?:[T ]([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?",
    )
    .ok()
});
/// `2024/03/12`, `2024.03.12`: year first.
static YEAR_FIRST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b((?:19|20)\d\d)[/.](1[0-2]|0?[1-9])[/.]([12]\d|3[01]|0?[1-9])\b").ok()
});
/// `12 March 2024`, `12th of March, 2024`, `15 सितंबर 2023`.
static DAY_MONTH_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}\d])([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\.?\s+(?:of\s+)?({})\.?,?\s+((?:19|20)\d\d)(?:[^\d]|$)",
        month_alternation()
    ))
    .ok()
});
/// `March 12, 2024`, `Jan. 5, 2025`, `Mar 12th 2024`.
static MONTH_DAY_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}])({})\.?\s+([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?:[^\d]|$)",
        month_alternation()
    ))
    .ok()
});
/// `12/03/2024`, `12.03.2024`, `12-03-2024`: day and month in an order the separator hints at.
static NUMERIC_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d/.-])(\d{1,2})([/.-])(\d{1,2})[/.-]((?:19|20)\d\d)(?:[^\d/.-]|$)").ok()
});
/// Clock times after a written date (`10:30 am`, `14:05`), read only for the time of day.
static CLOCK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,|@-]*(?:at\s+)?([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?\s*([ap]\.?m\.?)?")
        .ok()
});

/// Compiles every date pattern of this module, so that the first article to need one (a URL's
/// path, a byline's date) does not pay for it (about 3.4 M instructions for the path patterns).
pub(crate) fn compile_patterns() {
    for re in [
        &PATH_DATE,
        &PATH_DATE_SLASHED,
        &ISO_DATE,
        &YEAR_FIRST,
        &DAY_MONTH_YEAR,
        &MONTH_DAY_YEAR,
        &NUMERIC_DATE,
        &CLOCK,
    ] {
        LazyLock::force(re);
    }
}

/// The publication time and where it came from.
pub fn infer_published_at(
    explicit: Option<OffsetDateTime>,
    url: Option<&str>,
    dateline: Option<OffsetDateTime>,
    image_urls: &[&str],
    now: OffsetDateTime,
) -> Option<(OffsetDateTime, DateSource)> {
    if let Some(t) = explicit {
        return Some((t, DateSource::Explicit));
    }
    let plausible = |t: &OffsetDateTime| plausible(*t, now);
    if let Some(d) = url.and_then(date_in_path).filter(plausible) {
        return Some((d, DateSource::UrlPath));
    }
    if let Some(d) = dateline.filter(plausible) {
        return Some((d, DateSource::Text));
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

/// Whether a time is a plausible publication time: after 1995 began and at most a day after
/// `now`.
pub(crate) fn plausible(t: OffsetDateTime, now: OffsetDateTime) -> bool {
    t.unix_timestamp() >= EARLIEST_UNIX && t.unix_timestamp() <= now.unix_timestamp() + 86_400
}

/// A date a page declares in an attribute or a JSON-LD value: RFC 3339 and the ISO 8601
/// variants pages write (no seconds, a space for `T`, `+0000`), RFC 2822 (`Tue, 15 Sep 2023
/// 05:41:32 GMT`), Unix seconds or milliseconds, else a date written out. Times without an offset
/// are taken as UTC; a bare date is midnight UTC.
pub fn parse_declared(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    if value.is_empty() || value.len() > 200 {
        return None;
    }
    if let Ok(t) = OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339) {
        return t.checked_to_offset(time::UtcOffset::UTC);
    }
    if let Ok(t) = OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822) {
        return t.checked_to_offset(time::UtcOffset::UTC);
    }
    if value.bytes().all(|b| b.is_ascii_digit()) && matches!(value.len(), 10 | 13) {
        let secs: i64 = value.get(..10)?.parse().ok()?;
        return OffsetDateTime::from_unix_timestamp(secs).ok();
    }
    find_written_date(value).map(|(t, _)| t)
}

/// The first date written in `text`, and the byte offset where it starts. ISO dates keep their
/// time and offset (converted to UTC); written dates take a clock time that follows them.
/// Numeric day-month orders follow the separator: `12.03.2024` is day first, `03/12/2024` month
/// first unless the first number cannot be a month.
pub fn find_written_date(text: &str) -> Option<(OffsetDateTime, usize)> {
    let mut best: Option<(OffsetDateTime, usize)> = None;
    let mut consider = |found: Option<(OffsetDateTime, usize)>| {
        if let Some((t, at)) = found {
            if best.is_none_or(|(_, b)| at < b) {
                best = Some((t, at));
            }
        }
    };
    consider(iso_date(text));
    for (re, order) in [
        (&*YEAR_FIRST, [1, 2, 3]),
        (&*DAY_MONTH_YEAR, [3, 2, 1]),
        (&*MONTH_DAY_YEAR, [3, 1, 2]),
    ] {
        let Some(re) = re else { continue };
        consider(re.captures(text).and_then(|c| {
            let whole = c.get(0)?;
            let year: i32 = c.get(order[0])?.as_str().parse().ok()?;
            let month = month_number(c.get(order[1])?.as_str())?;
            let day: u8 = c.get(order[2])?.as_str().parse().ok()?;
            let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
            let end = c.get(3)?.end().max(c.get(1)?.end());
            let time = clock_after(&text[end..]).unwrap_or(Time::MIDNIGHT);
            Some((date.with_time(time).assume_utc(), whole.start()))
        }));
    }
    consider(numeric_date(text));
    best
}

fn iso_date(text: &str) -> Option<(OffsetDateTime, usize)> {
    let c = ISO_DATE.as_ref()?.captures(text)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u8>().ok());
    let year: i32 = c.get(1)?.as_str().parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(num(2)?).ok()?, num(3)?).ok()?;
    let time = match (num(4), num(5)) {
        (Some(h), Some(m)) => Time::from_hms(h, m, num(6).unwrap_or(0)).ok()?,
        _ => Time::MIDNIGHT,
    };
    let mut t = date.with_time(time).assume_utc();
    if let Some(zone) = c.get(7).map(|m| m.as_str()) {
        if let Some(sign) = zone.chars().next().filter(|c| matches!(c, '+' | '-')) {
            let digits: String = zone.chars().filter(char::is_ascii_digit).collect();
            let h: i64 = digits.get(..2)?.parse().ok()?;
            let m: i64 = digits.get(2..4)?.parse().ok()?;
            let secs = (h * 3600 + m * 60) * if sign == '-' { -1 } else { 1 };
            t -= time::Duration::seconds(secs);
        }
    }
    Some((t, c.get(1)?.start()))
}

fn numeric_date(text: &str) -> Option<(OffsetDateTime, usize)> {
    let c = NUMERIC_DATE.as_ref()?.captures(text)?;
    let a: u8 = c.get(1)?.as_str().parse().ok()?;
    let b: u8 = c.get(3)?.as_str().parse().ok()?;
    let year: i32 = c.get(4)?.as_str().parse().ok()?;
    let day_first = match c.get(2)?.as_str() {
        "/" => a > 12,
        _ => b <= 12,
    };
    let (day, month) = if day_first { (a, b) } else { (b, a) };
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    Some((
        date.with_time(Time::MIDNIGHT).assume_utc(),
        c.get(1)?.start(),
    ))
}

fn month_number(name: &str) -> Option<u8> {
    if let Ok(n) = name.parse::<u8>() {
        return Some(n);
    }
    let lower = name.to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == lower).map(|&(_, m)| m)
}

/// A clock time at the start of `rest` (`, 10:30 am`, ` at 14:05`).
fn clock_after(rest: &str) -> Option<Time> {
    let c = CLOCK.as_ref()?.captures(rest)?;
    let mut h: u8 = c.get(1)?.as_str().parse().ok()?;
    let m: u8 = c.get(2)?.as_str().parse().ok()?;
    if let Some(half) = c.get(3).map(|x| x.as_str().to_ascii_lowercase()) {
        if h > 12 {
            return None;
        }
        h %= 12;
        if half.starts_with('p') {
            h += 12;
        }
    }
    Time::from_hms(h, m, 0).ok()
}

/// A `YYYY/MM/DD`, `YYYY-MM-DD` or `YYYYMMDD` date in a URL's path.
pub(crate) fn date_in_path(url: &str) -> Option<OffsetDateTime> {
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
            infer_published_at(None, None, None, &[IMG], now),
            Some((datetime!(2023-09-15 05:41:32 UTC), DateSource::ImagePath))
        );
    }

    #[test]
    fn url_path_beats_images() {
        let now = datetime!(2026-11-27 20:00 UTC);
        let url = "https://venturebeat.com/2019/11/18/new-york-state/";
        assert_eq!(
            infer_published_at(None, Some(url), None, &[IMG], now),
            Some((datetime!(2019-11-18 00:00 UTC), DateSource::UrlPath))
        );
    }

    #[test]
    fn future_dates_are_not_plausible() {
        let now = datetime!(2020-01-01 00:00 UTC);
        assert_eq!(
            infer_published_at(None, Some("https://x.com/2023/09/15/a"), None, &[], now),
            None
        );
    }

    #[test]
    fn declared_values() {
        assert_eq!(
            parse_declared("2023-09-15T05:41:32Z"),
            Some(datetime!(2023-09-15 05:41:32 UTC))
        );
        assert_eq!(
            parse_declared("2023-09-15T01:41:32-04:00"),
            Some(datetime!(2023-09-15 05:41:32 UTC))
        );
        assert_eq!(
            parse_declared("2023-09-15 05:41"),
            Some(datetime!(2023-09-15 05:41 UTC))
        );
        assert_eq!(
            parse_declared("2023-09-15T10:11:32+0530"),
            Some(datetime!(2023-09-15 04:41:32 UTC))
        );
        assert_eq!(
            parse_declared("Fri, 15 Sep 2023 05:41:32 GMT"),
            Some(datetime!(2023-09-15 05:41:32 UTC))
        );
        assert_eq!(
            parse_declared("1694756492"),
            Some(datetime!(2023-09-15 05:41:32 UTC))
        );
        assert_eq!(
            parse_declared("2023-09-15"),
            Some(datetime!(2023-09-15 00:00 UTC))
        );
        assert_eq!(parse_declared("yesterday"), None);
        assert_eq!(parse_declared("2023-13-45"), None);
    }

    #[test]
    fn written_dates() {
        let day = |s: &str| find_written_date(s).map(|(t, _)| t.date().to_string());
        assert_eq!(
            day("Published 12 March 2024").as_deref(),
            Some("2024-03-12")
        );
        assert_eq!(day("Updated: Jan. 5, 2025").as_deref(), Some("2025-01-05"));
        assert_eq!(
            day("March 12th, 2024 at 5 pm").as_deref(),
            Some("2024-03-12")
        );
        assert_eq!(
            day("on the 3rd of May, 2021").as_deref(),
            Some("2021-05-03")
        );
        assert_eq!(day("Sept 9 2020").as_deref(), Some("2020-09-09"));
        assert_eq!(day("अपडेटेड: 15 सितंबर 2023").as_deref(), Some("2023-09-15"));
        assert_eq!(day("Posted 2024/03/12").as_deref(), Some("2024-03-12"));
        assert_eq!(day("12.03.2024").as_deref(), Some("2024-03-12"));
        assert_eq!(day("03/12/2024").as_deref(), Some("2024-03-12"));
        assert_eq!(day("25/12/2024").as_deref(), Some("2024-12-25"));
        assert_eq!(day("2,000 readers in 2024"), None);
        assert_eq!(day("Mayor Jones, 2024"), None);
        // The first date written wins.
        assert_eq!(
            day("Published March 1, 2024; updated 2024-03-05").as_deref(),
            Some("2024-03-01")
        );
        assert_eq!(
            find_written_date("June 3, 2024, 10:30 pm").map(|(t, _)| t),
            Some(datetime!(2024-06-03 22:30 UTC))
        );
    }

    #[test]
    fn bare_epoch() {
        let now = datetime!(2026-11-27 20:00 UTC);
        assert_eq!(
            infer_published_at(
                None,
                None,
                None,
                &["https://x.com/img/photo_1694756492.jpg"],
                now
            ),
            Some((
                datetime!(2023-09-15 05:41:32 UTC),
                DateSource::EmbeddedTimestamp
            ))
        );
    }
}
