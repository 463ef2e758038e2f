//! Finding dates in text the way news sites write them, and turning them into instants.
//!
//! Handles RFC 3339 / ISO 8601 (also the basic form `20180619T055000+0900`), RFC 2822
//! with named zones (`Thu, 04 APR 2013 20:37:27 AEST`), month-name dates (`Oct 23, 2024`,
//! `April 03, 2013`, `23 October 2024`) anywhere inside longer text such as datelines
//! (`Sydney, Australia (SPX) Oct 23, 2024`), and numeric dates (`23.10.2024`, `10/23/2024`).
//! The forms live in `forms`, zones in `zones`; month names come from `crate::locale`.

mod forms;
mod language;
mod relative;
mod translate;
mod yearless;
mod zones;

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;

use crate::locale::Language;
use forms::{
    day_first, month_first, month_name_date, parse_cjk, parse_iso, parse_numeric, year_first,
};
pub use yearless::{leaves_out_the_year, order_years};

/// How ambiguous all-numeric dates such as `03/05/2024` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first when dot- or dash-separated, month first when slash-separated.
    #[default]
    Auto,
    /// Day, month, year.
    Dmy,
    /// Month, day, year.
    Mdy,
    /// Year, month, day.
    Ymd,
}

/// A date as precise as its source gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedDate {
    /// A date and time with a known offset.
    Zoned(DateTime<FixedOffset>),
    /// A date and time with no zone: read in the site's timezone.
    Local(NaiveDateTime),
    /// A calendar day only.
    Day(NaiveDate),
}

impl ParsedDate {
    /// Rank for choosing between sources: a zoned timestamp beats a local one, which beats a day.
    pub fn precision(&self) -> u8 {
        match self {
            ParsedDate::Zoned(_) => 2,
            ParsedDate::Local(_) => 1,
            ParsedDate::Day(_) => 0,
        }
    }

    /// Turns the date into an instant.
    ///
    /// Zone-less dates are read in `tz`. A day alone takes `first_seen` when that falls on the
    /// same day in `tz`, else the start of that day. Instants after `now` are clamped to `now`.
    pub fn resolve(&self, tz: Tz, first_seen: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        self.instant(tz, first_seen).min(now)
    }

    /// The instant the date says, zone-less dates read in `tz` and a day alone taking
    /// `first_seen` when that falls on the same day — before any clamping to now.
    pub fn instant(&self, tz: Tz, first_seen: DateTime<Utc>) -> DateTime<Utc> {
        match *self {
            ParsedDate::Zoned(dt) => dt.with_timezone(&Utc),
            ParsedDate::Local(naive) => local_to_utc(tz, naive),
            ParsedDate::Day(day) => {
                if first_seen.with_timezone(&tz).date_naive() == day {
                    first_seen
                } else {
                    local_to_utc(tz, day.and_time(NaiveTime::MIN))
                }
            }
        }
    }

    /// Whether the date lies ahead of `now` by more than [`FUTURE_SLACK`] (clocks and
    /// publishing systems drift a little): such a date is clamped to now, and said so.
    pub fn is_future(&self, tz: Tz, now: DateTime<Utc>) -> bool {
        self.instant(tz, now) > now + FUTURE_SLACK
    }
}

/// How far ahead of now a date may lie before it counts as in the future.
pub const FUTURE_SLACK: chrono::Duration = chrono::Duration::minutes(5);

fn local_to_utc(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt.with_timezone(&Utc),
        // Inside a DST gap: the wall-clock time does not exist, so step an hour forward.
        LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&naive),
                |dt| dt.with_timezone(&Utc),
            ),
    }
}

/// How the dates of one page are read.
#[derive(Debug, Clone)]
pub struct DateRules<'a> {
    /// How ambiguous all-numeric dates are read.
    pub order: DateOrder,
    /// An explicit strftime format, tried first.
    pub format: Option<&'a str>,
    /// The page's language (English is always tried too).
    pub language: &'a Language,
    /// The fetch instant and the site's time zone, which relative dates ("3 hours ago") count
    /// back from; without them relative dates are not read.
    pub now: Option<(DateTime<Utc>, Tz)>,
}

impl DateRules<'static> {
    /// English, automatic numeric order, no format, no relative dates.
    pub fn english() -> DateRules<'static> {
        DateRules {
            order: DateOrder::Auto,
            format: None,
            language: &ENGLISH,
            now: None,
        }
    }
}

/// Finds a date in `text`, trying the explicit format first when given, then the written
/// forms (ISO 8601, month names in the page's language and in English, CJK, numeric), then
/// relative dates.
pub fn parse_date(text: &str, rules: &DateRules) -> Option<ParsedDate> {
    let parsed = parse_any(text, rules)?;
    Some(zones::reread_ist(parsed, text, rules))
}

/// [`parse_date`] before ambiguous zone names are settled.
fn parse_any(text: &str, rules: &DateRules) -> Option<ParsedDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(parsed) = rules.format.and_then(|f| parse_with_format(text, f)) {
        return Some(parsed);
    }
    // The common machine-readable form (`<time datetime>`, feeds) needs no pattern search.
    // Fractions of a second are dropped, as in every other form.
    if let Some(dt) = DateTime::parse_from_rfc3339(text)
        .ok()
        .and_then(|dt| dt.with_nanosecond(0))
    {
        return Some(ParsedDate::Zoned(dt));
    }
    let text = ascii_digits(text);
    let text = without_wire_place(text.as_ref());
    let direct = written(text, rules);
    // Another language's words may say more than the built-in forms saw (a time after `г. в`,
    // `ip.` after a time, a month cut short): its text is always read in English words too.
    // English text only when the forms found a day alone, or nothing, and there may be more
    // (a weekday in the way, `noon`, a time before the date).
    let foreign = !rules.language.is_english() || !text.is_ascii();
    let worth = match direct {
        Some(ParsedDate::Zoned(_)) => false,
        Some(ParsedDate::Local(_)) => foreign,
        Some(ParsedDate::Day(_)) => {
            foreign
                || text.contains(':')
                || regex!(r"(?i)noon|midnight|[ap]\.?m\b|\d\.\d\d\b").is_match(text)
        }
        None => true,
    };
    if !worth {
        return direct;
    }
    let english = translate::reading(text, rules.language)?;
    let via = written(
        &english,
        &DateRules {
            language: &ENGLISH,
            ..rules.clone()
        },
    );
    // The words read as a whole (`day before yesterday`, not `yesterday`) win a tie.
    match (direct, via) {
        (Some(direct), Some(via)) if via.precision() < direct.precision() => Some(direct),
        (direct, via) => via.or(direct),
    }
}

/// A wire dateline from its agency on (`(SPX) Oct 23, 2024`): the place before it
/// (`München, Germany`, `São Paulo`) says nothing of the date, and its letters would send an
/// English date through the reading of other languages' words. What stands before a
/// parenthesis with digits in it (`Jan 3, 2020 (Updated) Feb 4, 2021`) is a date or a time,
/// not a place, and is kept.
fn without_wire_place(text: &str) -> &str {
    if memchr::memchr(b'(', text.as_bytes()).is_none() {
        return text;
    }
    let agency = regex!(&format!("(?i){}", crate::locale::agency_date()));
    agency
        .find(text)
        .filter(|found| !text[..found.start()].contains(|c: char| c.is_ascii_digit()))
        .map_or(text, |found| &text[found.start()..])
}

/// English, for text already put in English words.
static ENGLISH: std::sync::LazyLock<Language> = std::sync::LazyLock::new(Language::english);

/// The written forms of dates, tried in turn on `text` (ASCII digits).
fn written(text: &str, rules: &DateRules) -> Option<ParsedDate> {
    // Cheap byte tests spare the pattern searches that cannot match.
    let bytes = text.as_bytes();
    let iso_like = text.contains('-')
        || bytes
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1].eq_ignore_ascii_case(&b't'));
    let has_letters = bytes.iter().any(u8::is_ascii_alphabetic);
    let english = |word: &str| crate::locale::month_number(word);
    let foreign =
        (!rules.language.is_english() || !text.is_ascii()).then(|| language::forms(rules.language));
    iso_like
        .then(|| parse_iso(text))
        .flatten()
        .or_else(|| {
            has_letters
                .then(|| month_name_date(day_first(), text, &english))
                .flatten()
        })
        .or_else(|| {
            has_letters
                .then(|| month_name_date(month_first(), text, &english))
                .flatten()
        })
        .or_else(|| {
            has_letters
                .then(|| month_name_date(year_first(), text, &english))
                .flatten()
        })
        .or_else(|| foreign.as_ref()?.month_name_date(text))
        .or_else(|| (!text.is_ascii()).then(|| parse_cjk(text)).flatten())
        .or_else(|| parse_numeric(text, rules.order))
        .or_else(|| {
            let (now, tz) = rules.now?;
            has_letters
                .then(|| {
                    yearless::yearless(text, now, tz).or_else(|| yearless::weekday(text, now, tz))
                })
                .flatten()
        })
        .or_else(|| {
            let (now, tz) = rules.now?;
            let english = language::forms(&Language::english());
            foreign
                .as_ref()
                .and_then(|f| f.relative.as_ref()?.parse(text, now, tz))
                .or_else(|| english.relative.as_ref()?.parse(text, now, tz))
        })
}

/// `text` with decimal digits of other scripts (Bengali, Devanagari, Arabic-Indic, full
/// width…) turned into ASCII digits.
fn ascii_digits(text: &str) -> std::borrow::Cow<'_, str> {
    /// The zero of each block of ten digits that pages use.
    const ZEROS: [u32; 8] = [
        0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0E50, 0x0BE6, 0xFF10,
    ];
    let digit = |c: char| {
        let code = u32::from(c);
        ZEROS
            .iter()
            .find(|&&zero| (zero..zero + 10).contains(&code))
            .and_then(|zero| char::from_digit(code - zero, 10))
    };
    if text.is_ascii() || !text.chars().any(|c| digit(c).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| digit(c).unwrap_or(c)).collect())
}

fn parse_with_format(text: &str, format: &str) -> Option<ParsedDate> {
    if let Ok(dt) = DateTime::parse_from_str(text, format) {
        return Some(ParsedDate::Zoned(dt));
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
        return Some(ParsedDate::Local(naive));
    }
    NaiveDate::parse_from_str(text, format)
        .ok()
        .map(ParsedDate::Day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn resolve_reads_days_in_the_site_zone_and_clamps_the_future() {
        let tz: Tz = "Australia/Sydney".parse().unwrap();
        let now = Utc.with_ymd_and_hms(2024, 10, 23, 5, 0, 0).unwrap();
        // 2024-10-23 05:00 UTC is 16:00 on the 23rd in Sydney: same day, so first seen wins.
        let same_day = ParsedDate::Day(d(2024, 10, 23)).resolve(tz, now, now);
        assert_eq!(same_day, now);
        let earlier = ParsedDate::Day(d(2024, 10, 20)).resolve(tz, now, now);
        assert_eq!(earlier.to_rfc3339(), "2024-10-19T13:00:00+00:00");
        let future = ParsedDate::Day(d(2030, 1, 1)).resolve(tz, now, now);
        assert_eq!(future, now);
        let local = ParsedDate::Local(d(2024, 10, 1).and_hms_opt(12, 0, 0).unwrap());
        assert_eq!(
            local.resolve(tz, now, now).to_rfc3339(),
            "2024-10-01T02:00:00+00:00"
        );
    }

    #[test]
    fn a_wire_datelines_place_is_not_read_as_date_words() {
        for text in [
            "São Paulo, Brazil (SPX) Oct 23, 2024",
            "München, Germany (AFP) October 23, 2024",
            "Sydney, Australia (SPX) Oct 23, 2024",
        ] {
            assert_eq!(
                parse_date(text, &DateRules::english()),
                Some(ParsedDate::Day(
                    NaiveDate::from_ymd_opt(2024, 10, 23).unwrap()
                )),
                "{text}"
            );
        }
        assert_eq!(
            without_wire_place("Zürich (Reuters) Oct 3, 2024"),
            "(Reuters) Oct 3, 2024"
        );
        assert_eq!(
            without_wire_place("3 (three) days ago"),
            "3 (three) days ago"
        );
        // A date before the parenthesis is not a place: it stays, and is the one read.
        let both = "Posted Jan 3, 2020 (Updated) Feb 4, 2021";
        assert_eq!(without_wire_place(both), both);
        assert_eq!(
            parse_date(both, &DateRules::english()),
            Some(ParsedDate::Day(
                NaiveDate::from_ymd_opt(2020, 1, 3).unwrap()
            ))
        );
    }

    #[test]
    fn precision_ranks_zoned_over_local_over_day() {
        let zoned = parse_date("2024-01-01T00:00:00Z", &DateRules::english()).unwrap();
        let local = parse_date("2024-01-01 00:00", &DateRules::english()).unwrap();
        let day = parse_date("2024-01-01", &DateRules::english()).unwrap();
        assert!(zoned.precision() > local.precision() && local.precision() > day.precision());
    }
}
