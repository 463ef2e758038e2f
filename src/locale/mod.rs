//! The words dates are written with, in every language: the one source of month names for
//! every pattern that looks for a date, whether to read it (`normalize::dates`) or only to
//! notice it (item detection, article datelines), and of the words of relative dates.
//! English is built in and always tried; other languages' month names come from glibc's
//! tables (`months`), their relative-date words from `relative`.

mod cldr;
mod months;
mod relative;

use std::collections::HashMap;

pub(crate) use cldr::{Period, Vocabulary};
use pure_rust_locales::Locale;
pub(crate) use relative::{Unit, Words};

/// A language dates are read in: a BCP 47 tag (`de`, `pt-BR`, `sr-Latn`) matched to its CLDR
/// words and, where glibc has the language, to glibc's locale too (more month forms).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language {
    /// The primary subtag, lower case: `pt` of `pt-BR`.
    code: String,
    /// The CLDR language it reads as (`sr-Latn`, `zh-Hant`, `de`).
    cldr: Option<&'static str>,
    /// Its glibc locale, if glibc has the language.
    locale: Option<Locale>,
}

/// The locale chosen for a language without a region (glibc has several for most).
const PREFERRED: &[(&str, &str)] = &[
    ("de", "de_DE"),
    ("fr", "fr_FR"),
    ("es", "es_ES"),
    ("it", "it_IT"),
    ("pt", "pt_PT"),
    ("nl", "nl_NL"),
    ("pl", "pl_PL"),
    ("sv", "sv_SE"),
    ("da", "da_DK"),
    ("nb", "nb_NO"),
    ("no", "nb_NO"),
    ("nn", "nn_NO"),
    ("fi", "fi_FI"),
    ("tr", "tr_TR"),
    ("el", "el_GR"),
    ("ru", "ru_RU"),
    ("uk", "uk_UA"),
    ("cs", "cs_CZ"),
    ("ja", "ja_JP"),
    ("zh", "zh_CN"),
    ("ko", "ko_KR"),
    ("id", "id_ID"),
    ("bn", "bn_BD"),
    ("ca", "ca_ES"),
    ("hu", "hu_HU"),
    ("ro", "ro_RO"),
    ("sk", "sk_SK"),
    ("bg", "bg_BG"),
    ("hr", "hr_HR"),
    ("sr", "sr_RS"),
    ("hi", "hi_IN"),
    ("mr", "mr_IN"),
    ("ta", "ta_IN"),
    ("te", "te_IN"),
    ("vi", "vi_VN"),
    ("th", "th_TH"),
    ("he", "he_IL"),
    ("ar", "ar_EG"),
    ("fa", "fa_IR"),
];

impl Language {
    /// English, always tried as well.
    pub fn english() -> Language {
        Language {
            code: "en".into(),
            cldr: Some("en"),
            locale: None,
        }
    }

    /// The language of a BCP 47 tag (`de`, `pt-BR`, `zh-Hant-TW`, `sr-Latn`, also `de_DE`), if
    /// CLDR or glibc knows it.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let mut parts = tag.trim().split(['-', '_']);
        let code = parts.next()?.to_ascii_lowercase();
        if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        if code == "en" {
            return Some(Language::english());
        }
        let code = if code == "no" { "nb".to_string() } else { code };
        let region = parts.find(|p| p.len() == 2).map(str::to_ascii_uppercase);
        let exact = region.and_then(|r| Locale::try_from(format!("{code}_{r}").as_str()).ok());
        let preferred = || {
            PREFERRED
                .iter()
                .find(|(c, _)| *c == code)
                .and_then(|(_, name)| Locale::try_from(*name).ok())
        };
        // Another language glibc has, in the country of the same name (`hu_HU`, `et_EE`).
        let same_name =
            || Locale::try_from(format!("{code}_{}", code.to_ascii_uppercase()).as_str()).ok();
        let locale = exact.or_else(preferred).or_else(same_name);
        let cldr = cldr::resolve(tag);
        (locale.is_some() || cldr.is_some()).then_some(Language { code, cldr, locale })
    }

    /// The languages `text` may be written in, most likely first: English, then the languages
    /// most pages are written in, then — for text with letters beyond ASCII — every language
    /// whose date words are known. (Plain ASCII text is not tried in the rest: many of them
    /// abbreviate months to two letters, and `pm` is July in Nheengatu.)
    pub fn candidates_for(text: &str) -> impl Iterator<Item = Language> {
        const FIRST: [&str; 16] = [
            "en", "de", "fr", "es", "pt", "it", "nl", "ru", "pl", "ja", "zh", "ko", "tr", "sv",
            "uk", "ar",
        ];
        let rest = (!text.is_ascii()).then(cldr::tags).into_iter().flatten();
        FIRST
            .into_iter()
            .chain(rest.filter(|tag| !FIRST.contains(tag)))
            .filter_map(Language::from_tag)
    }

    /// The known tag nearest to `tag`, for a message about one that is not known.
    pub fn nearest_tag(tag: &str) -> Option<&'static str> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        cldr::tags()
            .map(|known| {
                (
                    strsim::levenshtein(&tag, &known.to_ascii_lowercase()),
                    known,
                )
            })
            .filter(|(distance, known)| *distance <= 2.min(known.len() - 1))
            .min_by_key(|(distance, known)| (*distance, *known))
            .map(|(_, known)| known)
    }

    /// Its CLDR words, read on first use.
    pub(crate) fn vocabulary(&self) -> Option<&'static Vocabulary> {
        cldr::vocabulary(self.cldr?)
    }

    /// The primary subtag: `de`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whether this is English (nothing to add to the built-in forms).
    pub fn is_english(&self) -> bool {
        self.code == "en"
    }

    /// Day-period words that CLDR's do not cover: glibc's a.m./p.m. strings for the language
    /// (`पूर्वाह्न`, `अपराह्न`) and a few words pages write that neither lists (Bengali `রাত`).
    pub(crate) fn extra_periods(&self) -> Vec<(String, Period)> {
        /// Words pages write for a day period that neither CLDR nor glibc lists.
        const MORE: [(&str, &str, Period); 2] =
            [("bn", "রাত", Period::Night), ("bn", "রাতে", Period::Night)];
        let mut periods: Vec<(String, Period)> = MORE
            .iter()
            .filter(|(code, _, _)| *code == self.code)
            .map(|(_, word, period)| ((*word).to_string(), *period))
            .collect();
        if let Some(locale) = self.locale
            && !self.is_english()
        {
            let strings = pure_rust_locales::locale_match!(locale => LC_TIME::AM_PM);
            for (word, period) in strings.iter().zip([Period::Am, Period::Pm]) {
                let word = word.trim().to_lowercase();
                // Latin `AM`/`PM` are read as English already.
                if !word.is_empty() && !word.is_ascii() {
                    periods.push((word, period));
                }
            }
        }
        periods
    }

    /// Its month names, lower case, with their numbers, from glibc and CLDR (empty for
    /// English: built in). Forms written with digits (`10月`, `tháng 10`) are left to the
    /// forms that read digits.
    pub(crate) fn month_names(&self) -> HashMap<String, u32> {
        if self.is_english() {
            return HashMap::new();
        }
        let mut names = self
            .locale
            .map(|locale| months::names(&self.code, locale))
            .unwrap_or_default();
        if let Some(words) = self.vocabulary() {
            for (form, month) in &words.months {
                if !form.chars().any(|c| c.is_ascii_digit()) {
                    names.entry(form.clone()).or_insert(*month);
                }
            }
        }
        names
    }

    /// Its month names as a regex alternation without groups, longest first (`octobre`
    /// before `oct`); `None` for English, which is built in ([`MONTH_NAME`]).
    pub(crate) fn month_alternation(&self) -> Option<String> {
        let months = self.month_names();
        let mut names: Vec<&String> = months.keys().collect();
        names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
        let alternation = names
            .iter()
            .map(|name| regex::escape(name))
            .collect::<Vec<_>>()
            .join("|");
        (!alternation.is_empty()).then_some(alternation)
    }

    /// Its words for relative dates, if written.
    pub(crate) fn relative_words(&self) -> Option<&'static Words> {
        relative::words(&self.code)
    }
}

/// An English month name or abbreviation (`Oct`, `October`, `Sept`), as a case-insensitive
/// regex fragment without capture groups. Follow it with `\.?` to take `Oct.`.
pub(crate) const MONTH_NAME: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// Words that open a byline, in the languages that write one ("by", "Von", "Par", "Автор:"),
/// as a case-insensitive regex alternation without groups.
pub(crate) const BYLINE_WORD: &str =
    r"(?:by|von|par|por|di|door|av|af|przez|od|автор|від|tekst|text)";

/// A news-wire agency in parentheses before a month-name date: `(SPX) Oct 23, 2024`, as a
/// case-insensitive regex fragment without capture groups.
pub(crate) fn agency_date() -> String {
    format!(r"\([A-Za-z][A-Za-z0-9 .&/-]{{0,24}}\)\s+{MONTH_NAME}\.?\s+\d{{1,2}},?\s+\d{{4}}")
}

/// The English months' names, January first, in lower case.
pub const ENGLISH_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The number (1–12) of the month a word names, by its first three letters.
pub(crate) fn month_number(word: &str) -> Option<u32> {
    let prefix = word.get(..3)?;
    (1..)
        .zip(ENGLISH_MONTHS)
        .find(|(_, name)| name[..3].eq_ignore_ascii_case(prefix))
        .map(|(number, _)| number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_and_numbers() {
        let pattern = regex::Regex::new(&format!(r"(?i)^{MONTH_NAME}$")).unwrap();
        for name in ["Oct", "october", "SEPT", "Sep", "June", "may"] {
            assert!(pattern.is_match(name), "{name}");
        }
        assert!(!pattern.is_match("Marching"));
        assert_eq!(month_number("October"), Some(10));
        assert_eq!(month_number("SEPT"), Some(9));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Foo"), None);
        let agency = regex::Regex::new(&format!("(?i){}", agency_date())).unwrap();
        assert!(agency.is_match("Sydney (SPX) Oct 23, 2024"));
        assert!(!agency.is_match("The probe (NASA) launched"));
    }
}
