//! Relative dates: "just now", "5 minutes ago", "yesterday 14:30", "vor 3 Stunden",
//! "il y a 2 heures", "2 часа назад", "3時間前", counted back from the fetch instant with the
//! precision they carry (minutes and hours give an instant, days and more a calendar day).

use chrono::{DateTime, Days, Months, Utc};
use chrono_tz::Tz;
use regex::{Captures, Regex};

use super::ParsedDate;
use crate::locale::{Language, Unit, Words};

/// One language's relative-date patterns.
pub(super) struct RelativeForms {
    words: &'static Words,
    /// `vor 3 Stunden`, `3 hours ago`: a count (group `n`) and a unit (group `unit`).
    counted: Regex,
    /// `the day before yesterday`, `yesterday`, `today`, each with an optional time.
    named: Regex,
    now: Option<Regex>,
}

/// `day` with the time `rest` starts with (`, 9:45 p.m.`, ` at 3pm`, ` um 15:30 Uhr`, ` à
/// 15h30`), or the day alone.
fn time_of(day: chrono::NaiveDate, rest: &str) -> ParsedDate {
    super::forms::time_after()
        .captures(rest)
        .and_then(|caps| super::forms::with_time(day, &caps, "zone"))
        .unwrap_or(ParsedDate::Day(day))
}

/// Alternation of words, longest first, escaped.
fn any_of<S: AsRef<str>>(words: &[S]) -> String {
    let mut words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

/// Whether a word starting with `c` may touch the word before it: scripts without spaces,
/// and Korean, which writes particles onto words.
fn touches(c: char) -> bool {
    super::translate::unspaced(c) || super::translate::cjk(c)
}

impl RelativeForms {
    pub(super) fn new(language: &Language) -> Option<RelativeForms> {
        let words = language.relative_words()?;
        let units = any_of(&words.units.keys().collect::<Vec<_>>());
        let written: Vec<&str> = words
            .one
            .iter()
            .map(String::as_str)
            .chain(words.numbers.keys().map(String::as_str))
            .collect();
        let count = if written.is_empty() {
            r"\d+".to_string()
        } else {
            format!(r"\d+|\b(?:{})\b", any_of(&written))
        };
        let mut alternatives = Vec::new();
        if !words.before.is_empty() {
            alternatives.push(format!(
                r"(?:{})\s+(?P<n>{count})\s*(?P<unit>{units})\w*",
                any_of(&words.before)
            ));
        }
        if !words.after.is_empty() {
            alternatives.push(format!(
                r"(?P<n2>{count})\s*(?P<unit2>{units})\w*?\s*(?:{})",
                any_of(&words.after)
            ));
        }
        if !words.ahead.is_empty() {
            alternatives.push(format!(
                r"\b(?:{})\s+(?P<n3>{count})\s*(?P<unit3>{units})\w*",
                any_of(&words.ahead)
            ));
        }
        let counted = Regex::new(&format!("(?i){}", alternatives.join("|"))).ok()?;
        let days = [
            words.day_before_yesterday.as_slice(),
            words.yesterday.as_slice(),
            words.today.as_slice(),
        ]
        .concat();
        // Longest first: `day before yesterday` is read whole, not as its last word.
        let named = Regex::new(&format!(r"(?i)(?P<day>{})", any_of(&days))).ok()?;
        let now = (!words.now.is_empty())
            .then(|| Regex::new(&format!("(?i)(?:{})", any_of(&words.now))).ok())
            .flatten();
        Some(RelativeForms {
            words,
            counted,
            named,
            now,
        })
    }

    /// A relative date in `text`, counted back from `now` (days in `tz`).
    pub(super) fn parse(&self, text: &str, now: DateTime<Utc>, tz: Tz) -> Option<ParsedDate> {
        if let Some(caps) = self.counted.captures(text) {
            let counted = self.counted_back(&caps, now, tz)?;
            // `2 days ago 14:30`: a day with its time.
            let rest = &text[caps.get(0).map_or(0, |m| m.end())..];
            return Some(match counted {
                ParsedDate::Day(day) => time_of(day, rest),
                counted => counted,
            });
        }
        // A whole word only: `вчера` is not the end of `позавчера`.
        let whole = |caps: &Captures| {
            let start = caps.get(0).map_or(0, |m| m.start());
            let before = text[..start].chars().next_back();
            let first = text[start..].chars().next();
            !matches!((before, first), (Some(b), Some(f)) if b.is_alphabetic() && f.is_alphabetic() && !f.is_ascii_digit() && !touches(f))
        };
        if let Some(caps) = self.named.captures_iter(text).find(whole) {
            let word = caps["day"].to_lowercase();
            let said = |words: &[String]| words.iter().any(|w| w.to_lowercase() == word);
            let back = if said(&self.words.day_before_yesterday) {
                2
            } else {
                u64::from(said(&self.words.yesterday))
            };
            let day = now.with_timezone(&tz).date_naive() - Days::new(back);
            let rest = &text[caps.get(0).map_or(0, |m| m.end())..];
            return Some(time_of(day, rest));
        }
        self.now
            .as_ref()
            .filter(|now_words| now_words.is_match(text))
            .map(|_| ParsedDate::Zoned(now.fixed_offset()))
    }

    fn counted_back(&self, caps: &Captures, now: DateTime<Utc>, tz: Tz) -> Option<ParsedDate> {
        // A date to come (`in 3 hours`) counts forward; it is clamped to now later.
        let ahead = caps.name("n3").is_some();
        let count = caps
            .name("n")
            .or_else(|| caps.name("n2"))
            .or_else(|| caps.name("n3"))?
            .as_str();
        // Digits, a number written out, or a word for "one".
        let n: u32 = count
            .parse()
            .ok()
            .or_else(|| self.words.numbers.get(&count.to_lowercase()).copied())
            .unwrap_or(1);
        let stem = caps
            .name("unit")
            .or_else(|| caps.name("unit2"))
            .or_else(|| caps.name("unit3"))?
            .as_str()
            .to_lowercase();
        let unit = self
            .words
            .units
            .iter()
            .filter(|(s, _)| stem.starts_with(&s.to_lowercase()))
            .max_by_key(|(s, _)| s.chars().count())
            .map(|(_, unit)| *unit)?;
        let sign: i64 = if ahead { -1 } else { 1 };
        let seconds = |per: i64| {
            let back = chrono::Duration::seconds(sign * per * i64::from(n));
            ParsedDate::Zoned((now - back).fixed_offset())
        };
        let today = now.with_timezone(&tz).date_naive();
        let days = |count: u64| {
            if ahead {
                today.checked_add_days(Days::new(count))
            } else {
                today.checked_sub_days(Days::new(count))
            }
        };
        let months = |count: u32| {
            if ahead {
                today.checked_add_months(Months::new(count))
            } else {
                today.checked_sub_months(Months::new(count))
            }
        };
        Some(match unit {
            Unit::Second => seconds(1),
            Unit::Minute => seconds(60),
            Unit::Hour => seconds(3600),
            Unit::Day => ParsedDate::Day(days(u64::from(n))?),
            Unit::Week => ParsedDate::Day(days(7 * u64::from(n))?),
            Unit::Month => ParsedDate::Day(months(n)?),
            Unit::Quarter => ParsedDate::Day(months(3 * n)?),
            Unit::Year => ParsedDate::Day(months(12 * n)?),
        })
    }
}
