//! `modelrt embed`, `rerank`, `tts`, `transcribe` and `moderate`: one call each, printed as
//! text or JSON.

use std::io::Write;
use std::path::PathBuf;

use futures::StreamExt;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt::runtime::moderation::ModerationRequest;
use modelrt::runtime::rerank::RerankRequest;
use modelrt::runtime::speech2text::TranscriptionRequest;
use modelrt::runtime::tts::TtsRequest;
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::render;
use crate::spinner::Spinner;
use crate::style::{print_table, OutputArgs, Style};
use crate::target::{block_on, open, parse_param, parse_target, text_or_stdin, HttpArgs, Target};

/// Examples of `embed`.
pub const EMBED_EXAMPLES: &str = "\
Examples:
  modelrt embed openai/text-embedding-3-small \"first text\" \"second text\"
  cat lines.txt | modelrt embed cohere/embed-v4.0 --input-type query --json";
/// Examples of `rerank`.
pub const RERANK_EXAMPLES: &str = "\
Examples:
  modelrt rerank cohere/rerank-v3.5 --query \"capital of France\" \"Paris is...\" \"Berlin is...\"
  modelrt rerank cohere/rerank-v3.5 -q rust --top-n 3 < documents.txt";
/// Examples of `tts`.
pub const TTS_EXAMPLES: &str = "\
Example:
  modelrt tts openai/tts-1 \"Hello there\" --voice alloy --output hello.mp3";
/// Examples of `transcribe`.
pub const TRANSCRIBE_EXAMPLES: &str = "\
Example:
  modelrt transcribe openai/whisper-1 meeting.mp3 --language en";
/// Examples of `moderate`.
pub const MODERATE_EXAMPLES: &str = "\
Example:
  modelrt moderate openai/omni-moderation-latest \"some text\" --json";

/// Texts given as arguments, else the non-empty lines of stdin.
fn texts_or_stdin_lines(given: &[String], what: &str) -> Result<Vec<String>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let text = text_or_stdin(None, what)?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect())
}

/// What embeddings are used for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum InputType {
    /// Texts to be searched.
    Document,
    /// Search queries.
    Query,
}

/// Arguments of `embed`.
#[derive(Debug, clap::Args)]
pub struct EmbedArgs {
    /// The model, as PROVIDER/MODEL.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The texts; one per line of stdin when none is given.
    pub texts: Vec<String>,
    /// What the texts are used for.
    #[arg(long, value_enum, default_value = "document")]
    pub input_type: InputType,
    /// A model parameter (NAME=VALUE, repeatable).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, Value)>,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `embed`.
pub fn embed(args: &EmbedArgs) -> Result<(), Failure> {
    let texts = texts_or_stdin_lines(&args.texts, "texts")?;
    let opened = open(
        &args.target,
        ModelType::TextEmbedding,
        &args.params,
        &args.http,
    )?;
    let request = EmbeddingRequest {
        texts,
        input_type: match args.input_type {
            InputType::Document => EmbeddingInputType::Document,
            InputType::Query => EmbeddingInputType::Query,
        },
    };
    let response = block_on(async {
        let _spinner = Spinner::start("embedding");
        opened
            .handle
            .embed(request)
            .await
            .map_err(|e| opened.fail(&e))
    })?;
    if args.output.json {
        let value = json!({
            "provider": opened.handle.provider().id,
            "model": opened.handle.id(),
            "embeddings": response.embeddings,
            "usage": render::input_usage(&response.usage),
        });
        out!("{value}");
        return Ok(());
    }
    for (index, vector) in response.embeddings.iter().enumerate() {
        let head: Vec<String> = vector.iter().take(4).map(|v| format!("{v:.6}")).collect();
        let more = if vector.len() > 4 { ", ..." } else { "" };
        out!(
            "#{index}  {} dimensions  [{}{more}]",
            vector.len(),
            head.join(", ")
        );
    }
    eprintln!(
        "{}",
        Style::stderr().dim(&render::input_usage_line(&response.usage))
    );
    Ok(())
}

/// Arguments of `rerank`.
#[derive(Debug, clap::Args)]
pub struct RerankArgs {
    /// The model, as PROVIDER/MODEL.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The query the documents are ranked against.
    #[arg(long, short)]
    pub query: String,
    /// The documents; one per line of stdin when none is given.
    pub documents: Vec<String>,
    /// Return at most this many results.
    #[arg(long)]
    pub top_n: Option<u32>,
    /// Drop results scoring below this.
    #[arg(long)]
    pub score_threshold: Option<f64>,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `rerank`.
pub fn rerank(args: &RerankArgs) -> Result<(), Failure> {
    let documents = texts_or_stdin_lines(&args.documents, "documents")?;
    let opened = open(&args.target, ModelType::Rerank, &[], &args.http)?;
    let request = RerankRequest {
        query: args.query.clone(),
        documents,
        top_n: args.top_n,
        score_threshold: args.score_threshold,
    };
    let response = block_on(async {
        let _spinner = Spinner::start("reranking");
        opened
            .handle
            .rerank(request)
            .await
            .map_err(|e| opened.fail(&e))
    })?;
    if args.output.json {
        let results: Vec<Value> = response
            .results
            .iter()
            .map(|r| json!({"index": r.index, "score": r.score, "document": r.document}))
            .collect();
        let value = json!({
            "provider": opened.handle.provider().id,
            "model": opened.handle.id(),
            "results": results,
            "usage": response.usage.as_ref().map(render::input_usage),
        });
        out!("{value}");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = response
        .results
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let document: String = r.document.chars().take(60).collect();
            vec![
                (rank + 1).to_string(),
                r.index.to_string(),
                format!("{:.4}", r.score),
                document,
            ]
        })
        .collect();
    print_table(&["RANK", "INDEX", "SCORE", "DOCUMENT"], &rows);
    if let Some(usage) = &response.usage {
        eprintln!("{}", Style::stderr().dim(&render::input_usage_line(usage)));
    }
    Ok(())
}

/// Arguments of `tts`.
#[derive(Debug, clap::Args)]
pub struct TtsArgs {
    /// The model, as PROVIDER/MODEL.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The text to speak; read from stdin when absent.
    pub text: Option<String>,
    /// The audio file to write.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub output_file: PathBuf,
    /// The voice id (default: the model's default voice).
    #[arg(long)]
    pub voice: Option<String>,
    /// The audio format, e.g. mp3 (default: the model's audio type).
    #[arg(long)]
    pub format: Option<String>,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `tts`: the audio is written to a temporary file beside the target, then renamed, so
/// a failed call never leaves a truncated file under the requested name.
pub fn tts(args: &TtsArgs) -> Result<(), Failure> {
    let text = text_or_stdin(args.text.as_deref(), "text")?;
    let opened = open(&args.target, ModelType::Tts, &[], &args.http)?;
    let request = TtsRequest {
        text,
        voice: args.voice.clone(),
        format: args.format.clone(),
    };
    let path = &args.output_file;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let io_error =
        |e: std::io::Error| Failure::new("output", format!("cannot write {}: {e}", path.display()));
    let written = block_on(async {
        let mut spinner = Spinner::start("synthesizing");
        let mut audio = opened
            .handle
            .synthesize(request)
            .await
            .map_err(|e| opened.fail(&e))?;
        let mut file = std::fs::File::create(&partial).map_err(io_error)?;
        let mut written = 0usize;
        while let Some(bytes) = audio.next().await {
            spinner.stop();
            let bytes = bytes.map_err(|e| opened.fail(&e))?;
            file.write_all(&bytes).map_err(io_error)?;
            written += bytes.len();
        }
        file.flush().map_err(io_error)?;
        Ok(written)
    })
    .and_then(|written| {
        std::fs::rename(&partial, path).map_err(io_error)?;
        Ok(written)
    })
    .inspect_err(|_| {
        // Whatever failed, no partial audio stays behind (it may not exist: ignore that).
        let _ = std::fs::remove_file(&partial);
    })?;
    if args.output.json {
        let value = json!({"file": path.display().to_string(), "bytes": written});
        out!("{value}");
    } else {
        out!("wrote {written} bytes to {}", path.display());
    }
    Ok(())
}

/// Arguments of `transcribe`.
#[derive(Debug, clap::Args)]
pub struct TranscribeArgs {
    /// The model, as PROVIDER/MODEL.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The audio file.
    pub file: PathBuf,
    /// The spoken language (ISO 639-1, e.g. en).
    #[arg(long)]
    pub language: Option<String>,
    /// Text that guides the transcription's style or vocabulary.
    #[arg(long)]
    pub prompt: Option<String>,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The MIME type of common audio file extensions.
fn audio_mime(extension: &str) -> Option<&'static str> {
    Some(match extension.to_ascii_lowercase().as_str() {
        "mp3" | "mpga" | "mpeg" => "audio/mpeg",
        "m4a" | "mp4" => "audio/mp4",
        "wav" => "audio/wav",
        "webm" => "audio/webm",
        "ogg" | "oga" => "audio/ogg",
        "flac" => "audio/flac",
        _ => return None,
    })
}

/// Runs `transcribe`.
pub fn transcribe(args: &TranscribeArgs) -> Result<(), Failure> {
    let audio = std::fs::read(&args.file)
        .map_err(|e| Failure::new("input", format!("cannot read {}: {e}", args.file.display())))?;
    let file_name = args
        .file
        .file_name()
        .map_or_else(|| "audio".to_owned(), |n| n.to_string_lossy().into_owned());
    let mime_type = args
        .file
        .extension()
        .and_then(|e| audio_mime(&e.to_string_lossy()))
        .map(str::to_owned);
    let opened = open(&args.target, ModelType::Speech2Text, &[], &args.http)?;
    let request = TranscriptionRequest {
        audio,
        file_name,
        mime_type,
        language: args.language.clone(),
        prompt: args.prompt.clone(),
    };
    let transcription = block_on(async {
        let _spinner = Spinner::start("transcribing");
        opened
            .handle
            .transcribe(request)
            .await
            .map_err(|e| opened.fail(&e))
    })?;
    if args.output.json {
        let value = json!({
            "text": transcription.text,
            "language": transcription.language,
            "duration_seconds": transcription.duration_seconds,
        });
        out!("{value}");
    } else {
        out!("{}", transcription.text);
    }
    Ok(())
}

/// Arguments of `moderate`.
#[derive(Debug, clap::Args)]
pub struct ModerateArgs {
    /// The model, as PROVIDER/MODEL.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// The text to check; read from stdin when absent.
    pub text: Option<String>,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `moderate`. A flagged text is a result, not a failure: the exit code stays 0.
pub fn moderate(args: &ModerateArgs) -> Result<(), Failure> {
    let text = text_or_stdin(args.text.as_deref(), "text")?;
    let opened = open(&args.target, ModelType::Moderation, &[], &args.http)?;
    let result = block_on(async {
        let _spinner = Spinner::start("moderating");
        opened
            .handle
            .moderate(ModerationRequest { text })
            .await
            .map_err(|e| opened.fail(&e))
    })?;
    if args.output.json {
        let categories: Vec<Value> = result
            .categories
            .iter()
            .map(|c| json!({"name": c.name, "flagged": c.flagged, "score": c.score}))
            .collect();
        out!(
            "{}",
            json!({"flagged": result.flagged, "categories": categories})
        );
        return Ok(());
    }
    out!("flagged: {}", if result.flagged { "yes" } else { "no" });
    let rows: Vec<Vec<String>> = result
        .categories
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                if c.flagged { "yes" } else { "" }.to_owned(),
                c.score.map_or_else(String::new, |s| format!("{s:.4}")),
            ]
        })
        .collect();
    if !rows.is_empty() {
        print_table(&["CATEGORY", "FLAGGED", "SCORE"], &rows);
    }
    Ok(())
}
