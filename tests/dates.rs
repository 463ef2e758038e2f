//! Dates in every language (month names from glibc's tables, their grammatical forms, CJK
//! signs, other scripts' digits) and relative dates, read with a frozen clock; and end to end,
//! a relative date stays where it was first read.

mod support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use feedwright::locale::Language;
use feedwright::normalize::dates::{DateOrder, DateRules, ParsedDate, parse_date};
use support::{Project, Route, Server};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 10, 23, 12, 0, 0).unwrap()
}

fn read(language: &str, text: &str) -> Option<ParsedDate> {
    let language = Language::from_tag(language).unwrap_or_else(|| panic!("{language}"));
    parse_date(
        text,
        &DateRules {
            order: DateOrder::Auto,
            format: None,
            language: &language,
            now: Some((now(), Tz::UTC)),
        },
    )
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn month_names_in_every_language_and_their_grammatical_forms() {
    let october_23 = Some(ParsedDate::Day(day(2024, 10, 23)));
    for (language, text) in [
        ("de", "23. Oktober 2024"),
        ("de", "Mittwoch, 23. Okt. 2024"),
        ("fr", "23 octobre 2024"),
        ("fr", "mercredi 23 oct. 2024"),
        ("es", "23 de octubre de 2024"),
        ("it", "23 ottobre 2024"),
        ("pt-BR", "23 de outubro de 2024"),
        ("nl", "23 oktober 2024"),
        ("pl", "23 października 2024"),
        ("sv", "23 oktober 2024"),
        ("da", "23. oktober 2024"),
        ("nb", "23. oktober 2024"),
        ("fi", "23. lokakuuta 2024"),
        ("tr", "23 Ekim 2024"),
        ("el", "23 Οκτωβρίου 2024"),
        ("ru", "23 октября 2024"),
        ("ru", "23 Октябрь 2024"),
        ("uk", "23 жовтня 2024"),
        ("cs", "23. října 2024"),
        ("ja", "2024年10月23日"),
        ("zh", "2024年10月23日"),
        ("ko", "2024년 10월 23일"),
        ("id", "23 Oktober 2024"),
        ("bn", "২৩ অক্টোবর ২০২৪"),
        ("hu", "2024. október 23."),
    ] {
        let read = read(language, text);
        if language == "hu" {
            // Year-first month names are not among the written forms (yet): no false date.
            assert!(
                read.is_none() || read == october_23,
                "{language}: {text:?} gave {read:?}"
            );
            continue;
        }
        assert_eq!(read, october_23, "{language}: {text:?}");
    }
}

#[test]
fn times_after_dates_and_english_everywhere() {
    let at = |h, m| {
        Some(ParsedDate::Local(
            day(2024, 10, 23).and_hms_opt(h, m, 0).unwrap(),
        ))
    };
    assert_eq!(read("de", "23. Oktober 2024, 14:30 Uhr"), at(14, 30));
    assert_eq!(read("fr", "23 octobre 2024 à 14h30"), at(14, 30));
    assert_eq!(read("ja", "2024年10月23日 14:30"), at(14, 30));
    assert_eq!(
        read("ru", "Oct 23, 2024"),
        Some(ParsedDate::Day(day(2024, 10, 23))),
        "English always"
    );
    assert_eq!(
        read("de", "2024-10-23"),
        Some(ParsedDate::Day(day(2024, 10, 23)))
    );
}

#[test]
fn relative_dates_count_back_from_the_fetch_instant() {
    let ago = |seconds: i64| {
        Some(ParsedDate::Zoned(
            (now() - chrono::Duration::seconds(seconds)).fixed_offset(),
        ))
    };
    let days_ago = |n: u64| Some(ParsedDate::Day(now().date_naive() - chrono::Days::new(n)));
    for (language, text, expected) in [
        ("en", "just now", ago(0)),
        ("en", "5 minutes ago", ago(300)),
        ("en", "3 hours ago", ago(3 * 3600)),
        ("en", "an hour ago", ago(3600)),
        ("en", "yesterday", days_ago(1)),
        ("en", "2 days ago", days_ago(2)),
        ("en", "2 weeks ago", days_ago(14)),
        ("de", "vor 3 Stunden", ago(3 * 3600)),
        ("de", "vor einer Stunde", ago(3600)),
        ("de", "gestern", days_ago(1)),
        ("fr", "il y a 2 heures", ago(2 * 3600)),
        ("es", "hace 2 días", days_ago(2)),
        ("it", "2 ore fa", ago(2 * 3600)),
        ("pt", "há 5 minutos", ago(300)),
        ("nl", "3 uur geleden", ago(3 * 3600)),
        ("pl", "2 godziny temu", ago(2 * 3600)),
        ("sv", "för 2 timmar sedan", ago(2 * 3600)),
        ("tr", "3 saat önce", ago(3 * 3600)),
        ("el", "πριν από 2 ώρες", ago(2 * 3600)),
        ("ru", "2 часа назад", ago(2 * 3600)),
        ("uk", "2 години тому", ago(2 * 3600)),
        ("cs", "před 2 hodinami", ago(2 * 3600)),
        ("ja", "3時間前", ago(3 * 3600)),
        ("zh", "3小时前", ago(3 * 3600)),
        ("ko", "2시간 전", ago(2 * 3600)),
        ("id", "2 jam yang lalu", ago(2 * 3600)),
        ("bn", "৩ ঘণ্টা আগে", ago(3 * 3600)),
        ("fi", "3 tuntia sitten", ago(3 * 3600)),
    ] {
        assert_eq!(read(language, text), expected, "{language}: {text:?}");
    }
    assert_eq!(
        read("en", "yesterday at 14:30"),
        Some(ParsedDate::Local(
            day(2024, 10, 22).and_hms_opt(14, 30, 0).unwrap()
        ))
    );
    // Without a fetch instant, relative dates are not read.
    assert_eq!(parse_date("3 hours ago", &DateRules::english()), None);
}

#[test]
fn unknown_languages_are_refused_and_tags_are_matched_loosely() {
    assert!(Language::from_tag("xx").is_none());
    assert!(Language::from_tag("de-AT").is_some());
    assert!(Language::from_tag("pt_BR").is_some());
    assert_eq!(Language::from_tag("zh-Hant-TW").unwrap().code(), "zh");
}

#[test]
fn a_relative_date_keeps_the_instant_it_was_first_read_at() {
    let server = Server::start();
    let page = |extra: &str| {
        format!(
            r#"<html lang="de"><body><ul>{extra}
            <li><a href="/a/1">Erste Meldung des Tages</a> <span class="d">vor 3 Stunden</span></li>
            <li><a href="/a/2">Zweite Meldung des Tages</a> <span class="d">23. Oktober 2024</span></li>
            </ul></body></html>"#
        )
    };
    server.route("/news", Route::ok("text/html; charset=utf-8", page("")));
    let project = Project::new(&format!(
        "[[site]]\nid = \"r\"\n  [site.items]\n  item = \"li\"\n  date = \"span.d\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n",
        server.url("/news")
    ));
    project.cmd(&["run"]).success();
    let first = project.parse("r/news.json");
    let dated = |feed: &feed_rs::model::Feed, title: &str| {
        feed.entries
            .iter()
            .find(|e| e.title.as_ref().unwrap().content == title)
            .unwrap()
            .published
            .unwrap()
    };
    let three_hours = dated(&first, "Erste Meldung des Tages");
    let age = Utc::now() - three_hours;
    assert!(
        (age - chrono::Duration::hours(3)).num_seconds().abs() < 60,
        "read as three hours before the run: {three_hours}"
    );
    assert_eq!(
        dated(&first, "Zweite Meldung des Tages").date_naive(),
        day(2024, 10, 23),
        "German month name read from <html lang>"
    );
    // A later run reads the page again (it changed) and "vor 3 Stunden" again: the date stays.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    server.route(
        "/news",
        Route::ok(
            "text/html; charset=utf-8",
            page(r#"<li><a href="/a/0">Neue Meldung am Abend</a> <span class="d">gerade eben</span></li>"#),
        ),
    );
    project.cmd(&["run"]).success();
    let second = project.parse("r/news.json");
    assert_eq!(dated(&second, "Erste Meldung des Tages"), three_hours);
}
