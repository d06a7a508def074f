//! Chat Completions answers in OpenAI's shape: a whole `chat.completion`, or streamed
//! `chat.completion.chunk`s.

use modelrt::runtime::llm::{LlmChunk, LlmResponse, ToolCall, ToolCallDelta};
use modelrt::runtime::usage::Usage;
use serde_json::{json, Map, Value};

use crate::ids;

/// OpenAI's `usage` object.
pub fn usage(usage: &Usage) -> Value {
    let mut value = json!({
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    });
    if let Some(cached) = usage.cached_prompt_tokens {
        value["prompt_tokens_details"] = json!({"cached_tokens": cached});
    }
    if let Some(reasoning) = usage.reasoning_tokens {
        value["completion_tokens_details"] = json!({"reasoning_tokens": reasoning});
    }
    value
}

fn tool_call(call: &ToolCall) -> Value {
    json!({
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    })
}

/// A whole answer as a `chat.completion` object; `model` is the address the client used.
pub fn completion(model: &str, response: &LlmResponse) -> Value {
    let mut message = json!({"role": "assistant", "content": response.content});
    if !response.tool_calls.is_empty() {
        let calls: Vec<Value> = response.tool_calls.iter().map(tool_call).collect();
        message["tool_calls"] = Value::Array(calls);
        if response.content.is_empty() {
            message["content"] = Value::Null;
        }
    }
    if let Some(reasoning) = &response.reasoning {
        message["reasoning_content"] = json!(reasoning);
    }
    json!({
        "id": ids::new_id("chatcmpl"),
        "object": "chat.completion",
        "created": ids::now(),
        "model": model,
        "choices": [{
            "index": 0,
            "message": message,
            "finish_reason": response.finish_reason.as_ref().map(|r| r.as_str()),
        }],
        "usage": usage(&response.usage),
    })
}

/// Turns streamed pieces into `chat.completion.chunk` objects, numbering tool calls the way
/// OpenAI clients reassemble them.
pub struct ChunkWriter {
    id: String,
    created: u64,
    model: String,
    include_usage: bool,
    started: bool,
    /// The index of the tool call the last fragment belonged to.
    last_call: Option<u32>,
    /// The index the next new tool call gets.
    next_call: u32,
}

impl ChunkWriter {
    /// A writer for one answer of `model` (the address the client used).
    pub fn new(model: String, include_usage: bool) -> Self {
        ChunkWriter {
            id: ids::new_id("chatcmpl"),
            created: ids::now(),
            model,
            include_usage,
            started: false,
            last_call: None,
            next_call: 0,
        }
    }

    fn envelope(&self, choices: Value) -> Map<String, Value> {
        let mut chunk = Map::new();
        chunk.insert("id".into(), json!(self.id));
        chunk.insert("object".into(), json!("chat.completion.chunk"));
        chunk.insert("created".into(), json!(self.created));
        chunk.insert("model".into(), json!(self.model));
        chunk.insert("choices".into(), choices);
        chunk
    }

    /// The chunks (as JSON text) that carry `piece`: none when it carries nothing a client
    /// sees, a usage-only chunk after it when usage was asked for.
    pub fn write(&mut self, piece: LlmChunk) -> Vec<String> {
        let mut delta = Map::new();
        if !piece.content.is_empty() {
            delta.insert("content".into(), json!(piece.content));
        }
        if !piece.reasoning.is_empty() {
            delta.insert("reasoning_content".into(), json!(piece.reasoning));
        }
        if !piece.tool_calls.is_empty() {
            let calls: Vec<Value> = piece
                .tool_calls
                .iter()
                .map(|fragment| self.tool_fragment(fragment))
                .collect();
            delta.insert("tool_calls".into(), Value::Array(calls));
        }
        let finish = piece.finish_reason.as_ref().map(|r| r.as_str());
        let mut out = Vec::new();
        if !delta.is_empty() || finish.is_some() {
            if !self.started {
                delta.insert("role".into(), json!("assistant"));
                self.started = true;
            }
            let choice = json!([{"index": 0, "delta": delta, "finish_reason": finish}]);
            out.push(Value::Object(self.envelope(choice)).to_string());
        }
        if let (Some(used), true) = (&piece.usage, self.include_usage) {
            let mut chunk = self.envelope(json!([]));
            chunk.insert("usage".into(), usage(used));
            out.push(Value::Object(chunk).to_string());
        }
        out
    }

    fn tool_fragment(&mut self, fragment: &ToolCallDelta) -> Value {
        let index = match (fragment.index, &fragment.id, self.last_call) {
            (Some(index), _, _) => index,
            (None, None, Some(last)) => last,
            (None, _, _) => self.next_call,
        };
        self.last_call = Some(index);
        self.next_call = self.next_call.max(index + 1);
        let mut function = Map::new();
        if let Some(name) = &fragment.name {
            function.insert("name".into(), json!(name));
        }
        function.insert("arguments".into(), json!(fragment.arguments));
        let mut call = json!({"index": index, "function": function});
        if let Some(id) = &fragment.id {
            call["id"] = json!(id);
            call["type"] = json!("function");
        }
        call
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelrt::runtime::llm::FinishReason;

    fn parsed(texts: Vec<String>) -> Vec<Value> {
        texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect()
    }

    #[test]
    fn tool_calls_without_indexes_are_numbered_by_their_ids() {
        let mut writer = ChunkWriter::new("p/m".into(), true);
        let fragment = |id: Option<&str>, arguments: &str| LlmChunk {
            tool_calls: vec![ToolCallDelta {
                index: None,
                id: id.map(str::to_owned),
                name: id.map(|_| "f".to_owned()),
                arguments: arguments.to_owned(),
            }],
            ..LlmChunk::default()
        };
        let first = parsed(writer.write(fragment(Some("a"), "{\"x\"")));
        let second = parsed(writer.write(fragment(None, ":1}")));
        let third = parsed(writer.write(fragment(Some("b"), "{}")));
        let call = |chunks: &[Value]| chunks[0]["choices"][0]["delta"]["tool_calls"][0].clone();
        assert_eq!(first[0]["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(call(&first)["index"], 0);
        assert_eq!(call(&first)["id"], "a");
        assert_eq!(call(&second)["index"], 0);
        assert_eq!(call(&second)["function"]["arguments"], ":1}");
        assert_eq!(call(&third)["index"], 1);
        let last = parsed(writer.write(LlmChunk {
            finish_reason: Some(FinishReason::ToolCalls),
            usage: Some(Usage::new(3, 4)),
            ..LlmChunk::default()
        }));
        assert_eq!(last[0]["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(last[1]["choices"], json!([]));
        assert_eq!(last[1]["usage"]["total_tokens"], 7);
    }

    #[test]
    fn usage_is_left_out_unless_asked_for() {
        let mut writer = ChunkWriter::new("p/m".into(), false);
        let chunks = writer.write(LlmChunk {
            usage: Some(Usage::new(1, 1)),
            ..LlmChunk::default()
        });
        assert!(chunks.is_empty());
    }
}
