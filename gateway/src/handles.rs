//! Opened model handles, kept so that a request does not validate the same credentials again
//! (a tenth of a plain chat request's instructions went to opening the handle).
//!
//! An entry is keyed by the very credentials it was opened with (the `Arc` of [`Found`], which
//! the entry keeps alive, so its address cannot be reused). Credentials replaced from the
//! console or given by a reloaded routing file come as new `Arc`s and open afresh; the old
//! entries are dropped by [`OpenedHandles::clear`].

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use modelrt::registry::{self, ModelHandle};
use modelrt::runtime::catalog::{ModelType, ProviderInfo};
use modelrt::runtime::Error;

use crate::credentials::Found;

/// The most handles kept; past it the cache starts over (a gateway serving more distinct
/// models than this opens them per request, as it did before there was a cache).
const MAX_ENTRIES: usize = 4096;

/// The credentials' address, the provider, the model type and the model id.
type Key = (usize, &'static str, ModelType, String);

/// One opened handle and the credentials it was opened with.
struct Entry {
    /// Held so that the key's address stays this `Found`'s.
    _found: Arc<Found>,
    handle: ModelHandle,
}

/// Handles opened with validated credentials and no call parameters, ready to be cloned.
#[derive(Default)]
pub struct OpenedHandles {
    entries: RwLock<HashMap<Key, Entry>>,
}

impl OpenedHandles {
    /// `model` of `provider` as a `model_type` model opened with `found`: a copy of the handle
    /// opened before with these same credentials, else a newly opened one (kept when it
    /// opens). A failure is not kept: the next request opens again and gets the same error.
    pub fn open(
        &self,
        provider: &'static ProviderInfo,
        model_type: ModelType,
        model: &str,
        found: &Arc<Found>,
    ) -> Result<ModelHandle, Error> {
        let key: Key = (
            Arc::as_ptr(found) as usize,
            provider.id,
            model_type,
            model.to_owned(),
        );
        if let Some(entry) = self.read().get(&key) {
            return Ok(entry.handle.clone());
        }
        let handle = registry::open_at(provider, model_type, model, &found.values)?;
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                _found: found.clone(),
                handle: handle.clone(),
            },
        );
        Ok(handle)
    }

    /// Forgets every handle (credentials or routes changed).
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<Key, Entry>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::with_required_defaults;
    use modelrt::registry::find_provider;
    use modelrt::runtime::ErrorKind;

    fn found(endpoint: &str) -> Arc<Found> {
        let provider = find_provider("openai_api_compatible").unwrap();
        let values = [("endpoint_url".to_owned(), endpoint.to_owned())].into();
        let values = with_required_defaults(provider, Some(ModelType::Llm), &values);
        Arc::new(Found::new(provider, values))
    }

    fn endpoint_of(handle: &ModelHandle) -> String {
        handle
            .credentials()
            .text("endpoint_url")
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_handle_is_kept_per_credentials_and_cleared() {
        let provider = find_provider("openai_api_compatible").unwrap();
        let handles = OpenedHandles::default();
        let first = found("http://127.0.0.1:1/v1");
        let open = |found: &Arc<Found>| handles.open(provider, ModelType::Llm, "m", found);
        assert_eq!(endpoint_of(&open(&first).unwrap()), "http://127.0.0.1:1/v1");
        assert_eq!(handles.read().len(), 1);
        assert_eq!(endpoint_of(&open(&first).unwrap()), "http://127.0.0.1:1/v1");
        assert_eq!(handles.read().len(), 1, "the second open reused the handle");
        // New credentials (console, reload) open afresh, never the old handle.
        let second = found("http://127.0.0.1:2/v1");
        assert_eq!(
            endpoint_of(&open(&second).unwrap()),
            "http://127.0.0.1:2/v1"
        );
        assert_eq!(handles.read().len(), 2);
        handles.clear();
        assert_eq!(handles.read().len(), 0);
    }

    #[test]
    fn failures_are_not_kept() {
        let provider = find_provider("openai_api_compatible").unwrap();
        let handles = OpenedHandles::default();
        let missing = Arc::new(Found::new(provider, Default::default()));
        let mut errors = (0..2).map(|_| {
            handles
                .open(provider, ModelType::Llm, "m", &missing)
                .unwrap_err()
        });
        let (first, second) = (errors.next().unwrap(), errors.next().unwrap());
        assert_eq!(first.kind(), ErrorKind::InvalidCredentials);
        assert_eq!(first.to_string(), second.to_string());
        assert_eq!(handles.read().len(), 0);
    }
}
