//! Prompt-cache breakpoints: where a provider that caches on request (Anthropic) should store
//! the prompt prefix so later calls sharing it are cheaper and faster.

/// How long a cached prefix lives after its last use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheTtl {
    /// Five minutes (the provider's default).
    FiveMinutes,
    /// One hour (costs more to write).
    OneHour,
}

impl CacheTtl {
    /// The wire spelling (`5m`, `1h`).
    pub const fn as_str(self) -> &'static str {
        match self {
            CacheTtl::FiveMinutes => "5m",
            CacheTtl::OneHour => "1h",
        }
    }
}

/// A cache breakpoint: the prompt up to and including the marked item (a message, a system
/// message or a tool) is cached.
///
/// Providers that cache on their own (OpenAI-compatible APIs) or not at all (Ollama, Cohere)
/// ignore it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CacheControl {
    /// How long the entry lives; `None` leaves the provider's default (five minutes).
    pub ttl: Option<CacheTtl>,
}

impl CacheControl {
    /// A short-lived ("ephemeral") breakpoint with the provider's default lifetime.
    pub const fn ephemeral() -> Self {
        CacheControl { ttl: None }
    }

    /// The same breakpoint with an explicit lifetime.
    pub const fn with_ttl(self, ttl: CacheTtl) -> Self {
        CacheControl { ttl: Some(ttl) }
    }

    /// The lifetime in effect: the explicit one, else the default five minutes.
    pub fn effective_ttl(self) -> CacheTtl {
        self.ttl.unwrap_or(CacheTtl::FiveMinutes)
    }
}
