//! Typed credential structs: `Credentials` for the provider form, and one
//! `<Type>ModelCredentials` per model type of a `customizable-model` provider, with the
//! `__model_type` conditions resolved here so each struct has exactly its fields.
//!
//! Construction goes through the runtime's `validate_credentials` (which applies defaults and
//! checks every rule) and then moves the typed values out with its `take_*` helpers.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::enums::EnumSet;
use crate::emit::names::{ident, snake_case, Scope};
use crate::emit::tables::{MODEL_FORMS, PROVIDER_FORMS};
use crate::ir::{ConfigurateMethod, CredentialForm, FormType, ModelType, Provider};

/// The pseudo-variable model credential forms are conditioned on.
pub const MODEL_TYPE_VARIABLE: &str = "__model_type";

/// The Rust type a credential becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CredentialType {
    Text,
    Secret,
    Switch,
    /// A select/radio: the generated enum's name.
    Choice(String),
}

/// One field: a variable, possibly declared by several forms with exclusive conditions.
#[derive(Debug)]
struct Field<'a> {
    name: String,
    variable: &'a str,
    kind: CredentialType,
    optional: bool,
    forms: Vec<&'a CredentialForm>,
}

/// Which forms apply, seen from one struct.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// Provider credentials: no model type is known, `__model_type` never holds.
    Provider,
    /// Model credentials of this type.
    Model(ModelType),
}

impl Target {
    /// Whether the `__model_type` conditions of `form` allow it here.
    fn admits(self, form: &CredentialForm) -> bool {
        form.show_on
            .iter()
            .filter(|c| c.variable == MODEL_TYPE_VARIABLE)
            .all(|c| matches!(self, Target::Model(t) if t.as_str() == c.value))
    }
}

/// Groups the admitted forms by variable (first appearance order) and types each field;
/// `secrets` are the variables that are `secret-input` in any of the provider's forms.
fn fields<'a>(
    forms: &'a [CredentialForm],
    target: Target,
    secrets: &[&str],
    struct_prefix: &str,
    enums: &mut EnumSet<'_>,
) -> Vec<Field<'a>> {
    let mut grouped: Vec<(&'a str, Vec<&'a CredentialForm>)> = Vec::new();
    for form in forms.iter().filter(|f| target.admits(f)) {
        match grouped.iter_mut().find(|(v, _)| *v == form.variable) {
            Some((_, list)) => list.push(form),
            None => grouped.push((&form.variable, vec![form])),
        }
    }
    let mut scope = Scope::default();
    grouped
        .into_iter()
        .map(|(variable, forms)| {
            let kind = if secrets.contains(&variable) {
                CredentialType::Secret
            } else {
                kind_of(variable, &forms, struct_prefix, enums)
            };
            let conditional = forms
                .iter()
                .any(|f| f.show_on.iter().any(|c| c.variable != MODEL_TYPE_VARIABLE));
            // A value is guaranteed only for one unconditional form that is required or
            // has a default (the runtime applies defaults to optional fields).
            let guaranteed = forms.len() == 1
                && !conditional
                && forms
                    .iter()
                    .all(|f| f.required || f.default.as_deref().is_some_and(|d| !d.is_empty()));
            Field {
                name: scope.claim(&snake_case(variable)),
                variable,
                kind,
                optional: !guaranteed,
                forms,
            }
        })
        .collect()
}

/// The type of a variable that no form hides: the same widget everywhere -> that type
/// (select/radio options united); mixed widgets -> text.
fn kind_of(
    variable: &str,
    forms: &[&CredentialForm],
    prefix: &str,
    enums: &mut EnumSet<'_>,
) -> CredentialType {
    let is_choice =
        |f: &&&CredentialForm| matches!(f.form_type, FormType::Select | FormType::Radio);
    if forms.iter().all(|f| is_choice(&f)) {
        let mut values: Vec<(String, String)> = Vec::new();
        for option in forms.iter().flat_map(|f| &f.options) {
            if !values.iter().any(|(v, _)| *v == option.value) {
                values.push((option.value.clone(), option.label.en_us.clone()));
            }
        }
        let doc = format!("Values of the `{variable}` credential.");
        return CredentialType::Choice(enums.request(variable, prefix, &doc, &values));
    }
    let first = forms.first().map(|f| f.form_type);
    if forms.iter().any(|f| Some(f.form_type) != first) {
        return CredentialType::Text;
    }
    match first {
        Some(FormType::Switch) => CredentialType::Switch,
        _ => CredentialType::Text,
    }
}

fn field_doc(field: &Field<'_>) -> String {
    let label = field
        .forms
        .first()
        .map_or(field.variable, |f| f.label.en_us.as_str());
    let widget = match &field.kind {
        CredentialType::Text => "text",
        CredentialType::Secret => "secret",
        CredentialType::Switch => "switch",
        CredentialType::Choice(_) => "choice",
    };
    let mut doc = format!("{label} (`{}`, {widget}", field.variable);
    if let [form] = field.forms.as_slice() {
        doc.push_str(if form.required {
            ", required"
        } else {
            ", optional"
        });
        if let Some(default) = form.default.as_deref().filter(|d| !d.is_empty()) {
            // Shown verbatim; only real line breaks are spelled out to keep the doc on one line.
            let shown = default.replace('\n', "\\n").replace('\r', "\\r");
            doc.push_str(&format!(", default `{shown}`"));
        }
    }
    let conditions: Vec<String> = field
        .forms
        .iter()
        .flat_map(|f| &f.show_on)
        .filter(|c| c.variable != MODEL_TYPE_VARIABLE)
        .map(|c| format!("`{} = {}`", c.variable, c.value))
        .collect();
    if !conditions.is_empty() {
        doc.push_str(&format!(", only when {}", conditions.join(" or ")));
    }
    doc.push_str(").");
    doc
}

/// The struct, its `from_map`, and nothing else.
fn credential_struct(
    name: &str,
    doc: &str,
    forms_static: &str,
    model_type: Option<ModelType>,
    fields: &[Field<'_>],
) -> TokenStream {
    let name = ident(name);
    let struct_doc = doc_attrs(doc);
    let forms_static = ident(forms_static);
    let model_type = match model_type {
        Some(t) => {
            let v = ident(t.variant_name());
            quote!(Some(catalog::ModelType::#v))
        }
        None => quote!(None),
    };
    let declarations = fields.iter().map(|f| {
        let field = ident(&f.name);
        let doc_attrs = doc_attrs(&field_doc(f));
        let ty = value_type(f);
        let ty = if f.optional { quote!(Option<#ty>) } else { ty };
        quote!(#doc_attrs pub #field: #ty)
    });
    let constructor = constructor(fields);
    let from_map = from_map(&forms_static, &model_type, fields);
    let source = credential_source(&name, fields);
    quote! {
        #struct_doc
        #[derive(Debug, Clone)]
        pub struct #name { #(#declarations),* }

        impl #name {
            #constructor

            #from_map
        }

        #source
    }
}

/// `from_map`: the submitted map validated against the forms, then one call per field on
/// `__private::CredentialFields`.
fn from_map(
    forms_static: &proc_macro2::Ident,
    model_type: &TokenStream,
    fields: &[Field<'_>],
) -> TokenStream {
    let initialisers = fields.iter().map(|f| {
        let field = ident(&f.name);
        let variable = f.variable;
        match (&f.kind, f.optional) {
            (CredentialType::Text, true) => quote!(#field: values.optional_text(#variable)),
            (CredentialType::Text, false) => quote!(#field: values.text(#variable)?),
            (CredentialType::Secret, true) => quote!(#field: values.optional_secret(#variable)),
            (CredentialType::Secret, false) => quote!(#field: values.secret(#variable)?),
            (CredentialType::Switch, true) => quote!(#field: values.optional_switch(#variable)),
            (CredentialType::Switch, false) => quote!(#field: values.switch(#variable)?),
            // The enum is named, so rustc need not weigh every `FromStr` impl of the tree to
            // infer it.
            (CredentialType::Choice(e), true) => {
                let e = ident(e);
                quote!(#field: values.optional_choice::<#e>(#variable)?)
            }
            (CredentialType::Choice(e), false) => {
                let e = ident(e);
                quote!(#field: values.choice::<#e>(#variable)?)
            }
        }
    });
    let binding = if fields.is_empty() {
        quote!(let _values)
    } else {
        quote!(let mut values)
    };
    quote! {
        /// Validates submitted credentials (a string map, as a UI sends them) against the
        /// form and returns them typed. Defaults are applied; unknown keys are dropped.
        pub fn from_map<S>(
            input: &S,
        ) -> Result<Self, ::modelrt_sdk::runtime::credentials::CredentialError>
        where
            S: ::modelrt_sdk::runtime::credentials::CredentialSource + ?Sized,
        {
            #binding = ::modelrt_sdk::__private::credential_fields(
                &PROVIDER,
                &#forms_static,
                #model_type,
                input,
            )?;
            Ok(Self { #(#initialisers),* })
        }
    }
}

/// The typed values read back by variable name (`CredentialSource`).
fn credential_source(name: &proc_macro2::Ident, fields: &[Field<'_>]) -> TokenStream {
    let values = fields.iter().map(|f| {
        let field = ident(&f.name);
        let variable = f.variable;
        let value = match (&f.kind, f.optional) {
            (CredentialType::Text, false) => quote!(Some(self.#field.as_str())),
            (CredentialType::Text, true) => quote!(self.#field.as_deref()),
            (CredentialType::Secret, false) => quote!(Some(self.#field.expose())),
            (CredentialType::Secret, true) => quote!(self.#field.as_ref().map(|s| s.expose())),
            (CredentialType::Switch, false) => {
                quote!(Some(if self.#field { "true" } else { "false" }))
            }
            (CredentialType::Switch, true) => {
                quote!(self.#field.map(|b| if b { "true" } else { "false" }))
            }
            (CredentialType::Choice(_), false) => quote!(Some(self.#field.as_str())),
            (CredentialType::Choice(_), true) => quote!(self.#field.map(|c| c.as_str())),
        };
        quote!(#variable => #value,)
    });
    // A struct without fields has nothing to look up (a lone `_` arm would be a lint).
    let lookup = if fields.is_empty() {
        quote! {
            let _ = variable;
            None
        }
    } else {
        quote! {
            match variable {
                #(#values)*
                _ => None,
            }
        }
    };
    quote! {
        /// The typed values read back by variable name, so a typed client is validated
        /// exactly as a submitted form.
        impl ::modelrt_sdk::runtime::credentials::CredentialSource for #name {
            fn value(&self, variable: &str) -> Option<&str> {
                #lookup
            }
        }
    }
}

/// The Rust type of a field's value.
fn value_type(field: &Field<'_>) -> TokenStream {
    match &field.kind {
        CredentialType::Text => quote!(String),
        CredentialType::Secret => quote!(::modelrt_sdk::runtime::secret::Secret),
        CredentialType::Switch => quote!(bool),
        CredentialType::Choice(e) => {
            let e = ident(e);
            quote!(#e)
        }
    }
}

/// The value `new` gives a required field that its form defaults, when the default is a
/// plain literal of the field's type (a select's default stays an argument of `new`).
fn default_value(field: &Field<'_>) -> Option<TokenStream> {
    let default = field.forms.iter().find_map(|f| f.default.as_deref())?;
    match &field.kind {
        CredentialType::Text => Some(quote!(#default.to_owned())),
        CredentialType::Secret => {
            Some(quote!(::modelrt_sdk::runtime::secret::Secret::new(#default)))
        }
        CredentialType::Switch => {
            let on = default == "true";
            Some(quote!(#on))
        }
        CredentialType::Choice(_) => None,
    }
}

/// `new(<required fields without a default>)` and a `with_<field>` setter for every other
/// field (optional ones start unset, defaulted ones at their form's default).
fn constructor(fields: &[Field<'_>]) -> TokenStream {
    let mut arguments = Vec::new();
    let mut initialisers = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let field = ident(&f.name);
        let ty = value_type(f);
        let default = if f.optional {
            Some(quote!(None))
        } else {
            default_value(f)
        };
        let Some(default) = default else {
            arguments.push(quote!(#field: impl Into<#ty>));
            initialisers.push(quote!(#field: #field.into()));
            continue;
        };
        initialisers.push(quote!(#field: #default));
        let value = if f.optional {
            quote!(Some(#field.into()))
        } else {
            quote!(#field.into())
        };
        // A keyword's field is `type_`; its setter reads `with_type`.
        let setter = ident(&format!(
            "with_{}",
            f.name.strip_suffix('_').unwrap_or(&f.name)
        ));
        let doc = doc_attrs(&format!("Sets `{}`.", f.variable));
        setters.push(quote! {
            #doc
            pub fn #setter(mut self, #field: impl Into<#ty>) -> Self {
                self.#field = #value;
                self
            }
        });
    }
    // Without arguments `new()` would rather be `Default` to clippy; forms with many required
    // fields take them all.
    let allow = match arguments.len() {
        0 => quote!(#[allow(clippy::new_without_default)]),
        1..=7 => TokenStream::new(),
        _ => quote!(#[allow(clippy::too_many_arguments)]),
    };
    quote! {
        /// The credentials with their required fields; the others start unset or at their
        /// form's default (see the `with_*` setters).
        #allow
        pub fn new(#(#arguments),*) -> Self {
            Self { #(#initialisers),* }
        }

        #(#setters)*
    }
}

/// The variables that are `secret-input` in any of `provider`'s forms: each is a `Secret` in
/// every struct, whichever form a struct reads it from (the runtime agrees:
/// `ProviderInfo::is_secret_variable`).
fn secret_variables(provider: &Provider) -> Vec<&str> {
    let model_forms = provider
        .model_credential_schema
        .as_ref()
        .map_or(&[][..], |s| &s.forms[..]);
    provider
        .provider_credentials
        .iter()
        .chain(model_forms)
        .filter(|f| f.form_type == FormType::SecretInput)
        .map(|f| f.variable.as_str())
        .collect()
}

/// `Credentials` and, for `customizable-model` providers, every `<Type>ModelCredentials`.
pub fn credential_structs(provider: &Provider, enums: &mut EnumSet<'_>) -> TokenStream {
    let label = &provider.label.en_us;
    let secrets = secret_variables(provider);
    let provider_fields = fields(
        &provider.provider_credentials,
        Target::Provider,
        &secrets,
        "Provider",
        enums,
    );
    let doc = format!(
        "Provider credentials of {label} (`provider_credential_schema` in `{}`).",
        provider.source
    );
    let mut out = credential_struct("Credentials", &doc, PROVIDER_FORMS, None, &provider_fields);
    let customizable = provider
        .configurate_methods
        .contains(&ConfigurateMethod::CustomizableModel);
    if let (true, Some(schema)) = (customizable, &provider.model_credential_schema) {
        for &model_type in &provider.supported_model_types {
            let prefix = model_type.variant_name();
            let model_fields = fields(
                &schema.forms,
                Target::Model(model_type),
                &secrets,
                prefix,
                enums,
            );
            let doc = format!(
                "Credentials of a custom {} model of {label} (`model_credential_schema` in `{}`, \
                 forms for `__model_type = {}`).",
                model_type.as_str(),
                provider.source,
                model_type.as_str()
            );
            out.extend(credential_struct(
                &model_credentials_name(model_type),
                &doc,
                MODEL_FORMS,
                Some(model_type),
                &model_fields,
            ));
        }
    }
    out
}

/// `LlmModelCredentials`, `TextEmbeddingModelCredentials`, ...
pub fn model_credentials_name(model_type: ModelType) -> String {
    format!("{}ModelCredentials", model_type.variant_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FormOption, I18n, ShowOn};

    fn form(variable: &str, form_type: FormType, show_on: &[(&str, &str)]) -> CredentialForm {
        CredentialForm {
            variable: variable.into(),
            label: I18n {
                en_us: variable.into(),
                others: vec![],
            },
            form_type,
            required: true,
            default: None,
            options: vec![],
            placeholder: None,
            max_length: 0,
            show_on: show_on
                .iter()
                .map(|(v, val)| ShowOn {
                    variable: (*v).into(),
                    value: (*val).into(),
                })
                .collect(),
        }
    }

    fn option(value: &str) -> FormOption {
        FormOption {
            value: value.into(),
            label: I18n {
                en_us: value.into(),
                others: vec![],
            },
            show_on: vec![],
        }
    }

    fn summary(fields: &[Field<'_>]) -> Vec<String> {
        fields
            .iter()
            .map(|f| {
                format!(
                    "{}:{:?}:{}",
                    f.name,
                    f.kind,
                    if f.optional { "opt" } else { "req" }
                )
            })
            .collect()
    }

    #[test]
    fn model_type_conditions_are_resolved_per_struct() {
        let forms = vec![
            form("api_key", FormType::SecretInput, &[]),
            form(
                "context_size",
                FormType::TextInput,
                &[("__model_type", "llm")],
            ),
            form(
                "context_size",
                FormType::TextInput,
                &[("__model_type", "text-embedding")],
            ),
            form("mode", FormType::Select, &[("__model_type", "llm")]),
        ];
        let mut scope = Scope::default();
        let mut enums = EnumSet::new(&mut scope);
        let secrets = ["api_key"];
        let llm = fields(
            &forms,
            Target::Model(ModelType::Llm),
            &secrets,
            "Llm",
            &mut enums,
        );
        assert_eq!(
            summary(&llm),
            [
                "api_key:Secret:req",
                "context_size:Text:req",
                "mode:Choice(\"Mode\"):req"
            ]
        );
        let rerank = fields(
            &forms,
            Target::Model(ModelType::Rerank),
            &secrets,
            "Rerank",
            &mut enums,
        );
        assert_eq!(summary(&rerank), ["api_key:Secret:req"]);
    }

    #[test]
    fn optional_conditional_and_defaulted_fields() {
        let mut with_default = form("verify", FormType::Switch, &[]);
        with_default.required = false;
        with_default.default = Some("true".into());
        let mut optional = form("organization", FormType::TextInput, &[]);
        optional.required = false;
        let mut auth = form("auth", FormType::Radio, &[]);
        auth.options = vec![option("key"), option("token")];
        let forms = vec![
            with_default,
            optional,
            auth,
            form("token", FormType::SecretInput, &[("auth", "token")]),
            form("type", FormType::TextInput, &[]),
            form("model", FormType::TextInput, &[]),
        ];
        let mut scope = Scope::default();
        let mut enums = EnumSet::new(&mut scope);
        let got = fields(&forms, Target::Provider, &["token"], "Provider", &mut enums);
        assert_eq!(
            summary(&got),
            [
                "verify:Switch:req",
                "organization:Text:opt",
                "auth:Choice(\"Auth\"):req",
                "token:Secret:opt",
                "type_:Text:req",
                "model:Text:req"
            ]
        );
        assert!(field_doc(&got[3]).contains("only when `auth = token`"));
    }

    #[test]
    fn mixed_widgets_for_one_variable_become_optional_text() {
        let forms = vec![
            form("endpoint", FormType::Select, &[("region", "private")]),
            form("endpoint", FormType::TextInput, &[("region", "public")]),
        ];
        let mut scope = Scope::default();
        let mut enums = EnumSet::new(&mut scope);
        let got = fields(&forms, Target::Provider, &[], "Provider", &mut enums);
        assert_eq!(summary(&got), ["endpoint:Text:opt"]);
    }

    #[test]
    fn a_variable_hidden_by_any_form_is_a_secret_in_every_struct() {
        // Shown as text in the provider form, hidden by one of the model form's two widgets.
        let provider = Provider {
            id: "p".into(),
            rust_module: "p".into(),
            source: "p/p.yaml".into(),
            dir: "p".into(),
            label: I18n::default(),
            description: None,
            icon_small: None,
            icon_large: None,
            background: None,
            help: None,
            supported_model_types: vec![ModelType::Llm],
            configurate_methods: vec![ConfigurateMethod::CustomizableModel],
            provider_credentials: vec![form("token", FormType::TextInput, &[])],
            model_credential_schema: Some(crate::ir::ModelCredentialSchema {
                model_label: I18n::default(),
                model_placeholder: None,
                forms: vec![
                    form("token", FormType::SecretInput, &[("auth", "token")]),
                    form("token", FormType::TextInput, &[("auth", "none")]),
                    form("region", FormType::TextInput, &[]),
                ],
            }),
            models: vec![],
            extra_modelrt: vec![],
            rust_files: vec![],
        };
        assert_eq!(secret_variables(&provider), ["token"]);
        let code = credential_structs(&provider, &mut EnumSet::new(&mut Scope::default()))
            .to_string()
            .replace(' ', "");
        let secret_fields = code
            .matches("pubtoken:::modelrt_sdk::runtime::secret::Secret")
            .count()
            + code
                .matches("pubtoken:Option<::modelrt_sdk::runtime::secret::Secret>")
                .count();
        assert_eq!(secret_fields, 2, "{code}");
        assert!(code.contains("pubregion:String"), "{code}");
    }
}
