//! Dates in the page's language: its month names (both grammatical forms), day-first and
//! month-first, with the connectors real pages use (`23. Oktober 2024`, `23 de octubre de
//! 2024`, `1er octobre 2024`), compiled once per language and kept.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use regex::Regex;

use super::ParsedDate;
use super::forms::month_name_date;
use super::relative::RelativeForms;
use crate::locale::Language;

/// What reading one language's dates needs, compiled.
pub(super) struct LanguageForms {
    months: HashMap<String, u32>,
    day_first: Option<Regex>,
    month_first: Option<Regex>,
    pub(super) relative: Option<RelativeForms>,
}

/// Languages compiled so far.
static COMPILED: LazyLock<Mutex<HashMap<Language, Arc<LanguageForms>>>> =
    LazyLock::new(Mutex::default);

/// The compiled forms of `language` (English too: its relative dates).
pub(super) fn forms(language: &Language) -> Arc<LanguageForms> {
    let mut compiled = COMPILED.lock().expect("never poisoned");
    compiled
        .entry(language.clone())
        .or_insert_with(|| Arc::new(LanguageForms::new(language)))
        .clone()
}

impl LanguageForms {
    fn new(language: &Language) -> Self {
        let compile = |pattern: String| Regex::new(&pattern).ok();
        let (day_first, month_first) = match language.month_alternation() {
            None => (None, None),
            Some(alternation) => (
                compile(format!(
                    r"(?i)\b\d{{1,2}}(?:er|º|\.)?\s*(?:de\s+)?(?:{alternation})\.?,?\s+(?:de\s+|del\s+)?\d{{4}}\b"
                )),
                compile(format!(
                    r"(?i)\b(?:{alternation})\.?\s+\d{{1,2}},?\s+\d{{4}}\b"
                )),
            ),
        };
        LanguageForms {
            months: language.month_names(),
            day_first,
            month_first,
            relative: RelativeForms::new(language),
        }
    }

    /// A month-name date in this language inside `text`.
    pub(super) fn month_name_date(&self, text: &str) -> Option<ParsedDate> {
        let month = |word: &str| self.months.get(&word.to_lowercase()).copied();
        [&self.day_first, &self.month_first]
            .into_iter()
            .flatten()
            .find_map(|pattern| month_name_date(pattern, text, &month))
    }
}
