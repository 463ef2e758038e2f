//! Listings in many languages through `run`: each page declares its language only in
//! `<html lang>`, its items carry dates as sites in that language write them (real strings of
//! `tests/fixtures/dates/`), and each feed item must carry the day its English rendering
//! names. `feedwright date` shows the same reading on the command line.

mod support;

use std::collections::BTreeMap;

use support::{Project, Route, Server};

/// Languages of the sample: at least 30, from every family of scripts the corpus has.
const SAMPLE: &[&str] = &[
    "af", "ar", "be", "bg", "bn", "ca", "cs", "da", "de", "el", "es", "et", "fi", "fr", "he", "hi",
    "hr", "hu", "id", "it", "ja", "ka", "ko", "lt", "lv", "nb", "nl", "pl", "pt", "ro", "ru", "sk",
    "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh",
];

#[derive(serde::Deserialize)]
struct Row {
    lang: String,
    text: String,
    english: String,
}

/// The day an English rendering names, if it names one with its year (`5 august 2014 …`).
fn english_day(english: &str) -> Option<String> {
    let months = feedwright::locale::ENGLISH_MONTHS;
    let words: Vec<&str> = english
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    let month = words
        .iter()
        .position(|w| months.contains(w))
        .map(|at| (at, months.iter().position(|m| m == &words[at]).unwrap() + 1))?;
    let numbers: Vec<(usize, u32)> = words
        .iter()
        .enumerate()
        .filter_map(|(at, w)| w.parse().ok().map(|n| (at, n)))
        .collect();
    let year = numbers.iter().find(|(_, n)| (1970..2100).contains(n))?.1;
    let day = numbers
        .iter()
        .find(|(at, n)| (1..=31).contains(n) && at.abs_diff(month.0) == 1)?
        .1;
    Some(format!("{year}-{:02}-{day:02}", month.1))
}

#[test]
fn listings_in_thirty_languages_are_dated_through_run() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dates/dateparser-languages.json"
    );
    let rows: Vec<Row> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // Per language: up to three strings that name a day, with the day.
    let mut chosen: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();
    for row in &rows {
        let Some(lang) = SAMPLE.iter().find(|l| **l == row.lang) else {
            continue;
        };
        if let Some(day) = english_day(&row.english) {
            let list = chosen.entry(lang).or_default();
            if list.len() < 3 {
                list.push((row.text.as_str(), day));
            }
        }
    }
    let server = Server::start();
    let mut config = String::new();
    for (lang, dates) in &chosen {
        let items: String = dates
            .iter()
            .enumerate()
            .map(|(n, (text, _))| {
                format!(
                    "<li><a href=\"/{lang}/{n}\">Story {n} of the {lang} listing</a> <span class=\"d\">{}</span></li>",
                    html_escape(text)
                )
            })
            .collect();
        server.route(
            &format!("/{lang}/"),
            Route::ok(
                "text/html; charset=utf-8",
                format!("<html lang=\"{lang}\"><body><ul>{items}</ul></body></html>"),
            ),
        );
        config.push_str(&format!(
            "[[site]]\nid = \"l-{}\"\n  [site.items]\n  item = \"li\"\n  date = \"span.d\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n",
            lang.to_lowercase(),
            server.url(&format!("/{lang}/"))
        ));
    }
    assert!(chosen.len() >= 30, "{} languages", chosen.len());
    let project = Project::new(&config);
    project.cmd(&["run"]).success();
    let mut wrong = Vec::new();
    let mut read = 0;
    let mut whole_languages = 0;
    for (lang, dates) in &chosen {
        let before = wrong.len();
        let feed = project.parse(&format!("l-{}/news.xml", lang.to_lowercase()));
        for (n, (text, day)) in dates.iter().enumerate() {
            let entry = feed
                .entries
                .iter()
                .find(|e| e.id.ends_with(&format!("/{lang}/{n}")))
                .unwrap();
            let got = entry.published.map(|p| p.format("%Y-%m-%d").to_string());
            if got.as_deref() == Some(day.as_str()) {
                read += 1;
            } else {
                wrong.push(format!("{lang}: {text:?} gave {got:?}, want {day}"));
            }
        }
        if wrong.len() == before {
            whole_languages += 1;
        }
    }
    let total: usize = chosen.values().map(Vec::len).sum();
    println!(
        "{read} of {total} dates read in {} languages, every date of {whole_languages} \
         languages; misses:\n{}",
        chosen.len(),
        wrong.join("\n")
    );
    // Some strings are beyond the words CLDR gives (spelled-out ordinals, abbreviations no
    // standard lists): the corpus test counts those. Here every sampled language must work.
    assert!(
        whole_languages >= 30,
        "{whole_languages} languages read whole"
    );
    assert!(read * 10 >= total * 9, "{read} of {total}");
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn date_shows_how_a_string_is_read() {
    let date = |args: &[&str]| support::feedwright(&[&["date"], args].concat());
    let (code, out, _) = date(&[
        "13 января 2015 г. в 13:34",
        "--language",
        "ru",
        "--timezone",
        "Europe/Moscow",
    ]);
    assert_eq!(code, Some(0));
    assert!(out.contains("2015-01-13 13:34 +03:00"), "{out}");
    assert!(out.contains("2015-01-13T10:34:00Z"), "{out}");
    assert!(out.contains("precision: minute"), "{out}");
    let (code, out, _) = date(&["2016. augusztus 11.", "--language", "hu"]);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with("2016-08-11") && out.contains("precision: day"),
        "{out}"
    );
    let (code, _, err) = date(&["no date here", "--language", "de"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("could not read a date"), "{err}");
    let (code, _, err) = date(&["1 May 2024", "--language", "xx-bogus"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown language"), "{err}");
}

#[test]
fn an_unreadable_date_leaves_the_first_seen_time_and_a_warning() {
    let server = Server::start();
    server.route(
        "/list",
        Route::ok(
            "text/html",
            r#"<html lang="de"><body><ul><li><a href="/a/1">Ein erster Bericht des Tages</a> <span class="d">irgendwann bald</span></li><li><a href="/a/2">Ein zweiter Bericht des Tages</a> <span class="d">23. Oktober 2024</span></li></ul></body></html>"#,
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"x\"\n  [site.items]\n  item = \"li\"\n  date = \"span.d\"\n  [[site.section]]\n  id = \"l\"\n  url = \"{}\"\n",
        server.url("/list")
    ));
    let report = project.run_json(0);
    let warnings = report["sections"][0]["warnings"].to_string();
    assert!(warnings.contains("1 of 2 items have no date"), "{warnings}");
    let feed = project.parse("x/l.xml");
    let dated = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/a/2"))
        .unwrap();
    assert_eq!(
        dated.published.unwrap().format("%Y-%m-%d").to_string(),
        "2024-10-23"
    );
    let undated = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/a/1"))
        .unwrap();
    let age = chrono::Utc::now() - undated.published.unwrap();
    assert!(
        age.num_minutes() < 5,
        "first-seen time: {:?}",
        undated.published
    );
}
