//! Where the gateway finds each provider's credentials, looked up once per provider and model.
//!
//! The gateway does not read environment variables or files itself: whoever starts it (the
//! `modelrt serve` command) supplies a [`CredentialStore`], so a deployment uses the same
//! sources as every other modelrt command.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use modelrt::runtime::catalog::{FormType, ModelType, ProviderInfo};

use crate::error::ApiError;

/// Credential values by form variable, as `modelrt::registry::open` takes them.
pub type Values = BTreeMap<String, String>;

/// Looks up the credential values of a provider (and of one of its models, for customizable
/// models that carry their own).
pub trait CredentialStore: Send + Sync + 'static {
    /// The values found for `provider`, for `model` when one is named. A value that is not
    /// set is simply absent; the error is for a source that cannot be read.
    fn lookup(
        &self,
        provider: &'static ProviderInfo,
        model: Option<(ModelType, &str)>,
    ) -> Result<Values, String>;
}

/// Fixed values by provider id, the same for every model: for tests and embedding.
impl CredentialStore for BTreeMap<String, Values> {
    fn lookup(
        &self,
        provider: &'static ProviderInfo,
        _model: Option<(ModelType, &str)>,
    ) -> Result<Values, String> {
        Ok(self.get(provider.id).cloned().unwrap_or_default())
    }
}

/// `values` completed with the declared defaults of required fields left out, for
/// `model_type` (the provider-wide form alone for `None`), as credential sources complete them.
pub fn with_required_defaults(
    provider: &ProviderInfo,
    model_type: Option<ModelType>,
    values: &Values,
) -> Values {
    let mut completed = values.clone();
    for form in provider.credential_forms() {
        if completed.contains_key(form.variable) {
            continue;
        }
        if let Some(default) = provider.required_default(model_type, form.variable) {
            completed.insert(form.variable.to_owned(), default.to_owned());
        }
    }
    completed
}

/// Credentials found for one provider and model, with the secret values to mask in errors.
pub struct Found {
    /// The values.
    pub values: Values,
    secrets: Vec<String>,
}

impl Found {
    /// Credentials `values` of `provider`, with its secret values noted.
    pub fn new(provider: &ProviderInfo, values: Values) -> Self {
        let secrets = provider
            .credential_forms()
            .filter(|form| form.form_type == FormType::SecretInput)
            .filter_map(|form| values.get(form.variable).cloned())
            .filter(|value| !value.is_empty())
            .collect();
        Found { values, secrets }
    }

    /// The secret values, to redact from anything shown.
    pub fn secrets(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }

    /// A failed call with these credentials as an API error, secrets masked.
    pub fn fail(&self, error: modelrt::runtime::Error) -> ApiError {
        ApiError::from_runtime(error, &self.secrets())
    }
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let variables: Vec<&String> = self.values.keys().collect();
        f.debug_struct("Found")
            .field("variables", &variables)
            .finish_non_exhaustive()
    }
}

type Key = (&'static str, Option<(ModelType, String)>);

/// Beyond this many entries the cache starts over, so that clients naming endless
/// customizable model ids cannot grow it without bound.
const MAX_ENTRIES: usize = 4096;

/// A [`CredentialStore`] whose answers are kept, so that requests do not re-read sources,
/// with the values set through the console in front of it.
pub struct CachedCredentials {
    store: Box<dyn CredentialStore>,
    entries: RwLock<HashMap<Key, Arc<Found>>>,
    /// Values set at run time, by provider id; they replace the store's for every model.
    replaced: RwLock<HashMap<&'static str, Values>>,
}

impl CachedCredentials {
    /// Caches the answers of `store`.
    pub fn new(store: impl CredentialStore) -> Self {
        CachedCredentials {
            store: Box::new(store),
            entries: RwLock::new(HashMap::new()),
            replaced: RwLock::new(HashMap::new()),
        }
    }

    /// Makes `values` the credentials of `provider` for every later request (in memory only),
    /// in place of what the store has; required fields left out take their declared defaults.
    pub fn replace(&self, provider: &'static ProviderInfo, values: Values) {
        // Under the entries' lock, so that no lookup caches the old values after this.
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.replaced
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(provider.id, values);
        entries.retain(|(id, _), _| *id != provider.id);
    }

    /// Whether `provider`'s credentials were set at run time.
    pub fn is_replaced(&self, provider: &ProviderInfo) -> bool {
        self.replaced
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(provider.id)
    }

    /// The credentials of `provider` (and `model`), looked up on first use.
    pub fn get(
        &self,
        provider: &'static ProviderInfo,
        model: Option<(ModelType, &str)>,
    ) -> Result<Arc<Found>, String> {
        let key: Key = (provider.id, model.map(|(t, id)| (t, id.to_owned())));
        if let Some(found) = self.read().get(&key) {
            return Ok(found.clone());
        }
        // Looked up under the write lock (only on a miss): a lookup racing `replace` could
        // otherwise cache the values being replaced.
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let replaced = self
            .replaced
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(provider.id)
            .cloned();
        // The console's values, completed as the CLI's sources complete theirs.
        let values = match replaced {
            Some(values) => with_required_defaults(provider, model.map(|(t, _)| t), &values),
            None => self.store.lookup(provider, model)?,
        };
        let found = Arc::new(Found::new(provider, values));
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, found.clone());
        Ok(found)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Key, Arc<Found>>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelrt::registry::find_provider;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn replaced_values_win_over_cached_ones_for_every_model() {
        let openai = find_provider("openai").unwrap();
        let store = BTreeMap::from([("openai".to_owned(), values(&[("openai_api_key", "old")]))]);
        let cached = CachedCredentials::new(store);
        let model = Some((ModelType::Llm, "gpt-4o-mini"));
        assert_eq!(
            cached.get(openai, model).unwrap().values["openai_api_key"],
            "old"
        );
        assert!(!cached.is_replaced(openai));
        cached.replace(openai, values(&[("openai_api_key", "new")]));
        assert!(cached.is_replaced(openai));
        assert_eq!(
            cached.get(openai, model).unwrap().values["openai_api_key"],
            "new"
        );
        assert_eq!(
            cached.get(openai, None).unwrap().values["openai_api_key"],
            "new"
        );
        let found = cached.get(openai, None).unwrap();
        assert!(!found.secrets().is_empty());
        assert!(found.secrets().iter().all(|secret| *secret == "new"));
    }

    #[test]
    fn left_out_required_fields_take_their_defaults_for_the_model_type() {
        let compatible = find_provider("openai_api_compatible").unwrap();
        let submitted = values(&[("endpoint_url", "http://127.0.0.1:1/v1")]);
        let llm = with_required_defaults(compatible, Some(ModelType::Llm), &submitted);
        assert_eq!(llm["endpoint_url"], "http://127.0.0.1:1/v1");
        assert_eq!(llm["mode"], "chat");
        // The provider-wide form alone declares no defaults here.
        assert_eq!(
            with_required_defaults(compatible, None, &submitted),
            submitted
        );
    }
}
