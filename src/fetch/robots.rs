//! robots.txt as RFC 9309 reads it: groups per user agent, longest match wins, `*` and `$`.

/// The rules of one robots.txt that apply to one user agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

impl Robots {
    /// Rules that allow everything (robots.txt missing or a 4xx answer).
    pub fn allow_all() -> Self {
        Robots::default()
    }

    /// Parses `text` and keeps the group for `agent` (the product token, such as `feedwright`),
    /// else the `*` group.
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        let mut specific: Vec<Rule> = Vec::new();
        let mut wildcard: Vec<Rule> = Vec::new();
        let mut found_specific = false;
        // Agents named by the group being read, and whether its rules have started.
        let mut group_agents: Vec<String> = Vec::new();
        let mut in_rules = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        group_agents.clear();
                        in_rules = false;
                    }
                    group_agents.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" => {
                    in_rules = true;
                    if value.is_empty() {
                        continue;
                    }
                    let rule = Rule {
                        allow: key == "allow",
                        pattern: value.to_string(),
                    };
                    if group_agents
                        .iter()
                        .any(|a| a != "*" && agent.contains(a.as_str()))
                    {
                        found_specific = true;
                        specific.push(rule.clone());
                    }
                    if group_agents.iter().any(|a| a == "*") {
                        wildcard.push(rule);
                    }
                }
                _ => {}
            }
        }
        Robots {
            rules: if found_specific { specific } else { wildcard },
        }
    }

    /// `Ok` when `path` (with query) may be fetched, else the rule that forbids it.
    pub fn check(&self, path: &str) -> Result<(), String> {
        let best = self
            .rules
            .iter()
            .filter(|r| matches(&r.pattern, path))
            // Longest pattern wins; on a tie, allow wins.
            .max_by_key(|r| (r.pattern.len(), r.allow));
        match best {
            Some(rule) if !rule.allow => Err(format!("Disallow: {}", rule.pattern)),
            _ => Ok(()),
        }
    }
}

/// Whether a robots.txt path pattern (with `*` wildcards and a final `$` anchor) matches.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = path;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if i == parts.len() - 1 && anchored {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    !anchored || rest.is_empty() || pattern.ends_with('*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "\
User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$

User-agent: BadBot
User-agent: feedwright
Disallow: /no-feeds
";

    #[test]
    fn specific_group_wins_over_wildcard() {
        let robots = Robots::parse(TXT, "feedwright");
        assert_eq!(
            robots.check("/no-feeds/x"),
            Err("Disallow: /no-feeds".into())
        );
        assert_eq!(robots.check("/private/x"), Ok(()));
    }

    #[test]
    fn wildcard_group_longest_match_and_anchors() {
        let robots = Robots::parse(TXT, "otherbot");
        assert_eq!(
            robots.check("/private/x"),
            Err("Disallow: /private/".into())
        );
        assert_eq!(robots.check("/private/open/y"), Ok(()));
        assert_eq!(robots.check("/docs/a.pdf"), Err("Disallow: /*.pdf$".into()));
        assert_eq!(robots.check("/docs/a.pdf?x"), Ok(()));
        assert_eq!(robots.check("/"), Ok(()));
    }

    #[test]
    fn empty_disallow_and_garbage_allow_everything() {
        assert_eq!(
            Robots::parse("User-agent: *\nDisallow:\n", "fw").check("/a"),
            Ok(())
        );
        assert_eq!(
            Robots::parse("<html>not robots</html>", "fw").check("/a"),
            Ok(())
        );
        assert_eq!(
            Robots::parse("User-agent: *\nDisallow: /\n", "fw").check("/a"),
            Err("Disallow: /".into())
        );
    }
}
