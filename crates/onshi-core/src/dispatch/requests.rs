//! A training endpoint's request counter (decisions.md D3): every request a training dispatcher is
//! handed is counted in memory, by method and the path pattern of its route, so that tests can see
//! how many requests a screen or a flow sends (`GET /training/requests`). The counts are the
//! dispatcher's, not the store's: they begin again with each dispatcher and are never persisted.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
};

use crate::{
    contract::{
        Method,
        groups::{RequestCount, TrainingRequests},
    },
    dispatch::routes,
    time::{Rfc3339, Timestamp},
};

/// What a request that matches no route is counted under: one place for all of them, so that
/// requests for made-up paths cannot make the counts grow without bound.
pub const UNROUTED: &str = "*";

/// The counts, shared by a dispatcher's clones (they answer as one endpoint).
#[derive(Clone, Debug, Default)]
pub(super) struct RequestCounter {
    counts: Arc<Mutex<Counts>>,
}

#[derive(Debug, Default)]
struct Counts {
    /// The clock handed to the first counted dispatch.
    since: Option<Timestamp>,
    /// By path pattern, then method: the order the answer lists them in.
    by_route: BTreeMap<(String, &'static str), u64>,
}

impl RequestCounter {
    /// Counts one request, handed to the dispatcher at `now`.
    pub(super) fn count(&self, now: Timestamp, method: Method, path: &str) {
        let pattern = routes::find(path)
            .and_then(|found| found.routes.first().map(|route| route.template()))
            .unwrap_or_else(|| UNROUTED.to_owned());
        // A panic elsewhere while the counts were held cannot have left them half-changed (each
        // change is one insertion), so they are taken back rather than lost.
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.since.get_or_insert(now);
        *counts
            .by_route
            .entry((pattern, method.as_str()))
            .or_insert(0) += 1;
    }

    /// The counts so far, sorted by path and then method; `since` is `fallback` when nothing was
    /// counted yet.
    pub(super) fn snapshot(&self, fallback: Timestamp) -> TrainingRequests {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        TrainingRequests {
            since: Rfc3339(counts.since.unwrap_or(fallback)),
            requests: counts
                .by_route
                .iter()
                .map(|((path, method), count)| RequestCount {
                    method: (*method).to_owned(),
                    path: path.clone(),
                    count: *count,
                })
                .collect(),
        }
    }
}
