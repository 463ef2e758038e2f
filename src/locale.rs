//! The words dates are written with: the one source of month names for every pattern that
//! looks for a date, whether to read it (`normalize::dates`) or only to notice it (item
//! detection, article datelines).

/// An English month name or abbreviation (`Oct`, `October`, `Sept`), as a case-insensitive
/// regex fragment without capture groups. Follow it with `\.?` to take `Oct.`.
pub(crate) const MONTH_NAME: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// A news-wire agency in parentheses before a month-name date: `(SPX) Oct 23, 2024`, as a
/// case-insensitive regex fragment without capture groups.
pub(crate) fn agency_date() -> String {
    format!(r"\([A-Za-z][A-Za-z0-9 .&/-]{{0,24}}\)\s+{MONTH_NAME}\.?\s+\d{{1,2}},?\s+\d{{4}}")
}

/// The number (1–12) of the month a word names, by its first three letters.
pub(crate) fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix = word.get(..3)?;
    (1..)
        .zip(NAMES)
        .find(|(_, name)| name.eq_ignore_ascii_case(prefix))
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
