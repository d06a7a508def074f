//! The shared `reqwest` clients.
//!
//! Connection pools are per client, and a pooled connection is driven by a task of the tokio
//! runtime that opened it: once that runtime shuts down, its connections are dead, and a client
//! shared with another runtime would hand them out ("dispatch task is gone"). So every call of a
//! runtime shares one client per distinct pair of timeouts (in practice: one per runtime), and a
//! runtime's clients are dropped when it shuts down.

use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use tokio::runtime::{Handle, Id};

use crate::error::{Error, ErrorKind, Result};

use super::settings::HttpSettings;

/// One shared client.
struct Entry {
    /// The runtime its connections belong to (`None`: called outside any tokio runtime).
    runtime: Option<Id>,
    timeouts: (Duration, Duration),
    /// Dead once the runtime has shut down (a task of it holds the strong end).
    alive: Option<Weak<()>>,
    client: reqwest::Client,
}

impl Entry {
    fn is_alive(&self) -> bool {
        self.alive
            .as_ref()
            .is_none_or(|alive| alive.strong_count() > 0)
    }
}

static CLIENTS: OnceLock<Mutex<Vec<Entry>>> = OnceLock::new();

/// The shared client of the current tokio runtime for `settings`' timeouts (rustls,
/// connection pooling).
pub fn shared_client(settings: &HttpSettings) -> Result<reqwest::Client> {
    let timeouts = (settings.connect_timeout, settings.read_timeout);
    let runtime = Handle::try_current().ok();
    let runtime_id = runtime.as_ref().map(Handle::id);
    let clients = CLIENTS.get_or_init(|| Mutex::new(Vec::new()));
    // A poisoned lock only means another thread panicked while pushing: the list is intact.
    let mut clients = clients.lock().unwrap_or_else(|poison| poison.into_inner());
    clients.retain(Entry::is_alive);
    if let Some(entry) = clients
        .iter()
        .find(|e| e.runtime == runtime_id && e.timeouts == timeouts)
    {
        return Ok(entry.client.clone());
    }
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(settings.connect_timeout)
        .read_timeout(settings.read_timeout)
        .user_agent(concat!("modelrt/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            Error::new(ErrorKind::Connection, "cannot build the HTTP client").with_source(e)
        })?;
    let alive = runtime.map(|runtime| {
        let token = Arc::new(());
        let alive = Arc::downgrade(&token);
        // Dropped with the runtime's other tasks when it shuts down.
        runtime.spawn(async move {
            let _token = token;
            std::future::pending::<()>().await;
        });
        alive
    });
    clients.push(Entry {
        runtime: runtime_id,
        timeouts,
        alive,
        client: client.clone(),
    });
    Ok(client)
}
