//! Month names of every language glibc knows (from `pure-rust-locales`): full, abbreviated,
//! and both grammatical forms where glibc has them (`октября` and `октябрь`, `października` and
//! `październik`), with forms glibc lacks added by hand.

use std::collections::HashMap;

use pure_rust_locales::{Locale, locale_match};

/// Forms seen on real pages that glibc's tables do not carry: (language, name, month).
const EXTRA: &[(&str, &str, u32)] = &[
    ("de", "sept", 9),
    ("de", "mrz", 3),
    ("es", "sept", 9),
    ("es", "set", 9),
    ("es", "setiembre", 9),
    ("fr", "fév", 2),
    ("fr", "juil", 7),
    ("fr", "déc", 12),
    ("it", "sett", 9),
    ("pt", "set", 9),
    ("ru", "сент", 9),
    ("ru", "мая", 5),
    ("el", "μαΐου", 5),
    ("el", "μαίου", 5),
    ("id", "agt", 8),
    ("id", "ags", 8),
    // Croatian months in the locative, after `u` ("in"): `12. u studenom 2023.`.
    ("hr", "u siječnju", 1),
    ("hr", "siječnju", 1),
    ("hr", "u veljači", 2),
    ("hr", "veljači", 2),
    ("hr", "u ožujku", 3),
    ("hr", "ožujku", 3),
    ("hr", "u travnju", 4),
    ("hr", "travnju", 4),
    ("hr", "u svibnju", 5),
    ("hr", "svibnju", 5),
    ("hr", "u lipnju", 6),
    ("hr", "lipnju", 6),
    ("hr", "u srpnju", 7),
    ("hr", "srpnju", 7),
    ("hr", "u kolovozu", 8),
    ("hr", "kolovozu", 8),
    ("hr", "u rujnu", 9),
    ("hr", "rujnu", 9),
    ("hr", "u listopadu", 10),
    ("hr", "listopadu", 10),
    ("hr", "u studenom", 11),
    ("hr", "studenom", 11),
    ("hr", "u prosincu", 12),
    ("hr", "prosincu", 12),
    // Vietnamese months written in words: `Tháng Mười Hai`, `tháng một`.
    ("vi", "tháng một", 1),
    ("vi", "tháng hai", 2),
    ("vi", "tháng ba", 3),
    ("vi", "tháng tư", 4),
    ("vi", "tháng năm", 5),
    ("vi", "tháng sáu", 6),
    ("vi", "tháng bảy", 7),
    ("vi", "tháng tám", 8),
    ("vi", "tháng chín", 9),
    ("vi", "tháng mười", 10),
    ("vi", "tháng mười một", 11),
    ("vi", "tháng mười hai", 12),
    ("vi", "tháng giêng", 1),
    ("vi", "tháng chạp", 12),
];

/// The month names of one language, lower case, without a trailing dot, with their numbers.
pub(crate) fn names(language: &str, locale: Locale) -> HashMap<String, u32> {
    let full = locale_match!(locale => LC_TIME::MON);
    let short = locale_match!(locale => LC_TIME::ABMON);
    let alt = locale_match!(locale => LC_TIME::ALT_MON);
    let alt_short = locale_match!(locale => LC_TIME::AB_ALT_MON);
    let mut names = HashMap::new();
    let lists = [Some(full), Some(short), alt, alt_short];
    for list in lists.into_iter().flatten() {
        for (number, name) in (1..).zip(list.iter()) {
            let name = name.trim().trim_end_matches('.').to_lowercase();
            // Numeric "names" (`10月`) are read as numbers, not words.
            if !name.is_empty() && !name.chars().any(char::is_numeric) {
                names.entry(name).or_insert(number);
            }
        }
    }
    // Finnish writes the day's month in the partitive: `23. lokakuuta 2024`.
    if language == "fi" {
        for (number, name) in (1..).zip(full.iter()) {
            names
                .entry(format!("{}ta", name.to_lowercase()))
                .or_insert(number);
        }
    }
    for &(extra_language, name, number) in EXTRA {
        if extra_language == language {
            names.entry(name.to_string()).or_insert(number);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(language: &str, locale: &str, name: &str) -> Option<u32> {
        names(language, Locale::try_from(locale).unwrap())
            .get(name)
            .copied()
    }

    #[test]
    fn both_grammatical_forms_and_abbreviations() {
        assert_eq!(month("ru", "ru_RU", "октября"), Some(10));
        assert_eq!(month("ru", "ru_RU", "октябрь"), Some(10));
        assert_eq!(month("pl", "pl_PL", "października"), Some(10));
        assert_eq!(month("cs", "cs_CZ", "října"), Some(10));
        assert_eq!(month("el", "el_GR", "οκτωβρίου"), Some(10));
        assert_eq!(month("de", "de_DE", "okt"), Some(10));
        assert_eq!(month("fr", "fr_FR", "janv"), Some(1));
        assert_eq!(month("tr", "tr_TR", "ekim"), Some(10));
        assert_eq!(
            month("ja", "ja_JP", "10月"),
            None,
            "numeric names are not words"
        );
    }
}
