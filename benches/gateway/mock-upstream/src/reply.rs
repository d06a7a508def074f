//! The bodies the mock answers with, in OpenAI's Chat Completions shapes.

use serde_json::{json, Value};

/// The id of every answer: the mock keeps no state.
const ID: &str = "chatcmpl-mock";
/// A fixed creation time, so answers are identical from run to run.
const CREATED: u64 = 1_700_000_000;
/// The prompt size reported in usage: the mock does not count the real prompt.
const PROMPT_TOKENS: usize = 10;
/// Each chunk carries one word and counts as one completion token.
const WORD: &str = "word ";

/// A whole `chat.completion` of `tokens` words.
pub fn completion(model: &str, tokens: usize) -> String {
    json!({
        "id": ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": WORD.repeat(tokens)},
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": usage(tokens),
    })
    .to_string()
}

/// The server-sent events of a streamed answer: a role chunk, `tokens` content chunks, a
/// finish chunk, a usage chunk when asked for, and the `[DONE]` marker.
pub fn stream(model: &str, tokens: usize, include_usage: bool) -> Vec<String> {
    let chunk = |choices: Value, usage: Option<Value>| {
        let mut chunk = json!({
            "id": ID,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": choices,
        });
        if let Some(usage) = usage {
            chunk["usage"] = usage;
        }
        format!("data: {chunk}\n\n")
    };
    let delta = |delta: Value, finish_reason: Option<&str>| json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}]);
    let mut events = Vec::with_capacity(tokens + 4);
    events.push(chunk(
        delta(json!({"role": "assistant", "content": ""}), None),
        None,
    ));
    events.extend((0..tokens).map(|_| chunk(delta(json!({"content": WORD}), None), None)));
    events.push(chunk(delta(json!({}), Some("stop")), None));
    if include_usage {
        events.push(chunk(json!([]), Some(usage(tokens))));
    }
    events.push("data: [DONE]\n\n".to_owned());
    events
}

/// An error body in OpenAI's shape.
pub fn error(message: &str) -> String {
    json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}})
        .to_string()
}

fn usage(completion_tokens: usize) -> Value {
    json!({
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": completion_tokens,
        "total_tokens": PROMPT_TOKENS + completion_tokens,
    })
}
