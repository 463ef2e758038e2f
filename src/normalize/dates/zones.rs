//! Time zones as dates write them: numeric offsets (`+0900`, `-07:00`, `Z`) and the
//! abbreviations seen in feeds and datelines (`AEST`, `GMT`).

use chrono::{FixedOffset, TimeZone};
use chrono_tz::Tz;

use super::{DateRules, ParsedDate};

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
    // India's; Ireland's and Israel's summer times share the letters, and sites there write
    // their zone out.
    ("IST", 330),
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

/// Zones named by region, whose offset depends on the date (standard or daylight time): the
/// US zones as American sites write them after a time (`2:30pm ET`).
const REGION_ZONES: &[(&str, Tz)] = &[
    ("ET", chrono_tz::America::New_York),
    ("CT", chrono_tz::America::Chicago),
    ("MT", chrono_tz::America::Denver),
    ("PT", chrono_tz::America::Los_Angeles),
    ("AKT", chrono_tz::America::Anchorage),
    ("HT", chrono_tz::Pacific::Honolulu),
];

/// The zone a region abbreviation (`ET`, `PT`) names, written in capitals.
pub(super) fn region_zone(zone: &str) -> Option<Tz> {
    REGION_ZONES
        .iter()
        .find(|(name, _)| *name == zone)
        .map(|(_, tz)| *tz)
}

/// A zone after a time, as a regex fragment with the capture group `zone`: a numeric offset,
/// one of [`NAMED_ZONES`], or one of [`REGION_ZONES`] in capitals (`et` is a word in French).
pub(super) fn zone_pattern() -> String {
    let names: Vec<&str> = NAMED_ZONES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| *name != "Z")
        .collect();
    let regions: Vec<&str> = REGION_ZONES.iter().map(|(name, _)| *name).collect();
    format!(
        r"(?P<zone>Z|[+-]\d{{2}}(?::?\d{{2}})?|\b(?:{})\b|\b(?-i:{})\b)",
        names.join("|"),
        regions.join("|")
    )
}

/// Where `IST` means Irish (summer) time or Israel's, not India's: the zone of a site there, by
/// its time zone or its language.
pub(super) fn ist_zone(site: Option<Tz>, language: &str) -> Option<Tz> {
    let dublin = chrono_tz::Europe::Dublin;
    let jerusalem = chrono_tz::Asia::Jerusalem;
    match (site, language) {
        (Some(tz), _) if tz == dublin || tz == chrono_tz::Europe::Belfast => Some(dublin),
        (Some(tz), _) if tz == jerusalem || tz == chrono_tz::Asia::Tel_Aviv => Some(jerusalem),
        (_, "ga") => Some(dublin),
        (_, "he") => Some(jerusalem),
        _ => None,
    }
}

/// A date read with `IST` as India's time, read again as Ireland's or Israel's where the site
/// is there ([`ist_zone`]): the same wall-clock time in that zone.
pub(super) fn reread_ist(parsed: ParsedDate, text: &str, rules: &DateRules) -> ParsedDate {
    let ParsedDate::Zoned(dt) = parsed else {
        return parsed;
    };
    let india = dt.offset().local_minus_utc() == 330 * 60;
    if !india || !regex!(r"\bIST\b").is_match(text) {
        return parsed;
    }
    let Some(zone) = ist_zone(rules.now.map(|(_, tz)| tz), rules.language.code()) else {
        return parsed;
    };
    zone.from_local_datetime(&dt.naive_local())
        .earliest()
        .map_or(parsed, |local| ParsedDate::Zoned(local.fixed_offset()))
}

/// The UTC offset of a numeric zone (`+0900`, `-07:00`, `+09`) or a zone abbreviation.
pub(super) fn zone_offset(zone: &str) -> Option<FixedOffset> {
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

    #[test]
    fn named_and_numeric_offsets() {
        assert_eq!(zone_offset("aest"), FixedOffset::east_opt(10 * 3600));
        assert_eq!(zone_offset("-07:00"), FixedOffset::east_opt(-7 * 3600));
        assert_eq!(zone_offset("+0930"), FixedOffset::east_opt(9 * 3600 + 1800));
        assert_eq!(zone_offset("+09"), FixedOffset::east_opt(9 * 3600));
        assert_eq!(zone_offset("+2500"), None);
        assert_eq!(zone_offset("XYZ"), None);
        let pattern = regex::Regex::new(&format!("^{}$", zone_pattern())).unwrap();
        for zone in ["Z", "+09:00", "UTC", "NZDT", "UT"] {
            assert!(pattern.is_match(zone), "{zone}");
        }
    }
}
