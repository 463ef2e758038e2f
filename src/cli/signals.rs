//! Signals as the long-running commands understand them: SIGINT and SIGTERM ask to stop
//! (in-flight work finishes first), SIGHUP asks `watch` to read its config again.

use feedwright::pipeline::Request;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Listens for SIGINT, SIGTERM and SIGHUP and passes them on as `watch` requests.
/// Must be called inside the async runtime.
pub(super) fn watch_requests() -> std::io::Result<UnboundedReceiver<Request>> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let (sender, receiver) = unbounded_channel();
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
    Ok(receiver)
}

/// Resolves at the first SIGINT or SIGTERM. Must be called inside the async runtime.
pub(super) fn stop() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}
