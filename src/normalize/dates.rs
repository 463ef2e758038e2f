//! Finding dates in text the way news sites write them, and turning them into instants.
//!
//! Handles RFC 3339 / ISO 8601 (also the basic form `20180619T055000+0900`), RFC 2822
//! with named zones (`Thu, 04 APR 2013 20:37:27 AEST`), month-name dates (`Oct 23, 2024`,
//! `April 03, 2013`, `23 October 2024`) anywhere inside longer text such as datelines
//! (`Sydney, Australia (SPX) Oct 23, 2024`), and numeric dates (`23.10.2024`, `10/23/2024`).

use std::sync::LazyLock;

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;
use regex::{Captures, Regex};

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
        let instant = match *self {
            ParsedDate::Zoned(dt) => dt.with_timezone(&Utc),
            ParsedDate::Local(naive) => local_to_utc(tz, naive),
            ParsedDate::Day(day) => {
                if first_seen.with_timezone(&tz).date_naive() == day {
                    first_seen
                } else {
                    local_to_utc(tz, day.and_time(NaiveTime::MIN))
                }
            }
        };
        instant.min(now)
    }
}

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

/// Finds a date in `text`, trying `format` (strftime) first when given.
pub fn parse_date(text: &str, order: DateOrder, format: Option<&str>) -> Option<ParsedDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(parsed) = format.and_then(|f| parse_with_format(text, f)) {
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
    // Cheap byte tests spare the pattern searches that cannot match.
    let bytes = text.as_bytes();
    let iso_like = text.contains('-')
        || bytes
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1].eq_ignore_ascii_case(&b't'));
    let has_letters = bytes.iter().any(u8::is_ascii_alphabetic);
    iso_like
        .then(|| parse_iso(text))
        .flatten()
        .or_else(|| {
            has_letters
                .then(|| month_name_date(&DAY_FIRST, text))
                .flatten()
        })
        .or_else(|| {
            has_letters
                .then(|| month_name_date(&MONTH_FIRST, text))
                .flatten()
        })
        .or_else(|| parse_numeric(text, order))
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

const MONTH: &str = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const TIME: &str = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?";
const ZONE: &str = r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|\b(?:GMT|UTC|UT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AEST|AEDT|ACST|ACDT|AWST|BST|CET|CEST|EET|EEST|WET|WEST|MSK|JST|KST|HKT|SGT|NZST|NZDT)\b)";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in date pattern is valid")
}

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(?P<year>\d{{4}})-(?P<mon>\d{{2}})-(?P<day>\d{{2}})(?:[T ]{TIME}\s*{ZONE}?)?|\b(?P<byear>\d{{4}})(?P<bmon>\d{{2}})(?P<bday>\d{{2}})T(?P<bhour>\d{{2}})(?P<bmin>\d{{2}})(?P<bsec>\d{{2}})?(?:[.,]\d+)?(?P<bzone>Z|[+-]\d{{2}}:?\d{{2}})?"
    ))
});

/// A day before a month name and a year (`04 Apr 2013`, `23rd October 2024`).
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{MONTH}\.?,?\s+(?:\d{{4}}|\d{{2}})\b"
    ))
});

/// A month name before a day and a year (`Oct 23, 2024`, `April 3rd, 2013`).
static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    ))
});

/// The time (and zone) that may follow a month-name date.
static TIME_AFTER: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)^,?\s+(?:at\s+)?{TIME}(?:\s*{ZONE})?")));

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(?P<a>\d{{1,4}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P<sep2>[./-])(?P<c>\d{{2,4}})\b(?:,?\s+{TIME}(?:\s*{ZONE})?)?"
    ))
});

fn parse_iso(text: &str) -> Option<ParsedDate> {
    ISO.captures_iter(text).find_map(|caps| {
        if caps.name("year").is_some() {
            let day = ymd(num(&caps, "year")?, num(&caps, "mon")?, num(&caps, "day")?)?;
            with_time(day, &caps, "zone")
        } else {
            let day = ymd(
                num(&caps, "byear")?,
                num(&caps, "bmon")?,
                num(&caps, "bday")?,
            )?;
            let time = NaiveTime::from_hms_opt(
                num(&caps, "bhour")?,
                num(&caps, "bmin")?,
                caps.name("bsec")
                    .map_or(Some(0), |s| s.as_str().parse().ok())?,
            )?;
            zoned(day.and_time(time), caps.name("bzone").map(|m| m.as_str()))
        }
    })
}

/// The first match of a month-name date `pattern` that is a real day, with the time after it.
///
/// The pattern only finds the date (no capture groups, the costly part of a search); its parts
/// are then told apart by kind: the day is the first number, the year the last, the month the
/// word that names one.
fn month_name_date(pattern: &Regex, text: &str) -> Option<ParsedDate> {
    pattern.find_iter(text).find_map(|found| {
        let span = found.as_str();
        let mut numbers = span
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty());
        let day = numbers.next()?.parse().ok()?;
        let year = year(numbers.next_back()?)?;
        let month = span
            .split(|c: char| !c.is_ascii_alphabetic())
            .find_map(month)?;
        let day = ymd(year, month, day)?;
        match TIME_AFTER.captures(&text[found.end()..]) {
            Some(caps) => with_time(day, &caps, "zone"),
            None => Some(ParsedDate::Day(day)),
        }
    })
}

fn parse_numeric(text: &str, order: DateOrder) -> Option<ParsedDate> {
    NUMERIC.captures_iter(text).find_map(|caps| {
        if caps["sep"] != caps["sep2"] {
            return None;
        }
        let a = caps.name("a")?.as_str();
        let b: u32 = num(&caps, "b")?;
        let c = caps.name("c")?.as_str();
        let order = if a.len() == 4 { DateOrder::Ymd } else { order };
        let a_num: u32 = a.parse().ok()?;
        let day_first = || ymd(year(c)?, b, a_num);
        let month_first = || ymd(year(c)?, a_num, b);
        let day = match order {
            DateOrder::Ymd if a.len() == 4 => ymd(a_num as i32, b, c.parse().ok()?)?,
            DateOrder::Ymd => return None,
            DateOrder::Dmy => day_first()?,
            DateOrder::Mdy => month_first()?,
            // Without a configured order, a date that only reads one way is read that way.
            DateOrder::Auto if &caps["sep"] == "/" => month_first().or_else(day_first)?,
            DateOrder::Auto => day_first().or_else(month_first)?,
        };
        with_time(day, &caps, "zone")
    })
}

fn num<T: std::str::FromStr>(caps: &Captures, name: &str) -> Option<T> {
    caps.name(name)?.as_str().parse().ok()
}

/// Reads a two- or four-digit year; two digits mean 1970–2069.
fn year(text: &str) -> Option<i32> {
    let value: i32 = text.parse().ok()?;
    match text.len() {
        2 if value >= 70 => Some(1900 + value),
        2 => Some(2000 + value),
        4 => Some(value),
        _ => None,
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1970..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

fn month(name: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix = name.get(..3)?.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|m| *m == prefix)
        .map(|i| i as u32 + 1)
}

/// Adds the optional time and zone captured beside a day.
fn with_time(day: NaiveDate, caps: &Captures, zone_group: &str) -> Option<ParsedDate> {
    let Some(hour) = caps.name("hour") else {
        return Some(ParsedDate::Day(day));
    };
    let mut hour: u32 = hour.as_str().parse().ok()?;
    if let Some(ampm) = caps.name("ampm") {
        if hour == 0 || hour > 12 {
            return Some(ParsedDate::Day(day));
        }
        let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    let second = caps
        .name("second")
        .map_or(Some(0), |s| s.as_str().parse().ok())?;
    let Some(time) = NaiveTime::from_hms_opt(hour, num(caps, "minute")?, second) else {
        return Some(ParsedDate::Day(day));
    };
    zoned(
        day.and_time(time),
        caps.name(zone_group).map(|m| m.as_str()),
    )
}

fn zoned(naive: NaiveDateTime, zone: Option<&str>) -> Option<ParsedDate> {
    let Some(zone) = zone else {
        return Some(ParsedDate::Local(naive));
    };
    let offset = zone_offset(zone)?;
    let dt = offset.from_local_datetime(&naive).single()?;
    Some(ParsedDate::Zoned(dt))
}

/// Zone abbreviations seen in feeds and datelines, with their offsets in minutes.
const NAMED_ZONES: &[(&str, i32)] = &[
    ("Z", 0),
    ("GMT", 0),
    ("UTC", 0),
    ("UT", 0),
    ("WET", 0),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("BST", 60),
    ("CET", 60),
    ("WEST", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("AWST", 480),
    ("HKT", 480),
    ("SGT", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("AEST", 600),
    ("ACDT", 630),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
];

/// The UTC offset of a numeric zone (`+0900`, `-07:00`, `+09`) or a zone abbreviation.
fn zone_offset(zone: &str) -> Option<FixedOffset> {
    if let Some((_, minutes)) = NAMED_ZONES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(zone))
    {
        return FixedOffset::east_opt(minutes * 60);
    }
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone.chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes): (i32, i32) = match digits.len() {
        2 => (digits.parse().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zoned_utc(text: &str) -> String {
        match parse_date(text, DateOrder::Auto, None) {
            Some(ParsedDate::Zoned(dt)) => dt.with_timezone(&Utc).to_rfc3339(),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn day(text: &str, order: DateOrder) -> NaiveDate {
        match parse_date(text, order, None) {
            Some(ParsedDate::Day(d)) => d,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn month_name_dates_and_datelines() {
        assert_eq!(day("Oct 23, 2024", DateOrder::Auto), d(2024, 10, 23));
        assert_eq!(day("April 03, 2013", DateOrder::Auto), d(2013, 4, 3));
        assert_eq!(day("Apr 2, 2013", DateOrder::Auto), d(2013, 4, 2));
        assert_eq!(day("June 1, 2023", DateOrder::Auto), d(2023, 6, 1));
        assert_eq!(day("Sept. 9, 2021", DateOrder::Auto), d(2021, 9, 9));
        assert_eq!(
            day("Sydney, Australia (SPX) Oct 23, 2024", DateOrder::Auto),
            d(2024, 10, 23)
        );
        assert_eq!(
            day("Paris (AFP) June 15, 2022", DateOrder::Auto),
            d(2022, 6, 15)
        );
        assert_eq!(
            day("Huntsville AL (SPX) Apr 04, 2013", DateOrder::Auto),
            d(2013, 4, 4)
        );
        assert_eq!(
            day("Posted 23 October 2024", DateOrder::Auto),
            d(2024, 10, 23)
        );
        assert_eq!(day("MARCH 18, 2025", DateOrder::Auto), d(2025, 3, 18));
    }

    #[test]
    fn rfc2822_with_named_and_numeric_zones() {
        assert_eq!(
            zoned_utc("Thu, 04 APR 2013 20:37:27 AEST"),
            "2013-04-04T10:37:27+00:00"
        );
        assert_eq!(
            zoned_utc("Tue, 1 Jul 2003 10:52:37 +0200"),
            "2003-07-01T08:52:37+00:00"
        );
        assert_eq!(
            zoned_utc("Wed, 02 Oct 2002 13:00:00 GMT"),
            "2002-10-02T13:00:00+00:00"
        );
        assert_eq!(
            zoned_utc("Wed, 02 Oct 2002 08:00:00 EST"),
            "2002-10-02T13:00:00+00:00"
        );
        assert_eq!(
            zoned_utc("Mon, 5 Feb 2024 09:00 ACDT"),
            "2024-02-04T22:30:00+00:00"
        );
        assert_eq!(
            zoned_utc("Mon, 5 Feb 2024 09:00 AWST"),
            "2024-02-05T01:00:00+00:00"
        );
        assert_eq!(
            zoned_utc("Mon, 5 Feb 2024 09:00 AEDT"),
            "2024-02-04T22:00:00+00:00"
        );
    }

    #[test]
    fn iso_8601_and_rfc_3339() {
        assert_eq!(
            zoned_utc("2024-09-30T14:00:00-07:00"),
            "2024-09-30T21:00:00+00:00"
        );
        assert_eq!(
            zoned_utc("2024-09-12T08:15:00Z"),
            "2024-09-12T08:15:00+00:00"
        );
        assert_eq!(
            zoned_utc("2024-09-12T08:15:00.123+05:30"),
            "2024-09-12T02:45:00+00:00"
        );
        assert_eq!(
            zoned_utc("20180619T055000+0900"),
            "2018-06-18T20:50:00+00:00"
        );
        assert_eq!(zoned_utc("20180619T055000Z"), "2018-06-19T05:50:00+00:00");
        assert_eq!(day("2024-08-01", DateOrder::Auto), d(2024, 8, 1));
        assert_eq!(
            parse_date("2024-08-01 10:30", DateOrder::Auto, None),
            Some(ParsedDate::Local(
                d(2024, 8, 1).and_hms_opt(10, 30, 0).unwrap()
            ))
        );
    }

    #[test]
    fn numeric_dates_follow_the_order() {
        assert_eq!(day("23.10.2024", DateOrder::Auto), d(2024, 10, 23));
        assert_eq!(day("23.10.2024", DateOrder::Dmy), d(2024, 10, 23));
        assert_eq!(day("03/05/2024", DateOrder::Auto), d(2024, 3, 5));
        assert_eq!(day("03/05/2024", DateOrder::Dmy), d(2024, 5, 3));
        assert_eq!(day("03/05/2024", DateOrder::Mdy), d(2024, 3, 5));
        assert_eq!(
            day("23/10/2024", DateOrder::Auto),
            d(2024, 10, 23),
            "only readable day first"
        );
        assert_eq!(
            parse_date("23/10/2024", DateOrder::Mdy, None),
            None,
            "an explicit order is kept"
        );
        assert_eq!(day("2024/05/03", DateOrder::Dmy), d(2024, 5, 3));
        assert_eq!(day("am 1.2.24", DateOrder::Dmy), d(2024, 2, 1));
        assert_eq!(parse_date("13/13/2024", DateOrder::Mdy, None), None);
    }

    #[test]
    fn times_with_am_pm_and_explicit_formats() {
        assert_eq!(
            parse_date("Oct 23, 2024 at 3:05 pm", DateOrder::Auto, None),
            Some(ParsedDate::Local(
                d(2024, 10, 23).and_hms_opt(15, 5, 0).unwrap()
            ))
        );
        assert_eq!(
            parse_date("2024|10|23", DateOrder::Auto, Some("%Y|%m|%d")),
            Some(ParsedDate::Day(d(2024, 10, 23)))
        );
    }

    #[test]
    fn text_without_a_date_gives_none() {
        for text in [
            "",
            "read more",
            "Page 2 of 10",
            "Call 555-1234",
            "9999-99-99",
        ] {
            assert_eq!(parse_date(text, DateOrder::Auto, None), None, "{text}");
        }
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
    fn precision_ranks_zoned_over_local_over_day() {
        let zoned = parse_date("2024-01-01T00:00:00Z", DateOrder::Auto, None).unwrap();
        let local = parse_date("2024-01-01 00:00", DateOrder::Auto, None).unwrap();
        let day = parse_date("2024-01-01", DateOrder::Auto, None).unwrap();
        assert!(zoned.precision() > local.precision() && local.precision() > day.precision());
    }
}
