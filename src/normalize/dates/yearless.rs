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
        let time = time_after().captures(rest);
        // Without a year, a day and a month followed by other words and no time are words of
        // a title (`Top 5 June bugs`), not June 5; a weekday may follow.
        let words_after = regex!(r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b")
            .replace_all(rest, "")
            .chars()
            .any(char::is_alphabetic);
        if time.is_none() && words_after {
            return None;
        }
        let timed = time.and_then(|t| with_time(date, &t, "zone"));
        Some(timed.unwrap_or(ParsedDate::Day(date)))
    })
}

/// Whether `text` leaves out the year: a month name or a weekday without any year in it.
pub fn leaves_out_the_year(text: &str) -> bool {
    // Most dates on a listing carry a four-digit year: a byte scan says so before any pattern
    // (this runs for every dated item of every page read).
    let four_digits = text
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    !four_digits
        && text.chars().any(char::is_alphabetic)
        && !regex!(r"\d{1,2}[./-]\d{1,2}[./-]\d{2}|'\d{2}\b").is_match(text)
}

/// On a listing, the dates of items in page order, of which `guessed` ones took their year
/// from the yearless rule: where the listing runs newest first and a guessed date breaks that
/// order by about a year (`Jan 3` above `Jan 1` read on New Year's Day, put in last year by the
/// rule), the order decides and the year moves.
pub fn order_years(dates: &mut [Option<ParsedDate>], guessed: &[bool]) {
    let day = |d: &ParsedDate| match d {
        ParsedDate::Zoned(dt) => dt.date_naive(),
        ParsedDate::Local(naive) => naive.date(),
        ParsedDate::Day(day) => *day,
    };
    let known: Vec<(usize, NaiveDate)> = dates
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((i, day(d.as_ref()?))))
        .collect();
    if known.len() < 3 {
        return;
    }
    let descending = known.windows(2).filter(|w| w[0].1 >= w[1].1).count();
    if descending * 3 < (known.len() - 1) * 2 {
        return;
    }
    for (k, &(i, date)) in known.iter().enumerate() {
        if !guessed.get(i).copied().unwrap_or(false) {
            continue;
        }
        let below = known.get(k + 1).map(|(_, d)| *d);
        let above = k.checked_sub(1).map(|p| known[p].1);
        let (Some(later), Some(earlier)) = (
            date.with_year(date.year() + 1),
            date.with_year(date.year() - 1),
        ) else {
            continue;
        };
        let years =
            if below.is_some_and(|b| date < b && later >= b) && above.is_none_or(|a| later <= a) {
                1
            } else if above.is_some_and(|a| date > a && earlier <= a)
                && below.is_none_or(|b| earlier >= b)
            {
                -1
            } else {
                continue;
            };
        dates[i] = dates[i].map(|d| shifted(d, years));
    }
}

/// `date` moved by `years` (a Feb 29 that does not exist then stays).
fn shifted(date: ParsedDate, years: i32) -> ParsedDate {
    match date {
        ParsedDate::Zoned(dt) => dt
            .with_year(dt.year() + years)
            .map_or(date, ParsedDate::Zoned),
        ParsedDate::Local(naive) => naive
            .with_year(naive.year() + years)
            .map_or(date, ParsedDate::Local),
        ParsedDate::Day(day) => day
            .with_year(day.year() + years)
            .map_or(date, ParsedDate::Day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::dates::{DateRules, parse_date};
    use chrono::TimeZone;

    #[test]
    fn a_listing_newest_first_decides_the_year_across_new_year() {
        let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 30, 0).unwrap();
        let english = crate::locale::Language::english();
        let rules = DateRules {
            now: Some((now, chrono_tz::UTC)),
            language: &english,
            ..DateRules::english()
        };
        let texts = ["Jan 3", "Jan 1", "Dec 31", "Dec 30"];
        let mut dates: Vec<Option<ParsedDate>> =
            texts.iter().map(|t| parse_date(t, &rules)).collect();
        let guessed: Vec<bool> = texts.iter().map(|t| leaves_out_the_year(t)).collect();
        assert_eq!(
            dates[0],
            Some(ParsedDate::Day(
                NaiveDate::from_ymd_opt(2026, 1, 3).unwrap()
            ))
        );
        order_years(&mut dates, &guessed);
        let days: Vec<String> = dates.iter().map(|d| format!("{:?}", d.unwrap())).collect();
        assert_eq!(
            days,
            [
                "Day(2027-01-03)",
                "Day(2027-01-01)",
                "Day(2026-12-31)",
                "Day(2026-12-30)"
            ]
        );
        // A listing that is not newest first is left as the rule read it.
        let mut shuffled = vec![dates[2], dates[0], dates[3], dates[1]];
        let before = shuffled.clone();
        order_years(&mut shuffled, &[true; 4]);
        assert_eq!(shuffled, before);
    }
}
