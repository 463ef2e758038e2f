//! robots.txt as RFC 9309 reads it, through `texting_robots` (tested against Google's
//! robots.txt suite): the group of our product token, else `*`; longest match wins; `*` and
//! `$`; paths compared percent-encoded.

use texting_robots::Robot;
use url::Url;

/// The rules of one robots.txt that apply to one user agent.
#[derive(Debug)]
pub struct Robots {
    /// `None`: everything is allowed (no robots.txt, a 4xx answer, or an unreadable file).
    robot: Option<Robot>,
    text: String,
    agent: String,
}

/// Whether a URL may be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// No rule forbids it.
    Allowed,
    /// A rule forbids it.
    Disallowed {
        /// The rule, as written: `Disallow: /private/`.
        rule: String,
    },
}

impl Robots {
    /// Rules that allow everything (robots.txt missing or a 4xx answer).
    pub fn allow_all() -> Self {
        Robots {
            robot: None,
            text: String::new(),
            agent: String::new(),
        }
    }

    /// Reads `text` for `agent`, the product token of our user agent (such as `feedwright`).
    /// A file that cannot be read at all allows everything, as crawlers treat it.
    pub fn parse(text: &str, agent: &str) -> Self {
        Robots {
            robot: Robot::new(agent, text.as_bytes()).ok(),
            text: text.to_string(),
            agent: agent.to_string(),
        }
    }

    /// Whether `url` may be fetched, and if not, the rule that says so.
    pub fn check(&self, url: &Url) -> Access {
        match &self.robot {
            Some(robot) if !robot.allowed(url.as_str()) => Access::Disallowed {
                rule: self.deciding_rule(url),
            },
            _ => Access::Allowed,
        }
    }

    /// The `Disallow` line that forbids `url`, found by asking the parser itself: among the
    /// lines that match `url` on their own, longest first, the first whose turning into an
    /// `Allow` lets `url` through.
    fn deciding_rule(&self, url: &Url) -> String {
        let lines: Vec<&str> = self.text.lines().collect();
        let mut matching: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| Some((index, disallowed_pattern(line)?)))
            .filter(|(_, pattern)| {
                Robot::new(
                    "*",
                    format!("User-agent: *\nDisallow: {pattern}").as_bytes(),
                )
                .is_ok_and(|alone| !alone.allowed(url.as_str()))
            })
            .collect();
        matching.sort_by_key(|(_, pattern)| std::cmp::Reverse(pattern.len()));
        matching
            .into_iter()
            .find(|&(index, pattern)| {
                let mut edited = lines.clone();
                let allow = format!("Allow: {pattern}");
                edited[index] = &allow;
                Robot::new(&self.agent, edited.join("\n").as_bytes())
                    .is_ok_and(|robot| robot.allowed(url.as_str()))
            })
            .map_or_else(
                || "a Disallow rule".to_string(),
                |(_, pattern)| format!("Disallow: {pattern}"),
            )
    }
}

/// The path pattern of a `Disallow:` line, if the line is one with a pattern.
fn disallowed_pattern(line: &str) -> Option<&str> {
    let line = line.split('#').next()?.trim();
    let (key, value) = line.split_once(':')?;
    let value = value.trim();
    (key.trim().eq_ignore_ascii_case("disallow") && !value.is_empty()).then_some(value)
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

    fn check(robots: &Robots, path: &str) -> Access {
        robots.check(
            &Url::parse("https://example.org")
                .unwrap()
                .join(path)
                .unwrap(),
        )
    }

    fn disallowed(rule: &str) -> Access {
        Access::Disallowed { rule: rule.into() }
    }

    #[test]
    fn specific_group_wins_over_wildcard() {
        let robots = Robots::parse(TXT, "feedwright");
        assert_eq!(
            check(&robots, "/no-feeds/x"),
            disallowed("Disallow: /no-feeds")
        );
        assert_eq!(check(&robots, "/private/x"), Access::Allowed);
    }

    #[test]
    fn wildcard_group_longest_match_and_anchors() {
        let robots = Robots::parse(TXT, "otherbot");
        assert_eq!(
            check(&robots, "/private/x"),
            disallowed("Disallow: /private/")
        );
        assert_eq!(check(&robots, "/private/open/y"), Access::Allowed);
        assert_eq!(
            check(&robots, "/docs/a.pdf"),
            disallowed("Disallow: /*.pdf$")
        );
        assert_eq!(check(&robots, "/docs/a.pdf?x"), Access::Allowed);
        assert_eq!(check(&robots, "/"), Access::Allowed);
    }

    #[test]
    fn agents_match_by_product_token_not_substring() {
        // "bot" is a substring of our agent "feedbot"; the group is not ours.
        let robots = Robots::parse("User-agent: bot\nDisallow: /\n", "feedbot");
        assert_eq!(check(&robots, "/a"), Access::Allowed);
        let robots = Robots::parse("User-agent: FeedBot\nDisallow: /\n", "feedbot");
        assert_eq!(check(&robots, "/a"), disallowed("Disallow: /"));
    }

    #[test]
    fn paths_are_compared_percent_encoded() {
        let robots = Robots::parse("User-agent: *\nDisallow: /caf%C3%A9/\n", "fw");
        assert_eq!(
            check(&robots, "/café/menu"),
            disallowed("Disallow: /caf%C3%A9/")
        );
        let robots = Robots::parse("User-agent: *\nDisallow: /café/\n", "fw");
        assert_eq!(
            check(&robots, "/caf%C3%A9/menu"),
            disallowed("Disallow: /café/")
        );
    }

    #[test]
    fn empty_disallow_and_garbage_allow_everything() {
        assert_eq!(
            check(&Robots::parse("User-agent: *\nDisallow:\n", "fw"), "/a"),
            Access::Allowed
        );
        assert_eq!(
            check(&Robots::parse("<html>not robots</html>", "fw"), "/a"),
            Access::Allowed
        );
        assert_eq!(check(&Robots::allow_all(), "/a"), Access::Allowed);
        assert_eq!(
            check(&Robots::parse("User-agent: *\nDisallow: /\n", "fw"), "/a"),
            disallowed("Disallow: /")
        );
    }
}
