//! What the state remembers for sections that keep working: selectors found anew after a
//! redesign (proposed, or in use with `heal = "auto"`), and for `render = "auto"` whether the
//! browser was needed and when plain HTTP was last tried.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, from_ms, ms};

/// Selectors found anew for a section, with the evidence that chose them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredHeal {
    /// A digest of the config's own selectors when they were found: a change to the config
    /// makes them stale.
    pub configured: String,
    /// The selectors, by field name (`item` first).
    pub selectors: Vec<(String, String)>,
    /// Whether runs use them (`heal = "auto"`), or they are only proposed.
    pub applied: bool,
    /// The rule that chose them (`known links`, `looks like the stored items`, `best list`).
    pub rule: String,
    /// Items they find on the page.
    pub found: usize,
    /// Of those, items already in the section's history.
    pub known: usize,
    /// A few of the titles they find.
    pub sample: Vec<String>,
    /// When they were found.
    pub at: DateTime<Utc>,
}

/// The evidence column, as JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct Evidence {
    rule: String,
    found: usize,
    known: usize,
    sample: Vec<String>,
}

/// What the items of a section's history look like, to compare a list found anew with.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StoredShape {
    /// Items stored.
    pub items: usize,
    /// Mean characters of their titles.
    pub title_chars: f64,
    /// Share of them with an image.
    pub pictured: f64,
}

impl Store {
    /// The selectors found anew for `section`, if any.
    pub fn heal(&self, section: &str) -> Result<Option<StoredHeal>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT configured, selectors, applied, evidence, at FROM heals WHERE section = ?1",
            )?
            .query_row([section], read_heal)
            .optional()
            .map_err(StoreError::from)
    }

    /// Every section's selectors found anew, by section.
    pub fn heals(&self) -> Result<Vec<(String, StoredHeal)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT configured, selectors, applied, evidence, at, section FROM heals
             ORDER BY section",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(5)?, read_heal(r)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Remembers the selectors found anew for `section`.
    pub fn save_heal(&self, section: &str, heal: &StoredHeal) -> Result<(), StoreError> {
        let evidence = Evidence {
            rule: heal.rule.clone(),
            found: heal.found,
            known: heal.known,
            sample: heal.sample.clone(),
        };
        self.conn
            .prepare_cached(
                "INSERT INTO heals (section, configured, selectors, applied, rule, evidence, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (section) DO UPDATE SET configured = excluded.configured,
                   selectors = excluded.selectors, applied = excluded.applied,
                   rule = excluded.rule, evidence = excluded.evidence, at = excluded.at",
            )?
            .execute(params![
                section,
                heal.configured,
                serde_json::to_string(&heal.selectors).expect("selectors serialise"),
                heal.applied,
                heal.rule,
                serde_json::to_string(&evidence).expect("evidence serialises"),
                ms(heal.at),
            ])?;
        Ok(())
    }

    /// Forgets the selectors found anew for `section` (its own match again).
    pub fn clear_heal(&self, section: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM heals WHERE section = ?1")?
            .execute([section])?;
        Ok(())
    }

    /// What `section`'s stored items look like.
    pub fn stored_shape(&self, section: &str) -> Result<StoredShape, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT count(*), coalesce(avg(length(title)), 0),
                        coalesce(avg(image IS NOT NULL), 0)
                 FROM items WHERE section = ?1",
            )?
            .query_row([section], |r| {
                Ok(StoredShape {
                    items: usize::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    title_chars: r.get(1)?,
                    pictured: r.get(2)?,
                })
            })
            .map_err(StoreError::from)
    }

    /// For `render = "auto"`: whether `section` needed the browser, and when plain HTTP was
    /// last tried.
    pub fn render_memory(
        &self,
        section: &str,
    ) -> Result<Option<(bool, DateTime<Utc>)>, StoreError> {
        self.conn
            .prepare_cached("SELECT browser, http_tried FROM renders WHERE section = ?1")?
            .query_row([section], |r| Ok((r.get(0)?, from_ms(r.get(1)?))))
            .optional()
            .map_err(StoreError::from)
    }

    /// Remembers whether `section` needs the browser, and when plain HTTP was last tried.
    pub fn save_render(
        &self,
        section: &str,
        browser: bool,
        http_tried: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO renders (section, browser, http_tried) VALUES (?1, ?2, ?3)
                 ON CONFLICT (section) DO UPDATE SET browser = excluded.browser,
                   http_tried = excluded.http_tried",
            )?
            .execute(params![section, browser, ms(http_tried)])?;
        Ok(())
    }
}

fn read_heal(r: &rusqlite::Row) -> rusqlite::Result<StoredHeal> {
    let selectors: String = r.get(1)?;
    let evidence: String = r.get(3)?;
    let evidence: Evidence = serde_json::from_str(&evidence).unwrap_or(Evidence {
        rule: String::new(),
        found: 0,
        known: 0,
        sample: Vec::new(),
    });
    Ok(StoredHeal {
        configured: r.get(0)?,
        selectors: serde_json::from_str(&selectors).unwrap_or_default(),
        applied: r.get(2)?,
        rule: evidence.rule,
        found: evidence.found,
        known: evidence.known,
        sample: evidence.sample,
        at: from_ms(r.get(4)?),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::now;
    use super::*;

    #[test]
    fn heals_and_render_memory_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        assert_eq!(store.heal("a/b").unwrap(), None);
        let heal = StoredHeal {
            configured: "abc".into(),
            selectors: vec![("item".into(), "article.x".into())],
            applied: true,
            rule: "known links".into(),
            found: 12,
            known: 10,
            sample: vec!["One".into()],
            at: now(1),
        };
        store.save_heal("a/b", &heal).unwrap();
        assert_eq!(store.heal("a/b").unwrap(), Some(heal.clone()));
        assert_eq!(store.heals().unwrap(), vec![("a/b".to_string(), heal)]);
        store.clear_heal("a/b").unwrap();
        assert!(store.heals().unwrap().is_empty());
        store.save_render("a/b", true, now(2)).unwrap();
        assert_eq!(store.render_memory("a/b").unwrap(), Some((true, now(2))));
        assert_eq!(store.stored_shape("a/b").unwrap().items, 0);
    }
}
