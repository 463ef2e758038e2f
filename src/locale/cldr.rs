//! The words of dates in every CLDR language: month, weekday and day-period names in all their
//! forms, the literal words of date patterns (`г.`, `um`, `klo`), and relative-time words and
//! patterns (`позавчера`, `{0} дня назад`). They come from `cldr-dates.txt` beside this file,
//! extracted from the Unicode CLDR by `scripts/cldr-dates.py`; a language's records are read
//! on its first use and kept.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use super::Unit;

/// The extracted CLDR data (Unicode License v3).
const DATA: &str = include_str!("cldr-dates.txt");

/// What a day-period word says about the hour it stands beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Period {
    /// Before noon.
    Am,
    /// After noon.
    Pm,
    /// 12:00.
    Noon,
    /// 00:00.
    Midnight,
    /// The hours around midnight: late evening or small hours, by the hour.
    Night,
}

/// One language's date words, lower case.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Month names and abbreviations with their month (1-12).
    pub(crate) months: Vec<(String, u32)>,
    /// Weekday names and abbreviations with their day (0 Sunday … 6 Saturday).
    pub(crate) weekdays: Vec<(String, u32)>,
    /// Day-period words.
    pub(crate) periods: Vec<(String, Period)>,
    /// Literal words of the language's date and time patterns.
    pub(crate) literals: Vec<String>,
    /// Relative words (`вчера`) with their unit and offset (-1).
    pub(crate) relative_words: Vec<(String, Unit, i64)>,
    /// Relative-time patterns (`{0} дня назад`) with their unit and direction (-1 past, 1
    /// future).
    pub(crate) relative_patterns: Vec<(String, Unit, i64)>,
}

/// Where each language's records start in [`DATA`], by tag.
static INDEX: LazyLock<HashMap<&'static str, usize>> = LazyLock::new(|| {
    let mut index = HashMap::new();
    let mut offset = 0;
    for line in DATA.split_inclusive('\n') {
        if let Some(tag) = line.strip_prefix('@') {
            index.insert(tag.trim_end(), offset + line.len());
        }
        offset += line.len();
    }
    index
});

/// Languages read so far.
static LOADED: LazyLock<Mutex<HashMap<String, &'static Vocabulary>>> =
    LazyLock::new(Mutex::default);

/// Tags written otherwise in CLDR.
const ALIASES: &[(&str, &str)] = &[
    ("tl", "fil"),
    ("iw", "he"),
    ("in", "id"),
    ("ji", "yi"),
    ("jw", "jv"),
    ("mo", "ro"),
    ("zh-tw", "zh-Hant"),
    ("zh-hk", "zh-Hant"),
    ("zh-mo", "zh-Hant"),
    ("zh-cn", "zh"),
    ("zh-sg", "zh"),
];

/// The CLDR tag a BCP 47 tag reads as (`de_DE` → `de`, `sr-Latn-RS` → `sr-Latn`,
/// `zh-TW` → `zh-Hant`), if CLDR has that language.
pub(crate) fn resolve(tag: &str) -> Option<&'static str> {
    let tag = tag.trim().replace('_', "-");
    let lower = tag.to_ascii_lowercase();
    let parts: Vec<&str> = tag.split('-').filter(|p| !p.is_empty()).collect();
    let language = parts.first()?.to_ascii_lowercase();
    let script = parts.get(1).filter(|s| s.len() == 4).map(|s| {
        format!(
            "{}{}",
            s[..1].to_ascii_uppercase(),
            s[1..].to_ascii_lowercase()
        )
    });
    let region = parts.iter().skip(1).find(|p| p.len() == 2 || p.len() == 3);
    let mut candidates = Vec::new();
    for (alias, target) in ALIASES {
        if lower == *alias
            || region.is_some_and(|r| format!("{language}-{}", r.to_ascii_lowercase()) == *alias)
        {
            candidates.push((*target).to_string());
        }
    }
    if let Some(script) = &script {
        candidates.push(format!("{language}-{script}"));
    }
    candidates.push(language.clone());
    if let Some((_, target)) = ALIASES.iter().find(|(alias, _)| *alias == language) {
        candidates.push((*target).to_string());
    }
    candidates
        .iter()
        .find_map(|c| INDEX.get_key_value(c.as_str()).map(|(k, _)| *k))
}

/// Every language CLDR has words for.
pub(crate) fn tags() -> impl Iterator<Item = &'static str> {
    INDEX.keys().copied()
}

/// The words of the CLDR language `tag` (as [`resolve`] gives it), read on first use.
pub(crate) fn vocabulary(tag: &str) -> Option<&'static Vocabulary> {
    let start = *INDEX.get(tag)?;
    let mut loaded = LOADED.lock().expect("never poisoned");
    if let Some(words) = loaded.get(tag) {
        return Some(words);
    }
    let words: &'static Vocabulary = Box::leak(Box::new(read(&DATA[start..])));
    loaded.insert(tag.to_string(), words);
    Some(words)
}

/// A language's records, up to the next `@tag`.
fn read(records: &str) -> Vocabulary {
    let mut words = Vocabulary::default();
    for line in records.lines() {
        if line.starts_with('@') {
            break;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let lower = |values: &[&str]| -> Vec<String> {
            values
                .iter()
                .map(|v| v.trim().to_lowercase())
                .filter(|v| !v.is_empty())
                .collect()
        };
        match fields.as_slice() {
            ["m", month, forms @ ..] => {
                let Ok(month) = month.parse() else { continue };
                words
                    .months
                    .extend(lower(forms).into_iter().map(|f| (f, month)));
            }
            ["w", day, forms @ ..] => {
                let Ok(day) = day.parse() else { continue };
                words
                    .weekdays
                    .extend(lower(forms).into_iter().map(|f| (f, day)));
            }
            ["p", class, forms @ ..] => {
                let period = match *class {
                    "am" => Period::Am,
                    "pm" => Period::Pm,
                    "noon" => Period::Noon,
                    "midnight" => Period::Midnight,
                    _ => Period::Night,
                };
                words
                    .periods
                    .extend(lower(forms).into_iter().map(|f| (f, period)));
            }
            ["l", literals @ ..] => words.literals.extend(lower(literals)),
            ["r", unit, offset, word] => {
                if let (Some(unit), Ok(offset)) = (unit_of(unit), offset.parse()) {
                    words
                        .relative_words
                        .push((word.trim().to_lowercase(), unit, offset));
                }
            }
            ["t", unit, sign, patterns @ ..] => {
                let Some(unit) = unit_of(unit) else { continue };
                let sign = if *sign == "past" { -1 } else { 1 };
                words.relative_patterns.extend(
                    lower(patterns)
                        .into_iter()
                        .filter(|p| p.contains("{0}"))
                        .map(|p| (p, unit, sign)),
                );
            }
            _ => {}
        }
    }
    words
}

fn unit_of(name: &str) -> Option<Unit> {
    Some(match name {
        "second" => Unit::Second,
        "minute" => Unit::Minute,
        "hour" => Unit::Hour,
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "quarter" => Unit::Quarter,
        "year" => Unit::Year,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve_as_people_write_them() {
        assert_eq!(resolve("de_DE"), Some("de"));
        assert_eq!(resolve("sr-Latn-RS"), Some("sr-Latn"));
        assert_eq!(resolve("zh-TW"), Some("zh-Hant"));
        assert_eq!(resolve("zh-Hant"), Some("zh-Hant"));
        assert_eq!(resolve("tl"), Some("fil"));
        assert_eq!(resolve("vi-VN"), Some("vi"));
        assert_eq!(resolve("khq"), Some("khq"));
        assert_eq!(resolve("xx"), None);
        assert!(tags().count() > 300);
    }

    #[test]
    fn a_language_is_read_with_every_kind_of_word() {
        let ru = vocabulary("ru").unwrap();
        assert!(ru.months.contains(&("января".to_string(), 1)));
        assert!(ru.months.contains(&("сент.".to_string(), 9)));
        assert!(ru.weekdays.contains(&("вторник".to_string(), 2)));
        assert!(ru.periods.contains(&("вечера".to_string(), Period::Pm)));
        assert!(ru.literals.contains(&"в".to_string()));
        assert!(
            ru.relative_words
                .contains(&("позавчера".to_string(), Unit::Day, -2))
        );
        assert!(
            ru.relative_patterns
                .contains(&("{0} дня назад".to_string(), Unit::Day, -1))
        );
        assert!(std::ptr::eq(ru, vocabulary("ru").unwrap()), "read once");
    }
}
