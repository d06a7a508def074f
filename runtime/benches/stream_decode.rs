//! Streaming decode and per-request overhead: the full modelrt path against raw `reqwest` +
//! `serde_json` doing the same work, both talking to the same local HTTP server.
//!
//! Run with `cargo bench -p modelrt-runtime --bench stream_decode`. The server runs on its own
//! thread; the client runs on the main thread (a current-thread runtime), and CPU time is read
//! from that thread's scheduler statistics, so the server's work is not counted.
//! Prints medians of several runs and the ratios.

use std::time::{Duration, Instant};

use futures::StreamExt;
use modelrt_runtime::catalog::{Callability, ConfigurateMethod, I18n, ModelType, ProviderInfo};
use modelrt_runtime::credentials::{CredentialValue, ValidatedCredentials};
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::llm::{LlmRequest, Message, StreamAccumulator};
use modelrt_runtime::params::ValidatedParams;
use modelrt_runtime::protocol::{CallContext, LlmProtocol, ModelRef};
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use modelrt_runtime::secret::Secret;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const STREAM_CHUNKS: usize = 100_000;
const SMALL_REQUESTS: usize = 2_000;
const RUNS: usize = 7;

/// CPU time consumed so far by the calling thread (Linux scheduler statistics).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let nanos = stat
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(nanos)
}

fn stream_body() -> Vec<u8> {
    let mut body = String::with_capacity(STREAM_CHUNKS * 200);
    for i in 0..STREAM_CHUNKS {
        body.push_str(&format!(
            "data: {{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\
             \"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_fc9f1d7035\",\
             \"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" token{}\"}},\"logprobs\":null,\"finish_reason\":null}}],\
             \"usage\":null}}\n\n",
            i % 100
        ));
    }
    body.push_str(
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\
         \"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":100000,\"total_tokens\":100010}}\n\n\
         data: [DONE]\n\n",
    );
    body.into_bytes()
}

const SMALL_ANSWER: &str = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\
    \"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\
    \"content\":\"Hello there!\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\
    \"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";

/// A keep-alive HTTP/1.1 server: requests with `"stream":true` get the SSE body (chunked),
/// others the small JSON answer. Returns the base URL.
fn start_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let stream_body: &'static [u8] = Box::leak(stream_body().into_boxed_slice());
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(serve(socket, stream_body));
            }
        });
    });
    base
}

async fn serve(mut socket: tokio::net::TcpStream, stream_body: &'static [u8]) {
    let _ = socket.set_nodelay(true);
    let mut pending = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        // Read one request (headers + content-length body).
        let (head_end, length) = loop {
            if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&pending[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (end + 4, length);
            }
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        };
        while pending.len() < head_end + length {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
        let request = &pending[head_end..head_end + length];
        let is_stream = request.windows(13).any(|w| w == b"\"stream\":true");
        pending.drain(..head_end + length);
        let written = if is_stream {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
            let mut result = socket.write_all(head.as_bytes()).await;
            for piece in stream_body.chunks(16 * 1024) {
                if result.is_err() {
                    break;
                }
                let frame = [format!("{:x}\r\n", piece.len()).as_bytes(), piece, b"\r\n"].concat();
                result = socket.write_all(&frame).await;
            }
            match result {
                Ok(()) => socket.write_all(b"0\r\n\r\n").await,
                error => error,
            }
        } else {
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{SMALL_ANSWER}",
                SMALL_ANSWER.len()
            );
            socket.write_all(answer.as_bytes()).await
        };
        if written.is_err() {
            return;
        }
    }
}

static PROVIDER: ProviderInfo = ProviderInfo {
    id: "openai_api_compatible",
    label: I18n {
        en_us: "bench",
        others: &[],
    },
    description: None,
    icon_small: None,
    icon_large: None,
    background: None,
    help: None,
    supported_model_types: &[ModelType::Llm],
    configurate_methods: &[ConfigurateMethod::CustomizableModel],
    provider_credentials: &[],
    model_credential_schema: None,
    models: &[],
    extra: &[("base_url_variable", "endpoint_url")],
    callability: Callability::Protocol("openai-compatible"),
    source: "bench",
};

const KEY: &str = "sk-bench-0000000000000000";

// --- The baseline: a hand-written client with reqwest and serde_json that decodes the same
// fields modelrt does (model, content, reasoning, tool-call fragments, finish reason, usage)
// into owned values and reassembles the answer. ---

#[derive(Deserialize)]
struct RawChunk {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<RawChoice>,
    usage: Option<RawUsage>,
}

#[derive(Deserialize)]
struct RawChoice {
    delta: Option<RawDelta>,
    message: Option<RawDelta>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct RawDelta {
    content: Option<String>,
    reasoning_content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<RawToolCall>,
}

#[derive(Deserialize)]
struct RawToolCall {
    index: usize,
    id: Option<String>,
    function: Option<RawFunction>,
}

#[derive(Deserialize)]
struct RawFunction {
    name: Option<String>,
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct RawUsage {
    total_tokens: u64,
}

/// What the baseline reassembles.
#[derive(Default)]
struct RawAnswer {
    model: Option<String>,
    content: String,
    reasoning: String,
    tool_calls: Vec<(String, String, String)>,
    finish_reason: Option<String>,
    total_tokens: u64,
}

impl RawAnswer {
    fn push(&mut self, chunk: RawChunk) {
        if self.model.is_none() {
            self.model = chunk.model;
        }
        if let Some(usage) = chunk.usage {
            self.total_tokens = usage.total_tokens;
        }
        for choice in chunk.choices {
            if let Some(delta) = choice.delta.or(choice.message) {
                self.content
                    .push_str(delta.content.as_deref().unwrap_or(""));
                self.reasoning
                    .push_str(delta.reasoning_content.as_deref().unwrap_or(""));
                for call in delta.tool_calls {
                    if self.tool_calls.len() <= call.index {
                        self.tool_calls.resize(call.index + 1, Default::default());
                    }
                    let slot = &mut self.tool_calls[call.index];
                    if let Some(id) = call.id {
                        slot.0 = id;
                    }
                    if let Some(function) = call.function {
                        if let Some(name) = function.name {
                            slot.1 = name;
                        }
                        slot.2.push_str(function.arguments.as_deref().unwrap_or(""));
                    }
                }
            }
            if choice.finish_reason.is_some() {
                self.finish_reason = choice.finish_reason;
            }
        }
    }
}

fn raw_request(client: &reqwest::Client, url: String, stream: bool) -> reqwest::RequestBuilder {
    let body = serde_json::json!({
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Say hello"}],
        "stream": stream,
    });
    client
        .post(url)
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).expect("json"))
}

async fn raw_stream(client: &reqwest::Client, base: &str) -> (usize, u64) {
    let response = raw_request(client, format!("{base}/chat/completions"), true)
        .send()
        .await
        .expect("raw stream");
    let mut body = response.bytes_stream();
    let mut buffer: Vec<u8> = Vec::new();
    let mut answer = RawAnswer::default();
    'read: while let Some(piece) = body.next().await {
        buffer.extend_from_slice(&piece.expect("body"));
        let mut start = 0;
        while let Some(offset) = buffer[start..].windows(2).position(|w| w == b"\n\n") {
            let event = &buffer[start..start + offset];
            start += offset + 2;
            let Some(data) = event.strip_prefix(b"data: ") else {
                continue;
            };
            if data == b"[DONE]" {
                break 'read;
            }
            answer.push(serde_json::from_slice(data).expect("chunk"));
        }
        buffer.drain(..start);
    }
    (answer.content.len(), answer.total_tokens)
}

async fn raw_small(client: &reqwest::Client, base: &str) -> usize {
    let response = raw_request(client, format!("{base}/chat/completions"), false)
        .send()
        .await
        .expect("raw call");
    let bytes = response.bytes().await.expect("body");
    let mut answer = RawAnswer::default();
    answer.push(serde_json::from_slice(&bytes).expect("answer"));
    answer.content.len()
}

// --- The modelrt path. ---

struct Call {
    credentials: ValidatedCredentials,
    params: ValidatedParams,
    http: HttpSettings,
}

impl Call {
    fn new(base: &str) -> Self {
        let mut credentials = ValidatedCredentials::default();
        credentials.insert("endpoint_url", CredentialValue::Text(base.to_owned()));
        credentials.insert("api_key", CredentialValue::Secret(Secret::new(KEY)));
        Call {
            credentials,
            params: ValidatedParams::default(),
            http: HttpSettings::default(),
        }
    }

    fn ctx(&self) -> CallContext<'_> {
        CallContext {
            provider: &PROVIDER,
            model: ModelRef {
                id: "gpt-4o",
                info: None,
            },
            credentials: &self.credentials,
            params: &self.params,
            http: &self.http,
        }
    }
}

fn hello() -> LlmRequest {
    LlmRequest::new(vec![Message::user("Say hello")])
}

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

/// Runs `work` and returns (thread CPU, wall) time.
async fn measure<F: std::future::Future<Output = ()>>(work: F) -> (Duration, Duration) {
    let (cpu, wall) = (thread_cpu(), Instant::now());
    work.await;
    (thread_cpu() - cpu, wall.elapsed())
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn per(duration: Duration, count: usize) -> f64 {
    duration.as_nanos() as f64 / count as f64
}

fn main() {
    let base = start_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let client = reqwest::Client::builder().build().expect("client");
    let call = Call::new(&base);

    runtime.block_on(async {
        // Warm up both paths (connections, tokenizer-free code paths, allocator).
        assert_eq!(raw_stream(&client, &base).await, modelrt_stream(&call).await);
        assert_eq!(raw_small(&client, &base).await, modelrt_small(&call).await);

        let (mut raw_cpu, mut raw_wall, mut rt_cpu, mut rt_wall) = (vec![], vec![], vec![], vec![]);
        for run in 0..RUNS {
            // Alternate the order so neither path always runs on a warmer machine.
            for modelrt_first in [run % 2 == 0, run % 2 != 0] {
                if modelrt_first {
                    let (cpu, wall) = measure(async { modelrt_stream(&call).await; }).await;
                    rt_cpu.push(cpu);
                    rt_wall.push(wall);
                } else {
                    let (cpu, wall) = measure(async { raw_stream(&client, &base).await; }).await;
                    raw_cpu.push(cpu);
                    raw_wall.push(wall);
                }
            }
        }
        let (raw_c, rt_c) = (median(raw_cpu), median(rt_cpu));
        println!("streaming decode, {STREAM_CHUNKS} chunks, median of {RUNS} runs (client thread CPU):");
        println!(
            "  raw reqwest+serde_json: {:>8.0} ns/chunk CPU, wall {:?}",
            per(raw_c, STREAM_CHUNKS),
            median(raw_wall)
        );
        println!(
            "  modelrt:                {:>8.0} ns/chunk CPU, wall {:?}",
            per(rt_c, STREAM_CHUNKS),
            median(rt_wall)
        );
        println!("  ratio modelrt/raw: {:.2}x", rt_c.as_secs_f64() / raw_c.as_secs_f64());

        let (mut raw_cpu, mut rt_cpu) = (vec![], vec![]);
        for run in 0..RUNS {
            for modelrt_first in [run % 2 == 0, run % 2 != 0] {
                if modelrt_first {
                    let (cpu, _) = measure(async {
                        for _ in 0..SMALL_REQUESTS {
                            modelrt_small(&call).await;
                        }
                    })
                    .await;
                    rt_cpu.push(cpu);
                } else {
                    let (cpu, _) = measure(async {
                        for _ in 0..SMALL_REQUESTS {
                            raw_small(&client, &base).await;
                        }
                    })
                    .await;
                    raw_cpu.push(cpu);
                }
            }
        }
        let (raw_c, rt_c) = (median(raw_cpu), median(rt_cpu));
        println!("small non-streaming calls, {SMALL_REQUESTS} per run, median of {RUNS} runs (client thread CPU):");
        println!("  raw reqwest+serde_json: {:>8.1} us/request", per(raw_c, SMALL_REQUESTS) / 1000.0);
        println!("  modelrt:                {:>8.1} us/request", per(rt_c, SMALL_REQUESTS) / 1000.0);
        println!(
            "  overhead: {:+.1} us/request, ratio {:.2}x",
            (per(rt_c, SMALL_REQUESTS) - per(raw_c, SMALL_REQUESTS)) / 1000.0,
            rt_c.as_secs_f64() / raw_c.as_secs_f64()
        );
    });
}
