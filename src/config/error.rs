//! [`ConfigError`]: why a config could not be loaded, in one line that names the file and,
//! where known, the line and column.

use std::path::PathBuf;

/// A config that could not be loaded; the message names the file and, where known, line and column.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read config: {source}")]
    Read {
        /// Config file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// There is no file where the config was looked for.
    #[error(
        "no config file at {}: give one with --config PATH or $FEEDWRIGHT_CONFIG, or run \
         where config.toml is; to start one: feedwright suggest URL --append {}",
        path.display(), path.display()
    )]
    Missing {
        /// Where it was looked for (made absolute).
        path: PathBuf,
    },
    /// The file holds no section, so there would be nothing to do.
    #[error(
        "{}: no section to run: add a [[site]] with a [[site.section]]; feedwright suggest URL \
         proposes one for a page, and --append {} adds it here",
        path.display(), path.display()
    )]
    NoSections {
        /// Config file.
        path: PathBuf,
    },
    /// The file is not a valid configuration.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// Config file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// More than one mistake, in file order (each an [`ConfigError::Invalid`]); shown one
    /// per line, the first twenty of them.
    #[error("{}", several(.0))]
    Several(Vec<ConfigError>),
    /// `--only` (or `check`) named a site or section the file does not have.
    #[error("no site or section named {name:?} in {path}")]
    NoSuchSection {
        /// Config file.
        path: PathBuf,
        /// The name given.
        name: String,
    },
}

/// Most mistakes a message lists; the rest are counted.
pub(super) const SHOWN: usize = 20;

/// Mistakes one per line, the first [`SHOWN`], then how many more.
fn several(errors: &[ConfigError]) -> String {
    let mut lines: Vec<String> = errors.iter().take(SHOWN).map(ToString::to_string).collect();
    if errors.len() > SHOWN {
        lines.push(format!(
            "and {} more mistakes in the file",
            errors.len() - SHOWN
        ));
    }
    lines.join("\n")
}
