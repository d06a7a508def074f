//! Moving validated credentials into a generated credentials struct, field by field.

use std::str::FromStr;

use modelrt_runtime::catalog::{CredentialForm, ModelType, ProviderInfo, UnknownName};
use modelrt_runtime::credentials::{
    validate_credentials_of, CredentialError, CredentialProblem, CredentialSource,
    ValidatedCredentials,
};
use modelrt_runtime::secret::Secret;

/// Submitted credentials validated against `forms`, ready to be moved into a generated
/// struct: one call per field, each returning the typed value or the error naming the
/// provider and variable (a generated `from_map` is then a struct literal of such calls).
/// A variable that is `secret-input` in any of the provider's forms comes out as a secret
/// whichever form supplied it, as the generated field is typed.
pub fn credential_fields<S: CredentialSource + ?Sized>(
    provider: &'static ProviderInfo,
    forms: &'static [CredentialForm],
    model_type: Option<ModelType>,
    submitted: &S,
) -> Result<CredentialFields, CredentialError> {
    Ok(CredentialFields {
        provider: provider.id,
        values: validate_credentials_of(provider, forms, model_type, submitted)?,
    })
}

/// See [`credential_fields`]. Required fields are ones validation guarantees (required or
/// defaulted); their absence is still reported as missing rather than trusted.
pub struct CredentialFields {
    provider: &'static str,
    values: ValidatedCredentials,
}

impl CredentialFields {
    /// An optional text field.
    pub fn optional_text(&mut self, variable: &str) -> Option<String> {
        self.values.take_text(variable)
    }

    /// An optional secret field.
    pub fn optional_secret(&mut self, variable: &str) -> Option<Secret> {
        self.values.take_secret(variable)
    }

    /// An optional switch.
    pub fn optional_switch(&mut self, variable: &str) -> Option<bool> {
        self.values.take_bool(variable)
    }

    /// An optional select/radio field, as its generated enum.
    pub fn optional_choice<E: FromStr<Err = UnknownName>>(
        &mut self,
        variable: &str,
    ) -> Result<Option<E>, CredentialError> {
        let Some(value) = self.values.take_text(variable) else {
            return Ok(None);
        };
        value.parse().map(Some).map_err(|unknown: UnknownName| {
            self.error(
                variable,
                CredentialProblem::NotAnOption {
                    value: unknown.name,
                    allowed: unknown.expected,
                },
            )
        })
    }

    /// A required text field.
    pub fn text(&mut self, variable: &str) -> Result<String, CredentialError> {
        let value = self.values.take_text(variable);
        self.required(variable, value)
    }

    /// A required secret field.
    pub fn secret(&mut self, variable: &str) -> Result<Secret, CredentialError> {
        let value = self.values.take_secret(variable);
        self.required(variable, value)
    }

    /// A required switch.
    pub fn switch(&mut self, variable: &str) -> Result<bool, CredentialError> {
        let value = self.values.take_bool(variable);
        self.required(variable, value)
    }

    /// A required select/radio field, as its generated enum.
    pub fn choice<E: FromStr<Err = UnknownName>>(
        &mut self,
        variable: &str,
    ) -> Result<E, CredentialError> {
        let value = self.optional_choice(variable)?;
        self.required(variable, value)
    }

    fn required<T>(&self, variable: &str, value: Option<T>) -> Result<T, CredentialError> {
        value.ok_or_else(|| self.error(variable, CredentialProblem::Missing))
    }

    fn error(&self, variable: &str, problem: CredentialProblem) -> CredentialError {
        CredentialError {
            provider: self.provider.to_owned(),
            variable: variable.to_owned(),
            problem,
        }
    }
}
