//! The words of relative dates ("3 hours ago", "vor 3 Stunden", "3時間前"), by language, read
//! from `relative.toml` beside this file (glibc has none of these).

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

/// A unit of time a relative date counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Unit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Quarters of a year.
    Quarter,
    /// Years.
    Year,
}

/// One language's words for relative dates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Words {
    /// Words before the number: "vor", "il y a", "hace".
    pub(crate) before: Vec<String>,
    /// Words after the unit: "ago", "назад", "前".
    pub(crate) after: Vec<String>,
    /// Words before the number of a date to come: "in" (`in 3 hours`).
    #[serde(default)]
    pub(crate) ahead: Vec<String>,
    /// Unit stems (a word that starts with one counts), with their unit.
    pub(crate) units: BTreeMap<String, Unit>,
    /// "just now".
    pub(crate) now: Vec<String>,
    /// "today".
    pub(crate) today: Vec<String>,
    /// "yesterday".
    pub(crate) yesterday: Vec<String>,
    /// "the day before yesterday", with the word for yesterday in it in many languages
    /// (`l'altro ieri`): read as such, never as yesterday.
    #[serde(default)]
    pub(crate) day_before_yesterday: Vec<String>,
    /// Words for "one" ("an hour ago").
    pub(crate) one: Vec<String>,
    /// Other numbers written as words ("two hours ago", "сорок минут назад").
    #[serde(default)]
    pub(crate) numbers: BTreeMap<String, u32>,
}

/// Every language's words, by primary subtag.
static LANGUAGES: LazyLock<HashMap<String, Words>> = LazyLock::new(|| {
    toml::from_str(include_str!("relative.toml")).expect("relative.toml is valid")
});

/// The relative-date words of `language` (a primary subtag), if written.
pub(crate) fn words(language: &str) -> Option<&'static Words> {
    LANGUAGES.get(language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_units_and_a_way_to_say_ago() {
        assert!(LANGUAGES.len() >= 22);
        for (code, words) in LANGUAGES.iter() {
            assert!(!words.units.is_empty(), "{code}");
            assert!(
                !(words.before.is_empty() && words.after.is_empty()),
                "{code}"
            );
        }
    }
}
