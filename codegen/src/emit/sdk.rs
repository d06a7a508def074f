//! The typed SDK surface of a callable provider (DESIGN.md, use 4): `Client`, one marker type
//! per predefined model in `models` with its capability traits, and the glue that lets model
//! enums and params structs feed the generic handles of `modelrt::sdk`.
//!
//! Compile cost stays flat per model: a marker is a unit struct and one `Model` impl made of
//! types and a constant (its features are one `FeatureSet<Yes, No, ..>` type that blanket
//! impls read); no functions and no derives: three derived impls per marker were most of the
//! generated code's check time (BENCHMARKS.md, "Build pipeline").

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::callability::{callability, Callability};
use crate::emit::credentials::model_credentials_name;
use crate::emit::docs::{doc_attrs, model_doc};
use crate::emit::models::{checked_ident, TypeGroup};
use crate::emit::names::{ident, Scope};
use crate::emit::params::params_name;
use crate::emit::wiring::PROTOCOL_TYPES;
use crate::emit::EmitError;
use crate::ir::{ConfigurateMethod, ModelFeature, ModelType, Provider};

/// Names the SDK adds to a provider module.
pub const RESERVED_NAMES: &[&str] = &["Client", "models"];

/// The features of `modelrt::runtime::capability::FeatureSet`, in its parameter order.
const FEATURE_ORDER: [ModelFeature; 9] = [
    ModelFeature::ToolCall,
    ModelFeature::MultiToolCall,
    ModelFeature::StreamToolCall,
    ModelFeature::Vision,
    ModelFeature::Document,
    ModelFeature::Audio,
    ModelFeature::Video,
    ModelFeature::StructuredOutput,
    ModelFeature::AgentThought,
];

/// `FeatureSet<Yes, No, ..>` for a model's declared features.
fn feature_set(features: &[ModelFeature]) -> TokenStream {
    let flags = FEATURE_ORDER.iter().map(|f| {
        if features.contains(f) {
            quote!(Yes)
        } else {
            quote!(No)
        }
    });
    quote!(FeatureSet<#(#flags),*>)
}

/// The handle type and `Client` method of a model type.
fn handle(model_type: ModelType) -> (TokenStream, &'static str) {
    match model_type {
        ModelType::Llm => (quote!(::modelrt::sdk::LlmModel), "llm"),
        ModelType::TextEmbedding => (quote!(::modelrt::sdk::TextEmbeddingModel), "text_embedding"),
        ModelType::Rerank => (quote!(::modelrt::sdk::RerankModel), "rerank"),
        ModelType::Tts => (quote!(::modelrt::registry::ModelHandle), "tts"),
        ModelType::Speech2Text => (quote!(::modelrt::registry::ModelHandle), "speech2text"),
        _ => (quote!(::modelrt::registry::ModelHandle), "moderation"),
    }
}

/// `.map(Handle::from_handle)` and `Handle<tag>` for the typed handles; nothing and
/// `ModelHandle` for the model types that get a plain handle.
fn wrapping(
    model_type: ModelType,
    handle: &TokenStream,
    tag: TokenStream,
) -> (TokenStream, TokenStream) {
    match model_type {
        ModelType::Llm | ModelType::TextEmbedding | ModelType::Rerank => {
            (quote!(.map(#handle::from_handle)), quote!(#handle<#tag>))
        }
        _ => (TokenStream::new(), handle.clone()),
    }
}

/// The SDK items of `provider`, or nothing for a catalog-only provider.
pub fn sdk(provider: &Provider, groups: &[TypeGroup<'_>]) -> Result<TokenStream, EmitError> {
    let implementation = match callability(provider) {
        Callability::CatalogOnly => return Ok(TokenStream::new()),
        Callability::RustImpl => quote!(Some(&IMPLEMENTATION)),
        Callability::Protocol(_) => quote!(None),
    };
    let label = &provider.label.en_us;
    let mut markers = Vec::new();
    let mut glue = Vec::new();
    let mut methods = Vec::new();
    let mut scope = Scope::default();
    for group in groups
        .iter()
        .filter(|g| PROTOCOL_TYPES.contains(&g.model_type))
    {
        let type_name = group.model_type.variant_name();
        let kind = ident(type_name);
        let kind = quote!(::modelrt::runtime::capability::kind::#kind);
        for model in &group.models {
            let name = if scope.is_free(&model.rust_ident) {
                scope.claim(&model.rust_ident)
            } else {
                scope.claim(&format!("{type_name}{}", model.rust_ident))
            };
            let marker = checked_ident(&name, &model.source)?;
            let doc = doc_attrs(&model_doc(model)?);
            let id = &model.id;
            let features = feature_set(&model.features);
            markers.push(quote! {
                #doc
                pub struct #marker;
                impl ::modelrt::runtime::capability::Model for #marker {
                    type Provider = super::Provider;
                    type Kind = #kind;
                    type Features = #features;
                    const ID: &'static str = #id;
                }
            });
        }
        let model_enum = ident(type_name);
        let params = ident(&params_name(group));
        glue.push(quote! {
            impl ::modelrt::runtime::capability::ModelChoice<Provider> for #model_enum {
                type Kind = #kind;
                type Tag = ::modelrt::runtime::capability::AnyModel<Provider>;
                fn model_id(self) -> &'static str {
                    self.id()
                }
            }

            impl ::modelrt::sdk::TypedParams for #params {
                type Provider = Provider;
                type Kind = #kind;
                fn to_json_for(
                    &self,
                    model_id: &str,
                ) -> Option<::modelrt::__private::serde_json::Map<String, ::modelrt::__private::serde_json::Value>> {
                    #model_enum::from_id(model_id).map(|model| self.to_json(model))
                }
            }
        });
        let (handle, method) = handle(group.model_type);
        let method = ident(method);
        let variant = ident(type_name);
        let (wrap, returns) = wrapping(group.model_type, &handle, quote!(M::Tag));
        let doc = doc_attrs(&format!(
            "Opens a {} model: a marker from [`models`] (capabilities checked by the compiler) \
             or a [`{type_name}`] value.",
            group.model_type.as_str()
        ));
        methods.push(quote! {
            #doc
            pub fn #method<M>(&self, model: M) -> ::modelrt::runtime::Result<#returns>
            where
                M: ::modelrt::runtime::capability::ModelChoice<Provider, Kind = #kind>,
            {
                ::modelrt::sdk::open(
                    &PROVIDER,
                    #implementation,
                    catalog::ModelType::#variant,
                    model.model_id(),
                    &self.credentials,
                    self.http,
                )
                #wrap
            }
        });
    }
    let customizable = provider
        .configurate_methods
        .contains(&ConfigurateMethod::CustomizableModel)
        && provider.model_credential_schema.is_some();
    let custom_types = provider
        .supported_model_types
        .iter()
        .filter(|t| customizable && PROTOCOL_TYPES.contains(t));
    for &model_type in custom_types {
        let (handle, method) = handle(model_type);
        let method = ident(&format!("custom_{method}"));
        let variant = ident(model_type.variant_name());
        let credentials = ident(&model_credentials_name(model_type));
        let tag = quote!(::modelrt::runtime::capability::AnyModel<Provider>);
        let (wrap, returns) = wrapping(model_type, &handle, tag);
        let doc = doc_attrs(&format!(
            "Opens a custom {} model (`customizable-model`): `model` is the id sent to the API, \
             `credentials` its own form, validated as a settings form would be.",
            model_type.as_str()
        ));
        methods.push(quote! {
            #doc
            pub fn #method(
                &self,
                model: &str,
                credentials: #credentials,
            ) -> ::modelrt::runtime::Result<#returns> {
                ::modelrt::sdk::open(
                    &PROVIDER,
                    #implementation,
                    catalog::ModelType::#variant,
                    model,
                    &credentials,
                    self.http,
                )
                #wrap
            }
        });
    }
    // Import only the flags some marker names (an unused import would warn).
    let all_features = groups
        .iter()
        .filter(|g| PROTOCOL_TYPES.contains(&g.model_type))
        .flat_map(|g| g.models.iter().map(|m| &m.features));
    let (mut yes, mut no) = (false, false);
    for features in all_features {
        let declared = FEATURE_ORDER
            .iter()
            .filter(|f| features.contains(f))
            .count();
        yes |= declared > 0;
        no |= declared < FEATURE_ORDER.len();
    }
    let imports = match (yes, no) {
        (false, false) => TokenStream::new(),
        (true, false) => quote!(
            use ::modelrt::runtime::capability::{FeatureSet, Yes};
        ),
        (false, true) => quote!(
            use ::modelrt::runtime::capability::{FeatureSet, No};
        ),
        (true, true) => quote!(
            use ::modelrt::runtime::capability::{FeatureSet, No, Yes};
        ),
    };
    let models_doc = doc_attrs(&format!(
        "One marker type per predefined model of {label}, implementing the capability traits of \
         `modelrt::runtime::capability` its YAML `features` declare."
    ));
    let client_doc = doc_attrs(&format!(
        "A typed client of {label}: validated credentials and the models it opens."
    ));
    Ok(quote! {
        #models_doc
        pub mod models {
            #imports
            #(#markers)*
        }

        #(#glue)*

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            credentials: Credentials,
            http: ::modelrt::runtime::http::HttpSettings,
        }

        impl Client {
            /// A client using `credentials` (validated again, as a form would be, when a model
            /// is opened).
            pub fn new(credentials: Credentials) -> Self {
                Client {
                    credentials,
                    http: ::modelrt::runtime::http::HttpSettings::default(),
                }
            }

            /// The credentials it opens models with.
            pub fn credentials(&self) -> &Credentials {
                &self.credentials
            }

            /// Sets timeouts and retries for the models it opens.
            pub fn with_http(mut self, http: ::modelrt::runtime::http::HttpSettings) -> Self {
                self.http = http;
                self
            }

            #(#methods)*
        }
    })
}
