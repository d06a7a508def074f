//! A typed chat with OpenAI's GPT-5.4 mini: typed credentials, a model marker, typed parameters.
//!
//! ```sh
//! OPENAI_API_KEY=sk-... cargo run --example typed_chat -- "Why is the sky blue?"
//! ```
//!
//! The credentials come from the environment (`modelrt::env`): each form variable from
//! `MODELRT_OPENAI_<VARIABLE>`, else from the vendor's own name, so `OPENAI_API_KEY` and
//! `OPENAI_API_BASE` (e.g. `http://127.0.0.1:8080/v1`, any OpenAI-compatible server) work.

use modelrt::openai::{self, models::Gpt54Mini, param};
use modelrt::runtime::Result;
use modelrt::Params;

/// A client with an API key and, optionally, another API base (e.g. `http://127.0.0.1:8080/v1`).
pub fn client(api_key: String, api_base: Option<String>) -> openai::Client {
    let credentials = openai::Credentials::new(api_key);
    openai::Client::new(match api_base {
        Some(base) => credentials.with_openai_api_base(base),
        None => credentials,
    })
}

/// Asks `question` and returns the answer with its usage line.
pub async fn ask(client: &openai::Client, question: &str) -> Result<String> {
    let model = client
        .llm(Gpt54Mini)?
        .with_params(&Params::<Gpt54Mini>::new().set(param::max_completion_tokens, 300))?;
    // Parameters of one request join (and override) the model's.
    let chat = model
        .chat()
        .system("Answer in one short paragraph.")
        .user(question)
        .params(&Params::<Gpt54Mini>::new().set(param::temperature, 0.2));
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
    let client = match openai::Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}\nset OPENAI_API_KEY (and OPENAI_API_BASE for another server)");
            return std::process::ExitCode::FAILURE;
        }
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
