//! Keeping a section working when its site changes, between reading its page and merging the
//! items: `render = "auto"` (HTTP first; the browser when HTTP yields nothing, remembered, HTTP
//! tried again once a day) and `heal` (selectors found anew when the section's own stop
//! matching or its item count falls; proposed, or used and remembered until the config's own
//! selectors change or match again). The choice of a list is `heal::propose`'s.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use scraper::Html;
use sha2::{Digest, Sha256};

use super::drift;
use super::error::SectionError;
use super::gather::{Gathered, gather};
use super::heal::{self, History, Proposal};
use super::{SectionReport, Shared};
use crate::config::{Heal, Render, Section, Source};
use crate::extract::{Field, FieldSelector, Rules};
use crate::fetch::{Response, Tally};
use crate::store::{LoggedRun, StoreError, StoredHeal, StoredShape};

/// How long `render = "auto"` keeps to the browser before trying plain HTTP again.
const HTTP_RETRY_HOURS: i64 = 24;

/// How a section's page is loaded this run: `render = "auto"` goes straight to the browser
/// when it needed it last time, unless HTTP is due for another try.
pub(super) fn render_for(shared: &Shared, section: &Section) -> Result<Render, StoreError> {
    if section.render != Render::Auto {
        return Ok(section.render);
    }
    let memory = shared
        .store
        .lock()
        .expect("store lock")
        .render_memory(&section.key())?;
    Ok(match memory {
        Some((true, tried)) if shared.now - tried < Duration::hours(HTTP_RETRY_HOURS) => {
            Render::Browser
        }
        _ => Render::Http,
    })
}

/// What mending changed.
#[derive(Debug, Default)]
pub(super) struct Mended {
    /// The section with the selectors it healed to, when it used them.
    pub(super) healed: Option<Section>,
    /// For a section that still yields nothing: the proposal or why there is none.
    pub(super) note: Option<String>,
}

/// After the page was read with the section's own selectors (`gathered`, over `loaded`):
/// the browser for `render = "auto"`, then healing, weighed against the links the section has
/// stored (`known`).
#[allow(clippy::too_many_arguments)]
pub(super) async fn mend(
    shared: &Shared,
    section: &Section,
    loaded: Render,
    known: &HashMap<String, DateTime<Utc>>,
    response: &mut Response,
    gathered: &mut Gathered,
    tally: &Tally,
    report: &mut SectionReport,
) -> Result<Mended, SectionError> {
    if section.render == Render::Auto {
        rendered(shared, section, loaded, response, gathered, tally, report).await?;
    }
    if !heals(section) {
        return Ok(Mended::default());
    }
    let key = section.key();
    let (stored, runs) = {
        let store = shared.store.lock().expect("store lock");
        (
            store.heal(&key)?,
            store.recent_runs(&key, drift::LOOK_BACK)?,
        )
    };
    let configured = digest(section);
    let stored = stored.filter(|h| h.configured == configured);
    // What the stored items look like: asked of the store once, and only when needed.
    let mut shape = None;
    let mut stored_shape = || -> Result<StoredShape, StoreError> {
        if shape.is_none() {
            shape = Some(
                shared
                    .store
                    .lock()
                    .expect("store lock")
                    .stored_shape(&key)?,
            );
        }
        Ok(shape.expect("just read"))
    };
    // What healed selectors must find more than: the items the section's own found, unless
    // those were another list.
    let mut must_beat = gathered.found;
    if gathered.found > 0 {
        // A list none of whose links is stored may be another list: compare its titles.
        let unknown = !gathered.drafts.iter().any(|d| known.contains_key(&d.id));
        let strayed = if unknown {
            strayed(gathered, stored_shape()?)
        } else {
            None
        };
        if let Some(why) = &strayed {
            must_beat = 0;
            report.warnings.push(why.clone());
        }
        let fell = drift::count_fell(gathered.found, &runs) || strayed.is_some();
        if stored.is_some() && !fell {
            // The section's own selectors match again: what healed is forgotten.
            shared.store.lock().expect("store lock").clear_heal(&key)?;
        }
        if !fell {
            return Ok(Mended::default());
        }
    }
    let now = shared.now;
    // Selectors healed on an earlier run serve as long as they find items.
    if let Some(heal) = stored
        .as_ref()
        .filter(|h| h.applied && section.heal == Heal::Auto)
        && let Some(healed) =
            use_healed(section, heal, response, now, must_beat, gathered, report).await?
    {
        return Ok(healed);
    }
    let stored_any = !known.is_empty();
    // Weighing lists parses the page again: CPU work, on the blocking pool (a rare path: the
    // section's own selectors failed).
    let (page, known, shape, dated) = (
        response.clone(),
        known.clone(),
        stored_shape()?,
        dated_share(&runs),
    );
    let proposed = tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&page.text());
        let history = History {
            known: &known,
            shape,
            dated,
        };
        heal::propose(&document, &page.url, &history)
    })
    .await
    .expect("healing does not panic");
    let proposal = match proposed {
        Ok(proposal) => proposal,
        Err(why) => {
            let note = format!("not healed: {why}");
            if gathered.found > 0 {
                report.warnings.push(note);
                return Ok(Mended::default());
            }
            return Ok(Mended {
                healed: None,
                note: Some(note),
            });
        }
    };
    let heal = stored_heal(&proposal, configured, section.heal == Heal::Auto, now);
    shared
        .store
        .lock()
        .expect("store lock")
        .save_heal(&key, &heal)?;
    // How many of its items are stored says something only when the section stored some.
    let evidence = if !stored_any {
        format!("{}, {} items", proposal.rule, proposal.found)
    } else {
        format!(
            "{}: {} of {} items already stored",
            proposal.rule, proposal.known, proposal.found
        )
    };
    let proposed_text = format!(
        "selectors found anew: {} ({evidence}); `feedwright heal` shows the change",
        proposal.describe(),
    );
    if section.heal == Heal::Auto
        && let Some(healed) =
            use_healed(section, &heal, response, now, must_beat, gathered, report).await?
    {
        report.warnings.push(format!("healed: {proposed_text}"));
        return Ok(healed);
    }
    if gathered.found > 0 {
        report
            .warnings
            .push(format!("the list may have moved; {proposed_text}"));
        return Ok(Mended::default());
    }
    Ok(Mended {
        healed: None,
        note: Some(proposed_text),
    })
}

/// Whether a section heals at all: it has its own item selector on an HTML page, and `heal`
/// is not `"off"`.
fn heals(section: &Section) -> bool {
    section.heal != Heal::Off && section.source != Source::Feed && section.rules.item.is_some()
}

/// Reads `page` with the selectors of `heal`; when they find more than `must_beat` items,
/// they take the place of the section's own (`gathered`, the report) and the section healed
/// to is returned.
async fn use_healed(
    section: &Section,
    heal: &StoredHeal,
    page: &Response,
    now: DateTime<Utc>,
    must_beat: usize,
    gathered: &mut Gathered,
    report: &mut SectionReport,
) -> Result<Option<Mended>, SectionError> {
    let Some(healed) = with_selectors(section, &heal.selectors) else {
        return Ok(None);
    };
    let again = read_with(&healed, page, now).await?;
    if again.found <= must_beat {
        return Ok(None);
    }
    report.healed = Some(described(&heal.selectors, &heal.rule));
    *gathered = again;
    Ok(Some(Mended {
        healed: Some(healed),
        note: None,
    }))
}

/// Share of the items of the successful `runs` that carried a date.
fn dated_share(runs: &[LoggedRun]) -> f64 {
    let (dated, found) = runs
        .iter()
        .filter(|r| r.failure.is_none())
        .fold((0, 0), |(d, f), r| {
            (d + r.counts.coverage.dated, f + r.counts.found)
        });
    if found == 0 {
        0.0
    } else {
        dated as f64 / found as f64
    }
}

/// For `check`, which has no history: the page's most prominent list as selectors to try,
/// when the section's own found nothing and it heals.
pub(super) fn proposal_note(section: &Section, page: &Response) -> Option<String> {
    if !heals(section) {
        return None;
    }
    let known = HashMap::new();
    let history = History {
        known: &known,
        shape: StoredShape::default(),
        dated: 0.0,
    };
    let document = Html::parse_document(&page.text());
    Some(match heal::propose(&document, &page.url, &history) {
        Ok(proposal) => format!(
            "the page's lists suggest: {} ({} items)",
            proposal.describe(),
            proposal.found
        ),
        Err(why) => format!("no selectors to suggest: {why}"),
    })
}

/// Fewest stored items before titles and links are compared with them.
const MIN_STORED_FOR_TITLES: usize = 5;

/// Whether the selectors now match another list: none of its links is stored and its titles
/// are far shorter than the stored ones (a menu where the stories were).
/// (The caller has seen that none of its links is stored.)
fn strayed(gathered: &Gathered, shape: StoredShape) -> Option<String> {
    if shape.items < MIN_STORED_FOR_TITLES || gathered.drafts.is_empty() {
        return None;
    }
    let chars = gathered
        .drafts
        .iter()
        .map(|d| d.title.chars().count() as f64)
        .sum::<f64>()
        / gathered.drafts.len() as f64;
    (chars * 2.0 < shape.title_chars).then(|| {
        format!(
            "titles and links changed: none of the {} items is stored and their titles run \
             {chars:.0} characters against {:.0}; the selectors may match another list",
            gathered.drafts.len(),
            shape.title_chars
        )
    })
}

/// `render = "auto"`: HTTP found nothing, so the browser reads the page; whichever worked is
/// remembered.
async fn rendered(
    shared: &Shared,
    section: &Section,
    loaded: Render,
    response: &mut Response,
    gathered: &mut Gathered,
    tally: &Tally,
    report: &mut SectionReport,
) -> Result<(), SectionError> {
    let key = section.key();
    if loaded == Render::Browser {
        report.render = Some("browser");
        return Ok(());
    }
    report.render = Some("http");
    let browser = if gathered.found == 0 {
        let page = shared
            .loader
            .page(
                &section.url,
                Render::Browser,
                section.wait_for.as_deref(),
                &section.profile,
                tally,
            )
            .await;
        match page {
            Ok(page) => {
                let again = read_with(section, &page, shared.now).await?;
                (again.found > 0).then_some((page, again))
            }
            Err(e) => {
                report.warnings.push(format!(
                    "render = \"auto\": the browser could not help: {e}"
                ));
                None
            }
        }
    } else {
        None
    };
    let used_browser = browser.is_some();
    if let Some((page, again)) = browser {
        *response = page;
        *gathered = again;
        report.render = Some("browser");
    }
    shared
        .store
        .lock()
        .expect("store lock")
        .save_render(&key, used_browser, shared.now)?;
    Ok(())
}

/// Reads `page` with `section`'s selectors, on the blocking pool.
async fn read_with(
    section: &Section,
    page: &Response,
    now: DateTime<Utc>,
) -> Result<Gathered, SectionError> {
    let (owned, page) = (section.clone(), page.clone());
    tokio::task::spawn_blocking(move || gather(&owned, &page, now))
        .await
        .expect("parsing does not panic")
}

/// `section` reading with `selectors` (by field name) instead of its own.
fn with_selectors(section: &Section, selectors: &[(String, String)]) -> Option<Section> {
    let mut rules = Rules::default();
    for (name, css) in selectors {
        let field = Field::ALL.into_iter().find(|f| f.name() == name)?;
        rules.set(field, Some(FieldSelector::parse(css).ok()?));
    }
    let mut healed = section.clone();
    healed.rules = rules;
    Some(healed)
}

/// A digest of the config's own selectors of a section.
pub(super) fn digest(section: &Section) -> String {
    let text: Vec<&str> = Field::ALL
        .into_iter()
        .map(|f| section.rules.get(f).map_or("", FieldSelector::source))
        .collect();
    format!("{:x}", Sha256::digest(text.join("\u{1f}").as_bytes()))
}

fn stored_heal(
    proposal: &Proposal,
    configured: String,
    applied: bool,
    at: DateTime<Utc>,
) -> StoredHeal {
    StoredHeal {
        configured,
        selectors: proposal
            .selectors
            .iter()
            .map(|(field, css)| (field.name().to_string(), css.clone()))
            .collect(),
        applied,
        rule: proposal.rule.to_string(),
        found: proposal.found,
        known: proposal.known,
        sample: proposal.sample.clone(),
        at,
    }
}

/// `item = "…", title = "…" (known links)`.
fn described(selectors: &[(String, String)], rule: &str) -> String {
    let fields: Vec<String> = selectors
        .iter()
        .map(|(field, css)| format!("{field} = {css:?}"))
        .collect();
    format!("{} ({rule})", fields.join(", "))
}

/// Selectors found anew for a section, as `feedwright heal` shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HealProposal {
    /// `site/section`.
    pub section: String,
    /// Its site's id.
    pub site_id: String,
    /// Its own id.
    pub section_id: String,
    /// The config's selectors now, by field name.
    pub old: Vec<(String, String)>,
    /// The selectors found anew, by field name.
    pub new: Vec<(String, String)>,
    /// Whether runs use them already (`heal = "auto"`).
    pub applied: bool,
    /// The rule that chose them.
    pub rule: String,
    /// Items they find, and of those, items already stored.
    pub found: usize,
    /// Items they find that the section had stored.
    pub known: usize,
    /// A few of their titles.
    pub sample: Vec<String>,
}

/// The selectors found anew for the `selected` sections that their config does not say yet,
/// from the state alone.
pub fn heal_proposals(
    config: &crate::config::Config,
    selected: &[&Section],
) -> Result<Vec<HealProposal>, super::PassError> {
    let (store, _copy) = match super::read_state(config) {
        Ok(opened) => opened,
        Err(StoreError::Missing { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut proposals = Vec::new();
    for section in selected {
        let Some(heal) = store.heal(&section.key())? else {
            continue;
        };
        let old: Vec<(String, String)> = Field::ALL
            .into_iter()
            .filter_map(|f| {
                Some((
                    f.name().to_string(),
                    section.rules.get(f)?.source().to_string(),
                ))
            })
            .collect();
        // Stale once the config changed, unless it changed to these very selectors.
        if heal.configured != digest(section) || same_selectors(&old, &heal.selectors) {
            continue;
        }
        proposals.push(HealProposal {
            section: section.key(),
            site_id: section.site_id.clone(),
            section_id: section.id.clone(),
            old,
            new: heal.selectors,
            applied: heal.applied,
            rule: heal.rule,
            found: heal.found,
            known: heal.known,
            sample: heal.sample,
        });
    }
    Ok(proposals)
}

fn same_selectors(a: &[(String, String)], b: &[(String, String)]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}
