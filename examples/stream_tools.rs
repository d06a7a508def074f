//! Streams an answer from GPT-5.4 mini that may call a tool, reassembling the streamed tool-call
//! fragments. Offering tools while streaming compiles only because the model's YAML declares
//! `tool-call` and `stream-tool-call`.
//!
//! ```sh
//! OPENAI_API_KEY=sk-... cargo run --example stream_tools -- "What's the weather in Paris?"
//! ```

use futures::StreamExt;
use modelrt::openai;
use modelrt::runtime::llm::{LlmResponse, StreamAccumulator, Tool};
use modelrt::runtime::Result;
use serde_json::json;

/// The one tool the model is offered.
pub fn weather_tool() -> Tool {
    Tool::new(
        "get_weather",
        "Current weather in a city",
        json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"]
        }),
    )
}

/// Streams the answer to `question`, printing text as it arrives, and returns the whole answer
/// (tool calls reassembled).
pub async fn ask(client: &openai::Client, question: &str) -> Result<LlmResponse> {
    let model = client.llm(openai::models::Gpt54Mini)?;
    let chat = model.chat().user(question).tool(weather_tool());
    let mut stream = model.stream(chat).await?;
    let mut answer = StreamAccumulator::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        print!("{}", chunk.content);
        answer.push(&chunk);
    }
    println!();
    Ok(answer.finish())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let question = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "What's the weather in Paris?".into());
    let client = match openai::Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}\nset OPENAI_API_KEY (and OPENAI_API_BASE for another server)");
            return std::process::ExitCode::FAILURE;
        }
    };
    match ask(&client, &question).await {
        Ok(answer) => {
            for call in &answer.tool_calls {
                println!("tool call {}: {}({})", call.id, call.name, call.arguments);
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
