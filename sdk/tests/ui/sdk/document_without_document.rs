// echo-mini declares no `document` feature.
use modelrt_sdk::runtime::llm::MediaSource;
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn client() -> echo::Client {
    echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    })
}

fn main() -> modelrt_sdk::runtime::Result<()> {
    let model = client().llm(echo::models::EchoMini)?;
    let report = MediaSource::Url("https://docs.invalid/report.pdf".to_owned());
    let _chat = model.chat().user_document("summarise this", report, None);
    Ok(())
}
