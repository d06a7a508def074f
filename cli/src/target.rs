//! What the calling subcommands share: `PROVIDER/MODEL`, `--param`, stdin input, opening a
//! model handle with credentials from [`crate::sources`], and the async runtime.

use std::future::Future;
use std::io::{IsTerminal, Read};
use std::time::Duration;

use modelrt::registry::{self, find_provider, ModelHandle};
use modelrt::runtime::catalog::{ModelType, ProviderInfo, UnknownName};
use modelrt::runtime::http::HttpSettings;
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::sources::{gather, Gathered};

/// Parses a model type as spelled in provider YAML.
pub fn parse_model_type(text: &str) -> Result<ModelType, String> {
    text.parse().map_err(|e: UnknownName| e.to_string())
}

/// `PROVIDER/MODEL`, split at the first `/` (model ids may contain more).
#[derive(Debug, Clone)]
pub struct Target {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model: String,
}

/// Parses `PROVIDER/MODEL`.
pub fn parse_target(text: &str) -> Result<Target, String> {
    match text.split_once('/') {
        Some((provider, model)) if !provider.is_empty() && !model.is_empty() => Ok(Target {
            provider: provider.to_owned(),
            model: model.to_owned(),
        }),
        _ => Err(format!(
            "expected PROVIDER/MODEL (e.g. openai/gpt-5.4-mini), got `{text}`"
        )),
    }
}

/// Parses `name=value`; the value is JSON when it parses as JSON, else a string.
pub fn parse_param(text: &str) -> Result<(String, Value), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("expected name=value, got `{text}`"));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("a parameter name is missing in `{text}`"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

/// The `--param` values as the JSON map `ModelHandle::with_params` takes.
pub fn params_map(params: &[(String, Value)]) -> Map<String, Value> {
    params.iter().cloned().collect()
}

/// The text given on the command line, else all of stdin (refusing an interactive terminal
/// with nothing typed, so a forgotten argument does not hang silently).
pub fn text_or_stdin(given: Option<&str>, what: &str) -> Result<String, Failure> {
    if let Some(text) = given {
        return Ok(text.to_owned());
    }
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("reading the {what} from stdin; end with Ctrl-D");
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| Failure::new("input", format!("cannot read the {what} from stdin: {e}")))?;
    // `echo text |` ends with a newline nobody means as part of the prompt.
    let text = text.trim_end();
    if text.trim_start().is_empty() {
        return Err(Failure::new(
            "input",
            format!("no {what}: give it as an argument or on stdin"),
        ));
    }
    Ok(text.to_owned())
}

/// Timeouts and retries of the calling subcommands.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct HttpArgs {
    /// Longest wait for response bytes, in seconds (default 300).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Retries of connection failures, timeouts, 5xx and rate limits (default 2).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
}

impl HttpArgs {
    /// The runtime's settings with these overrides.
    pub fn settings(&self) -> HttpSettings {
        let mut settings = HttpSettings::default();
        if let Some(seconds) = self.timeout {
            settings.read_timeout = Duration::from_secs(seconds);
            settings.connect_timeout = settings.connect_timeout.min(settings.read_timeout);
        }
        if let Some(retries) = self.retries {
            settings.max_retries = retries;
        }
        settings
    }
}

/// An opened model with the secrets its error messages must not show.
#[derive(Debug)]
pub struct Opened {
    /// The handle.
    pub handle: ModelHandle,
    /// Where the credentials came from.
    pub credentials: Gathered,
}

impl Opened {
    /// A runtime error as a failure with secrets masked.
    pub fn fail(&self, error: &modelrt::runtime::Error) -> Failure {
        self.credentials.fail(error)
    }
}

/// Opens `target` as a `model_type` model with gathered credentials, `params` and `http`.
pub fn open(
    target: &Target,
    model_type: ModelType,
    params: &[(String, Value)],
    http: &HttpArgs,
) -> Result<Opened, Failure> {
    let provider: &'static ProviderInfo = find_provider(&target.provider)?;
    let credentials = gather(provider, Some((model_type, &target.model)))?;
    let fail = |e: modelrt::runtime::Error| credentials.fail(&e);
    let handle = registry::open_at(provider, model_type, &target.model, credentials.values())
        .map_err(fail)?
        .with_params(&params_map(params))
        .map_err(fail)?
        .with_http(http.settings());
    Ok(Opened {
        handle,
        credentials,
    })
}

/// Runs `future` to completion on a single-threaded runtime.
pub fn block_on<T>(future: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new("runtime", format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_at_the_first_slash() {
        let target = parse_target("openrouter/anthropic/claude-3").unwrap();
        assert_eq!(target.provider, "openrouter");
        assert_eq!(target.model, "anthropic/claude-3");
        assert!(parse_target("openai").is_err());
        assert!(parse_target("/gpt-4o").is_err());
        assert!(parse_target("openai/").is_err());
    }

    #[test]
    fn params_are_json_when_they_parse() {
        assert_eq!(
            parse_param("temperature=0.5").unwrap(),
            ("temperature".to_owned(), serde_json::json!(0.5))
        );
        assert_eq!(
            parse_param("stop=[\"x\"]").unwrap().1,
            serde_json::json!(["x"])
        );
        assert_eq!(
            parse_param("response_format=json_object").unwrap().1,
            serde_json::json!("json_object")
        );
        assert_eq!(parse_param("a=b=c").unwrap().1, serde_json::json!("b=c"));
        assert!(parse_param("novalue").is_err());
        assert!(parse_param("=1").is_err());
    }
}
