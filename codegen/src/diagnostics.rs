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

impl Diagnostics {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Every diagnostic as human text with a source snippet, separated by blank lines.
    pub fn render(&self) -> String {
        let renderer = annotate_snippets::Renderer::plain();
        self.items
            .iter()
            .map(|d| self.render_one(d, &renderer))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// One diagnostic as human text.
    fn render_one(&self, d: &Diagnostic, renderer: &annotate_snippets::Renderer) -> String {
        use annotate_snippets::{AnnotationKind, Level, Origin, Snippet};

        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = if d.key.is_empty() {
            d.message.clone()
        } else {
            format!("{} (at `{}`)", d.message, d.key)
        };
        let line_text = self
            .sources
            .get(&d.file)
            .and_then(|text| text.lines().nth((d.line as usize).checked_sub(1)?));
        let group = match line_text {
            Some(text) => {
                let text = text.strip_suffix('\r').unwrap_or(text);
                let span = token_span(text, d.column);
                level.primary_title(title).element(
                    Snippet::source(text)
                        .line_start(d.line as usize)
                        .path(d.file.as_str())
                        .annotation(AnnotationKind::Primary.span(span)),
                )
            }
            None => {
                let mut origin = Origin::path(d.file.as_str());
                if d.line > 0 {
                    origin = origin.line(d.line as usize).char_column(d.column as usize);
                }
                level.primary_title(title).element(origin)
            }
        };
        renderer.render(&[group])
    }

    /// The summary line printed after the diagnostics.
    pub fn summary(&self, providers: usize, models: usize) -> String {
        format!(
            "{providers} provider(s), {models} model(s): {} error(s), {} warning(s)",
            self.error_count(),
            self.warning_count()
        )
    }

    /// The JSON object `modelrt check --format json` prints, keys in this order:
    /// `{"summary": {"providers", "models", "errors", "warnings"}, "diagnostics": [...]}`.
    pub fn to_json(&self, providers: usize, models: usize) -> String {
        let report = JsonReport {
            summary: JsonSummary {
                providers,
                models,
                errors: self.error_count(),
                warnings: self.warning_count(),
            },
            diagnostics: self
                .items
                .iter()
                .map(|d| JsonDiagnostic {
                    severity: d.severity.as_str(),
                    file: &d.file,
                    line: d.line,
                    column: d.column,
                    key: &d.key,
                    message: &d.message,
                })
                .collect(),
        };
        // Serialising plain structs of strings and numbers cannot fail.
        serde_json::to_string(&report).unwrap_or_default()
    }
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(serde::Serialize)]
struct JsonSummary {
    providers: usize,
    models: usize,
    errors: usize,
    warnings: usize,
}

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    file: &'a str,
    line: u32,
    column: u32,
    key: &'a str,
    message: &'a str,
}

/// The byte range of the token starting at 1-based character `column` of `line` (at least one
/// character; the whole line when the column is unknown or past the end).
fn token_span(line: &str, column: u32) -> std::ops::Range<usize> {
    let start = (column as usize)
        .checked_sub(1)
        .and_then(|c| line.char_indices().nth(c))
        .map(|(i, _)| i);
    let Some(start) = start else {
        return 0..line.len();
    };
    let rest = &line[start..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
    let len = match quote {
        Some(q) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
        None => {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ',' || c == ']' || c == '}')
                .unwrap_or(rest.len());
            // A mapping key: point at the key, not its colon.
            rest[..end].strip_suffix(':').map_or(end, str::len)
        }
    };
    let len = if len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    start..start + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostics {
        let mut d = Diagnostics::default();
        d.sources.insert(
            "p/p.yaml".into(),
            "provider: p\nlabel: {en_US: 'P'}\n".into(),
        );
        d.items.push(Diagnostic {
            severity: Severity::Error,
            file: "p/p.yaml".into(),
            line: 2,
            column: 16,
            key: "label.en_US".into(),
            message: "bad label".into(),
        });
        d.items.push(Diagnostic {
            severity: Severity::Warning,
            file: "x/y.yaml".into(),
            line: 0,
            column: 0,
            key: String::new(),
            message: "whole file".into(),
        });
        d
    }

    #[test]
    fn counts_and_json() {
        let d = sample();
        assert!(d.has_errors());
        assert_eq!((d.error_count(), d.warning_count()), (1, 1));
        let text = d.to_json(1, 2);
        assert!(text.starts_with(r#"{"summary":{"providers":1,"models":2,"errors":1,"warnings":1},"diagnostics":[{"severity":"error","file":"p/p.yaml","line":2,"column":16,"#), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["diagnostics"][0]["key"], "label.en_US");
        assert_eq!(json["diagnostics"][1]["severity"], "warning");
    }

    #[test]
    fn render_shows_the_line() {
        let text = sample().render();
        assert!(
            text.contains("error: bad label (at `label.en_US`)"),
            "{text}"
        );
        assert!(text.contains("p/p.yaml:2:16"), "{text}");
        assert!(text.contains("label: {en_US: 'P'}"), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("warning: whole file"), "{text}");
        assert!(text.contains("x/y.yaml"), "{text}");
    }

    #[test]
    fn token_spans() {
        assert_eq!(token_span("a: 'x y'", 4), 3..8);
        assert_eq!(token_span("a: bc, d", 4), 3..5);
        assert_eq!(token_span("provider: p", 1), 0..8);
        assert_eq!(token_span("url: https://h/x", 6), 5..16);
        assert_eq!(token_span("a:", 9), 0..2);
        assert_eq!(token_span("é: ü", 4), 4..6);
    }
}
