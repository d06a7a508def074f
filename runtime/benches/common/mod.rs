//! What the client benchmarks share: the local server, the hand-written baseline client, and
//! CPU-time measurement. Included by `stream_decode.rs` and by the separate async-openai bench
//! project (`benches/async-openai`), so every client is timed against the same server and the
//! same baseline.

pub mod raw;
pub mod server;

use std::time::{Duration, Instant};

/// Chunks in the streamed answer.
pub const STREAM_CHUNKS: usize = 100_000;
/// Small non-streaming calls per run.
pub const SMALL_REQUESTS: usize = 2_000;
/// Runs per path; medians are reported.
pub const RUNS: usize = 7;
/// The API key every client sends.
pub const KEY: &str = "sk-bench-0000000000000000";

/// CPU time consumed so far by the calling thread (Linux scheduler statistics).
pub fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let nanos = stat
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(nanos)
}

/// Runs `work` and returns (thread CPU, wall) time.
pub async fn measure<F: std::future::Future<Output = ()>>(work: F) -> (Duration, Duration) {
    let (cpu, wall) = (thread_cpu(), Instant::now());
    work.await;
    (thread_cpu() - cpu, wall.elapsed())
}

/// The median of `values` (not empty).
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Nanoseconds per item.
pub fn per(duration: Duration, count: usize) -> f64 {
    duration.as_nanos() as f64 / count as f64
}

/// CPU and wall times of the baseline and of the client measured, one entry per run.
#[derive(Default)]
pub struct Pair {
    /// CPU time of each run of the baseline.
    pub raw_cpu: Vec<Duration>,
    /// Wall time of each run of the baseline.
    pub raw_wall: Vec<Duration>,
    /// CPU time of each run of the client measured.
    pub cpu: Vec<Duration>,
    /// Wall time of each run of the client measured.
    pub wall: Vec<Duration>,
}

impl Pair {
    /// Runs `client` and `baseline` `runs` times each, alternating which goes first so that
    /// neither always runs on a warmer machine, and records their times.
    pub async fn alternate<C, B, CF, BF>(runs: usize, mut client: C, mut baseline: B) -> Pair
    where
        C: FnMut() -> CF,
        B: FnMut() -> BF,
        CF: std::future::Future<Output = ()>,
        BF: std::future::Future<Output = ()>,
    {
        let mut pair = Pair::default();
        for run in 0..runs {
            for client_first in [run % 2 == 0, run % 2 != 0] {
                if client_first {
                    let (cpu, wall) = measure(client()).await;
                    pair.cpu.push(cpu);
                    pair.wall.push(wall);
                } else {
                    let (cpu, wall) = measure(baseline()).await;
                    pair.raw_cpu.push(cpu);
                    pair.raw_wall.push(wall);
                }
            }
        }
        pair
    }

    /// Prints per-chunk CPU medians and the ratio for the streaming runs.
    pub fn print_stream(self, name: &str) {
        let (raw, client) = (median(self.raw_cpu), median(self.cpu));
        println!(
            "streaming decode, {STREAM_CHUNKS} chunks, median of {RUNS} runs (client thread CPU):"
        );
        println!(
            "  raw reqwest+serde_json: {:>8.0} ns/chunk CPU, wall {:?}",
            per(raw, STREAM_CHUNKS),
            median(self.raw_wall)
        );
        println!(
            "  {:<23} {:>8.0} ns/chunk CPU, wall {:?}",
            format!("{name}:"),
            per(client, STREAM_CHUNKS),
            median(self.wall)
        );
        println!(
            "  ratio {name}/raw: {:.2}x",
            client.as_secs_f64() / raw.as_secs_f64()
        );
    }

    /// Prints per-request CPU medians, the overhead and the ratio for the small-call runs.
    pub fn print_small(self, name: &str) {
        let (raw, client) = (median(self.raw_cpu), median(self.cpu));
        println!("small non-streaming calls, {SMALL_REQUESTS} per run, median of {RUNS} runs (client thread CPU):");
        println!(
            "  raw reqwest+serde_json: {:>8.1} us/request",
            per(raw, SMALL_REQUESTS) / 1000.0
        );
        println!(
            "  {:<23} {:>8.1} us/request",
            format!("{name}:"),
            per(client, SMALL_REQUESTS) / 1000.0
        );
        println!(
            "  overhead: {:+.1} us/request, ratio {:.2}x",
            (per(client, SMALL_REQUESTS) - per(raw, SMALL_REQUESTS)) / 1000.0,
            client.as_secs_f64() / raw.as_secs_f64()
        );
    }
}
