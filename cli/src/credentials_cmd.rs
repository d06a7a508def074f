//! `modelrt credentials validate PROVIDER`: the credential form first (which field is wrong,
//! never the secret), then a real, minimal call to the provider.

use modelrt::registry::{self, find_provider};
use modelrt::runtime::catalog::{ModelType, ProviderInfo};
use modelrt::runtime::credentials::validate_credentials_of;
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::failure::Failure;
use crate::sources::{gather, Gathered};
use crate::spinner::Spinner;
use crate::style::{print_table, OutputArgs, Style};
use crate::target::{block_on, parse_model_type, HttpArgs};

/// `modelrt credentials ...`.
#[derive(Debug, clap::Subcommand)]
pub enum CredentialsCommand {
    /// Validate a provider's credentials from the environment or the credentials file.
    #[command(after_help = VALIDATE_HELP)]
    Validate(ValidateArgs),
}

impl CredentialsCommand {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match self {
            CredentialsCommand::Validate(args) => args.output.json,
        }
    }
}

const VALIDATE_HELP: &str = "\
The values are checked against the provider's YAML form, then with a real, minimal call.
Values are printed masked, with where each came from (see `modelrt --help` for the sources).

Examples:
  MODELRT_OPENAI_OPENAI_API_KEY=sk-... modelrt credentials validate openai
  modelrt credentials validate openai_api_compatible --type llm --model llama3 --json
  modelrt credentials validate openai --offline";

/// Arguments of `credentials validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The provider id (see `modelrt providers`).
    pub provider: String,
    /// The model type to check with (default: the first the provider supports).
    #[arg(long = "type", short = 't', value_parser = parse_model_type)]
    pub model_type: Option<ModelType>,
    /// The model to check with; required for customizable models (default: the first
    /// predefined model of the type).
    #[arg(long, short)]
    pub model: Option<String>,
    /// Check the form only; send nothing.
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs a `credentials` subcommand.
pub fn run(command: &CredentialsCommand) -> Result<(), Failure> {
    match command {
        CredentialsCommand::Validate(args) => validate(args),
    }
}

/// The model type and model the real call uses.
fn pick_model(provider: &'static ProviderInfo, args: &ValidateArgs) -> (ModelType, Option<String>) {
    let model_type = args.model_type.unwrap_or_else(|| {
        args.model
            .as_deref()
            .and_then(|id| provider.models.iter().find(|m| m.id == id))
            .map(|m| m.model_type)
            .or_else(|| provider.models.first().map(|m| m.model_type))
            .or_else(|| provider.supported_model_types.first().copied())
            .unwrap_or(ModelType::Llm)
    });
    let model = args.model.clone().or_else(|| {
        provider
            .models_of(model_type)
            .next()
            .map(|m| m.id.to_owned())
    });
    (model_type, model)
}

fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    let provider = find_provider(&args.provider)?;
    let (model_type, model) = pick_model(provider, args);
    let gathered = gather(provider, model.as_deref().map(|m| (model_type, m)))?;
    let fail = |e: modelrt::runtime::Error| gathered.fail(&e);
    let mut outcome = Outcome {
        provider,
        model_type,
        model: model.as_deref(),
        masked: BTreeMap::new(),
        gathered: &gathered,
        accepted: false,
    };
    // The provider-wide form alone, when no model is at hand (nothing to call with).
    let Some(model) = model.as_deref() else {
        let checked = validate_credentials_of(
            provider,
            provider.provider_credentials,
            None,
            gathered.values(),
        )
        .map_err(|e| fail(e.into()))?;
        if !args.offline {
            return Err(Failure::new(
                "model_required",
                format!(
                    "{} has no predefined `{model_type}` model to check with; pass --model NAME \
                     (and --type) to check a model's credentials with a real call",
                    provider.id
                ),
            ));
        }
        outcome.masked = checked.masked();
        outcome.print(args.output.json);
        return Ok(());
    };
    let handle = registry::open_at(provider, model_type, model, gathered.values())
        .map_err(fail)?
        .with_http(args.http.settings());
    outcome.masked = handle.credentials().masked();
    if !args.offline {
        block_on(async {
            let _spinner = Spinner::start("asking the provider");
            handle.validate_credentials().await.map_err(fail)
        })?;
        outcome.accepted = true;
    }
    outcome.print(args.output.json);
    Ok(())
}

/// What a validation found.
struct Outcome<'a> {
    provider: &'static ProviderInfo,
    model_type: ModelType,
    model: Option<&'a str>,
    /// The kept values, secrets masked.
    masked: BTreeMap<&'static str, String>,
    gathered: &'a Gathered,
    /// Whether the provider accepted them in a real call.
    accepted: bool,
}

impl Outcome<'_> {
    fn source(&self, variable: &str) -> String {
        self.gathered
            .origin(variable)
            .map_or_else(|| "form default".to_owned(), ToString::to_string)
    }

    /// Prints the masked values and their sources, and whether the provider accepted them.
    fn print(&self, json: bool) {
        let (provider, model_type, masked) = (self.provider, self.model_type, &self.masked);
        if json {
            let credentials: Map<String, Value> = masked
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
                .collect();
            let sources: Map<String, Value> = masked
                .keys()
                .map(|k| ((*k).to_owned(), Value::String(self.source(k))))
                .collect();
            let value = json!({
                "provider": provider.id,
                "model_type": model_type.as_str(),
                "model": self.model,
                "valid": true,
                "checked_with_provider": self.accepted,
                "credentials": credentials,
                "sources": sources,
            });
            out!("{value}");
            return;
        }
        let style = Style::stdout();
        let subject = match self.model {
            Some(model) => format!("{}/{model} ({model_type})", provider.id),
            None => provider.id.to_owned(),
        };
        out!("{}: the credentials match the form", style.bold(&subject));
        let rows: Vec<Vec<String>> = masked
            .iter()
            .map(|(k, v)| vec![(*k).to_owned(), v.clone(), self.source(k)])
            .collect();
        if !rows.is_empty() {
            print_table(&["VARIABLE", "VALUE", "SOURCE"], &rows);
        }
        if self.accepted {
            out!(
                "{}",
                style.green("ok: the provider accepted the credentials")
            );
        }
    }
}
