//! Every provider compiled into this build, for apps that pick providers at run time.

mod custom_rules;
mod handle;
mod suggest;

pub use handle::{find_provider, remote_models, remote_models_with, ModelHandle};
pub use suggest::did_you_mean;

use modelrt_runtime::catalog::ProviderInfo;

/// Every provider's catalog row, in position order.
pub static PROVIDERS: &[&ProviderInfo] = &crate::providers::ALL;

/// The provider whose id is `id`.
pub fn provider(id: &str) -> Option<&'static ProviderInfo> {
    PROVIDERS.iter().copied().find(|p| p.id == id)
}
