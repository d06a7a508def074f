//! Requests-per-minute and tokens-per-minute limits: a sliding-window counter (the current
//! minute's count plus the previous minute's, weighted by how much of it the sliding minute
//! still covers), kept in Redis when several instances share the limits, in process otherwise.
//! Both back ends run the same arithmetic ([`Window`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::Script;

/// The window of the limits.
const WINDOW_MS: i64 = 60_000;

/// Where the counters live.
pub enum Limiter {
    /// In this process: limits hold for one instance.
    Local(Mutex<HashMap<String, Counts>>),
    /// In Redis: limits hold across every instance using it.
    Redis(ConnectionManager),
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limiter::Local(_) => "Limiter::Local",
            Limiter::Redis(_) => "Limiter::Redis",
        })
    }
}

/// The counts of one limited key in the current and the previous window.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    window: i64,
    current: u64,
    previous: u64,
}

/// Where `now` falls among the windows.
#[derive(Debug, Clone, Copy)]
struct Window {
    index: i64,
    /// The share of the previous window the sliding minute still covers, in thousandths.
    previous_weight: u64,
    /// Until the current window ends.
    remaining: Duration,
}

impl Window {
    fn at(now_ms: i64) -> Window {
        let elapsed = now_ms.rem_euclid(WINDOW_MS);
        Window {
            index: now_ms.div_euclid(WINDOW_MS),
            previous_weight: u64::try_from((WINDOW_MS - elapsed) * 1000 / WINDOW_MS).unwrap_or(0),
            remaining: Duration::from_millis(u64::try_from(WINDOW_MS - elapsed).unwrap_or(0)),
        }
    }

    /// The estimated count over the last minute.
    fn estimate(self, current: u64, previous: u64) -> u64 {
        // Rounded up, so a window's turn never lets a request past the limit.
        current.saturating_add(previous.saturating_mul(self.previous_weight).div_ceil(1000))
    }
}

/// Adds `amount` to the counter if the estimate stays within `limit` (`Some`), or always
/// (`None`). Returns 1 when added, 0 when refused. KEYS: current, previous window.
const TAKE: &str = r"
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local weight = tonumber(ARGV[3])
if limit >= 0 and current + math.ceil(previous * weight / 1000) + amount > limit then
  return 0
end
redis.call('INCRBY', KEYS[1], amount)
redis.call('PEXPIRE', KEYS[1], 120000)
return 1
";

impl Limiter {
    /// Counters in this process.
    pub fn local() -> Limiter {
        Limiter::Local(Mutex::new(HashMap::new()))
    }

    /// Counters in the Redis at `url` (`redis://host:port`).
    pub async fn redis(url: &str) -> Result<Limiter, String> {
        let client = redis::Client::open(url).map_err(|e| format!("bad `redis_url`: {e}"))?;
        let manager = ConnectionManager::new(client)
            .await
            .map_err(|e| format!("cannot connect to Redis: {e}"))?;
        Ok(Limiter::Redis(manager))
    }

    /// Counts `amount` against `counter`: refused with the time until the window turns when
    /// that would pass `limit`. With no limit the amount is counted unconditionally.
    pub async fn take(
        &self,
        counter: &str,
        amount: u64,
        limit: Option<u64>,
        now_ms: i64,
    ) -> Result<(), Duration> {
        let window = Window::at(now_ms);
        let taken = match self {
            Limiter::Local(counters) => {
                let mut counters = counters.lock().unwrap_or_else(|e| e.into_inner());
                if counters.len() > 100_000 {
                    counters.retain(|_, c| c.window >= window.index - 1);
                }
                let counts = counters.entry(counter.to_owned()).or_default();
                if counts.window != window.index {
                    let previous = if counts.window == window.index - 1 {
                        counts.current
                    } else {
                        0
                    };
                    *counts = Counts {
                        window: window.index,
                        current: 0,
                        previous,
                    };
                }
                let fits = limit.is_none_or(|limit| {
                    window.estimate(counts.current, counts.previous) + amount <= limit
                });
                if fits {
                    counts.current = counts.current.saturating_add(amount);
                }
                fits
            }
            Limiter::Redis(manager) => {
                let mut connection = manager.clone();
                let result: redis::RedisResult<i64> = Script::new(TAKE)
                    .key(format!("modelrt:limit:{counter}:{}", window.index))
                    .key(format!("modelrt:limit:{counter}:{}", window.index - 1))
                    .arg(amount)
                    .arg(limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX)))
                    .arg(window.previous_weight)
                    .invoke_async(&mut connection)
                    .await;
                match result {
                    Ok(taken) => taken == 1,
                    Err(error) => {
                        // Failing open: an unreachable Redis must not take the gateway down.
                        tracing::warn!(%error, "Redis rate limit unavailable; request let through");
                        true
                    }
                }
            }
        };
        if taken {
            Ok(())
        } else {
            Err(window.remaining.max(Duration::from_secs(1)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_window_slides() {
        let limiter = Limiter::local();
        let start = 600_000; // the start of a window
        for _ in 0..3 {
            assert!(limiter.take("k", 1, Some(3), start).await.is_ok());
        }
        let retry = limiter
            .take("k", 1, Some(3), start + 1000)
            .await
            .unwrap_err();
        assert_eq!(retry, Duration::from_secs(59));
        // Half-way into the next minute, half of the previous 3 still count, rounded up
        // (1.5 -> 2).
        assert!(limiter.take("k", 1, Some(3), start + 90_000).await.is_ok());
        assert!(limiter.take("k", 1, Some(3), start + 90_000).await.is_err());
        // Just after a window turns, the previous window's requests still all count.
        for _ in 0..3 {
            assert!(limiter.take("b", 1, Some(3), start + 59_999).await.is_ok());
        }
        assert!(limiter.take("b", 1, Some(3), start + 60_001).await.is_err());
        // Unlimited amounts are counted but never refused.
        assert!(limiter.take("t", 1_000, None, start).await.is_ok());
        assert!(limiter.take("t", 1, Some(1_000), start).await.is_err());
    }
}
