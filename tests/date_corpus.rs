//! 1,248 real date strings in 192 languages (`tests/fixtures/dates/`, see its README): each
//! string read in its language must give what its English rendering gives read in English —
//! the same day, hour and minute for whole dates, the same offset from the fetch instant for
//! relative ones. The score per language is printed; the total must stay above a floor that a
//! regression would break.

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use feedwright::locale::Language;
use feedwright::normalize::dates::{DateOrder, DateRules, ParsedDate, parse_date};

/// Rows read right, of those whose English rendering is a whole or relative date.
const FLOOR: usize = 895;

#[derive(serde::Deserialize)]
struct Row {
    lang: String,
    text: String,
    english: String,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 15, 12, 0, 0).unwrap()
}

/// What a string says, in comparable form: a day with its hour and minute when it has them.
fn reading(text: &str, language: &Language) -> Option<String> {
    let rules = DateRules {
        order: DateOrder::Auto,
        format: None,
        language,
        now: Some((now(), Tz::UTC)),
    };
    let parsed = parse_date(text, &rules)?;
    let instant = parsed.resolve(Tz::UTC, now(), now());
    Some(match parsed {
        ParsedDate::Day(day) => format!("{day}"),
        _ => format!(
            "{}-{:02}-{:02} {:02}:{:02}",
            instant.year(),
            instant.month(),
            instant.day(),
            instant.hour(),
            instant.minute()
        ),
    })
}

#[test]
fn every_language_reads_its_dates_as_english_reads_their_rendering() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dates/dateparser-languages.json"
    );
    let rows: Vec<Row> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let english = Language::english();
    let mut scores: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut misses = Vec::new();
    let (mut right, mut judged) = (0, 0);
    for row in &rows {
        // Only rows whose English rendering is itself a date can be judged.
        let Some(expected) = reading(&row.english, &english) else {
            continue;
        };
        judged += 1;
        let score = scores.entry(row.lang.clone()).or_default();
        score.1 += 1;
        let language = Language::from_tag(&row.lang);
        let got = language.as_ref().and_then(|l| reading(&row.text, l));
        if got.as_deref() == Some(expected.as_str()) {
            right += 1;
            score.0 += 1;
        } else {
            misses.push(format!(
                "{}: {:?} -> {got:?}, want {expected} ({:?})",
                row.lang, row.text, row.english
            ));
        }
    }
    let table: Vec<String> = scores
        .iter()
        .map(|(lang, (r, n))| format!("{lang} {r}/{n}"))
        .collect();
    println!("per language: {}", table.join(", "));
    println!("misses:\n{}", misses.join("\n"));
    println!("date corpus: {right} of {judged} rows read as their English rendering");
    assert!(
        right >= FLOOR,
        "{right} of {judged}, below the floor of {FLOOR}"
    );
}
