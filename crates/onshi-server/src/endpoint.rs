//! The endpoint: the core's dispatcher behind a store, a clock and the operating system's random
//! source, run off the async threads (decisions.md D3).

use std::{
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicI64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use onshi_core::{
    contract::{Problem, ProblemCode, Request, Response},
    dispatch::{Config, Dispatched, Dispatcher, Env, FaceRecorded, NationalAnswer},
    random::Random,
    store::{Store, StoreError},
    time::Timestamp,
};
use tokio::sync::watch;

use crate::bridge::Bridge;

/// The operating system's random source (D3: tokens, salts and passcodes must never be predictable).
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        // Without entropy nothing secret can be made, and carrying on with predictable bytes would be
        // worse than stopping: the process ends here, which the OS's source never makes happen in
        // practice.
        getrandom::fill(buf).expect("the operating system's random source is available");
    }
}

/// The endpoint's clock: the system clock, moved by an offset that only a training endpoint lets a
/// test set (`PUT /onshi/v1/training/clock`, decisions.md D1).
#[derive(Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        Timestamp::from_millis(
            system_millis().saturating_add(self.offset_ms.load(Ordering::SeqCst)),
        )
    }

    /// From now on the clock reads `now` and runs on from there.
    pub fn set(&self, now: Timestamp) {
        self.offset_ms.store(
            now.millis().saturating_sub(system_millis()),
            Ordering::SeqCst,
        );
    }
}

fn system_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// What the endpoint runs on.
pub struct Endpoint {
    dispatcher: Dispatcher,
    store: Mutex<Box<dyn Store + Send>>,
    clock: Clock,
    /// The national side's file interface, when the dispatcher's answers come from it.
    bridge: Option<Bridge>,
    /// The newest event id, for the event streams to wait on.
    last_event: watch::Sender<u64>,
}

impl Endpoint {
    pub fn new(
        dispatcher: Dispatcher,
        mut store: Box<dyn Store + Send>,
    ) -> Result<Endpoint, StoreError> {
        let last = last_event_id(store.as_mut())?;
        Ok(Endpoint {
            dispatcher,
            store: Mutex::new(store),
            clock: Clock::default(),
            bridge: None,
            last_event: watch::Sender::new(last),
        })
    }

    /// The same endpoint answering through the national side's files (the dispatcher must have been
    /// made `with_files`).
    pub fn with_bridge(mut self, bridge: Bridge) -> Endpoint {
        self.bridge = Some(bridge);
        self
    }

    pub fn config(&self) -> &Config {
        self.dispatcher.config()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A receiver that changes whenever an event is appended.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.last_event.subscribe()
    }

    /// Dispatches one request on a blocking thread: one store transaction, with the store locked
    /// for its length (SQLite work must not run on the async threads). A request that needs the
    /// national side is dispatched twice: once to learn the exchange, which applies nothing, and
    /// again with the answer, so the store is never held while the files are exchanged.
    pub async fn dispatch(self: &Arc<Self>, request: Request) -> Response {
        let request = Arc::new(request);
        match self.dispatch_off_thread(&request, None).await {
            Dispatched::Answered(response) => response,
            Dispatched::Exchange(exchange) => {
                let Some(bridge) = &self.bridge else {
                    return Problem::new(ProblemCode::Internal)
                        .with_detail("no national side to exchange with")
                        .into_response();
                };
                let answer = bridge.exchange(&exchange, self.clock.now()).await;
                match self.dispatch_off_thread(&request, Some(answer)).await {
                    Dispatched::Answered(response) => response,
                    Dispatched::Exchange(_) => Problem::new(ProblemCode::Internal)
                        .with_detail("the national side was asked twice")
                        .into_response(),
                }
            }
        }
    }

    async fn dispatch_off_thread(
        self: &Arc<Self>,
        request: &Arc<Request>,
        answer: Option<NationalAnswer>,
    ) -> Dispatched {
        let endpoint = Arc::clone(self);
        let request = Arc::clone(request);
        tokio::task::spawn_blocking(move || endpoint.dispatch_blocking(&request, answer.as_ref()))
            .await
            .unwrap_or_else(|_| {
                Dispatched::Answered(Problem::new(ProblemCode::Internal).into_response())
            })
    }

    /// Takes in the face reader's new files, forever: each becomes a history entry and a
    /// `qualification` event once (decisions.md D3). Runs only with a bridge.
    pub async fn watch_faces(self: Arc<Self>) {
        let Some(bridge) = self.bridge.clone() else {
            return;
        };
        let mut seen = std::collections::HashSet::new();
        loop {
            if let Ok(files) = bridge.new_face_files(&seen).await {
                for (name, bytes) in files {
                    let endpoint = Arc::clone(&self);
                    let file = name.clone();
                    let recorded = tokio::task::spawn_blocking(move || {
                        endpoint.record_face_blocking(&file, &bytes)
                    })
                    .await;
                    // A store that failed will be asked again on the next look; every other
                    // outcome is final.
                    if let Ok(Ok(outcome)) = recorded {
                        if let FaceRecorded::Unreadable(reason) = &outcome {
                            eprintln!("onshi-server: face/{name} is no result message: {reason}");
                        }
                        seen.insert(name);
                    }
                }
            }
            tokio::time::sleep(bridge.timing().poll).await;
        }
    }

    fn record_face_blocking(&self, name: &str, bytes: &[u8]) -> Result<FaceRecorded, StoreError> {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let mut random = OsRandom;
        let mut env = Env {
            now: self.clock.now(),
            random: &mut random,
        };
        let outcome = self
            .dispatcher
            .record_face_file(store.as_mut(), &mut env, name, bytes);
        self.notify(store.as_mut());
        outcome
    }

    fn dispatch_blocking(&self, request: &Request, answer: Option<&NationalAnswer>) -> Dispatched {
        // A panic elsewhere while the store was held cannot have left it half-written: every change
        // goes through one store transaction, which applies whole or not at all. So the lock is taken
        // back rather than every later request refused.
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let mut random = OsRandom;
        let mut env = Env {
            now: self.clock.now(),
            random: &mut random,
        };
        let dispatched = self
            .dispatcher
            .dispatch_with(store.as_mut(), &mut env, request, answer);
        self.notify(store.as_mut());
        dispatched
    }

    /// Wakes the event streams when the backlog grew.
    fn notify(&self, store: &mut dyn Store) {
        if let Ok(last) = last_event_id(store) {
            self.last_event.send_if_modified(|seen| {
                let newer = last > *seen;
                if newer {
                    *seen = last;
                }
                newer
            });
        }
    }
}

fn last_event_id(store: &mut dyn Store) -> Result<u64, StoreError> {
    let mut last = 0;
    store.transaction(&mut |read| {
        last = read.last_event_id()?;
        Ok(Vec::new())
    })?;
    Ok(last)
}
