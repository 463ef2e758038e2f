//! The subcommands as the binary runs them: load the config, run a pass, print, exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, SubsecRound, Utc};

use crate::config::{self, Config};
use crate::pipeline::{self, PassError};
use crate::report;
use crate::store::StoreError;

/// Exit code: every selected section succeeded.
pub const EXIT_OK: i32 = 0;
/// Exit code: at least one section failed.
pub const EXIT_FAILED: i32 = 1;
/// Exit code: bad config or usage.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: another `run` or `watch` holds the state lock.
pub const EXIT_LOCKED: i32 = 3;

/// Options of `feedwright run`.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--only SITE[/SECTION]`, repeatable.
    pub only: Vec<String>,
    /// `--quiet`: print only failures.
    pub quiet: bool,
    /// `--json`: print the summary as JSON on stdout.
    pub json: bool,
}

fn load(path: Option<PathBuf>) -> Result<Config, i32> {
    let path = config::default_path(path);
    Config::load(&path).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })
}

/// The current time in whole seconds, as feeds and the store record it.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
}

/// `feedwright run`: one pass over the selected sections; returns the exit code.
pub fn run(options: RunOptions) -> i32 {
    let config = match load(options.config) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let selected = match config.select(&options.only) {
        Ok(selected) => selected,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let result = runtime().block_on(pipeline::run(&config, &selected, now()));
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return match e {
                PassError::Store(StoreError::Locked { .. }) => EXIT_LOCKED,
                _ => EXIT_FAILED,
            };
        }
    };
    let mut stderr = std::io::stderr().lock();
    for section in &report.sections {
        if !options.quiet || section.status != pipeline::Status::Ok {
            let _ = writeln!(stderr, "{}", report::section_line(section));
        }
    }
    if options.json {
        println!("{}", report::summary_json(&report));
    } else if !options.quiet {
        print!("{}", report::summary_table(&report));
    }
    report.exit_code()
}

/// `feedwright check`: fetch and extract without writing; returns the exit code.
pub fn check(config_path: Option<PathBuf>, only: Option<String>) -> i32 {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let names: Vec<String> = only.into_iter().collect();
    let selected = match config.select(&names) {
        Ok(selected) => selected,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    eprintln!(
        "{}: config is valid ({} sections)",
        config.path.display(),
        config.sections().count()
    );
    let reports = match runtime().block_on(pipeline::check(&config, &selected, now())) {
        Ok(reports) => reports,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let (table, warnings) = report::check_output(&reports);
    print!("{table}");
    eprint!("{warnings}");
    let all_ok = reports
        .iter()
        .all(|r| r.status == pipeline::Status::Ok && !r.items.is_empty());
    if !std::io::stdout().is_terminal() {
        let _ = std::io::stdout().flush();
    }
    if all_ok { EXIT_OK } else { EXIT_FAILED }
}
