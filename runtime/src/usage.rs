//! Token usage of a call, and its cost.

use crate::catalog::Pricing;
use crate::pricing::{cost, Cost};

/// Tokens used by an LLM call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Tokens in the prompt (including cached ones).
    pub prompt_tokens: u64,
    /// Tokens in the answer (including reasoning tokens).
    pub completion_tokens: u64,
    /// `prompt_tokens + completion_tokens` unless the provider reported otherwise.
    pub total_tokens: u64,
    /// Prompt tokens served from the provider's cache, when it reports them.
    pub cached_prompt_tokens: Option<u64>,
    /// Prompt tokens written to the provider's cache, when it reports them.
    pub cache_creation_tokens: Option<u64>,
    /// Answer tokens spent on hidden reasoning, when the provider reports them.
    pub reasoning_tokens: Option<u64>,
    /// `true` when the counts were computed offline because the server sent none.
    pub estimated: bool,
    /// The price of the call, when the model has prices.
    pub cost: Option<Cost>,
}

impl Usage {
    /// Usage reported by a provider.
    pub fn new(prompt_tokens: u64, completion_tokens: u64) -> Self {
        Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens.saturating_add(completion_tokens),
            ..Usage::default()
        }
    }

    /// Usage counted offline (see [`crate::tokens`]).
    pub fn estimated(prompt_tokens: u64, completion_tokens: u64) -> Self {
        Usage {
            estimated: true,
            ..Usage::new(prompt_tokens, completion_tokens)
        }
    }

    /// Sets the cost from the model's prices (no change without prices).
    pub fn priced(mut self, pricing: Option<&Pricing>) -> Self {
        self.cost = pricing.map(|p| cost(p, self.prompt_tokens, self.completion_tokens));
        self
    }
}

/// Tokens used by an embedding or rerank call (input only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputUsage {
    /// Input tokens.
    pub tokens: u64,
    /// `true` when counted offline because the server sent no count.
    pub estimated: bool,
    /// The price of the call, when the model has prices.
    pub cost: Option<Cost>,
}

impl InputUsage {
    /// Usage of `tokens` input tokens, `estimated` or reported.
    pub fn new(tokens: u64, estimated: bool) -> Self {
        InputUsage {
            tokens,
            estimated,
            cost: None,
        }
    }

    /// The count the provider reported, else one made offline from `texts` for `model`
    /// (marked estimated).
    pub fn reported_or_counted(reported: Option<u64>, model: &str, texts: &[String]) -> Self {
        match reported {
            Some(tokens) => InputUsage::new(tokens, false),
            None => InputUsage::new(
                texts
                    .iter()
                    .map(|t| crate::tokens::count_text(model, t))
                    .sum(),
                true,
            ),
        }
    }

    /// Sets the cost from the model's prices (no change without prices).
    pub fn priced(mut self, pricing: Option<&Pricing>) -> Self {
        self.cost = pricing.map(|p| cost(p, self.tokens, 0));
        self
    }

    /// Adds the usage of another batch of the same call.
    pub fn add(&mut self, other: InputUsage) {
        self.tokens = self.tokens.saturating_add(other.tokens);
        self.estimated |= other.estimated;
    }
}
