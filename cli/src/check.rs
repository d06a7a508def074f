//! `modelrt check DIR [--format json] [--strict]`: validates a provider tree.
//!
//! Exit codes: 0 without errors (warnings allowed), 1 with errors; clap exits 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use modelrt_codegen::{load, LoadOptions};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets and a summary line.
    Human,
    /// One JSON object: `{"summary": {...}, "diagnostics": [...]}`.
    Json,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The provider tree (a folder of providers or plugin packages, or one of them).
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat every warning as an error (also set by MODELRT_STRICT=1, true or yes).
    #[arg(long)]
    pub strict: bool,
}

/// Runs the check and returns the exit code.
pub fn run(args: &Args) -> ExitCode {
    let strict = args.strict || LoadOptions::from_env().strict;
    let loaded = load(&args.dir, &LoadOptions { strict });
    let diagnostics = &loaded.diagnostics;
    let (providers, models) = (loaded.provider_declarations, loaded.model_declarations);
    match args.format {
        Format::Json => println!("{}", diagnostics.to_json(providers, models)),
        Format::Human => {
            let rendered = diagnostics.render();
            if !rendered.is_empty() {
                println!("{rendered}\n");
            }
            println!("{}", diagnostics.summary(providers, models));
        }
    }
    if diagnostics.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
