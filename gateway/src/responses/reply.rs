//! Responses API answers: a whole `response` object, or its stream of typed events.

use modelrt::runtime::llm::{FinishReason, LlmChunk, LlmResponse, ToolCallDelta};
use modelrt::runtime::usage::Usage;
use serde_json::{json, Value};

use crate::ids;

/// The Responses API's `usage` object.
fn usage(usage: &Usage) -> Value {
    json!({
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_prompt_tokens.unwrap_or(0)},
        "output_tokens": usage.completion_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens.unwrap_or(0)},
        "total_tokens": usage.total_tokens,
    })
}

fn message_item(id: &str, text: &str, status: &str) -> Value {
    json!({
        "type": "message",
        "id": id,
        "status": status,
        "role": "assistant",
        "content": [text_part(text)],
    })
}

fn text_part(text: &str) -> Value {
    json!({"type": "output_text", "text": text, "annotations": []})
}

fn call_item(call: &Call, status: &str) -> Value {
    json!({
        "type": "function_call",
        "id": call.item_id,
        "call_id": call.call_id,
        "name": call.name,
        "arguments": call.arguments,
        "status": status,
    })
}

/// What a `response` object says besides its output.
pub struct Envelope {
    id: String,
    created_at: u64,
    model: String,
    instructions: Option<String>,
}

impl Envelope {
    /// The envelope of one answer of `model` (the address the client used).
    pub fn new(model: String, instructions: Option<String>) -> Self {
        Envelope {
            id: ids::new_id("resp"),
            created_at: ids::now(),
            model,
            instructions,
        }
    }

    fn object(&self, status: &str, output: Vec<Value>, finish: Option<&FinishReason>) -> Value {
        let incomplete = matches!(finish, Some(FinishReason::Length))
            .then(|| json!({"reason": "max_output_tokens"}));
        let status = if incomplete.is_some() {
            "incomplete"
        } else {
            status
        };
        json!({
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "status": status,
            "model": self.model,
            "instructions": self.instructions,
            "output": output,
            "error": null,
            "incomplete_details": incomplete,
            "parallel_tool_calls": true,
            "tool_choice": "auto",
            "tools": [],
            "metadata": {},
            "usage": null,
        })
    }

    /// A whole answer as a completed `response` object.
    pub fn complete(&self, response: &LlmResponse) -> Value {
        let mut output = Vec::new();
        if !response.content.is_empty() || response.tool_calls.is_empty() {
            output.push(message_item(
                &ids::new_id("msg"),
                &response.content,
                "completed",
            ));
        }
        for call in &response.tool_calls {
            let call = Call {
                item_id: ids::new_id("fc"),
                call_id: call.id.clone(),
                name: call.name.clone(),
                arguments: call.arguments.clone(),
                output_index: 0,
                index: 0,
            };
            output.push(call_item(&call, "completed"));
        }
        let mut object = self.object("completed", output, response.finish_reason.as_ref());
        object["usage"] = usage(&response.usage);
        object
    }
}

/// A function call being streamed.
struct Call {
    item_id: String,
    call_id: String,
    name: String,
    arguments: String,
    output_index: usize,
    /// The provider's index of the call in its turn.
    index: u32,
}

/// The message being streamed: its output position, id and text so far.
struct Text {
    output_index: usize,
    item_id: String,
    text: String,
}

/// Turns streamed pieces into Responses API events (`(event type, JSON)` pairs).
pub struct EventWriter {
    envelope: Envelope,
    sequence: u64,
    outputs: usize,
    text: Option<Text>,
    calls: Vec<Call>,
    finish: Option<FinishReason>,
    usage: Option<Usage>,
}

/// One server-sent event: its type and data.
pub type Event = (&'static str, String);

impl EventWriter {
    /// A writer for one answer.
    pub fn new(envelope: Envelope) -> Self {
        EventWriter {
            envelope,
            sequence: 0,
            outputs: 0,
            text: None,
            calls: Vec::new(),
            finish: None,
            usage: None,
        }
    }

    fn event(&mut self, kind: &'static str, mut data: Value) -> Event {
        data["type"] = json!(kind);
        data["sequence_number"] = json!(self.sequence);
        self.sequence += 1;
        (kind, data.to_string())
    }

    /// `response.created` and `response.in_progress`.
    pub fn start(&mut self) -> Vec<Event> {
        let object = self.envelope.object("in_progress", Vec::new(), None);
        vec![
            self.event("response.created", json!({"response": object})),
            self.event("response.in_progress", json!({"response": object})),
        ]
    }

    /// The events that carry `piece`.
    pub fn write(&mut self, piece: LlmChunk) -> Vec<Event> {
        let mut events = Vec::new();
        if !piece.content.is_empty() {
            self.text_delta(&piece.content, &mut events);
        }
        for fragment in &piece.tool_calls {
            self.call_delta(fragment, &mut events);
        }
        if piece.finish_reason.is_some() {
            self.finish = piece.finish_reason;
        }
        if piece.usage.is_some() {
            self.usage = piece.usage;
        }
        events
    }

    fn text_delta(&mut self, delta: &str, events: &mut Vec<Event>) {
        if self.text.is_none() {
            let text = Text {
                output_index: self.outputs,
                item_id: ids::new_id("msg"),
                text: String::new(),
            };
            self.outputs += 1;
            let item = json!({
                "type": "message", "id": text.item_id, "status": "in_progress",
                "role": "assistant", "content": [],
            });
            let (index, id) = (text.output_index, text.item_id.clone());
            self.text = Some(text);
            events.push(self.event(
                "response.output_item.added",
                json!({"output_index": index, "item": item}),
            ));
            events.push(self.event(
                "response.content_part.added",
                json!({"item_id": id, "output_index": index, "content_index": 0, "part": text_part("")}),
            ));
        }
        let Some(text) = &mut self.text else { return };
        text.text.push_str(delta);
        let data = json!({
            "item_id": text.item_id, "output_index": text.output_index,
            "content_index": 0, "delta": delta,
        });
        events.push(self.event("response.output_text.delta", data));
    }

    fn call_delta(&mut self, fragment: &ToolCallDelta, events: &mut Vec<Event>) {
        let existing = match (fragment.index, &fragment.id) {
            (Some(index), _) => self.calls.iter().position(|c| c.index == index),
            (None, Some(_)) => None,
            (None, None) => self.calls.len().checked_sub(1),
        };
        let position = match existing {
            Some(position) => position,
            None => {
                let index = fragment.index.unwrap_or(self.calls.len() as u32);
                let call = Call {
                    item_id: ids::new_id("fc"),
                    call_id: fragment
                        .id
                        .clone()
                        .unwrap_or_else(|| format!("call_{index}")),
                    name: fragment.name.clone().unwrap_or_default(),
                    arguments: String::new(),
                    output_index: self.outputs,
                    index,
                };
                self.outputs += 1;
                let item = call_item(&call, "in_progress");
                let data = json!({"output_index": call.output_index, "item": item});
                self.calls.push(call);
                events.push(self.event("response.output_item.added", data));
                self.calls.len() - 1
            }
        };
        let call = &mut self.calls[position];
        if let Some(name) = &fragment.name {
            if call.name.is_empty() {
                call.name.clone_from(name);
            }
        }
        if fragment.arguments.is_empty() {
            return;
        }
        call.arguments.push_str(&fragment.arguments);
        let data = json!({
            "item_id": call.item_id, "output_index": call.output_index,
            "delta": fragment.arguments,
        });
        events.push(self.event("response.function_call_arguments.delta", data));
    }

    /// The closing events: every item done, then `response.completed` with the whole output.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        let mut output: Vec<(usize, Value)> = Vec::new();
        if let Some(text) = self.text.take() {
            let base = json!({"item_id": text.item_id, "output_index": text.output_index, "content_index": 0});
            let mut done = base.clone();
            done["text"] = json!(text.text);
            events.push(self.event("response.output_text.done", done));
            let mut part = base;
            part["part"] = text_part(&text.text);
            events.push(self.event("response.content_part.done", part));
            let item = message_item(&text.item_id, &text.text, "completed");
            events.push(self.event(
                "response.output_item.done",
                json!({"output_index": text.output_index, "item": item}),
            ));
            output.push((text.output_index, item));
        }
        for call in std::mem::take(&mut self.calls) {
            let data = json!({
                "item_id": call.item_id, "output_index": call.output_index,
                "arguments": call.arguments,
            });
            events.push(self.event("response.function_call_arguments.done", data));
            let item = call_item(&call, "completed");
            events.push(self.event(
                "response.output_item.done",
                json!({"output_index": call.output_index, "item": item}),
            ));
            output.push((call.output_index, item));
        }
        output.sort_by_key(|(index, _)| *index);
        let output = output.into_iter().map(|(_, item)| item).collect();
        let mut object = self
            .envelope
            .object("completed", output, self.finish.as_ref());
        object["usage"] = self.usage.as_ref().map_or(Value::Null, usage);
        events.push(self.event("response.completed", json!({"response": object})));
        events
    }

    /// The `error` event of a call that failed mid-answer.
    pub fn error(&mut self, body: &Value) -> Event {
        let error = &body["error"];
        self.event(
            "error",
            json!({"code": error["code"], "message": error["message"], "param": error["param"]}),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(events: &[Event]) -> Vec<&str> {
        events.iter().map(|(kind, _)| *kind).collect()
    }

    #[test]
    fn a_streamed_answer_opens_and_closes_its_items() {
        let mut writer = EventWriter::new(Envelope::new("p/m".into(), None));
        let mut events = writer.start();
        events.extend(writer.write(LlmChunk {
            content: "Hel".into(),
            ..LlmChunk::default()
        }));
        events.extend(writer.write(LlmChunk {
            content: "lo".into(),
            tool_calls: vec![ToolCallDelta {
                index: Some(0),
                id: Some("c1".into()),
                name: Some("f".into()),
                arguments: "{}".into(),
            }],
            finish_reason: Some(FinishReason::Stop),
            usage: Some(Usage::new(2, 3)),
            ..LlmChunk::default()
        }));
        events.extend(writer.finish());
        assert_eq!(
            kinds(&events),
            [
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta",
                "response.output_text.delta",
                "response.output_item.added",
                "response.function_call_arguments.delta",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
                "response.function_call_arguments.done",
                "response.output_item.done",
                "response.completed",
            ]
        );
        let completed: Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
        let response = &completed["response"];
        assert_eq!(completed["sequence_number"], 13);
        assert_eq!(response["output"][0]["content"][0]["text"], "Hello");
        assert_eq!(response["output"][1]["call_id"], "c1");
        assert_eq!(response["usage"]["total_tokens"], 5);
    }
}
