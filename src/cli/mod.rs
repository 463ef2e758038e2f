//! The command line: arguments ([`Cli`]), one function per subcommand ([`commands`]), what is
//! shown while a pass goes on ([`progress`]) and after it ([`report`]), and signals
//! ([`signals`]).

mod checked;
mod commands;
mod logging;
mod progress;
mod report;
mod runtime;
mod serving;
mod signals;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand};
use feedwright::config::Shard;

/// Exit code: every selected section succeeded.
const EXIT_OK: i32 = 0;
/// Exit code: at least one section failed.
const EXIT_FAILED: i32 = 1;
/// Exit code: bad config or usage.
const EXIT_USAGE: i32 = 2;
/// Exit code: another `run` or `watch` holds the state lock.
const EXIT_LOCKED: i32 = 3;

/// Turns news-site section pages into RSS, Atom and JSON feeds.
#[derive(Parser)]
#[command(name = "feedwright", version, about)]
struct Cli {
    /// More detail on stderr (-v, -vv).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One pass over the selected sections (for cron).
    Run {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Only this site or site/section (repeatable).
        #[arg(long, value_name = "SITE[/SECTION]")]
        only: Vec<String>,
        /// Print only failures.
        #[arg(long, short)]
        quiet: bool,
        /// Print the summary as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Only the sections of shard K of N (their host groups).
        #[arg(long, value_name = "K/N", env = "FEEDWRIGHT_SHARD", value_parser = parse_shard)]
        shard: Option<Shard>,
    },
    /// Run every section on its own schedule until interrupted.
    Watch {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Only the sections of shard K of N (their host groups).
        #[arg(long, value_name = "K/N", env = "FEEDWRIGHT_SHARD", value_parser = parse_shard)]
        shard: Option<Shard>,

        /// Also serve the output folder on this address.
        #[arg(long, value_name = "ADDR")]
        serve: Option<SocketAddr>,
    },
    /// Validate the config and show what each section yields, writing nothing.
    Check {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Only this site or site/section.
        #[arg(value_name = "SITE[/SECTION]")]
        section: Option<String>,
        /// Only the sections of shard K of N (their host groups).
        #[arg(long, value_name = "K/N", env = "FEEDWRIGHT_SHARD", value_parser = parse_shard)]
        shard: Option<Shard>,
        /// Print the sections, their items and warnings as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Propose selectors for a page's story list (never a menu), ready to paste into config.toml.
    Suggest {
        /// The page (a section's index page); https:// is added when it has no scheme.
        url: String,
        /// Render the page in headless Chromium first (for lists built by JavaScript).
        #[arg(long)]
        browser: bool,
        /// Add the proposed section to this config file (created if missing), under the site
        /// of the same id or host, laid out like the file's sections, keeping its comments.
        #[arg(long, value_name = "CONFIG")]
        append: Option<PathBuf>,
        /// URL is an article page: show what `content = "auto"` finds on it.
        #[arg(long, conflicts_with_all = ["browser", "append"])]
        article: bool,
    },
    /// How every section has been doing, from the state alone (no network).
    Status {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Only the sections of shard K of N, from that shard's state.
        #[arg(long, value_name = "K/N", env = "FEEDWRIGHT_SHARD", value_parser = parse_shard)]
        shard: Option<Shard>,
        /// Print as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Selectors found anew after a redesign, as a config change; --write applies it.
    Heal {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Only these sites or site/sections.
        #[arg(value_name = "SITE[/SECTION]")]
        only: Vec<String>,
        /// Write the change into the config file (comments and order kept).
        #[arg(long)]
        write: bool,
    },
    /// How a date string is read: the instant and its precision, or why it cannot be read.
    Date {
        /// The date as a page writes it (`13 января 2015 г. в 13:34`).
        text: String,
        /// The language it is written in (BCP 47) [default: English].
        #[arg(long, value_name = "TAG")]
        language: Option<String>,
        /// The time zone zone-less dates are read in (IANA name).
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        timezone: String,
    },
    /// Serve the output folder over HTTP for a local preview.
    Serve {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = feedwright::serve::DEFAULT_ADDR)]
        addr: SocketAddr,
    },
}

/// `K/N`, as `--shard` takes it.
fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse()
}

/// Parses the arguments, sets up logging, runs the subcommand; returns the exit code.
pub(crate) fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    // The DevTools client warns of every protocol message newer than it knows: not ours to fix.
    logging::init(cli.verbose);
    match cli.command {
        Command::Run {
            config,
            only,
            quiet,
            json,
            shard,
        } => commands::run(config, shard, &only, quiet, json, cli.verbose > 0),
        Command::Watch {
            config,
            serve,
            shard,
        } => serving::watch(config, shard, serve, cli.verbose > 0),
        Command::Check {
            config,
            section,
            shard,
            json,
        } => commands::check(config, shard, section, json),
        Command::Serve { config, addr } => serving::serve(config, addr),
        Command::Heal {
            config,
            only,
            write,
        } => commands::heal(config, &only, write),
        Command::Date {
            text,
            language,
            timezone,
        } => commands::date(&text, language.as_deref(), &timezone),
        Command::Status {
            config,
            shard,
            json,
        } => commands::status(config, shard, json),
        Command::Suggest {
            url, article: true, ..
        } => commands::suggest_article(&url),
        Command::Suggest {
            url,
            browser,
            append,
            ..
        } => commands::suggest(&url, browser, append.as_deref()),
    }
}
