//! Chat with any compiled-in provider through modelrt's dynamic registry, streaming the answer
//! to the terminal and ending with a usage and cost line.
//!
//! ```sh
//! cargo run --example chat -- --provider openai_api_compatible --model my-model \
//!     --cred endpoint_url=http://127.0.0.1:8080/v1 "Why is the sky blue?"
//! OPENAI_API_KEY=sk-... cargo run --example chat -- --provider openai --model gpt-5.4-mini "Hi"
//! ```
//!
//! Credentials are filled in as a settings form would: `--cred NAME=VALUE` values, then each
//! field from the environment as `modelrt::env` names it (`MODELRT_<PROVIDER>_<VARIABLE>`,
//! else the variable's own upper-case name when it starts with the provider id:
//! `openai_api_key` -> `OPENAI_API_KEY`), then the form's declared defaults.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use futures::StreamExt;
use modelrt::registry::{self, find_provider, remote_models};
use modelrt::runtime::catalog::{CredentialForm, ModelType, ProviderInfo};
use modelrt::runtime::credentials::MODEL_TYPE_VARIABLE;
use modelrt::runtime::llm::{LlmRequest, Message, StreamAccumulator};
use modelrt::runtime::usage::Usage;
use modelrt::runtime::Result;
use serde_json::{Map, Value};

/// Ask a model one question and stream its answer.
#[derive(Debug, Parser)]
struct Args {
    /// Provider id, as in `providers/<id>/`.
    #[arg(long, default_value = "openai_api_compatible")]
    provider: String,
    /// Model id: a predefined model of the provider, or any name for a customizable model.
    #[arg(long, required_unless_present = "list_models")]
    model: Option<String>,
    /// A credential, as the provider's YAML form names it (repeatable).
    #[arg(long = "cred", value_name = "NAME=VALUE", value_parser = parse_pair)]
    credentials: Vec<(String, String)>,
    /// Upper bound on the answer's tokens.
    #[arg(long)]
    max_tokens: Option<u32>,
    /// Sampling temperature.
    #[arg(long)]
    temperature: Option<f64>,
    /// A system message before the prompt.
    #[arg(long)]
    system: Option<String>,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    no_stream: bool,
    /// List the models the provider's API offers (fetch-from-remote) and exit.
    #[arg(long)]
    list_models: bool,
    /// The question.
    #[arg(required_unless_present = "list_models")]
    prompt: Option<String>,
}

fn parse_pair(text: &str) -> std::result::Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{text}`")),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    let provider = find_provider(&args.provider)?;
    let model = args.model.as_deref().unwrap_or_default();
    let credentials = credentials(provider, model, &args.credentials);

    if args.list_models {
        for listed in remote_models(provider.id, ModelType::Llm, &credentials).await? {
            println!("{}", listed.id);
        }
        return Ok(());
    }

    let handle = registry::open(provider.id, ModelType::Llm, model, &credentials)?
        .with_params(&params(&args))?;
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(Message::system(system.as_str()));
    }
    messages.push(Message::user(args.prompt.unwrap_or_default()));
    let request = LlmRequest::new(messages);

    let usage = if args.no_stream {
        let answer = handle.invoke(request).await?;
        println!("{}", answer.content);
        answer.usage
    } else {
        let mut stream = handle.stream(request).await?;
        let mut accumulator = StreamAccumulator::new();
        let mut stdout = std::io::stdout();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            // A closed stdout (e.g. piped into `head`) is not worth an error.
            let _ = write!(stdout, "{}", chunk.content).and_then(|()| stdout.flush());
            accumulator.push(&chunk);
        }
        println!();
        accumulator.finish().usage
    };
    println!("{}", usage_line(&usage));
    Ok(())
}

/// The credential map a settings form would submit for `model` of `provider`.
fn credentials(
    provider: &'static ProviderInfo,
    model: &str,
    given: &[(String, String)],
) -> HashMap<String, String> {
    let mut values: HashMap<String, String> = given.iter().cloned().collect();
    for form in credential_forms(provider, model) {
        if values.contains_key(form.variable) {
            continue;
        }
        let from_env = modelrt::env::lookup(provider.id, form.variable).map(|(_, value)| value);
        if let Some(value) = from_env.or_else(|| form.default.map(str::to_owned)) {
            values.insert(form.variable.to_owned(), value);
        }
    }
    values
}

/// The form that applies: the provider-wide one for a predefined model, else the model form
/// (its LLM fields) of a customizable-model provider.
fn credential_forms(
    provider: &'static ProviderInfo,
    model: &str,
) -> impl Iterator<Item = &'static CredentialForm> {
    let forms = match (
        provider.model(ModelType::Llm, model),
        provider.model_credential_schema,
    ) {
        (None, Some(schema)) => schema.forms,
        _ => provider.provider_credentials,
    };
    forms.iter().filter(|form| {
        form.show_on
            .iter()
            .filter(|condition| condition.variable == MODEL_TYPE_VARIABLE)
            .all(|condition| condition.value == ModelType::Llm.as_str())
    })
}

fn params(args: &Args) -> Map<String, Value> {
    let mut params = Map::new();
    if let Some(max_tokens) = args.max_tokens {
        params.insert("max_tokens".to_owned(), max_tokens.into());
    }
    if let Some(temperature) = args.temperature {
        params.insert("temperature".to_owned(), temperature.into());
    }
    params
}

fn usage_line(usage: &Usage) -> String {
    let basis = if usage.estimated {
        "estimated offline: the server reported none"
    } else {
        "reported by the server"
    };
    let cost = match &usage.cost {
        Some(cost) => format!("cost {} {}", cost.total, cost.currency),
        None => "cost unknown (no prices declared for this model)".to_owned(),
    };
    format!(
        "usage: {} prompt + {} completion = {} tokens ({basis}); {cost}",
        usage.prompt_tokens, usage.completion_tokens, usage.total_tokens
    )
}
