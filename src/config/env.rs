//! `${NAME}` in config values: replaced by the environment variable NAME when the file is
//! read. A missing variable is an error at the value's line and column. Every value that came
//! from the environment is remembered, so that it can be kept out of anything feedwright shows
//! or stores ([`Secrets::redact`]).

use std::cell::RefCell;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, de};

thread_local! {
    /// Values read from the environment while one config file is parsed.
    static READ: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

/// A string value of the config file, `${NAME}` expanded. It shows as the string it holds
/// (`{:?}` quotes it), never as a Rust value.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub(super) struct Text(String);

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Deref for Text {
    type Target = String;

    fn deref(&self) -> &String {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(text.to_string())
    }
}

impl Text {
    pub(super) fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        expand(&raw).map(Text).map_err(de::Error::custom)
    }
}

/// Replaces each `${NAME}` (letters, digits, `_`) by the variable's value.
fn expand(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        let Some(length) = rest[start + 2..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + 2 + length];
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..start]);
        if valid {
            let value = std::env::var(name)
                .map_err(|_| format!("environment variable {name} is not set"))?;
            out.push_str(&value);
            READ.with(|read| read.borrow_mut().push((value, name.to_string())));
        } else {
            out.push_str(&rest[start..start + 3 + length]);
        }
        rest = &rest[start + 3 + length..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Values a config read from the environment: secrets, never to be shown or stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets(Vec<(String, String)>);

/// Shorter values are not hidden: they would blot out ordinary words.
const MIN_SECRET_CHARS: usize = 4;

impl Secrets {
    /// Nothing to hide.
    pub const fn none() -> Secrets {
        Secrets(Vec::new())
    }

    /// Starts remembering what the environment gives, for one parse on this thread.
    pub(super) fn start() {
        READ.with(|read| read.borrow_mut().clear());
    }

    /// What the environment gave since [`Secrets::start`].
    pub(super) fn taken() -> Secrets {
        let mut read = READ.with(|read| std::mem::take(&mut *read.borrow_mut()));
        read.retain(|(value, _)| value.chars().count() >= MIN_SECRET_CHARS);
        // Longest first, so that a secret containing another is hidden whole.
        read.sort_by_key(|(value, _)| std::cmp::Reverse(value.len()));
        read.dedup();
        Secrets(read)
    }

    /// `text` with every secret replaced by `${NAME}`.
    pub fn redact<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let mut text = std::borrow::Cow::Borrowed(text);
        for (value, name) in &self.0 {
            if text.contains(value.as_str()) {
                text =
                    std::borrow::Cow::Owned(text.replace(value.as_str(), &format!("${{{name}}}")));
            }
        }
        text
    }

    /// Whether there is anything to hide.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_names_and_remembers_values() {
        // SAFETY: tests in this module are the only ones that set this variable.
        unsafe { std::env::set_var("FEEDWRIGHT_TEST_TOKEN", "s3cr3t-value") };
        Secrets::start();
        assert_eq!(
            expand("Bearer ${FEEDWRIGHT_TEST_TOKEN}").unwrap(),
            "Bearer s3cr3t-value"
        );
        assert_eq!(expand("no ${ braces").unwrap(), "no ${ braces");
        assert_eq!(expand("${1BAD} kept").unwrap(), "${1BAD} kept");
        assert_eq!(
            expand("${FEEDWRIGHT_TEST_MISSING_VAR}").unwrap_err(),
            "environment variable FEEDWRIGHT_TEST_MISSING_VAR is not set"
        );
        let secrets = Secrets::taken();
        assert_eq!(
            secrets.redact("sent s3cr3t-value twice: s3cr3t-value"),
            "sent ${FEEDWRIGHT_TEST_TOKEN} twice: ${FEEDWRIGHT_TEST_TOKEN}"
        );
        assert_eq!(secrets.redact("nothing here"), "nothing here");
    }
}
