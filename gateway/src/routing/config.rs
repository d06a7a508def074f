//! The routing file (`modelrt serve --config gateway.yaml`): model aliases, each served by
//! weighted deployments, and the cooldown of failing deployments. Every problem is reported
//! as `file:line:column: error: ...`, like `modelrt check`.
//!
//! ```yaml
//! models:
//!   - alias: chat
//!     strategy: lowest-latency    # or weighted (the default), least-busy
//!     deployments:
//!       - provider: openai_api_compatible
//!         model: local-model
//!         weight: 3
//!         credentials:            # form variable: the environment variable holding it
//!           endpoint_url: LOCAL_LLM_URL
//!         timeout_seconds: 20        # longest wait for response bytes
//!         retries: 1                 # with backoff honouring `retry-after`
//!       - provider: openai
//!         model: gpt-5.4-mini
//!     context_window_fallback: openai/gpt-6-luna   # when a prompt does not fit
//! cooldown:
//!   after_failures: 3             # consecutive retryable failures
//!   seconds: 30
//! # Virtual keys, budgets and the spend log (docs/gateway.md); each also from the
//! # environment: MODELRT_MASTER_KEY, MODELRT_DATABASE_URL, MODELRT_REDIS_URL, MODELRT_DATA_DIR.
//! master_key: MASTER_KEY_VARIABLE   # the environment variable holding the master key
//! database_url: postgres://modelrt@db/modelrt   # default: SQLite in data_dir
//! redis_url: redis://127.0.0.1:6379             # default: limits in process
//! data_dir: /var/lib/modelrt
//! ```

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use modelrt::registry::provider;
use modelrt::runtime::catalog::ProviderInfo;
use modelrt::runtime::secret::Secret;
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use super::Strategy;
use crate::credentials::Values;

/// One provider model serving an alias.
#[derive(Debug)]
pub struct Deployment {
    /// The provider.
    pub provider: &'static ProviderInfo,
    /// The model id.
    pub model: String,
    /// Its share of the alias's traffic, relative to the other deployments.
    pub weight: u32,
    /// Credentials read from the environment variables the file names; `None` uses the
    /// gateway's credential sources.
    pub credentials: Option<Values>,
    /// Longest wait for the provider's response bytes; `None` keeps the gateway's.
    pub timeout: Option<Duration>,
    /// Retries of this deployment (with backoff honouring `retry-after`) before the next
    /// one is tried; `None` keeps the gateway's.
    pub retries: Option<u32>,
}

/// When a failing deployment is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cooldown {
    /// Consecutive retryable failures that start a cooldown.
    pub after_failures: u32,
    /// How long the deployment is left out.
    pub duration: Duration,
}

impl Default for Cooldown {
    fn default() -> Self {
        Cooldown {
            after_failures: 3,
            duration: Duration::from_secs(30),
        }
    }
}

/// Where governance keeps its state, as the file gives it.
#[derive(Debug, Default, Clone)]
pub struct StorageConfig {
    /// The master key (read from the environment variable the file names).
    pub master_key: Option<Secret>,
    /// `postgres://...` or `sqlite://...`; may hold a password, hence a [`Secret`].
    pub database_url: Option<Secret>,
    /// `redis://...`; may hold a password.
    pub redis_url: Option<Secret>,
    /// The directory of the default SQLite database.
    pub data_dir: Option<String>,
}

/// A validated routing file.
#[derive(Debug, Default)]
pub struct RoutingConfig {
    /// Deployments by alias, in file order.
    pub aliases: HashMap<String, Vec<Deployment>>,
    /// The cooldown of failing deployments.
    pub cooldown: Cooldown,
    /// By alias: the model (address or alias) to try when a prompt exceeds the context window.
    pub context_fallbacks: HashMap<String, String>,
    /// Governance storage (read once at start; a reload does not change it).
    pub storage: StorageConfig,
    /// By alias: how its deployments are ordered (weighted when absent).
    pub strategies: HashMap<String, Strategy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    #[serde(default)]
    models: Vec<AliasEntry>,
    cooldown: Option<CooldownEntry>,
    master_key: Option<Spanned<String>>,
    database_url: Option<String>,
    redis_url: Option<String>,
    data_dir: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasEntry {
    alias: Spanned<String>,
    strategy: Option<Strategy>,
    deployments: Vec<DeploymentEntry>,
    context_window_fallback: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeploymentEntry {
    provider: Spanned<String>,
    model: String,
    weight: Option<Spanned<u32>>,
    #[serde(default)]
    credentials: BTreeMap<String, Spanned<String>>,
    timeout_seconds: Option<Spanned<f64>>,
    retries: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CooldownEntry {
    after_failures: Spanned<u32>,
    seconds: u64,
}

/// Problems found in a file, each `file:line:column: error: message`.
#[derive(Debug)]
struct Problems<'a> {
    file: &'a str,
    found: Vec<String>,
}

impl Problems<'_> {
    fn at(&mut self, location: &Location, message: String) {
        self.found.push(format!(
            "{}:{}:{}: error: {message}",
            self.file,
            location.line(),
            location.column()
        ));
    }
}

/// Parses and validates the text of `file`. `env` reads an environment variable.
pub fn parse(
    file: &str,
    text: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<RoutingConfig, Vec<String>> {
    let entry: FileEntry = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("").trim();
        vec![format!("{file}:{line}:{column}: error: {message}")]
    })?;
    let mut problems = Problems {
        file,
        found: Vec::new(),
    };
    let mut config = RoutingConfig::default();
    let mut fallbacks = Vec::new();
    for alias in entry.models {
        if let Some(larger) = alias.context_window_fallback {
            fallbacks.push((alias.alias.value.clone(), larger));
        }
        let name = &alias.alias;
        if let Some(strategy) = alias.strategy {
            config.strategies.insert(name.value.clone(), strategy);
        }
        if config.aliases.contains_key(&name.value) {
            problems.at(
                &name.referenced,
                format!("alias `{}` is declared twice", name.value),
            );
        }
        if alias.deployments.is_empty() {
            problems.at(
                &name.referenced,
                format!("alias `{}` has no deployments", name.value),
            );
        }
        let deployments = alias
            .deployments
            .into_iter()
            .filter_map(|d| deployment(d, &env, &mut problems))
            .collect();
        config.aliases.insert(name.value.clone(), deployments);
    }
    for (alias, larger) in fallbacks {
        let known_provider = larger
            .value
            .split_once('/')
            .is_some_and(|(p, m)| provider(p).is_some() && !m.is_empty());
        if !known_provider && !config.aliases.contains_key(&larger.value) {
            problems.at(
                &larger.referenced,
                format!(
                    "`{}` is neither an alias of this file nor <provider>/<model> of a \
                     compiled-in provider",
                    larger.value
                ),
            );
        }
        config.context_fallbacks.insert(alias, larger.value);
    }
    if let Some(cooldown) = entry.cooldown {
        if cooldown.after_failures.value == 0 {
            problems.at(
                &cooldown.after_failures.referenced,
                "`after_failures` must be at least 1".to_owned(),
            );
        }
        config.cooldown = Cooldown {
            after_failures: cooldown.after_failures.value,
            duration: Duration::from_secs(cooldown.seconds),
        };
    }
    if let Some(variable) = entry.master_key {
        match env(&variable.value) {
            Some(value) if !value.is_empty() => {
                config.storage.master_key = Some(Secret::new(value))
            }
            _ => problems.at(
                &variable.referenced,
                format!(
                    "the environment variable `{}` (for `master_key`) is not set",
                    variable.value
                ),
            ),
        }
    }
    config.storage.database_url = entry.database_url.map(Secret::new);
    config.storage.redis_url = entry.redis_url.map(Secret::new);
    config.storage.data_dir = entry.data_dir;
    if problems.found.is_empty() {
        Ok(config)
    } else {
        Err(problems.found)
    }
}

fn deployment(
    entry: DeploymentEntry,
    env: &impl Fn(&str) -> Option<String>,
    problems: &mut Problems<'_>,
) -> Option<Deployment> {
    let Some(found) = provider(&entry.provider.value) else {
        problems.at(
            &entry.provider.referenced,
            format!(
                "no provider `{}` is compiled into this build",
                entry.provider.value
            ),
        );
        return None;
    };
    let weight = match entry.weight {
        Some(weight) if weight.value == 0 => {
            problems.at(&weight.referenced, "`weight` must be at least 1".to_owned());
            return None;
        }
        Some(weight) => weight.value,
        None => 1,
    };
    let credentials = (!entry.credentials.is_empty()).then(|| {
        let mut values = Values::new();
        for (variable, name) in &entry.credentials {
            match env(&name.value) {
                Some(value) if !value.is_empty() => {
                    values.insert(variable.clone(), value);
                }
                _ => problems.at(
                    &name.referenced,
                    format!(
                        "the environment variable `{}` (for `{variable}`) is not set",
                        name.value
                    ),
                ),
            }
        }
        values
    });
    let timeout = match entry.timeout_seconds {
        Some(seconds) if !(seconds.value > 0.0 && seconds.value <= 86_400.0) => {
            problems.at(
                &seconds.referenced,
                "`timeout_seconds` must be more than 0 and at most 86400".to_owned(),
            );
            return None;
        }
        Some(seconds) => Some(Duration::from_secs_f64(seconds.value)),
        None => None,
    };
    Some(Deployment {
        provider: found,
        model: entry.model,
        weight,
        credentials,
        timeout,
        retries: entry.retries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "LOCAL_URL").then(|| "http://127.0.0.1:1/v1".to_owned())
    }

    #[test]
    fn a_valid_file_gives_aliases_and_cooldown() {
        let text = "models:\n  - alias: chat\n    deployments:\n      - provider: openai_api_compatible\n        model: m\n        weight: 3\n        credentials:\n          endpoint_url: LOCAL_URL\n      - provider: openai\n        model: gpt-4o-mini\ncooldown:\n  after_failures: 2\n  seconds: 5\n";
        let config = parse("gateway.yaml", text, env).unwrap();
        let chat = &config.aliases["chat"];
        assert_eq!(chat.len(), 2);
        assert_eq!(chat[0].weight, 3);
        assert_eq!(
            chat[0].credentials.as_ref().unwrap()["endpoint_url"],
            "http://127.0.0.1:1/v1"
        );
        assert_eq!(chat[1].weight, 1);
        assert!(chat[1].credentials.is_none());
        assert_eq!(config.cooldown.after_failures, 2);
    }

    #[test]
    fn problems_name_file_line_and_column() {
        let text = "models:\n  - alias: chat\n    deployments:\n      - provider: opneai\n        model: m\n      - provider: openai\n        model: x\n        weight: 0\n      - provider: openai\n        model: y\n        credentials:\n          openai_api_key: NOT_SET\n";
        let problems = parse("gateway.yaml", text, env).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("gateway.yaml:4:"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].contains("no provider `opneai`"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].starts_with("gateway.yaml:8:"),
            "{}",
            problems[1]
        );
        assert!(
            problems[2].starts_with("gateway.yaml:12:"),
            "{}",
            problems[2]
        );
        assert!(problems[2].contains("`NOT_SET`"), "{}", problems[2]);

        let problems = parse("g.yaml", "models:\n  - alias: a\n    deploy: []\n", env).unwrap_err();
        assert!(problems[0].starts_with("g.yaml:3:"), "{}", problems[0]);
        assert!(problems[0].contains("deploy"), "{}", problems[0]);
    }

    #[test]
    fn storage_settings_read_the_master_key_from_the_environment() {
        let env = |name: &str| (name == "ADMIN").then(|| "admin-secret".to_owned());
        let text = "master_key: ADMIN\ndatabase_url: postgres://u:p@h/db\nredis_url: redis://h:1\n";
        let config = parse("g.yaml", text, env).unwrap();
        let storage = &config.storage;
        assert_eq!(
            storage.master_key.as_ref().unwrap().expose(),
            "admin-secret"
        );
        assert_eq!(
            storage.database_url.as_ref().unwrap().expose(),
            "postgres://u:p@h/db"
        );
        assert!(!format!("{storage:?}").contains("admin-secret"));
        assert!(!format!("{storage:?}").contains("u:p"));

        let problems = parse("g.yaml", "models: []\nmaster_key: UNSET\n", env).unwrap_err();
        assert!(problems[0].starts_with("g.yaml:2:"), "{}", problems[0]);
        assert!(
            problems[0].contains("`UNSET` (for `master_key`)"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn strategies_are_read_per_alias_and_unknown_ones_are_located() {
        let text = "models:\n  - alias: fast\n    strategy: lowest-latency\n    deployments:\n      - provider: openai\n        model: a\n  - alias: plain\n    deployments:\n      - provider: openai\n        model: b\n";
        let config = parse("gateway.yaml", text, env).unwrap();
        assert_eq!(config.strategies["fast"], Strategy::LowestLatency);
        assert!(!config.strategies.contains_key("plain"));

        let text = "models:\n  - alias: a\n    strategy: fastest\n    deployments:\n      - provider: openai\n        model: a\n";
        let problems = parse("g.yaml", text, env).unwrap_err();
        assert!(problems[0].starts_with("g.yaml:3:"), "{}", problems[0]);
        assert!(problems[0].contains("fastest"), "{}", problems[0]);
        assert!(problems[0].contains("least-busy"), "{}", problems[0]);
    }
}
