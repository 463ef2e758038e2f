//! Reading a config with every mistake it has: the file is read, the mistake that stopped the
//! reading put aside (its entry blanked out, every other offset kept) and the file read again,
//! until it reads through; the mistakes come back in file order.

use std::borrow::Cow;
use std::path::Path;

use super::env::Secrets;
use super::{Config, ConfigError, checker, raw, spans, words};

/// The config `text` (of `path`) holds, or every mistake in it, in file order.
pub(super) fn every_mistake(text: &str, path: &Path) -> Result<Config, ConfigError> {
    /// Readings at most: enough to count what a message cannot show.
    const READINGS: usize = 200;
    let mut reading = Cow::Borrowed(text);
    let mut mistakes: Vec<ConfigError> = Vec::new();
    for _ in 0..READINGS {
        let (result, noted) = read_once(&reading, path);
        mistakes.extend(noted);
        let error = match result {
            Ok(config) if mistakes.is_empty() => return Ok(config),
            Ok(_) => break,
            Err(error) => error,
        };
        let offset = match &error {
            ConfigError::Invalid { line, column, .. } => spans::offset_of(&reading, *line, *column),
            _ => None,
        };
        // A key found missing where a mistake was put aside is that mistake again.
        let echo = !mistakes.is_empty() && error.to_string().contains(": missing key `");
        if !echo {
            mistakes.push(error);
        }
        let blanked = offset.is_some_and(|at| spans::blank_entry_at(reading.to_mut(), at));
        if echo || !blanked {
            break;
        }
    }
    mistakes.sort_by_key(|e| match e {
        ConfigError::Invalid { line, column, .. } => (*line, *column),
        _ => (usize::MAX, 0),
    });
    mistakes.dedup_by(|a, b| a.to_string() == b.to_string());
    Err(if mistakes.len() == 1 {
        mistakes.remove(0)
    } else {
        ConfigError::Several(mistakes)
    })
}

/// One reading of `text`: the config or the mistake that stopped it, and the mistakes
/// noted on the way.
fn read_once(text: &str, path: &Path) -> (Result<Config, ConfigError>, Vec<ConfigError>) {
    Secrets::start();
    let parsed: Result<raw::RawConfig, _> = toml::from_str(text);
    let checker = checker::Checker {
        text,
        path,
        compiled: std::cell::RefCell::default(),
        noted: std::cell::RefCell::default(),
        secrets: Secrets::taken(),
    };
    let result = match parsed {
        Ok(raw) => checker.build(raw),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            Err(checker.error_at(offset, &words::plain(e.message(), text, offset)))
        }
    };
    (result, checker.noted.take())
}
