//! async-openai (`chat().create_stream` / `chat().create`) against raw `reqwest` +
//! `serde_json`, on the same local server and with the same baseline as modelrt's
//! `stream_decode` bench (`../common`), CPU time of the client thread only.

#[path = "../../common/mod.rs"]
mod common;

use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequest,
    CreateChatCompletionRequestArgs,
};
use async_openai::Client;
use common::{raw, server, Pair, KEY, RUNS, SMALL_REQUESTS};
use futures::StreamExt;

fn hello() -> CreateChatCompletionRequest {
    let message = ChatCompletionRequestUserMessageArgs::default()
        .content("Say hello")
        .build()
        .expect("message");
    CreateChatCompletionRequestArgs::default()
        .model("gpt-4o")
        .messages([message.into()])
        .build()
        .expect("request")
}

/// What async-openai users do with a stream: append each chunk's content, keep the usage.
async fn openai_stream(client: &Client<OpenAIConfig>) -> (usize, u64) {
    let mut stream = client.chat().create_stream(hello()).await.expect("stream");
    let (mut content, mut total_tokens) = (String::new(), 0);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        if let Some(usage) = chunk.usage {
            total_tokens = u64::from(usage.total_tokens);
        }
        for choice in chunk.choices {
            content.push_str(choice.delta.content.as_deref().unwrap_or(""));
        }
    }
    (content.len(), total_tokens)
}

async fn openai_small(client: &Client<OpenAIConfig>) -> usize {
    let answer = client.chat().create(hello()).await.expect("call");
    answer
        .choices
        .first()
        .and_then(|choice| choice.message.content.as_ref())
        .map_or(0, String::len)
}

fn main() {
    let base = server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let raw_client = reqwest::Client::builder().build().expect("client");
    let config = OpenAIConfig::new().with_api_base(&base).with_api_key(KEY);
    let client = Client::with_config(config);

    runtime.block_on(async {
        assert_eq!(
            raw::stream(&raw_client, &base).await,
            openai_stream(&client).await
        );
        assert_eq!(
            raw::small(&raw_client, &base).await,
            openai_small(&client).await
        );

        Pair::alternate(
            RUNS,
            || async {
                openai_stream(&client).await;
            },
            || async {
                raw::stream(&raw_client, &base).await;
            },
        )
        .await
        .print_stream("async-openai");

        Pair::alternate(
            RUNS,
            || async {
                for _ in 0..SMALL_REQUESTS {
                    openai_small(&client).await;
                }
            },
            || async {
                for _ in 0..SMALL_REQUESTS {
                    raw::small(&raw_client, &base).await;
                }
            },
        )
        .await
        .print_small("async-openai");
    });
}
