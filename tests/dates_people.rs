//! Dates as people write them, each with its exact instant, read at a fixed now: periods after
//! relative words, connectors (`at`, `à`, `um … Uhr`), dates without a year, US zone names, and
//! the year a yearless date takes around New Year.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use feedwright::locale::Language;
use feedwright::normalize::dates::{DateOrder, DateRules, parse_date};

/// The instant `text` says, read in `language` at `now` in `tz` (before any clamp to now),
/// and whether it lies in the future.
fn read(text: &str, language: &str, now: DateTime<Utc>, tz: Tz) -> Option<(String, bool)> {
    let language = Language::from_tag(language).unwrap();
    let rules = DateRules {
        order: DateOrder::Auto,
        format: None,
        language: &language,
        now: Some((now, tz)),
    };
    let parsed = parse_date(text, &rules)?;
    Some((
        parsed
            .instant(tz, now)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        parsed.is_future(tz, now),
    ))
}

#[test]
fn every_string_of_the_issue_reads_as_a_person_means_it() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 11, 25, 0).unwrap();
    let utc = chrono_tz::UTC;
    let cases: [(&str, &str, &str, bool); 28] = [
        ("two hours ago", "en", "2026-12-07T09:25:00Z", false),
        ("сорок минут назад", "ru", "2026-12-07T10:45:00Z", false),
        ("vor zwei Stunden", "de", "2026-12-07T09:25:00Z", false),
        ("Thursday", "en", "2026-12-03T00:00:00Z", false),
        ("last Monday", "en", "2026-11-30T00:00:00Z", false),
        ("Donnerstag, 14:30", "de", "2026-12-03T14:30:00Z", false),
        ("Friday at 9:45 pm", "en", "2026-12-04T21:45:00Z", false),
        ("yesterday at 9:45 PM", "en", "2026-12-06T21:45:00Z", false),
        ("Yesterday, 9:45 p.m.", "en", "2026-12-06T21:45:00Z", false),
        ("today at 3:15 pm", "en", "2026-12-07T15:15:00Z", true),
        ("today at 3:15 am", "en", "2026-12-07T03:15:00Z", false),
        ("hier à 15h30", "fr", "2026-12-06T15:30:00Z", false),
        (
            "am 4. Dezember um 15:30 Uhr",
            "de",
            "2026-12-04T15:30:00Z",
            false,
        ),
        ("heute, 14:30", "de", "2026-12-07T14:30:00Z", true),
        ("Mar 4", "en", "2026-03-04T00:00:00Z", false),
        ("4 March", "en", "2026-03-04T00:00:00Z", false),
        ("December 4", "en", "2026-12-04T00:00:00Z", false),
        ("Dec 5", "en", "2026-12-05T00:00:00Z", false),
        ("4. Dezember", "de", "2026-12-04T00:00:00Z", false),
        ("4 déc.", "fr", "2026-12-04T00:00:00Z", false),
        ("March 4th at 3pm", "en", "2026-03-04T15:00:00Z", false),
        (
            "Monday, March 4th at 3pm",
            "en",
            "2026-03-04T15:00:00Z",
            false,
        ),
        ("Jan 5, 2:30pm ET", "en", "2026-01-05T19:30:00Z", false),
        ("Jul 5, 2:30pm ET", "en", "2026-07-05T18:30:00Z", false),
        ("Nov 3, 9:00 PT", "en", "2026-11-03T17:00:00Z", false),
        ("an hour ago", "en", "2026-12-07T10:25:00Z", false),
        ("Dec 8", "en", "2026-12-08T00:00:00Z", true),
        (
            "26, Abril, 2022 7:43 p.m.",
            "es",
            "2022-04-26T19:43:00Z",
            false,
        ),
    ];
    let mut wrong = Vec::new();
    for (text, language, expected, future) in cases {
        let got = read(text, language, now, utc);
        if got.as_ref().map(|(at, f)| (at.as_str(), *f)) != Some((expected, future)) {
            wrong.push(format!(
                "{text:?} ({language}): {got:?}, expected {expected} future={future}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_year_the_forms_do_not_place_is_never_replaced_by_a_guess() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 11, 25, 0).unwrap();
    let got = read("2023 წლის 12 დეკემბერი", "ka", now, chrono_tz::UTC);
    assert_eq!(
        got.map(|(at, _)| at),
        Some("2023-12-12T00:00:00Z".to_string())
    );
    // A year the forms cannot place (`2023 … 12 …` with nothing to join them) is left
    // unread rather than replaced by this year.
    let unplaced = read("2023 Bericht vom 12. Dezember", "de", now, chrono_tz::UTC);
    assert!(
        unplaced
            .as_ref()
            .is_none_or(|(at, _)| at.starts_with("2023")),
        "{unplaced:?}"
    );
    // A day and a month followed by other words, with no time, are a title's words.
    assert_eq!(read("Top 5 June bugs", "en", now, chrono_tz::UTC), None);
    assert!(read("June 5 at 9:00", "en", now, chrono_tz::UTC).is_some());
    // Croatian months in the locative, Vietnamese months in words, a time before its date.
    for (text, language, expected) in [
        ("12. u studenom 2023.", "hr", "2023-11-12"),
        ("12 Tháng Mười Hai 2023", "vi", "2023-12-12"),
        ("12 tháng một 2023", "vi", "2023-01-12"),
        ("1 a.m 20.07.2021", "en", "2021-07-20T01:00"),
        // A weekday between a date and its time (weekdays now stay through translation).
        ("2016-03-24 thursday 10:05", "en", "2016-03-24T10:05"),
        ("2016-3-21 monday 14:48", "en", "2016-03-21T14:48"),
        ("2016年03月24日 木曜日 10時05分", "ja", "2016-03-24T10:05"),
    ] {
        let got = read(text, language, now, chrono_tz::UTC);
        assert!(
            got.as_ref().is_some_and(|(at, _)| at.starts_with(expected)),
            "{text}: {got:?}"
        );
    }
    // Bengali and Hindi day periods after a dated time.
    assert_eq!(
        read("১২ ডিসেম্বর ২০২৩ রাত ৯:৪৫", "bn", now, chrono_tz::UTC)
            .unwrap()
            .0,
        "2023-12-12T21:45:00Z"
    );
    assert_eq!(
        read("12 दिसंबर 2023 को 9:45 अपराह्न", "hi", now, chrono_tz::UTC)
            .unwrap()
            .0,
        "2023-12-12T21:45:00Z"
    );
}

#[test]
fn a_yearless_listing_crossing_new_year_gets_the_right_years() {
    let utc = chrono_tz::UTC;
    let day = |text: &str, now| read(text, "en", now, utc).unwrap().0[..10].to_string();
    let jan3 = Utc.with_ymd_and_hms(2027, 1, 3, 9, 0, 0).unwrap();
    let read_on_jan3: Vec<String> = ["Dec 30", "Dec 31", "Jan 1", "Jan 2"]
        .iter()
        .map(|t| day(t, jan3))
        .collect();
    assert_eq!(
        read_on_jan3,
        ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]
    );
    let jan1 = Utc.with_ymd_and_hms(2027, 1, 1, 6, 0, 0).unwrap();
    assert_eq!(day("Dec 31", jan1), "2026-12-31");
    assert_eq!(day("Jan 1", jan1), "2027-01-01");
    // An ascending listing reads the same way: each date in the year that is not ahead.
    let ascending: Vec<String> = ["Nov 28", "Dec 2", "Dec 7"]
        .iter()
        .map(|t| day(t, Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()))
        .collect();
    assert_eq!(ascending, ["2026-11-28", "2026-12-02", "2026-12-07"]);
    // A site's own zone decides "today": 23:30 UTC on Dec 31 is already Jan 1 in Berlin, so
    // "Jan 1" is today there (2027), and a day seen today takes the time it was first seen.
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let late = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
    assert_eq!(
        read("Jan 1", "en", late, berlin).unwrap(),
        ("2026-12-31T23:30:00Z".to_string(), false)
    );
    assert_eq!(
        read("Jan 1", "en", late, chrono_tz::UTC).unwrap().0,
        "2026-01-01T00:00:00Z"
    );
}

#[test]
fn the_date_command_says_which_language_and_clamps_aloud() {
    let date = |args: &[&str]| support::feedwright(&[&["date"], args].concat());
    let (code, out, _) = date(&["gestern, 14:30"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("read as language de"), "{out}");
    // A common word that means "now" in some language is no date without --language.
    let (code, _, err) = date(&["no date here at all"]);
    assert_eq!(code, Some(1), "{err}");
    // Nor a two-letter month abbreviation of a rarely written language (`pm` is July in
    // Nheengatu); text with letters beyond ASCII is still tried in every language.
    let (code, out, _) = date(&["at 5pm"]);
    assert_eq!(code, Some(1), "{out}");
    let (code, out, _) = date(&["12. siječnja 2023."]);
    assert_eq!(code, Some(0));
    assert!(out.contains("2023-01-12"), "{out}");
    let (code, out, _) = date(&["in 3 days"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("in the future: clamped to now"), "{out}");
    let (code, out, _) = date(&["Jul 23, 2024 10:00 IST", "--timezone", "Europe/Dublin"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("IST is ambiguous"), "{out}");
    assert!(
        out.contains("2024-07-23T09:00:00Z"),
        "Irish summer time: {out}"
    );
    let (_, out, _) = date(&["Jul 23, 2024 10:00 IST"]);
    assert!(out.contains("2024-07-23T04:30:00Z"), "India's: {out}");
    let (code, _, err) = date(&["heute", "--timezone", "Europe/Berln"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean \"Europe/Berlin\""), "{err}");
}

#[test]
fn suggest_proposes_the_zone_the_page_says() {
    let server = support::Server::start();
    let page = |lang: &str, time: &str| {
        let items: String = (1..=3)
            .map(|i| format!(r#"<li><a href="/s/{i}">Story number {i} of today</a> <time datetime="{time}">x</time></li>"#))
            .collect();
        format!(r#"<html lang="{lang}"><body><ul>{items}</ul></body></html>"#)
    };
    server.route(
        "/at",
        support::Route::ok("text/html", page("de-AT", "2026-12-01T10:00:00+01:00")),
    );
    server.route(
        "/us",
        support::Route::ok("text/html", page("en", "2026-12-01T10:00:00Z")),
    );
    let suggest = |path: &str| {
        let output = assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .args(["suggest", &server.url(path)])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let vienna = suggest("/at");
    assert!(vienna.contains("timezone = \"Europe/Vienna\""), "{vienna}");
    assert!(vienna.contains("from <html lang=\"de-AT\">"), "{vienna}");
    let unsaid = suggest("/us");
    assert!(
        unsaid.contains("Time zone: the page does not say"),
        "{unsaid}"
    );
    assert!(!unsaid.contains("  timezone = \""), "{unsaid}");
}

#[test]
fn a_time_after_yesterday_in_twenty_five_languages() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 11, 25, 0).unwrap();
    let cases = [
        ("en", "yesterday at 9:45 PM"),
        ("fr", "hier à 21h45"),
        ("de", "gestern um 21:45 Uhr"),
        ("es", "ayer a las 9:45 p. m."),
        ("it", "ieri alle 21:45"),
        ("pt", "ontem às 21:45"),
        ("nl", "gisteren om 21:45"),
        ("ru", "вчера в 21:45"),
        ("uk", "вчора о 21:45"),
        ("pl", "wczoraj o 21:45"),
        ("cs", "včera v 21:45"),
        ("sv", "igår kl. 21:45"),
        ("da", "i går kl. 21.45"),
        ("nb", "i går kl. 21:45"),
        ("fi", "eilen klo 21.45"),
        ("tr", "dün 21:45"),
        ("ja", "昨日 21:45"),
        ("zh", "昨天下午9:45"),
        ("ko", "어제 오후 9:45"),
        ("el", "χθες στις 21:45"),
        ("hu", "tegnap 21:45"),
        ("ro", "ieri la 21:45"),
        ("vi", "hôm qua lúc 21:45"),
        ("id", "kemarin pukul 21.45"),
        ("he", "אתמול ב-21:45"),
        ("ar", "أمس الساعة 9:45 م"),
        ("hi", "कल 9:45 अपराह्न"),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(language, text)| {
            let got = read(text, language, now, chrono_tz::UTC);
            (got.as_ref().map(|(at, _)| at.as_str()) != Some("2026-12-06T21:45:00Z"))
                .then(|| format!("{language} {text:?}: {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_listing_newest_first_keeps_an_item_dated_ahead_at_its_place() {
    // Read today: the newest item says a day two days ahead, which alone would be read as
    // last year's; the listing's order says this year's, and it is clamped to now, aloud.
    let today = Utc::now().date_naive();
    let name = |days: i64| {
        (today + chrono::Duration::days(days))
            .format("%b %-d")
            .to_string()
    };
    let items: String = [2, 0, -2, -4]
        .iter()
        .enumerate()
        .map(|(i, days)| {
            format!(
                r#"<li class="story"><a href="/s/{i}">Story number {i} of the list</a> <span class="when">{}</span></li>"#,
                name(*days)
            )
        })
        .collect();
    let server = support::Server::start();
    server.route(
        "/list",
        support::Route::ok(
            "text/html",
            format!("<html><body><ul>{items}</ul></body></html>"),
        ),
    );
    let project = support::Project::new(&format!(
        "[[site]]\nid = \"s\"\n  [site.items]\n  item = \"li.story\"\n  date = \"span.when\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n",
        server.url("/list")
    ));
    let json = project.check_json();
    let section = &json["sections"][0];
    let first = section["items"][0]["date"].as_str().unwrap();
    assert!(
        first.starts_with(&today.format("%Y-%m-%d").to_string()),
        "{section}"
    );
    let warnings = section["warnings"].to_string();
    assert!(warnings.contains("dated in the future"), "{warnings}");
    let oldest = (today - chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    for item in section["items"].as_array().unwrap() {
        let date = item["date"].as_str().unwrap();
        assert!(
            date[..10] >= *oldest,
            "no item is put a year back: {section}"
        );
    }
}
