//! Being a good guest: a minimum gap between the starts of requests to one host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

/// Hands out request start times so that starts to one host are at least `delay` apart.
#[derive(Debug, Clone)]
pub(crate) struct HostGate {
    delay: Duration,
    next: Arc<Mutex<HashMap<String, Instant>>>,
}

impl HostGate {
    /// A gate with `delay` between starts to the same host.
    pub(crate) fn new(delay: Duration) -> Self {
        HostGate {
            delay,
            next: Arc::default(),
        }
    }

    /// Waits for this request's turn at its host. Turns are reserved first come, first served.
    pub(crate) async fn wait(&self, url: &Url) {
        if self.delay.is_zero() {
            return;
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let slot = {
            let mut next = self.next.lock().expect("host table is never poisoned");
            let now = Instant::now();
            let slot = next.get(&host).map_or(now, |&t| t.max(now));
            next.insert(host, slot + self.delay);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starts_to_one_host_are_spaced() {
        let gate = HostGate::new(Duration::from_secs(1));
        let a = Url::parse("http://a.example/1").unwrap();
        let b = Url::parse("http://b.example/1").unwrap();
        let start = Instant::now();
        gate.wait(&a).await;
        gate.wait(&b).await;
        assert!(
            start.elapsed() < Duration::from_millis(10),
            "other hosts do not wait"
        );
        gate.wait(&a).await;
        gate.wait(&a).await;
        assert!(start.elapsed() >= Duration::from_secs(2));
    }
}
