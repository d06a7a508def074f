//! Embeds a few sentences with OpenAI's text-embedding-3-small and prints their cosine
//! similarity to the first one.
//!
//! ```sh
//! OPENAI_API_KEY=sk-... cargo run --example embedding -- "a cat" "a kitten" "a tax form"
//! ```

use modelrt::openai;
use modelrt::runtime::Result;

/// Cosine similarity of two vectors (0 when either is all zeros).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        dot / denominator
    }
}

/// Each text's similarity to the first text, in order.
pub async fn similarities(client: &openai::Client, texts: &[String]) -> Result<Vec<f32>> {
    let model = client.text_embedding(openai::models::TextEmbedding3Small)?;
    let response = model.embed(texts.iter().cloned()).await?;
    let Some(first) = response.embeddings.first() else {
        return Ok(Vec::new());
    };
    Ok(response
        .embeddings
        .iter()
        .map(|e| cosine(first, e))
        .collect())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut texts: Vec<String> = std::env::args().skip(1).collect();
    if texts.is_empty() {
        texts = vec!["a cat".into(), "a kitten".into(), "a tax form".into()];
    }
    let client = match openai::Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}\nset OPENAI_API_KEY (and OPENAI_API_BASE for another server)");
            return std::process::ExitCode::FAILURE;
        }
    };
    match similarities(&client, &texts).await {
        Ok(scores) => {
            for (text, score) in texts.iter().zip(scores) {
                println!("{score:.3}  {text}");
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
