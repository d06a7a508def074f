//! Language models: messages, tools, requests, answers and streamed chunks.

mod accumulator;
mod cache;
mod format;
mod message;
mod request;
mod response;
mod stream;
mod tool;

pub use accumulator::StreamAccumulator;
pub use cache::{CacheControl, CacheTtl};
pub use format::{strip_code_fence, CodeBlockLanguage, FenceStripper, ResponseFormat};
pub use message::{ContentPart, ImageDetail, MediaSource, Message, ReasoningBlock, Role};
pub use request::LlmRequest;
pub use response::{FinishReason, LlmChunk, LlmResponse, LlmStream};
pub use stream::{strip_fence, with_usage, with_usage_checked, StreamEnd, UsageBasis};
pub use tool::{Tool, ToolCall, ToolCallDelta, ToolChoice};
