//! The subcommands as the binary runs them: load the config, run a pass, print, exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use feedwright::config::{self, Config, Render, Shard};
use feedwright::fetch::browser;
use feedwright::pipeline::{self, Observer, PassError};
use feedwright::store::StoreError;

use super::checked;
use super::progress::{Bar, Lines};
use super::{EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, logging, report, runtime};

/// Loads the config at `path` (or the default place) for `shard`; a bad one is reported,
/// and so are its warnings.
pub(super) fn load_shard(path: Option<PathBuf>, shard: Option<Shard>) -> Result<Config, i32> {
    let config = load(path)?;
    for warning in config.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(config.with_shard(shard))
}

/// Loads the config at `path` (or the default place); a bad one is reported.
fn load(path: Option<PathBuf>) -> Result<Config, i32> {
    let path = config::default_path(path);
    let config = Config::load(&path).map_err(|e| {
        report::error(&e);
        EXIT_USAGE
    })?;
    logging::hide(&config.secrets);
    Ok(config)
}

/// The sections `only` names (all without names); an unknown name is reported.
fn select<'a>(config: &'a Config, only: &[String]) -> Result<Vec<&'a config::Section>, i32> {
    config.select(only).map_err(|e| {
        report::error(&e);
        EXIT_USAGE
    })
}

/// A page address given on the command line: http(s) only; another is reported.
/// An address without a scheme (`example.org/news`) is tried with `https://`, as a browser's
/// address bar does, and that is said.
fn web_url(text: &str) -> Result<url::Url, i32> {
    let text = text.trim();
    let web = |u: &url::Url| matches!(u.scheme(), "http" | "https") && u.host().is_some();
    if let Some(url) = url::Url::parse(text).ok().filter(web) {
        return Ok(url);
    }
    let looks_like_host = !text.contains("://")
        && text
            .split('/')
            .next()
            .is_some_and(|host| host.contains('.') && !host.contains(' '));
    match url::Url::parse(&format!("https://{text}")).ok().filter(web) {
        Some(url) if looks_like_host => {
            eprintln!("no scheme given: trying {url}");
            Ok(url)
        }
        _ => {
            eprintln!("error: {text:?} is not an http:// or https:// URL");
            Err(EXIT_USAGE)
        }
    }
}

/// The current time in whole seconds, as feeds and the store record it.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// Reports a pass that could not run, and the exit code for it.
pub(super) fn pass_failed(error: &PassError) -> i32 {
    eprintln!("error: {}", logging::redact(&error.to_string()));
    match error {
        PassError::Store(StoreError::Locked { .. }) => EXIT_LOCKED,
        _ => EXIT_FAILED,
    }
}

/// `feedwright run`: one pass over the selected sections; returns the exit code.
pub(super) fn run(
    config: Option<PathBuf>,
    shard: Option<Shard>,
    only: &[String],
    quiet: bool,
    json: bool,
    verbose: bool,
) -> i32 {
    let config = match load_shard(config, shard) {
        Ok(config) => Arc::new(config),
        Err(code) => return code,
    };
    let selected = match select(&config, only) {
        Ok(selected) => selected,
        Err(code) => return code,
    };
    let interactive = std::io::stderr().is_terminal() && !quiet && !json;
    let bar = interactive.then(|| Bar::new(selected.len()));
    let lines = Lines::new(quiet, verbose).in_order(selected.iter().map(|s| s.key()));
    let observer: &dyn Observer = match &bar {
        Some(bar) => bar,
        None => &lines,
    };
    let pass = runtime::pass();
    let result = pass.block_on(pipeline::run(&config, &selected, now(), observer));
    // The process ends once the report is out: the runtime is left to the exit, which closes
    // the pass's connections at once instead of three system calls each (a tenth of a warm
    // run's).
    std::mem::forget(pass);
    if let Some(bar) = &bar {
        bar.finish();
    }
    let report = match result {
        Ok(report) => report,
        Err(e) => return pass_failed(&e),
    };
    if json {
        println!("{}", logging::redact(&report::summary_json(&report)));
    } else if !quiet {
        print!("{}", logging::redact(&report::summary_table(&report)));
        // On a terminal the bar showed no warnings one by one: list them under the table.
        if verbose && bar.is_some() {
            for section in &report.sections {
                for warning in report::warnings_of(section) {
                    eprintln!("{}: warning: {}", section.section, logging::redact(warning));
                }
            }
        }
    }
    if let Some(done) = &report.reseeded {
        eprintln!("state: {}", logging::redact(&done.to_string()));
    }
    if let Some(error) = &report.listing_error {
        eprintln!("error: {}", logging::redact(error));
    }
    if let Some(stages) = feedwright::cpu::totals() {
        eprintln!(
            "{}",
            report::stage_line(&stages, feedwright::cpu::process_millis())
        );
    }
    if report.all_ok() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// `feedwright check`: fetch and extract without writing; returns the exit code.
pub(super) fn check(
    config_path: Option<PathBuf>,
    shard: Option<Shard>,
    only: Option<String>,
    json: bool,
) -> i32 {
    let config = match load_shard(config_path, shard) {
        Ok(config) => Arc::new(config),
        Err(code) => return code,
    };
    let names: Vec<String> = only.into_iter().collect();
    let selected = match select(&config, &names) {
        Ok(selected) => selected,
        Err(code) => return code,
    };
    let count = config.sections().count();
    eprintln!(
        "{}: config is valid ({count} {})",
        config.path.display(),
        report::plural(count, "section")
    );
    if let Some(shard) = config.shard {
        eprintln!(
            "shard {} of {}: {} {}",
            shard.index,
            shard.count,
            selected.len(),
            report::plural(selected.len(), "section")
        );
    }
    let rendered = selected
        .iter()
        .filter(|s| s.render == Render::Browser)
        .count();
    if rendered > 0
        && let Err(e) = browser::locate(config.browser.path.as_deref())
    {
        let sections = if rendered == 1 {
            "section has"
        } else {
            "sections have"
        };
        eprintln!("warning: {rendered} {sections} render = \"browser\": {e}");
    }
    let reports = match runtime::general().block_on(pipeline::check(&config, &selected, now())) {
        Ok(reports) => reports,
        Err(e) => return pass_failed(&e),
    };
    if json {
        let text = serde_json::to_string_pretty(&checked::check_json(&reports))
            .expect("the check serialises");
        println!("{}", logging::redact(&text));
    } else {
        let (table, warnings) = checked::check_output(&reports);
        print!("{}", logging::redact(&table));
        eprint!("{}", logging::redact(&warnings));
    }
    let all_ok = reports
        .iter()
        .all(|r| r.status.is_ok() && !r.items.is_empty());
    if all_ok { EXIT_OK } else { EXIT_FAILED }
}

/// `feedwright status`: every section's state, from the store alone; returns the exit code.
pub(super) fn status(config_path: Option<PathBuf>, shard: Option<Shard>, json: bool) -> i32 {
    let config = match load_shard(config_path, shard) {
        Ok(config) => config,
        Err(code) => return code,
    };
    match pipeline::status(&config, now()) {
        Ok(sections) if json => {
            let text = serde_json::to_string_pretty(&sections).expect("status serialises");
            println!("{}", logging::redact(&text));
            EXIT_OK
        }
        Ok(sections) => {
            print!("{}", logging::redact(&report::status_table(&sections)));
            EXIT_OK
        }
        Err(e) => pass_failed(&e),
    }
}

/// `feedwright suggest URL`: proposes selectors for the page's main list; returns the exit code.
pub(super) fn suggest(url: &str, browser: bool, append: Option<&std::path::Path>) -> i32 {
    let url = match web_url(url) {
        Ok(url) => url,
        Err(code) => return code,
    };
    let found = match runtime::general().block_on(pipeline::suggest(&url, browser)) {
        Ok(found) => found,
        Err(e) => {
            report::error(&e);
            return EXIT_FAILED;
        }
    };
    print!("{}", report::suggestion(&url, &found, browser));
    let Some(section) = found.section(&url, browser) else {
        return EXIT_FAILED;
    };
    let Some(path) = append else {
        return EXIT_OK;
    };
    match config::append(path, &section) {
        Ok(done) => {
            let file = path.display();
            let site = &done.site;
            let what = match done.placed {
                config::Placement::Created => {
                    format!(
                        "created {file} with section {}, in a new site {site}",
                        done.key
                    )
                }
                config::Placement::NewSite => {
                    format!("added section {} to {file}, in a new site {site}", done.key)
                }
                config::Placement::SameId => format!(
                    "added section {} to {file}, under the existing site {site} (same id)",
                    done.key
                ),
                config::Placement::SameHost => format!(
                    "added section {} to {file}, under the existing site {site} (same host)",
                    done.key
                ),
            };
            eprintln!(
                "{what}; try it with feedwright check --config {file} {}",
                done.key
            );
            EXIT_OK
        }
        Err(e) => {
            report::error(&e);
            EXIT_USAGE
        }
    }
}

/// `feedwright date TEXT`: how a date string is read; returns the exit code.
pub(super) fn date(text: &str, language: Option<&str>, timezone: &str) -> i32 {
    use feedwright::locale::Language;
    use feedwright::normalize::dates::{DateOrder, DateRules, ParsedDate, parse_date};
    let given = match language {
        None => None,
        Some(tag) => match Language::from_tag(tag) {
            Some(language) => Some(language),
            None => {
                let hint = Language::nearest_tag(tag)
                    .map_or_else(String::new, |near| format!("; did you mean \"{near}\"?"));
                eprintln!("error: unknown language {tag:?}{hint}");
                return EXIT_USAGE;
            }
        },
    };
    let Ok(zone) = timezone.trim().parse::<chrono_tz::Tz>() else {
        let hint = config::nearest_timezone(timezone).map_or_else(
            || "use an IANA name such as \"Europe/Paris\"".to_string(),
            |near| format!("did you mean \"{near}\"?"),
        );
        eprintln!("error: unknown timezone {timezone:?}: {hint}");
        return EXIT_USAGE;
    };
    let now = now();
    let read = |language: &Language| {
        let rules = DateRules {
            order: DateOrder::Auto,
            format: None,
            language,
            now: Some((now, zone)),
        };
        parse_date(text, &rules)
    };
    // Without --language: English, else every language whose words read it.
    let found = match &given {
        Some(language) => read(language).map(|parsed| (parsed, language.code().to_string())),
        // Another language's word for "now" is too often an English word (`no` is "now" in
        // Nynorsk): without --language, such a reading is not taken.
        None => Language::candidates_for(text).find_map(|language| {
            read(&language)
                .filter(|parsed| {
                    language.is_english()
                        || !matches!(parsed, ParsedDate::Zoned(at) if at.with_timezone(&Utc) == now)
                })
                .map(|parsed| (parsed, language.code().to_string()))
        }),
    };
    let Some((parsed, code)) = found else {
        let tried = given.as_ref().map_or_else(
            || "in any language".to_string(),
            |l| format!("(language {})", l.code()),
        );
        eprintln!(
            "could not read a date in {text:?} {tried}: no date form matched; an item dated so \
             takes its first-seen time"
        );
        return EXIT_FAILED;
    };
    if given.is_none() && code != "en" {
        println!("read as language {code} (give --language to choose)");
    }
    if text
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "IST")
    {
        println!(
            "IST is ambiguous: read as India's (+05:30), or as Ireland's or Israel's when the site \
             is there (--timezone Europe/Dublin or Asia/Jerusalem, --language ga or he)"
        );
    }
    let instant = parsed.resolve(zone, now, now);
    let local = instant.with_timezone(&zone);
    let shown = |at: chrono::DateTime<Utc>| {
        format!(
            "{} ({zone}) = {}",
            at.with_timezone(&zone).format("%Y-%m-%d %H:%M %:z"),
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    };
    if parsed.is_future(zone, now) {
        println!(
            "in the future: clamped to now: says {}, taken as {}",
            shown(parsed.instant(zone, now)),
            shown(instant)
        );
        return EXIT_OK;
    }
    match parsed {
        ParsedDate::Day(day) => println!(
            "{day} ({zone}), precision: day (an item dated so takes its first-seen time that \
             day, else {} = {})",
            local.format("%Y-%m-%d %H:%M %:z"),
            instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        _ => println!("{}, precision: minute", shown(instant)),
    }
    EXIT_OK
}

/// `feedwright heal`: the selectors found anew, as a config change; returns the exit code (0:
/// nothing to heal or written, 1: proposals not written).
pub(super) fn heal(config_path: Option<PathBuf>, only: &[String], write: bool) -> i32 {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let selected = match select(&config, only) {
        Ok(selected) => selected,
        Err(code) => return code,
    };
    let proposals = match pipeline::heal_proposals(&config, &selected) {
        Ok(proposals) => proposals,
        Err(e) => return pass_failed(&e),
    };
    let templates = match pipeline::learned_templates(&config, &selected) {
        Ok(templates) => templates,
        Err(e) => return pass_failed(&e),
    };
    // Learned article templates are shown, and written with --write; they are not repairs,
    // so they leave the exit code alone.
    for (site, selector) in &templates {
        println!(
            "{site}: learned article template: [site.article] content = {selector:?} (in place \
             of \"auto\"; --write puts it in the config)"
        );
    }
    if write && !templates.is_empty() {
        match config::write_article_content(&config.path, &templates) {
            Ok(written) => eprintln!(
                "{}: wrote the article templates of {}",
                config.path.display(),
                written.join(", ")
            ),
            Err(e) => {
                report::error(&e);
                return EXIT_USAGE;
            }
        }
    }
    if proposals.is_empty() {
        eprintln!("nothing to heal: every section's selectors are its config's own");
        return EXIT_OK;
    }
    print!("{}", logging::redact(&report::heal_diff(&proposals)));
    if !write {
        eprintln!(
            "{} {} to heal; feedwright heal --write puts the change into {}",
            proposals.len(),
            report::plural(proposals.len(), "section"),
            config.path.display()
        );
        return EXIT_FAILED;
    }
    let changes: Vec<config::SelectorChange> = proposals
        .iter()
        .map(|p| (p.site_id.clone(), p.section_id.clone(), p.new.clone()))
        .collect();
    match config::write_selectors(&config.path, &changes) {
        Ok(written) => {
            eprintln!(
                "{}: wrote the selectors of {}",
                config.path.display(),
                written.join(", ")
            );
            EXIT_OK
        }
        Err(e) => {
            report::error(&e);
            EXIT_USAGE
        }
    }
}

/// `feedwright suggest --article URL`: what automatic extraction finds on one article page;
/// returns the exit code.
pub(super) fn suggest_article(url: &str) -> i32 {
    let url = match web_url(url) {
        Ok(url) => url,
        Err(code) => return code,
    };
    match runtime::general().block_on(pipeline::suggest_article(&url)) {
        Ok(preview) => {
            print!("{}", report::article_preview(&preview));
            if preview.text.is_some() {
                EXIT_OK
            } else {
                EXIT_FAILED
            }
        }
        Err(e) => {
            report::error(&e);
            EXIT_FAILED
        }
    }
}
