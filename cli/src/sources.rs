//! Where credentials come from: environment variables, then the credentials file, then the
//! defaults the provider's form declares for required fields (as a settings UI pre-fills them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use modelrt::registry::{did_you_mean, PROVIDERS};
use modelrt::runtime::catalog::{FormType, ModelType, ProviderInfo};
use modelrt::runtime::{Error, ErrorKind};

use crate::failure::Failure;
use crate::style::Style;

/// The credential conventions, shown at the end of `modelrt --help`.
pub const CREDENTIALS_HELP: &str = "\
Credentials (for credentials, chat, embed, rerank, tts, transcribe, moderate):
  Each value is looked up, in this order, in:
  1. the environment variable MODELRT_<PROVIDER>_<VARIABLE>: provider id and form variable
     upper-cased, every other character than A-Z and 0-9 turned into `_`, e.g.
     MODELRT_OPENAI_OPENAI_API_KEY, MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL; else, for a
     variable whose name starts with the provider id, its own upper-cased name
     (OPENAI_API_KEY); a name two compiled-in (provider, variable) pairs share is refused as
     ambiguous (the same convention as the library's Client::from_env);
  2. the file $XDG_CONFIG_HOME/modelrt/credentials (else ~/.config/modelrt/credentials):
       [openai]
       openai_api_key = sk-...
       [openai_api_compatible/my-model]   # one model's credentials (customizable models)
       endpoint_url = http://localhost:8000/v1
     a `[provider/model]` section wins over `[provider]`; keep the file private (chmod 600);
  3. the default the provider's form declares for a required field.
  `modelrt schema PROVIDER` lists the variables. Secrets are masked in every output.";

/// Where one credential value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An environment variable.
    Env(String),
    /// A section of the credentials file.
    File {
        /// The file.
        path: PathBuf,
        /// The section, e.g. `openai` or `openai_api_compatible/my-model`.
        section: String,
    },
    /// The form's declared default.
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Env(name) => write!(f, "env {name}"),
            Origin::File { path, section } => write!(f, "file {} [{section}]", path.display()),
            Origin::Default => f.write_str("form default"),
        }
    }
}

/// The credential values found for one provider (and model).
#[derive(Debug)]
pub struct Gathered {
    provider: &'static ProviderInfo,
    /// Where the credentials file is (or would be).
    file_path: Option<PathBuf>,
    values: BTreeMap<String, String>,
    origins: BTreeMap<String, Origin>,
    secrets: Vec<String>,
}

impl Gathered {
    /// The values by variable, as `modelrt::registry::open` takes them.
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    /// Where `variable`'s value came from.
    pub fn origin(&self, variable: &str) -> Option<&Origin> {
        self.origins.get(variable)
    }

    /// A runtime error as a failure: secrets masked and, when the form rejected a credential,
    /// where to set it.
    pub fn fail(&self, error: &Error) -> Failure {
        let failure = Failure::from_runtime(error, &self.secrets);
        if error.kind() != ErrorKind::InvalidCredentials {
            return failure;
        }
        // The runtime names the variable in backticks.
        let named = self
            .provider
            .credential_forms()
            .map(|f| f.variable)
            .find(|v| error.message().contains(&format!("`{v}`")));
        match named {
            Some(variable) => failure.with_hint(&self.where_to_set(variable)),
            None => failure,
        }
    }

    /// `set MODELRT_P_V, or `v = ...` under [p] in FILE`.
    fn where_to_set(&self, variable: &str) -> String {
        let env = env_name(self.provider.id, variable);
        match &self.file_path {
            Some(path) => format!(
                "set {env}, or `{variable} = ...` under [{}] in {}",
                self.provider.id,
                path.display()
            ),
            None => format!("set {env}"),
        }
    }

    fn put(&mut self, variable: &str, value: String, origin: Origin) {
        self.values.insert(variable.to_owned(), value);
        self.origins.insert(variable.to_owned(), origin);
    }
}

/// The environment variable that holds `variable` of `provider` (`modelrt::env`).
pub fn env_name(provider: &str, variable: &str) -> String {
    modelrt::env::prefixed_name(provider, variable)
}

/// The compiled-in `(provider, variable)` pairs other than `(provider, variable)` itself whose
/// environment variable is also `name`.
fn env_name_clashes(name: &str, provider: &str, variable: &str) -> Vec<String> {
    let compiled_in = PROVIDERS
        .iter()
        .flat_map(|p| p.credential_forms().map(move |f| (p.id, f.variable)));
    clashes_among(compiled_in, name, (provider, variable))
}

/// The `pairs` other than `own` whose environment variable is `name`, as `provider.variable`.
fn clashes_among<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
    name: &str,
    own: (&str, &str),
) -> Vec<String> {
    let mut clashes: Vec<String> = pairs
        .filter(|(p, v)| (*p, *v) != own && modelrt::env::names(p, v).iter().any(|n| n == name))
        .map(|(p, v)| format!("{p}.{v}"))
        .collect();
    clashes.sort();
    clashes.dedup();
    clashes
}

/// Gathers the credentials of `provider`, for `model` (type and id) when one is named.
pub fn gather(
    provider: &'static ProviderInfo,
    model: Option<(ModelType, &str)>,
) -> Result<Gathered, Failure> {
    let file = CredentialFile::load()?;
    let mut gathered = Gathered {
        provider,
        file_path: CredentialFile::default_path(),
        values: BTreeMap::new(),
        origins: BTreeMap::new(),
        secrets: Vec::new(),
    };
    let mut variables: Vec<&'static str> =
        provider.credential_forms().map(|f| f.variable).collect();
    variables.sort_unstable();
    variables.dedup();
    warn_unknown_keys(&file, provider, &variables);
    let model_section = model.map(|(_, id)| format!("{}/{id}", provider.id));
    for variable in variables {
        if let Some((name, value)) = modelrt::env::lookup(provider.id, variable) {
            let clashes = env_name_clashes(&name, provider.id, variable);
            if !clashes.is_empty() {
                return Err(Failure::new(
                    "ambiguous_environment",
                    format!(
                        "{name} could mean {}.{variable} or {}; put the value in the credentials \
                         file instead",
                        provider.id,
                        clashes.join(" or ")
                    ),
                ));
            }
            gathered.put(variable, value, Origin::Env(name));
            continue;
        }
        let sections = model_section
            .iter()
            .map(String::as_str)
            .chain([provider.id]);
        let from_file = sections.into_iter().find_map(|section| {
            let value = file.value(section, variable)?;
            Some((section.to_owned(), value.to_owned()))
        });
        if let (Some((section, value)), Some(path)) = (from_file, &file.path) {
            let origin = Origin::File {
                path: path.clone(),
                section,
            };
            gathered.put(variable, value, origin);
            continue;
        }
        if let Some(default) = provider.required_default(model.map(|(t, _)| t), variable) {
            gathered.put(variable, default.to_owned(), Origin::Default);
        }
    }
    gathered.secrets = provider
        .credential_forms()
        .filter(|f| f.form_type == FormType::SecretInput)
        .filter_map(|f| gathered.values.get(f.variable).cloned())
        .collect();
    Ok(gathered)
}

/// Warns about keys in this provider's sections that are none of its variables (likely typos,
/// which would otherwise be ignored silently).
fn warn_unknown_keys(file: &CredentialFile, provider: &ProviderInfo, variables: &[&'static str]) {
    let Some(path) = &file.path else {
        return;
    };
    let model_prefix = format!("{}/", provider.id);
    let ours = file
        .sections
        .iter()
        .filter(|(name, _)| *name == provider.id || name.starts_with(&model_prefix));
    for (section, keys) in ours {
        for key in keys.keys().filter(|k| !variables.contains(&k.as_str())) {
            let hint = did_you_mean(key, variables.iter().copied())
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default();
            eprintln!(
                "{}: {}: `{key}` in [{section}] is not a credential of {} (ignored){hint}",
                Style::stderr().yellow("warning"),
                path.display(),
                provider.id
            );
        }
    }
}

/// The credentials file: `[section]` headers and `key = value` lines.
#[derive(Debug, Default)]
struct CredentialFile {
    path: Option<PathBuf>,
    sections: BTreeMap<String, BTreeMap<String, String>>,
}

impl CredentialFile {
    /// `$XDG_CONFIG_HOME/modelrt/credentials`, else `~/.config/modelrt/credentials`.
    fn default_path() -> Option<PathBuf> {
        let absolute = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let config =
            absolute("XDG_CONFIG_HOME").or_else(|| absolute("HOME").map(|h| h.join(".config")))?;
        Some(config.join("modelrt").join("credentials"))
    }

    /// Reads the file when it exists (a missing file is simply empty).
    fn load() -> Result<Self, Failure> {
        let Some(path) = Self::default_path() else {
            return Ok(Self::default());
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(Failure::new(
                    "credentials_file",
                    format!("cannot read {}: {e}", path.display()),
                ))
            }
        };
        warn_if_shared(&path);
        let sections = parse(&text).map_err(|(line, problem)| {
            Failure::new(
                "credentials_file",
                format!("{}:{line}: {problem}", path.display()),
            )
        })?;
        Ok(CredentialFile {
            path: Some(path),
            sections,
        })
    }

    fn value(&self, section: &str, variable: &str) -> Option<&str> {
        let value = self.sections.get(section)?.get(variable)?;
        (!value.is_empty()).then_some(value.as_str())
    }
}

type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// Parses the file; an error is `(line number, problem)` and never quotes a value.
fn parse(text: &str) -> Result<Sections, (usize, String)> {
    let mut sections = Sections::new();
    let mut current: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let Some(name) = header
                .strip_suffix(']')
                .map(str::trim)
                .filter(|n| !n.is_empty())
            else {
                return Err((
                    line_number,
                    "a section header is `[provider]` or `[provider/model]`".into(),
                ));
            };
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err((line_number, "expected `key = value`".into()));
        };
        let key = key.trim();
        let Some(section) = &current else {
            return Err((
                line_number,
                format!("`{key}` comes before any `[provider]` section"),
            ));
        };
        if key.is_empty() {
            return Err((line_number, "a key is missing before `=`".into()));
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.to_owned(), value.to_owned());
    }
    Ok(sections)
}

/// Warns on stderr when the file is readable or writable by group or others.
#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(metadata) = std::fs::metadata(path) else {
        return;
    };
    if metadata.permissions().mode() & 0o077 != 0 {
        let style = Style::stderr();
        eprintln!(
            "{}: {} is accessible by group or others; run `chmod 600 {}`",
            style.yellow("warning"),
            path.display(),
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_upper_case_with_underscores() {
        assert_eq!(
            env_name("openai", "openai_api_key"),
            "MODELRT_OPENAI_OPENAI_API_KEY"
        );
        assert_eq!(
            env_name("openai_api_compatible", "endpoint_url"),
            "MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL"
        );
        assert_eq!(env_name("x-ai", "api.key"), "MODELRT_X_AI_API_KEY");
    }

    #[test]
    fn no_two_compiled_in_credentials_share_an_environment_variable() {
        for provider in PROVIDERS {
            for form in provider.credential_forms() {
                for name in modelrt::env::names(provider.id, form.variable) {
                    let clashes = env_name_clashes(&name, provider.id, form.variable);
                    assert!(clashes.is_empty(), "{name}: {clashes:?}");
                }
            }
        }
    }

    #[test]
    fn names_two_pairs_share_are_found() {
        let pairs = [("a", "b_c"), ("a_b", "c"), ("a", "x")];
        let name = env_name("a", "b_c");
        assert_eq!(name, "MODELRT_A_B_C");
        assert_eq!(
            clashes_among(pairs.into_iter(), &name, ("a", "b_c")),
            ["a_b.c"]
        );
        assert!(clashes_among(pairs.into_iter(), "MODELRT_A_X", ("a", "x")).is_empty());
        // The vendor-style fallback names clash too: `A_B_C` is both a.a_b_c's and a_b.a_b_c's.
        let pairs = [("a", "a_b_c"), ("a_b", "a_b_c")];
        assert_eq!(
            clashes_among(pairs.into_iter(), "A_B_C", ("a", "a_b_c")),
            ["a_b.a_b_c"]
        );
    }

    #[test]
    fn parses_sections_quotes_and_comments() {
        let text =
            "# mine\n[openai]\nopenai_api_key = \"sk- x \"\n\n[p/m-1]\n; note\nurl=http://h/v1\n";
        let sections = parse(text).unwrap();
        assert_eq!(sections["openai"]["openai_api_key"], "sk- x ");
        assert_eq!(sections["p/m-1"]["url"], "http://h/v1");
    }

    #[test]
    fn parse_errors_name_the_line_but_not_the_value() {
        let error = parse("[openai]\nsk-secret-value\n").unwrap_err();
        assert_eq!(error.0, 2);
        assert!(!error.1.contains("sk-secret"), "{}", error.1);
        assert_eq!(parse("k = v\n").unwrap_err().0, 1);
        assert_eq!(parse("[]\n").unwrap_err().0, 1);
    }
}
