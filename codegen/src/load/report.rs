//! Collecting diagnostics while validating one file.

use crate::diagnostics::{Diagnostic, Severity};

use super::yaml::{Key, Node};

/// Where a diagnostic points: a line and column in the current file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    /// 1-based line, 0 for the whole file.
    pub line: u32,
    /// 1-based column, 0 for the whole file.
    pub column: u32,
}

impl Place {
    /// The whole file.
    pub const FILE: Place = Place { line: 0, column: 0 };
}

impl From<&Node> for Place {
    fn from(node: &Node) -> Self {
        Place {
            line: node.line,
            column: node.column,
        }
    }
}

impl From<&Key> for Place {
    fn from(key: &Key) -> Self {
        Place {
            line: key.line,
            column: key.column,
        }
    }
}

/// Diagnostics of one file, pushed into a shared list.
pub struct Report<'a> {
    file: String,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    /// Reports about `file` (relative, `/`-separated) into `out`.
    pub fn new(file: &str, out: &'a mut Vec<Diagnostic>) -> Self {
        Report {
            file: file.to_string(),
            out,
        }
    }

    /// Adds an error.
    pub fn error(&mut self, at: impl Into<Place>, key: &str, message: impl Into<String>) {
        self.push(Severity::Error, at.into(), key, message.into());
    }

    /// Adds a warning.
    pub fn warn(&mut self, at: impl Into<Place>, key: &str, message: impl Into<String>) {
        self.push(Severity::Warning, at.into(), key, message.into());
    }

    fn push(&mut self, severity: Severity, at: Place, key: &str, message: String) {
        self.out.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line: at.line,
            column: at.column,
            key: key.to_string(),
            message,
        });
    }
}

/// Joins a key path and a child key: `a` + `b` = `a.b`.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins a key path and a list index: `a` + 2 = `a[2]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}
