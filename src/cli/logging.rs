//! Log lines on stderr (`-v`, `-vv`, `RUST_LOG`), and what keeps values the config read from
//! the environment out of them and out of everything else the binary prints.

use std::io::Write;
use std::sync::RwLock;

use feedwright::config::Secrets;

/// What the log must not show, once a config is loaded.
static HIDDEN: RwLock<Secrets> = RwLock::new(Secrets::none());

/// Starts logging at the level `-v` asked for (`RUST_LOG` wins).
pub(super) fn init(verbose: u8) {
    // The DevTools client warns of every protocol message newer than it knows: not ours to fix.
    let level = match verbose {
        0 => "warn,chromiumoxide=error",
        1 => "feedwright=info",
        _ => "feedwright=debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| level.into()),
        )
        .with_writer(|| Redacting)
        .without_time()
        .init();
}

/// Keeps `secrets` out of every log line from now on.
pub(super) fn hide(secrets: &Secrets) {
    *HIDDEN.write().expect("never poisoned") = secrets.clone();
}

/// `text` with every hidden value replaced by its `${NAME}`: everything the binary prints goes
/// through here.
pub(super) fn redact(text: &str) -> String {
    HIDDEN
        .read()
        .expect("never poisoned")
        .redact(text)
        .into_owned()
}

/// Standard error, through the redaction (each log line arrives in one write).
struct Redacting;

impl Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let hidden = HIDDEN.read().expect("never poisoned");
        std::io::stderr().write_all(hidden.redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
