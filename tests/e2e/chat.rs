//! Chat completions, whole and streamed: the same text either way, stop sequences, the token
//! limit, usage reported or estimated, and a prompt too long for the context.

use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::llm::FinishReason;
use modelrt::runtime::ErrorKind;

use crate::client::{self, ask, greedy, invoke, stream};
use crate::serial;
use crate::server::SharedServers;

const PROMPT: &str = "Why is the sky blue? Answer in two sentences.";
const COUNTING: &str = "Count from 1 to 20, one number per line.";

#[tokio::test]
async fn streamed_and_whole_answers_are_the_same_text() {
    let Some(servers) = SharedServers::get("streamed_and_whole_answers_are_the_same_text") else {
        return;
    };
    let _turn = serial().await;
    let handle = client::llm(&servers.base_url, &servers.model, greedy(48));
    // Greedy output depends on the server's prompt cache; one call first puts it in the
    // state both compared calls then see.
    invoke(&handle, ask(PROMPT)).await;

    let whole = invoke(&handle, ask(PROMPT)).await;
    let (streamed, chunks) = stream(&handle, ask(PROMPT)).await;

    assert!(!whole.content.trim().is_empty(), "empty answer: {whole:?}");
    assert!(
        chunks.iter().filter(|c| !c.content.is_empty()).count() > 5,
        "the answer should arrive in many pieces, got {} chunks",
        chunks.len()
    );
    assert_eq!(streamed.content, whole.content, "streamed text differs");
    assert_eq!(streamed.finish_reason, whole.finish_reason);
    assert!(whole.finish_reason.is_some(), "{whole:?}");
}

#[tokio::test]
async fn usage_is_reported_whole_and_estimated_when_streamed() {
    let Some(servers) = SharedServers::get("usage_is_reported_whole_and_estimated_when_streamed")
    else {
        return;
    };
    let _turn = serial().await;
    let handle = client::llm(&servers.base_url, &servers.model, greedy(40));
    invoke(&handle, ask(PROMPT)).await;

    let whole = invoke(&handle, ask(PROMPT)).await;
    let reported = whole.usage;
    assert!(
        !reported.estimated,
        "the server reports usage: {reported:?}"
    );
    assert!(reported.prompt_tokens > 0, "{reported:?}");
    assert!(reported.completion_tokens > 0, "{reported:?}");
    assert_eq!(
        reported.total_tokens,
        reported.prompt_tokens + reported.completion_tokens
    );

    // llama.cpp's server sends no usage in streams (even when asked to), so it is estimated.
    let (streamed, chunks) = stream(&handle, ask(PROMPT)).await;
    let with_usage: Vec<_> = chunks.iter().filter_map(|c| c.usage).collect();
    assert_eq!(with_usage.len(), 1, "exactly one chunk carries usage");
    let estimated = streamed.usage;
    assert!(
        estimated.estimated,
        "stream usage must be marked estimated: {estimated:?}"
    );
    eprintln!(
        "usage reported {}+{}, estimated {}+{}",
        reported.prompt_tokens,
        reported.completion_tokens,
        estimated.prompt_tokens,
        estimated.completion_tokens
    );
    // Different tokenizers (tiktoken vs SmolLM2's), same text: close, not equal.
    assert_within(
        "completion tokens",
        estimated.completion_tokens,
        reported.completion_tokens,
        0.5,
    );
    // The server's prompt count includes SmolLM2's chat template and its default system
    // prompt (about 25 tokens) that an offline count cannot know.
    assert!(
        estimated.prompt_tokens > 0 && estimated.prompt_tokens < reported.prompt_tokens,
        "{estimated:?} vs {reported:?}"
    );
}

#[tokio::test]
async fn stop_sequence_ends_the_answer() {
    let Some(servers) = SharedServers::get("stop_sequence_ends_the_answer") else {
        return;
    };
    let _turn = serial().await;
    let handle = client::llm(&servers.base_url, &servers.model, greedy(60));

    let unstopped = invoke(&handle, ask(COUNTING)).await;
    assert!(
        unstopped.content.trim().contains('\n'),
        "precondition: the answer has several lines: {:?}",
        unstopped.content
    );

    let stopped_request = || ask(COUNTING).with_stop(vec!["\n".to_owned()]);
    let whole = invoke(&handle, stopped_request()).await;
    let (streamed, _) = stream(&handle, stopped_request()).await;
    for (how, answer) in [("whole", &whole), ("streamed", &streamed)] {
        assert!(!answer.content.is_empty(), "{how}: {answer:?}");
        assert!(
            !answer.content.contains('\n'),
            "{how}: {:?}",
            answer.content
        );
        assert_eq!(answer.finish_reason, Some(FinishReason::Stop), "{how}");
    }
    assert!(whole.usage.completion_tokens < unstopped.usage.completion_tokens);
}

#[tokio::test]
async fn max_tokens_gives_finish_reason_length() {
    let Some(servers) = SharedServers::get("max_tokens_gives_finish_reason_length") else {
        return;
    };
    let _turn = serial().await;
    let handle = client::llm(&servers.base_url, &servers.model, greedy(5));

    let whole = invoke(&handle, ask(PROMPT)).await;
    assert_eq!(whole.finish_reason, Some(FinishReason::Length), "{whole:?}");
    assert_eq!(whole.usage.completion_tokens, 5, "{:?}", whole.usage);

    let (streamed, chunks) = stream(&handle, ask(PROMPT)).await;
    assert_eq!(streamed.finish_reason, Some(FinishReason::Length));
    let pieces = chunks.iter().filter(|c| !c.content.is_empty()).count();
    assert!(
        (1..=5).contains(&pieces),
        "{pieces} text pieces for 5 tokens"
    );
}

#[tokio::test]
async fn prompt_longer_than_the_context_is_a_context_window_error() {
    let Some(servers) =
        SharedServers::get("prompt_longer_than_the_context_is_a_context_window_error")
    else {
        return;
    };
    let _turn = serial().await;
    let handle = client::llm(&servers.base_url, &servers.model, greedy(5));
    // The server runs with a 2048-token context.
    let long = "word ".repeat(3000);

    let error = handle
        .invoke(ask(&long))
        .await
        .expect_err("3000 words do not fit 2048 tokens");
    eprintln!("whole: {error}");
    assert_eq!(error.kind(), ErrorKind::ContextWindowExceeded, "{error}");

    // Streamed, the server answers 200 with an empty event stream: that must not look like
    // an empty, successful answer.
    let outcome = match handle.stream(ask(&long)).await {
        Err(error) => Err(error),
        Ok(stream) => {
            use futures::StreamExt;
            let items: Vec<_> = stream.collect().await;
            match items.into_iter().find_map(Result::err) {
                Some(error) => Err(error),
                None => Ok(()),
            }
        }
    };
    let error = outcome.expect_err("an empty stream is not a successful answer");
    eprintln!("streamed: {error}");
}

#[tokio::test]
async fn completion_mode_streams_the_same_text_as_it_answers() {
    const TEST: &str = "completion_mode_streams_the_same_text_as_it_answers";
    let Some(servers) = SharedServers::get(TEST) else {
        return;
    };
    let _turn = serial().await;
    // `mode: completion` sends the conversation as one prompt to /completions.
    let handle = client::open_in_mode(
        ModelType::Llm,
        &servers.base_url,
        &servers.model,
        "completion",
    )
    .unwrap_or_else(|e| panic!("{TEST}: {e}"))
    .with_params(&client::params(greedy(24)))
    .unwrap_or_else(|e| panic!("{TEST}: {e}"))
    .with_http(client::http());
    let prompt = "The capital of France is";
    invoke(&handle, ask(prompt)).await;

    let whole = invoke(&handle, ask(prompt)).await;
    let (streamed, _) = stream(&handle, ask(prompt)).await;
    assert!(!whole.content.trim().is_empty(), "{whole:?}");
    assert_eq!(streamed.content, whole.content);
    assert_eq!(streamed.finish_reason, whole.finish_reason);
    assert!(!whole.usage.estimated && streamed.usage.estimated);
}

/// Asserts `estimate` is within `tolerance` (a fraction) of `actual`.
fn assert_within(what: &str, estimate: u64, actual: u64, tolerance: f64) {
    let difference = (estimate as f64 - actual as f64).abs();
    assert!(
        difference <= tolerance * actual as f64,
        "{what}: estimate {estimate} is more than {:.0}% off {actual}",
        tolerance * 100.0
    );
}
