//! Built-in CSS selectors and regular expressions, each compiled once, on first use.
//!
//! `css!("a[href]")` and `regex!(r"\d+")` stand where the selector or pattern is used and
//! evaluate to a `&'static` compiled value; a pattern may be built at first use
//! (`regex!(&format!(...))`). An invalid built-in is a bug, caught by the first test that
//! reaches it.

/// A built-in CSS selector as a `&'static scraper::Selector`, compiled on first use.
macro_rules! css {
    ($css:expr) => {{
        static SELECTOR: ::std::sync::LazyLock<::scraper::Selector> =
            ::std::sync::LazyLock::new(|| {
                ::scraper::Selector::parse($css).expect("built-in selector is valid")
            });
        &*SELECTOR
    }};
}

/// A built-in regular expression as a `&'static regex::Regex` (`regex!(bytes ...)`: a
/// `regex::bytes::Regex`), compiled on first use.
macro_rules! regex {
    (bytes $pattern:expr) => {{
        static REGEX: ::std::sync::LazyLock<::regex::bytes::Regex> =
            ::std::sync::LazyLock::new(|| {
                ::regex::bytes::Regex::new($pattern).expect("built-in pattern is valid")
            });
        &*REGEX
    }};
    ($pattern:expr) => {{
        static REGEX: ::std::sync::LazyLock<::regex::Regex> = ::std::sync::LazyLock::new(|| {
            ::regex::Regex::new($pattern).expect("built-in pattern is valid")
        });
        &*REGEX
    }};
}
