//! Prompt-cache breakpoints on the wire: `cache_control` on tool definitions, system blocks
//! and the last block of a message, checked against the API's limits before sending.

use serde_json::{json, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::llm::{CacheControl, CacheTtl, LlmRequest, Role};

/// The most breakpoints one request may carry.
pub const MAX_BREAKPOINTS: usize = 4;

/// The beta that makes the API honour one-hour entries (without it they silently live five
/// minutes).
pub const EXTENDED_TTL_BETA: &str = "extended-cache-ttl-2025-04-11";

/// Block types that cannot carry a breakpoint themselves.
const UNMARKABLE: &[&str] = &["thinking", "redacted_thinking"];

/// `{"type": "ephemeral"}`, with `ttl` when one is given.
pub fn to_wire(cache: CacheControl) -> Value {
    let mut wire = json!({"type": "ephemeral"});
    if let Some(ttl) = cache.ttl {
        wire["ttl"] = json!(ttl.as_str());
    }
    wire
}

/// The request's breakpoints in the order the API reads the prompt: tools, system, messages.
fn breakpoints(request: &LlmRequest) -> impl Iterator<Item = CacheControl> + '_ {
    let tools = request.tools.iter().filter_map(|tool| tool.cache);
    let system = request
        .messages
        .iter()
        .filter(|m| m.role == Role::System)
        .filter_map(|m| m.cache);
    let turns = request
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .filter_map(|m| m.cache);
    tools.chain(system).chain(turns)
}

/// Rejects what the API would: more than [`MAX_BREAKPOINTS`], or a one-hour entry after a
/// five-minute one (longer-lived entries must come first in the prompt).
pub fn check(request: &LlmRequest) -> Result<()> {
    let count = breakpoints(request).count();
    if count > MAX_BREAKPOINTS {
        return Err(Error::new(
            ErrorKind::InvalidParams,
            format!(
                "{count} cache breakpoints were asked for, but the Anthropic Messages API \
                 accepts at most {MAX_BREAKPOINTS} per request"
            ),
        ));
    }
    let mut short_seen = false;
    for cache in breakpoints(request) {
        match cache.effective_ttl() {
            CacheTtl::FiveMinutes => short_seen = true,
            CacheTtl::OneHour if short_seen => {
                return Err(Error::new(
                    ErrorKind::InvalidParams,
                    "a one-hour cache breakpoint comes after a five-minute one; the Anthropic \
                     Messages API needs longer-lived breakpoints first (tools, then system, \
                     then messages)",
                ))
            }
            CacheTtl::OneHour => {}
        }
    }
    Ok(())
}

/// Whether a breakpoint asks for one-hour entries (see [`EXTENDED_TTL_BETA`]).
pub fn needs_extended_ttl(request: &LlmRequest) -> bool {
    breakpoints(request).any(|cache| cache.effective_ttl() == CacheTtl::OneHour)
}

/// Puts the breakpoint on the last of a message's blocks.
pub fn mark_last(blocks: &mut [Value], cache: CacheControl) -> Result<()> {
    let Some(last) = blocks.last_mut() else {
        return Err(Error::new(
            ErrorKind::InvalidParams,
            "a message marked as a cache breakpoint has no content to cache",
        ));
    };
    let kind = last["type"].as_str().unwrap_or_default();
    if UNMARKABLE.contains(&kind) {
        return Err(Error::new(
            ErrorKind::InvalidParams,
            "a message marked as a cache breakpoint holds only reasoning, which cannot be a \
             breakpoint",
        ));
    }
    last["cache_control"] = to_wire(cache);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{Message, Tool};

    fn long() -> CacheControl {
        CacheControl::ephemeral().with_ttl(CacheTtl::OneHour)
    }

    #[test]
    fn one_hour_entries_must_come_first() {
        let tool = Tool::new("t", "d", json!({"type": "object"})).cached();
        let request = LlmRequest::new(vec![
            Message::system("s").with_cache(long()),
            Message::user("u"),
        ])
        .with_tools(vec![tool.clone()]);
        assert_eq!(
            check(&request).unwrap_err().kind(),
            ErrorKind::InvalidParams
        );

        let request = LlmRequest::new(vec![
            Message::user("u").cached(),
            Message::system("s").with_cache(long()),
        ])
        .with_tools(vec![tool.with_cache(long())]);
        assert!(check(&request).is_ok(), "system is read before messages");
        assert!(needs_extended_ttl(&request));
    }

    #[test]
    fn reasoning_alone_cannot_be_marked() {
        let mut blocks = vec![json!({"type": "thinking", "thinking": "x", "signature": "s"})];
        let err = mark_last(&mut blocks, CacheControl::ephemeral()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidParams);
        assert!(mark_last(&mut [], CacheControl::ephemeral()).is_err());
    }
}
