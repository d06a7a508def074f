//! Diagnostics: every problem found in a tree, with its place, rendered with a source snippet.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails `check` and the build.
    Error,
    /// Reported; an error under strict mode.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the tree root, `/`-separated.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based column; 0 when the problem concerns the whole file.
    pub column: u32,
    /// The key path, e.g. `parameter_rules[2].max`; empty for the whole file.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// All diagnostics of one run, with the text of the files they point into (for snippets).
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// In the order found: files in walk order, then position in file.
    pub items: Vec<Diagnostic>,
    /// Source text by relative file name, for rendering snippets.
    pub sources: BTreeMap<String, String>,
    /// The tree root the file names are relative to.
    pub root: PathBuf,
}
