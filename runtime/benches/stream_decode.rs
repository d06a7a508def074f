//! Streaming decode and per-request overhead: the full modelrt path against raw `reqwest` +
//! `serde_json` doing the same work, both talking to the same local HTTP server.
//!
//! Run with `cargo bench -p modelrt-runtime --bench stream_decode`. The server runs on its own
//! thread; the client runs on the main thread (a current-thread runtime), and CPU time is read
//! from that thread's scheduler statistics, so the server's work is not counted.
//! Prints medians of several runs and the ratios.

mod call;
mod common;

use call::{hello, Call};
use common::{raw, server, Pair, RUNS, SMALL_REQUESTS};
use futures::StreamExt;
use modelrt_runtime::llm::StreamAccumulator;
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;

async fn modelrt_stream(call: &Call) -> (usize, u64) {
    let mut stream = OPENAI_COMPATIBLE
        .stream(call.ctx(), hello())
        .await
        .expect("stream");
    let mut accumulator = StreamAccumulator::new();
    while let Some(chunk) = stream.next().await {
        accumulator.push(&chunk.expect("chunk"));
    }
    let response = accumulator.finish();
    (response.content.len(), response.usage.total_tokens)
}

async fn modelrt_small(call: &Call) -> usize {
    OPENAI_COMPATIBLE
        .invoke(call.ctx(), hello())
        .await
        .expect("call")
        .content
        .len()
}

fn main() {
    let base = server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let client = reqwest::Client::builder().build().expect("client");
    let call = Call::new(&base);

    runtime.block_on(async {
        // Warm up both paths (connections, tokenizer-free code paths, allocator).
        assert_eq!(
            raw::stream(&client, &base).await,
            modelrt_stream(&call).await
        );
        assert_eq!(raw::small(&client, &base).await, modelrt_small(&call).await);

        Pair::alternate(
            RUNS,
            || async {
                modelrt_stream(&call).await;
            },
            || async {
                raw::stream(&client, &base).await;
            },
        )
        .await
        .print_stream("modelrt");

        Pair::alternate(
            RUNS,
            || async {
                for _ in 0..SMALL_REQUESTS {
                    modelrt_small(&call).await;
                }
            },
            || async {
                for _ in 0..SMALL_REQUESTS {
                    raw::small(&client, &base).await;
                }
            },
        )
        .await
        .print_small("modelrt");
    });
}
