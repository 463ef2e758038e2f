//! Dates that leave out the year, as listings print this year's news: a day and a month name
//! (`4 March`, `Dec 5, 2:30pm ET`), in the year that puts them at most a day after now; a
//! weekday alone (`Thursday`, `last Friday`), the most recent such day.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use regex::Regex;

use super::ParsedDate;
use super::forms::{time_after, with_time};
use crate::locale::MONTH_NAME;

/// A day and a month name without a year, either way round (`4 March`, `4th of March`,
/// `March 4th`, `Dec 5`).
fn day_and_month() -> &'static Regex {
    regex!(&format!(
        r"(?i)\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\.?,?\s*(?:of\s+)?(?P<m1>{MONTH_NAME})\b\.?|(?P<m2>{MONTH_NAME})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    ))
}

/// A weekday alone (`Thursday`, `last Friday`, `Tue 14:30`): the most recent such day in `tz`
/// (today counts, but not after `last`).
pub(super) fn weekday(text: &str, now: DateTime<Utc>, tz: Tz) -> Option<ParsedDate> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let caps = regex!(
        r"(?i)^[\s,.(]*(?:(?P<last>last|previous)\s+)?(?P<day>mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|rsday|urday|\.)?\b\.?"
    )
    .captures(text)?;
    let wanted = DAYS
        .iter()
        .position(|d| caps["day"].eq_ignore_ascii_case(d))?;
    let rest = &text[caps.get(0)?.end()..];
    let timed = time_after().captures(rest);
    // Anything but a time after the weekday is another kind of text.
    let after = timed.as_ref().and_then(|t| t.get(0)).map_or(0, |m| m.end());
    if !rest[after..]
        .trim_matches(|c: char| c.is_whitespace() || c == ')' || c == '.')
        .is_empty()
    {
        return None;
    }
    let today = now.with_timezone(&tz).date_naive();
    let mut back = (7 + today.weekday().num_days_from_monday() as usize - wanted) % 7;
    if back == 0 && caps.name("last").is_some() {
        back = 7;
    }
    let day = today.checked_sub_days(chrono::Days::new(back as u64))?;
    Some(
        timed
            .and_then(|t| with_time(day, &t, "zone"))
            .unwrap_or(ParsedDate::Day(day)),
    )
}

/// A date without a year (`4 March`, `Dec 5, 2:30pm ET`), in the year that puts it at most a
/// day after `now` in `tz`, else the year before: what a listing of recent news means.
pub(super) fn yearless(text: &str, now: DateTime<Utc>, tz: Tz) -> Option<ParsedDate> {
    // A year in the text that the dated forms did not place is no reason to guess one.
    if regex!(r"\b(?:19|20)\d{2}\b").is_match(text) {
        return None;
    }
    day_and_month().captures_iter(text).find_map(|caps| {
        let found = caps.get(0)?;
        let rest = &text[found.end()..];
        // A year the dated forms did not take (out of range, or a number of its own).
        if regex!(r"^[\s,.\-/]*\d{4}\b").is_match(rest) {
            return None;
        }
        let day: u32 = caps.name("d1").or(caps.name("d2"))?.as_str().parse().ok()?;
        let month = crate::locale::month_number(caps.name("m1").or(caps.name("m2"))?.as_str())?;
        let today = now.with_timezone(&tz).date_naive();
        let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
        let date = match this_year {
            Some(date) if date <= today + chrono::Days::new(1) => date,
            _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day)?,
        };
        let timed = time_after()
            .captures(rest)
            .and_then(|t| with_time(date, &t, "zone"));
        Some(timed.unwrap_or(ParsedDate::Day(date)))
    })
}
