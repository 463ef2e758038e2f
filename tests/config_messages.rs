//! Broken configs, as people write them: each one must be refused with exit 2 and one line
//! that names the file, line and column, shows the value as written, says what is wrong in
//! words, and never shows a Rust type or value.

mod support;

use support::Project;

/// A config that works; each case below breaks one thing in it.
const GOOD: &str = r#"[output]
base_url = "https://feeds.example.org/"
formats = ["rss", "atom"]
max_items = 50

[fetch]
timeout_secs = 20
concurrency = 4

[watch]
min_every = "5m"

[[site]]
id = "news"
title = "News"
timezone = "Europe/Berlin"
language = "de"
every = "30m"
render = "http"
date_order = "dmy"
  [site.items]
  item = "li.story"
  title = "h2 a"
  date = "time@datetime"
  date_format = "%d.%m.%Y"
  [[site.section]]
  id = "politik"
  url = "https://www.example.org/politik/"
  include = ["(?i)bundestag"]
  pages = 2
"#;

/// (what to replace in GOOD, its replacement, a phrase the message must hold, line of the error).
const CASES: &[(&str, &str, &str, usize)] = &[
    ("[output]", "[outptu]", "did you mean `output`", 1),
    (
        "max_items = 50",
        "max_items = 50\ncolour = 1",
        "unknown key `colour` in [output]",
        5,
    ),
    (
        "max_items = 50",
        "max_items = \"50\"",
        "write it without quotes: 50",
        4,
    ),
    (
        "max_items = 50",
        "max_items = 0",
        "max_items must be at least 1",
        4,
    ),
    ("max_items = 50", "max_items = -1", "whole number", 4),
    (
        "[\"rss\", \"atom\"]",
        "[\"rss\", \"xml\"]",
        "unknown value \"xml\"",
        3,
    ),
    ("[\"rss\", \"atom\"]", "\"rss\"", "a list", 3),
    (
        "[\"rss\", \"atom\"]",
        "[]",
        "formats must name at least one format",
        3,
    ),
    (
        "\"https://feeds.example.org/\"",
        "\"feeds.example.org\"",
        "add \"https://\"",
        2,
    ),
    (
        "max_items = 50",
        "max_items = 50\nwebsub_hub = \"not a url\"",
        "websub_hub \"not a url\"",
        5,
    ),
    (
        "timeout_secs = 20",
        "timeout_secs = \"20\"",
        "without quotes: 20",
        7,
    ),
    (
        "timeout_secs = 20",
        "timeout = 20",
        "did you mean `timeout_secs`",
        7,
    ),
    (
        "concurrency = 4",
        "concurrency = 4\nrobots_txt = \"yes\"",
        "true or false",
        9,
    ),
    (
        "concurrency = 4",
        "concurrency = 0",
        "concurrency must be at least 1",
        8,
    ),
    (
        "min_every = \"5m\"",
        "min_every = \"5 minutes please\"",
        "invalid duration",
        11,
    ),
    ("[[site]]\nid", "[site]\nid", "two brackets", 13),
    (
        "id = \"news\"",
        "id = \"Nachrichten News\"",
        "such as \"nachrichten-news\"",
        14,
    ),
    ("id = \"news\"\n", "", "missing key `id`", 13),
    (
        "Europe/Berlin",
        "Europe/Berlln",
        "did you mean \"Europe/Berlin\"",
        16,
    ),
    (
        "language = \"de\"",
        "language = \"xx-!!\"",
        "unknown language \"xx-!!\"",
        17,
    ),
    (
        "every = \"30m\"",
        "every = \"soon\"",
        "invalid duration \"soon\"",
        18,
    ),
    (
        "render = \"http\"",
        "render = \"chrome\"",
        "unknown value \"chrome\"",
        19,
    ),
    (
        "date_order = \"dmy\"",
        "date_order = \"dym\"",
        "did you mean \"dmy\"",
        20,
    ),
    ("pages = 2", "pages = \"2\"", "without quotes: 2", 30),
    ("pages = 2", "pages = 0", "pages must be from 1 to 100", 30),
    (
        "https://www.example.org/politik/",
        "127.0.0.1:8731/de/",
        "add \"https://\"",
        28,
    ),
    ("li.story", "li.", "a class name is missing after `.`", 22),
    ("h2 a", "h2 >", "nothing follows a combinator", 23),
    (
        "(?i)bundestag",
        "(?i)bundestag(",
        "invalid regex \"(?i)bundestag(\"",
        29,
    ),
    ("%d.%m.%Y", "%d.%Q.%Y", "date_format \"%d.%Q.%Y\"", 25),
    (
        "title = \"h2 a\"",
        "titel = \"h2 a\"",
        "did you mean `title`",
        23,
    ),
    (
        "render = \"http\"",
        "render = \"browser\"\nwait_for = \"div[\"",
        "wait_for",
        20,
    ),
    (
        "pages = 2",
        "pages = 2\nheaders = { Cookie = \"a=b\" }",
        "use the cookies",
        31,
    ),
    (
        "id = \"politik\"",
        "id = \"politik\"\n  id = \"x\"",
        "set twice",
        28,
    ),
    ("  url = \"https", "  url = https", "quote", 28),
    (
        "pages = 2",
        "pages = 2\nuser_agent = \"${FEEDWRIGHT_UNSET_FOR_TEST}\"",
        "environment variable FEEDWRIGHT_UNSET_FOR_TEST is not set",
        31,
    ),
];

/// Words that only a program's internals would show.
const INTERNALS: &[&str] = &[
    "Text(",
    "Some(",
    "None",
    "usize",
    "u32",
    "u64",
    "i64",
    "a sequence",
    "a map",
    "struct ",
    "report this to the developer",
    "Unexpected error",
    "ClassNeedsIdent",
    "DanglingCombinator",
    "invalid type",
    "unknown field",
    "unknown variant",
    "\\n",
];

#[test]
fn broken_configs_are_explained_in_one_plain_line() {
    assert!(CASES.len() >= 25);
    let mut failures = Vec::new();
    for (from, to, phrase, line) in CASES {
        assert!(GOOD.contains(from), "case does not apply: {from}");
        let project = Project::raw(&GOOD.replacen(from, to, 1));
        let output = project.cmd(&["check"]).code(2).get_output().clone();
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        let prefix = format!("error: {}:{line}:", project.config().display());
        let problems: Vec<String> = [
            (stderr.lines().count() != 1).then(|| "not one line".to_string()),
            (!stderr.starts_with(&prefix)).then(|| format!("does not start with {prefix}")),
            (!stderr.contains(phrase)).then(|| format!("lacks {phrase:?}")),
        ]
        .into_iter()
        .flatten()
        .chain(
            INTERNALS
                .iter()
                .filter(|word| stderr.contains(*word))
                .map(|word| format!("shows {word:?}")),
        )
        .collect();
        if !problems.is_empty() {
            failures.push(format!(
                "{from} -> {to}: {stderr}\n    {}",
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_config_without_sections_points_to_suggest() {
    for text in ["", "[output]\ndir = \"out\"\n", "[[site]]\nid = \"a\"\n"] {
        let project = Project::raw(text);
        let output = project.cmd(&["run"]).code(2).get_output().clone();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("no section"), "{stderr}");
        assert!(stderr.contains("feedwright suggest URL"), "{stderr}");
        assert!(
            !project.dir.path().join("feeds").exists(),
            "folders were made"
        );
        assert!(!project.dir.path().join(".feedwright").exists());
    }
}

#[test]
fn a_missing_config_says_where_it_looked_and_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .arg("run")
        .current_dir(dir.path())
        .env_remove("FEEDWRIGHT_CONFIG")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("config.toml"), "{stderr}");
    assert!(stderr.contains("--config"), "{stderr}");
    assert!(stderr.contains("FEEDWRIGHT_CONFIG"), "{stderr}");
    assert!(
        stderr.contains("feedwright suggest URL --append"),
        "{stderr}"
    );
}

/// A file with seven mistakes of every kind (the reader's, serde's, the checker's, inside an
/// inline table, a section id and its page) gets seven lines in one run, in file order, each
/// with its fix; more than twenty are cut to twenty and a count.
#[test]
fn every_mistake_of_a_file_at_once_in_file_order() {
    let seven = r#"[output]
formats = ["rss", "atomm"]
max_items = "many"

[fetch]
timeout_secs = 0

[[site]]
id = "news"
timzone = "Europe/Rome"

  [[site.section]]
  id = "front page"
  url = "not a url"
  items = { item = "li.story", titel = "h2" }
"#;
    let project = Project::raw(seven);
    let output = project.cmd(&["check"]).code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 7, "{stderr}");
    let config = project.config().display().to_string();
    let at: Vec<usize> = lines
        .iter()
        .map(|line| {
            let rest = line
                .strip_prefix(&format!("error: {config}:"))
                .unwrap_or_else(|| panic!("{line}"));
            rest.split(':').next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(at, [2, 3, 6, 10, 13, 14, 15], "{stderr}");
    for (line, fix) in lines.iter().zip([
        "did you mean \"atom\"?",
        "expected a whole number",
        "timeout_secs must be at least 1",
        "unknown key `timzone` in [[site]] \"news\"; did you mean `timezone`?",
        "such as \"front-page\"",
        "is not an http:// or https:// URL",
        "unknown key `titel` in items of [[site.section]] \"front page\"; did you mean `title`?",
    ]) {
        assert!(line.contains(fix), "{line}");
    }

    let many: String = (1..=25).map(|n| format!("key{n} = 1\n")).collect();
    let project = Project::raw(&format!("{many}{GOOD}"));
    let output = project.cmd(&["check"]).code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 21, "{stderr}");
    assert!(lines[0].contains(":1:1: unknown key `key1`"), "{stderr}");
    assert!(lines[19].contains(":20:1: unknown key `key20`"), "{stderr}");
    assert_eq!(lines[20], "error: and 5 more mistakes in the file");
}
