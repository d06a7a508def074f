//! `modelrt chat PROVIDER/MODEL [PROMPT]`: streams an answer, then a usage and cost line.

use futures::StreamExt;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::llm::{LlmRequest, LlmResponse, Message, StreamAccumulator};
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::render;
use crate::spinner::Spinner;
use crate::style::{stdout_text, OutputArgs, Style};
use crate::target::{
    block_on, open, parse_param, parse_target, text_or_stdin, HttpArgs, Opened, Target,
};

/// Examples shown by `modelrt chat --help`.
pub const EXAMPLES: &str = "\
Examples:
  modelrt chat openai/gpt-5.4-mini \"Write a haiku about Rust\"
  echo \"Summarize this\" | modelrt chat anthropic/claude-sonnet-5-5 --system \"Be brief\"
  modelrt chat openai_api_compatible/llama3 \"hi\" --param temperature=0.2 --param max_tokens=64

The answer goes to stdout as it arrives; the usage line (tokens, cost) goes to stderr.";

/// Arguments of `chat`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model, as PROVIDER/MODEL (see `modelrt models`).
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The prompt; read from stdin when absent.
    pub prompt: Option<String>,
    /// A system message sent before the prompt.
    #[arg(long, short)]
    pub system: Option<String>,
    /// A model parameter, repeatable; the value is JSON when it parses, else a string
    /// (e.g. temperature=0.2, stop='["END"]'). Checked against the model's rules.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, Value)>,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    pub no_stream: bool,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `chat`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let prompt = text_or_stdin(args.prompt.as_deref(), "prompt")?;
    let opened = open(&args.target, ModelType::Llm, &args.params, &args.http)?;
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(Message::system(system.clone()));
    }
    messages.push(Message::user(prompt));
    let request = LlmRequest::new(messages);
    let print_live = !args.output.json;
    let response = block_on(async {
        if args.no_stream {
            let mut spinner = Spinner::start("waiting for the model");
            let answer = opened.handle.invoke(request).await;
            spinner.stop();
            let answer = answer.map_err(|e| opened.fail(&e))?;
            if print_live {
                let reasoning = answer.reasoning.as_deref().unwrap_or_default();
                LivePrinter::default().piece(reasoning, &answer.content);
            }
            Ok(answer)
        } else {
            stream(&opened, request, print_live).await
        }
    })?;
    if args.output.json {
        out!("{}", response_json(&opened, &response));
    } else {
        finish_text(&response);
    }
    Ok(())
}

/// Streams the answer, printing pieces as they arrive when `print_live`.
async fn stream(
    opened: &Opened,
    request: LlmRequest,
    print_live: bool,
) -> Result<LlmResponse, Failure> {
    let mut spinner = Spinner::start("waiting for the first token");
    let mut chunks = opened
        .handle
        .stream(request)
        .await
        .map_err(|e| opened.fail(&e))?;
    let mut all = StreamAccumulator::new();
    let mut printer = LivePrinter::default();
    while let Some(chunk) = chunks.next().await {
        spinner.stop();
        let chunk = chunk.map_err(|e| {
            printer.end_line();
            opened.fail(&e)
        })?;
        if print_live {
            printer.piece(&chunk.reasoning, &chunk.content);
        }
        all.push(&chunk);
    }
    Ok(all.finish())
}

/// Prints a streamed answer as it arrives: reasoning dim on stderr, answer text on stdout,
/// with a line break on stderr where reasoning gives way to the answer.
#[derive(Debug, Default)]
struct LivePrinter {
    in_reasoning: bool,
    /// Whether the answer's current line on stdout is unfinished.
    open_line: bool,
}

impl LivePrinter {
    /// Ends an unfinished line, so that an error message starts on its own.
    fn end_line(&mut self) {
        if self.open_line {
            out!();
            self.open_line = false;
        }
        if self.in_reasoning {
            eprintln!();
            self.in_reasoning = false;
        }
    }

    fn piece(&mut self, reasoning: &str, content: &str) {
        if !reasoning.is_empty() {
            eprint!("{}", Style::stderr().dim(reasoning));
            self.in_reasoning = true;
        }
        if !content.is_empty() {
            if self.in_reasoning {
                eprintln!();
                self.in_reasoning = false;
            }
            stdout_text(content);
            self.open_line = !content.ends_with('\n');
        }
    }
}

/// Ends the text output: a final newline, tool calls, finish reason when notable, usage line.
fn finish_text(response: &LlmResponse) {
    if !response.content.is_empty() && !response.content.ends_with('\n') {
        out!();
    }
    if response.content.is_empty() && response.reasoning.as_deref().is_some_and(|r| !r.is_empty()) {
        // Reasoning alone ended without a line break.
        eprintln!();
    }
    for call in &response.tool_calls {
        out!("tool call {}: {}({})", call.id, call.name, call.arguments);
    }
    let style = Style::stderr();
    if let Some(reason) = &response.finish_reason {
        if reason.as_str() != "stop" && reason.as_str() != "tool_calls" {
            eprintln!(
                "{}",
                style.yellow(&format!("finished: {}", reason.as_str()))
            );
        }
    }
    eprintln!("{}", style.dim(&render::usage_line(&response.usage)));
}

fn response_json(opened: &Opened, response: &LlmResponse) -> Value {
    let calls: Vec<Value> = response
        .tool_calls
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name, "arguments": c.arguments}))
        .collect();
    json!({
        "provider": opened.handle.provider().id,
        "model": opened.handle.id(),
        "response_model": response.model,
        "content": response.content,
        "reasoning": response.reasoning,
        "tool_calls": calls,
        "finish_reason": response.finish_reason.as_ref().map(|r| r.as_str()),
        "usage": render::usage(&response.usage),
    })
}
