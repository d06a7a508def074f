//! Routing of model aliases to deployments: an order by the alias's strategy (weighted
//! random, least busy, lowest latency), fallback to the next deployment on retryable
//! failures, and a cooldown for deployments that keep failing.

mod config;
mod strategy;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use config::{parse, Cooldown, Deployment, RoutingConfig, StorageConfig};
pub use strategy::Strategy;
use strategy::{Load, EXPLORE_ONE_IN};

use crate::credentials::Found;

/// How one deployment has fared lately.
#[derive(Debug, Default, Clone, Copy)]
struct Health {
    consecutive_failures: u32,
    cooling_until: Option<Instant>,
    load: Load,
}

/// One alias's deployments and their health.
struct Route {
    deployments: Vec<Deployment>,
    /// Credentials the file gives, per deployment, ready to use.
    found: Vec<Option<Arc<Found>>>,
    health: Mutex<Vec<Health>>,
    strategy: Strategy,
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
        let mut strategies = std::mem::take(&mut config.strategies);
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
                    strategy: strategies.remove(&alias).unwrap_or_default(),
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
    /// those not cooling down in the order of the alias's strategy, then those cooling down
    /// (tried only when all others failed). `None` when `alias` is no alias.
    pub fn plan(&self, alias: &str) -> Option<Vec<Planned<'_>>> {
        let route = self.routes.get(alias)?;
        let now = Instant::now();
        let health = route.health.lock().unwrap_or_else(|e| e.into_inner());
        let (mut ready, cooling): (Vec<usize>, Vec<usize>) = (0..route.deployments.len())
            .partition(|&i| health[i].cooling_until.is_none_or(|until| until <= now));
        let loads: Vec<Load> = health.iter().map(|h| h.load).collect();
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
        let explore = route.strategy == Strategy::LowestLatency && self.draw(EXPLORE_ONE_IN) == 0;
        route.strategy.arrange(&mut order, &loads, explore);
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

    /// A call to `planned` begins: it counts as in flight until the returned attempt is
    /// finished or dropped (a cancelled request).
    pub fn start<'a>(&'a self, planned: &Planned<'a>) -> Attempt<'a> {
        planned
            .route
            .update(planned.index, |health| health.load.in_flight += 1);
        Attempt {
            routes: self,
            route: planned.route,
            index: planned.index,
            deployment: planned.deployment,
            started: Instant::now(),
        }
    }
}

impl Route {
    fn update(&self, index: usize, change: impl FnOnce(&mut Health)) {
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut health[index]);
    }
}

/// How a call to a deployment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It answered.
    Answered,
    /// It failed in a way another try may not (a bad request, a rejected key).
    Failed,
    /// It failed in a way worth retrying elsewhere (unavailable, timeout, rate limit).
    RetryableFailure,
}

/// A call to one deployment, in flight.
pub struct Attempt<'a> {
    routes: &'a Routes,
    route: &'a Route,
    index: usize,
    deployment: &'a Deployment,
    started: Instant,
}

impl Attempt<'_> {
    /// Records the outcome: an answer feeds the latency average, a retryable failure counts
    /// towards the deployment's cooldown, anything else resets the count.
    pub fn finish(self, outcome: Outcome) {
        let latency = self.started.elapsed();
        let cooldown = self.routes.cooldown;
        let mut cooling = false;
        self.route.update(self.index, |health| {
            if outcome != Outcome::RetryableFailure {
                health.consecutive_failures = 0;
                health.cooling_until = None;
                if outcome == Outcome::Answered {
                    health.load.succeeded(latency);
                }
                return;
            }
            health.load.failed = true;
            health.consecutive_failures += 1;
            if health.consecutive_failures >= cooldown.after_failures {
                health.consecutive_failures = 0;
                health.cooling_until = Some(Instant::now() + cooldown.duration);
                cooling = true;
            }
        });
        if cooling {
            tracing::warn!(
                provider = self.deployment.provider.id,
                model = self.deployment.model,
                "deployment cooling down for {:?} after repeated failures",
                cooldown.duration
            );
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        self.route
            .update(self.index, |health| health.load.in_flight -= 1);
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
