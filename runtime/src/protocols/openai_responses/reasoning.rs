//! Reasoning items, kept so that they can be sent back.
//!
//! A reasoning model's answer holds `reasoning` items: an id, a summary and (asked for with
//! `include: ["reasoning.encrypted_content"]`) the reasoning itself, encrypted. Without stored
//! responses (`store: false`) the model continues a turn only if they come back as input, as
//! they were. modelrt keeps each one as a [`ReasoningBlock::Redacted`] whose data is the item's
//! JSON; the summary text also reaches the caller as ordinary reasoning.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::llm::ReasoningBlock;

/// The `include` value that asks for encrypted reasoning.
pub const ENCRYPTED_INCLUDE: &str = "reasoning.encrypted_content";

/// One part of a reasoning summary.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SummaryPart {
    text: Option<String>,
}

/// The summary parts' texts, one paragraph each.
pub fn summary_text(parts: &[SummaryPart]) -> String {
    let texts: Vec<&str> = parts.iter().filter_map(|p| p.text.as_deref()).collect();
    texts.join("\n\n")
}

/// The block that carries a reasoning item back; `None` without an id (nothing to refer to).
pub fn to_block(
    id: Option<&str>,
    summary: &[SummaryPart],
    encrypted: Option<&str>,
) -> Option<ReasoningBlock> {
    let summary: Vec<Value> = summary
        .iter()
        .filter_map(|p| p.text.as_deref())
        .map(|text| json!({"type": "summary_text", "text": text}))
        .collect();
    let mut item = json!({"type": "reasoning", "id": id?, "summary": summary});
    if let Some(encrypted) = encrypted {
        item["encrypted_content"] = json!(encrypted);
    }
    Some(ReasoningBlock::Redacted {
        data: item.to_string(),
    })
}

/// The input item a block stands for: only blocks this protocol made (other providers'
/// reasoning cannot be sent to this API).
pub fn to_input(block: &ReasoningBlock) -> Option<Value> {
    let ReasoningBlock::Redacted { data } = block else {
        return None;
    };
    let item: Value = serde_json::from_str(data).ok()?;
    (item.get("type").and_then(Value::as_str) == Some("reasoning")).then_some(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_round_trips_and_foreign_blocks_are_dropped() {
        let parts = [
            SummaryPart {
                text: Some("a".into()),
            },
            SummaryPart { text: None },
        ];
        let block = to_block(Some("rs_1"), &parts, Some("enc")).unwrap();
        assert_eq!(
            to_input(&block),
            Some(json!({
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "a"}],
                "encrypted_content": "enc",
            }))
        );
        assert_eq!(to_block(None, &parts, Some("enc")), None);
        let anthropic = ReasoningBlock::Redacted {
            data: "EmwKAhgBEgy3".into(),
        };
        assert_eq!(to_input(&anthropic), None);
        let thinking = ReasoningBlock::Thinking {
            text: "t".into(),
            signature: Some("s".into()),
        };
        assert_eq!(to_input(&thinking), None);
    }
}
