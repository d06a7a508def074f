//! The body of modelrt's `build.rs`: load, report, emit, write if changed.
//!
//! Problems in the YAML fail the build through `cargo::error=` lines carrying
//! `file:line:column: message`, and warnings become `cargo::warning=` lines; nothing here panics
//! on bad input. The build reads no network and only the tree it is pointed at.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Severity};
use crate::emit::{emit, EmitError, EmitOptions, Generated};
use crate::ir::Catalog;
use crate::load::{load, LoadOptions, Loaded};

pub use crate::load::STRICT_VAR;

/// Environment variable naming another provider tree to build the SDK from.
pub const PROVIDERS_DIR_VAR: &str = "MODELRT_PROVIDERS_DIR";
/// File name of the generated source in `OUT_DIR`.
pub const GENERATED_FILE: &str = "modelrt_generated.rs";

/// What one build run needs to know.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// The crate root (`CARGO_MANIFEST_DIR`); relative tree paths are resolved against it.
    pub manifest_dir: PathBuf,
    /// Where the generated file goes (`OUT_DIR`).
    pub out_dir: PathBuf,
    /// `MODELRT_PROVIDERS_DIR`, when set.
    pub providers_dir: Option<PathBuf>,
    /// `MODELRT_STRICT` (see [`LoadOptions::from_env`]).
    pub strict: bool,
}

impl BuildConfig {
    /// Reads the configuration cargo gives a build script.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let manifest_dir = var("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?;
        let out_dir = var("OUT_DIR").ok_or("OUT_DIR is not set")?;
        Ok(BuildConfig {
            manifest_dir: manifest_dir.into(),
            out_dir: out_dir.into(),
            providers_dir: var(PROVIDERS_DIR_VAR).map(PathBuf::from),
            strict: LoadOptions::from_env().strict,
        })
    }

    /// The tree to build from: `MODELRT_PROVIDERS_DIR` (relative to the crate root when
    /// relative) or `providers/` at the crate root.
    pub fn tree(&self) -> PathBuf {
        match &self.providers_dir {
            Some(dir) => self.manifest_dir.join(dir),
            None => self.manifest_dir.join("providers"),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The generated file is up to date; `changed` says whether it was rewritten.
    Generated {
        /// The generated file.
        path: PathBuf,
        /// Whether its content changed (and so it was written).
        changed: bool,
    },
    /// Errors were reported through `cargo::error=`; nothing was written.
    Failed {
        /// How many errors.
        errors: usize,
    },
}

/// Entry point for `build.rs`: configuration from the environment, instructions to stdout.
pub fn run() {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match BuildConfig::from_env() {
        Ok(config) => run_with(&config, &mut out).map(|_| ()),
        Err(message) => writeln!(out, "cargo::error={message}"),
    };
    if let Err(e) = result {
        // stdout is how we talk to cargo; when it is gone, only the exit status can fail the
        // build (a silent success would compile whatever file is left in OUT_DIR).
        let _ = writeln!(io::stderr(), "modelrt build: cannot write to cargo: {e}");
        std::process::exit(1);
    }
}

/// Runs the generator for `config`, writing cargo instructions to `out`. Every problem with
/// the tree or `OUT_DIR` (including I/O failures) is a `cargo::error` naming the path; `Err`
/// means only that `out` itself could not be written.
pub fn run_with(config: &BuildConfig, out: &mut dyn Write) -> io::Result<Outcome> {
    writeln!(out, "cargo::rerun-if-env-changed={PROVIDERS_DIR_VAR}")?;
    writeln!(out, "cargo::rerun-if-env-changed={STRICT_VAR}")?;
    let tree = config.tree();
    writeln!(out, "cargo::rerun-if-changed={}", tree.display())?;

    // A missing tree is an error, never an SDK without providers built by accident; an SDK
    // without providers is built from an empty folder named on purpose.
    let unusable = match std::fs::metadata(&tree) {
        Ok(meta) if meta.is_dir() => None,
        Ok(_) => Some("is not a directory".to_owned()),
        Err(e) => Some(format!("cannot be read: {e}")),
    };
    if let Some(problem) = unusable {
        let hint = match config.providers_dir {
            Some(_) => format!("{PROVIDERS_DIR_VAR} points at"),
            None => format!(
                "the providers directory (set {PROVIDERS_DIR_VAR} to an empty directory to build \
                 without providers)"
            ),
        };
        return fail(out, &[format!("{hint} `{}` {problem}", tree.display())]);
    }
    let loaded = load(
        &tree,
        &LoadOptions {
            strict: config.strict,
        },
    );
    for input in &loaded.catalog.inputs {
        writeln!(out, "cargo::rerun-if-changed={}", input.display())?;
    }

    for warning in lines(&tree, &loaded, Severity::Warning) {
        writeln!(out, "cargo::warning={warning}")?;
    }
    if !loaded.diagnostics.items.is_empty() {
        // Cargo shows one line per instruction; the snippets go to stderr, which
        // `cargo build -vv` shows.
        let _ = writeln!(io::stderr(), "{}", loaded.diagnostics.render());
    }
    let label = match &config.providers_dir {
        Some(dir) => dir.display().to_string(),
        None => "providers".to_owned(),
    };
    let source = match generate(&tree, &loaded, label, emit) {
        Ok(generated) => generated.to_source(),
        Err(errors) => return fail(out, &errors),
    };
    let path = config.out_dir.join(GENERATED_FILE);
    match write_if_changed(&path, &source) {
        Ok(changed) => Ok(Outcome::Generated { path, changed }),
        Err(e) => fail(
            out,
            &[format!(
                "cannot write the generated file `{}`: {e}",
                path.display()
            )],
        ),
    }
}

/// How [`generate`] emits: [`emit`] (code formatted, for a file) or
/// [`emit_tokens`](crate::emit::emit_tokens) (code as tokens, for a macro).
pub type Emitter<C> = fn(&Catalog, &EmitOptions) -> Result<Generated<C>, EmitError>;

/// The generated module of `loaded` from `emitter`, unless the tree has errors: the step
/// `build.rs` and `include_providers!` share. `Err` holds one [`diagnostic_line`] per error.
pub fn generate<C>(
    tree: &Path,
    loaded: &Loaded,
    tree_label: String,
    emitter: Emitter<C>,
) -> Result<Generated<C>, Vec<String>> {
    let errors = lines(tree, loaded, Severity::Error);
    if !errors.is_empty() {
        return Err(errors);
    }
    emitter(&loaded.catalog, &EmitOptions { tree_label })
        .map_err(|e| vec![format!("{}: {e}", tree.display())])
}

/// The diagnostics of `severity` as [`diagnostic_line`]s.
pub fn lines(tree: &Path, loaded: &Loaded, severity: Severity) -> Vec<String> {
    loaded
        .diagnostics
        .items
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| diagnostic_line(tree, d))
        .collect()
}

/// `/abs/providers/openai/llm/gpt-4o.yaml:3:5: message (at `key`)`, on one line (cargo
/// prefixes the severity).
pub fn diagnostic_line(tree: &Path, d: &Diagnostic) -> String {
    let mut line = tree.join(&d.file).display().to_string();
    if d.line > 0 {
        line.push_str(&format!(":{}:{}", d.line, d.column));
    }
    line.push_str(&format!(": {}", one_line(&d.message)));
    if !d.key.is_empty() {
        line.push_str(&format!(" (at `{}`)", d.key));
    }
    line
}

/// Cargo instructions are single lines: fold any line breaks of a message.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

fn fail(out: &mut dyn Write, errors: &[String]) -> io::Result<Outcome> {
    for error in errors {
        writeln!(out, "cargo::error={error}")?;
    }
    Ok(Outcome::Failed {
        errors: errors.len(),
    })
}

/// Writes `content` to `path` unless it already holds exactly that (keeps the mtime, so an
/// unchanged tree recompiles nothing). Returns whether it wrote.
pub fn write_if_changed(path: &Path, content: &str) -> io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    std::fs::write(path, content)?;
    Ok(true)
}
