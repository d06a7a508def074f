//! Build-pipeline benchmark: a synthetic provider tree, then load + validate + generate.
//!
//! ```text
//! cargo bench -p modelrt-codegen --bench pipeline                    # temp tree, 7 runs
//! cargo bench -p modelrt-codegen --bench pipeline -- synth DIR [PROVIDERS] [MODELS]
//! cargo bench -p modelrt-codegen --bench pipeline -- measure DIR [RUNS]
//! cargo bench -p modelrt-codegen --bench pipeline -- emit DIR OUT_FILE
//! ```
//!
//! `measure` prints the median of each phase and the process's peak resident memory
//! (`VmHWM` from `/proc/self/status`, Linux). `benches/codegen.sh` at the repo root drives it
//! and the `cargo check` measurements.

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use modelrt_codegen::emit::EmitOptions;
use modelrt_codegen::{emit, load, LoadOptions};

const PROVIDERS: usize = 200;
const MODELS_PER_PROVIDER: usize = 25;
/// Of each provider's models, this many are text-embedding models; the rest are LLMs.
const EMBEDDINGS_PER_PROVIDER: usize = 5;

fn main() {
    // `cargo bench` passes `--bench` to harness-less benches; it is not ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let result = match args.first().map(String::as_str) {
        Some("synth") => synth_command(&args[1..]),
        Some("measure") => measure_command(&args[1..]),
        Some("emit") => emit_command(&args[1..]),
        None => default_run(),
        Some(other) => Err(format!("unknown command `{other}` (synth | measure)")),
    };
    if let Err(message) = result {
        eprintln!("pipeline bench: {message}");
        std::process::exit(2);
    }
}

fn number(arg: Option<&String>, default: usize) -> Result<usize, String> {
    arg.map_or(Ok(default), |a| {
        a.parse().map_err(|_| format!("`{a}` is not a number"))
    })
}

fn synth_command(args: &[String]) -> Result<(), String> {
    let dir = args.first().ok_or("synth needs a directory")?;
    let providers = number(args.get(1), PROVIDERS)?;
    let models = number(args.get(2), MODELS_PER_PROVIDER)?;
    let files = write_tree(Path::new(dir), providers, models).map_err(|e| e.to_string())?;
    println!("wrote {files} files ({providers} providers x {models} models) to {dir}");
    Ok(())
}

fn measure_command(args: &[String]) -> Result<(), String> {
    let dir = args.first().ok_or("measure needs a directory")?;
    let runs = number(args.get(1), 7)?;
    measure(Path::new(dir), runs)
}

/// Writes the generated source of a tree to a file (to inspect it or compile it elsewhere).
fn emit_command(args: &[String]) -> Result<(), String> {
    let (Some(dir), Some(out)) = (args.first(), args.get(1)) else {
        return Err("emit needs a tree directory and an output file".to_owned());
    };
    let loaded = load(Path::new(dir), &LoadOptions { strict: false });
    if loaded.diagnostics.has_errors() {
        return Err(format!(
            "the tree has errors:\n{}",
            loaded.diagnostics.render()
        ));
    }
    let source = emit(&loaded.catalog, &EmitOptions::default())
        .map_err(|e| e.to_string())?
        .to_source();
    fs::write(out, source).map_err(|e| format!("{out}: {e}"))
}

fn default_run() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("modelrt-pipeline-bench-{}", std::process::id()));
    let result = write_tree(&dir, PROVIDERS, MODELS_PER_PROVIDER)
        .map_err(|e| e.to_string())
        .and_then(|_| measure(&dir, 7));
    let _ = fs::remove_dir_all(&dir);
    result
}

/// Runs load and emit `runs` times and prints medians and peak memory.
fn measure(dir: &Path, runs: usize) -> Result<(), String> {
    let mut load_times = Vec::new();
    let mut emit_times = Vec::new();
    let mut total_times = Vec::new();
    let mut summary = String::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let loaded = load(dir, &LoadOptions { strict: false });
        let loaded_at = Instant::now();
        if loaded.diagnostics.has_errors() {
            return Err(format!(
                "the tree has errors:\n{}",
                loaded.diagnostics.render()
            ));
        }
        let source = emit(&loaded.catalog, &EmitOptions::default())
            .map_err(|e| e.to_string())?
            .to_source();
        let done = Instant::now();
        load_times.push(loaded_at - start);
        emit_times.push(done - loaded_at);
        total_times.push(done - start);
        summary = format!(
            "{} providers, {} models, {} warnings, {} bytes / {} lines generated",
            loaded.catalog.providers.len(),
            loaded.catalog.model_count(),
            loaded.diagnostics.warning_count(),
            source.len(),
            source.lines().count()
        );
    }
    println!("tree: {}", dir.display());
    println!("{summary}");
    println!("runs: {}", total_times.len());
    println!("load+validate median: {:.3} s", median(&mut load_times));
    println!("generate median:      {:.3} s", median(&mut emit_times));
    println!("total median:         {:.3} s", median(&mut total_times));
    match peak_rss_kib() {
        Some(kib) => println!("peak RSS: {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak RSS: unavailable (no /proc/self/status)"),
    }
    Ok(())
}

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times
        .get(times.len() / 2)
        .map_or(0.0, Duration::as_secs_f64)
}

/// `VmHWM`: the peak resident set size of this process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes a tree of `providers` providers with `models` models each; returns the file count.
fn write_tree(root: &Path, providers: usize, models: usize) -> io::Result<usize> {
    if root.exists() {
        fs::remove_dir_all(root)?;
    }
    fs::create_dir_all(root)?;
    let mut files = 0;
    let ids: Vec<String> = (0..providers).map(|p| format!("synth{p:03}")).collect();
    write(&root.join("_position.yaml"), &position(&ids))?;
    files += 1;
    for (p, id) in ids.iter().enumerate() {
        let dir = root.join(id);
        write(&dir.join(format!("{id}.yaml")), &provider_yaml(id, p))?;
        files += 1;
        let embeddings = EMBEDDINGS_PER_PROVIDER.min(models);
        let llms = models - embeddings;
        let llm_ids: Vec<String> = (0..llms).map(|m| format!("{id}-chat-{m:02}")).collect();
        for (m, model) in llm_ids.iter().enumerate() {
            write(
                &dir.join("llm").join(format!("{model}.yaml")),
                &llm_yaml(model, m),
            )?;
            files += 1;
        }
        if !llm_ids.is_empty() {
            write(&dir.join("llm/_position.yaml"), &position(&llm_ids))?;
            files += 1;
        }
        for m in 0..embeddings {
            let model = format!("{id}-embed-{m:02}");
            let path = dir.join("text_embedding").join(format!("{model}.yaml"));
            write(&path, &embedding_yaml(&model, m))?;
            files += 1;
        }
    }
    Ok(files)
}

fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn position(ids: &[String]) -> String {
    ids.iter().map(|id| format!("- {id}\n")).collect()
}

fn provider_yaml(id: &str, index: usize) -> String {
    format!(
        "provider: {id}
label:
  en_US: Synthetic provider {index}
  zh_Hans: 合成供应商 {index}
description:
  en_US: A generated provider for the build-pipeline benchmark.
supported_model_types:
  - llm
  - text-embedding
configurate_methods:
  - predefined-model
provider_credential_schema:
  credential_form_schemas:
    - variable: api_key
      label:
        en_US: API Key
      type: secret-input
      placeholder:
        en_US: Enter your API key
    - variable: region
      label:
        en_US: Region
      type: select
      required: false
      default: us
      options:
        - value: us
          label:
            en_US: United States
        - value: eu
          label:
            en_US: Europe
    - variable: use_proxy
      label:
        en_US: Use proxy
      type: switch
      required: false
      default: 'false'
    - variable: endpoint_url
      label:
        en_US: Endpoint URL
      type: text-input
      required: false
extra:
  modelrt:
    protocol: openai-compatible
    base_url: https://{id}.example.invalid/v1
    api_key_variable: api_key
"
    )
}

fn llm_yaml(id: &str, index: usize) -> String {
    let deprecated = if index % 10 == 9 {
        "deprecated: true\n"
    } else {
        ""
    };
    format!(
        "model: {id}
label:
  en_US: Chat model {index}
model_type: llm
features:
  - tool-call
  - multi-tool-call
  - stream-tool-call
  - vision
model_properties:
  mode: chat
  context_size: {context}
parameter_rules:
  - name: temperature
    use_template: temperature
    max: 2.0
  - name: top_p
    use_template: top_p
  - name: presence_penalty
    use_template: presence_penalty
  - name: frequency_penalty
    use_template: frequency_penalty
  - name: max_tokens
    use_template: max_tokens
    default: 4096
    max: 32768
  - name: response_format
    label:
      en_US: Response Format
    type: string
    options:
      - text
      - json_object
  - name: seed
    label:
      en_US: Seed
    type: int
    min: 0
pricing:
  input: '{input}'
  output: '{output}'
  unit: '0.000001'
  currency: USD
{deprecated}",
        context = 8192 * (index + 1),
        input = format_args!("0.{:02}", index + 1),
        output = format_args!("{}.{:02}", index / 10, index + 3),
    )
}

fn embedding_yaml(id: &str, index: usize) -> String {
    format!(
        "model: {id}
label:
  en_US: Embedding model {index}
model_type: text-embedding
model_properties:
  context_size: 8192
  max_chunks: 32
pricing:
  input: '0.0{index}2'
  unit: '0.000001'
  currency: USD
"
    )
}
