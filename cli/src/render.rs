//! JSON and text renderings of usage, cost and prices shared by several subcommands.

use modelrt::runtime::catalog::{Price, Pricing};
use modelrt::runtime::pricing::Cost;
use modelrt::runtime::usage::{InputUsage, Usage};
use modelrt::runtime::Decimal;
use serde_json::{json, Value};

/// `{input, output, unit, currency}` with prices exactly as declared.
pub fn pricing(pricing: Option<&Pricing>) -> Value {
    match pricing {
        Some(p) => json!({
            "input": p.input.declared,
            "output": p.output.map(|o| o.declared),
            "unit": p.unit.declared,
            "currency": p.currency,
        }),
        None => Value::Null,
    }
}

/// `{input, output, total, currency}` as decimal strings.
pub fn cost(cost: Option<&Cost>) -> Value {
    match cost {
        Some(c) => json!({
            "input": c.input.to_string(),
            "output": c.output.to_string(),
            "total": c.total.to_string(),
            "currency": c.currency,
        }),
        None => Value::Null,
    }
}

/// An LLM call's usage.
pub fn usage(usage: &Usage) -> Value {
    json!({
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "estimated": usage.estimated,
        "cost": cost(usage.cost.as_ref()),
    })
}

/// An embedding or rerank call's usage.
pub fn input_usage(usage: &InputUsage) -> Value {
    json!({
        "tokens": usage.tokens,
        "estimated": usage.estimated,
        "cost": cost(usage.cost.as_ref()),
    })
}

/// The price of one million tokens, e.g. `2.5` for `2.50` per `0.000001`; `None` on overflow.
pub fn per_million(price: &Price, unit: &Price) -> Option<Decimal> {
    let million = Decimal::from(1_000_000u32);
    let value = price
        .value()
        .checked_mul(unit.value())?
        .checked_mul(million)?;
    Some(value.normalize())
}

/// `cost 0.0000120 USD`, or a note that the model has no prices.
pub fn cost_text(cost: Option<&Cost>) -> String {
    match cost {
        Some(c) => format!("cost {} {}", c.total, c.currency),
        None => "cost unknown (no prices declared)".to_owned(),
    }
}

/// The usage line that ends a chat: tokens, whether estimated, and cost.
pub fn usage_line(usage: &Usage) -> String {
    let estimated = if usage.estimated {
        " (estimated: the server reported no usage)"
    } else {
        ""
    };
    format!(
        "usage: {} prompt + {} completion = {} tokens{estimated}; {}",
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.total_tokens,
        cost_text(usage.cost.as_ref())
    )
}

/// The usage line of an embedding or rerank call.
pub fn input_usage_line(usage: &InputUsage) -> String {
    let estimated = if usage.estimated { " (estimated)" } else { "" };
    format!(
        "usage: {} tokens{estimated}; {}",
        usage.tokens,
        cost_text(usage.cost.as_ref())
    )
}
