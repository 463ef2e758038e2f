//! Later pages of a section (`pages = N`): its next-page link followed page after page, their
//! items merged in page order without duplicates. Paging stops at the last page asked for, at a
//! page with no next link, at a page seen before, at a page whose items are all already in the
//! history, or at a page that cannot be read (a warning; page 1's items stand).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use url::Url;

use super::gather::{Gathered, gather};
use super::load::Loader;
use crate::config::Section;
use crate::extract::pager::NextLink;
use crate::fetch::{Response, Tally};

/// Reads up to `section.pages - 1` pages after `first`, adding their items to `gathered`.
/// `known` says whether an item is already in the history. Returns the links followed.
pub(super) async fn follow(
    loader: &Loader,
    section: &Section,
    first: &Response,
    gathered: &mut Gathered,
    known: &(dyn Fn(&str) -> bool + Sync),
    now: DateTime<Utc>,
    tally: &Tally,
) -> Vec<NextLink> {
    let mut followed = Vec::new();
    let mut current = gathered.next.take();
    if section.pages < 2 || current.is_none() {
        return followed;
    }
    let mut visited: HashSet<Url> = [section.url.clone(), first.url.clone()].into();
    let mut ids: HashSet<String> = gathered.drafts.iter().map(|d| d.id.clone()).collect();
    for page in 2..=section.pages {
        let Some(next) = current.take() else { break };
        if !visited.insert(next.url.clone()) {
            break;
        }
        let loaded = loader
            .page(
                &next.url,
                section.render,
                section.wait_for.as_deref(),
                &section.profile,
                tally,
            )
            .await
            .and_then(|response| gather(section, &response, now));
        let more = match loaded {
            Ok(read) => read,
            Err(e) => {
                gathered
                    .warnings
                    .push(format!("page {page} not read, paging stopped: {e}"));
                break;
            }
        };
        followed.push(next);
        let all_known = more.drafts.iter().all(|d| known(&d.id));
        let before = gathered.drafts.len();
        gathered
            .drafts
            .extend(more.drafts.into_iter().filter(|d| ids.insert(d.id.clone())));
        gathered.found += gathered.drafts.len() - before;
        gathered.warnings.extend(
            more.warnings
                .into_iter()
                .map(|w| format!("page {page}: {w}")),
        );
        if all_known || gathered.drafts.len() == before {
            break;
        }
        current = more.next;
    }
    followed
}
