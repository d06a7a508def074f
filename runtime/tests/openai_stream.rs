//! Streaming through the OpenAI-compatible protocol: tool-call fragment shapes, chunk
//! boundaries anywhere, usage present, last or absent, odd finish reasons, and cancellation.

mod common;

use std::time::Duration;

use common::{raw_server, sse, Fixture};
use futures::StreamExt;
use modelrt_runtime::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, StreamAccumulator,
    ToolCall,
};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn chunk(delta: &str, finish: &str) -> String {
    format!(
        r#"{{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}]}}"#
    )
}

/// Streams `body` split into pieces of `piece` bytes and collects every chunk.
async fn run(body: &str, piece: usize) -> (Vec<LlmChunk>, LlmResponse) {
    let pieces = body.as_bytes().chunks(piece).map(<[u8]>::to_vec).collect();
    let base = raw_server("HTTP/1.1 200 OK", pieces, false).await;
    let fixture = Fixture::compat(&base, "gpt-4o-mini", &[]);
    let stream = OPENAI_COMPATIBLE
        .stream(
            fixture.ctx(),
            LlmRequest::new(vec![Message::user("What is the weather?")]),
        )
        .await
        .expect("the stream starts");
    let chunks: Vec<LlmChunk> = stream.map(|c| c.expect("no error")).collect().await;
    let mut acc = StreamAccumulator::new();
    chunks.iter().for_each(|c| acc.push(c));
    (chunks, acc.finish())
}

fn call(id: &str, name: &str, args: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: args.into(),
    }
}

#[tokio::test]
async fn tool_call_id_only_in_the_first_fragment() {
    let body = sse(&[
        &chunk(
            r#"{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO","type":"function","function":{"name":"get_weather","arguments":""}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"loc"}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"ation\": \"Paris\"}"}}]}"#,
            "null",
        ),
        &chunk("{}", r#""tool_calls""#),
        "[DONE]",
    ]);
    let (_, response) = run(&body, 7).await;
    assert_eq!(
        response.tool_calls,
        [call(
            "call_DdmO",
            "get_weather",
            "{\"location\": \"Paris\"}"
        )]
    );
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
}

#[tokio::test]
async fn tool_calls_without_ids_get_generated_ones() {
    let body = sse(&[
        &chunk(
            r#"{"tool_calls":[{"index":0,"function":{"name":"a","arguments":"{\"x\":"}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":1,"function":{"name":"b","arguments":"{}"}}]}"#,
            "null",
        ),
        &chunk("{}", r#""tool_calls""#),
        "[DONE]",
    ]);
    let (_, response) = run(&body, 1000).await;
    assert_eq!(
        response.tool_calls,
        [call("call_0", "a", "{\"x\":1}"), call("call_1", "b", "{}")]
    );
}

#[tokio::test]
async fn interleaved_parallel_tool_calls() {
    let body = sse(&[
        &chunk(
            r#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":\"CET\"}"}}]}"#,
            "null",
        ),
        &chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"\"Oslo\"}"}}]}"#,
            "null",
        ),
        &chunk("{}", r#""tool_calls""#),
        "[DONE]",
    ]);
    let (_, response) = run(&body, 13).await;
    assert_eq!(
        response.tool_calls,
        [
            call("call_1", "get_weather", "{\"city\":\"Oslo\"}"),
            call("call_2", "get_time", "{\"tz\":\"CET\"}")
        ]
    );
}

#[tokio::test]
async fn empty_arguments_become_an_empty_object() {
    let body = sse(&[
        &chunk(
            r#"{"tool_calls":[{"index":0,"id":"call_x","type":"function","function":{"name":"now","arguments":""}}]}"#,
            "null",
        ),
        &chunk("{}", r#""tool_calls""#),
        "[DONE]",
    ]);
    let (_, response) = run(&body, 5).await;
    assert_eq!(response.tool_calls, [call("call_x", "now", "{}")]);
}

#[tokio::test]
async fn utf8_characters_split_across_chunks() {
    let text = "Grüße aus Zürich 🌍 — 東京";
    let body = sse(&[
        &chunk(
            &format!(r#"{{"role":"assistant","content":"{text}"}}"#),
            "null",
        ),
        &chunk(r#"{"content":" ✓"}"#, "null"),
        &chunk("{}", r#""stop""#),
        "[DONE]",
    ])
    .replace("\n\n", "\r\n\r\n");
    // Every piece size splits multi-byte characters and `\r\n` somewhere.
    for piece in [1, 2, 3, 5] {
        let (_, response) = run(&body, piece).await;
        assert_eq!(response.content, format!("{text} ✓"), "piece size {piece}");
    }
}

#[tokio::test]
async fn usage_only_in_the_last_chunk_is_used() {
    let body = sse(&[
        &chunk(r#"{"content":"Hi"}"#, "null").replace("}]}", "}],\"usage\":null}"),
        &chunk("{}", r#""stop""#).replace("}]}", "}],\"usage\":null}"),
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":17,"completion_tokens":2,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":0}}}"#,
        "[DONE]",
    ]);
    let (chunks, response) = run(&body, 11).await;
    assert_eq!(chunks.iter().filter(|c| c.usage.is_some()).count(), 1);
    assert_eq!(
        (
            response.usage.prompt_tokens,
            response.usage.completion_tokens
        ),
        (17, 2)
    );
    assert!(!response.usage.estimated);
    assert_eq!(response.usage.cached_prompt_tokens, Some(0));
}

#[tokio::test]
async fn no_usage_at_all_is_estimated_offline() {
    // llama.cpp's server streams no usage.
    let body = sse(&[
        &chunk(r#"{"content":"Hello world"}"#, "null"),
        &chunk("{}", r#""stop""#),
        "[DONE]",
    ]);
    let (chunks, response) = run(&body, 9).await;
    let last = chunks.last().expect("chunks");
    assert!(last.usage.is_some(), "a final chunk carries the estimate");
    assert!(response.usage.estimated);
    assert_eq!(
        response.usage.completion_tokens, 2,
        "\"Hello world\" is two tokens"
    );
    assert!(response.usage.prompt_tokens >= 5);
}

#[tokio::test]
async fn empty_finish_reason_means_not_finished_and_unknown_values_are_kept() {
    let body = sse(&[
        &chunk(r#"{"content":"a"}"#, r#""""#),
        &chunk(r#"{"content":"b"}"#, r#""""#),
        &chunk("{}", r#""eos_token""#),
        "[DONE]",
    ]);
    let (chunks, response) = run(&body, 100).await;
    assert_eq!(chunks[0].finish_reason, None);
    assert_eq!(response.content, "ab");
    assert_eq!(
        response.finish_reason,
        Some(FinishReason::Other("eos_token".into()))
    );
}

#[tokio::test]
async fn reasoning_is_kept_apart_from_the_answer() {
    let body = sse(&[
        &chunk(r#"{"reasoning_content":"Let me think. "}"#, "null"),
        &chunk(r#"{"reasoning_content":"Done.","content":null}"#, "null"),
        &chunk(r#"{"content":"42"}"#, r#""stop""#),
        "[DONE]",
    ]);
    let (_, response) = run(&body, 17).await;
    assert_eq!(response.reasoning.as_deref(), Some("Let me think. Done."));
    assert_eq!(response.content, "42");
}

/// Dropping a stream closes the connection: the server sees its socket end.
#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<Duration>();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 8192];
        let _ = socket.read(&mut buf).await;
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        let event = chunk(r#"{"content":"tick "}"#, "null");
        let frame = format!("data: {event}\n\n");
        let started = std::time::Instant::now();
        // Keep streaming until a write fails (the client hung up).
        loop {
            let piece = format!("{:x}\r\n{frame}\r\n", frame.len());
            if socket.write_all(piece.as_bytes()).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            if started.elapsed() > Duration::from_secs(10) {
                return; // never closed: the receiver sees the sender dropped
            }
        }
        let _ = closed_tx.send(started.elapsed());
    });
    let fixture = Fixture::compat(&base, "m", &[]);
    let mut stream: LlmStream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), LlmRequest::new(vec![Message::user("go")]))
        .await
        .unwrap();
    for _ in 0..3 {
        assert_eq!(stream.next().await.unwrap().unwrap().content, "tick ");
    }
    drop(stream);
    let elapsed = tokio::time::timeout(Duration::from_secs(5), closed_rx)
        .await
        .expect("the server noticed the close in time")
        .expect("the server saw the connection close");
    assert!(elapsed < Duration::from_secs(10));
}

#[tokio::test]
async fn a_json_answer_to_a_stream_request_is_replayed() {
    let server = wiremock::MockServer::builder().start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "whole"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3}
        })))
        .mount(&server)
        .await;
    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    let mut acc = StreamAccumulator::new();
    for chunk in stream.collect::<Vec<_>>().await {
        acc.push(&chunk.unwrap());
    }
    let response = acc.finish();
    assert_eq!(response.content, "whole");
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    assert_eq!(response.usage.total_tokens, 3);
}

#[tokio::test]
async fn a_stream_closed_early_is_an_error_after_its_deltas() {
    // No finish reason and no [DONE]: the server closed the stream cleanly but early.
    let body = sse(&[&chunk(r#"{"content":"par"}"#, "null")]);
    let base = raw_server("HTTP/1.1 200 OK", vec![body.into_bytes()], false).await;
    let fixture = Fixture::compat(&base, "gpt-4o-mini", &[]);
    let request = LlmRequest::new(vec![Message::user("hi")]);
    let items: Vec<_> = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), request)
        .await
        .expect("the stream starts")
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().expect("the delta").content, "par");
    let error = items[1].as_ref().expect_err("then the error");
    assert_eq!(error.kind(), modelrt_runtime::ErrorKind::Connection);
    assert!(
        error
            .to_string()
            .contains("ended before the answer was complete"),
        "{error}"
    );

    // A finish reason without [DONE] is a complete answer.
    let body = sse(&[&chunk(r#"{"content":"ok"}"#, r#""stop""#)]);
    let (_, response) = run(&body, 100).await;
    assert_eq!(response.content, "ok");
}
