//! Chat Completions answers in OpenAI's shape: a whole `chat.completion`, or streamed
//! `chat.completion.chunk`s.

use modelrt::runtime::llm::{LlmChunk, LlmResponse, ToolCall, ToolCallDelta};
use modelrt::runtime::usage::Usage;
use serde::Serialize;

use crate::ids;

// The answers are written straight from these borrowing structs: building them as
// `serde_json::Value`s first cost a tenth of a plain request's instructions (allocating,
// sorting and freeing every key).

/// OpenAI's `usage` object.
#[derive(Serialize)]
struct UsageOut {
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt_tokens_details: Option<CachedTokens>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completion_tokens_details: Option<ReasoningTokens>,
}

#[derive(Serialize)]
struct CachedTokens {
    cached_tokens: u64,
}

#[derive(Serialize)]
struct ReasoningTokens {
    reasoning_tokens: u64,
}

impl From<&Usage> for UsageOut {
    fn from(usage: &Usage) -> Self {
        UsageOut {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            total_tokens: usage.total_tokens,
            prompt_tokens_details: usage
                .cached_prompt_tokens
                .map(|cached_tokens| CachedTokens { cached_tokens }),
            completion_tokens_details: usage
                .reasoning_tokens
                .map(|reasoning_tokens| ReasoningTokens { reasoning_tokens }),
        }
    }
}

/// A whole tool call of an answer.
#[derive(Serialize)]
struct ToolCallOut<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionOut<'a>,
}

/// A function's name and arguments; in a streamed fragment, the name only in the first.
#[derive(Serialize)]
struct FunctionOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    arguments: &'a str,
}

impl<'a> From<&'a ToolCall> for ToolCallOut<'a> {
    fn from(call: &'a ToolCall) -> Self {
        ToolCallOut {
            id: &call.id,
            kind: "function",
            function: FunctionOut {
                name: Some(&call.name),
                arguments: &call.arguments,
            },
        }
    }
}

/// A whole answer: a `chat.completion` object.
#[derive(Serialize)]
pub struct Completion<'a> {
    id: String,
    object: &'static str,
    created: u64,
    model: &'a str,
    choices: [CompletionChoice<'a>; 1],
    usage: UsageOut,
}

#[derive(Serialize)]
struct CompletionChoice<'a> {
    index: u32,
    message: MessageOut<'a>,
    finish_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct MessageOut<'a> {
    role: &'static str,
    /// `null` when the answer is tool calls only.
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<ToolCallOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_content: Option<&'a str>,
}

/// A whole answer as a `chat.completion` object; `model` is the address the client used.
pub fn completion<'a>(model: &'a str, response: &'a LlmResponse) -> Completion<'a> {
    let tool_calls: Vec<ToolCallOut<'_>> = response.tool_calls.iter().map(Into::into).collect();
    let content = if tool_calls.is_empty() || !response.content.is_empty() {
        Some(response.content.as_str())
    } else {
        None
    };
    Completion {
        id: ids::new_id("chatcmpl"),
        object: "chat.completion",
        created: ids::now(),
        model,
        choices: [CompletionChoice {
            index: 0,
            message: MessageOut {
                role: "assistant",
                content,
                tool_calls,
                reasoning_content: response.reasoning.as_deref(),
            },
            finish_reason: response.finish_reason.as_ref().map(|r| r.as_str()),
        }],
        usage: (&response.usage).into(),
    }
}

/// One `chat.completion.chunk`.
#[derive(Serialize)]
struct ChunkOut<'a> {
    id: &'a str,
    object: &'static str,
    created: u64,
    model: &'a str,
    /// One choice, or none in the usage-only chunk.
    choices: Vec<ChunkChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<UsageOut>,
}

#[derive(Serialize)]
struct ChunkChoice<'a> {
    index: u32,
    delta: Delta<'a>,
    finish_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Delta<'a> {
    /// In the first chunk only.
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    content: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    reasoning_content: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<ToolFragmentOut<'a>>,
}

/// A fragment of a streamed tool call; `id` and `type` in its first fragment only.
#[derive(Serialize)]
struct ToolFragmentOut<'a> {
    index: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    function: FunctionOut<'a>,
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

    fn chunk<'a>(&'a self, choices: Vec<ChunkChoice<'a>>, usage: Option<UsageOut>) -> String {
        let chunk = ChunkOut {
            id: &self.id,
            object: "chat.completion.chunk",
            created: self.created,
            model: &self.model,
            choices,
            usage,
        };
        serde_json::to_string(&chunk).expect("a chunk of strings and numbers serializes")
    }

    /// The chunks (as JSON text) that carry `piece`: none when it carries nothing a client
    /// sees, a usage-only chunk after it when usage was asked for.
    pub fn write(&mut self, piece: LlmChunk) -> Vec<String> {
        let tool_calls: Vec<(u32, &ToolCallDelta)> = piece
            .tool_calls
            .iter()
            .map(|fragment| (self.number(fragment), fragment))
            .collect();
        let finish = piece.finish_reason.as_ref().map(|r| r.as_str());
        let carries = !piece.content.is_empty()
            || !piece.reasoning.is_empty()
            || !tool_calls.is_empty()
            || finish.is_some();
        let mut out = Vec::new();
        if carries {
            let role = (!self.started).then_some("assistant");
            self.started = true;
            let delta = Delta {
                role,
                content: &piece.content,
                reasoning_content: &piece.reasoning,
                tool_calls: tool_calls
                    .into_iter()
                    .map(|(index, fragment)| tool_fragment(index, fragment))
                    .collect(),
            };
            let choice = ChunkChoice {
                index: 0,
                delta,
                finish_reason: finish,
            };
            out.push(self.chunk(vec![choice], None));
        }
        if let (Some(used), true) = (&piece.usage, self.include_usage) {
            out.push(self.chunk(Vec::new(), Some(used.into())));
        }
        out
    }

    /// The index of the tool call `fragment` belongs to.
    fn number(&mut self, fragment: &ToolCallDelta) -> u32 {
        let index = match (fragment.index, &fragment.id, self.last_call) {
            (Some(index), _, _) => index,
            (None, None, Some(last)) => last,
            (None, _, _) => self.next_call,
        };
        self.last_call = Some(index);
        self.next_call = self.next_call.max(index + 1);
        index
    }
}

fn tool_fragment(index: u32, fragment: &ToolCallDelta) -> ToolFragmentOut<'_> {
    ToolFragmentOut {
        index,
        id: fragment.id.as_deref(),
        kind: fragment.id.as_ref().map(|_| "function"),
        function: FunctionOut {
            name: fragment.name.as_deref(),
            arguments: &fragment.arguments,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelrt::runtime::llm::FinishReason;
    use serde_json::{json, Value};

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
    fn a_whole_answer_has_openais_shape() {
        let mut usage = Usage::new(3, 4);
        usage.cached_prompt_tokens = Some(2);
        let response = LlmResponse {
            tool_calls: vec![ToolCall {
                id: "call_1".into(),
                name: "f".into(),
                arguments: "{}".into(),
            }],
            reasoning: Some("because".into()),
            finish_reason: Some(FinishReason::ToolCalls),
            usage,
            ..LlmResponse::default()
        };
        let answer = serde_json::to_value(completion("p/m", &response)).unwrap();
        assert!(answer["id"].as_str().unwrap().starts_with("chatcmpl"));
        assert_eq!(answer["object"], "chat.completion");
        assert_eq!(answer["model"], "p/m");
        let choice = &answer["choices"][0];
        assert_eq!(choice["index"], 0);
        assert_eq!(choice["finish_reason"], "tool_calls");
        assert_eq!(
            choice["message"],
            json!({
                "role": "assistant",
                "content": null,
                "reasoning_content": "because",
                "tool_calls": [{"id": "call_1", "type": "function",
                                "function": {"name": "f", "arguments": "{}"}}],
            })
        );
        assert_eq!(
            answer["usage"],
            json!({"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7,
                   "prompt_tokens_details": {"cached_tokens": 2}})
        );
        let plain = LlmResponse {
            content: "hi".into(),
            ..LlmResponse::default()
        };
        let answer = serde_json::to_value(completion("p/m", &plain)).unwrap();
        assert_eq!(
            answer["choices"][0]["message"],
            json!({"role": "assistant", "content": "hi"})
        );
        assert_eq!(answer["choices"][0]["finish_reason"], Value::Null);
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
