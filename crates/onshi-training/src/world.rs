//! The world: the contract dispatcher (`Config::training()`) over an in-memory mirror of the training
//! store, persisted record by record by [`crate::persist`].
//!
//! Requests are answered one at a time (an async lock), each in this order: apply what other worlds
//! broadcast, and reload if the stored version is still ahead; load the history message or bulk
//! result the request may read (`Dispatcher::blobs_for`) if it is not loaded; dispatch on the mirror
//! through `Journaled`, which yields the per-record operations it committed; write exactly those in
//! one readwrite transaction with `meta.version` + 1; wake the event streams; broadcast
//! `{database, version, ops}` on the channel `onshi-training` so other worlds on the same database
//! (another worker version, a test page) apply them without reading everything again. The channel
//! is one for the whole origin, so a world ignores what a world on another database broadcast: those
//! ops are not its data.
//!
//! A request that changes nothing writes nothing. A session's activity stamp alone (`stamp_only`)
//! is not written at once: it waits, at most a minute, and goes out with the next write. A sign-in's
//! password check (Argon2) runs between its two dispatches, with the lock released and no IndexedDB
//! transaction open (decisions.md D3). When the stored data cannot be read, every request is answered
//! 503 and nothing is written.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use futures::{channel::oneshot, lock::Mutex};
use js_sys::Reflect;
use onshi_core::{
    contract::{Problem, ProblemCode, Request, Response},
    dispatch::{Config, Dispatched, Dispatcher, Env, VERIFY_ROUNDS},
    store::{
        MemoryStore, SessionRecord, Store,
        journal::{Blob, Journaled, RecordKind, RecordOp, stamp_only},
    },
};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{BroadcastChannel, MessageEvent};

use crate::{
    persist::{Committed, Persist, Refusal},
    platform::{GlobalRandom, indexed_db, now},
};

/// The database of the training world (decisions.md D3: training data only).
pub const DATABASE: &str = "onshi-training";
/// The channel on which worlds tell each other what they wrote.
pub const CHANNEL: &str = "onshi-training";
/// How many times a dispatch whose write lost a race with another world is made again.
const COMMIT_ATTEMPTS: usize = 4;

/// Another world's committed write, as broadcast.
type Broadcast = (u64, Vec<RecordOp>);

/// The mirror and what it knows of the stored copy.
struct Ready {
    persist: Persist,
    store: MemoryStore,
    /// Each session as last written (or read), to tell a stamp-only change from a real one.
    saved_sessions: HashMap<String, SessionRecord>,
    /// Stamp-only session writes waiting for the next write (at most a minute old).
    deferred: HashMap<String, RecordOp>,
    /// The mirror holds something not stored (a failed write): read everything again.
    stale: bool,
    /// How many times the mirror was read again whole (another world's write not received).
    reloads: u64,
}

/// The state behind the request lock.
enum State {
    Ready(Box<Ready>),
    Refused(Refusal),
}

/// One training world.
pub struct World {
    dispatcher: Dispatcher,
    state: Mutex<State>,
    /// Event streams waiting for the next committed change, this world's or another's.
    watchers: Rc<RefCell<Vec<oneshot::Sender<()>>>>,
    /// Other worlds' writes, received and not yet applied (they are applied under the lock).
    inbox: Rc<RefCell<Vec<Broadcast>>>,
    /// The IndexedDB database this world keeps, named in its broadcasts.
    database: String,
    channel: Option<BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl World {
    /// Opens the world on database `name` of the global scope's IndexedDB: the stored training data,
    /// the canned data when there is none, the version-1 data migrated, or a refusal when what is
    /// stored does not read.
    pub async fn open(name: &str) -> World {
        let state = match indexed_db() {
            Err(message) => State::Refused(Refusal::Open {
                name: name.to_owned(),
                message,
            }),
            Ok(factory) => match Persist::open(&factory, name).await {
                Ok((persist, store)) => {
                    let saved_sessions = sessions_of(&store);
                    State::Ready(Box::new(Ready {
                        persist,
                        store,
                        saved_sessions,
                        deferred: HashMap::new(),
                        stale: false,
                        reloads: 0,
                    }))
                }
                Err(refusal) => State::Refused(refusal),
            },
        };
        let watchers: Rc<RefCell<Vec<oneshot::Sender<()>>>> = Rc::default();
        let inbox: Rc<RefCell<Vec<Broadcast>>> = Rc::default();
        let (channel, on_message) = match BroadcastChannel::new(CHANNEL) {
            Ok(channel) => {
                let watchers = Rc::clone(&watchers);
                let inbox = Rc::clone(&inbox);
                let database = name.to_owned();
                let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                    let data = e.data();
                    // A world on another database shares the channel, not the data: applying its
                    // write here would put records into this mirror that this database never held.
                    if !of_database(&data, &database) {
                        return;
                    }
                    if let Some(broadcast) = read_broadcast(&data) {
                        inbox.borrow_mut().push(broadcast);
                    }
                    // Woken streams read through the lock, which applies the write first.
                    wake(&watchers);
                });
                channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                (Some(channel), Some(on_message))
            }
            // Without the channel, other worlds' writes are found by the stored version's check.
            Err(_) => (None, None),
        };
        World {
            dispatcher: Dispatcher::new(Config::training()),
            state: Mutex::new(state),
            watchers,
            inbox,
            database: name.to_owned(),
            channel,
            _on_message: on_message,
        }
    }

    /// Why the world refuses every request, if it does.
    pub async fn refusal(&self) -> Option<Refusal> {
        match &*self.state.lock().await {
            State::Refused(refusal) => Some(refusal.clone()),
            State::Ready(_) => None,
        }
    }

    /// IndexedDB readwrite transactions this world has committed (seeding and migration included).
    pub async fn writes(&self) -> u64 {
        match &*self.state.lock().await {
            State::Ready(ready) => ready.persist.writes(),
            // A refused world writes nothing.
            State::Refused(_) => 0,
        }
    }

    /// How many times this world read the stored data again whole because another world's write
    /// had not reached it through the broadcast channel.
    pub async fn reloads(&self) -> u64 {
        match &*self.state.lock().await {
            State::Ready(ready) => ready.reloads,
            State::Refused(_) => 0,
        }
    }

    /// The record kinds and keys of this world's last committed write, in order.
    pub async fn last_written(&self) -> Vec<(RecordKind, String)> {
        match &*self.state.lock().await {
            State::Ready(ready) => ready.persist.last_written(),
            State::Refused(_) => Vec::new(),
        }
    }

    /// Resolves after the next committed change of the training state, this world's or another's.
    pub fn changed(&self) -> oneshot::Receiver<()> {
        let (sender, receiver) = oneshot::channel();
        let mut watchers = self.watchers.borrow_mut();
        watchers.retain(|w| !w.is_canceled());
        watchers.push(sender);
        receiver
    }

    /// Answers one contract request (its target under `/onshi/v1`).
    pub async fn answer(&self, request: &Request) -> Response {
        let blobs = self.dispatcher.blobs_for(request);
        let mut dispatched = self
            .step(&blobs, |dispatcher, store, env| {
                dispatcher.dispatch_with(store, env, request)
            })
            .await;
        let mut verified = 0;
        loop {
            dispatched = match dispatched {
                Dispatched::Answered(response) => return response,
                Dispatched::Verify(check) => {
                    verified += 1;
                    if verified > VERIFY_ROUNDS {
                        return Problem::new(ProblemCode::Internal)
                            .with_detail("the account's password kept changing during the sign-in")
                            .into_response();
                    }
                    // Outside the lock and any transaction: Argon2 takes tens of milliseconds.
                    let outcome = check.verify();
                    self.step(&[], |dispatcher, store, env| {
                        dispatcher.finish_sign_in(store, env, request, outcome.clone())
                    })
                    .await
                }
                // The training dispatcher's national side is the simulator, answered within the
                // dispatch; a file exchange cannot begin here.
                Dispatched::Exchange(_) | Dispatched::InProgress { .. } => {
                    return Problem::new(ProblemCode::Internal)
                        .with_detail("the training world has no national side's files")
                        .into_response();
                }
            };
        }
    }

    /// One dispatch under the lock: catch up, load `blobs`, run `work` on the mirror, write what it
    /// committed.
    async fn step(
        &self,
        blobs: &[Blob],
        work: impl Fn(&Dispatcher, &mut dyn Store, &mut Env<'_>) -> Dispatched,
    ) -> Dispatched {
        let mut state = self.state.lock().await;
        let ready = match &mut *state {
            State::Ready(ready) => ready,
            State::Refused(refusal) => return Dispatched::Answered(refused(refusal)),
        };
        for _ in 0..COMMIT_ATTEMPTS {
            let inbox = std::mem::take(&mut *self.inbox.borrow_mut());
            if let Err(response) = ready.catch_up(inbox).await {
                return Dispatched::Answered(response);
            }
            if let Err(response) = ready.attach(blobs).await {
                return Dispatched::Answered(response);
            }
            let mut random = GlobalRandom;
            let mut env = Env {
                now: now(),
                random: &mut random,
            };
            let mut journaled = Journaled::new(&mut ready.store);
            let dispatched = work(&self.dispatcher, &mut journaled, &mut env);
            let committed = journaled.into_ops();
            let ops = ready.what_to_write(committed);
            if ops.is_empty() {
                return dispatched;
            }
            match ready.persist.commit(&ops).await {
                Ok(Committed::Written(version)) => {
                    ready.written(&ops);
                    wake(&self.watchers);
                    self.tell_others(version, &ops);
                    return dispatched;
                }
                // Another world wrote first: its data is read and the request dispatched again.
                Ok(Committed::Stale) => ready.stale = true,
                Err(_) => {
                    // The mirror holds a change that was not stored; read the stored data again.
                    ready.stale = true;
                    return Dispatched::Answered(not_saved());
                }
            }
        }
        Dispatched::Answered(not_saved())
    }

    fn tell_others(&self, version: u64, ops: &[RecordOp]) {
        let Some(channel) = &self.channel else { return };
        let Ok(ops) = serde_json::to_string(ops)
            .map_err(|_| ())
            .and_then(|text| js_sys::JSON::parse(&text).map_err(|_| ()))
        else {
            // Other worlds then find the write by the stored version, and read everything again.
            return;
        };
        let message = js_sys::Object::new();
        // Setting fields on a fresh object cannot fail.
        let _ = Reflect::set(
            &message,
            &"database".into(),
            &JsValue::from_str(&self.database),
        );
        let _ = Reflect::set(
            &message,
            &"version".into(),
            &JsValue::from_f64(version as f64),
        );
        let _ = Reflect::set(&message, &"ops".into(), &ops);
        // A failed post only leaves other worlds to find the write by the stored version.
        let _ = channel.post_message(&message);
    }
}

impl Ready {
    /// Applies other worlds' writes that follow this world's version, then reads everything again
    /// if the stored version is still ahead (a write whose broadcast has not arrived, or was
    /// missed) or the mirror is stale.
    async fn catch_up(&mut self, inbox: Vec<Broadcast>) -> Result<(), Response> {
        for (version, ops) in inbox {
            if self.stale || version != self.persist.version() + 1 {
                // Already read (version at or below ours), or a gap the check below fills.
                continue;
            }
            if self.store.apply_ops(&ops).is_err() {
                self.stale = true;
                continue;
            }
            self.persist.set_version(version);
            self.written(&ops);
            // Another world's write of a session supersedes this world's waiting stamp.
            for op in &ops {
                if op.kind() == RecordKind::Session {
                    self.deferred.remove(op.key());
                }
            }
        }
        let stored = self
            .persist
            .stored_version()
            .await
            .map_err(|_| not_saved())?;
        if self.stale || stored != self.persist.version() {
            self.store = self.persist.reload().await.map_err(|e| refused(&e))?;
            self.saved_sessions = sessions_of(&self.store);
            // A waiting stamp may be older than what was read; it is the stored copy's now.
            self.deferred.clear();
            self.stale = false;
            self.reloads += 1;
        }
        Ok(())
    }

    /// Loads the detached history messages and bulk results a request may read.
    async fn attach(&mut self, blobs: &[Blob]) -> Result<(), Response> {
        for blob in blobs {
            if !self.store.detached(blob) {
                continue;
            }
            // A blob that is not stored stays detached; reading it then fails loudly in the
            // dispatch.
            let value = self.persist.blob(blob).await.map_err(|_| not_saved())?;
            if let Some(value) = value {
                self.store.attach(blob, &value).map_err(|_| {
                    Problem::new(ProblemCode::Internal)
                        .with_detail("a stored record does not read")
                        .into_response()
                })?;
            }
        }
        Ok(())
    }

    /// What to write of a dispatch's operations: stamp-only session writes wait (at most a minute),
    /// and go out with the next write there is.
    fn what_to_write(&mut self, ops: Vec<RecordOp>) -> Vec<RecordOp> {
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            if let RecordOp::Put {
                kind: RecordKind::Session,
                key,
                value,
            } = &op
            {
                let next = serde_json::from_str::<SessionRecord>(value).ok();
                let waits = match (self.saved_sessions.get(key), &next) {
                    (Some(saved), Some(next)) => stamp_only(saved, next),
                    _ => false,
                };
                if waits {
                    self.deferred.insert(key.clone(), op);
                    continue;
                }
            }
            if op.kind() == RecordKind::Session {
                self.deferred.remove(op.key());
            }
            out.push(op);
        }
        if !out.is_empty() {
            out.extend(std::mem::take(&mut self.deferred).into_values());
        }
        out
    }

    /// Notes what is now stored: the sessions' saved copies.
    fn written(&mut self, ops: &[RecordOp]) {
        for op in ops {
            match op {
                RecordOp::Put {
                    kind: RecordKind::Session,
                    key,
                    value,
                } => match serde_json::from_str::<SessionRecord>(value) {
                    Ok(record) => {
                        self.saved_sessions.insert(key.clone(), record);
                    }
                    Err(_) => {
                        self.saved_sessions.remove(key);
                    }
                },
                RecordOp::Delete {
                    kind: RecordKind::Session,
                    key,
                } => {
                    self.saved_sessions.remove(key);
                }
                _ => {}
            }
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            // The handler must go before the closure it points to is freed.
            channel.set_onmessage(None);
            channel.close();
        }
    }
}

/// The sessions of a store as its records give them.
fn sessions_of(store: &MemoryStore) -> HashMap<String, SessionRecord> {
    store
        .to_records()
        .into_iter()
        .filter_map(|op| match op {
            RecordOp::Put {
                kind: RecordKind::Session,
                key,
                value,
            } => serde_json::from_str(&value)
                .ok()
                .map(|record| (key, record)),
            _ => None,
        })
        .collect()
}

/// Whether a message on the channel was broadcast by a world on `database`. One without a database
/// name (an older worker's) is taken as another database's: reading it would risk foreign records,
/// and missing it only costs a reload, since the stored version's check finds the write.
fn of_database(data: &JsValue, database: &str) -> bool {
    Reflect::get(data, &"database".into())
        .ok()
        .and_then(|name| name.as_string())
        .is_some_and(|name| name == database)
}

/// A broadcast `{database, version, ops}` (its database already checked); anything else on the
/// channel is ignored.
fn read_broadcast(data: &JsValue) -> Option<Broadcast> {
    let version = Reflect::get(data, &"version".into()).ok()?.as_f64()?;
    let ops = Reflect::get(data, &"ops".into()).ok()?;
    let text: String = js_sys::JSON::stringify(&ops).ok()?.into();
    let ops: Vec<RecordOp> = serde_json::from_str(&text).ok()?;
    Some((version as u64, ops))
}

fn wake(watchers: &RefCell<Vec<oneshot::Sender<()>>>) {
    let watchers = std::mem::take(&mut *watchers.borrow_mut());
    for watcher in watchers {
        // A stream that stopped listening is no error.
        let _ = watcher.send(());
    }
}

/// The answer of a world whose training data cannot be read: 503 `training_data_unreadable`, the
/// detail saying why.
pub fn refused(refusal: &Refusal) -> Response {
    Problem::new(ProblemCode::TrainingDataUnreadable)
        .with_detail(format!("the training data cannot be used: {refusal}"))
        .into_response()
}

/// The answer when IndexedDB failed to write or read: nothing of the request was kept.
fn not_saved() -> Response {
    Problem::new(ProblemCode::Internal)
        .with_detail("the training data could not be saved; nothing was changed")
        .into_response()
}
