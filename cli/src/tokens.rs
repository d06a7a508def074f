//! `modelrt tokens PROVIDER/MODEL [PROMPT]`: counts a chat prompt's tokens offline.

use modelrt::registry::{did_you_mean, find_provider};
use modelrt::runtime::catalog::{ConfigurateMethod, ModelType};
use modelrt::runtime::llm::Message;
use modelrt::runtime::pricing::cost;
use serde_json::json;

use crate::failure::Failure;
use crate::render;
use crate::style::OutputArgs;
use crate::target::{parse_target, text_or_stdin, Target};

/// Examples of `tokens`.
pub const EXAMPLES: &str = "\
Examples:
  modelrt tokens openai/gpt-5.4-mini \"How many tokens is this?\"
  modelrt tokens anthropic/claude-sonnet-5-5 --system \"Be brief\" < prompt.txt --json

Counts use OpenAI's tokenizers (o200k_base or cl100k_base by model family), plus the chat
format's per-message overhead; for other vendors' models the count is an estimate.";

/// Arguments of `tokens`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model, as PROVIDER/MODEL.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The prompt; read from stdin when absent.
    pub prompt: Option<String>,
    /// A system message counted before the prompt.
    #[arg(long, short)]
    pub system: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `tokens`. No credentials are needed: nothing is sent.
pub fn run(args: &Args) -> Result<(), Failure> {
    let provider = find_provider(&args.target.provider)?;
    let model_id = args.target.model.as_str();
    let info = provider.model(ModelType::Llm, model_id);
    let named_by_user = [
        ConfigurateMethod::CustomizableModel,
        ConfigurateMethod::FetchFromRemote,
    ]
    .iter()
    .any(|m| provider.supports_method(*m));
    if info.is_none() {
        let hint = did_you_mean(model_id, provider.models_of(ModelType::Llm).map(|m| m.id))
            .map(|close| format!("; did you mean `{close}`?"))
            .unwrap_or_default();
        let problem = format!(
            "`{model_id}` is not a predefined llm model of {}{hint}",
            provider.id
        );
        if !named_by_user {
            return Err(Failure::new("model_not_found", problem));
        }
        // Customizable and remote models may have any name; count, but say so.
        eprintln!("note: {problem} (counted as a customizable or remote model, without prices)");
    }
    let prompt = text_or_stdin(args.prompt.as_deref(), "prompt")?;
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(Message::system(system.clone()));
    }
    messages.push(Message::user(prompt));
    let tokens = modelrt::runtime::tokens::count_messages(model_id, &messages);
    let input_cost = info
        .and_then(|m| m.pricing.as_ref())
        .map(|p| cost(p, tokens, 0));
    if args.output.json {
        let value = json!({
            "provider": provider.id,
            "model": model_id,
            "tokens": tokens,
            "input_cost": render::cost(input_cost.as_ref()),
        });
        out!("{value}");
    } else {
        out!(
            "{tokens} tokens; as input: {}",
            render::cost_text(input_cost.as_ref())
        );
    }
    Ok(())
}
