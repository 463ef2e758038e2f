//! Sharding: `--shard K/N` splits the sections among N workers by **group of hosts**. Sections
//! whose hosts overlap (the section's host, its site's `home` and `hosts`, a leading `www.`
//! ignored) form one group, and a group belongs to shard `fnv1a64(smallest host name) mod N`
//! (FNV-1a, 64 bits, over the host name's UTF-8 bytes: stable across versions and machines), so
//! every request to one host comes from one worker.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use super::{Config, Section};

/// One of N shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0.
    pub index: u32,
    /// N.
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 0 ≤ K < N.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("shard {text:?} is not K/N with 0 <= K < N (such as 0/4)");
        let (index, count) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    /// `K-of-N`, as in the manifest's file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-of-{}", self.index, self.count)
    }
}

/// FNV-1a, 64 bits.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The shard a group whose smallest host is `host` belongs to.
pub fn shard_of(host: &str, count: u32) -> u32 {
    u32::try_from(fnv1a64(host.as_bytes()) % u64::from(count.max(1))).unwrap_or(0)
}

impl Config {
    /// For every section (`site/section`), the smallest host name of its group.
    pub fn host_groups(&self) -> HashMap<String, String> {
        let sections: Vec<&Section> = self.sections().collect();
        // Union-find over sections, joined through the hosts they share.
        let mut parent: Vec<usize> = (0..sections.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut first_with: HashMap<&str, usize> = HashMap::new();
        for (i, section) in sections.iter().enumerate() {
            for host in &section.profile.hosts {
                match first_with.get(host.as_str()) {
                    Some(&j) => {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a] = b;
                    }
                    None => {
                        first_with.insert(host, i);
                    }
                }
            }
        }
        let mut smallest: HashMap<usize, String> = HashMap::new();
        for (i, section) in sections.iter().enumerate() {
            let group = root(&mut parent, i);
            for host in &section.profile.hosts {
                let entry = smallest.entry(group).or_insert_with(|| host.clone());
                if host < entry {
                    *entry = host.clone();
                }
            }
        }
        sections
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let group = root(&mut parent, i);
                (s.key(), smallest.get(&group).cloned().unwrap_or_default())
            })
            .collect()
    }

    /// Whether `section` runs in `shard` (every section does without sharding).
    pub fn in_shard(
        &self,
        groups: &HashMap<String, String>,
        section: &Section,
        shard: Option<Shard>,
    ) -> bool {
        shard.is_none_or(|shard| {
            let host = groups.get(&section.key()).map_or("", String::as_str);
            shard_of(host, shard.count) == shard.index
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn shards_parse_and_show() {
        assert_eq!(
            "2/4".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 4 }
        );
        assert_eq!(Shard { index: 2, count: 4 }.to_string(), "2-of-4");
        for bad in ["4/4", "1/0", "x/2", "3", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(
            fnv1a64(b"a"),
            0xaf63_dc4c_8601_ec8c,
            "the published FNV-1a test vector"
        );
    }

    #[test]
    fn overlapping_hosts_share_a_group_and_every_section_one_shard() {
        let config = Config::parse(
            r#"
[[site]]
id = "a"
hosts = ["cdn.example.net"]
  [[site.section]]
  id = "one"
  url = "https://www.alpha.example/1"
  [[site.section]]
  id = "two"
  url = "https://news.alpha.example/2"
[[site]]
id = "b"
home = "https://cdn.example.net/"
  [[site.section]]
  id = "three"
  url = "https://beta.example/3"
[[site]]
id = "c"
  [[site.section]]
  id = "four"
  url = "https://gamma.example/4"
"#,
            Path::new("config.toml"),
        )
        .unwrap();
        let groups = config.host_groups();
        // a/one and a/two meet at cdn.example.net, and b/three through its home.
        assert_eq!(groups["a/one"], "alpha.example");
        assert_eq!(groups["a/two"], "alpha.example");
        assert_eq!(groups["b/three"], "alpha.example");
        assert_eq!(groups["c/four"], "gamma.example");
        for count in 1..6 {
            for section in config.sections() {
                let shards: Vec<u32> = (0..count)
                    .filter(|&index| {
                        config.in_shard(&groups, section, Some(Shard { index, count }))
                    })
                    .collect();
                assert_eq!(
                    shards.len(),
                    1,
                    "{} in exactly one of {count}",
                    section.key()
                );
            }
        }
    }
}
