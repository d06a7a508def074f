//! The providers of one or more compiled provider trees, for apps that pick providers at run
//! time (DESIGN.md, use 5).
//!
//! Each crate that compiles a tree (the `modelrt` crate for the bundled one, any crate calling
//! `include_providers!` for its own) gets a generated `providers::TREE`: its provider rows and
//! the hand-written Rust of those implemented in Rust. A [`Registry`] is a plain value built
//! from such trees, so the Rust of any crate resolves without global registration:
//!
//! ```ignore
//! let registry = Registry::new(&[&modelrt::providers::TREE]).with(&my_crate::providers::TREE);
//! let model = registry.open("acme", ModelType::Llm, "acme-echo", &credentials)?;
//! ```

mod custom_rules;
mod handle;

use std::borrow::Cow;
use std::ptr;

pub use handle::{JsonParams, ModelHandle};
pub use modelrt_vocabulary::did_you_mean;

use modelrt_runtime::catalog::{ConfigurateMethod, ModelType, ProviderInfo};
use modelrt_runtime::credentials::{validate_credentials_of, CredentialSource};
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::protocol::{ProviderContext, RemoteModel};
use modelrt_runtime::rust_impl::RustImplementation;
use modelrt_runtime::{Error, ErrorKind, Result};

/// One compiled provider tree, as its generated `providers::TREE` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Tree {
    /// Every provider's catalog row, in position order.
    pub providers: &'static [&'static ProviderInfo],
    /// The hand-written implementations of its providers implemented in Rust.
    pub implementations: &'static [&'static RustImplementation],
}

impl Tree {
    /// The implementation of `provider` if it is one of this tree's rows implemented in Rust.
    fn implementation_of(&self, provider: &ProviderInfo) -> Option<&'static RustImplementation> {
        if !self.providers.iter().any(|row| ptr::eq(*row, provider)) {
            return None;
        }
        self.implementations
            .iter()
            .copied()
            .find(|i| i.protocols.name == provider.id)
    }
}

/// The providers of one or more trees. Where trees share a provider id, the first tree's
/// provider wins.
#[derive(Debug, Clone)]
pub struct Registry {
    trees: Cow<'static, [&'static Tree]>,
}

impl Registry {
    /// The registry of `trees` (usable in a `static`).
    pub const fn new(trees: &'static [&'static Tree]) -> Self {
        Registry {
            trees: Cow::Borrowed(trees),
        }
    }

    /// This registry plus the providers of `tree`.
    pub fn with(mut self, tree: &'static Tree) -> Self {
        self.trees.to_mut().push(tree);
        self
    }

    /// Every provider, tree by tree, each in position order.
    pub fn providers(&self) -> impl Iterator<Item = &'static ProviderInfo> + '_ {
        let rows = self.trees.iter().flat_map(|tree| tree.providers.iter());
        rows.copied().filter(|row| {
            self.provider(row.id)
                .is_some_and(|first| ptr::eq(first, *row))
        })
    }

    /// The provider whose id is `id`.
    pub fn provider(&self, id: &str) -> Option<&'static ProviderInfo> {
        let rows = self.trees.iter().flat_map(|tree| tree.providers.iter());
        rows.copied().find(|p| p.id == id)
    }

    /// The provider `id`, or an error suggesting the closest id.
    pub fn find_provider(&self, id: &str) -> Result<&'static ProviderInfo> {
        self.provider(id).ok_or_else(|| {
            let hint = did_you_mean(id, self.providers().map(|p| p.id))
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default();
            Error::new(
                ErrorKind::ProviderNotFound,
                format!("no provider `{id}` is compiled into this build{hint}"),
            )
        })
    }

    /// The hand-written Rust of `provider`, when one of the trees holds it.
    pub fn implementation_of(
        &self,
        provider: &'static ProviderInfo,
    ) -> Option<&'static RustImplementation> {
        self.trees
            .iter()
            .find_map(|tree| tree.implementation_of(provider))
    }

    /// Opens `model_id` of `model_type` at provider `provider_id` (see
    /// [`ModelHandle::open_with`] for how the model and its credential form are chosen).
    pub fn open<S: CredentialSource + ?Sized>(
        &self,
        provider_id: &str,
        model_type: ModelType,
        model_id: &str,
        credentials: &S,
    ) -> Result<ModelHandle> {
        self.open_at(
            self.find_provider(provider_id)?,
            model_type,
            model_id,
            credentials,
        )
    }

    /// [`Registry::open`] for a provider row at hand.
    pub fn open_at<S: CredentialSource + ?Sized>(
        &self,
        provider: &'static ProviderInfo,
        model_type: ModelType,
        model_id: &str,
        credentials: &S,
    ) -> Result<ModelHandle> {
        let implementation = self.implementation_of(provider);
        ModelHandle::open_with(provider, implementation, model_type, model_id, credentials)
    }

    /// The models provider `provider_id` lists through its API (fetch-from-remote), using its
    /// provider-wide credentials.
    pub async fn remote_models<S: CredentialSource + ?Sized>(
        &self,
        provider_id: &str,
        model_type: ModelType,
        credentials: &S,
        http: &HttpSettings,
    ) -> Result<Vec<RemoteModel>> {
        let provider = self.find_provider(provider_id)?;
        if !provider.supports_method(ConfigurateMethod::FetchFromRemote) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "{} does not declare `fetch-from-remote` in configurate_methods",
                    provider.source
                ),
            )
            .with_provider(provider.id));
        }
        let implementation = self.implementation_of(provider);
        let protocols = handle::protocols_of(provider, implementation)?;
        let credentials =
            validate_credentials_of(provider, provider.provider_credentials, None, credentials)?;
        let ctx = ProviderContext {
            provider,
            credentials: &credentials,
            http,
        };
        if let Some(hook) = implementation.and_then(|i| i.remote_models) {
            return hook.remote_models(ctx, model_type).await;
        }
        let listed = protocols
            .get(model_type)
            .and_then(|implementation| implementation.remote_models(ctx));
        match listed {
            Some(models) => models.await,
            None => Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "protocol `{}` cannot list `{model_type}` models",
                    protocols.name
                ),
            )
            .with_provider(provider.id)),
        }
    }
}
