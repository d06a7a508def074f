//! Routing of model aliases to deployments: a weighted random order, fallback to the next
//! deployment on retryable failures, and a cooldown for deployments that keep failing.

mod config;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use config::{parse, Cooldown, Deployment, RoutingConfig, StorageConfig};

use crate::credentials::Found;

/// How one deployment has fared lately.
#[derive(Debug, Default, Clone, Copy)]
struct Health {
    consecutive_failures: u32,
    cooling_until: Option<Instant>,
}

/// One alias's deployments and their health.
struct Route {
    deployments: Vec<Deployment>,
    /// Credentials the file gives, per deployment, ready to use.
    found: Vec<Option<Arc<Found>>>,
    health: Mutex<Vec<Health>>,
    /// The model to try when a prompt exceeds the context window.
    context_fallback: Option<String>,
}

/// The aliases of a routing file and the state of their deployments.
pub struct Routes {
    routes: std::collections::HashMap<String, Route>,
    cooldown: Cooldown,
    random: RandomState,
    draws: AtomicU64,
}

impl Routes {
    /// A router for `config`.
    pub fn new(mut config: RoutingConfig) -> Self {
        let mut fallbacks = std::mem::take(&mut config.context_fallbacks);
        let routes = config
            .aliases
            .into_iter()
            .map(|(alias, deployments)| {
                let found = deployments
                    .iter()
                    .map(|d| {
                        d.credentials
                            .clone()
                            .map(|values| Arc::new(Found::new(d.provider, values)))
                    })
                    .collect();
                let health = Mutex::new(vec![Health::default(); deployments.len()]);
                let route = Route {
                    deployments,
                    found,
                    health,
                    context_fallback: fallbacks.remove(&alias),
                };
                (alias, route)
            })
            .collect();
        Routes {
            routes,
            cooldown: config.cooldown,
            random: RandomState::new(),
            draws: AtomicU64::new(0),
        }
    }

    /// A random number in `0..bound` (`bound` > 0).
    fn draw(&self, bound: u64) -> u64 {
        let n = self.draws.fetch_add(1, Ordering::Relaxed);
        self.random.hash_one(n) % bound
    }

    /// The deployments of `alias` in the order to try them, with their file credentials:
    /// those not cooling down in a weighted random order, then those cooling down (tried only
    /// when all others failed). `None` when `alias` is no alias.
    pub fn plan(&self, alias: &str) -> Option<Vec<Planned<'_>>> {
        let route = self.routes.get(alias)?;
        let now = Instant::now();
        let health = route.health.lock().unwrap_or_else(|e| e.into_inner());
        let (mut ready, cooling): (Vec<usize>, Vec<usize>) = (0..route.deployments.len())
            .partition(|&i| health[i].cooling_until.is_none_or(|until| until <= now));
        drop(health);
        let mut order = Vec::with_capacity(route.deployments.len());
        while !ready.is_empty() {
            let total: u64 = ready
                .iter()
                .map(|&i| u64::from(route.deployments[i].weight))
                .sum();
            let mut point = self.draw(total);
            let position = ready
                .iter()
                .position(|&i| {
                    let weight = u64::from(route.deployments[i].weight);
                    if point < weight {
                        return true;
                    }
                    point -= weight;
                    false
                })
                .unwrap_or(0);
            order.push(ready.remove(position));
        }
        order.extend(cooling);
        Some(
            order
                .into_iter()
                .map(|index| Planned {
                    route,
                    index,
                    deployment: &route.deployments[index],
                    found: route.found[index].clone(),
                })
                .collect(),
        )
    }

    /// The model to try when a prompt sent to `alias` exceeds the context window.
    pub fn context_fallback(&self, alias: &str) -> Option<&str> {
        self.routes.get(alias)?.context_fallback.as_deref()
    }

    /// Records the outcome of a call to a planned deployment: a retryable failure counts
    /// towards its cooldown, anything else resets the count.
    pub fn record(&self, planned: &Planned<'_>, retryable_failure: bool) {
        let mut health = planned
            .route
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let entry = &mut health[planned.index];
        if !retryable_failure {
            *entry = Health::default();
            return;
        }
        entry.consecutive_failures += 1;
        if entry.consecutive_failures >= self.cooldown.after_failures {
            entry.consecutive_failures = 0;
            entry.cooling_until = Some(Instant::now() + self.cooldown.duration);
            tracing::warn!(
                provider = planned.deployment.provider.id,
                model = planned.deployment.model,
                "deployment cooling down for {:?} after repeated failures",
                self.cooldown.duration
            );
        }
    }
}

/// One deployment to try for an alias.
pub struct Planned<'a> {
    route: &'a Route,
    index: usize,
    /// The deployment.
    pub deployment: &'a Deployment,
    /// The credentials the file gives for it, if any.
    pub found: Option<Arc<Found>>,
}
