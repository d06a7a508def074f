//! When to retry: exponential backoff with jitter, and the server's `retry-after`.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

use super::settings::HttpSettings;

/// The delay the server asked for, from `retry-after-ms`, or `retry-after` in seconds
/// (integer or decimal) or as an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return duration_from_secs(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return duration_from_secs(secs);
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn duration_from_secs(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP servers send.
fn parse_http_date(text: &str) -> Option<SystemTime> {
    let rest = text.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u64, day: u64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = month as i64;
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The wait before retry number `retry` (0 for the first retry): the server's `retry-after`
/// when given, else `initial_backoff × 2^retry` capped at `max_backoff`, scaled by a random
/// factor in [0.5, 1) so that many clients do not retry in lockstep.
pub fn backoff(settings: &HttpSettings, retry: u32, server_delay: Option<Duration>) -> Duration {
    if let Some(delay) = server_delay {
        return delay;
    }
    let exponential = settings
        .initial_backoff
        .saturating_mul(1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX))
        .min(settings.max_backoff);
    exponential.mul_f64(0.5 + jitter() / 2.0)
}

/// A random number in [0, 1), from the standard library's randomly keyed hasher.
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_every_retry_after_form() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770); // Sun, 06 Nov 1994 08:49:30 GMT
        let with = |name: &'static str, value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static(value));
            retry_after(&headers, now)
        };
        assert_eq!(with("retry-after", "7"), Some(Duration::from_secs(7)));
        assert_eq!(
            with("retry-after", "1.5"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            with("retry-after-ms", "250"),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            with("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            with("retry-after", "Sun, 06 Nov 1994 08:49:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(with("retry-after", "soon"), None);
        assert_eq!(with("retry-after", "-3"), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_honours_the_server() {
        let settings = HttpSettings::default();
        for retry in 0..6 {
            let base = settings
                .initial_backoff
                .saturating_mul(1 << retry)
                .min(settings.max_backoff);
            let delay = backoff(&settings, retry, None);
            assert!(delay >= base / 2 && delay < base, "{retry}: {delay:?}");
        }
        assert_eq!(
            backoff(&settings, 3, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        // An absurd retry count must not overflow.
        assert!(backoff(&settings, u32::MAX, None) <= settings.max_backoff);
    }
}
