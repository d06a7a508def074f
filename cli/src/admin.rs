//! `modelrt keys ...` and `modelrt spend ...`: clients of a running gateway's admin API, so
//! that the CLI, the web console and scripts all go through the same checks and see the same
//! data whether the gateway keeps it in SQLite or PostgreSQL.

use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::failure::Failure;
use crate::style::{print_table, OutputArgs};
use crate::target::block_on;

/// The environment variable holding the gateway's master key.
const MASTER_KEY_VARIABLE: &str = "MODELRT_MASTER_KEY";

/// Examples of `keys`.
pub const KEYS_EXAMPLES: &str = "\
Examples (against `modelrt serve` with MODELRT_MASTER_KEY set, on --url):
  modelrt keys create team-a --models 'openai/gpt-4o*' --rpm 60 --budget 25 --period monthly
  modelrt keys list
  modelrt keys update key_abc --budget 50 --tpm 100000
  modelrt keys revoke key_abc";

/// Examples of `spend`.
pub const SPEND_EXAMPLES: &str = "\
Examples:
  modelrt spend --by model --since 7d
  modelrt spend --by key --since 2026-01-01T00:00:00Z --json";

/// Where the gateway is.
#[derive(Debug, clap::Args)]
pub struct GatewayArgs {
    /// The gateway's base URL.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Limits shared by `keys create` and `keys update`.
#[derive(Debug, clap::Args)]
pub struct Limits {
    /// Allowed alias or `<provider>/<model>` pattern (`*` matches anything); repeatable.
    #[arg(long = "models", value_name = "PATTERN", num_args = 1..)]
    pub models: Vec<String>,
    /// Requests per minute.
    #[arg(long)]
    pub rpm: Option<u64>,
    /// Tokens per minute.
    #[arg(long)]
    pub tpm: Option<u64>,
    /// Budget per period, an exact decimal in the catalog's currency (e.g. 12.50).
    #[arg(long, value_name = "AMOUNT")]
    pub budget: Option<String>,
    /// When the budget starts over.
    #[arg(long, value_parser = ["daily", "weekly", "monthly"], default_value = "monthly")]
    pub period: String,
    /// RFC 3339 expiry, e.g. 2027-01-01T00:00:00Z.
    #[arg(long, value_name = "TIME")]
    pub expires_at: Option<String>,
    /// Metadata as a JSON object.
    #[arg(long, value_name = "JSON")]
    pub metadata: Option<String>,
}

/// `modelrt keys ...`.
#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Create a virtual key; its plaintext is printed once.
    Create {
        /// A name for the key.
        name: String,
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// List the virtual keys with their limits and spend.
    List {
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// Change a key's limits (only the options given).
    Update {
        /// The key's id.
        id: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// Revoke a key.
    Revoke {
        /// The key's id.
        id: String,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
}

impl KeysCommand {
    fn gateway(&self) -> &GatewayArgs {
        match self {
            KeysCommand::Create { gateway, .. }
            | KeysCommand::List { gateway }
            | KeysCommand::Update { gateway, .. }
            | KeysCommand::Revoke { gateway, .. } => gateway,
        }
    }

    /// Whether output is JSON.
    pub fn json(&self) -> bool {
        self.gateway().output.json
    }
}

/// Arguments of `spend`.
#[derive(Debug, clap::Args)]
pub struct SpendArgs {
    /// How to group the spend.
    #[arg(long, value_parser = ["key", "model", "provider", "day"], default_value = "key")]
    pub by: String,
    /// RFC 3339 time, or 24h / 7d / 30d back from now.
    #[arg(long, default_value = "30d")]
    pub since: String,
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

/// Sends one admin request and returns the JSON answer; an error answer becomes a failure
/// naming the gateway's message.
fn call(
    gateway: &GatewayArgs,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, Failure> {
    let key = std::env::var(MASTER_KEY_VARIABLE)
        .ok()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Failure::new(
                "config",
                format!("set {MASTER_KEY_VARIABLE} to the gateway's master key"),
            )
        })?;
    let url = format!("{}/admin{path}", gateway.url.trim_end_matches('/'));
    block_on(async {
        let mut request = reqwest::Client::new()
            .request(method, &url)
            .bearer_auth(&key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| {
            Failure::new(
                "connection",
                format!("cannot reach the gateway at {url}: {e}"),
            )
        })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| Failure::new("connection", format!("{url}: {e}")))?;
        let value: Value = serde_json::from_str(&text).map_err(|_| {
            Failure::new(
                "gateway",
                format!("{url} answered {status} with no JSON: {text}"),
            )
        })?;
        if !status.is_success() {
            let message = value["error"]["message"].as_str().unwrap_or(&text);
            return Err(Failure::new(
                "gateway",
                format!("{url} answered {status}: {message}"),
            ));
        }
        Ok(value)
    })
}

/// The body fields of `limits` that were given.
fn limits_body(limits: &Limits, body: &mut Map<String, Value>) -> Result<(), Failure> {
    if !limits.models.is_empty() {
        body.insert("models".into(), json!(limits.models));
    }
    if let Some(rpm) = limits.rpm {
        body.insert("rpm".into(), json!(rpm));
    }
    if let Some(tpm) = limits.tpm {
        body.insert("tpm".into(), json!(tpm));
    }
    if let Some(limit) = &limits.budget {
        body.insert(
            "budget".into(),
            json!({"limit": limit, "period": limits.period}),
        );
    }
    if let Some(expires_at) = &limits.expires_at {
        body.insert("expires_at".into(), json!(expires_at));
    }
    if let Some(metadata) = &limits.metadata {
        let value: Value = serde_json::from_str(metadata)
            .map_err(|e| Failure::new("usage", format!("--metadata is not JSON: {e}")))?;
        body.insert("metadata".into(), value);
    }
    Ok(())
}

/// Runs `modelrt keys ...`.
pub fn keys(command: &KeysCommand) -> Result<(), Failure> {
    let gateway = command.gateway();
    let answer = match command {
        KeysCommand::Create { name, limits, .. } => {
            let mut body = Map::new();
            body.insert("name".into(), json!(name));
            limits_body(limits, &mut body)?;
            call(gateway, Method::POST, "/keys", Some(Value::Object(body)))?
        }
        KeysCommand::List { .. } => call(gateway, Method::GET, "/keys", None)?,
        KeysCommand::Update {
            id, name, limits, ..
        } => {
            let mut body = Map::new();
            if let Some(name) = name {
                body.insert("name".into(), json!(name));
            }
            limits_body(limits, &mut body)?;
            call(
                gateway,
                Method::PATCH,
                &format!("/keys/{id}"),
                Some(Value::Object(body)),
            )?
        }
        KeysCommand::Revoke { id, .. } => {
            call(gateway, Method::DELETE, &format!("/keys/{id}"), None)?
        }
    };
    if gateway.output.json {
        out!("{answer}");
        return Ok(());
    }
    if let Some(key) = answer["key"].as_str() {
        out!("key: {key}");
        out!("(shown only now; the gateway keeps only its hash)");
    }
    let keys = match answer["data"].as_array() {
        Some(list) => list.clone(),
        None => vec![answer],
    };
    let text = |value: &Value| match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|key| {
            let budget = match &key["budget"] {
                Value::Null => "-".to_owned(),
                b => format!("{} {}", text(&b["limit"]), text(&b["period"])),
            };
            let models = key["models"]
                .as_array()
                .filter(|m| !m.is_empty())
                .map_or("*".to_owned(), |m| {
                    m.iter().map(text).collect::<Vec<_>>().join(",")
                });
            vec![
                text(&key["id"]),
                text(&key["name"]),
                models,
                text(&key["rpm"]),
                text(&key["tpm"]),
                format!("{} {}", text(&key["spent"]), text(&key["currency"])),
                budget,
                text(&key["expires_at"]),
                if key["revoked"] == true {
                    "revoked"
                } else {
                    "active"
                }
                .to_owned(),
            ]
        })
        .collect();
    print_table(
        &[
            "ID", "NAME", "MODELS", "RPM", "TPM", "SPENT", "BUDGET", "EXPIRES", "STATE",
        ],
        &rows,
    );
    Ok(())
}

/// Runs `modelrt spend ...`.
pub fn spend(args: &SpendArgs) -> Result<(), Failure> {
    let path = format!("/spend?by={}&since={}", args.by, encode(&args.since));
    let answer = call(&args.gateway, Method::GET, &path, None)?;
    if args.gateway.output.json {
        out!("{answer}");
        return Ok(());
    }
    let currency = answer["currency"].as_str().unwrap_or("");
    let number = |value: &Value| value.as_u64().unwrap_or(0).to_string();
    let rows: Vec<Vec<String>> = answer["data"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|group| {
            vec![
                group["group"].as_str().unwrap_or("").to_owned(),
                number(&group["requests"]),
                number(&group["prompt_tokens"]),
                number(&group["completion_tokens"]),
                number(&group["cached_tokens"]),
                format!("{} {currency}", group["cost"].as_str().unwrap_or("0")),
            ]
        })
        .collect();
    print_table(
        &[
            &args.by.to_uppercase(),
            "REQUESTS",
            "PROMPT",
            "COMPLETION",
            "CACHED",
            "COST",
        ],
        &rows,
    );
    Ok(())
}

/// Percent-encodes a query value (RFC 3339 times carry `+` and `:`).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
