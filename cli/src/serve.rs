//! `modelrt serve`: the OpenAI-compatible gateway over every callable compiled-in provider,
//! with credentials from the same sources as every other command.

use std::net::SocketAddr;

use modelrt::runtime::catalog::{ModelType, ProviderInfo};
use modelrt::runtime::secret::Secret;
use modelrt_gateway::{CredentialStore, Gateway, Settings, Values, DEFAULT_BODY_LIMIT};

use crate::failure::Failure;
use crate::sources::gather;
use crate::target::HttpArgs;

/// Examples of `serve`.
pub const EXAMPLES: &str = "\
Examples:
  MODELRT_OPENAI_OPENAI_API_KEY=sk-... modelrt serve --listen 127.0.0.1:8080
  MODELRT_GATEWAY_KEY=secret modelrt serve   # clients send `Authorization: Bearer secret`
Models are addressed as PROVIDER/MODEL, e.g. openai/gpt-4o-mini; GET /v1/models lists the
ones callable with the credentials present. Calls are not retried unless --retries is given, so
a rate limit reaches the client at once with its retry-after.";

/// The environment variable holding the key clients must send.
const GATEWAY_KEY_VARIABLE: &str = "MODELRT_GATEWAY_KEY";

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,
    /// Log every request (and debug details), not only failures and startup.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub http: HttpArgs,
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

/// Runs the gateway until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub fn run(args: &Args) -> Result<(), Failure> {
    let level = if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
    let mut http = args.http.settings();
    if args.http.retries.is_none() {
        http.max_retries = Settings::default().http.max_retries;
    }
    let settings = Settings {
        key: std::env::var(GATEWAY_KEY_VARIABLE)
            .ok()
            .filter(|key| !key.is_empty())
            .map(Secret::new),
        body_limit: args.body_limit,
        http,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new("runtime", format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| {
                Failure::new("listen", format!("cannot listen on {}: {e}", args.listen))
            })?;
        let address = listener.local_addr().unwrap_or(args.listen);
        tracing::info!(
            key = if settings.key.is_some() {
                "required"
            } else {
                "none"
            },
            "modelrt gateway listening on http://{address}/v1"
        );
        Gateway::new(CliCredentials, settings)
            .serve(listener, shutdown_signal())
            .await
            .map_err(|e| Failure::new("serve", format!("the server failed: {e}")))
    })
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
