//! The generated API of the providers under `providers/`, used as an SDK user would.

use std::collections::HashMap;
use std::str::FromStr;

use modelrt::runtime::catalog::{Callability, ModelType, Price};
use modelrt::runtime::credentials::CredentialProblem;
use modelrt::runtime::Decimal;
use modelrt::runtime::ErrorKind;
use modelrt::serde_json::json;
use modelrt::{openai, openai_api_compatible, registry};

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn registry_lists_every_provider_once_in_table_order() {
    assert!(!registry::PROVIDERS.is_empty());
    assert_eq!(registry::PROVIDERS.len(), modelrt::providers::ALL.len());
    for (i, provider) in registry::PROVIDERS.iter().enumerate() {
        let found = registry::provider(provider.id).expect("listed provider is found");
        assert!(std::ptr::eq(found, *provider));
        assert!(
            registry::PROVIDERS[..i].iter().all(|p| p.id != provider.id),
            "duplicate provider id {}",
            provider.id
        );
    }
    assert!(std::ptr::eq(
        registry::provider("openai").expect("openai is declared"),
        &openai::PROVIDER
    ));
    assert!(registry::provider("no-such-provider").is_none());
}

#[test]
fn model_enums_index_their_own_rows() {
    assert!(!openai::Llm::ALL.is_empty());
    for &model in openai::Llm::ALL {
        let info = model.info();
        assert_eq!(info.model_type, ModelType::Llm);
        assert_eq!(model.id(), info.id);
        assert_eq!(model.id().parse::<openai::Llm>(), Ok(model));
        assert!(openai::PROVIDER
            .models
            .iter()
            .any(|row| std::ptr::eq(row, info)));
    }
    let listed: Vec<&str> = openai::PROVIDER
        .models_of(ModelType::Llm)
        .map(|m| m.id)
        .collect();
    let enumerated: Vec<&str> = openai::Llm::ALL.iter().map(|m| m.id()).collect();
    assert_eq!(listed, enumerated, "ALL is in position order");
    let unknown = "gpt-5.4-minii".parse::<openai::Llm>().unwrap_err();
    assert_eq!(unknown.name, "gpt-5.4-minii");
    assert!(unknown.expected.contains(&"gpt-5.4-mini"), "{unknown:?}");
    assert!(
        unknown
            .to_string()
            .starts_with("unknown `openai::Llm` model `gpt-5.4-minii`"),
        "{unknown}"
    );
    let first = openai::Llm::ALL[0];
    assert_eq!(format!("{first:?}"), format!("Llm({:?})", first.id()));
}

#[test]
fn every_price_is_the_exact_declared_decimal() {
    let check = |price: &Price| {
        let parsed = Decimal::from_str(price.declared).expect("declared prices parse");
        assert_eq!(price.value(), parsed, "{}", price.declared);
    };
    let mut priced = 0;
    for provider in registry::PROVIDERS {
        for model in provider.models {
            if let Some(pricing) = &model.pricing {
                check(&pricing.input);
                if let Some(output) = &pricing.output {
                    check(output);
                }
                check(&pricing.unit);
                priced += 1;
            }
        }
    }
    assert!(priced > 0);
}

#[test]
fn callability_follows_extra_modelrt() {
    for provider in registry::PROVIDERS {
        match provider.extra("protocol") {
            Some(protocol) => assert_eq!(provider.callability, Callability::Protocol(protocol)),
            None => assert!(matches!(
                provider.callability,
                Callability::RustImpl | Callability::CatalogOnly
            )),
        }
    }
}

#[test]
fn provider_credentials_are_typed_and_secret() {
    let creds = openai::Credentials::from_map(&map(&[
        ("openai_api_key", "sk-test-0123456789"),
        ("unknown", "dropped"),
    ]))
    .expect("valid credentials");
    assert_eq!(creds.openai_api_key.expose(), "sk-test-0123456789");
    assert_eq!(creds.openai_organization, None);
    let shown = format!("{creds:?}");
    assert!(!shown.contains("0123456789"), "{shown}");

    let err = openai::Credentials::from_map(&map(&[])).expect_err("api key is required");
    assert_eq!(err.variable, "openai_api_key");
    assert_eq!(err.problem, CredentialProblem::Missing);
}

#[test]
fn model_credentials_resolve_model_type_conditions_and_defaults() {
    use openai_api_compatible::{
        AgentThoughtSupport, LlmModelCredentials, Mode, TextEmbeddingModelCredentials,
    };

    let llm_input = [
        ("endpoint_url", "http://localhost:8080/v1"),
        ("mode", "completion"),
        ("context_size", "8192"),
        ("max_tokens_to_sample", "1024"),
        ("stream_mode_delimiter", "\\n\\n"),
    ];
    let llm = LlmModelCredentials::from_map(&map(&llm_input)).expect("valid llm credentials");
    assert_eq!(llm.endpoint_url, "http://localhost:8080/v1");
    assert_eq!(llm.mode, Mode::Completion);
    assert_eq!(llm.mode.as_str().parse::<Mode>(), Ok(llm.mode));
    assert_eq!(
        "edit".parse::<Mode>().unwrap_err().to_string(),
        "unknown `Mode` value `edit`, expected one of: completion, chat"
    );
    assert_eq!(
        llm.agent_thought_support,
        AgentThoughtSupport::NotSupported,
        "an optional field's declared default applies"
    );

    let mut bad = llm_input.to_vec();
    bad[1] = ("mode", "edit");
    let err = LlmModelCredentials::from_map(&map(&bad)).expect_err("not an option");
    assert_eq!(err.variable, "mode");
    assert!(matches!(err.problem, CredentialProblem::NotAnOption { .. }));

    // The llm-only fields do not exist for embeddings, so their absence is no error.
    let embedding = TextEmbeddingModelCredentials::from_map(&map(&[
        ("endpoint_url", "http://localhost:8080/v1"),
        ("context_size", "512"),
    ]))
    .expect("valid embedding credentials");
    assert_eq!(embedding.endpoint_url, "http://localhost:8080/v1");
}

#[test]
fn typed_params_are_the_models_own_and_go_through_the_runtime_validation() {
    use modelrt::sdk::TypedParams;
    use modelrt::ParamsOf;

    let params = ParamsOf::<openai::models::Gpt54Mini> {
        seed: Some(42),
        ..Default::default()
    };
    assert_eq!(params.to_json(), *json!({"seed": 42}).as_object().unwrap());
    let client = openai::Client::new(openai::Credentials::new("sk-test"));
    let model = client
        .llm(openai::models::Gpt54Mini)
        .unwrap()
        .with_params(&params)
        .expect("a seed is valid");
    let seed = model.handle().params().get("seed").and_then(|v| v.as_i64());
    assert_eq!(seed, Some(42));

    let max = openai::Llm::Gpt54Mini
        .info()
        .parameter_rule("temperature")
        .and_then(|r| r.max)
        .expect("a bounded temperature");
    let too_hot = ParamsOf::<openai::models::Gpt54Mini> {
        temperature: Some(max + 1.0),
        ..Default::default()
    };
    let err = client
        .llm(openai::models::Gpt54Mini)
        .unwrap()
        .with_params(&too_hot)
        .expect_err("above max");
    assert_eq!(err.kind(), ErrorKind::InvalidParams);
    assert!(err.to_string().contains("`temperature`"), "{err}");
}

#[test]
fn params_set_one_at_a_time_send_the_rules_wire_names_and_go_through_the_same_validation() {
    use modelrt::sdk::TypedParams;
    use modelrt::Params;

    let params = Params::<openai::models::Gpt54Mini>::new()
        .set(openai::param::seed, 42)
        .set(openai::param::temperature, 1)
        .choose(openai::options::response_format::JsonSchema);
    assert_eq!(
        params.to_json(),
        *json!({"seed": 42, "temperature": 1.0, "response_format": "json_schema"})
            .as_object()
            .unwrap()
    );
    let client = openai::Client::new(openai::Credentials::new("sk-test"));
    let model = client
        .llm(openai::models::Gpt54Mini)
        .unwrap()
        .with_params(&params)
        .expect("valid parameters");
    let sent = model.handle().params().to_json();
    assert_eq!(sent.get("response_format"), Some(&json!("json_schema")));

    let err = client
        .llm(openai::models::Gpt54Mini)
        .unwrap()
        .with_params(&Params::new().set(openai::param::temperature, 9.5))
        .expect_err("above max");
    assert_eq!(err.kind(), ErrorKind::InvalidParams);
    assert!(err.to_string().contains("`temperature`"), "{err}");
}

#[test]
fn a_model_chosen_by_value_takes_json_and_an_undeclared_parameter_is_an_error() {
    let client = openai::Client::new(openai::Credentials::new("sk-test"));
    let model = client.llm(openai::Llm::Gpt54Mini).unwrap();
    let err = model
        .with_params(json!({"top_k": 40}).as_object().unwrap())
        .expect_err("gpt-5.4-mini declares no top_k");
    assert_eq!(err.kind(), ErrorKind::InvalidParams);
    let message = err.to_string();
    for part in [
        "openai",
        "gpt-5.4-mini",
        "`top_k`",
        "not a parameter of this model",
    ] {
        assert!(message.contains(part), "{part:?} missing from {message}");
    }
    // The same through the registry, by id.
    let err = registry::open(
        "openai",
        ModelType::Llm,
        "gpt-5.4-mini",
        &[("openai_api_key", "sk-test")],
    )
    .unwrap()
    .with_params(&json!({"max_tokens": 10, "top_k": 40}))
    .expect_err("undeclared");
    assert!(err.to_string().contains("`top_k`"), "{err}");
}
