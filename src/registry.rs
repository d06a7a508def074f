//! Every provider compiled into this build, for apps that pick providers at run time.

use modelrt_runtime::catalog::ProviderInfo;

/// Every provider's catalog row, in position order.
pub static PROVIDERS: &[&ProviderInfo] = &crate::providers::ALL;

/// The provider whose id is `id`.
pub fn provider(id: &str) -> Option<&'static ProviderInfo> {
    PROVIDERS.iter().copied().find(|p| p.id == id)
}
