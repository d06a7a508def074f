//! The static catalog rows of one provider (DESIGN.md "tables, not code"): `PROVIDER`, its
//! credential forms and its models, as plain data of `modelrt_runtime::catalog` types.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::callability::{callability, Callability};
use crate::emit::literals::{float, i18n, option, price};
use crate::emit::models::TypeGroup;
use crate::emit::shared::{Kind, Shared};
use crate::emit::EmitError;
use crate::ir::{
    CredentialForm, DefaultValue, Model, ModelProperties, ParameterRule, Pricing, Provider, ShowOn,
};

/// Name of the static array of provider credential forms.
pub const PROVIDER_FORMS: &str = "PROVIDER_CREDENTIAL_FORMS";
/// Name of the static array of model credential forms.
pub const MODEL_FORMS: &str = "MODEL_CREDENTIAL_FORMS";
/// Name of the static array of models.
pub const MODELS: &str = "MODELS";

/// `PROVIDER` and the arrays it points into.
pub fn provider_tables(
    provider: &Provider,
    groups: &[TypeGroup],
    shared: &Shared<'_>,
) -> Result<TokenStream, EmitError> {
    let id = &provider.id;
    let source = &provider.source;
    let label = i18n(&provider.label);
    let description = option(provider.description.as_ref(), i18n);
    let icon_small = option(provider.icon_small.as_ref(), i18n);
    let icon_large = option(provider.icon_large.as_ref(), i18n);
    let background = option(provider.background.as_ref(), |b| quote!(#b));
    let help = option(provider.help.as_ref(), |h| {
        let title = i18n(&h.title);
        let url = i18n(&h.url);
        quote!(catalog::ProviderHelp { title: #title, url: #url })
    });
    let types = provider.supported_model_types.iter().map(|t| {
        let v = crate::emit::names::ident(t.variant_name());
        quote!(catalog::ModelType::#v)
    });
    let methods = provider.configurate_methods.iter().map(|m| {
        let v = crate::emit::names::ident(m.variant_name());
        quote!(catalog::ConfigurateMethod::#v)
    });
    let extra = provider.extra_modelrt.iter().map(|(k, v)| quote!((#k, #v)));
    let callability = match callability(provider) {
        Callability::Protocol(p) => quote!(catalog::Callability::Protocol(#p)),
        Callability::RustImpl => quote!(catalog::Callability::RustImpl),
        Callability::CatalogOnly => quote!(catalog::Callability::CatalogOnly),
    };

    let provider_forms = forms_array(PROVIDER_FORMS, &provider.provider_credentials)?;
    let provider_forms_ident = crate::emit::names::ident(PROVIDER_FORMS);
    let (model_schema, model_forms) = match &provider.model_credential_schema {
        Some(schema) => {
            let forms_ident = crate::emit::names::ident(MODEL_FORMS);
            let model_label = i18n(&schema.model_label);
            let placeholder = option(schema.model_placeholder.as_ref(), i18n);
            (
                quote! {
                    Some(catalog::ModelCredentialSchema {
                        model_label: #model_label,
                        model_placeholder: #placeholder,
                        forms: &#forms_ident,
                    })
                },
                forms_array(MODEL_FORMS, &schema.forms)?,
            )
        }
        None => (quote!(None), TokenStream::new()),
    };

    let models: Vec<&Model> = groups
        .iter()
        .flat_map(|g| g.models.iter().copied())
        .collect();
    let model_count = models.len();
    let model_rows = models
        .iter()
        .map(|m| model_row(m, shared))
        .collect::<Result<Vec<_>, _>>()?;
    let models_ident = crate::emit::names::ident(MODELS);

    Ok(quote! {
        /// The provider's catalog row.
        pub static PROVIDER: catalog::ProviderInfo = catalog::ProviderInfo {
            id: #id,
            label: #label,
            description: #description,
            icon_small: #icon_small,
            icon_large: #icon_large,
            background: #background,
            help: #help,
            supported_model_types: &[#(#types),*],
            configurate_methods: &[#(#methods),*],
            provider_credentials: &#provider_forms_ident,
            model_credential_schema: #model_schema,
            models: &#models_ident,
            extra: &[#(#extra),*],
            callability: #callability,
            source: #source,
        };

        #provider_forms
        #model_forms

        /// Every predefined model, grouped by model type, each group in position order.
        static #models_ident: [catalog::ModelInfo; #model_count] = [#(#model_rows),*];
    })
}

/// `static NAME: [CredentialForm; N] = [..];`
fn forms_array(name: &str, forms: &[CredentialForm]) -> Result<TokenStream, EmitError> {
    let ident = crate::emit::names::ident(name);
    let count = forms.len();
    let rows = forms.iter().map(form_row);
    Ok(quote! {
        /// Credential form fields, in declaration order.
        static #ident: [catalog::CredentialForm; #count] = [#(#rows),*];
    })
}

fn show_on(conditions: &[ShowOn]) -> TokenStream {
    let items = conditions.iter().map(|c| {
        let variable = &c.variable;
        let value = &c.value;
        quote!(catalog::ShowOn { variable: #variable, value: #value })
    });
    quote!(&[#(#items),*])
}

fn form_row(form: &CredentialForm) -> TokenStream {
    let variable = &form.variable;
    let label = i18n(&form.label);
    let form_type = crate::emit::names::ident(form.form_type.variant_name());
    let required = form.required;
    let default = option(form.default.as_ref(), |d| quote!(#d));
    let options = form.options.iter().map(|o| {
        let value = &o.value;
        let label = i18n(&o.label);
        let show_on = show_on(&o.show_on);
        quote!(catalog::FormOption { value: #value, label: #label, show_on: #show_on })
    });
    let placeholder = option(form.placeholder.as_ref(), i18n);
    let max_length = form.max_length;
    let show_on = show_on(&form.show_on);
    quote! {
        catalog::CredentialForm {
            variable: #variable,
            label: #label,
            form_type: catalog::FormType::#form_type,
            required: #required,
            default: #default,
            options: &[#(#options),*],
            placeholder: #placeholder,
            max_length: #max_length,
            show_on: #show_on,
        }
    }
}

fn model_row(model: &Model, shared: &Shared<'_>) -> Result<TokenStream, EmitError> {
    let id = &model.id;
    let label = i18n(&model.label);
    let model_type = crate::emit::names::ident(model.model_type.variant_name());
    let features = shared.reference(Kind::Features, model)?;
    let fetch_from = crate::emit::names::ident(model.fetch_from.variant_name());
    let properties = properties(&model.properties);
    let rules = shared.reference(Kind::Rules, model)?;
    let pricing = match &model.pricing {
        Some(p) => {
            let p = pricing(p).map_err(|e| e.in_file(&model.source))?;
            quote!(Some(#p))
        }
        None => quote!(None),
    };
    let deprecated = model.deprecated;
    let source = &model.source;
    Ok(quote! {
        catalog::ModelInfo {
            id: #id,
            label: #label,
            model_type: catalog::ModelType::#model_type,
            features: #features,
            fetch_from: catalog::ConfigurateMethod::#fetch_from,
            properties: #properties,
            parameter_rules: #rules,
            pricing: #pricing,
            deprecated: #deprecated,
            source: #source,
        }
    })
}

/// Only the declared keys, the rest from `NO_PROPERTIES`.
fn properties(p: &ModelProperties) -> TokenStream {
    let mut set = Vec::new();
    if let Some(mode) = p.mode {
        let v = crate::emit::names::ident(mode.variant_name());
        set.push(quote!(mode: Some(catalog::LlmMode::#v)));
    }
    let numbers = [
        ("context_size", p.context_size),
        ("max_chunks", p.max_chunks),
        ("file_upload_limit", p.file_upload_limit),
        ("word_limit", p.word_limit),
        ("max_workers", p.max_workers),
        ("max_characters_per_chunk", p.max_characters_per_chunk),
    ];
    for (name, value) in numbers {
        if let Some(n) = value {
            let name = crate::emit::names::ident(name);
            set.push(quote!(#name: Some(#n)));
        }
    }
    let texts = [
        ("supported_file_extensions", &p.supported_file_extensions),
        ("default_voice", &p.default_voice),
        ("audio_type", &p.audio_type),
    ];
    for (name, value) in texts {
        if let Some(s) = value {
            let name = crate::emit::names::ident(name);
            set.push(quote!(#name: Some(#s)));
        }
    }
    if !p.voices.is_empty() {
        let voices = p.voices.iter().map(|v| {
            let mode = &v.mode;
            let name = &v.name;
            let language = &v.language;
            quote!(catalog::Voice { mode: #mode, name: #name, language: &[#(#language),*] })
        });
        set.push(quote!(voices: &[#(#voices),*]));
    }
    if set.is_empty() {
        return quote!(::modelrt::__private::NO_PROPERTIES);
    }
    quote!(catalog::ModelProperties { #(#set,)* ..::modelrt::__private::NO_PROPERTIES })
}

/// The element type and elements of a shared array (see [`Shared::statics`]).
pub fn shared_items(
    kind: Kind,
    model: &Model,
) -> Result<(TokenStream, Vec<TokenStream>), EmitError> {
    Ok(match kind {
        Kind::Features => {
            let features = model.features.iter().map(|f| {
                let v = crate::emit::names::ident(f.variant_name());
                quote!(catalog::ModelFeature::#v)
            });
            (quote!(catalog::ModelFeature), features.collect())
        }
        Kind::Rules => (
            quote!(catalog::ParameterRule),
            model
                .parameter_rules
                .iter()
                .map(rule_row)
                .collect::<Result<_, _>>()?,
        ),
    })
}

fn rule_row(rule: &ParameterRule) -> Result<TokenStream, EmitError> {
    let name = &rule.name;
    let use_template = option(rule.use_template.as_ref(), |t| quote!(#t));
    let label = i18n(&rule.label);
    let param_type = crate::emit::names::ident(rule.param_type.variant_name());
    let help = option(rule.help.as_ref(), i18n);
    let required = rule.required;
    let default = match &rule.default {
        None => quote!(None),
        Some(DefaultValue::Int(v)) => quote!(Some(catalog::DefaultValue::Int(#v))),
        Some(DefaultValue::Float(v)) => {
            let v = float(*v)?;
            quote!(Some(catalog::DefaultValue::Float(#v)))
        }
        Some(DefaultValue::Str(v)) => quote!(Some(catalog::DefaultValue::Str(#v))),
        Some(DefaultValue::Bool(v)) => quote!(Some(catalog::DefaultValue::Bool(#v))),
    };
    let min = optional_float(rule.min)?;
    let max = optional_float(rule.max)?;
    let precision = option(rule.precision.as_ref(), |p| quote!(#p));
    let options = &rule.options;
    Ok(quote! {
        catalog::ParameterRule {
            name: #name,
            use_template: #use_template,
            label: #label,
            param_type: catalog::ParameterType::#param_type,
            help: #help,
            required: #required,
            default: #default,
            min: #min,
            max: #max,
            precision: #precision,
            options: &[#(#options),*],
        }
    })
}

fn optional_float(value: Option<f64>) -> Result<TokenStream, EmitError> {
    Ok(match value {
        Some(v) => {
            let v = float(v)?;
            quote!(Some(#v))
        }
        None => quote!(None),
    })
}

fn pricing(p: &Pricing) -> Result<TokenStream, EmitError> {
    let input = price(&p.input)?;
    let output = match &p.output {
        Some(o) => {
            let o = price(o)?;
            quote!(Some(#o))
        }
        None => quote!(None),
    };
    let unit = price(&p.unit)?;
    let currency = &p.currency;
    Ok(quote! {
        catalog::Pricing { input: #input, output: #output, unit: #unit, currency: #currency }
    })
}
