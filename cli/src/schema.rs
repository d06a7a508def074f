//! `modelrt schema PROVIDER`: a JSON Schema (draft 2020-12) of the provider's credential forms,
//! for building a settings UI (see `modelrt::runtime::credential_schema`).

use modelrt::registry::find_provider;
use modelrt::runtime::credential_schema::provider_schema;

use crate::failure::Failure;

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The provider id (see `modelrt providers`).
    pub provider: String,
}

/// Runs `schema` (always JSON).
pub fn run(args: &Args) -> Result<(), Failure> {
    let provider = find_provider(&args.provider)?;
    let schema = provider_schema(provider);
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Failure::new("output", format!("cannot render the schema: {e}")))?;
    out!("{text}");
    Ok(())
}
