//! llama.cpp's own routes, called directly (not through modelrt) to get the server's view:
//! its tokenizer's counts.

use serde_json::{json, Value};

/// How many tokens the server's own tokenizer makes of `text` (`POST /extras/tokenize`).
pub async fn server_token_count(root_url: &str, text: &str) -> usize {
    let url = format!("{root_url}/extras/tokenize");
    let answer: Value = reqwest::Client::new()
        .post(&url)
        .json(&json!({ "input": text }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"))
        .error_for_status()
        .unwrap_or_else(|e| panic!("POST {url}: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: undecodable answer: {e}"));
    answer["tokens"]
        .as_array()
        .unwrap_or_else(|| panic!("POST {url}: no `tokens` array in {answer}"))
        .len()
}
