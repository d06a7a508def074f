//! Where and how to call an OpenAI-compatible API, from the provider's `extra.modelrt`
//! settings and the call's credentials.
//!
//! Two kinds of providers use this protocol:
//! - `openai_api_compatible` (a Dify credential form: `endpoint_url`, optional `api_key`,
//!   `mode`, `function_calling_type`, `stream_function_calling`, `stream_mode_delimiter`,
//!   `vision_support`, `stream_include_usage`, `token_param_name`, `user_identity_support`,
//!   `endpoint_model_name`, `encoding_format`, `rerank_endpoint_url`);
//! - YAML-only vendors declaring `extra.modelrt.protocol: openai-compatible` with `base_url`,
//!   `api_key_variable` (the credential holding the key, default `api_key`),
//!   `base_url_variable` (a credential that may override the base URL) with
//!   `base_url_variable_suffix` (appended to that credential's value when missing, for forms
//!   that ask for a URL without its version path), `headers.<Name>` fixed extra headers and
//!   `header_variables.<Name>` headers whose value is a credential, `model_variable` (a
//!   credential holding the name the server knows the model by: an endpoint id, a model uid),
//!   a `{model}` placeholder in `base_url` (one host per model) and `api_version` (an
//!   `api-version` query value on every path) (docs/provider-extra.md).
//!
//! The same credential names also work for vendors, so a vendor may expose any of them.

use crate::catalog::{LlmMode, ModelFeature};
use crate::error::{ErrorKind, Result};
use crate::http::HttpRequest;
use crate::protocol::{CallContext, ProviderContext};
use crate::protocols::azure_openai;
use crate::secret::Secret;
use crate::sse::Framing;

/// Which layout of the API a provider serves: where paths go and how the key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// OpenAI's: `{base_url}/{path}`, the key as `Authorization: Bearer`.
    #[default]
    OpenAi,
    /// Azure OpenAI's: deployment routes with `api-version`, the key as `api-key`
    /// (see [`azure_openai`]).
    Azure,
}

/// Where a request's path goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `{base_url}/{path}`.
    Direct,
    /// `{base_url}/{path}?api-version={0}` (Azure AI model inference).
    Versioned(String),
    /// `{base_url}/openai/deployments/{deployment}/{path}?api-version={api_version}`
    /// (Azure OpenAI).
    Deployment {
        /// The deployment name (the model name given at run time).
        deployment: String,
        /// The `api-version` query value.
        api_version: String,
    },
}

/// How the API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHeader {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKey,
}

/// How tools are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolStyle {
    /// `tools` / `tool_choice` (current API).
    Tools,
    /// `functions` / `function_call` (legacy API).
    Functions,
    /// The server does not support tools: a request with tools is rejected before sending.
    Unsupported,
}

/// The field that carries the output token limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenLimitField {
    /// `max_tokens`.
    MaxTokens,
    /// `max_completion_tokens` (OpenAI reasoning models).
    MaxCompletionTokens,
}

impl TokenLimitField {
    /// The field name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenLimitField::MaxTokens => "max_tokens",
            TokenLimitField::MaxCompletionTokens => "max_completion_tokens",
        }
    }
}

/// Provider-wide settings: base URL, key and extra headers.
#[derive(Debug, Clone)]
pub struct Endpoint<'a> {
    /// The base URL without trailing slash (e.g. `https://host/v1`).
    pub base_url: String,
    /// The API key, when one is configured.
    pub api_key: Option<&'a Secret>,
    /// Extra headers: fixed ones from `extra.modelrt.headers.<Name>`, then those whose value
    /// is a non-empty credential named by `extra.modelrt.header_variables.<Name>`.
    pub headers: Vec<(&'static str, &'a str)>,
    /// Where paths go.
    pub route: Route,
    /// How the key is sent.
    pub key_header: KeyHeader,
    /// A token obtained for this call (a Microsoft Entra service principal's), sent as
    /// `Authorization: Bearer` in place of the key.
    pub fetched_token: Option<Secret>,
}

/// Where a base URL takes the model's name (a provider serving each model on its own host).
const MODEL_PLACEHOLDER: &str = "{model}";

/// The name the server knows `ctx`'s model by: the `endpoint_model_name` credential (Dify's
/// OpenAI-compatible form), else the credential named by `extra.modelrt.model_variable` (an
/// endpoint id, a model uid), else the model's own name.
pub fn wire_model<'a>(ctx: &CallContext<'a>) -> &'a str {
    ctx.credential("endpoint_model_name")
        .or_else(|| {
            ctx.provider
                .extra("model_variable")
                .and_then(|variable| ctx.credential(variable))
        })
        .map(str::trim)
        .unwrap_or(ctx.model.id)
}

/// Whether `model` is an OpenAI reasoning model (which takes `max_completion_tokens`).
pub fn is_reasoning_model(model: &str) -> bool {
    let model = model.rsplit('/').next().unwrap_or(model);
    // Without formatting `<prefix>-` for each prefix on every call (1 % of a gateway request).
    ["o1", "o3", "o4", "gpt-5"].iter().any(|prefix| {
        model
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
    })
}

/// Decodes the backslash escapes Dify's `stream_mode_delimiter` is written with (`\n`, `\r`,
/// `\t`, `\\`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

impl<'a> Endpoint<'a> {
    /// Resolves the endpoint of `ctx`'s provider.
    pub fn resolve(ctx: &ProviderContext<'a>) -> Result<Self> {
        let provider = ctx.provider;
        let text = |variable: &str| {
            ctx.credentials
                .text(variable)
                .filter(|v| !v.trim().is_empty())
        };
        let url_variable = provider.extra("base_url_variable");
        // Some forms keep the URL in a secret field (Dify's `xinference`): it is used, never shown.
        let secret_url = url_variable
            .and_then(|variable| ctx.credentials.secret(variable))
            .map(Secret::expose)
            .filter(|v| !v.trim().is_empty());
        let from_credential = url_variable.and_then(text).or(secret_url).map(|url| {
            let url = url.trim().trim_end_matches('/');
            match provider.extra("base_url_variable_suffix") {
                Some(suffix) if !url.ends_with(suffix.trim_end_matches('/')) => {
                    format!("{url}{}", suffix.trim_end_matches('/'))
                }
                _ => url.to_owned(),
            }
        });
        let base_url = from_credential
            .or_else(|| provider.extra("base_url").map(str::to_owned))
            .ok_or_else(|| {
                let hint = match url_variable {
                    Some(variable) => format!("set the `{variable}` credential"),
                    None => format!(
                        "{} declares neither `extra.modelrt.base_url` nor `base_url_variable`",
                        provider.source
                    ),
                };
                crate::error::Error::new(
                    ErrorKind::InvalidCredentials,
                    format!("no base URL: {hint}"),
                )
                .with_provider(provider.id)
            })?;
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(crate::error::Error::new(
                ErrorKind::InvalidCredentials,
                match secret_url {
                    Some(_) => "the base URL must start with http:// or https://".to_owned(),
                    None => format!(
                        "the base URL must start with http:// or https://, got `{base_url}`"
                    ),
                },
            )
            .with_provider(provider.id));
        }
        let key_variable = provider.extra("api_key_variable").unwrap_or("api_key");
        let api_key = ctx
            .credentials
            .secret(key_variable)
            .filter(|s| !s.is_empty());
        let fixed = provider
            .extra
            .iter()
            .filter_map(|(key, value)| Some((key.strip_prefix("headers.")?, *value)));
        let from_credentials = provider.extra.iter().filter_map(|(key, variable)| {
            let name = key.strip_prefix("header_variables.")?;
            Some((name, text(variable)?.trim()))
        });
        Ok(Endpoint {
            base_url,
            api_key,
            headers: fixed.chain(from_credentials).collect(),
            route: Route::Direct,
            key_header: KeyHeader::Bearer,
            fetched_token: None,
        })
    }

    /// Resolves the endpoint of `ctx`'s model in `dialect` (Azure routes name the model's
    /// deployment; a `{model}` in the base URL becomes the model's name).
    /// A Microsoft Entra service principal's token is obtained here (Azure), hence `async`.
    pub async fn for_call(ctx: &CallContext<'a>, dialect: Dialect) -> Result<Self> {
        if dialect == Dialect::Azure {
            let mut endpoint = azure_openai::endpoint(ctx)?;
            endpoint.fetched_token = azure_openai::entra::token(ctx).await?;
            return Ok(endpoint);
        }
        let mut endpoint = Self::resolve(&ctx.provider_context())?;
        if endpoint.base_url.contains(MODEL_PLACEHOLDER) {
            let model = ctx.model.id;
            if !azure_openai::url_safe(model) || model.contains('.') {
                return Err(crate::error::Error::new(
                    ErrorKind::BadRequest,
                    format!(
                        "`{model}` cannot name a host: the base URL `{}` takes the model name \
                         (letters, digits, `-`, `_`)",
                        endpoint.base_url
                    ),
                )
                .with_provider(ctx.provider.id));
            }
            endpoint.base_url = endpoint.base_url.replace(MODEL_PLACEHOLDER, model);
        }
        if let Some(version) = ctx.provider.extra("api_version") {
            endpoint.route = Route::Versioned(version.to_owned());
        }
        Ok(endpoint)
    }

    /// `request` with the auth and extra headers added.
    pub fn request(&self, request: HttpRequest) -> Result<HttpRequest> {
        let mut request = request;
        for (name, value) in &self.headers {
            request = request.header(name, value)?;
        }
        if let Some(token) = &self.fetched_token {
            return request.bearer(token);
        }
        match (self.api_key, self.key_header) {
            (Some(key), KeyHeader::Bearer) => request.bearer(key),
            (Some(key), KeyHeader::ApiKey) => request.secret_header("api-key", "", key),
            (None, _) => Ok(request),
        }
    }

    /// The base URL's host, with its port when it has one (what request signatures cover).
    pub fn host(&self) -> &str {
        let url = &self.base_url;
        let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        rest.split('/').next().unwrap_or_default()
    }

    /// The full URL of `path` (e.g. `chat/completions`).
    pub fn url(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        match &self.route {
            Route::Direct => format!("{}/{path}", self.base_url),
            Route::Versioned(api_version) => {
                format!("{}/{path}?api-version={api_version}", self.base_url)
            }
            Route::Deployment {
                deployment,
                api_version,
            } => format!(
                "{}/openai/deployments/{deployment}/{path}?api-version={api_version}",
                self.base_url
            ),
        }
    }
}

/// Per-model settings of an LLM call.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    /// Chat or completion.
    pub mode: LlmMode,
    /// The model id sent on the wire (`endpoint_model_name` when set).
    pub wire_model: String,
    /// How tools are sent.
    pub tools: ToolStyle,
    /// Whether tool calls may be streamed; if not, a streamed call with tools is made
    /// without streaming and replayed as a stream.
    pub stream_tool_calls: bool,
    /// Whether images may be sent.
    pub vision: bool,
    /// How streamed bodies are framed.
    pub framing: Framing,
    /// Whether to ask for usage in streams (`stream_options.include_usage`).
    pub stream_usage: bool,
    /// The output token limit's field.
    pub token_limit: TokenLimitField,
    /// Whether the `user` field may be sent.
    pub send_user: bool,
}

impl LlmSettings {
    /// Resolves the settings of `ctx`'s model. Credentials win; otherwise the model's declared
    /// features decide, and without a catalog row the permissive choice is made.
    pub fn resolve(ctx: &CallContext<'_>) -> Self {
        let has = |feature| ctx.model.info.is_none_or(|info| info.has_feature(feature));
        let tools = match ctx.credential("function_calling_type") {
            Some("function_call") => ToolStyle::Functions,
            Some("tool_call") => ToolStyle::Tools,
            Some(_) => ToolStyle::Unsupported,
            None => ToolStyle::Tools,
        };
        let stream_tool_calls = match ctx.credential("stream_function_calling") {
            Some(value) => value == "supported",
            None => ctx.credential("function_calling_type").is_none(),
        };
        let vision = match ctx.credential("vision_support") {
            Some(value) => value == "support",
            None => has(ModelFeature::Vision),
        };
        let framing = match ctx.credential("stream_mode_delimiter").map(unescape) {
            Some(delimiter) if delimiter != "\n\n" && !delimiter.is_empty() => {
                Framing::Delimited(delimiter)
            }
            _ => Framing::Sse,
        };
        let wire_model = wire_model(ctx).to_owned();
        let token_limit = match ctx.credential("token_param_name") {
            Some("max_completion_tokens") => TokenLimitField::MaxCompletionTokens,
            Some("max_tokens") => TokenLimitField::MaxTokens,
            // A model whose YAML names the rule `max_completion_tokens` takes that field.
            _ if ctx.model.info.is_some_and(|info| {
                info.parameter_rules
                    .iter()
                    .any(|rule| rule.name == "max_completion_tokens")
            }) =>
            {
                TokenLimitField::MaxCompletionTokens
            }
            // Azure names deployments freely; its form says which model a deployment serves.
            _ if is_reasoning_model(ctx.credential("base_model_name").unwrap_or(&wire_model)) => {
                TokenLimitField::MaxCompletionTokens
            }
            _ => TokenLimitField::MaxTokens,
        };
        LlmSettings {
            mode: ctx.llm_mode(),
            wire_model,
            tools,
            stream_tool_calls,
            vision,
            framing,
            stream_usage: ctx.credential("stream_include_usage") != Some("disabled"),
            token_limit,
            send_user: ctx.credential("user_identity_support") != Some("no_support"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_models_and_delimiters() {
        assert!(is_reasoning_model("o3-mini"));
        assert!(is_reasoning_model("gpt-5"));
        assert!(is_reasoning_model("openai/o1"));
        assert!(!is_reasoning_model("gpt-4o"));
        assert!(!is_reasoning_model("o1x"));
        assert_eq!(unescape(r"\n\n"), "\n\n");
        assert_eq!(unescape(r"\r\n|"), "\r\n|");
    }
}
