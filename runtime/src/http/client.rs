//! The shared `reqwest` clients.
//!
//! Connection pools are per client, so every call shares one client per distinct pair of
//! timeouts (in practice: one for the whole process).

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

use super::settings::HttpSettings;

type Clients = Mutex<Vec<((Duration, Duration), reqwest::Client)>>;

static CLIENTS: OnceLock<Clients> = OnceLock::new();

/// The shared client for `settings`' timeouts (rustls, connection pooling).
pub fn shared_client(settings: &HttpSettings) -> Result<reqwest::Client> {
    let key = (settings.connect_timeout, settings.read_timeout);
    let clients = CLIENTS.get_or_init(|| Mutex::new(Vec::new()));
    // A poisoned lock only means another thread panicked while pushing: the list is intact.
    let mut clients = clients.lock().unwrap_or_else(|poison| poison.into_inner());
    if let Some((_, client)) = clients.iter().find(|(k, _)| *k == key) {
        return Ok(client.clone());
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
    clients.push((key, client.clone()));
    Ok(client)
}
