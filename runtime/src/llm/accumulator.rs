//! Reassembles a streamed answer into a complete [`LlmResponse`].

use super::message::ReasoningBlock;
use super::response::{FinishReason, LlmChunk, LlmResponse};
use super::tool::{ToolCall, ToolCallDelta};
use crate::usage::Usage;

/// A tool call being assembled from fragments.
#[derive(Debug, Clone, Default)]
struct PartialCall {
    index: Option<u32>,
    id: Option<String>,
    name: Option<String>,
    arguments: String,
}

/// Collects the chunks of a stream. Tool-call fragments are matched to calls by `index` when
/// the provider sends one, otherwise by position (a fragment with a new id or a second name
/// starts a new call), so each of these shapes reassembles correctly: the id only in the first
/// fragment, no ids at all (ids are generated as `call_<n>`), parallel calls whose fragments
/// interleave, and empty arguments (which become `{}`).
#[derive(Debug, Clone, Default)]
pub struct StreamAccumulator {
    model: String,
    content: String,
    reasoning: String,
    reasoning_blocks: Vec<ReasoningBlock>,
    calls: Vec<PartialCall>,
    finish_reason: Option<FinishReason>,
    usage: Option<Usage>,
}

impl StreamAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one chunk.
    pub fn push(&mut self, chunk: &LlmChunk) {
        if let Some(model) = &chunk.model {
            if self.model.is_empty() {
                self.model.clone_from(model);
            }
        }
        self.content.push_str(&chunk.content);
        if !chunk.reasoning.is_empty()
            || chunk.reasoning_signature.is_some()
            || chunk.redacted_reasoning.is_some()
        {
            self.reasoning.push_str(&chunk.reasoning);
            self.push_reasoning_block(chunk);
        }
        for delta in &chunk.tool_calls {
            self.push_tool_delta(delta);
        }
        if chunk.finish_reason.is_some() {
            self.finish_reason.clone_from(&chunk.finish_reason);
        }
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
    }

    /// Reasoning text extends the open (unsigned) thinking block or starts one; a signature
    /// closes it; redacted reasoning is a block of its own.
    fn push_reasoning_block(&mut self, chunk: &LlmChunk) {
        let open_text = match self.reasoning_blocks.last_mut() {
            Some(ReasoningBlock::Thinking {
                text,
                signature: None,
            }) => Some(text),
            _ => None,
        };
        if !chunk.reasoning.is_empty() {
            match open_text {
                Some(text) => text.push_str(&chunk.reasoning),
                None => self.reasoning_blocks.push(ReasoningBlock::Thinking {
                    text: chunk.reasoning.clone(),
                    signature: None,
                }),
            }
        }
        if let Some(new_signature) = &chunk.reasoning_signature {
            match self.reasoning_blocks.last_mut() {
                Some(ReasoningBlock::Thinking { signature, .. }) if signature.is_none() => {
                    *signature = Some(new_signature.clone());
                }
                _ => self.reasoning_blocks.push(ReasoningBlock::Thinking {
                    text: String::new(),
                    signature: Some(new_signature.clone()),
                }),
            }
        }
        if let Some(data) = &chunk.redacted_reasoning {
            self.reasoning_blocks
                .push(ReasoningBlock::Redacted { data: data.clone() });
        }
    }

    fn push_tool_delta(&mut self, delta: &ToolCallDelta) {
        let position = self.position_for(delta);
        let call = match position {
            Some(position) => &mut self.calls[position],
            None => {
                self.calls.push(PartialCall {
                    index: delta.index,
                    ..PartialCall::default()
                });
                let last = self.calls.len() - 1;
                &mut self.calls[last]
            }
        };
        if let Some(id) = delta.id.as_ref().filter(|id| !id.is_empty()) {
            call.id = Some(id.clone());
        }
        if let Some(name) = delta.name.as_ref().filter(|name| !name.is_empty()) {
            call.name = Some(name.clone());
        }
        call.arguments.push_str(&delta.arguments);
    }

    /// The call a fragment continues, or `None` when it starts a new one.
    fn position_for(&self, delta: &ToolCallDelta) -> Option<usize> {
        let new_id = delta.id.as_deref().filter(|id| !id.is_empty());
        let starts_other_call = |call: &PartialCall| match (new_id, call.id.as_deref()) {
            (Some(new), Some(old)) => new != old,
            // A second name without a matching id means a second call.
            (_, _) => new_id.is_none() && delta.name.is_some() && call.name.is_some(),
        };
        match delta.index {
            // The last call with this index (some providers reuse index 0 for every call,
            // each with its own id).
            Some(index) => self
                .calls
                .iter()
                .rposition(|call| call.index == Some(index))
                .filter(|&p| !starts_other_call(&self.calls[p])),
            None => self
                .calls
                .len()
                .checked_sub(1)
                .filter(|&p| !starts_other_call(&self.calls[p])),
        }
    }

    /// The answer text so far.
    pub fn content(&self) -> &str {
        &self.content
    }

    /// The reasoning text so far.
    pub fn reasoning(&self) -> &str {
        &self.reasoning
    }

    /// The usage, once a chunk carried it.
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// The tool calls assembled so far, in the order they started.
    pub fn tool_calls(&self) -> Vec<ToolCall> {
        self.calls
            .iter()
            .enumerate()
            .map(|(position, call)| ToolCall {
                id: call
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("call_{position}")),
                name: call.name.clone().unwrap_or_default(),
                arguments: if call.arguments.trim().is_empty() {
                    "{}".to_owned()
                } else {
                    call.arguments.clone()
                },
            })
            .collect()
    }

    /// The complete answer. Usage is the last one a chunk carried (zero if none did).
    pub fn finish(self) -> LlmResponse {
        let tool_calls = self.tool_calls();
        LlmResponse {
            model: self.model,
            content: self.content,
            reasoning: (!self.reasoning.is_empty()).then_some(self.reasoning),
            reasoning_blocks: self.reasoning_blocks,
            tool_calls,
            finish_reason: self.finish_reason,
            usage: self.usage.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(index: Option<u32>, id: Option<&str>, name: Option<&str>, args: &str) -> LlmChunk {
        LlmChunk {
            tool_calls: vec![ToolCallDelta {
                index,
                id: id.map(str::to_owned),
                name: name.map(str::to_owned),
                arguments: args.to_owned(),
            }],
            ..LlmChunk::default()
        }
    }

    fn assemble(chunks: &[LlmChunk]) -> Vec<ToolCall> {
        let mut acc = StreamAccumulator::new();
        chunks.iter().for_each(|c| acc.push(c));
        acc.finish().tool_calls
    }

    fn call(id: &str, name: &str, args: &str) -> ToolCall {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: args.into(),
        }
    }

    #[test]
    fn id_only_in_first_fragment() {
        let calls = assemble(&[
            delta(Some(0), Some("call_a"), Some("get_weather"), ""),
            delta(Some(0), None, None, "{\"city\":"),
            delta(Some(0), None, None, "\"Paris\"}"),
        ]);
        assert_eq!(
            calls,
            [call("call_a", "get_weather", "{\"city\":\"Paris\"}")]
        );
    }

    #[test]
    fn no_ids_and_no_index() {
        let calls = assemble(&[
            delta(None, None, Some("a"), "{\"x\":"),
            delta(None, None, None, "1}"),
            delta(None, None, Some("b"), ""),
        ]);
        assert_eq!(
            calls,
            [call("call_0", "a", "{\"x\":1}"), call("call_1", "b", "{}")]
        );
    }

    #[test]
    fn interleaved_parallel_calls() {
        let calls = assemble(&[
            delta(Some(0), Some("c0"), Some("a"), ""),
            delta(Some(1), Some("c1"), Some("b"), ""),
            delta(Some(1), None, None, "{\"y\":2}"),
            delta(Some(0), None, None, "{\"x\":1}"),
        ]);
        assert_eq!(
            calls,
            [call("c0", "a", "{\"x\":1}"), call("c1", "b", "{\"y\":2}")]
        );
    }

    #[test]
    fn reused_index_with_distinct_ids() {
        let calls = assemble(&[
            delta(Some(0), Some("c0"), Some("a"), "{}"),
            delta(Some(0), Some("c1"), Some("b"), "{}"),
        ]);
        assert_eq!(calls, [call("c0", "a", "{}"), call("c1", "b", "{}")]);
    }
}
