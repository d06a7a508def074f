//! `modelrt providers` and `modelrt models`: the static catalog, as tables or JSON.

use modelrt::registry::{find_provider, remote_models, PROVIDERS};
use modelrt::runtime::catalog::{Callability, ModelInfo, ModelType, ProviderInfo};
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::render;
use crate::sources::gather;
use crate::spinner::Spinner;
use crate::style::{print_table, OutputArgs};
use crate::target::{block_on, parse_model_type};

/// Arguments of `providers`.
#[derive(Debug, clap::Args)]
pub struct ProvidersArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `models`.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    /// Only this provider's models.
    #[arg(long, short)]
    pub provider: Option<String>,
    /// Only models of this type (llm, text-embedding, rerank, speech2text, tts, moderation...).
    #[arg(long = "type", short = 't', value_parser = parse_model_type)]
    pub model_type: Option<ModelType>,
    /// Include deprecated models.
    #[arg(long)]
    pub all: bool,
    /// List what the provider's API serves now (fetch-from-remote providers; uses the
    /// provider's credentials, --type defaults to llm).
    #[arg(long, requires = "provider", conflicts_with = "all")]
    pub remote: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    let texts: Vec<String> = items.iter().map(ToString::to_string).collect();
    texts.join(", ")
}

/// How a provider is called: the protocol and where its settings come from, or why it is not.
struct Route {
    /// `yaml`, `overlay` or `rust`; `None` when catalog-only.
    via: Option<&'static str>,
    /// The protocol named under `extra.modelrt` (own YAML or the Dify overlay).
    protocol: Option<&'static str>,
    /// Why the provider is catalog-only, in one line.
    reason: Option<&'static str>,
}

/// Why a catalog-only provider is not callable.
const NO_ROUTE: &str =
    "no `extra.modelrt.protocol`, no Rust beside the YAML and no Dify overlay entry";

fn route(provider: &ProviderInfo) -> Route {
    match provider.callability {
        Callability::Protocol(name) => Route {
            via: Some(match provider.extra("overlay") {
                Some(_) => "overlay",
                None => "yaml",
            }),
            protocol: Some(name),
            reason: None,
        },
        Callability::RustImpl => Route {
            via: Some("rust"),
            protocol: None,
            reason: None,
        },
        Callability::CatalogOnly => Route {
            via: None,
            protocol: None,
            reason: Some(NO_ROUTE),
        },
    }
}

/// The PROTOCOL column: `openai-compatible (yaml)`, `rust`, `catalog only: <reason>`.
fn callability(provider: &ProviderInfo) -> String {
    match route(provider) {
        Route {
            via: Some(via),
            protocol: Some(protocol),
            ..
        } => format!("{protocol} ({via})"),
        Route { via: Some(via), .. } => via.to_owned(),
        Route { reason, .. } => format!("catalog only: {}", reason.unwrap_or(NO_ROUTE)),
    }
}

/// Runs `providers`.
pub fn providers(args: &ProvidersArgs) -> Result<(), Failure> {
    if args.output.json {
        let list: Vec<Value> = PROVIDERS.iter().map(|p| provider_json(p)).collect();
        out!("{}", Value::Array(list));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = PROVIDERS
        .iter()
        .map(|p| {
            vec![
                p.id.to_owned(),
                p.label.en_us.to_owned(),
                joined(p.supported_model_types),
                joined(p.configurate_methods),
                callability(p),
            ]
        })
        .collect();
    print_table(
        &["ID", "LABEL", "MODEL TYPES", "CONFIGURATION", "PROTOCOL"],
        &rows,
    );
    Ok(())
}

fn provider_json(p: &ProviderInfo) -> Value {
    let variables = |forms: &[modelrt::runtime::catalog::CredentialForm]| -> Vec<&str> {
        forms.iter().map(|f| f.variable).collect()
    };
    let route = route(p);
    json!({
        "provider": p.id,
        "label": p.label.en_us,
        "description": p.description.map(|d| d.en_us),
        "model_types": p.supported_model_types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "configurate_methods": p.configurate_methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "protocol": route.protocol,
        "callable": route.via.is_some(),
        "callable_via": route.via,
        "catalog_only_reason": route.reason,
        "provider_credentials": variables(p.provider_credentials),
        "model_credentials": p.model_credential_schema.map(|s| variables(s.forms)),
        "models": p.models.len(),
        "help_url": p.help.map(|h| h.url.en_us),
    })
}

/// Runs `models`.
pub fn models(args: &ModelsArgs) -> Result<(), Failure> {
    if args.remote {
        if let Some(id) = &args.provider {
            return remote(find_provider(id)?, args);
        }
    }
    let providers: Vec<&'static ProviderInfo> = match &args.provider {
        Some(id) => vec![find_provider(id)?],
        None => PROVIDERS.to_vec(),
    };
    let selected: Vec<(&ProviderInfo, &ModelInfo)> = providers
        .iter()
        .flat_map(|p| p.models.iter().map(move |m| (*p, m)))
        .filter(|(_, m)| args.model_type.is_none_or(|t| m.model_type == t))
        .filter(|(_, m)| args.all || !m.deprecated)
        .collect();
    if args.output.json {
        let list: Vec<Value> = selected.iter().map(|(p, m)| model_json(p, m)).collect();
        out!("{}", Value::Array(list));
        return Ok(());
    }
    let show_provider = args.provider.is_none();
    let rows: Vec<Vec<String>> = selected
        .iter()
        .map(|(p, m)| {
            let mut row = Vec::new();
            if show_provider {
                row.push(p.id.to_owned());
            }
            let (input, output) = prices_per_million(m);
            row.extend([
                m.id.to_owned(),
                m.label.en_us.to_owned(),
                m.model_type.to_string(),
                m.properties
                    .context_size
                    .map_or_else(|| "-".to_owned(), |c| c.to_string()),
                input,
                output,
                joined(m.features),
                if m.deprecated { "yes" } else { "" }.to_owned(),
            ]);
            row
        })
        .collect();
    let mut headers = Vec::new();
    if show_provider {
        headers.push("PROVIDER");
    }
    headers.extend([
        "MODEL",
        "LABEL",
        "TYPE",
        "CONTEXT",
        "INPUT /1M",
        "OUTPUT /1M",
        "FEATURES",
        "DEPRECATED",
    ]);
    print_table(&headers, &rows);
    if rows.is_empty() {
        eprintln!("no models match (deprecated models are listed with --all)");
    }
    Ok(())
}

/// Input and output prices per million tokens with currency, or `-`.
fn prices_per_million(model: &ModelInfo) -> (String, String) {
    let Some(pricing) = &model.pricing else {
        return ("-".to_owned(), "-".to_owned());
    };
    let show = |price: &modelrt::runtime::catalog::Price| match render::per_million(
        price,
        &pricing.unit,
    ) {
        Some(value) => format!("{value} {}", pricing.currency),
        None => "?".to_owned(),
    };
    let output = pricing
        .output
        .as_ref()
        .map_or_else(|| format!("0 {}", pricing.currency), show);
    (show(&pricing.input), output)
}

fn model_json(p: &ProviderInfo, m: &ModelInfo) -> Value {
    json!({
        "provider": p.id,
        "model": m.id,
        "model_type": m.model_type.as_str(),
        "label": m.label.en_us,
        "context_size": m.properties.context_size,
        "features": m.features.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        "deprecated": m.deprecated,
        "pricing": render::pricing(m.pricing.as_ref()),
    })
}

/// Runs `models --remote`: the provider's own listing, marked where the catalog knows a model.
fn remote(provider: &'static ProviderInfo, args: &ModelsArgs) -> Result<(), Failure> {
    let model_type = args.model_type.unwrap_or(ModelType::Llm);
    let credentials = gather(provider, None)?;
    let listed = block_on(async {
        let _spinner = Spinner::start("listing models");
        remote_models(provider.id, model_type, credentials.values())
            .await
            .map_err(|e| credentials.fail(&e))
    })?;
    let predefined = |id: &str| provider.model(model_type, id).is_some();
    if args.output.json {
        let list: Vec<Value> = listed
            .iter()
            .map(|m| {
                json!({
                    "provider": provider.id,
                    "model": m.id,
                    "model_type": m.model_type.as_str(),
                    "owned_by": m.owned_by,
                    "predefined": predefined(&m.id),
                })
            })
            .collect();
        out!("{}", Value::Array(list));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                m.model_type.to_string(),
                m.owned_by.clone().unwrap_or_default(),
                if predefined(&m.id) { "yes" } else { "" }.to_owned(),
            ]
        })
        .collect();
    print_table(&["MODEL", "TYPE", "OWNED BY", "PREDEFINED"], &rows);
    Ok(())
}
