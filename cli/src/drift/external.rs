//! External model catalogs read from disk, in one shape: per-1M-token USD prices, the context
//! size and the features both sides describe.

use std::str::FromStr;

use modelrt::runtime::Decimal;
use serde_json::{Map, Value};

/// One model as an external catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalModel {
    /// The catalog's provider name (`together_ai`, `fireworks-ai`, ...).
    pub provider: String,
    /// The model id, without a `provider/` prefix the catalog may add.
    pub model: String,
    /// USD per million input tokens.
    pub input_per_million: Option<Decimal>,
    /// USD per million output tokens.
    pub output_per_million: Option<Decimal>,
    /// Context window in tokens.
    pub context_size: Option<u64>,
    /// Whether the model calls tools.
    pub tool_call: Option<bool>,
    /// Whether the model accepts images.
    pub vision: Option<bool>,
}

/// The catalog formats understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// LiteLLM's `model_prices_and_context_window.json`: one object per model, prices per token.
    LiteLlm,
    /// models.dev's `api.json`: providers holding `models`, prices per million tokens.
    ModelsDev,
}

impl Format {
    /// The format's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::LiteLlm => "LiteLLM",
            Format::ModelsDev => "models.dev",
        }
    }
}

/// Parses a catalog file's text, recognising its format.
pub fn parse(text: &str) -> Result<(Format, Vec<ExternalModel>), String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(entries) = root else {
        return Err("expected a JSON object at the top level".to_owned());
    };
    let objects = || entries.values().filter_map(Value::as_object);
    if objects().any(|o| o.contains_key("models")) {
        Ok((Format::ModelsDev, models_dev(&entries)))
    } else if objects().any(|o| o.contains_key("litellm_provider")) {
        Ok((Format::LiteLlm, litellm(&entries)))
    } else {
        Err(
            "neither LiteLLM's model_prices_and_context_window.json (entries with \
             `litellm_provider`) nor models.dev's api.json (providers with `models`)"
                .to_owned(),
        )
    }
}

/// A JSON number as an exact decimal (`2.5e-06` included).
fn decimal(value: Option<&Value>) -> Option<Decimal> {
    let text = value?.as_number()?.to_string();
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()
    } else {
        Decimal::from_str(&text).ok()
    }
}

fn count(value: Option<&Value>) -> Option<u64> {
    value?.as_u64()
}

fn flag(value: Option<&Value>) -> Option<bool> {
    value?.as_bool()
}

fn litellm(entries: &Map<String, Value>) -> Vec<ExternalModel> {
    let million = Decimal::from(1_000_000u32);
    // LiteLLM writes its prices from binary floats, noise included (3.6000000000000003e-06):
    // twelve significant digits keep every real price and drop the noise (a double carries
    // about sixteen).
    let per_million = |v: Option<&Value>| {
        decimal(v)
            .and_then(|d| d.checked_mul(million))
            .and_then(|d| d.round_sf(12))
            .map(|d| d.normalize())
    };
    entries
        .iter()
        .filter_map(|(key, entry)| {
            let entry = entry.as_object()?;
            let provider = entry.get("litellm_provider")?.as_str()?.to_owned();
            let model = key
                .strip_prefix(&format!("{provider}/"))
                .unwrap_or(key)
                .to_owned();
            Some(ExternalModel {
                input_per_million: per_million(entry.get("input_cost_per_token")),
                output_per_million: per_million(entry.get("output_cost_per_token")),
                context_size: count(entry.get("max_input_tokens"))
                    .or_else(|| count(entry.get("max_tokens"))),
                tool_call: flag(entry.get("supports_function_calling")),
                vision: flag(entry.get("supports_vision")),
                provider,
                model,
            })
        })
        .collect()
}

fn models_dev(entries: &Map<String, Value>) -> Vec<ExternalModel> {
    let mut out = Vec::new();
    for (provider, entry) in entries {
        let Some(models) = entry.get("models").and_then(Value::as_object) else {
            continue;
        };
        for (model, m) in models {
            let cost = m.get("cost");
            let images = m
                .pointer("/modalities/input")
                .and_then(Value::as_array)
                .map(|inputs| inputs.iter().any(|i| i == "image"));
            out.push(ExternalModel {
                provider: provider.clone(),
                model: model.clone(),
                input_per_million: decimal(cost.and_then(|c| c.get("input"))),
                output_per_million: decimal(cost.and_then(|c| c.get("output"))),
                context_size: count(m.pointer("/limit/context")),
                tool_call: flag(m.get("tool_call")),
                vision: images.or_else(|| flag(m.get("attachment"))),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn litellm_prices_per_token_become_per_million_exactly() {
        let (format, models) = parse(
            r#"{"sample_spec": {"max_tokens": "LEGACY"},
                "groq/llama-3.1-8b-instant": {"litellm_provider": "groq", "mode": "chat",
                  "input_cost_per_token": 5e-08, "output_cost_per_token": 8e-08,
                  "max_input_tokens": 128000, "supports_function_calling": true}}"#,
        )
        .unwrap();
        assert_eq!(format, Format::LiteLlm);
        assert_eq!(models.len(), 1);
        let m = &models[0];
        assert_eq!(
            (m.provider.as_str(), m.model.as_str()),
            ("groq", "llama-3.1-8b-instant")
        );
        assert_eq!(m.input_per_million, Some(Decimal::new(5, 2)));
        assert_eq!(m.output_per_million, Some(Decimal::new(8, 2)));
        assert_eq!(m.context_size, Some(128_000));
        assert_eq!((m.tool_call, m.vision), (Some(true), None));
    }

    #[test]
    fn float_noise_in_litellm_prices_is_not_a_difference() {
        let (_, models) = parse(
            r#"{"novita/m": {"litellm_provider": "novita", "mode": "chat",
                  "input_cost_per_token": 3.6000000000000003e-06,
                  "output_cost_per_token": 1.23456789e-10}}"#,
        )
        .unwrap();
        assert_eq!(models[0].input_per_million, Some(Decimal::new(36, 1)));
        // A real price with many decimals is kept whole.
        assert_eq!(
            models[0].output_per_million,
            Some(Decimal::new(123456789, 12))
        );
    }

    #[test]
    fn models_dev_prices_are_already_per_million() {
        let (format, models) = parse(
            r#"{"groq": {"id": "groq", "models": {"llama-3.1-8b-instant": {
                "tool_call": true, "attachment": false, "cost": {"input": 0.05, "output": 0.08},
                "limit": {"context": 131072, "output": 8192},
                "modalities": {"input": ["text"], "output": ["text"]}}}}}"#,
        )
        .unwrap();
        assert_eq!(format, Format::ModelsDev);
        let m = &models[0];
        assert_eq!(m.input_per_million, Some(Decimal::new(5, 2)));
        assert_eq!(m.context_size, Some(131_072));
        assert_eq!((m.tool_call, m.vision), (Some(true), Some(false)));
    }

    #[test]
    fn other_json_is_a_clear_error() {
        assert!(parse("[1]").unwrap_err().contains("top level"));
        assert!(parse(r#"{"a": {"b": 1}}"#).unwrap_err().contains("LiteLLM"));
        assert!(parse("{").unwrap_err().starts_with("not JSON"));
    }
}
