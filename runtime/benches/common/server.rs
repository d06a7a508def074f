//! A tiny keep-alive HTTP/1.1 server on its own thread: requests with `"stream":true` get
//! [`STREAM_CHUNKS`] (or a chosen number of) SSE chunks shaped like OpenAI's
//! `chat.completion.chunk` (sent chunked in 16 KiB frames), others a small `chat.completion`
//! answer.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::STREAM_CHUNKS;

fn stream_body(chunks: usize) -> Vec<u8> {
    let mut body = String::with_capacity(chunks * 200);
    for i in 0..chunks {
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

/// Starts the server, streaming [`STREAM_CHUNKS`] chunks per answer; returns its base URL.
pub fn start() -> String {
    start_streaming(STREAM_CHUNKS)
}

/// Starts the server, streaming `chunks` content chunks per answer; returns its base URL.
pub fn start_streaming(chunks: usize) -> String {
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
            let stream_body: &'static [u8] = Box::leak(stream_body(chunks).into_boxed_slice());
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
