//! Content moderation.

/// A moderation call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModerationRequest {
    /// The text to check. Long texts are split by the model's `max_characters_per_chunk`
    /// and `max_chunks`.
    pub text: String,
}

/// One category a moderation model checks.
#[derive(Debug, Clone, PartialEq)]
pub struct ModerationCategory {
    /// The category name as the provider spells it (e.g. `hate`, `violence/graphic`).
    pub name: String,
    /// Whether the text was flagged for it.
    pub flagged: bool,
    /// The score, when reported.
    pub score: Option<f64>,
}

/// The verdict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModerationResult {
    /// Whether any part of the text was flagged.
    pub flagged: bool,
    /// Per-category detail, when reported (merged over chunks: flagged if any chunk was,
    /// highest score).
    pub categories: Vec<ModerationCategory>,
}
