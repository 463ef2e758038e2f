//! Dates in any language, read by turning their words into English ones: month names become
//! English month names, weekdays English weekday names, the literal words of the language's
//! date patterns (`г.`, `um`, `klo`, `de`) go, day periods become `am` / `pm` (`noon`, `midnight`), relative words
//! and phrases become `2 day ago` / `in 3 hour` / `yesterday`. What is left is read by the
//! English forms. A language's translator is built on its first use and kept.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use regex::Regex;

use crate::locale::{ENGLISH_MONTHS, Language, Period, Unit, Vocabulary};

/// What a matched word becomes.
#[derive(Debug, Clone)]
enum Meaning {
    Month(u32),
    /// A weekday, 0 Sunday … 6 Saturday.
    Weekday(u32),
    /// Dropped: literal words.
    Nothing,
    Period(Period),
    /// A relative word, as an English phrase (`2 day ago`, `yesterday`).
    Phrase(String),
}

/// One language's translator.
pub(super) struct Translator {
    /// Words (lower case) by their first character, longest first.
    words: HashMap<char, Vec<(String, Meaning)>>,
    /// Month forms, for words cut short (`верес`, `Sept`).
    months: Vec<(String, u32)>,
    /// Relative-time patterns as one regex, and for each of its number groups the unit and
    /// direction that pattern stands for.
    relative: Option<(Regex, Vec<(Unit, i64)>)>,
    /// Thai pages count years in the Buddhist era.
    buddhist: bool,
}

/// Translators built so far.
static BUILT: LazyLock<Mutex<HashMap<Language, Option<Arc<Translator>>>>> =
    LazyLock::new(Mutex::default);

/// The translator of `language`, if CLDR has its words.
pub(super) fn translator(language: &Language) -> Option<Arc<Translator>> {
    let mut built = BUILT.lock().expect("never poisoned");
    built
        .entry(language.clone())
        .or_insert_with(|| {
            let vocabulary = language.vocabulary()?;
            Some(Arc::new(Translator::new(
                vocabulary,
                &language.month_names(),
                &language.extra_periods(),
                language
                    .relative_words()
                    .map_or(&[][..], |words| &words.day_before_yesterday),
                language.code() == "th",
            )))
        })
        .clone()
}

impl Translator {
    /// The translator of a language's CLDR `vocabulary`, with the month forms glibc adds
    /// (`glibc_months`), the day periods CLDR lacks (`extra_periods`) and the ways of saying
    /// the day before yesterday it lacks (`altro ieri` beside its `l’altro ieri`).
    fn new(
        vocabulary: &Vocabulary,
        glibc_months: &HashMap<String, u32>,
        extra_periods: &[(String, Period)],
        day_before_yesterday: &[String],
        buddhist: bool,
    ) -> Translator {
        let mut words: HashMap<char, Vec<(String, Meaning)>> = HashMap::new();
        let mut add = |word: &str, meaning: Meaning| {
            let word = without_vowel_marks(word.trim());
            let word = word.as_str();
            // One sign of a script without spaces (`月`, `日` for Monday, Sunday) is too
            // often part of something else; a day period (`晚` before a time) is not.
            let mut signs = word.chars();
            if let (Some(only), None) = (signs.next(), signs.next())
                && (unspaced(only) || has_cjk(word))
                && !matches!(meaning, Meaning::Period(_))
            {
                return;
            }
            if let Some(first) = word.chars().next() {
                words
                    .entry(first)
                    .or_default()
                    .push((word.to_string(), meaning));
            }
        };
        // Later entries lose to earlier ones of the same text: months first.
        let months: Vec<(String, u32)> = vocabulary
            .months
            .iter()
            .map(|(form, month)| (form, month))
            .chain(glibc_months)
            .filter(|(form, _)| !(has_digit(form) && has_cjk(form)))
            .map(|(form, month)| (without_vowel_marks(form), *month))
            .collect();
        for (form, month) in &months {
            add(form, Meaning::Month(*month));
        }
        for (word, unit, offset) in &vocabulary.relative_words {
            add(word, Meaning::Phrase(phrase(*unit, *offset)));
        }
        for word in day_before_yesterday {
            add(word, Meaning::Phrase(phrase(Unit::Day, -2)));
        }
        for (word, period) in vocabulary.periods.iter().chain(extra_periods) {
            add(word, Meaning::Period(*period));
        }
        for (word, day) in &vocabulary.weekdays {
            add(word, Meaning::Weekday(*day));
        }
        for word in &vocabulary.literals {
            add(word, Meaning::Nothing);
        }
        for list in words.values_mut() {
            list.sort_by_key(|(word, _)| std::cmp::Reverse(word.chars().count()));
        }
        // One pattern for all of them, longest first (`in {0} Stunden` before `in {0}
        // Stunde`): the group that took the number tells which.
        let mut patterns: Vec<&(String, Unit, i64)> = vocabulary.relative_patterns.iter().collect();
        patterns.sort_by_key(|(pattern, _, _)| std::cmp::Reverse(pattern.chars().count()));
        let piece = |text: &str| {
            text.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s*")
        };
        let edge = |c: Option<char>| {
            if c.is_some_and(|c| c.is_alphabetic() && !unspaced(c)) {
                r"\b"
            } else {
                ""
            }
        };
        let mut alternatives = Vec::new();
        let mut meanings = Vec::new();
        for (pattern, unit, sign) in patterns {
            let Some((before, after)) = pattern.split_once("{0}") else {
                continue;
            };
            alternatives.push(format!(
                r"{}{}\s*(\d+)\s*{}{}",
                edge(before.trim().chars().next()),
                piece(before),
                piece(after),
                edge(after.trim().chars().last())
            ));
            meanings.push((*unit, *sign));
        }
        let relative = Regex::new(&format!("(?i){}", alternatives.join("|")))
            .ok()
            .filter(|_| !alternatives.is_empty())
            .map(|regex| (regex, meanings));
        Translator {
            words,
            months,
            relative,
            buddhist,
        }
    }

    /// `text` (lower case, ASCII digits) in English words.
    pub(super) fn translate(&self, text: &str) -> String {
        let mut text = without_vowel_marks(&text.to_lowercase());
        if let Some((pattern, meanings)) = &self.relative
            && let Some(caps) = pattern.captures(&text)
        {
            let whole = caps.get(0).expect("a match").range();
            let found = (1..caps.len()).find_map(|group| Some((group, caps.get(group)?)));
            if let Some((group, count)) = found {
                let (unit, sign) = meanings[group - 1];
                let count = count.as_str().to_string();
                let english = if sign < 0 {
                    format!(" {count} {} ago ", unit_name(unit))
                } else {
                    format!(" in {count} {} ", unit_name(unit))
                };
                text.replace_range(whole, &english);
            }
        }
        let mut out = String::with_capacity(text.len() + 16);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            let starts_word = i == 0 || !joins(chars[i - 1].1, c);
            let found = starts_word.then(|| self.word_at(&text, at)).flatten();
            match found {
                Some((length, meaning)) => {
                    out.push(' ');
                    out.push_str(&english(meaning));
                    out.push(' ');
                    let end = at + length;
                    while i < chars.len() && chars[i].0 < end {
                        i += 1;
                    }
                }
                None if starts_word && c.is_alphabetic() => {
                    // A word cut short: the one month whose names start with it.
                    let end = chars[i..]
                        .iter()
                        .find(|(_, ch)| !(ch.is_alphabetic() || is_mark(*ch)))
                        .map_or(text.len(), |(at, _)| *at);
                    let word = &text[at..end];
                    // Between two numbers (`25 ян 2016`) two letters are enough.
                    let between_numbers = text[..at]
                        .trim_end()
                        .ends_with(|c: char| c.is_ascii_digit())
                        && text[end..]
                            .trim_start()
                            .starts_with(|c: char| c.is_ascii_digit());
                    let shortest = if between_numbers { 2 } else { 3 };
                    let end = match self
                        .month_by_prefix(word, shortest)
                        .or_else(|| self.prefixed_month(word))
                    {
                        Some(month) => {
                            out.push(' ');
                            out.push_str(ENGLISH_MONTHS[month as usize - 1]);
                            out.push(' ');
                            end
                        }
                        // Without spaces a run of letters is many words: go on after one.
                        None if unspaced(c) => {
                            out.push(c);
                            at + c.len_utf8()
                        }
                        None => {
                            out.push_str(word);
                            end
                        }
                    };
                    while i < chars.len() && chars[i].0 < end {
                        i += 1;
                    }
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        if self.buddhist {
            out = buddhist_years(&out);
        }
        out
    }

    /// The longest known word at byte `at` of `text` that ends where a word may end.
    fn word_at(&self, text: &str, at: usize) -> Option<(usize, &Meaning)> {
        let rest = &text[at..];
        let first = rest.chars().next()?;
        self.words.get(&first)?.iter().find_map(|(word, meaning)| {
            let after = rest.strip_prefix(word.as_str())?.chars().next();
            let last = word.chars().last()?;
            let ends = after.is_none_or(|next| !joins(last, next));
            ends.then_some((word.len(), meaning))
        })
    }

    /// A month name behind a one-letter prefix that Hebrew and Arabic write on the word
    /// (`לאפריל`, `בנובמבר`: "to April", "in November").
    fn prefixed_month(&self, word: &str) -> Option<u32> {
        let rest = word.strip_prefix(['ל', 'ב', 'ה', 'ו', 'מ', 'ب', 'ل', 'و', 'ف'])?;
        let rest = rest.trim_start_matches('-');
        self.months
            .iter()
            .find(|(form, _)| form == rest)
            .map(|(_, month)| *month)
    }

    /// The month whose names alone start with `word` (`shortest` letters or more).
    fn month_by_prefix(&self, word: &str, shortest: usize) -> Option<u32> {
        if word.chars().count() < shortest {
            return None;
        }
        let mut found = self
            .months
            .iter()
            .filter(|(form, _)| form.starts_with(word))
            .map(|(_, month)| *month);
        let month = found.next()?;
        found.all(|other| other == month).then_some(month)
    }
}

/// `text` (ASCII digits) in English words as the English forms read them, or `None` when
/// neither its language nor English has words for it.
pub(super) fn reading(text: &str, language: &Language) -> Option<String> {
    let english = &super::ENGLISH;
    let words = translator(language).or_else(|| translator(english))?;
    let mut out = words.translate(text);
    if !language.is_english() {
        // English words on a page in another language (`Sept`, `pm`) are read too.
        if let Some(english) = translator(english) {
            out = english.translate(&out);
        }
    }
    Some(tidy(&out))
}

/// The English text arranged as the forms expect: brackets gone, `noon` and `midnight` as
/// times, a period after its time (`pm 8:00` → `8:00 pm`), ordinal marks off a day before a
/// month (`1লা january`), numeric dates closed up (`30 . 09 . 22`), spaces single.
fn tidy(text: &str) -> String {
    let text = regex!(r"[\[\](){}«»“”\x22]").replace_all(text, " ");
    let text = regex!(r"\bnoon\b").replace_all(&text, " 12:00 ");
    let text = regex!(r"\bmidnight\b").replace_all(&text, " 00:00 ");
    // Only before a time (`pm 8:00`, `pm 8시`): German `am 4. Dezember` is "on the 4th".
    let text = regex!(
        r"\b(am|pm|night)\s+(\d{1,2}(?:[:.]\d{1,2}(?::\d{2})?|[時时点시](?:\s*\d{1,2}\s*[分분])?))"
    )
    .replace_all(&text, "$2 $1");
    let ordinal = regex!(&format!(
        r"\b(\d{{1,2}})[^\d\s.,]{{1,3}}\.?\s+({})\b",
        ENGLISH_MONTHS.join("|")
    ));
    let text = ordinal.replace_all(&text, "$1 $2");
    let text = regex!(r"\b(\d{1,4})\s*([./])\s*(\d{1,2})\s*([./])\s*(\d{1,4})\b")
        .replace_all(&text, "$1$2$3$4$5");
    // dateparser-style renderings write `2015 year.` after the year; Georgian writes `წლის`
    // ("of the year") or `წ.` there.
    let text = regex!(r"\b(\d{4})\s*(?:year\b\.?|წლის|წ\.)").replace_all(&text, "$1");
    // A word put in English may leave a space before its comma (`april , 2022`).
    let text = regex!(r"\s+,").replace_all(&text, ",");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A relative word (`unit`, `offset`) as an English phrase.
fn phrase(unit: Unit, offset: i64) -> String {
    match (unit, offset) {
        (Unit::Day, -1) => "yesterday".into(),
        (Unit::Day, 0) => "today".into(),
        (_, n) if n < 0 => format!("{} {} ago", -n, unit_name(unit)),
        (_, 0) => format!("0 {} ago", unit_name(unit)),
        (_, n) => format!("in {n} {}", unit_name(unit)),
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Second => "second",
        Unit::Minute => "minute",
        Unit::Hour => "hour",
        Unit::Day => "day",
        Unit::Week => "week",
        Unit::Month => "month",
        Unit::Quarter => "quarter",
        Unit::Year => "year",
    }
}

/// English weekday names, Sunday first as CLDR counts.
const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

fn english(meaning: &Meaning) -> String {
    match meaning {
        Meaning::Month(month) => ENGLISH_MONTHS[*month as usize - 1].to_string(),
        Meaning::Weekday(day) => WEEKDAYS[*day as usize % 7].to_string(),
        Meaning::Nothing => String::new(),
        Meaning::Period(Period::Am) => "am".into(),
        Meaning::Period(Period::Pm) => "pm".into(),
        Meaning::Period(Period::Noon) => "noon".into(),
        Meaning::Period(Period::Midnight) => "midnight".into(),
        Meaning::Period(Period::Night) => "night".into(),
        Meaning::Phrase(phrase) => phrase.clone(),
    }
}

/// Whether `a` followed by `b` is inside one word. Scripts written without spaces (CJK, Thai,
/// Lao, Khmer, Myanmar, Tibetan) have no word boundaries to respect.
fn joins(a: char, b: char) -> bool {
    let wordy = |c: char| (c.is_alphabetic() || is_mark(c)) && !unspaced(c);
    wordy(a) && wordy(b)
}

/// Whether `c` is a letter of a script written without spaces between words.
pub(super) fn unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF // Thai, Lao
        | 0x0F00..=0x0FFF // Tibetan
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x9FFF // Han
        | 0xF900..=0xFAFF)
}

/// Combining marks (vowel signs, viramas): part of the word they sit in.
fn is_mark(c: char) -> bool {
    matches!(u32::from(c),
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963
        | 0x0981..=0x0983 | 0x09BC..=0x09D7 | 0x0A01..=0x0A51 | 0x0A81..=0x0ACD
        | 0x0B01..=0x0B57 | 0x0B82..=0x0BD7 | 0x0C00..=0x0C56 | 0x0C81..=0x0CD6
        | 0x0D00..=0x0D57 | 0x0D81..=0x0DDF | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECD | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF)
}

/// `text` in one Unicode form (NFC: `য়` composed or not reads alike), without the optional
/// vowel marks of Arabic and Hebrew (`مساءً` is `مساء`).
fn without_vowel_marks(text: &str) -> String {
    let composed = icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(text);
    composed
        .chars()
        .filter(|c| !matches!(u32::from(*c), 0x064B..=0x065F | 0x0670 | 0x0591..=0x05C7))
        // A typographic apostrophe is how CLDR writes `d’abril`; pages type `d'abril`.
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect()
}

fn has_digit(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(cjk)
}

/// Whether `c` is Han, kana or Hangul.
pub(super) fn cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF)
}

/// Buddhist-era years (2400 and later) as Gregorian ones: 2567 is 2024.
fn buddhist_years(text: &str) -> String {
    regex!(r"\b(2[4-9]\d\d)\b")
        .replace_all(text, |caps: &regex::Captures| {
            caps[1]
                .parse::<i32>()
                .map_or_else(|_| caps[1].to_string(), |y| (y - 543).to_string())
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english_of(tag: &str, text: &str) -> String {
        let language = Language::from_tag(tag).unwrap();
        let translated = translator(&language).unwrap().translate(text);
        translated.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn words_become_english_and_literals_go() {
        assert_eq!(
            english_of("ru", "13 января 2015 г. в 13:34"),
            "13 january 2015 . 13:34"
        );
        assert_eq!(english_of("de", "18.10.14 um 22:56 Uhr"), "18.10.14 22:56");
        assert_eq!(
            english_of("uk", "17 верес 2015 6:17"),
            "17 september 2015 6:17"
        );
        assert_eq!(english_of("ru", "позавчера"), "2 day ago");
        assert_eq!(english_of("ru", "5 дней назад"), "5 day ago");
        assert_eq!(english_of("de", "in 3 Stunden"), "in 3 hour");
        assert_eq!(english_of("th", "23 ตุลาคม 2567"), "23 october 2024");
        assert_eq!(
            english_of("zh", "2016年9月14日下午8:00"),
            "2016年9月14日 pm 8:00"
        );
        assert_eq!(
            english_of("zh", "2016年9月14日晚8:00"),
            "2016年9月14日 pm 8:00"
        );
    }
}
