//! Secrets (API keys and other `secret-input` credentials).
//!
//! A [`Secret`] never shows its value by accident: `Debug` is redacted, there is no `Display`,
//! and the memory is zeroed on drop. The value is reachable only through [`Secret::expose`],
//! which is meant to be called at the one place a request header is built.

use zeroize::Zeroizing;

/// What a UI sends back for a secret it showed masked: "keep the stored value".
pub const HIDDEN_PLACEHOLDER: &str = "[__HIDDEN__]";

/// A secret string.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret value. Call only where it must leave the process (e.g. an auth header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value masked as Dify shows it back to a user: first 6 characters, 12 stars,
    /// last 2; a secret of 8 characters or fewer becomes 20 stars so its length is not revealed.
    pub fn masked(&self) -> String {
        mask_secret(&self.0)
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// Masks a secret for display (see [`Secret::masked`]). Counts characters, not bytes.
pub fn mask_secret(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(20);
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("sk-live-1234567890");
        let shown = format!("{secret:?} {:?}", Some(secret.clone()));
        assert!(!shown.contains("1234567890"), "{shown}");
        assert!(shown.contains("REDACTED"));
        assert_eq!(secret.expose(), "sk-live-1234567890");
    }

    #[test]
    fn masks_like_dify() {
        assert_eq!(mask_secret("sk-abcdefghijkl"), "sk-abc************kl");
        assert_eq!(mask_secret("123456789"), "123456************89");
        assert_eq!(mask_secret("12345678"), "*".repeat(20));
        assert_eq!(mask_secret(""), "*".repeat(20));
        // Characters, not bytes: a multi-byte secret must not be cut inside a character.
        assert_eq!(mask_secret("ééééééééé"), "éééééé************éé");
    }
}
