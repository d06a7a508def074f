//! Validation of submitted credentials against a provider's credential form (SCHEMA.md §4).
//!
//! A UI sends credentials as a flat string map. [`validate_credentials`] keeps the form fields
//! whose `show_on` conditions hold, checks each value and returns typed values; generated
//! `Credentials` structs are built from the result.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use crate::catalog::{CredentialForm, FormType, ModelType, ProviderInfo};
use crate::secret::{Secret, HIDDEN_PLACEHOLDER};

/// The pseudo-variable that holds the model type being configured (model credentials only).
pub const MODEL_TYPE_VARIABLE: &str = "__model_type";

/// Where submitted credential values come from: any string map.
pub trait CredentialSource {
    /// The submitted value of `variable`, if any.
    fn value(&self, variable: &str) -> Option<&str>;
}

impl<K, V, S> CredentialSource for HashMap<K, V, S>
where
    K: Borrow<str> + Hash + Eq,
    V: AsRef<str>,
    S: BuildHasher,
{
    fn value(&self, variable: &str) -> Option<&str> {
        self.get(variable).map(AsRef::as_ref)
    }
}

impl<K: Borrow<str> + Ord, V: AsRef<str>> CredentialSource for BTreeMap<K, V> {
    fn value(&self, variable: &str) -> Option<&str> {
        self.get(variable).map(AsRef::as_ref)
    }
}

/// Pairs of variable and value, the first pair of a variable winning.
impl<K: AsRef<str>, V: AsRef<str>> CredentialSource for [(K, V)] {
    fn value(&self, variable: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref() == variable)
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> CredentialSource for [(K, V); N] {
    fn value(&self, variable: &str) -> Option<&str> {
        self[..].value(variable)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> CredentialSource for Vec<(K, V)> {
    fn value(&self, variable: &str) -> Option<&str> {
        self[..].value(variable)
    }
}

/// One validated credential value, typed by its form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialValue {
    /// `text-input`, `select` or `radio`.
    Text(String),
    /// `secret-input`.
    Secret(Secret),
    /// `switch`.
    Bool(bool),
}

impl CredentialValue {
    /// The value as a secret, whichever widget supplied it.
    fn into_secret(self) -> Secret {
        match self {
            CredentialValue::Secret(secret) => secret,
            CredentialValue::Text(text) => Secret::new(text),
            CredentialValue::Bool(value) => Secret::new(value.to_string()),
        }
    }
}

/// Credentials that passed validation, by variable, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidatedCredentials {
    values: Vec<(&'static str, CredentialValue)>,
}

impl ValidatedCredentials {
    /// The value of `variable`, if it was kept.
    pub fn get(&self, variable: &str) -> Option<&CredentialValue> {
        self.values
            .iter()
            .find(|(name, _)| *name == variable)
            .map(|(_, value)| value)
    }

    /// A text value (not a secret).
    pub fn text(&self, variable: &str) -> Option<&str> {
        match self.get(variable) {
            Some(CredentialValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A secret value.
    pub fn secret(&self, variable: &str) -> Option<&Secret> {
        match self.get(variable) {
            Some(CredentialValue::Secret(secret)) => Some(secret),
            _ => None,
        }
    }

    /// A switch value.
    pub fn switch(&self, variable: &str) -> Option<bool> {
        match self.get(variable) {
            Some(CredentialValue::Bool(value)) => Some(*value),
            _ => None,
        }
    }

    /// Removes and returns a text value (used by generated constructors).
    pub fn take_text(&mut self, variable: &str) -> Option<String> {
        match self.take(variable) {
            Some(CredentialValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// Removes and returns a secret value (used by generated constructors).
    pub fn take_secret(&mut self, variable: &str) -> Option<Secret> {
        match self.take(variable) {
            Some(CredentialValue::Secret(secret)) => Some(secret),
            _ => None,
        }
    }

    /// Removes and returns a switch value (used by generated constructors).
    pub fn take_bool(&mut self, variable: &str) -> Option<bool> {
        match self.take(variable) {
            Some(CredentialValue::Bool(value)) => Some(value),
            _ => None,
        }
    }

    /// Adds or replaces a value (used when typed credentials are turned back into a map).
    pub fn insert(&mut self, variable: &'static str, value: CredentialValue) {
        match self.values.iter_mut().find(|(name, _)| *name == variable) {
            Some(slot) => slot.1 = value,
            None => self.values.push((variable, value)),
        }
    }

    /// All kept values in form order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &CredentialValue)> {
        self.values.iter().map(|(name, value)| (*name, value))
    }

    /// The values as a UI would show them back: secrets masked.
    pub fn masked(&self) -> BTreeMap<&'static str, String> {
        self.iter()
            .map(|(name, value)| {
                let shown = match value {
                    CredentialValue::Text(text) => text.clone(),
                    CredentialValue::Secret(secret) => secret.masked(),
                    CredentialValue::Bool(value) => value.to_string(),
                };
                (name, shown)
            })
            .collect()
    }

    fn take(&mut self, variable: &str) -> Option<CredentialValue> {
        let index = self.values.iter().position(|(name, _)| *name == variable)?;
        Some(self.values.remove(index).1)
    }
}

/// What is wrong with one credential. Never carries a secret's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialProblem {
    /// A required value is missing or empty.
    Missing,
    /// Longer than the form's `max_length` (in characters).
    TooLong {
        /// The limit.
        max_length: u32,
        /// The submitted length.
        length: usize,
    },
    /// A `select`/`radio` value that is not one of the options.
    NotAnOption {
        /// The submitted value (select values are never secrets).
        value: String,
        /// The allowed values.
        allowed: Vec<&'static str>,
    },
    /// A `switch` value that is not `true` or `false`.
    NotABool {
        /// The submitted value.
        value: String,
    },
    /// `[__HIDDEN__]` was sent for a secret but there is no stored value to keep.
    NoStoredSecret,
}

impl std::fmt::Display for CredentialProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialProblem::Missing => f.write_str("is required but missing or empty"),
            CredentialProblem::TooLong { max_length, length } => {
                write!(
                    f,
                    "is {length} characters long; at most {max_length} allowed"
                )
            }
            CredentialProblem::NotAnOption { value, allowed } => {
                write!(f, "`{value}` is not one of: {}", allowed.join(", "))
            }
            CredentialProblem::NotABool { value } => {
                write!(f, "`{value}` is not `true` or `false`")
            }
            CredentialProblem::NoStoredSecret => {
                f.write_str("was sent as [__HIDDEN__] but no stored value exists to keep")
            }
        }
    }
}

/// A credential that failed validation, naming the provider and the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid credentials for provider `{provider}`: `{variable}` {problem}")]
pub struct CredentialError {
    /// The provider id.
    pub provider: String,
    /// The credential variable.
    pub variable: String,
    /// What is wrong.
    pub problem: CredentialProblem,
}

impl From<CredentialError> for crate::error::Error {
    fn from(error: CredentialError) -> Self {
        let message = format!("`{}` {}", error.variable, error.problem);
        crate::error::Error::new(crate::error::ErrorKind::InvalidCredentials, message)
            .with_provider(error.provider)
    }
}

/// Validates submitted credentials against `forms` (SCHEMA.md §4).
///
/// `model_type` is `Some` for model credentials: it becomes the `__model_type` pseudo-variable
/// that `show_on` conditions test. A `show_on` condition on an ordinary variable is tested
/// against the submitted value, or, when none was submitted, that field's default.
/// When the same variable is kept twice (conditions that are not exclusive), the later form wins,
/// as in Dify. Keys that match no kept form are dropped.
pub fn validate_credentials<S: CredentialSource + ?Sized>(
    provider: &str,
    forms: &'static [CredentialForm],
    model_type: Option<ModelType>,
    submitted: &S,
) -> Result<ValidatedCredentials, CredentialError> {
    let condition_value = |variable: &str| -> Option<&str> {
        if variable == MODEL_TYPE_VARIABLE {
            return model_type.map(ModelType::as_str);
        }
        non_empty(submitted.value(variable)).or_else(|| {
            forms
                .iter()
                .find(|f| f.variable == variable && f.show_on.is_empty())
                .and_then(|f| f.default)
        })
    };

    let mut validated = ValidatedCredentials::default();
    for form in forms {
        let applies = form
            .show_on
            .iter()
            .all(|cond| condition_value(cond.variable) == Some(cond.value));
        if !applies {
            continue;
        }
        let error = |problem| CredentialError {
            provider: provider.to_owned(),
            variable: form.variable.to_owned(),
            problem,
        };
        if let Some(value) =
            validate_field(form, non_empty(submitted.value(form.variable))).map_err(error)?
        {
            validated.insert(form.variable, value);
        }
    }
    Ok(validated)
}

/// [`validate_credentials`] against one of `provider`'s forms, keeping as a [`Secret`] every
/// variable that is `secret-input` in any of its forms: a key that the model form asks for in
/// a plain text box is still the key the provider form hides, and must not show in `Debug`,
/// `masked()` or logs (the generated credential structs type it as a secret everywhere too).
pub fn validate_credentials_of<S: CredentialSource + ?Sized>(
    provider: &ProviderInfo,
    forms: &'static [CredentialForm],
    model_type: Option<ModelType>,
    submitted: &S,
) -> Result<ValidatedCredentials, CredentialError> {
    let mut validated = validate_credentials(provider.id, forms, model_type, submitted)?;
    for (variable, value) in &mut validated.values {
        if !matches!(value, CredentialValue::Secret(_)) && provider.is_secret_variable(variable) {
            let plain = std::mem::replace(value, CredentialValue::Bool(false));
            *value = CredentialValue::Secret(plain.into_secret());
        }
    }
    Ok(validated)
}

/// Replaces `[__HIDDEN__]` values of secret fields with the stored secret ("keep the stored
/// value"), before validation. Fails, naming the variable, when nothing is stored.
pub fn resolve_hidden_secrets(
    provider: &str,
    forms: &'static [CredentialForm],
    submitted: &mut HashMap<String, String>,
    stored: &ValidatedCredentials,
) -> Result<(), CredentialError> {
    for form in forms
        .iter()
        .filter(|f| f.form_type == FormType::SecretInput)
    {
        let Some(value) = submitted.get_mut(form.variable) else {
            continue;
        };
        if value != HIDDEN_PLACEHOLDER {
            continue;
        }
        match stored.secret(form.variable) {
            Some(secret) => *value = secret.expose().to_owned(),
            None => {
                return Err(CredentialError {
                    provider: provider.to_owned(),
                    variable: form.variable.to_owned(),
                    problem: CredentialProblem::NoStoredSecret,
                })
            }
        }
    }
    Ok(())
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

/// Checks one kept field; `Ok(None)` means "omit" (optional, no value, no default).
fn validate_field(
    form: &CredentialForm,
    submitted: Option<&str>,
) -> Result<Option<CredentialValue>, CredentialProblem> {
    let value = match submitted {
        Some(value) => value,
        None if form.required => return Err(CredentialProblem::Missing),
        // Defaults are applied to optional fields only, and are trusted as declared.
        None => match form.default.filter(|d| !d.is_empty()) {
            Some(default) => return Ok(Some(typed_value(form, default))),
            None => return Ok(None),
        },
    };
    let length = value.chars().count();
    if form.max_length != 0 && length > form.max_length as usize {
        return Err(CredentialProblem::TooLong {
            max_length: form.max_length,
            length,
        });
    }
    match form.form_type {
        FormType::Select | FormType::Radio => {
            if !form.options.iter().any(|o| o.value == value) {
                return Err(CredentialProblem::NotAnOption {
                    value: value.to_owned(),
                    allowed: form.options.iter().map(|o| o.value).collect(),
                });
            }
        }
        FormType::Switch => {
            if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                return Err(CredentialProblem::NotABool {
                    value: value.to_owned(),
                });
            }
        }
        FormType::TextInput | FormType::SecretInput => {}
    }
    Ok(Some(typed_value(form, value)))
}

fn typed_value(form: &CredentialForm, value: &str) -> CredentialValue {
    match form.form_type {
        FormType::SecretInput => CredentialValue::Secret(Secret::new(value)),
        FormType::Switch => CredentialValue::Bool(value.eq_ignore_ascii_case("true")),
        FormType::TextInput | FormType::Select | FormType::Radio => {
            CredentialValue::Text(value.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{FormOption, I18n, ShowOn};

    const fn label(text: &'static str) -> I18n {
        I18n {
            en_us: text,
            others: &[],
        }
    }

    const fn form(variable: &'static str, form_type: FormType) -> CredentialForm {
        CredentialForm {
            variable,
            label: label(variable),
            form_type,
            required: true,
            default: None,
            options: &[],
            placeholder: None,
            max_length: 0,
            show_on: &[],
        }
    }

    static MODES: [FormOption; 2] = [
        FormOption {
            value: "chat",
            label: label("Chat"),
            show_on: &[],
        },
        FormOption {
            value: "completion",
            label: label("Completion"),
            show_on: &[],
        },
    ];

    static FORMS: [CredentialForm; 7] = [
        CredentialForm {
            max_length: 10,
            ..form("api_key", FormType::SecretInput)
        },
        CredentialForm {
            required: false,
            default: Some("https://api.example.com"),
            ..form("endpoint", FormType::TextInput)
        },
        CredentialForm {
            options: &MODES,
            show_on: &[ShowOn {
                variable: MODEL_TYPE_VARIABLE,
                value: "llm",
            }],
            ..form("mode", FormType::Select)
        },
        CredentialForm {
            default: Some("4096"),
            show_on: &[ShowOn {
                variable: MODEL_TYPE_VARIABLE,
                value: "llm",
            }],
            ..form("context_size", FormType::TextInput)
        },
        CredentialForm {
            required: false,
            default: Some("512"),
            show_on: &[ShowOn {
                variable: MODEL_TYPE_VARIABLE,
                value: "text-embedding",
            }],
            ..form("context_size", FormType::TextInput)
        },
        CredentialForm {
            required: false,
            default: Some("false"),
            ..form("vision", FormType::Switch)
        },
        CredentialForm {
            required: false,
            show_on: &[ShowOn {
                variable: "mode",
                value: "completion",
            }],
            ..form("prefix", FormType::TextInput)
        },
    ];

    fn submit(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn keeps_fields_by_model_type_and_applies_defaults() {
        let input = submit(&[
            ("api_key", "sk-1234"),
            ("mode", "chat"),
            ("context_size", "8192"),
            ("unknown", "dropped"),
        ]);
        let got = validate_credentials("p", &FORMS, Some(ModelType::Llm), &input).unwrap();
        assert_eq!(got.secret("api_key").unwrap().expose(), "sk-1234");
        assert_eq!(got.text("endpoint"), Some("https://api.example.com"));
        assert_eq!(got.text("mode"), Some("chat"));
        assert_eq!(got.text("context_size"), Some("8192"));
        assert_eq!(got.switch("vision"), Some(false));
        assert!(got.get("unknown").is_none());
        assert!(got.get("prefix").is_none(), "condition on mode=completion");

        // Same variable, other model type: the optional embedding form applies with its default.
        let input = submit(&[("api_key", "sk-1234")]);
        let got =
            validate_credentials("p", &FORMS, Some(ModelType::TextEmbedding), &input).unwrap();
        assert_eq!(got.text("context_size"), Some("512"));
        assert!(got.get("mode").is_none());
    }

    #[test]
    fn required_field_ignores_its_default() {
        let input = submit(&[("api_key", "k"), ("mode", "chat"), ("context_size", "")]);
        let err = validate_credentials("p", &FORMS, Some(ModelType::Llm), &input).unwrap_err();
        assert_eq!(err.variable, "context_size");
        assert_eq!(err.problem, CredentialProblem::Missing);
        assert_eq!(
            err.to_string(),
            "invalid credentials for provider `p`: `context_size` is required but missing or empty"
        );
    }

    #[test]
    fn checks_options_switch_and_length_without_leaking_secrets() {
        let base = [("api_key", "k"), ("context_size", "1")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            validate_credentials("p", &FORMS, Some(ModelType::Llm), &submit(&pairs))
        };
        let err = with(&[("mode", "edit")]).unwrap_err();
        assert!(matches!(err.problem, CredentialProblem::NotAnOption { .. }));
        let err = with(&[("mode", "chat"), ("vision", "yes")]).unwrap_err();
        assert_eq!(err.variable, "vision");
        let ok = with(&[("mode", "completion"), ("vision", "TRUE"), ("prefix", "> ")]).unwrap();
        assert_eq!(ok.switch("vision"), Some(true));
        assert_eq!(ok.text("prefix"), Some("> "));

        let secret = "sk-0123456789abcdef";
        let input = submit(&[("api_key", secret), ("mode", "chat"), ("context_size", "1")]);
        let err = validate_credentials("p", &FORMS, Some(ModelType::Llm), &input).unwrap_err();
        assert_eq!(
            err.problem,
            CredentialProblem::TooLong {
                max_length: 10,
                length: secret.len()
            }
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(secret), "{shown}");
    }

    #[test]
    fn hidden_placeholder_keeps_the_stored_secret() {
        let stored = validate_credentials(
            "p",
            &FORMS,
            Some(ModelType::Llm),
            &submit(&[
                ("api_key", "sk-old"),
                ("mode", "chat"),
                ("context_size", "1"),
            ]),
        )
        .unwrap();
        let mut input = submit(&[
            ("api_key", HIDDEN_PLACEHOLDER),
            ("mode", "chat"),
            ("context_size", "2"),
        ]);
        resolve_hidden_secrets("p", &FORMS, &mut input, &stored).unwrap();
        let got = validate_credentials("p", &FORMS, Some(ModelType::Llm), &input).unwrap();
        assert_eq!(got.secret("api_key").unwrap().expose(), "sk-old");
        assert_eq!(got.masked()["api_key"], "*".repeat(20));

        let mut input = submit(&[("api_key", HIDDEN_PLACEHOLDER)]);
        let err = resolve_hidden_secrets("p", &FORMS, &mut input, &ValidatedCredentials::default())
            .unwrap_err();
        assert_eq!(err.problem, CredentialProblem::NoStoredSecret);
    }

    #[test]
    fn take_helpers_move_values_out() {
        let input = submit(&[("api_key", "k"), ("mode", "chat"), ("context_size", "1")]);
        let mut got = validate_credentials("p", &FORMS, Some(ModelType::Llm), &input).unwrap();
        assert_eq!(got.take_secret("api_key").unwrap().expose(), "k");
        assert!(got.take_secret("api_key").is_none());
        assert_eq!(got.take_text("mode").as_deref(), Some("chat"));
        assert_eq!(got.take_bool("vision"), Some(false));
        assert_eq!(got.take_text("vision"), None);
    }

    /// The provider form asks for `token` in a plain text box; `FORMS` (the model form here)
    /// hides `api_key`, which the provider form shows as text.
    static PLAIN_FORMS: [CredentialForm; 3] = [
        form("api_key", FormType::TextInput),
        form("region", FormType::TextInput),
        CredentialForm {
            required: false,
            default: Some("true"),
            ..form("verify", FormType::Switch)
        },
    ];

    static MIXED: ProviderInfo = ProviderInfo {
        id: "p",
        label: label("P"),
        description: None,
        icon_small: None,
        icon_large: None,
        background: None,
        help: None,
        supported_model_types: &[ModelType::Llm],
        configurate_methods: &[],
        provider_credentials: &PLAIN_FORMS,
        model_credential_schema: Some(crate::catalog::ModelCredentialSchema {
            model_label: label("Model"),
            model_placeholder: None,
            forms: &FORMS,
        }),
        models: &[],
        extra: &[],
        callability: crate::catalog::Callability::CatalogOnly,
        source: "p/p.yaml",
    };

    #[test]
    fn a_variable_secret_in_any_form_is_a_secret_in_every_form() {
        assert!(MIXED.is_secret_variable("api_key"));
        assert!(!MIXED.is_secret_variable("region"));
        let input = submit(&[("api_key", "sk-typed-as-text"), ("region", "eu")]);
        let got = validate_credentials_of(&MIXED, &PLAIN_FORMS, None, &input).unwrap();
        assert_eq!(got.secret("api_key").unwrap().expose(), "sk-typed-as-text");
        assert_eq!(got.text("region"), Some("eu"));
        assert_eq!(got.switch("verify"), Some(true));
        let shown = format!("{got:?} {:?}", got.masked());
        assert!(!shown.contains("sk-typed-as-text"), "{shown}");
        assert!(shown.contains("eu"), "{shown}");
    }
}
