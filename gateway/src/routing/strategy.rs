//! How an alias orders its deployments: weighted random, fewest requests in flight, or
//! lowest recent latency with some exploration.

use std::time::Duration;

use serde::Deserialize;

/// The routing strategy of an alias (`strategy:` in the routing file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// A random order, each deployment drawn in proportion to its weight.
    #[default]
    Weighted,
    /// The deployment with the fewest requests in flight first (ties by weight).
    LeastBusy,
    /// The deployment with the lowest moving average of recent latency first; one request
    /// in [`EXPLORE_ONE_IN`] takes the weighted order instead, so a deployment that failed or
    /// was slow is tried again and can win back its traffic once it recovers.
    LowestLatency,
}

/// One request in this many explores under [`Strategy::LowestLatency`].
pub const EXPLORE_ONE_IN: u64 = 10;

/// The weight of the newest latency sample in the moving average.
const SMOOTHING: f64 = 0.3;

/// What a strategy knows about one deployment.
#[derive(Debug, Default, Clone, Copy)]
pub struct Load {
    /// Requests sent to it and not yet answered.
    pub in_flight: u32,
    /// Moving average of the time to its answers (to the response head for streams).
    pub latency: Option<Duration>,
    /// Whether its last call failed (it then sorts after every deployment that did not).
    pub failed: bool,
}

impl Load {
    /// Takes in a successful call's latency. The first success after a failure starts the
    /// average afresh, so a recovered deployment is judged by how it does now.
    pub fn succeeded(&mut self, latency: Duration) {
        self.latency = match self.latency {
            Some(average) if !self.failed => {
                Some(average.mul_f64(1.0 - SMOOTHING) + latency.mul_f64(SMOOTHING))
            }
            _ => Some(latency),
        };
        self.failed = false;
    }
}

impl Strategy {
    /// Reorders `order` (deployment indices already in weighted random order) by the
    /// strategy; `explore` says whether this request explores.
    pub fn arrange(self, order: &mut [usize], loads: &[Load], explore: bool) {
        match self {
            Strategy::Weighted => {}
            // Stable sorts: equal deployments keep the weighted order.
            Strategy::LeastBusy => order.sort_by_key(|&i| loads[i].in_flight),
            Strategy::LowestLatency if explore => {}
            Strategy::LowestLatency => {
                // Unmeasured deployments first (they must be measured), then by latency.
                order.sort_by_key(|&i| {
                    (
                        loads[i].failed,
                        loads[i].latency.is_some(),
                        loads[i].latency,
                    )
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(in_flight: u32, latency_ms: Option<u64>, failed: bool) -> Load {
        Load {
            in_flight,
            latency: latency_ms.map(Duration::from_millis),
            failed,
        }
    }

    #[test]
    fn least_busy_puts_the_idlest_first_and_keeps_ties_in_order() {
        let loads = [
            load(3, None, false),
            load(0, None, false),
            load(3, None, false),
        ];
        let mut order = vec![2, 0, 1];
        Strategy::LeastBusy.arrange(&mut order, &loads, false);
        assert_eq!(order, [1, 2, 0]);
    }

    #[test]
    fn lowest_latency_prefers_unmeasured_then_fastest_and_failed_last() {
        let loads = [
            load(0, Some(50), false),
            load(0, Some(5), true),
            load(0, Some(20), false),
            load(0, None, false),
        ];
        let mut order = vec![0, 1, 2, 3];
        Strategy::LowestLatency.arrange(&mut order, &loads, false);
        assert_eq!(order, [3, 2, 0, 1]);
        let mut explored = vec![1, 0, 2, 3];
        Strategy::LowestLatency.arrange(&mut explored, &loads, true);
        assert_eq!(explored, [1, 0, 2, 3], "exploring keeps the weighted order");
    }

    #[test]
    fn the_average_moves_towards_new_samples_and_restarts_after_a_failure() {
        let mut load = Load::default();
        load.succeeded(Duration::from_millis(100));
        load.succeeded(Duration::from_millis(0));
        assert_eq!(load.latency, Some(Duration::from_millis(70)));
        load.failed = true;
        load.succeeded(Duration::from_millis(10));
        assert_eq!(load.latency, Some(Duration::from_millis(10)));
        assert!(!load.failed);
    }
}
