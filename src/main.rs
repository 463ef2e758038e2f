//! The `feedwright` command line: parses arguments and hands over to the library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use feedwright::commands::{self, RunOptions};

/// Turns news-site section pages into RSS, Atom and JSON feeds.
#[derive(Parser)]
#[command(name = "feedwright", version, about)]
struct Cli {
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
    },
    /// Validate the config and show what each section yields, writing nothing.
    Check {
        /// Config file [default: $FEEDWRIGHT_CONFIG or ./config.toml].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Only this site or site/section.
        #[arg(value_name = "SITE[/SECTION]")]
        section: Option<String>,
    },
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() {
                commands::EXIT_USAGE
            } else {
                0
            });
        }
    };
    let code = match cli.command {
        Command::Run {
            config,
            only,
            quiet,
            json,
        } => commands::run(RunOptions {
            config,
            only,
            quiet,
            json,
        }),
        Command::Check { config, section } => commands::check(config, section),
    };
    std::process::exit(code);
}
