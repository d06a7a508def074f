//! Offline token counting, for servers that report no usage.
//!
//! Counts use OpenAI's BPE vocabularies (tiktoken): `o200k_base` for the model families that
//! use it, `cl100k_base` for everything else. For other vendors' models the count is an
//! estimate, which is why usage computed here is marked `estimated`.

use tiktoken_rs::tokenizer::{get_tokenizer, Tokenizer};
use tiktoken_rs::CoreBPE;

use crate::llm::Message;

/// Tokens a chat format adds per message (role and separators), as OpenAI documents it.
const TOKENS_PER_MESSAGE: u64 = 3;
/// Tokens that prime the assistant's answer.
const TOKENS_PER_REPLY: u64 = 3;

fn bpe_for(model: &str) -> &'static CoreBPE {
    match get_tokenizer(model) {
        Some(Tokenizer::O200kBase | Tokenizer::O200kHarmony) => tiktoken_rs::o200k_base_singleton(),
        _ => tiktoken_rs::cl100k_base_singleton(),
    }
}

/// Tokens in `text` for `model` (special-token text counts as ordinary text).
pub fn count_text(model: &str, text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    bpe_for(model).encode_ordinary(text).len() as u64
}

/// Tokens in a chat prompt: every message's text, name and tool calls, plus the chat format's
/// per-message overhead. Non-text parts (images, audio) are not counted.
pub fn count_messages(model: &str, messages: &[Message]) -> u64 {
    let bpe = bpe_for(model);
    let count = |text: &str| -> u64 {
        if text.is_empty() {
            0
        } else {
            bpe.encode_ordinary(text).len() as u64
        }
    };
    let mut total = TOKENS_PER_REPLY;
    for message in messages {
        total += TOKENS_PER_MESSAGE + count(message.role.as_str()) + count(&message.text());
        if let Some(name) = &message.name {
            total += 1 + count(name);
        }
        for call in &message.tool_calls {
            total += count(&call.name) + count(&call.arguments);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_with_the_right_vocabulary() {
        // "hello world" is two tokens in both vocabularies; a long rare word differs.
        assert_eq!(count_text("gpt-4o", "hello world"), 2);
        assert_eq!(count_text("llama-3", "hello world"), 2);
        assert_eq!(count_text("any", ""), 0);
        let prompt = count_messages("gpt-4", &[Message::user("hello world")]);
        assert_eq!(prompt, 3 + 1 + 2 + 3);
    }
}
