//! Pieces of OpenAI's request shapes that Chat Completions and the Responses API share,
//! decoded into the runtime's types.

use modelrt::runtime::llm::{ImageDetail, MediaSource, ResponseFormat, Tool, ToolChoice};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::server::take;

/// An image reference: a URL, or a `data:<mime>;base64,<data>` URL for inline data.
pub fn media(url: String) -> MediaSource {
    let inline = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"));
    match inline {
        Some((mime_type, data)) => MediaSource::Base64 {
            mime_type: mime_type.to_owned(),
            data: data.to_owned(),
        },
        None => MediaSource::Url(url),
    }
}

/// An image's `detail`.
pub fn detail(field: &str, detail: Option<&str>) -> Result<Option<ImageDetail>, ApiError> {
    Ok(match detail {
        None => None,
        Some("auto") => Some(ImageDetail::Auto),
        Some("low") => Some(ImageDetail::Low),
        Some("high") => Some(ImageDetail::High),
        Some(other) => {
            return Err(ApiError::bad_field(
                field,
                format!("`{field}` is `{other}`; one of auto, low, high"),
            ))
        }
    })
}

/// `tool_choice`: `auto`, `none`, `required`, or a named function in either API's shape
/// (`{"type": "function", "function": {"name"}}` or `{"type": "function", "name"}`).
pub fn tool_choice(body: &mut Map<String, Value>) -> Result<Option<ToolChoice>, ApiError> {
    let Some(value) = take::<Value>(body, "tool_choice")? else {
        return Ok(None);
    };
    let named = value
        .pointer("/function/name")
        .or_else(|| value.get("name"))
        .and_then(Value::as_str);
    Ok(Some(match (value.as_str(), named) {
        (Some("auto"), _) => ToolChoice::Auto,
        (Some("none"), _) => ToolChoice::None,
        (Some("required"), _) => ToolChoice::Required,
        (None, Some(name)) => ToolChoice::Function(name.to_owned()),
        _ => {
            return Err(ApiError::bad_field(
                "tool_choice",
                "`tool_choice` is auto, none, required or {\"type\": \"function\", ...} \
                 naming a function",
            ))
        }
    }))
}

/// A function tool's definition (Chat Completions nests it under `function`; the Responses
/// API puts the same fields beside `type`).
#[derive(Deserialize)]
pub struct FunctionDef {
    name: String,
    description: Option<String>,
    parameters: Option<Value>,
}

impl FunctionDef {
    /// The runtime's tool.
    pub fn into_tool(self) -> Tool {
        Tool {
            name: self.name,
            description: self.description,
            parameters: self
                .parameters
                .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
            cache: None,
        }
    }
}

/// A JSON Schema answer format: `{name, schema, strict}`.
#[derive(Deserialize)]
pub struct SchemaFormat {
    /// The schema's name.
    pub name: Option<String>,
    /// The JSON Schema.
    pub schema: Option<Value>,
    /// Whether the provider must follow it exactly.
    pub strict: Option<bool>,
}

impl SchemaFormat {
    /// The runtime's format.
    pub fn into_format(self) -> ResponseFormat {
        ResponseFormat::JsonSchema {
            name: self.name.unwrap_or_else(|| "response".to_owned()),
            schema: self
                .schema
                .unwrap_or_else(|| serde_json::json!({"type": "object"})),
            strict: self.strict,
        }
    }
}

/// An answer format's `type` with its schema, as both APIs spell them.
pub fn response_format(
    field: &str,
    kind: &str,
    schema: Option<SchemaFormat>,
) -> Result<ResponseFormat, ApiError> {
    match (kind, schema) {
        ("text", _) => Ok(ResponseFormat::Text),
        ("json_object", _) => Ok(ResponseFormat::JsonObject),
        ("json_schema", Some(schema)) => Ok(schema.into_format()),
        ("json_schema", None) => Err(ApiError::bad_field(
            field,
            format!("`{field}` of type json_schema needs its schema"),
        )),
        (other, _) => Err(ApiError::bad_field(
            field,
            format!("`{field}` type `{other}` is not one of text, json_object, json_schema"),
        )),
    }
}

/// `stop`: one string or a list.
pub fn stop(body: &mut Map<String, Value>) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stop {
        One(String),
        Many(Vec<String>),
    }
    Ok(match take::<Stop>(body, "stop")? {
        None => Vec::new(),
        Some(Stop::One(one)) => vec![one],
        Some(Stop::Many(many)) => many,
    })
}
