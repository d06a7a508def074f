//! Tools the model may call, and its calls.

use serde_json::Value;

use super::cache::CacheControl;

/// A function the model may call, described by a JSON Schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// The function name.
    pub name: String,
    /// What it does, for the model.
    pub description: Option<String>,
    /// JSON Schema of its arguments (an object schema).
    pub parameters: Value,
    /// A cache breakpoint after this tool's definition: the tool list up to and including it
    /// is cached (see [`CacheControl`]).
    pub cache: Option<CacheControl>,
}

impl Tool {
    /// A tool named `name` taking arguments described by `parameters`.
    pub fn new(name: impl Into<String>, description: impl Into<String>, parameters: Value) -> Self {
        Tool {
            name: name.into(),
            description: Some(description.into()),
            parameters,
            cache: None,
        }
    }

    /// Marks this tool as a cache breakpoint with the given settings.
    pub fn with_cache(mut self, cache: CacheControl) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Marks this tool as a cache breakpoint with the provider's default lifetime.
    pub fn cached(self) -> Self {
        self.with_cache(CacheControl::ephemeral())
    }
}

/// Whether and which tool the model must call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// The model must not call a tool.
    None,
    /// The model must call some tool.
    Required,
    /// The model must call the named tool.
    Function(String),
}

/// A complete tool call made by the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The call id, to be echoed in the tool's answer. Generated (`call_<n>`) when the
    /// provider sent none.
    pub id: String,
    /// The function name.
    pub name: String,
    /// The arguments as JSON text, exactly as the model produced them (`{}` when it produced
    /// nothing).
    pub arguments: String,
}

impl ToolCall {
    /// The arguments parsed as JSON.
    pub fn arguments_json(&self) -> serde_json::Result<Value> {
        serde_json::from_str(&self.arguments)
    }
}

/// A fragment of a tool call in a stream. Providers send the id and name once (usually in the
/// first fragment) and the arguments in pieces; [`crate::llm::StreamAccumulator`] reassembles them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCallDelta {
    /// Position of the call among the turn's parallel calls, when the provider sends one.
    pub index: Option<u32>,
    /// The call id, when present in this fragment.
    pub id: Option<String>,
    /// The function name, when present in this fragment.
    pub name: Option<String>,
    /// The next piece of the arguments (possibly empty).
    pub arguments: String,
}
