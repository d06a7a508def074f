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
/// Longest piece handed to the tokenizer at once. BPE merging costs grow with the square of a
/// word's length, so a long run without spaces (a base64 blob, a repeated letter) is counted
/// in pieces: bounded time, and an estimate differing at most by a token per cut.
const MAX_PIECE_BYTES: usize = 512;

fn bpe_for(model: &str) -> &'static CoreBPE {
    match get_tokenizer(model) {
        Some(Tokenizer::O200kBase | Tokenizer::O200kHarmony) => tiktoken_rs::o200k_base_singleton(),
        _ => tiktoken_rs::cl100k_base_singleton(),
    }
}

/// Tokens in `text` for `model` (special-token text counts as ordinary text). Time grows
/// linearly with the length, whatever the text.
pub fn count_text(model: &str, text: &str) -> u64 {
    count_with(bpe_for(model), text)
}

fn count_with(bpe: &CoreBPE, text: &str) -> u64 {
    pieces(text)
        .map(|piece| bpe.encode_ordinary(piece).len() as u64)
        .sum()
}

/// `text` cut into pieces of at most [`MAX_PIECE_BYTES`] (or one character, if longer): just
/// before a whitespace where there is one, so words stay whole as the tokenizer would split
/// them anyway, else at a character boundary.
fn pieces(mut text: &str) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        if text.is_empty() {
            return None;
        }
        let mut end = text.len();
        if end > MAX_PIECE_BYTES {
            end = MAX_PIECE_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if let Some(space) = text[..end].rfind(char::is_whitespace).filter(|&i| i > 0) {
                end = space;
            }
            if end == 0 {
                // A single character longer than a piece cannot exist (at most 4 bytes), but
                // never loop on an empty piece.
                end = text.chars().next().map_or(text.len(), char::len_utf8);
            }
        }
        let (piece, rest) = text.split_at(end);
        text = rest;
        Some(piece)
    })
}

/// Tokens in a chat prompt: every message's text, name and tool calls, plus the chat format's
/// per-message overhead. Non-text parts (images, audio) are not counted.
pub fn count_messages(model: &str, messages: &[Message]) -> u64 {
    let bpe = bpe_for(model);
    let count = |text: &str| count_with(bpe, text);
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

    #[test]
    fn a_million_repeated_letters_are_counted_without_panic() {
        let text = "a".repeat(1_000_000);
        let tokens = count_text("gpt-4o", &text);
        // BPE merges a run of one letter into tokens of several letters each.
        assert!(
            (1_000_000 / 64..1_000_000 / 2).contains(&tokens),
            "{tokens}"
        );
        let messages = count_messages("gpt-4", &[Message::user(text)]);
        assert!(messages > 1_000_000 / 64, "{messages}");
    }

    #[test]
    fn pieces_cover_the_text_and_cut_before_spaces() {
        let words = "word ".repeat(300);
        let cut: Vec<&str> = pieces(&words).collect();
        assert_eq!(cut.concat(), words);
        assert!(cut[1..].iter().all(|p| p.starts_with(' ')), "{cut:?}");
        // A run without spaces is cut at character boundaries.
        let letters = "é".repeat(1000);
        let cut: Vec<&str> = pieces(&letters).collect();
        assert_eq!(cut.concat(), letters);
        assert!(cut.iter().all(|p| p.len() <= MAX_PIECE_BYTES), "{cut:?}");
        // Ordinary text counts as it would whole.
        let prose = "The quick brown fox jumps over the lazy dog. ".repeat(100);
        let whole = tiktoken_rs::cl100k_base_singleton()
            .encode_ordinary(&prose)
            .len() as u64;
        assert_eq!(count_text("gpt-4", &prose), whole);
    }
}
