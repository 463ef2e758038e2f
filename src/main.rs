//! The `feedwright` binary. Everything that touches the terminal (arguments, progress bars,
//! reports, signals, exit codes) lives in [`cli`]; the work itself is the library's.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
