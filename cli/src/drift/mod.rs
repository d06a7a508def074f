//! `modelrt catalog diff --against FILE`: where our YAML and an external catalog on disk
//! (LiteLLM's or models.dev's) disagree about prices, context sizes or features.
//! Reads only the given file; never downloads anything.

mod compare;
mod external;

use std::path::PathBuf;

use modelrt::registry::{find_provider, PROVIDERS};
use modelrt::runtime::catalog::ProviderInfo;
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::style::{print_table, OutputArgs};

/// `modelrt catalog ...`.
#[derive(Debug, clap::Subcommand)]
pub enum CatalogCommand {
    /// Compare the compiled-in catalog with an external catalog file.
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
}

impl CatalogCommand {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match self {
            CatalogCommand::Diff(args) => args.output.json,
        }
    }
}

const DIFF_HELP: &str = "\
Prices are compared per million tokens (LiteLLM states them per token, models.dev per
million, our YAML per its own unit), only where our currency is USD as theirs is.

Examples:
  modelrt catalog diff --against model_prices_and_context_window.json
  modelrt catalog diff --against api.json --provider groq --json";

/// Arguments of `catalog diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// LiteLLM's `model_prices_and_context_window.json` or models.dev's `api.json`.
    #[arg(long, value_name = "FILE")]
    pub against: PathBuf,
    /// Only this provider's models.
    #[arg(long, short)]
    pub provider: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `catalog ...`.
pub fn run(command: &CatalogCommand) -> Result<(), Failure> {
    match command {
        CatalogCommand::Diff(args) => diff(args),
    }
}

fn diff(args: &DiffArgs) -> Result<(), Failure> {
    let file = args.against.display();
    let text = std::fs::read_to_string(&args.against)
        .map_err(|e| Failure::new("input", format!("cannot read {file}: {e}")))?;
    let (format, models) =
        external::parse(&text).map_err(|e| Failure::new("input", format!("{file}: {e}")))?;
    let providers: Vec<&'static ProviderInfo> = match &args.provider {
        Some(id) => vec![find_provider(id)?],
        None => PROVIDERS.to_vec(),
    };
    let report = compare::compare(&providers, &models);
    if args.output.json {
        let differences: Vec<Value> = report
            .differences
            .iter()
            .map(|d| {
                json!({
                    "provider": d.provider,
                    "model": d.model,
                    "field": d.field,
                    "ours": d.ours,
                    "theirs": d.theirs,
                })
            })
            .collect();
        out!(
            "{}",
            json!({
                "format": format.name(),
                "compared": report.compared,
                "not_found": report.not_found,
                "differences": differences,
            })
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = report
        .differences
        .iter()
        .map(|d| {
            vec![
                d.provider.to_owned(),
                d.model.to_owned(),
                d.field.to_owned(),
                d.ours.clone(),
                d.theirs.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        print_table(&["PROVIDER", "MODEL", "FIELD", "OURS", "THEIRS"], &rows);
    }
    out!(
        "{} of our models found in {file} ({}), {} not found; {} difference(s)",
        report.compared,
        format.name(),
        report.not_found,
        report.differences.len()
    );
    Ok(())
}
