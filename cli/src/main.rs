//! The `modelrt` command-line tool.
//!
//! Every subcommand works from the registry of providers compiled into this build, so a
//! provider added as YAML is listed, validated and callable without new CLI code.
//! Exit codes: 0 success, 1 a failure the user can fix (one `error: ...` line on stderr),
//! 2 usage errors (clap's default).

/// `println!` that ends the program quietly when stdout is a closed pipe (`modelrt models | head`)
/// instead of panicking.
macro_rules! out {
    () => {
        $crate::style::stdout_line("")
    };
    ($($arg:tt)*) => {
        $crate::style::stdout_line(&format!($($arg)*))
    };
}

mod admin;
mod calls;
mod catalog;
mod chat;
mod check;
mod credentials_cmd;
mod drift;
mod failure;
mod render;
mod schema;
mod serve;
mod sources;
mod spinner;
mod style;
mod target;
mod tokens;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
/// modelrt: typed access to AI model providers declared in Dify-format YAML.
#[derive(Debug, Parser)]
#[command(name = "modelrt", version, about, after_help = sources::CREDENTIALS_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a provider tree and print every problem with file:line:column.
    #[command(after_help = "Example:\n  modelrt check providers/ --format json")]
    Check(check::Args),
    /// List the providers compiled into this build.
    #[command(after_help = "Example:\n  modelrt providers --json")]
    Providers(catalog::ProvidersArgs),
    /// List the predefined models (deprecated ones only with --all).
    #[command(
        after_help = "Examples:\n  modelrt models --provider openai --type llm\n  modelrt models --provider deepseek --remote --json"
    )]
    Models(catalog::ModelsArgs),
    /// Maintainer tools for the catalog: `catalog diff --against FILE`.
    #[command(subcommand)]
    Catalog(drift::CatalogCommand),
    /// Check credentials: their form, then with a real call to the provider.
    #[command(subcommand)]
    Credentials(credentials_cmd::CredentialsCommand),
    /// Chat with a language model; streams the answer and ends with usage and cost.
    #[command(after_help = chat::EXAMPLES)]
    Chat(chat::Args),
    /// Embed texts with a text-embedding model.
    #[command(after_help = calls::EMBED_EXAMPLES)]
    Embed(calls::EmbedArgs),
    /// Order documents by relevance to a query with a rerank model.
    #[command(after_help = calls::RERANK_EXAMPLES)]
    Rerank(calls::RerankArgs),
    /// Synthesize speech with a text-to-speech model and write it to an audio file.
    #[command(after_help = calls::TTS_EXAMPLES)]
    Tts(calls::TtsArgs),
    /// Transcribe an audio file with a speech-to-text model.
    #[command(after_help = calls::TRANSCRIBE_EXAMPLES)]
    Transcribe(calls::TranscribeArgs),
    /// Check a text with a moderation model.
    #[command(after_help = calls::MODERATE_EXAMPLES)]
    Moderate(calls::ModerateArgs),
    /// Count the prompt tokens of a chat request offline (no credentials, no network).
    #[command(after_help = tokens::EXAMPLES)]
    Tokens(tokens::Args),
    /// Print the JSON Schema (draft 2020-12) of a provider's credential forms.
    #[command(after_help = "Example:\n  modelrt schema openai_api_compatible > form.json")]
    Schema(schema::Args),
    /// Serve every callable provider over an OpenAI-compatible HTTP API.
    #[command(after_help = serve::EXAMPLES)]
    Serve(serve::Args),
    /// Manage a running gateway's virtual keys (through its admin API).
    #[command(subcommand, after_help = admin::KEYS_EXAMPLES)]
    Keys(admin::KeysCommand),
    /// Show a running gateway's spend, grouped by key, model, provider or day.
    #[command(after_help = admin::SPEND_EXAMPLES)]
    Spend(admin::SpendArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (json, result) = match cli.command {
        Command::Check(args) => return check::run(&args),
        Command::Providers(args) => (args.output.json, catalog::providers(&args)),
        Command::Models(args) => (args.output.json, catalog::models(&args)),
        Command::Catalog(command) => (command.json(), drift::run(&command)),
        Command::Credentials(command) => (command.json(), credentials_cmd::run(&command)),
        Command::Chat(args) => (args.output.json, chat::run(&args)),
        Command::Embed(args) => (args.output.json, calls::embed(&args)),
        Command::Rerank(args) => (args.output.json, calls::rerank(&args)),
        Command::Tts(args) => (args.output.json, calls::tts(&args)),
        Command::Transcribe(args) => (args.output.json, calls::transcribe(&args)),
        Command::Moderate(args) => (args.output.json, calls::moderate(&args)),
        Command::Tokens(args) => (args.output.json, tokens::run(&args)),
        Command::Schema(args) => (true, schema::run(&args)),
        Command::Serve(args) => (false, serve::run(&args)),
        Command::Keys(command) => (command.json(), admin::keys(&command)),
        Command::Spend(args) => (args.gateway.output.json, admin::spend(&args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report(json);
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
