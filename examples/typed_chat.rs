//! A typed chat with OpenAI's GPT-4o mini: typed credentials, a model marker, typed parameters.
//!
//! ```sh
//! OPENAI_API_KEY=sk-... cargo run --example typed_chat -- "Why is the sky blue?"
//! ```
//!
//! `OPENAI_API_BASE` (e.g. `http://127.0.0.1:8080/v1`) points it at any OpenAI-compatible server.

use modelrt::openai;
use modelrt::runtime::secret::Secret;
use modelrt::runtime::Result;

/// The client from `OPENAI_API_KEY` and, when set, `OPENAI_API_BASE`.
pub fn client_from_env() -> Option<openai::Client> {
    let key = std::env::var("OPENAI_API_KEY").ok()?;
    Some(client(key, std::env::var("OPENAI_API_BASE").ok()))
}

/// A client with an API key and, optionally, another API base (e.g. `http://127.0.0.1:8080/v1`).
pub fn client(api_key: String, api_base: Option<String>) -> openai::Client {
    openai::Client::new(openai::Credentials {
        openai_api_key: Secret::new(api_key),
        openai_organization: None,
        openai_api_base: api_base,
    })
}

/// Asks `question` and returns the answer with its usage line.
pub async fn ask(client: &openai::Client, question: &str) -> Result<String> {
    let model = client
        .llm(openai::models::Gpt4oMini)?
        .with_params(&openai::LlmParams {
            temperature: Some(0.2),
            max_tokens: Some(300),
            ..Default::default()
        })?;
    let chat = model
        .chat()
        .system("Answer in one short paragraph.")
        .user(question);
    let answer = model.invoke(chat).await?;
    let usage = &answer.usage;
    Ok(format!(
        "{}\n[{} prompt + {} completion tokens]",
        answer.content, usage.prompt_tokens, usage.completion_tokens
    ))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let question = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Why is the sky blue?".into());
    let Some(client) = client_from_env() else {
        eprintln!("set OPENAI_API_KEY (and OPENAI_API_BASE for another server)");
        return std::process::ExitCode::FAILURE;
    };
    match ask(&client, &question).await {
        Ok(text) => {
            println!("{text}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
