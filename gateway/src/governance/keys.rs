//! Virtual keys: generation, hashing, model allowlists and budget periods.

use base64::Engine;
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime, Time};

use super::money::Money;

/// The prefix of every virtual key, so a leaked one is recognisable.
pub const KEY_PREFIX: &str = "sk-mrt-";

/// A new virtual key: 256 random bits from the operating system, URL-safe base64.
pub fn generate() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a new key: {e}"))?;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Ok(format!("{KEY_PREFIX}{text}"))
}

/// The stored form of a key: hex SHA-256. Keys have 256 random bits, so a fast hash is
/// enough (nothing to brute-force), and lookups stay one indexed query.
pub fn hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A short random id for keys and spend rows.
pub fn new_id(prefix: &str) -> Result<String, String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for an id: {e}"))?;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Ok(format!("{prefix}{text}"))
}

/// When a budget starts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// At 00:00 UTC.
    Daily,
    /// On Mondays at 00:00 UTC.
    Weekly,
    /// On the 1st of the month at 00:00 UTC.
    Monthly,
}

impl Period {
    /// The name used in the API and the database.
    pub fn name(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
        }
    }

    /// The period named `name`.
    pub fn parse(name: &str) -> Result<Period, String> {
        match name {
            "daily" => Ok(Period::Daily),
            "weekly" => Ok(Period::Weekly),
            "monthly" => Ok(Period::Monthly),
            other => Err(format!(
                "budget period `{other}` is not one of daily, weekly, monthly"
            )),
        }
    }

    /// The start of the period containing `now`, in Unix milliseconds.
    pub fn start(self, now_ms: i64) -> i64 {
        let now = OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let day = now.date();
        let first: Date = match self {
            Period::Daily => day,
            Period::Weekly => {
                day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
            }
            Period::Monthly => day.replace_day(1).unwrap_or(day),
        };
        let start = first.with_time(Time::MIDNIGHT).assume_utc();
        (start.unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// The start of the period after the one containing `now`, in Unix milliseconds.
    pub fn next_start(self, now_ms: i64) -> i64 {
        const DAY: i64 = 86_400_000;
        let start = self.start(now_ms);
        match self {
            Period::Daily => start + DAY,
            Period::Weekly => start + 7 * DAY,
            // 32 days on from the 1st is always in the next month.
            Period::Monthly => self.start(start + 32 * DAY),
        }
    }
}

/// A key's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most the key may spend in one period.
    pub limit: Money,
    /// When spending starts over.
    pub period: Period,
}

/// Whether `address` (an alias or `<provider>/<model>`) is allowed by `patterns`: an empty
/// list allows everything; `*` in a pattern matches any run of characters.
pub fn allows(patterns: &[String], address: &str) -> bool {
    patterns.is_empty()
        || patterns
            .iter()
            .any(|p| glob(p.as_bytes(), address.as_bytes()))
}

/// `*`-only glob matching, iterative with one backtrack point (linear enough for ids).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_hashed() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() > 40);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
        assert!(!hash(&a).contains(&a[KEY_PREFIX.len()..]));
    }

    #[test]
    fn allowlists_match_aliases_and_globs() {
        let patterns = vec!["chat".to_owned(), "openai/gpt-4o*".to_owned()];
        assert!(allows(&patterns, "chat"));
        assert!(allows(&patterns, "openai/gpt-4o-mini"));
        assert!(!allows(&patterns, "openai/o3"));
        assert!(!allows(&patterns, "chat2"));
        assert!(allows(&[], "anything/at-all"));
        assert!(allows(&["*/*mini".to_owned()], "openai/gpt-4o-mini"));
    }

    #[test]
    fn periods_start_at_utc_boundaries() {
        // 2026-12-02 (a Wednesday) 09:05 UTC.
        let now = 1_796_202_300_000;
        let day = Period::Daily.start(now);
        assert_eq!(day % 86_400_000, 0);
        assert!(now - day < 86_400_000);
        assert_eq!(Period::Weekly.start(now), day - 2 * 86_400_000);
        assert_eq!(Period::Monthly.start(now), day - 86_400_000);
        assert_eq!(Period::Monthly.next_start(now), day + 30 * 86_400_000);
        assert_eq!(Period::parse("weekly"), Ok(Period::Weekly));
        assert!(Period::parse("yearly").is_err());
    }
}
