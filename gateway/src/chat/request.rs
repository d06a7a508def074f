//! A Chat Completions request body decoded into the runtime's [`LlmRequest`] and the
//! parameters the model's rules validate.

use modelrt::runtime::llm::{ContentPart, LlmRequest, MediaSource, Message, Role, ToolCall};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::convert::{self, FunctionDef, SchemaFormat};
use crate::error::ApiError;
use crate::server::{require, take};

/// A decoded `POST /v1/chat/completions`.
pub struct ChatCall {
    /// `<provider>/<model>`.
    pub model: String,
    /// The conversation, tools and answer format.
    pub request: LlmRequest,
    /// Sampling parameters, for the model's rules to validate (one the model does not
    /// declare is a 400 naming it).
    pub params: Map<String, Value>,
    /// Whether to answer as server-sent events.
    pub stream: bool,
    /// Whether a streamed answer ends with a usage chunk.
    pub include_usage: bool,
}

/// Decodes a request body. Every field that is not part of the conversation is left in
/// `params`, where the model's parameter rules validate it.
pub fn decode(mut body: Map<String, Value>) -> Result<ChatCall, ApiError> {
    let model: String = require(&mut body, "model")?;
    let messages: Vec<WireMessage> = require(&mut body, "messages")?;
    let stream = take::<bool>(&mut body, "stream")?.unwrap_or(false);
    let include_usage = take::<StreamOptions>(&mut body, "stream_options")?
        .and_then(|o| o.include_usage)
        .unwrap_or(false);
    if take::<u32>(&mut body, "n")?.is_some_and(|n| n != 1) {
        return Err(ApiError::bad_field("n", "only `n: 1` is supported"));
    }
    let tools = take::<Vec<WireTool>>(&mut body, "tools")?
        .unwrap_or_default()
        .into_iter()
        .map(WireTool::into_tool)
        .collect::<Result<_, _>>()?;
    let response_format = match take::<WireFormat>(&mut body, "response_format")? {
        Some(format) => Some(convert::response_format(
            "response_format",
            &format.kind,
            format.json_schema,
        )?),
        None => None,
    };
    if let Some(limit) = body.remove("max_completion_tokens") {
        body.entry("max_tokens").or_insert(limit);
    }
    let request = LlmRequest {
        messages: messages
            .into_iter()
            .map(WireMessage::into_message)
            .collect::<Result<_, _>>()?,
        tools,
        tool_choice: convert::tool_choice(&mut body)?,
        stop: convert::stop(&mut body)?,
        response_format,
        user: take(&mut body, "user")?,
        parallel_tool_calls: take(&mut body, "parallel_tool_calls")?,
    };
    Ok(ChatCall {
        model,
        request,
        params: body,
        stream,
        include_usage,
    })
}

#[derive(Deserialize)]
struct StreamOptions {
    include_usage: Option<bool>,
}

#[derive(Deserialize)]
struct WireFormat {
    #[serde(rename = "type")]
    kind: String,
    json_schema: Option<SchemaFormat>,
}

#[derive(Deserialize)]
struct WireTool {
    #[serde(rename = "type")]
    kind: String,
    function: FunctionDef,
}

impl WireTool {
    fn into_tool(self) -> Result<modelrt::runtime::llm::Tool, ApiError> {
        if self.kind != "function" {
            return Err(ApiError::bad_field(
                "tools",
                format!("tool type `{}` is not supported; use `function`", self.kind),
            ));
        }
        Ok(self.function.into_tool())
    }
}

#[derive(Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
enum WireMessage {
    System {
        content: Content,
        name: Option<String>,
    },
    /// The newer name of `system` for reasoning models.
    Developer {
        content: Content,
        name: Option<String>,
    },
    User {
        content: Content,
        name: Option<String>,
    },
    Assistant {
        content: Option<Content>,
        name: Option<String>,
        tool_calls: Option<Vec<WireToolCall>>,
    },
    Tool {
        content: Content,
        tool_call_id: String,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Parts(Vec<Part>),
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Part {
    Text { text: String },
    ImageUrl { image_url: ImageUrl },
    InputAudio { input_audio: InputAudio },
    File { file: FilePart },
    Refusal { refusal: String },
}

#[derive(Deserialize)]
struct ImageUrl {
    url: String,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct InputAudio {
    data: String,
    format: String,
}

#[derive(Deserialize)]
struct FilePart {
    file_data: Option<String>,
    filename: Option<String>,
}

#[derive(Deserialize)]
struct WireToolCall {
    id: String,
    function: WireFunctionCall,
}

#[derive(Deserialize)]
struct WireFunctionCall {
    name: String,
    arguments: String,
}

impl Content {
    fn into_parts(self) -> Result<Vec<ContentPart>, ApiError> {
        match self {
            Content::Text(text) => Ok(vec![ContentPart::Text(text)]),
            Content::Parts(parts) => parts.into_iter().map(Part::into_part).collect(),
        }
    }
}

impl Part {
    fn into_part(self) -> Result<ContentPart, ApiError> {
        Ok(match self {
            Part::Text { text } | Part::Refusal { refusal: text } => ContentPart::Text(text),
            Part::ImageUrl { image_url } => ContentPart::Image {
                detail: convert::detail("messages", image_url.detail.as_deref())?,
                source: convert::media(image_url.url),
            },
            Part::InputAudio { input_audio } => ContentPart::Audio {
                data: input_audio.data,
                format: input_audio.format,
            },
            Part::File { file } => {
                let Some(data) = file.file_data else {
                    return Err(ApiError::bad_field(
                        "messages",
                        "a file part needs `file_data` (uploaded `file_id`s are not supported)",
                    ));
                };
                let source = match convert::media(data) {
                    MediaSource::Url(raw) => MediaSource::Base64 {
                        mime_type: "application/pdf".to_owned(),
                        data: raw,
                    },
                    inline => inline,
                };
                ContentPart::Document {
                    source,
                    filename: file.filename,
                }
            }
        })
    }
}

impl WireMessage {
    fn into_message(self) -> Result<Message, ApiError> {
        let with = |role, content: Content, name| -> Result<Message, ApiError> {
            let mut message = Message::user_parts(content.into_parts()?);
            message.role = role;
            message.name = name;
            Ok(message)
        };
        match self {
            WireMessage::System { content, name } | WireMessage::Developer { content, name } => {
                with(Role::System, content, name)
            }
            WireMessage::User { content, name } => with(Role::User, content, name),
            WireMessage::Assistant {
                content,
                name,
                tool_calls,
            } => {
                let calls = tool_calls
                    .unwrap_or_default()
                    .into_iter()
                    .map(|call| ToolCall {
                        id: call.id,
                        name: call.function.name,
                        arguments: call.function.arguments,
                    })
                    .collect();
                let mut message = Message::assistant_tool_calls(None, calls);
                message.content = match content {
                    Some(content) => content.into_parts()?,
                    None => Vec::new(),
                };
                message.name = name;
                Ok(message)
            }
            WireMessage::Tool {
                content,
                tool_call_id,
            } => {
                let mut message = Message::tool(tool_call_id, String::new());
                message.content = content.into_parts()?;
                Ok(message)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelrt::runtime::llm::{ImageDetail, ResponseFormat, ToolChoice};
    use serde_json::json;

    fn decoded(body: Value) -> Result<ChatCall, ApiError> {
        decode(body.as_object().unwrap().clone())
    }

    #[test]
    fn decodes_messages_tools_images_and_params() {
        let call = decoded(json!({
            "model": "openai/gpt-4o",
            "messages": [
                {"role": "developer", "content": "be brief"},
                {"role": "user", "content": [
                    {"type": "text", "text": "what is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "look", "arguments": "{}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "a cat"}
            ],
            "tools": [{"type": "function", "function": {"name": "look", "parameters": {"type": "object"}}}],
            "tool_choice": {"type": "function", "function": {"name": "look"}},
            "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}, "strict": true}},
            "stop": "END",
            "stream": true,
            "stream_options": {"include_usage": true},
            "temperature": 0.5,
            "max_completion_tokens": 20
        }))
        .unwrap_or_else(|e| panic!("{}", e.body()));
        assert!(call.stream && call.include_usage);
        let request = &call.request;
        assert_eq!(request.messages[0].role, Role::System);
        assert_eq!(
            request.messages[1].content[1],
            ContentPart::image_base64("image/png", "AAAA", Some(ImageDetail::Low))
        );
        assert_eq!(request.messages[2].tool_calls[0].name, "look");
        assert_eq!(request.messages[3].tool_call_id.as_deref(), Some("call_1"));
        assert_eq!(request.tools[0].name, "look");
        assert_eq!(
            request.tool_choice,
            Some(ToolChoice::Function("look".into()))
        );
        assert!(matches!(
            request.response_format,
            Some(ResponseFormat::JsonSchema {
                strict: Some(true),
                ..
            })
        ));
        assert_eq!(request.stop, ["END"]);
        assert_eq!(
            Value::Object(call.params),
            json!({"temperature": 0.5, "max_tokens": 20})
        );
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        let error = decoded(json!({"model": "a/b"})).err().unwrap();
        assert_eq!(error.body()["error"]["param"], "messages");
        let error = decoded(json!({"model": 5, "messages": []})).err().unwrap();
        assert_eq!(error.body()["error"]["param"], "model");
        let error = decoded(json!({"model": "a/b", "messages": [{"role": "robot"}]}))
            .err()
            .unwrap();
        assert!(error.body()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown variant `robot`"));
    }
}
