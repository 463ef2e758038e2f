//! Signals as the long-running commands understand them: SIGINT and SIGTERM ask to stop
//! (in-flight work finishes first), SIGHUP asks `watch` to read its config again.

use feedwright::pipeline::Request;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::EXIT_FAILED;

/// Starts listening for `kind`; a failure is reported, with the exit code for it.
fn listen(kind: SignalKind) -> Result<Signal, i32> {
    signal(kind).map_err(|e| {
        eprintln!("error: cannot listen for signals: {e}");
        EXIT_FAILED
    })
}

/// Listens for SIGINT, SIGTERM and SIGHUP and passes them on as `watch` requests; the sender
/// lets others (the app) ask too. Must be called inside the async runtime.
pub(super) fn watch_requests() -> Result<(UnboundedSender<Request>, UnboundedReceiver<Request>), i32>
{
    let mut terminate = listen(SignalKind::terminate())?;
    let mut interrupt = listen(SignalKind::interrupt())?;
    let mut hangup = listen(SignalKind::hangup())?;
    let (sender, receiver) = unbounded_channel();
    let others = sender.clone();
    tokio::spawn(async move {
        loop {
            let request = tokio::select! {
                _ = terminate.recv() => Request::Stop,
                _ = interrupt.recv() => Request::Stop,
                _ = hangup.recv() => Request::Reload,
            };
            if sender.send(request).is_err() {
                break;
            }
        }
    });
    Ok((others, receiver))
}

/// Resolves at the first SIGINT or SIGTERM. Must be called inside the async runtime.
pub(super) fn stop() -> Result<impl Future<Output = ()> + Send + 'static, i32> {
    let mut terminate = listen(SignalKind::terminate())?;
    let mut interrupt = listen(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}
