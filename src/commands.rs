//! The subcommands as the binary runs them: load the config, run a pass, print, exit code.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, SubsecRound, Utc};

use crate::config::{self, Config};
use crate::pipeline::{self, Observer, PassError};
use crate::progress::{Bar, Lines};
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

/// Reports a pass that could not run, and the exit code for it.
fn pass_failed(error: PassError) -> i32 {
    eprintln!("error: {error}");
    match error {
        PassError::Store(StoreError::Locked { .. }) => EXIT_LOCKED,
        _ => EXIT_FAILED,
    }
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
    let interactive = std::io::stderr().is_terminal() && !options.quiet && !options.json;
    let bar = interactive.then(|| Bar::new(selected.len()));
    let lines = Lines {
        quiet: options.quiet,
    };
    let observer: &dyn Observer = match &bar {
        Some(bar) => bar,
        None => &lines,
    };
    let result = runtime().block_on(pipeline::run(&config, &selected, now(), observer));
    if let Some(bar) = &bar {
        bar.finish();
    }
    let report = match result {
        Ok(report) => report,
        Err(e) => return pass_failed(e),
    };
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
        Err(e) => return pass_failed(e),
    };
    let (table, warnings) = report::check_output(&reports);
    print!("{table}");
    eprint!("{warnings}");
    let all_ok = reports
        .iter()
        .all(|r| r.status == pipeline::Status::Ok && !r.items.is_empty());
    if all_ok { EXIT_OK } else { EXIT_FAILED }
}

/// `feedwright watch`: the scheduler, until SIGINT or SIGTERM; returns the exit code.
pub fn watch(config_path: Option<PathBuf>, serve: Option<SocketAddr>) -> i32 {
    let path = config::default_path(config_path);
    let config = match load(Some(path.clone())) {
        Ok(config) => config,
        Err(code) => return code,
    };
    eprintln!(
        "watching {} sections of {}",
        config.sections().count(),
        path.display()
    );
    match runtime().block_on(pipeline::watch(
        path,
        config,
        serve,
        &Lines { quiet: false },
    )) {
        Ok(()) => EXIT_OK,
        Err(e) => pass_failed(e),
    }
}

/// `feedwright serve`: the output folder over HTTP until interrupted; returns the exit code.
pub fn serve(config_path: Option<PathBuf>, addr: SocketAddr) -> i32 {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let root = config.output.dir.clone();
    eprintln!("serving {} on http://{addr}/", root.display());
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match runtime().block_on(crate::serve::serve(root, addr, stop)) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot serve on {addr}: {e}");
            EXIT_FAILED
        }
    }
}

/// `feedwright suggest URL`: proposes selectors for the page's main list; returns the exit code.
pub fn suggest(url: &str) -> i32 {
    let url = match url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
    {
        Some(url) => url,
        None => {
            eprintln!("error: {url:?} is not an http(s) URL");
            return EXIT_USAGE;
        }
    };
    match runtime().block_on(pipeline::suggest(&url)) {
        Ok(detection) => {
            print!("{}", report::suggestion(&url, &detection));
            if detection.candidates.is_empty() {
                EXIT_FAILED
            } else {
                EXIT_OK
            }
        }
        Err(reason) => {
            eprintln!("error: {reason}");
            EXIT_FAILED
        }
    }
}
