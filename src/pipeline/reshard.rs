//! Changing the number of workers keeps history. A state records the shard count it was last
//! used with; when a worker finds another count (or none), each of its sections that has no
//! items yet takes them from the other states of the same `{shard}` path (the unsharded one
//! is shard 0), dates and first-seen times as they were, and the worker says so. A source
//! that cannot be read now (another worker holds it) is left for the next run.

use std::path::{Path, PathBuf};

use url::Url;

use crate::config::Config;
use crate::store::{Checkout, Store, StoreError};

/// What a worker took from the states of another layout.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reseeded {
    /// The shard count now.
    pub shards: u32,
    /// Sections given their history.
    pub sections: usize,
    /// The states they came from.
    pub from: Vec<String>,
    /// States that could not be read, with why (tried again next run).
    pub unread: Vec<String>,
}

impl std::fmt::Display for Reseeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let noun = if self.sections == 1 {
            "section"
        } else {
            "sections"
        };
        write!(
            f,
            "shard count is now {}: {} {noun} took their history from {}",
            self.shards,
            self.sections,
            if self.from.is_empty() {
                "no other state".to_string()
            } else {
                self.from.join(", ")
            }
        )?;
        for unread in &self.unread {
            write!(f, "; not read yet: {unread}")?;
        }
        Ok(())
    }
}

/// Seeds `store` (this worker's state) from the other states of its `{shard}` path when the
/// shard count changed; `None` when there was nothing to do.
pub(super) fn reseed(config: &Config, store: &mut Store) -> Result<Option<Reseeded>, StoreError> {
    let shards = config.shard.map_or(1, |s| s.count);
    if store.shard_count()? == Some(shards) {
        return Ok(None);
    }
    let Some(template) = &config.state_template else {
        store.set_shard_count(shards)?;
        return Ok(None);
    };
    let own: Vec<String> = config
        .select(&[])
        .unwrap_or_default()
        .iter()
        .map(|s| s.key())
        .collect();
    let mut done = Reseeded {
        shards,
        sections: 0,
        from: Vec::new(),
        unread: Vec::new(),
    };
    for source in sources(config, template)? {
        let seeded = source
            .open()
            .and_then(|(path, _copy)| store.seed_from(&path, &own));
        match seeded {
            Ok(seeded) if seeded.is_empty() => {}
            Ok(seeded) => {
                done.sections += seeded.len();
                done.from.push(source.name());
            }
            Err(e) => done.unread.push(format!("{} ({e})", source.name())),
        }
    }
    if done.unread.is_empty() {
        store.set_shard_count(shards)?;
    }
    let said = done.sections > 0 || !done.unread.is_empty();
    Ok(said.then_some(done))
}

/// Another shard's state: a file, or an object to download.
enum Source {
    File(PathBuf),
    Object(Url),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Object(url) => url.to_string(),
        }
    }

    /// A path to read it at, and the download that holds it (dropped after use).
    fn open(&self) -> Result<(PathBuf, Option<Checkout>), StoreError> {
        match self {
            Source::File(path) => Ok((path.clone(), None)),
            Source::Object(url) => {
                let copy = Checkout::copy(url)?;
                Ok((copy.path(), Some(copy)))
            }
        }
    }
}

/// The states beside this worker's own that the `{shard}` template names, with any number.
fn sources(config: &Config, template: &str) -> Result<Vec<Source>, StoreError> {
    let name_template = template.rsplit('/').next().unwrap_or(template);
    let (before, after) = name_template
        .split_once("{shard}")
        .unwrap_or((name_template, ""));
    let matches = |name: &str| {
        name.strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    if let Some(url) = &config.state_url {
        let own = url.as_str();
        return Ok(Checkout::beside(url, |name| matches(name))?
            .into_iter()
            .filter(|u| u.as_str() != own)
            .map(Source::Object)
            .collect());
    }
    let folder = Path::new(template)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(matches))
        .map(|e| e.path())
        .filter(|p| *p != config.state_path)
        .collect();
    found.sort();
    Ok(found.into_iter().map(Source::File).collect())
}
