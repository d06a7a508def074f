//! `modelrt-mock-upstream --listen 127.0.0.1:PORT --latency-ms 50 --chunks 20`: serves the
//! fixed-latency mock OpenAI upstream until killed (benches/gateway/run.sh starts it).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use modelrt_mock_upstream::{serve, Settings};

/// A fixed-latency mock OpenAI upstream for the gateway benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:9090")]
    listen: SocketAddr,
    /// The wait before the first byte of every answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 50)]
    latency_ms: u64,
    /// The number of content chunks of a streamed answer (and words of a whole one).
    #[arg(long, value_name = "N", default_value_t = 20)]
    chunks: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let settings = Settings {
        latency: Duration::from_millis(args.latency_ms),
        chunks: args.chunks,
    };
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .and_then(|runtime| {
            runtime.block_on(async {
                serve(tokio::net::TcpListener::bind(args.listen).await?, settings).await
            })
        });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("modelrt-mock-upstream on {}: {e}", args.listen);
            ExitCode::FAILURE
        }
    }
}
