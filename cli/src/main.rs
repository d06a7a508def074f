//! The `modelrt` command-line tool.

mod check;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// modelrt: typed access to AI model providers declared in Dify-format YAML.
#[derive(Debug, Parser)]
#[command(name = "modelrt", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a provider tree and print every problem with file:line:column.
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(&args),
    }
}
