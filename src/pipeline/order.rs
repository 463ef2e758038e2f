//! The order a pass takes its sections in. Sections are grouped by host group (sections whose
//! hosts overlap, as sharding groups them) and taken a window of groups at a time, one section
//! of each group in turn: requests to one host are spread out instead of queueing behind its
//! spacing, many hosts are busy at once, and a group that is done is not visited again, so its
//! connection can be closed while the pass goes on.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::config::{Config, Section};

/// Page load time the window is sized for: wide enough that, with pages this fast, the
/// spacing between requests to one host never leaves the workers idle.
const TYPICAL_PAGE_TIME: Duration = Duration::from_millis(200);

/// How many host groups a pass works on at once, with `under_way` sections in flight.
pub(super) fn window(config: &Config, under_way: usize) -> usize {
    let spacing = config.fetch.client.host_delay.as_millis();
    let per_slot = spacing.div_ceil(TYPICAL_PAGE_TIME.as_millis()).max(1);
    under_way.saturating_mul(usize::try_from(per_slot).unwrap_or(usize::MAX))
}

/// `selected` in the order a pass runs them, each with its position in `selected`.
pub(super) fn order<'a>(
    config: &Config,
    selected: &[&'a Section],
    window: usize,
) -> Vec<(usize, &'a Section)> {
    let groups = config.host_groups();
    // Groups in the order their first section is listed, each its sections in listed order.
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut queues: Vec<VecDeque<(usize, &'a Section)>> = Vec::new();
    for (i, section) in selected.iter().enumerate() {
        let group = groups.get(&section.key()).map_or("", String::as_str);
        let at = *position.entry(group).or_insert_with(|| {
            queues.push(VecDeque::new());
            queues.len() - 1
        });
        queues[at].push_back((i, section));
    }
    let mut waiting = queues.into_iter();
    let mut open: VecDeque<VecDeque<(usize, &'a Section)>> =
        waiting.by_ref().take(window.max(1)).collect();
    let mut ordered = Vec::with_capacity(selected.len());
    while let Some(mut group) = open.pop_front() {
        ordered.extend(group.pop_front());
        if group.is_empty() {
            open.extend(waiting.next());
        } else {
            open.push_back(group);
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(hosts: &[&str]) -> Config {
        let mut text = String::from("[[site]]\nid = \"s\"\n");
        for (i, host) in hosts.iter().enumerate() {
            text.push_str(&format!(
                "  [[site.section]]\n  id = \"x{i}\"\n  url = \"https://{host}/{i}\"\n"
            ));
        }
        Config::parse(&text, Path::new("/tmp/feedwright.toml")).unwrap()
    }

    fn ids(config: &Config, window: usize) -> Vec<String> {
        let selected: Vec<&Section> = config.sections().collect();
        order(config, &selected, window)
            .into_iter()
            .map(|(i, s)| {
                assert_eq!(s.key(), selected[i].key());
                s.id.clone()
            })
            .collect()
    }

    #[test]
    fn groups_take_turns_a_window_at_a_time() {
        let config = config(&["a.org", "a.org", "a.org", "b.org", "b.org", "c.org"]);
        assert_eq!(ids(&config, 8), ["x0", "x3", "x5", "x1", "x4", "x2"]);
        // Two groups open at once: c waits until a group is done.
        assert_eq!(ids(&config, 2), ["x0", "x3", "x1", "x4", "x2", "x5"]);
        assert_eq!(ids(&config, 1), ["x0", "x1", "x2", "x3", "x4", "x5"]);
    }

    #[test]
    fn the_window_widens_with_host_spacing() {
        let mut config = config(&["a.org"]);
        config.fetch.client.host_delay = Duration::ZERO;
        assert_eq!(window(&config, 32), 32);
        config.fetch.client.host_delay = Duration::from_millis(1000);
        assert_eq!(window(&config, 32), 160);
    }
}
