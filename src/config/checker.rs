//! [`Checker`]: what every check of a config value shares: the text and path of the file, to
//! put a mistake at its line and column, the secrets to keep out of messages, and selectors
//! compiled so far.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::ConfigError;
use super::env::Secrets;
use crate::extract::FieldSelector;

/// Turns the raw schema into a [`Config`], reporting problems at their place in the file.
pub(super) struct Checker<'a> {
    /// The file's text.
    pub(super) text: &'a str,
    /// The file.
    pub(super) path: &'a Path,
    /// Values read from the environment, kept out of error messages.
    pub(super) secrets: Secrets,
    /// Selectors already compiled: sections of one site share most of theirs.
    pub(super) compiled: std::cell::RefCell<std::collections::HashMap<String, FieldSelector>>,
    /// Mistakes checking went on past (see [`Checker::noted`]).
    pub(super) noted: std::cell::RefCell<Vec<ConfigError>>,
}

impl Checker<'_> {
    /// A mistake at byte `offset` of the file.
    pub(super) fn error_at(&self, offset: usize, message: &str) -> ConfigError {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message: self.secrets.redact(message).into_owned(),
        }
    }

    /// A mistake in the value `at`.
    pub(super) fn error<T>(&self, at: &Spanned<T>, message: impl AsRef<str>) -> ConfigError {
        self.error_at(at.span().start, message.as_ref())
    }

    /// The value of `result`, or — its mistake noted — `fallback`, so that checking goes on:
    /// for required values (ids, pages) whose entry cannot be put aside without making
    /// another mistake (a missing key).
    pub(super) fn noted<T>(
        &self,
        result: Result<T, ConfigError>,
        fallback: impl FnOnce() -> T,
    ) -> T {
        result.unwrap_or_else(|error| {
            self.noted.borrow_mut().push(error);
            fallback()
        })
    }

    /// A path written in the file, relative to the file's folder.
    pub(super) fn relative(&self, path: &str) -> PathBuf {
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        folder.join(path)
    }
}
