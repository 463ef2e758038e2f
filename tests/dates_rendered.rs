//! Whatever instant, whatever zone: a date rendered the way feeds and pages write it — RSS
//! (RFC 2822), Atom and ISO 8601, and twenty languages' own patterns with a time (long and
//! medium with month names, the locale's date-and-time pattern `%c`, and its short numeric
//! date and time `%x %X`, read with the `date_order` a section for it sets) — reads back as
//! that instant, to the pattern's precision (the minute).

use chrono::{DateTime, Locale, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use feedwright::locale::Language;
use feedwright::normalize::dates::{DateOrder, DateRules, parse_date};
use proptest::prelude::*;

/// Languages with the locale that renders them and patterns as their pages write dates: the
/// glibc locale's date-and-time pattern, and long and medium patterns with a time.
const LANGUAGES: [(&str, Locale); 20] = [
    ("en", Locale::en_US),
    ("de", Locale::de_DE),
    ("fr", Locale::fr_FR),
    ("es", Locale::es_ES),
    ("it", Locale::it_IT),
    ("pt", Locale::pt_PT),
    ("nl", Locale::nl_NL),
    ("pl", Locale::pl_PL),
    ("sv", Locale::sv_SE),
    ("da", Locale::da_DK),
    ("fi", Locale::fi_FI),
    ("cs", Locale::cs_CZ),
    ("ru", Locale::ru_RU),
    ("uk", Locale::uk_UA),
    ("tr", Locale::tr_TR),
    ("hu", Locale::hu_HU),
    ("ro", Locale::ro_RO),
    ("id", Locale::id_ID),
    ("ja", Locale::ja_JP),
    ("ko", Locale::ko_KR),
];

/// Long and medium patterns with a time, and the locale's own (`%c`); CJK languages write
/// the year first with its signs.
fn patterns(language: &str) -> [&'static str; 4] {
    match language {
        "ja" => [
            "%Y年%m月%d日 %H:%M",
            "%Y年%-m月%-d日 %H時%M分",
            "%c",
            "%x %X",
        ],
        "ko" => ["%Y년 %m월 %d일 %H:%M", "%Y. %-m. %-d. %H:%M", "%c", "%x %X"],
        _ => ["%e %B %Y %H:%M", "%d %b %Y %H:%M", "%c", "%x %X"],
    }
}

/// How the locale's short numeric date (`%x`) orders day, month and year: what a section on
/// such a site sets as `date_order`.
fn order_of(locale: Locale) -> DateOrder {
    let pattern = pure_rust_locales::locale_match!(locale => LC_TIME::D_FMT).replace("%-", "%");
    let at = |directive: &str| pattern.find(directive).unwrap_or(usize::MAX);
    let year = at("%Y").min(at("%y"));
    if year < at("%m") {
        DateOrder::Ymd
    } else if at("%d").min(at("%e")) < at("%m") {
        DateOrder::Dmy
    } else {
        DateOrder::Mdy
    }
}

const ZONES: [Tz; 4] = [
    chrono_tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Asia::Tokyo,
];

fn read_back(
    text: &str,
    language: &str,
    order: DateOrder,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let language = Language::from_tag(language)?;
    let rules = DateRules {
        order,
        format: None,
        language: &language,
        now: Some((now, tz)),
    };
    parse_date(text, &rules).map(|parsed| parsed.instant(tz, now))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rendered_dates_read_back(
        secs in 946_684_800i64..2_000_000_000,
        which in 0..LANGUAGES.len(),
        pattern in 0..4usize,
        zone in 0..ZONES.len(),
    ) {
        let instant = Utc.timestamp_opt(secs - secs % 60, 0).unwrap();
        let now = Utc.timestamp_opt(2_100_000_000, 0).unwrap();
        let tz = ZONES[zone];
        let local = instant.with_timezone(&tz);
        // Feeds' own forms, exact to the second.
        for text in [instant.to_rfc2822(), instant.to_rfc3339(), local.to_rfc3339()] {
            prop_assert_eq!(
                read_back(&text, "en", DateOrder::Auto, tz, now),
                Some(instant),
                "{}",
                text
            );
        }
        let (tag, locale) = LANGUAGES[which];
        let text = local.format_localized(patterns(tag)[pattern], locale).to_string();
        let order = if pattern == 3 { order_of(locale) } else { DateOrder::Auto };
        // A wall-clock time without an offset names the instant up to the zone's own
        // ambiguity (the hour that repeats when summer time ends): compare wall clocks.
        let got = read_back(&text, tag, order, tz, now)
            .map(|at| at.with_timezone(&tz).naive_local().with_second(0).unwrap());
        prop_assert_eq!(got, Some(local.naive_local()), "{} ({}): {:?}", text, tag, got);
    }
}
