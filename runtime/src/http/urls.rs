//! Parsed request URLs, kept by their text. A provider's calls go to a handful of URLs (its
//! base URL and a few paths), and parsing the same one again on every call was 3 % of the
//! instructions of a plain chat request through the gateway.
//!
//! A URL with a query or user info is never kept: either may hold a key, and keys live only
//! as long as the request and the credentials holding them.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use reqwest::Url;

/// The most URLs kept; past it the cache starts over.
const MAX_ENTRIES: usize = 1024;

static URLS: OnceLock<RwLock<HashMap<String, Url>>> = OnceLock::new();

/// `text` parsed, from the cache when it was parsed before; `None` when it does not parse (the
/// caller then hands the text to reqwest, whose error says why) or may hold a secret.
pub(crate) fn parsed(text: &str) -> Option<Url> {
    if text.contains(['?', '@']) {
        return None;
    }
    let urls = URLS.get_or_init(RwLock::default);
    // A poisoned lock only means a thread panicked while inserting: the map is intact.
    if let Some(url) = urls.read().unwrap_or_else(|e| e.into_inner()).get(text) {
        return Some(url.clone());
    }
    let url = Url::parse(text).ok()?;
    let mut urls = urls.write().unwrap_or_else(|e| e.into_inner());
    if urls.len() >= MAX_ENTRIES {
        urls.clear();
    }
    urls.insert(text.to_owned(), url.clone());
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str) -> bool {
        URLS.get()
            .is_some_and(|urls| urls.read().unwrap().contains_key(text))
    }

    #[test]
    fn urls_parse_once_and_secret_bearing_ones_are_not_kept() {
        let plain = "http://127.0.0.1:9/v1/chat/completions";
        assert_eq!(parsed(plain).unwrap().as_str(), plain);
        assert!(kept(plain));
        assert_eq!(parsed(plain).unwrap().as_str(), plain);

        // Left to reqwest to parse, every time.
        for secret_bearing in [
            "https://host/v1/models?key=k-secret",
            "https://u:pw@host/v1",
        ] {
            assert!(parsed(secret_bearing).is_none());
            assert!(!kept(secret_bearing));
        }

        assert!(parsed("not a url").is_none());
        assert!(!kept("not a url"));
    }
}
