//! Load and soak: 10,000 streamed calls against the local server, 500 in flight at once, through
//! the full modelrt path (`OPENAI_COMPATIBLE.stream`).
//!
//! Run with `cargo bench -p modelrt-runtime --bench soak`. The server runs on its own thread;
//! the client runs on the main thread (a current-thread runtime), so the client CPU read from
//! that thread's scheduler statistics excludes the server's. Reports throughput, client CPU per
//! chunk, resident memory (current and peak) before the first call, after warm-up, at the
//! middle and at the end, and chunks lost, which must be 0 (the process fails otherwise).

mod call;
// The soak uses the server and the CPU clock, not the baseline client the other bench shares.
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use call::{hello, Call};
use common::{per, server, thread_cpu};
use futures::StreamExt;
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;

/// Streamed calls in all.
const CALLS: usize = 10_000;
/// Calls in flight at once.
const IN_FLIGHT: usize = 500;
/// Content chunks the server streams per call.
const CHUNKS_PER_CALL: usize = 100;
/// Calls completed before memory counts as warmed up (connections open, buffers grown).
const WARM_UP: usize = 1_000;

/// Resident memory of the process, from `/proc/self/status`.
#[derive(Clone, Copy)]
struct Memory {
    /// `VmRSS`: resident now.
    rss_kib: u64,
    /// `VmHWM`: the peak so far.
    peak_kib: u64,
}

impl Memory {
    fn now() -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kib: field("VmRSS:"),
            peak_kib: field("VmHWM:"),
        }
    }
}

/// One streamed call: the content chunks received, or the error that ended it.
async fn stream_once(call: &Call) -> Result<usize, String> {
    let mut stream = OPENAI_COMPATIBLE
        .stream(call.ctx(), hello())
        .await
        .map_err(|e| e.to_string())?;
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        if !chunk.map_err(|e| e.to_string())?.content.is_empty() {
            chunks += 1;
        }
    }
    Ok(chunks)
}

fn main() {
    let base = server::start_streaming(CHUNKS_PER_CALL);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let call = Call::new(&base);

    let (samples, received, failures, cpu, wall) = runtime.block_on(async {
        let mut samples = vec![("before the first call", Memory::now())];
        let (cpu_start, started) = (thread_cpu(), Instant::now());
        let mut calls = futures::stream::iter(0..CALLS)
            .map(|_| stream_once(&call))
            .buffer_unordered(IN_FLIGHT);
        let (mut done, mut received, mut failures) = (0, 0, Vec::new());
        while let Some(outcome) = calls.next().await {
            done += 1;
            match outcome {
                Ok(chunks) => received += chunks,
                Err(error) => failures.push(error),
            }
            match done {
                WARM_UP => samples.push(("after warm-up (1,000 calls)", Memory::now())),
                n if n == CALLS / 2 => samples.push(("middle (5,000 calls)", Memory::now())),
                CALLS => samples.push(("end (10,000 calls)", Memory::now())),
                _ => {}
            }
        }
        let (cpu, wall): (Duration, Duration) = (thread_cpu() - cpu_start, started.elapsed());
        (samples, received, failures, cpu, wall)
    });

    let expected = CALLS * CHUNKS_PER_CALL;
    let lost = expected - received.min(expected);
    println!("soak: {CALLS} streamed calls, {IN_FLIGHT} in flight, {CHUNKS_PER_CALL} chunks each");
    println!(
        "  throughput: {:.0} calls/s, {:.0} chunks/s (wall {:.2} s)",
        CALLS as f64 / wall.as_secs_f64(),
        received as f64 / wall.as_secs_f64(),
        wall.as_secs_f64()
    );
    println!(
        "  client CPU: {:.0} ns/chunk ({:.2} s on the client thread)",
        per(cpu, received.max(1)),
        cpu.as_secs_f64()
    );
    for (when, memory) in &samples {
        println!(
            "  memory {when:<28} RSS {:>7.1} MiB, peak {:>7.1} MiB",
            memory.rss_kib as f64 / 1024.0,
            memory.peak_kib as f64 / 1024.0
        );
    }
    println!(
        "  chunks received {received} of {expected}, lost {lost}; failed calls {}",
        failures.len()
    );
    if let Some(first) = failures.first() {
        println!("  first failure: {first}");
    }
    if lost > 0 || !failures.is_empty() {
        std::process::exit(1);
    }
}
