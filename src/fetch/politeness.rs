//! Being a good guest: spacing between requests to one host, and backoff between retries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

/// Hands out request start times so that starts to one host are at least `delay` apart.
#[derive(Debug, Clone)]
pub struct HostGate {
    delay: Duration,
    next: Arc<Mutex<HashMap<String, Instant>>>,
}

impl HostGate {
    /// A gate with `delay` between starts to the same host.
    pub fn new(delay: Duration) -> Self {
        HostGate {
            delay,
            next: Arc::default(),
        }
    }

    /// Waits for this request's turn at its host. Turns are reserved first come, first served.
    pub async fn wait(&self, url: &Url) {
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

/// Wait before retry number `attempt` (0-based): 0.5 s doubling, capped at 30 s, ±25 % jitter.
pub fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500).saturating_mul(1 << attempt.min(6));
    let base = base.min(Duration::from_secs(30));
    base.mul_f64(0.75 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter() {
        for attempt in 0..4 {
            let nominal = 500.0 * f64::from(1u32 << attempt);
            let ms = backoff(attempt).as_secs_f64() * 1000.0;
            assert!(
                ms >= nominal * 0.75 && ms <= nominal * 1.25,
                "{attempt}: {ms}"
            );
        }
        assert!(backoff(20) <= Duration::from_millis(37_500));
    }

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
