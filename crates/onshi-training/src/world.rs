//! The world: the contract dispatcher (`Config::training()`) over an in-memory mirror of the training
//! store, persisted by [`crate::persist`].
//!
//! Requests are answered one at a time (an async lock), each in the order: catch up with what other
//! worlds saved, dispatch on the mirror, save what changed, wake the event streams, tell other
//! worlds. A sign-in's password check (Argon2) runs between its two dispatches, with the lock released
//! and no IndexedDB transaction open (decisions.md D3). When the stored data cannot be read, every
//! request is answered 503 and nothing is written.

use std::{cell::RefCell, rc::Rc};

use futures::{channel::oneshot, lock::Mutex};
use js_sys::Reflect;
use onshi_core::{
    contract::{Problem, ProblemCode, Response},
    dispatch::{Config, Dispatched, Dispatcher, Env, VERIFY_ROUNDS},
    store::MemoryStore,
};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{BroadcastChannel, MessageEvent};

use crate::{
    persist::{Persist, Refusal, Saved},
    platform::{GlobalRandom, indexed_db, now},
};

/// The database of the training world (decisions.md D3: training data only).
pub const DATABASE: &str = "onshi-training";
/// The channel on which worlds tell each other what they saved.
pub const CHANNEL: &str = "onshi-training";
/// How many times a save that lost a race with another world is dispatched again.
const SAVE_ATTEMPTS: usize = 4;

/// The state behind the request lock.
enum State {
    Ready { persist: Persist, store: MemoryStore },
    Refused { refusal: Refusal },
}

/// One training world.
pub struct World {
    dispatcher: Dispatcher,
    state: Mutex<State>,
    /// Event streams waiting for the next saved change, this world's or another's.
    watchers: Rc<RefCell<Vec<oneshot::Sender<()>>>>,
    channel: Option<BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl World {
    /// Opens the world on database `name` of the global scope's IndexedDB: the stored training data,
    /// the canned data when there is none, or a refusal when what is stored does not read.
    pub async fn open(name: &str) -> World {
        let state = match indexed_db() {
            Err(message) => State::Refused {
                refusal: Refusal::Open {
                    name: name.to_owned(),
                    message,
                },
            },
            Ok(factory) => match Persist::open(&factory, name).await {
                Ok((persist, store)) => State::Ready { persist, store },
                Err(refusal) => State::Refused { refusal },
            },
        };
        let watchers: Rc<RefCell<Vec<oneshot::Sender<()>>>> = Rc::default();
        // Another world's save wakes this world's event streams; their next read catches up.
        let (channel, on_message) = match BroadcastChannel::new(CHANNEL) {
            Ok(channel) => {
                let watchers = Rc::clone(&watchers);
                let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
                    wake(&watchers);
                });
                channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                (Some(channel), Some(on_message))
            }
            // Without the channel, other worlds' saves are found by the event streams' rechecks.
            Err(_) => (None, None),
        };
        World {
            dispatcher: Dispatcher::new(Config::training()),
            state: Mutex::new(state),
            watchers,
            channel,
            _on_message: on_message,
        }
    }

    /// Why the world refuses every request, if it does.
    pub async fn refusal(&self) -> Option<Refusal> {
        match &*self.state.lock().await {
            State::Refused { refusal } => Some(refusal.clone()),
            State::Ready { .. } => None,
        }
    }

    /// IndexedDB readwrite transactions this world has committed (seeding included).
    pub async fn writes(&self) -> u64 {
        match &*self.state.lock().await {
            State::Ready { persist, .. } => persist.writes(),
            // A refused world writes nothing.
            State::Refused { .. } => 0,
        }
    }

    /// Resolves after the next saved change of the training state, this world's or another's.
    pub fn changed(&self) -> oneshot::Receiver<()> {
        let (sender, receiver) = oneshot::channel();
        let mut watchers = self.watchers.borrow_mut();
        watchers.retain(|w| !w.is_canceled());
        watchers.push(sender);
        receiver
    }

    /// Answers one contract request (its target under `/onshi/v1`).
    pub async fn answer(&self, request: &onshi_core::contract::Request) -> Response {
        let mut dispatched = self
            .step(|dispatcher, store, env| dispatcher.dispatch_with(store, env, request))
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
                    self.step(|dispatcher, store, env| {
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

    /// One dispatch under the lock: catch up, run `work` on the mirror, save what it changed.
    async fn step(
        &self,
        work: impl Fn(&Dispatcher, &mut MemoryStore, &mut Env<'_>) -> Dispatched,
    ) -> Dispatched {
        let mut state = self.state.lock().await;
        let (persist, store) = match &mut *state {
            State::Ready { persist, store } => (persist, store),
            State::Refused { refusal } => return Dispatched::Answered(refused(refusal)),
        };
        for _ in 0..SAVE_ATTEMPTS {
            if let Err(response) = catch_up(persist, store).await {
                return Dispatched::Answered(response);
            }
            let revision = store.revision();
            let mut random = GlobalRandom;
            let mut env = Env {
                now: now(),
                random: &mut random,
            };
            let dispatched = work(&self.dispatcher, store, &mut env);
            if store.revision() == revision {
                return dispatched;
            }
            match persist.save(store).await {
                Ok(Saved::Written(version)) => {
                    wake(&self.watchers);
                    self.tell_others(version);
                    return dispatched;
                }
                // Another world saved first: its data is loaded and the request dispatched again.
                Ok(Saved::Stale) => {}
                Err(_) => {
                    // The mirror holds a change that was not saved; read the stored data again.
                    if let Ok(reloaded) = persist.reload().await {
                        *store = reloaded;
                    }
                    return Dispatched::Answered(not_saved());
                }
            }
        }
        Dispatched::Answered(not_saved())
    }

    fn tell_others(&self, version: u64) {
        let Some(channel) = &self.channel else { return };
        let message = js_sys::Object::new();
        // Setting a field on a fresh object cannot fail.
        let _ = Reflect::set(&message, &"version".into(), &JsValue::from_f64(version as f64));
        // A failed post only leaves other worlds to find the change by their own rechecks.
        let _ = channel.post_message(&message);
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

/// Reloads the mirror when another world saved since this one last loaded or saved.
async fn catch_up(persist: &Persist, store: &mut MemoryStore) -> Result<(), Response> {
    let stored = persist
        .stored_version()
        .await
        .map_err(|_| not_saved())?;
    if stored != persist.version() {
        *store = persist.reload().await.map_err(|e| refused(&e))?;
    }
    Ok(())
}

fn wake(watchers: &RefCell<Vec<oneshot::Sender<()>>>) {
    let watchers = std::mem::take(&mut *watchers.borrow_mut());
    for watcher in watchers {
        // A stream that stopped listening is no error.
        let _ = watcher.send(());
    }
}

/// The answer of a world whose training data cannot be read. The contract has no code of its own for
/// it in this build, so the nearest 503 is used: the detail says why.
pub fn refused(refusal: &Refusal) -> Response {
    Problem::new(ProblemCode::ShareUnavailable)
        .with_detail(format!("the training data cannot be used: {refusal}"))
        .into_response()
}

/// The answer when IndexedDB failed to save or read: nothing of the request was kept.
fn not_saved() -> Response {
    Problem::new(ProblemCode::Internal)
        .with_detail("the training data could not be saved; nothing was changed")
        .into_response()
}
