//! Prompt messages and their content parts.

use super::cache::CacheControl;
use super::tool::ToolCall;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Instructions for the model.
    System,
    /// The user.
    User,
    /// The model (earlier turns, including its tool calls).
    Assistant,
    /// The result of a tool call.
    Tool,
}

impl Role {
    /// The role's name in OpenAI-style APIs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// How closely a vision model should look at an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageDetail {
    /// Let the model decide.
    Auto,
    /// A low-resolution pass (cheaper).
    Low,
    /// A high-resolution pass.
    High,
}

impl ImageDetail {
    /// The wire spelling (`auto`, `low`, `high`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ImageDetail::Auto => "auto",
            ImageDetail::Low => "low",
            ImageDetail::High => "high",
        }
    }
}

/// Where an image or document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// A URL the provider fetches itself.
    Url(String),
    /// Inline data, base64-encoded (without a `data:` prefix).
    Base64 {
        /// The MIME type, e.g. `image/png` or `application/pdf`.
        mime_type: String,
        /// The base64 text.
        data: String,
    },
}

impl MediaSource {
    /// The source as a URL: the URL itself, or a `data:` URL for inline data.
    pub fn to_url(&self) -> String {
        match self {
            MediaSource::Url(url) => url.clone(),
            MediaSource::Base64 { mime_type, data } => format!("data:{mime_type};base64,{data}"),
        }
    }
}

/// One part of a message's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentPart {
    /// Text.
    Text(String),
    /// An image (vision models).
    Image {
        /// The image.
        source: MediaSource,
        /// Resolution hint; `None` leaves the provider's default.
        detail: Option<ImageDetail>,
    },
    /// Audio input, base64-encoded.
    Audio {
        /// The base64 text.
        data: String,
        /// The audio format, e.g. `wav` or `mp3`.
        format: String,
    },
    /// A document (PDF and similar).
    Document {
        /// The document.
        source: MediaSource,
        /// Its file name, when known.
        filename: Option<String>,
    },
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text(text.into())
    }

    /// An image part fetched from `url`.
    pub fn image_url(url: impl Into<String>, detail: Option<ImageDetail>) -> Self {
        ContentPart::Image {
            source: MediaSource::Url(url.into()),
            detail,
        }
    }

    /// An inline image part.
    pub fn image_base64(
        mime_type: impl Into<String>,
        data: impl Into<String>,
        detail: Option<ImageDetail>,
    ) -> Self {
        ContentPart::Image {
            source: MediaSource::Base64 {
                mime_type: mime_type.into(),
                data: data.into(),
            },
            detail,
        }
    }

    /// The text of a text part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ContentPart::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// What it says; may be empty for an assistant turn that only calls tools.
    pub content: Vec<ContentPart>,
    /// Optional participant name (user and assistant messages).
    pub name: Option<String>,
    /// Tool calls the assistant made in this turn.
    pub tool_calls: Vec<ToolCall>,
    /// For [`Role::Tool`] messages: the id of the call this answers.
    pub tool_call_id: Option<String>,
    /// Reasoning the assistant produced in this turn, as the provider must get it back
    /// (Anthropic requires signed thinking blocks before tool results while thinking is on).
    pub reasoning_blocks: Vec<ReasoningBlock>,
    /// A cache breakpoint after this message's last block: the conversation up to and
    /// including it is cached (see [`CacheControl`]). To cache part of a turn, split it into
    /// two messages of the same role: providers that need alternating turns merge them.
    pub cache: Option<CacheControl>,
}

/// One block of a model's reasoning, kept so that it can be sent back verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasoningBlock {
    /// Visible reasoning, with the provider's signature over it (when it signs).
    Thinking {
        /// The reasoning text.
        text: String,
        /// The provider's signature (Anthropic `signature`).
        signature: Option<String>,
    },
    /// Reasoning the provider encrypted; only its opaque data can be sent back.
    Redacted {
        /// The opaque data (Anthropic `redacted_thinking.data`).
        data: String,
    },
}

impl Message {
    fn with_role(role: Role, content: Vec<ContentPart>) -> Self {
        Message {
            role,
            content,
            name: None,
            tool_calls: Vec::new(),
            tool_call_id: None,
            reasoning_blocks: Vec::new(),
            cache: None,
        }
    }

    /// A system message.
    pub fn system(text: impl Into<String>) -> Self {
        Self::with_role(Role::System, vec![ContentPart::text(text)])
    }

    /// A user message with text only.
    pub fn user(text: impl Into<String>) -> Self {
        Self::with_role(Role::User, vec![ContentPart::text(text)])
    }

    /// A user message with several parts (text, images, audio, documents).
    pub fn user_parts(parts: Vec<ContentPart>) -> Self {
        Self::with_role(Role::User, parts)
    }

    /// An earlier assistant answer.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::with_role(Role::Assistant, vec![ContentPart::text(text)])
    }

    /// An earlier assistant turn that called tools (with optional text).
    pub fn assistant_tool_calls(text: Option<String>, tool_calls: Vec<ToolCall>) -> Self {
        let content = text.map(ContentPart::Text).into_iter().collect();
        Message {
            tool_calls,
            ..Self::with_role(Role::Assistant, content)
        }
    }

    /// The result of the tool call `tool_call_id`.
    pub fn tool(tool_call_id: impl Into<String>, text: impl Into<String>) -> Self {
        Message {
            tool_call_id: Some(tool_call_id.into()),
            ..Self::with_role(Role::Tool, vec![ContentPart::text(text)])
        }
    }

    /// Sets the participant name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Marks this message as a cache breakpoint with the given settings.
    pub fn with_cache(mut self, cache: CacheControl) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Marks this message as a cache breakpoint with the provider's default lifetime.
    pub fn cached(self) -> Self {
        self.with_cache(CacheControl::ephemeral())
    }

    /// The text parts joined with newlines (non-text parts skipped).
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .content
            .iter()
            .filter_map(ContentPart::as_text)
            .collect();
        texts.join("\n")
    }

    /// Whether every part is text.
    pub fn is_text_only(&self) -> bool {
        self.content
            .iter()
            .all(|p| matches!(p, ContentPart::Text(_)))
    }
}
