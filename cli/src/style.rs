//! Terminal styling: colours only on a terminal and only without `NO_COLOR`; plain tables.

use std::io::{IsTerminal, Write};

/// The `--json` flag every subcommand takes.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct OutputArgs {
    /// Print machine-readable JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Whether ANSI styling is used on one stream.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    colour: bool,
}

/// Whether the `NO_COLOR` convention asks for no colours (any non-empty value).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Style {
    /// Styling for stdout.
    pub fn stdout() -> Self {
        Style {
            colour: std::io::stdout().is_terminal() && !no_color(),
        }
    }

    /// Styling for stderr.
    pub fn stderr() -> Self {
        Style {
            colour: std::io::stderr().is_terminal() && !no_color(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold text (headings).
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dim text (secondary details, reasoning).
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Bold red (`error`).
    pub fn red_bold(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Yellow (`warning`).
    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Green (success).
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }
}

/// Prints `rows` under `headers` with columns padded to their widest cell.
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let style = Style::stdout();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| {
                let pad = width.saturating_sub(cell.chars().count());
                format!("{cell}{}", " ".repeat(pad))
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let header = line(headers.iter().map(|h| (*h).to_owned()).collect());
    out!("{}", style.bold(&header));
    for row in rows {
        out!("{}", line(row.clone()));
    }
}

/// Writes one line to stdout (see [`stdout_text`]).
pub fn stdout_line(text: &str) {
    stdout_text(&format!("{text}\n"));
}

/// Writes text to stdout at once (flushed, so streamed answers show as they arrive).
/// A closed pipe ends the program with success, as the reader has all it wanted; other write
/// errors end it with a one-line error.
pub fn stdout_text(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(error) = written {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {error}");
        std::process::exit(1);
    }
}
