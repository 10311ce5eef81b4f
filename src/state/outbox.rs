//! The outbox (decisions.md D4): writes staff expect to complete later — today the single 照会番号
//! registration — are kept in IndexedDB *before* they are sent, sent with an Idempotency-Key, and
//! kept until the endpoint answers. A write that got no answer (a timeout, a dropped connection, a
//! 5xx) stays and is sent again with the same key, so the endpoint applies it at most once; any
//! answer, a refusal included, ends it. What counts as an answer, what an attempt comes to, when an
//! entry is too old and what an answered write did in staff's words are the core's to say
//! ([`onshi_core::client::outbox`]), so the app and the conformance suite read answers alike and
//! the policy is tested on the host. A write the endpoint says is still with the national side (409
//! `idempotency_in_progress`) waits as 回答待ち, which is no failure, and is sent again later under
//! the same key until its answer is replayed. Staff see every entry's state in the frame and on the
//! 未送信の登録 screen.
//!
//! Entries belong to the device, not the session: the next signed-in user of the same institution
//! and endpoint replays them with `Onshi-Original-User` naming who made the change. An entry older
//! than six days ([`Policy::OUTBOX`]) is never replayed automatically but marked 要確認.

use std::collections::BTreeSet;

use leptos::prelude::*;
use onshi_core::{
    client::outbox::{self as policy, Attempt, Policy, Verdict},
    contract::{Request, Response, header},
    domain::RegistrationAnswer,
};

use crate::{
    labels,
    platform::outbox_store::{
        NewOutboxEntry, OutboxEntry, OutboxError, OutboxScope, OutboxState, OutboxStore,
        OutboxUser, REAL_OUTBOX, TRAINING_OUTBOX,
    },
    state::{
        Api, ClockHandle, EndpointHandle, SessionContext, use_api, use_clock, use_endpoint,
        use_session,
    },
    transport::{ApiError, Endpoint},
};

/// The outbox (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Outbox {
    /// The entries as last read, oldest first (every scope; the screen marks other scopes).
    entries: RwSignal<Vec<OutboxEntry>>,
    /// Why the outbox could not be read, if it could not.
    trouble: RwSignal<Option<String>>,
    /// Entries this tab is sending right now, so a replay does not send them a second time.
    in_flight: StoredValue<BTreeSet<String>>,
    /// Whether a replay runs (one at a time per tab).
    replaying: StoredValue<bool>,
    endpoint: EndpointHandle,
    session: SessionContext,
    clock: ClockHandle,
    api: Api,
}

/// Provides the outbox; after the endpoint, clock and session contexts.
pub(super) fn provide() {
    provide_context(Outbox {
        entries: RwSignal::new(Vec::new()),
        trouble: RwSignal::new(None),
        in_flight: StoredValue::new(BTreeSet::new()),
        replaying: StoredValue::new(false),
        endpoint: use_endpoint(),
        session: use_session(),
        clock: use_clock(),
        api: use_api(),
    });
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

/// What became of a write handed to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// The endpoint answered (an acceptance or a refusal): the entry is done. `outcome` says what
    /// it did in staff's words.
    Answered { response: Response, outcome: String },
    /// No answer: kept, and sent again later under the same key.
    Kept,
    /// The endpoint has the same write (its key) with the national side and no answer yet: kept as
    /// 回答待ち, and sent again later under the same key, which then replays the answer.
    AwaitingAnswer,
}

/// Why a write was not accepted into the outbox, so nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxFailure {
    #[error("not signed in")]
    NotSignedIn,
    #[error(transparent)]
    Store(#[from] OutboxError),
}

/// The database the outbox of `endpoint` lives in: training data never shares one with real data.
pub fn database_of(endpoint: &Endpoint) -> &'static str {
    match endpoint.is_training_world() {
        true => TRAINING_OUTBOX,
        false => REAL_OUTBOX,
    }
}

/// Whether an entry still waits to be sent (as opposed to done, or 要確認).
pub fn is_unsent(state: &OutboxState) -> bool {
    matches!(
        state,
        OutboxState::Pending
            | OutboxState::Sending
            | OutboxState::AwaitingAnswer
            | OutboxState::Failed { .. }
    )
}

impl Outbox {
    /// The entries as last read.
    pub fn entries(&self) -> Signal<Vec<OutboxEntry>> {
        self.entries.into()
    }

    /// Why the outbox could not be read, if so.
    pub fn trouble(&self) -> Signal<Option<String>> {
        self.trouble.into()
    }

    /// The entries this session would send: its endpoint and institution, not yet answered.
    pub fn unsent(&self) -> Signal<usize> {
        let this = *self;
        Signal::derive(move || {
            let scope = this.scope();
            this.entries.with(|entries| {
                entries
                    .iter()
                    .filter(|e| Some(&e.scope) == scope.as_ref() && is_unsent(&e.state))
                    .count()
            })
        })
    }

    /// Every entry of this session's scope, whatever its state: what the frame's badge counts.
    pub fn in_scope(&self) -> Signal<usize> {
        let this = *self;
        Signal::derive(move || {
            let scope = this.scope();
            this.entries.with(|entries| {
                entries
                    .iter()
                    .filter(|e| Some(&e.scope) == scope.as_ref())
                    .count()
            })
        })
    }

    /// The endpoint and institution of the signed-in session.
    pub fn scope(&self) -> Option<OutboxScope> {
        let endpoint = self.endpoint.with(Endpoint::id);
        self.session.with(|s| {
            s.map(|s| OutboxScope {
                endpoint,
                institution: s.institution.code.clone(),
            })
        })
    }

    fn scope_untracked(&self) -> Option<OutboxScope> {
        untrack(|| self.scope())
    }

    /// Whether the app that owns this handle is gone (an unmounted test app): work still in flight
    /// then stops instead of touching disposed state.
    fn disposed(&self) -> bool {
        self.replaying.is_disposed()
    }

    async fn open(&self) -> Result<OutboxStore, OutboxError> {
        let name = self.endpoint.with(database_of);
        OutboxStore::open(name).await
    }

    /// Reads the entries again (after a change by this tab or another).
    pub async fn refresh(&self) {
        match self.open().await {
            Ok(store) => self.refresh_from(&store).await,
            Err(_) => {
                let _ = self
                    .trouble
                    .try_set(Some(labels::OUTBOX_UNREADABLE.to_owned()));
            }
        }
    }

    /// [`Outbox::refresh`] through a store already open.
    async fn refresh_from(&self, store: &OutboxStore) {
        let listed = store.list().await;
        if self.disposed() {
            return;
        }
        match listed {
            Ok(entries) => {
                self.entries.set(entries);
                self.trouble.set(None);
            }
            Err(_) => self.trouble.set(Some(labels::OUTBOX_UNREADABLE.to_owned())),
        }
    }

    /// Keeps `request` (a write built with any token; the token is not kept) and sends it. Nothing
    /// is sent unless it was kept first, so a write is never lost between the two.
    pub async fn send(&self, request: Request) -> Result<Delivery, OutboxFailure> {
        let (scope, user) = match (
            self.scope_untracked(),
            self.session
                .peek(|s| s.map(|s| (s.account.id.clone(), s.account.name.clone()))),
        ) {
            (Some(scope), Some((id, name))) => (scope, OutboxUser { id, name }),
            _ => return Err(OutboxFailure::NotSignedIn),
        };
        let store = self.open().await?;
        if self.disposed() {
            return Err(OutboxFailure::NotSignedIn);
        }
        let entry = store
            .add(NewOutboxEntry {
                created_at: self.clock.now(),
                scope,
                user,
                request,
            })
            .await?;
        let id = entry.id.clone();
        let delivery = self.attempt(&store, entry).await;
        if matches!(delivery, Delivery::Answered { .. }) {
            // Staff see this answer on the screen that sent it; only writes that waited for an
            // answer stay listed until staff mark them seen.
            let _ = store.remove(&id).await;
        }
        self.refresh_from(&store).await;
        Ok(delivery)
    }

    /// Sends every entry of this session's scope that waits, oldest first; marks those too old as
    /// 要確認. Entries another tab is sending may be sent again: the key makes that harmless.
    pub async fn replay(&self) {
        if self.disposed() || self.replaying.try_get_value() != Some(false) {
            return;
        }
        self.replaying.set_value(true);
        self.replay_once().await;
        self.replaying.try_set_value(false);
    }

    async fn replay_once(&self) {
        let Some(scope) = self.scope_untracked() else {
            return;
        };
        let Ok(store) = self.open().await else {
            self.trouble.set(Some(labels::OUTBOX_UNREADABLE.to_owned()));
            return;
        };
        let listed = store.list().await;
        if self.disposed() {
            return;
        }
        let Ok(entries) = listed else {
            self.trouble.set(Some(labels::OUTBOX_UNREADABLE.to_owned()));
            return;
        };
        let now = self.clock.now();
        let mut changed = false;
        for entry in entries.clone() {
            if self.disposed() {
                return;
            }
            if entry.scope != scope || !is_unsent(&entry.state) {
                continue;
            }
            if self.in_flight.with_value(|f| f.contains(&entry.id)) {
                continue;
            }
            changed = true;
            if Policy::OUTBOX.expired(entry.created_at, now) {
                let _ = store.update_state(&entry.id, OutboxState::NeedsCheck).await;
                continue;
            }
            // Stop at the first write that gets no answer: the endpoint is down, and the later
            // ones would only wait out their own timeouts. A write still with the national side
            // says the endpoint is up, so the others go on.
            if self.attempt(&store, entry).await == Delivery::Kept {
                break;
            }
            // The session may have ended while sending (a 401).
            if self.scope_untracked().as_ref() != Some(&scope) {
                break;
            }
        }
        // Read the entries again only if this replay changed any; otherwise the list just read is
        // current (the replay runs every half minute, mostly with nothing to send).
        if changed {
            self.refresh_from(&store).await;
        } else if !self.disposed() {
            self.entries.set(entries);
            self.trouble.set(None);
        }
    }

    /// Sends a 要確認 entry again under a new key (staff checked the current state first).
    pub async fn send_again(&self, id: &str) -> Result<Delivery, OutboxFailure> {
        let store = self.open().await?;
        let entry = store
            .list()
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| OutboxError::NotFound { id: id.to_owned() })?;
        let delivery = self.send(entry.request).await?;
        store.remove(id).await?;
        self.refresh().await;
        Ok(delivery)
    }

    /// Removes an entry staff have seen the outcome of, or chose to discard.
    pub async fn remove(&self, id: &str) {
        if let Ok(store) = self.open().await {
            let _ = store.remove(id).await;
        }
        self.refresh().await;
    }

    /// One attempt: marks the entry 送信中, sends it under its key, and records what came back.
    async fn attempt(&self, store: &OutboxStore, entry: OutboxEntry) -> Delivery {
        self.in_flight
            .try_update_value(|f| _ = f.insert(entry.id.clone()));
        let delivery = self.attempt_once(store, &entry).await;
        self.in_flight.try_update_value(|f| _ = f.remove(&entry.id));
        delivery
    }

    async fn attempt_once(&self, store: &OutboxStore, entry: &OutboxEntry) -> Delivery {
        if store
            .update_state(&entry.id, OutboxState::Sending)
            .await
            .is_err()
        {
            // Another tab changed or removed it meanwhile; it is that tab's to finish.
            return Delivery::Kept;
        }
        self.entries.try_update(|entries| {
            if let Some(e) = entries.iter_mut().find(|e| e.id == entry.id) {
                e.state = OutboxState::Sending;
            }
        });
        if self.disposed() {
            return Delivery::Kept;
        }
        let mut request = entry.request.clone();
        request
            .headers
            .set(header::IDEMPOTENCY_KEY, entry.idempotency_key.clone());
        request
            .headers
            .set(header::ORIGINAL_USER, entry.user.id.clone());
        let answer = self
            .api
            .send_authed(move |token| {
                let mut request = request;
                request
                    .headers
                    .set(header::AUTHORIZATION, format!("Bearer {token}"));
                request
            })
            .await;
        let verdict = match &answer {
            Ok(response) => Policy::OUTBOX.judge(&entry.request, Attempt::Answer(response)),
            // A 401 ends the session inside `send_authed` and comes back as its refusal.
            Err(e) => Policy::OUTBOX.judge(&entry.request, Attempt::Failed(e.failure())),
        };
        // The replay's period (half a minute) is longer than any `Retry-After` the endpoint gives,
        // so the outbox has no wait of its own (see `onshi_core::client::outbox`).
        let (state, delivery) = match (verdict, answer) {
            (Verdict::Answered { outcome }, Ok(response)) => (
                OutboxState::Done {
                    outcome: outcome.clone(),
                },
                Delivery::Answered { response, outcome },
            ),
            (Verdict::AwaitingAnswer { .. }, _) => {
                (OutboxState::AwaitingAnswer, Delivery::AwaitingAnswer)
            }
            (Verdict::Retry { reason, .. }, _) => (OutboxState::Failed { reason }, Delivery::Kept),
            // The write waits for the next signed-in user.
            (Verdict::WaitForSession, _) => (OutboxState::Pending, Delivery::Kept),
            // The policy calls only an answer answered; were it ever to say so of a failed
            // attempt, the write stays to be sent again, which its key makes harmless.
            (Verdict::Answered { .. }, Err(_)) => (OutboxState::Pending, Delivery::Kept),
        };
        // A failure to record the state leaves the entry 送信中, which the next replay sends again
        // under the same key: never lost, never applied twice.
        let _ = store.update_state(&entry.id, state).await;
        delivery
    }
}

/// Reads the answer to a 照会番号 registration.
pub fn registration_answer(response: &Response) -> Result<RegistrationAnswer, ApiError> {
    policy::registration_answer(response).map_err(ApiError::from)
}

/// What a queued write is, for the outbox list (its body is the official message it sends).
pub fn describe(request: &Request) -> String {
    policy::describe(request)
}
