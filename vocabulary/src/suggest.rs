//! "Did you mean ...?" for mistyped names.

/// The candidate closest to `input`, if it is close enough to be a likely typo:
/// a case-insensitive match, or an edit distance of at most a third of the input's length
/// (at least 1, at most 3).
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = input.to_lowercase();
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(&wanted, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, candidate)| (*distance, *candidate))
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["openai-compatible", "anthropic", "ollama"];
        assert_eq!(did_you_mean("openai", names), None);
        assert_eq!(did_you_mean("antropic", names), Some("anthropic"));
        assert_eq!(did_you_mean("Ollama", names), Some("ollama"));
        let ids = ["openai", "anthropic", "openai_api_compatible", "ollama"];
        assert_eq!(did_you_mean("opneai", ids), Some("openai"));
        assert_eq!(did_you_mean("mistral", ids), None);
        assert_eq!(did_you_mean("", ids), None);
    }
}
