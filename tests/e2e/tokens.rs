//! Offline token counts (tiktoken vocabularies) against the server's own tokenizer.

use modelrt::runtime::tokens::count_text;

use crate::client::{self, ask, greedy};
use crate::llama::server_token_count;
use crate::serial;
use crate::server::SharedServers;

/// Texts of different kinds; the two tokenizers agree best on English prose.
const SAMPLES: [&str; 4] = [
    "The sky is blue because molecules in the air scatter short wavelengths of sunlight more \
     than long ones, so blue light reaches our eyes from every direction.",
    "fn main() {\n    let total: u64 = (1..=10).map(|n| n * n).sum();\n    println!(\"{total}\");\n}\n",
    "Invoice 2024-117: 3 items at 19.99 EUR, 12 items at 4.50 EUR, total 113.97 EUR.",
    "Bonjour ! Pourquoi le ciel est-il bleu ? Parce que l'air diffuse davantage la lumière bleue.",
];

#[tokio::test]
async fn offline_counts_are_close_to_the_servers_tokenizer() {
    let Some(servers) = SharedServers::get("offline_counts_are_close_to_the_servers_tokenizer")
    else {
        return;
    };
    let _turn = serial().await;
    let (mut offline_total, mut server_total) = (0u64, 0u64);
    for text in SAMPLES {
        let offline = count_text(&servers.model, text);
        let server = server_token_count(servers.root_url(), text).await as u64;
        let start: String = text.chars().take(24).collect();
        eprintln!("offline {offline:>3}, server {server:>3}: {start:?}");
        assert!(server > 0 && offline > 0);
        // Per text, the vocabularies may differ a lot (code, numbers, French).
        let ratio = offline as f64 / server as f64;
        assert!(
            (0.5..=1.5).contains(&ratio),
            "offline {offline} vs server {server} for {text:?}"
        );
        offline_total += offline;
        server_total += server;
    }
    let ratio = offline_total as f64 / server_total as f64;
    eprintln!("total: offline {offline_total}, server {server_total}, ratio {ratio:.2}");
    assert!(
        (0.75..=1.25).contains(&ratio),
        "over all samples, offline {offline_total} vs server {server_total}"
    );
}

#[tokio::test]
async fn handle_counts_prompt_tokens_offline() {
    let Some(servers) = SharedServers::get("handle_counts_prompt_tokens_offline") else {
        return;
    };
    let _turn = serial().await;
    let handle = client::llm(&servers.base_url, &servers.model, greedy(1));
    let text = SAMPLES[0];
    let counted = handle
        .count_tokens(&ask(text))
        .expect("an LLM handle counts tokens");
    let server_text = server_token_count(servers.root_url(), text).await as u64;
    eprintln!("handle count {counted}, server tokenizer on the text alone {server_text}");
    // The prompt count adds a few tokens of chat framing to the text's own count.
    assert!(counted >= count_text(&servers.model, text));
    assert!(
        counted <= count_text(&servers.model, text) + 12,
        "{counted}"
    );
    assert!((counted as f64) < 1.5 * server_text as f64 + 12.0);
}
