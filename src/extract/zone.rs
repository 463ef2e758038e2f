//! The time zone a page's dates are probably written in, for the builder to propose: the
//! country of its `<html lang>` (or the one country its language is mostly written in), checked
//! against the offsets its machine-readable dates carry; else the one zone those offsets point
//! to. `None` when the page does not say enough.

use chrono::{Datelike, TimeZone, Utc};
use chrono_tz::Tz;
use scraper::Html;

use super::fields::page_language;

/// Countries with one time zone (or one that nearly every newsroom uses), by ISO code.
const COUNTRY_ZONES: [(&str, &str); 52] = [
    ("AT", "Europe/Vienna"),
    ("BD", "Asia/Dhaka"),
    ("BE", "Europe/Brussels"),
    ("BG", "Europe/Sofia"),
    ("CH", "Europe/Zurich"),
    ("CN", "Asia/Shanghai"),
    ("CO", "America/Bogota"),
    ("CZ", "Europe/Prague"),
    ("DE", "Europe/Berlin"),
    ("DK", "Europe/Copenhagen"),
    ("EE", "Europe/Tallinn"),
    ("EG", "Africa/Cairo"),
    ("ES", "Europe/Madrid"),
    ("FI", "Europe/Helsinki"),
    ("FR", "Europe/Paris"),
    ("GB", "Europe/London"),
    ("GE", "Asia/Tbilisi"),
    ("GR", "Europe/Athens"),
    ("HK", "Asia/Hong_Kong"),
    ("HR", "Europe/Zagreb"),
    ("HU", "Europe/Budapest"),
    ("ID", "Asia/Jakarta"),
    ("IE", "Europe/Dublin"),
    ("IL", "Asia/Jerusalem"),
    ("IN", "Asia/Kolkata"),
    ("IT", "Europe/Rome"),
    ("JP", "Asia/Tokyo"),
    ("KE", "Africa/Nairobi"),
    ("KR", "Asia/Seoul"),
    ("LT", "Europe/Vilnius"),
    ("LV", "Europe/Riga"),
    ("NG", "Africa/Lagos"),
    ("NL", "Europe/Amsterdam"),
    ("NO", "Europe/Oslo"),
    ("NZ", "Pacific/Auckland"),
    ("PE", "America/Lima"),
    ("PH", "Asia/Manila"),
    ("PK", "Asia/Karachi"),
    ("PL", "Europe/Warsaw"),
    ("PT", "Europe/Lisbon"),
    ("RO", "Europe/Bucharest"),
    ("RS", "Europe/Belgrade"),
    ("SE", "Europe/Stockholm"),
    ("SG", "Asia/Singapore"),
    ("SI", "Europe/Ljubljana"),
    ("SK", "Europe/Bratislava"),
    ("TH", "Asia/Bangkok"),
    ("TR", "Europe/Istanbul"),
    ("TW", "Asia/Taipei"),
    ("UA", "Europe/Kyiv"),
    ("VN", "Asia/Ho_Chi_Minh"),
    ("ZA", "Africa/Johannesburg"),
];

/// Languages written mostly in one country.
const LANGUAGE_COUNTRIES: [(&str, &str); 26] = [
    ("bg", "BG"),
    ("bn", "BD"),
    ("cs", "CZ"),
    ("da", "DK"),
    ("de", "DE"),
    ("el", "GR"),
    ("et", "EE"),
    ("fi", "FI"),
    ("fr", "FR"),
    ("he", "IL"),
    ("hr", "HR"),
    ("hu", "HU"),
    ("id", "ID"),
    ("it", "IT"),
    ("ja", "JP"),
    ("ka", "GE"),
    ("ko", "KR"),
    ("lt", "LT"),
    ("lv", "LV"),
    ("nl", "NL"),
    ("pl", "PL"),
    ("ro", "RO"),
    ("sk", "SK"),
    ("sv", "SE"),
    ("th", "TH"),
    ("uk", "UA"),
];

/// Offsets (in minutes) that point to one zone whatever the language.
const OFFSET_ZONES: [(i32, &str); 4] = [
    (330, "Asia/Kolkata"),
    (540, "Asia/Tokyo"),
    (345, "Asia/Kathmandu"),
    (570, "Australia/Darwin"),
];

/// The proposed zone and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneHint {
    /// The IANA name.
    pub zone: &'static str,
    /// How: `from <html lang="de-AT">`, `from the offsets of its dates (+05:30)`.
    pub how: String,
}

/// The zone `document`'s dates are probably written in.
pub fn zone_hint(document: &Html) -> Option<ZoneHint> {
    let offsets = offsets(document);
    let lang = page_language(document.root_element());
    if let Some(lang) = &lang {
        let mut parts = lang.split(['-', '_']);
        let language = parts.next().unwrap_or("").to_ascii_lowercase();
        let region = parts
            .find(|p| p.len() == 2)
            .map(str::to_ascii_uppercase)
            .or_else(|| {
                LANGUAGE_COUNTRIES
                    .iter()
                    .find(|(l, _)| *l == language)
                    .map(|(_, c)| (*c).to_string())
            });
        let zone = region
            .and_then(|r| COUNTRY_ZONES.iter().find(|(c, _)| *c == r))
            .map(|(_, z)| *z);
        if let Some(zone) = zone
            && (offsets.is_empty() || offsets.iter().any(|o| keeps(zone, *o)))
        {
            return Some(ZoneHint {
                zone,
                how: format!("from <html lang=\"{lang}\">"),
            });
        }
    }
    let mut counted: Vec<(i32, usize)> = Vec::new();
    for offset in &offsets {
        match counted.iter_mut().find(|(o, _)| o == offset) {
            Some((_, n)) => *n += 1,
            None => counted.push((*offset, 1)),
        }
    }
    counted.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let (offset, _) = counted.first()?;
    let zone = OFFSET_ZONES.iter().find(|(o, _)| o == offset)?.1;
    Some(ZoneHint {
        zone,
        how: format!(
            "from the offsets of its dates ({}{:02}:{:02})",
            if *offset < 0 { '-' } else { '+' },
            offset.abs() / 60,
            offset.abs() % 60
        ),
    })
}

/// Whether `zone` is `offset` minutes from UTC in winter or in summer this year.
fn keeps(zone: &str, offset: i32) -> bool {
    let Ok(tz) = zone.parse::<Tz>() else {
        return false;
    };
    let year = Utc::now().year();
    [1, 7].into_iter().any(|month| {
        Utc.with_ymd_and_hms(year, month, 15, 12, 0, 0)
            .single()
            .is_some_and(|at| {
                use chrono::Offset as _;
                at.with_timezone(&tz).offset().fix().local_minus_utc() == offset * 60
            })
    })
}

/// The UTC offsets, in minutes, of the page's machine-readable dates (`<time datetime>`,
/// `<meta content>`) that carry one other than `Z` or `+00:00`.
fn offsets(document: &Html) -> Vec<i32> {
    let pattern =
        regex!(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):?(\d{2})");
    let root = document.root_element();
    let values = root
        .select(css!("time[datetime]"))
        .filter_map(|t| t.attr("datetime"))
        .chain(
            root.select(css!("meta[content]"))
                .filter_map(|m| m.attr("content")),
        );
    values
        .filter_map(|value| {
            let caps = pattern.captures(value)?;
            let hours: i32 = caps[2].parse().ok()?;
            let minutes: i32 = caps[3].parse().ok()?;
            let sign = if &caps[1] == "-" { -1 } else { 1 };
            Some(sign * (hours * 60 + minutes))
        })
        .filter(|o| *o != 0)
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_country_and_offsets() {
        let page = |lang: &str, time: &str| {
            Html::parse_document(&format!(
                "<html lang=\"{lang}\"><body><time datetime=\"{time}\">x</time></body></html>"
            ))
        };
        let zone = |d: &Html| zone_hint(d).map(|h| h.zone);
        assert_eq!(
            zone(&page("de-AT", "2024-05-05T10:00:00+02:00")),
            Some("Europe/Vienna")
        );
        assert_eq!(zone(&page("de", "")), Some("Europe/Berlin"));
        assert_eq!(
            zone(&page("en", "2024-05-05T10:00:00+05:30")),
            Some("Asia/Kolkata")
        );
        assert_eq!(zone(&page("en", "2024-05-05T10:00:00-04:00")), None);
        // The offsets contradict the language's country: say nothing rather than guess.
        assert_eq!(zone(&page("ja", "2024-05-05T10:00:00-04:00")), None);
    }
}
