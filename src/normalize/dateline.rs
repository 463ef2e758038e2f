//! News-wire datelines: `Sydney, Australia (SPX) Oct 23, 2024`, `Paris (AFP) June 15, 2022`.

use super::dates::{DateRules, ParsedDate, parse_date};
use crate::locale;

/// A dateline at the start of a text: a place, an agency in parentheses, a month-name date.
fn leading() -> &'static regex::Regex {
    regex!(&format!(
        r"(?i)^\s*(?:<p>\s*)?(?P<line>[^<>()\n]{{1,80}}?\s*{})\s*(?:<br\s*/?>|[-–—:])?\s*",
        locale::agency_date()
    ))
}

/// Splits a leading dateline off an HTML or text fragment: the rest, and the dateline's date.
/// Returns `None` when the fragment does not start with a dateline.
pub fn split_leading(fragment: &str) -> Option<(String, ParsedDate)> {
    // A dateline's agency is in parentheses within its first 120 characters (at most 480
    // bytes): most fragments have none there.
    let start = &fragment.as_bytes()[..fragment.len().min(480)];
    let near_start =
        memchr::memchr(b'(', start).is_some_and(|at| fragment[..at].chars().count() < 120);
    if !near_start {
        return None;
    }
    let caps = leading().captures(fragment)?;
    let date = parse_date(&caps["line"], &DateRules::english())?;
    let whole = caps.get(0)?;
    let opened_paragraph = whole.as_str().trim_start().starts_with("<p>");
    let rest = &fragment[whole.end()..];
    let rest = if opened_paragraph {
        format!("<p>{rest}")
    } else {
        rest.to_string()
    };
    Some((rest, date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn splits_datelines_off_the_front() {
        let (rest, date) =
            split_leading("\nHuntsville AL (SPX) Apr 04, 2013<br/>\n<img src=x> Over the years")
                .unwrap();
        assert_eq!(rest, "<img src=x> Over the years");
        assert_eq!(
            date,
            ParsedDate::Day(NaiveDate::from_ymd_opt(2013, 4, 4).unwrap())
        );
        let (rest, _) = split_leading("<p>Paris (AFP) June 15, 2022 - France said").unwrap();
        assert_eq!(rest, "<p>France said");
        let (_, date) = split_leading("Geneva, Switzerland (UPI) Apr 2, 2013").unwrap();
        assert_eq!(
            date,
            ParsedDate::Day(NaiveDate::from_ymd_opt(2013, 4, 2).unwrap())
        );
    }

    #[test]
    fn leaves_other_text_alone() {
        assert_eq!(
            split_leading("The probe (NASA) launched on Apr 2, 2013 after delays"),
            None
        );
        assert_eq!(split_leading("No dateline here"), None);
    }
}
