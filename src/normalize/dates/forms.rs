//! The written forms a date takes, each found anywhere inside longer text: ISO 8601 (also
//! the basic form), month-name dates in either order (`Oct 23, 2024`, `23 October 2024`,
//! RFC 2822), and all-numeric dates, each with the time and zone that may follow.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use regex::{Captures, Regex};

use super::zones::{region_zone, zone_offset, zone_pattern};
use super::{DateOrder, ParsedDate};
use crate::locale::MONTH_NAME;

/// A time of day: `14:05`, `2:05:30 pm`, `13.12`, `5.45 pm`, `14h30`, `21時40分`, `6 pm`
/// (an hour alone only with its period; `night` is the hours around midnight).
const TIME: &str = r"(?P<hour>\d{1,2})(?:\s*(?:[:hH.]|[時时点시])\s*(?P<minute>\d{2})\s*[分분]?(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?\s*(?P<ampm>[ap]\.?\s?m\b\.?|night\b)?";

/// An English weekday (a translated date keeps its weekday), which may stand between a date
/// and its time.
const WEEKDAY: &str = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b[\s,.]*";

/// An ISO 8601 date, with an optional time and zone, or the basic form `20180619T055000+0900`.
fn iso() -> &'static Regex {
    regex!(&format!(
        r"(?i)\b(?P<year>\d{{4}})-(?P<mon>\d{{2}})-(?P<day>\d{{2}})(?:(?:[T ]|\s+{WEEKDAY}){TIME}\s*{ZONE}?)?|\b(?P<byear>\d{{4}})(?P<bmon>\d{{2}})(?P<bday>\d{{2}})T(?P<bhour>\d{{2}})(?P<bmin>\d{{2}})(?P<bsec>\d{{2}})?(?:[.,]\d+)?(?P<bzone>Z|[+-]\d{{2}}:?\d{{2}})?",
        ZONE = zone_pattern(),
    ))
}

/// A day before a month name and a year (`04 Apr 2013`, `23rd October 2024`, `08.June.2014`,
/// `12-Mar-2014`).
pub(super) fn day_first() -> &'static Regex {
    regex!(&format!(
        r"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?\.?,?[\s.\-/]*{MONTH_NAME}\.?,?[\s.\-/]+(?:\d{{4}}|\d{{2}})\b"
    ))
}

/// A month name before a day and a year (`Oct 23, 2024`, `April 3rd, 2013`), or before a day,
/// a time and a year (`Aug 05 12:00:00 2015`).
pub(super) fn month_first() -> &'static Regex {
    regex!(&format!(
        r"(?i)\b{MONTH_NAME}\.?[\s.\-/]+\d{{1,2}}(?:st|nd|rd|th)?(?:,?[\s.\-/]+|\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s+)\d{{4}}\b"
    ))
}

/// A year before a month name and a day (`2016. augusztus 11.`, `2015-кві-12` once read), or
/// before a day and a month name (`2023 წლის 12 დეკემბერი` once read).
pub(super) fn year_first() -> &'static Regex {
    regex!(&format!(
        r"(?i)\b\d{{4}}\.?,?[\s.\-/]*(?:{MONTH_NAME}\.?,?[\s.\-/]*\d{{1,2}}\b|\d{{1,2}}\.?[\s\-/]+{MONTH_NAME}\b)"
    ))
}

/// The time (and zone) that may follow a month-name date.
///
/// Between them may stand a year word that the languages' patterns do not spell out (`року`,
/// `года`, `roku`), a weekday (`2000년 01월 01일 (토) 오전 1시` read in English words) and a
/// connector (`at`, `um`, `в`, `об`, `klo`, `lúc`…).
pub(super) fn time_after() -> &'static Regex {
    regex!(&format!(
        r"(?i)^[\s,،.\-–—|·@]*(?:(?:року|рік|года|год|г|roku|r|m|წლის)\.?[\s,]+)?(?:{WEEKDAY})?(?:(?:at|à|a las|às|alle|um|om|kl\.?|klo|saat|в|во|у|u|o|об|о|lúc|en|a|الساعة|בשעה)\s+)?{TIME}(?:\s*{})?",
        zone_pattern()
    ))
}

/// A time written before its date (`10:06am Dec 11, 2014`).
fn time_before() -> &'static Regex {
    regex!(&format!(r"(?i){TIME}[\s,\-–—|·@]*$"))
}

/// A time inside a date (`Aug 05 12:00:00 2015`).
fn time_inside() -> &'static Regex {
    regex!(r"\s(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s")
}

/// A date written with the CJK year, month and day signs: `2024年10月23日`, `2024년 10월 23일`.
fn cjk() -> &'static Regex {
    regex!(&format!(
        r"(?P<year>\d{{4}})\s*[年년]\s*(?P<mon>\d{{1,2}})\s*[月월]\s*(?P<day>\d{{1,2}})\s*[日일]?(?:\s*(?:\([^)]*\)|（[^）]*）|(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)|[\p{{Hangul}}\p{{Han}}]{{1,3}})?\s*{TIME}(?:\s*{})?)?",
        zone_pattern()
    ))
}

/// A CJK date in `text`.
pub(super) fn parse_cjk(text: &str) -> Option<ParsedDate> {
    cjk().captures_iter(text).find_map(|caps| {
        let day = ymd(num(&caps, "year")?, num(&caps, "mon")?, num(&caps, "day")?)?;
        with_time(day, &caps, "zone")
    })
}

/// An all-numeric date (`23.10.2024`, `10/23/2024`), with an optional time and zone.
fn numeric() -> &'static Regex {
    regex!(&format!(
        r"(?i)\b(?P<a>\d{{1,4}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P<sep2>[./-])(?P<c>\d{{1,4}})\b(?:\s*[.,|·@–—]?\s+(?i:{WEEKDAY})?{TIME}(?:\s*{})?)?",
        zone_pattern()
    ))
}

pub(super) fn parse_iso(text: &str) -> Option<ParsedDate> {
    iso().captures_iter(text).find_map(|caps| {
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
/// word that `month` knows.
pub(super) fn month_name_date(
    pattern: &Regex,
    text: &str,
    month: &dyn Fn(&str) -> Option<u32>,
) -> Option<ParsedDate> {
    pattern.find_iter(text).find_map(|found| {
        let span = found.as_str();
        // `4 january 13:50`: the 13 is an hour, not a year.
        if text[found.end()..].starts_with(':') {
            return None;
        }
        let mut numbers = span
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty());
        let first = numbers.next()?;
        let last = numbers.next_back()?;
        // Year first (`2016. augusztus 11.`) or last; a time between is not either.
        let (day, year) = if first.len() == 4 {
            (last.parse().ok()?, self::year(first)?)
        } else {
            (first.parse().ok()?, self::year(last)?)
        };
        // Words end at spaces, digits and punctuation (not at every non-letter: a Bengali
        // virama is a mark inside a word).
        let month = span
            .split(|c: char| c.is_whitespace() || c.is_numeric() || c.is_ascii_punctuation())
            .filter(|w| !w.is_empty())
            .find_map(month)?;
        let day = ymd(year, month, day)?;
        // A time has digits (and one inside the date a colon): most texts around a date have
        // none, which spares the searches.
        let digits = |text: &str| text.chars().any(char::is_numeric);
        let (after, before) = (&text[found.end()..], &text[..found.start()]);
        let after = digits(after)
            .then(|| time_after().captures(after))
            .flatten();
        let inside = span
            .contains(':')
            .then(|| time_inside().captures_iter(span));
        let before = digits(before)
            .then(|| time_before().captures(before))
            .flatten();
        after
            .into_iter()
            .chain(inside.into_iter().flatten())
            .chain(before)
            .map(|caps| with_time(day, &caps, "zone"))
            .find(|parsed| !matches!(parsed, Some(ParsedDate::Day(_))))
            .unwrap_or(Some(ParsedDate::Day(day)))
    })
}

pub(super) fn parse_numeric(text: &str, order: DateOrder) -> Option<ParsedDate> {
    numeric().captures_iter(text).find_map(|caps| {
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
        // A time written before the date (`1 a.m 20.07.2021`).
        let start = caps.get(0).map_or(0, |m| m.start());
        let before = (caps.name("hour").is_none() && start > 0)
            .then(|| time_before().captures(&text[..start]))
            .flatten();
        match before {
            Some(time) => with_time(day, &time, "zone"),
            None => with_time(day, &caps, "zone"),
        }
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

/// Adds the optional time and zone captured beside a day.
pub(super) fn with_time(day: NaiveDate, caps: &Captures, zone_group: &str) -> Option<ParsedDate> {
    let Some(hour) = caps.name("hour") else {
        return Some(ParsedDate::Day(day));
    };
    let mut hour: u32 = hour.as_str().parse().ok()?;
    if caps.name("minute").is_none() && caps.name("ampm").is_none() {
        return Some(ParsedDate::Day(day));
    }
    if let Some(ampm) = caps.name("ampm") {
        let period = ampm.as_str().to_ascii_lowercase();
        if period.starts_with('n') {
            // The hours around midnight: 11 at night is 23:00, 3 at night 03:00.
            if (6..12).contains(&hour) {
                hour += 12;
            }
        } else {
            if hour == 0 || hour > 12 {
                return Some(ParsedDate::Day(day));
            }
            let pm = period.starts_with('p');
            hour = hour % 12 + if pm { 12 } else { 0 };
        }
    }
    let second = caps
        .name("second")
        .map_or(Some(0), |s| s.as_str().parse().ok())?;
    let minute = caps
        .name("minute")
        .map_or(Some(0), |m| m.as_str().parse().ok())?;
    let Some(time) = NaiveTime::from_hms_opt(hour, minute, second) else {
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
    if let Some(tz) = region_zone(zone) {
        let dt = tz.from_local_datetime(&naive).earliest()?;
        return Some(ParsedDate::Zoned(dt.fixed_offset()));
    }
    let offset = zone_offset(zone)?;
    let dt = offset.from_local_datetime(&naive).single()?;
    Some(ParsedDate::Zoned(dt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::dates::{DateRules, parse_date};
    use chrono::Utc;

    fn rules(order: DateOrder, format: Option<&str>) -> DateRules<'_> {
        DateRules {
            order,
            format,
            ..DateRules::english()
        }
    }

    fn zoned_utc(text: &str) -> String {
        match parse_date(text, &rules(DateOrder::Auto, None)) {
            Some(ParsedDate::Zoned(dt)) => dt.with_timezone(&Utc).to_rfc3339(),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn day(text: &str, order: DateOrder) -> NaiveDate {
        match parse_date(text, &rules(order, None)) {
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
            parse_date("2024-08-01 10:30", &rules(DateOrder::Auto, None)),
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
            parse_date("23/10/2024", &rules(DateOrder::Mdy, None)),
            None,
            "an explicit order is kept"
        );
        assert_eq!(day("2024/05/03", DateOrder::Dmy), d(2024, 5, 3));
        assert_eq!(day("am 1.2.24", DateOrder::Dmy), d(2024, 2, 1));
        assert_eq!(parse_date("13/13/2024", &rules(DateOrder::Mdy, None)), None);
    }

    #[test]
    fn times_with_am_pm_and_explicit_formats() {
        assert_eq!(
            parse_date("Oct 23, 2024 at 3:05 pm", &rules(DateOrder::Auto, None)),
            Some(ParsedDate::Local(
                d(2024, 10, 23).and_hms_opt(15, 5, 0).unwrap()
            ))
        );
        assert_eq!(
            parse_date("2024|10|23", &rules(DateOrder::Auto, Some("%Y|%m|%d"))),
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
            assert_eq!(
                parse_date(text, &rules(DateOrder::Auto, None)),
                None,
                "{text}"
            );
        }
    }
}
