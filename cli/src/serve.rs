//! `modelrt serve`: the OpenAI-compatible gateway over every callable compiled-in provider,
//! with credentials from the same sources as every other command.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use modelrt::runtime::catalog::{ModelType, ProviderInfo};
use modelrt::runtime::secret::Secret;
use modelrt_gateway::{
    parse_routing, CredentialStore, Gateway, Governance, GovernanceConfig, RoutingConfig, Settings,
    StorageConfig, Values, DEFAULT_BODY_LIMIT,
};

use crate::failure::Failure;
use crate::sources::gather;
use crate::target::HttpArgs;

/// Examples of `serve`.
pub const EXAMPLES: &str = "\
Examples:
  MODELRT_OPENAI_OPENAI_API_KEY=sk-... modelrt serve --listen 127.0.0.1:8080
  MODELRT_GATEWAY_KEY=secret modelrt serve   # clients send `Authorization: Bearer secret`
  MODELRT_MASTER_KEY=admin-secret modelrt serve   # virtual keys, budgets, spend: `modelrt keys`
Models are addressed as PROVIDER/MODEL, e.g. openai/gpt-5.4-mini; GET /v1/models lists the
ones callable with the credentials present. Calls are not retried unless --retries is given, so
a rate limit reaches the client at once with its retry-after.";

/// The environment variable holding the key clients must send.
const GATEWAY_KEY_VARIABLE: &str = "MODELRT_GATEWAY_KEY";

/// The environment variable holding the administrator's key (guards `GET /metrics`).
const MASTER_KEY_VARIABLE: &str = "MODELRT_MASTER_KEY";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the fields of each event (for log collectors).
    Json,
}

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,
    /// A routing file: model aliases served by weighted deployments, with fallback and
    /// cooldown (see gateway/README.md). SIGHUP reloads it; a bad file keeps the old one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log every request (and debug details), not only failures and startup.
    #[arg(long, short)]
    pub verbose: bool,
    /// How log lines are written to stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Send OpenTelemetry traces over OTLP/HTTP to this collector (e.g.
    /// http://127.0.0.1:4318); without it, the standard OTEL_EXPORTER_OTLP_ENDPOINT
    /// variable turns them on.
    #[cfg(feature = "otel")]
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// Governance settings: the environment overrides the routing file.
fn governance_config(storage: &StorageConfig) -> Option<GovernanceConfig> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let master_key = env(MASTER_KEY_VARIABLE)
        .map(Secret::new)
        .or_else(|| storage.master_key.clone())?;
    let data_dir = env("MODELRT_DATA_DIR")
        .or_else(|| storage.data_dir.clone())
        .map(PathBuf::from)
        .or_else(|| env("XDG_DATA_HOME").map(|d| Path::new(&d).join("modelrt")))
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".local/share/modelrt")))
        .unwrap_or_else(|| PathBuf::from("modelrt-data"));
    Some(GovernanceConfig {
        master_key,
        database_url: env("MODELRT_DATABASE_URL")
            .or_else(|| storage.database_url.as_ref().map(|s| s.expose().to_owned())),
        redis_url: env("MODELRT_REDIS_URL")
            .or_else(|| storage.redis_url.as_ref().map(|s| s.expose().to_owned())),
        data_dir,
    })
}

/// Credentials from the environment and the credentials file (see `modelrt --help`).
struct CliCredentials;

impl CredentialStore for CliCredentials {
    fn lookup(
        &self,
        provider: &'static ProviderInfo,
        model: Option<(ModelType, &str)>,
    ) -> Result<Values, String> {
        gather(provider, model)
            .map(|gathered| gathered.values().clone())
            .map_err(|failure| failure.message().to_owned())
    }
}

/// A key from the environment variable `name`; unset or empty is none.
fn secret_from_env(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|key| !key.is_empty())
        .map(Secret::new)
}

/// Reads and validates the routing file; the problems are `file:line:column: error: ...`.
fn load_routing(path: &Path) -> Result<RoutingConfig, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("{}: error: cannot read: {e}", path.display())])?;
    parse_routing(&path.display().to_string(), &text, |name| {
        std::env::var(name).ok()
    })
}

/// Reloads the routing file on every SIGHUP, keeping the routes in force when it is bad.
#[cfg(unix)]
fn reload_on_hangup(gateway: Gateway, path: PathBuf) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP: the routing file will not be reloaded");
        return;
    };
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            match load_routing(&path) {
                Ok(routing) => {
                    gateway.reload_routing(routing);
                    tracing::info!("reloaded {}", path.display());
                }
                Err(problems) => {
                    for problem in problems {
                        tracing::error!("{problem}");
                    }
                    tracing::warn!("kept the routing in force: {} is not valid", path.display());
                }
            }
        }
    });
}

#[cfg(not(unix))]
fn reload_on_hangup(_gateway: Gateway, _path: PathBuf) {}

/// Runs the gateway until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub fn run(args: &Args) -> Result<(), Failure> {
    let level = if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    // Colours only on a terminal: escape codes do not belong in a log file, and formatting
    // them for the fields of every call's span was 4 % of a request's instructions.
    let logs = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let mut http = args.http.settings();
    if args.http.retries.is_none() {
        http.max_retries = Settings::default().http.max_retries;
    }
    let mut settings = Settings {
        key: secret_from_env(GATEWAY_KEY_VARIABLE),
        master_key: None,
        body_limit: args.body_limit,
        http,
        governance: None,
    };
    let routing = match &args.config {
        Some(path) => load_routing(path).map_err(|problems| {
            for problem in &problems {
                eprintln!("{problem}");
            }
            Failure::new(
                "config",
                format!("{} problem(s) in {}", problems.len(), path.display()),
            )
        })?,
        None => RoutingConfig::default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new("runtime", format!("cannot start the async runtime: {e}")))?;
    #[cfg(feature = "otel")]
    let _traces = traces(args)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| {
                Failure::new("listen", format!("cannot listen on {}: {e}", args.listen))
            })?;
        let address = listener.local_addr().unwrap_or(args.listen);
        if let Some(config) = governance_config(&routing.storage) {
            // `/metrics` takes the same master key as the admin API.
            settings.master_key = Some(config.master_key.clone());
            let governance = Governance::open(config)
                .await
                .map_err(|e| Failure::new("storage", e))?;
            tracing::info!("virtual keys on: admin API at http://{address}/admin/");
            tracing::info!("web console at http://{address}/ui");
            settings.governance = Some(governance);
        }
        tracing::info!(
            key = if settings.key.is_some() {
                "required"
            } else {
                "none"
            },
            "modelrt gateway listening on http://{address}/v1"
        );
        let gateway = Gateway::with_routing(CliCredentials, settings, routing);
        if let Some(path) = &args.config {
            reload_on_hangup(gateway.clone(), path.clone());
        }
        gateway
            .serve(listener, shutdown_signal())
            .await
            .map_err(|e| Failure::new("serve", format!("the server failed: {e}")))
    })
}

/// Starts the OTLP trace exporter when asked for, by flag or by the standard variables.
#[cfg(feature = "otel")]
fn traces(args: &Args) -> Result<Option<modelrt_gateway::otel::Exporter>, Failure> {
    let from_env = [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if args.otlp_endpoint.is_none() && !from_env {
        return Ok(None);
    }
    modelrt_gateway::otel::install(args.otlp_endpoint.as_deref())
        .map(Some)
        .map_err(|e| Failure::new("otel", e))
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a signal handler the server simply runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down; finishing requests in flight");
}
