//! The one convention for credentials in environment variables, shared by the library
//! ([`Client::from_env`](crate::sdk::Client::from_env)), the `modelrt` command and the
//! examples.
//!
//! A form variable `<variable>` of provider `<provider>` is read from
//! `MODELRT_<PROVIDER>_<VARIABLE>` (both upper-cased, every character other than A-Z and 0-9
//! turned into `_`): `MODELRT_OPENAI_OPENAI_API_KEY`. When the variable's name already starts
//! with the provider id, its own upper-cased name is the fallback, which is the name vendors
//! document (`openai_api_key` of `openai` -> `OPENAI_API_KEY`). Empty values count as unset.

use std::collections::BTreeMap;

use modelrt_runtime::catalog::CredentialForm;

/// `MODELRT_<PROVIDER>_<VARIABLE>`.
pub fn prefixed_name(provider: &str, variable: &str) -> String {
    format!("MODELRT_{}_{}", upper(provider), upper(variable))
}

/// The names `variable` of `provider` is looked up under, in order.
pub fn names(provider: &str, variable: &str) -> Vec<String> {
    let mut names = vec![prefixed_name(provider, variable)];
    let names_provider = variable
        .strip_prefix(provider)
        .is_some_and(|rest| rest.starts_with('_'));
    if names_provider {
        names.push(upper(variable));
    }
    names
}

/// The first of [`names`] that is set (and not empty), with its value.
pub fn lookup(provider: &str, variable: &str) -> Option<(String, String)> {
    names(provider, variable).into_iter().find_map(|name| {
        let value = std::env::var(&name).ok().filter(|v| !v.is_empty())?;
        Some((name, value))
    })
}

/// The values of `forms` found in the environment, by variable: a credential map as a form
/// would submit it (validation then applies the form's defaults).
pub fn credentials(provider: &str, forms: &[CredentialForm]) -> BTreeMap<String, String> {
    forms
        .iter()
        .filter_map(|form| {
            let (_, value) = lookup(provider, form.variable)?;
            Some((form.variable.to_owned(), value))
        })
        .collect()
}

fn upper(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_first_then_the_vendor_name_when_the_variable_names_the_provider() {
        assert_eq!(
            names("openai", "openai_api_key"),
            ["MODELRT_OPENAI_OPENAI_API_KEY", "OPENAI_API_KEY"]
        );
        assert_eq!(
            names("openai_api_compatible", "endpoint_url"),
            ["MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL"]
        );
        // A shared prefix that is not the whole id is no fallback.
        assert_eq!(names("open", "openai_key"), ["MODELRT_OPEN_OPENAI_KEY"]);
        assert_eq!(names("a-b", "x.y"), ["MODELRT_A_B_X_Y"]);
    }
}
