//! Each site's learned article template: how often each element held an article's text (a
//! vote per article read), and the selector learned once one element did on enough of them.
//! The template is forgotten when it misses (a redesign) and learned again from new votes.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// Articles whose text one element must have held before it is the site's template.
pub const LEARN_AFTER: u32 = 3;

impl Store {
    /// The template learned for `site`, if any.
    pub fn template(&self, site: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT selector FROM learned_templates WHERE site = ?1")?
            .query_row([site], |r| r.get(0))
            .optional()?)
    }

    /// Counts one more article of `site` whose text `selector` held; once it has held
    /// [`LEARN_AFTER`] and the site has no template, it becomes the site's template. Returns
    /// whether it did now.
    pub fn vote_template(&self, site: &str, selector: &str) -> Result<bool, StoreError> {
        let votes: u32 = self
            .conn
            .prepare_cached(
                "INSERT INTO template_votes (site, selector, votes) VALUES (?1, ?2, 1)
                 ON CONFLICT (site, selector) DO UPDATE SET votes = votes + 1
                 RETURNING votes",
            )?
            .query_row(params![site, selector], |r| r.get(0))?;
        if votes < LEARN_AFTER || self.template(site)?.is_some() {
            return Ok(false);
        }
        self.conn
            .prepare_cached("INSERT INTO learned_templates (site, selector) VALUES (?1, ?2)")?
            .execute(params![site, selector])?;
        Ok(true)
    }

    /// Forgets `site`'s template and the votes that made it (its pages changed).
    pub fn forget_template(&self, site: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM learned_templates WHERE site = ?1")?
            .execute([site])?;
        self.conn
            .prepare_cached("DELETE FROM template_votes WHERE site = ?1")?
            .execute([site])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learned_after_three_votes_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        assert!(!store.vote_template("s", "div.body").unwrap());
        assert!(!store.vote_template("s", "div.other").unwrap());
        assert!(!store.vote_template("s", "div.body").unwrap());
        assert_eq!(store.template("s").unwrap(), None);
        assert!(store.vote_template("s", "div.body").unwrap());
        assert_eq!(store.template("s").unwrap().as_deref(), Some("div.body"));
        assert!(
            !store.vote_template("s", "div.body").unwrap(),
            "learned once"
        );
        store.forget_template("s").unwrap();
        assert_eq!(store.template("s").unwrap(), None);
        assert!(
            !store.vote_template("s", "div.new").unwrap(),
            "votes start again"
        );
    }
}
