//! A failure the user can fix: one `error: ...` line on stderr and exit code 1.

use std::io::Write;

use modelrt::runtime::Error;

use crate::style::Style;

/// Why a command failed, already worded for the user and free of secrets.
#[derive(Debug)]
pub struct Failure {
    /// A short machine-readable kind (`invalid_credentials`, `usage`...), for `--json`.
    kind: &'static str,
    /// The one-line cause.
    message: String,
}

impl Failure {
    /// A failure of the CLI itself (bad input file, missing argument value...).
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }

    /// A failed runtime call, with every known secret value masked out of its text.
    pub fn from_runtime(error: &Error, secrets: &[String]) -> Self {
        Failure {
            kind: error.kind().name(),
            message: redact(&error.to_string(), secrets),
        }
    }

    /// The cause, in words.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Adds what the user can do about it, keeping one line.
    pub fn with_hint(mut self, hint: &str) -> Self {
        self.message = format!("{}; {hint}", self.message);
        self
    }

    /// Prints the failure: `error: ...` on stderr, and with `--json` also
    /// `{"error": {"kind": ..., "message": ...}}` on stdout.
    pub fn report(&self, json: bool) {
        let style = Style::stderr();
        // Keep it to one line even when a provider's message spans several.
        let line = self.message.replace(['\n', '\r'], " ");
        eprintln!("{}: {line}", style.red_bold("error"));
        if json {
            let value = serde_json::json!({"error": {"kind": self.kind, "message": line}});
            // The exit code already says it failed; a closed stdout changes nothing.
            let _ = writeln!(std::io::stdout(), "{value}");
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::from_runtime(&error, &[])
    }
}

/// `text` with every secret (of a length worth hiding) replaced by its mask.
pub fn redact(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|secret| secret.chars().count() >= 4)
        .fold(text.to_owned(), |text, secret| {
            text.replace(
                secret.as_str(),
                &modelrt::runtime::secret::mask_secret(secret),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_messages() {
        let secrets = vec!["sk-test-0123456789".to_owned(), "ab".to_owned()];
        let text = redact("rejected key sk-test-0123456789 for ab", &secrets);
        assert_eq!(text, "rejected key sk-tes************89 for ab");
    }
}
