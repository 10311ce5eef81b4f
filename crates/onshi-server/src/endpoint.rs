//! The endpoint: the core's dispatcher behind a store, a clock and the operating system's random
//! source, run off the async threads (decisions.md D3), and — with a folder bridge — the exchanges
//! with the national side's files.
//!
//! A request that needs the national side is dispatched once: the dispatch checks it in full and
//! records the exchange (its request file's name, what the answer must show, the write's key marked
//! as in progress). The endpoint then writes the request file and waits, without holding the store,
//! for the exchange to end. One task, [`Endpoint::watch_share`], looks at the share for every open
//! exchange — a request waiting now, or one left by a request that stopped waiting or by a restart —
//! and ends each once through the dispatcher: with its answer, an error file, or, at its deadline,
//! by withdrawing a request file the national side never took. A request file that was taken stays
//! open, and its late answer is recorded when it comes. The same write arriving again while its
//! exchange is open waits for that ending (up to the national timeout) instead of writing again, and
//! is then answered as the first was, or 409 `idempotency_in_progress`.

use std::{
    collections::HashSet,
    net::IpAddr,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicI64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use onshi_core::{
    contract::{self, Headers, Method, Problem, ProblemCode, Request, Response},
    dispatch::{
        Completed, Config, Dispatched, Dispatcher, Env, Exchange, NationalAnswer, VERIFY_ROUNDS,
        answer_now, in_progress_answer,
    },
    exchange::{self as rules, Expectation, Unreadable},
    random::Random,
    store::{ExchangeRecord, ExchangeState, Store, StoreError},
    time::Timestamp,
    wire,
};
use tokio::sync::watch;

use crate::{
    bridge::{Bridge, Found, Publish, Withdrawal, WriteError, is_final, unchanged_for},
    sign_in::{self, Throttle, Verifier},
};

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

/// The endpoint's clock: the system clock, moved by an offset that tests of the endpoint's own timing
/// may set. (A training endpoint's business time is moved by the dispatcher's training clock,
/// `PUT /onshi/v1/training/clock`, decisions.md D1, which is kept in the store.)
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

/// How many ended exchanges one cleaning removes at most (the next takes the rest).
const CLEAN_BATCH: usize = 200;
/// How much longer than its exchange's deadline a request waits for the watcher to end it.
const DEADLINE_GRACE: Duration = Duration::from_secs(2);
/// How long an answer file that never becomes a whole document may stay unchanged before it is
/// taken, as unreadable, for an exchange past its deadline.
const ANSWER_STALE_AFTER: Duration = Duration::from_secs(10);

/// What the endpoint runs on.
pub struct Endpoint {
    dispatcher: Dispatcher,
    store: Mutex<Box<dyn Store + Send>>,
    clock: Clock,
    /// The national side's file interface, when the dispatcher's answers come from it.
    bridge: Option<Bridge>,
    /// The newest event id, for the event streams to wait on.
    last_event: watch::Sender<u64>,
    /// Bumped whenever an exchange moves, for the requests that wait for one.
    exchanges: watch::Sender<u64>,
    /// Whether the share's encryption (or breakage) has been reported in this run.
    encryption_reported: AtomicBool,
    /// The exchanges whose request files this process is writing now. One recorded as being written
    /// that is not here was left so by an earlier run, which stopped while writing it.
    writing: Mutex<HashSet<u64>>,
    /// Sign-in's password checks, outside the store's lock (decisions.md D3).
    verifier: Verifier,
    /// Failed sign-ins per client and minute.
    throttle: Throttle,
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
            exchanges: watch::Sender::new(0),
            encryption_reported: AtomicBool::new(false),
            writing: Mutex::new(HashSet::new()),
            verifier: sign_in::verifier(),
            throttle: Throttle::new(Some(sign_in::FAILURES_PER_MINUTE)),
        })
    }

    /// The same endpoint with another limit of failed sign-ins per client and minute; `None` counts
    /// none (for a benchmark that measures the password checks' pool alone).
    pub fn with_sign_in_limit(mut self, per_minute: Option<u32>) -> Endpoint {
        self.throttle = Throttle::new(per_minute);
        self
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

    /// The national timeout as a duration (the dispatcher's rule).
    fn national_timeout(&self) -> Duration {
        self.config()
            .national_timeout
            .to_std()
            .unwrap_or(Duration::ZERO)
    }

    /// Dispatches one request on a blocking thread: one store transaction, with the store locked
    /// for its length (SQLite work must not run on the async threads). A request for the national
    /// side then waits for its exchange (see the module comment); a sign-in has its password checked
    /// between its two transactions (module `sign_in`).
    pub async fn dispatch(self: &Arc<Self>, request: Request) -> Response {
        self.dispatch_from(request, None).await
    }

    /// [`Endpoint::dispatch`] for a request from `client`, whose failed sign-ins are counted.
    pub async fn dispatch_from(
        self: &Arc<Self>,
        request: Request,
        client: Option<IpAddr>,
    ) -> Response {
        // In a task of its own: a client that goes away (its request future dropped) must not stop
        // a dispatch between recording an exchange and writing its request file.
        let endpoint = Arc::clone(self);
        tokio::spawn(async move { endpoint.dispatch_here(request, client).await })
            .await
            .unwrap_or_else(|_| Problem::new(ProblemCode::Internal).into_response())
    }

    /// Whether the request's headers name a session that stands, asked before its body is read.
    pub async fn signed_in(self: &Arc<Self>, headers: Headers) -> bool {
        self.blocking(move |endpoint, store, env| {
            endpoint
                .dispatcher
                .signed_in(store, env.now, &headers)
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    /// Whether the contract answers this request without a session (sign-in, capabilities).
    pub fn admits_anonymous(&self, method: Method, path: &str) -> bool {
        self.dispatcher.admits_anonymous(method, path)
    }

    async fn dispatch_here(self: &Arc<Self>, request: Request, client: Option<IpAddr>) -> Response {
        let signing_in = request.method == Method::Post
            && request.path() == format!("{}/session", contract::PREFIX);
        if signing_in && let Some(refusal) = self.throttle.refusal(client, self.clock.now()) {
            return sign_in::after_a_pause(refusal).await;
        }
        // With every place of the password checks' queue taken, the sign-in would be refused after
        // its first transaction; it is refused before it, at no cost to the store.
        if signing_in && self.verifier.places_left() == 0 {
            return sign_in::after_a_pause(sign_in::busy()).await;
        }
        let response = self.answer(request).await;
        // Sign-in answers 401 only for a wrong ID or password and 423 only for a locked ID.
        if signing_in
            && [
                ProblemCode::InvalidCredentials.status(),
                ProblemCode::AccountLocked.status(),
            ]
            .contains(&response.status)
        {
            self.throttle.failed(client, self.clock.now());
        }
        response
    }

    async fn answer(self: &Arc<Self>, request: Request) -> Response {
        let request = Arc::new(request);
        // A request that finds its write in progress waits at most this long, whatever it waits for.
        let until = tokio::time::Instant::now() + self.national_timeout();
        let mut dispatched = self.dispatch_off_thread(&request).await;
        let mut verified = 0;
        loop {
            dispatched = match dispatched {
                Dispatched::Answered(response) => return response,
                Dispatched::Exchange(exchange) => return self.run_exchange(exchange).await,
                Dispatched::InProgress { exchange } => {
                    let ended = self
                        .wait_for(exchange, until, |r| !r.is_open())
                        .await
                        .is_some_and(|r| !r.is_open());
                    if !ended {
                        return in_progress_answer();
                    }
                    // Dispatched again: the key now replays the answer, or, if the national side
                    // never took the request, this request begins the exchange itself.
                    self.dispatch_off_thread(&request).await
                }
                Dispatched::Verify(check) => {
                    // A password that changes between the phases is checked again, a few times at
                    // most.
                    verified += 1;
                    if verified > VERIFY_ROUNDS {
                        return Problem::new(ProblemCode::Internal).into_response();
                    }
                    let Some(outcome) = self.verifier.run(check).await else {
                        return sign_in::after_a_pause(sign_in::busy()).await;
                    };
                    let request = Arc::clone(&request);
                    self.blocking(move |endpoint, store, env| {
                        endpoint
                            .dispatcher
                            .finish_sign_in(store, env, &request, outcome)
                    })
                    .await
                    .unwrap_or_else(|| {
                        Dispatched::Answered(Problem::new(ProblemCode::Internal).into_response())
                    })
                }
            };
        }
    }

    async fn dispatch_off_thread(self: &Arc<Self>, request: &Arc<Request>) -> Dispatched {
        let request = Arc::clone(request);
        let dispatched = self
            .blocking(move |endpoint, store, env| {
                let dispatched = endpoint.dispatcher.dispatch_with(store, env, &request);
                if let Dispatched::Exchange(exchange) = &dispatched {
                    // Noted while the store is still held, so the watcher never takes it for one an
                    // earlier run left half-written.
                    endpoint.writing(exchange.id, true);
                }
                dispatched
            })
            .await;
        let dispatched = dispatched.unwrap_or_else(|| {
            Dispatched::Answered(Problem::new(ProblemCode::Internal).into_response())
        });
        if matches!(dispatched, Dispatched::Exchange(_)) {
            self.exchanges.send_modify(|n| *n += 1);
        }
        dispatched
    }

    /// Runs `work` with the store and an environment on a blocking thread, and wakes the event
    /// streams if it appended events. `None` if the thread failed.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Endpoint, &mut dyn Store, &mut Env<'_>) -> T + Send + 'static,
    ) -> Option<T> {
        let endpoint = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            // A panic elsewhere while the store was held cannot have left it half-written: every
            // change goes through one store transaction, which applies whole or not at all. So the
            // lock is taken back rather than every later request refused.
            let mut store = endpoint
                .store
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let mut random = OsRandom;
            let mut env = Env {
                now: endpoint.clock.now(),
                random: &mut random,
            };
            let result = work(&endpoint, store.as_mut(), &mut env);
            endpoint.notify(store.as_mut());
            result
        })
        .await
        .ok()
    }

    /// Notes that this process writes (or has stopped writing) exchange `id`'s request file.
    fn writing(&self, id: u64, now: bool) {
        let mut writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        if now {
            writing.insert(id);
        } else {
            writing.remove(&id);
        }
    }

    /// Whether exchange `id` is being written with no writer in this process: an earlier run
    /// stopped while writing it. Asked with the store held, as the writers note themselves, so a
    /// writer that has just finished is never taken for a lost one.
    async fn orphaned(self: &Arc<Self>, id: u64) -> bool {
        self.blocking(move |endpoint, store, _| {
            let writing = endpoint
                .writing
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&id);
            !writing
                && matches!(
                    endpoint.dispatcher.exchange(store, id),
                    Ok(Some(record)) if record.state == ExchangeState::Writing
                )
        })
        .await
        .unwrap_or(false)
    }

    /// Writes an exchange's request file and waits for the exchange to end.
    async fn run_exchange(self: &Arc<Self>, exchange: Exchange) -> Response {
        match self.write(exchange).await {
            Ok(id) => self.wait_for_answer(id).await,
            Err(response) => response,
        }
    }

    /// Writes exchange `id`'s request file and records that it was written; when the exchange ended
    /// otherwise, its answer.
    async fn write(self: &Arc<Self>, exchange: Exchange) -> Result<u64, Response> {
        let Exchange {
            id,
            mut name,
            message,
        } = exchange;
        // However the writing stops (a panic included), this process no longer writes the file:
        // the watcher then reads what happened from its markers.
        let writer = Writer { endpoint: self, id };
        let Some(bridge) = self.bridge.clone() else {
            let no_share = NationalAnswer::NotWritten("no share to write to".to_owned());
            return Err(self.complete(id, no_share).await);
        };
        loop {
            match bridge.write_request(id, &name, &message).await {
                Ok(()) => break,
                Err(WriteError::Taken { .. }) => {
                    let renamed = self
                        .blocking(move |endpoint, store, env| {
                            endpoint.dispatcher.rename_exchange(store, env, id)
                        })
                        .await;
                    match renamed {
                        Some(Ok(Some(Ok(next)))) => name = next,
                        Some(Ok(Some(Err(problem)))) => {
                            let why = problem.detail.unwrap_or_default();
                            return Err(self.complete(id, NationalAnswer::NotWritten(why)).await);
                        }
                        // Ended meanwhile, or the store failed: whatever it came to is the answer.
                        _ => return Err(self.outcome(id).await),
                    }
                }
                Err(error) => {
                    eprintln!("onshi-server: {error}");
                    let why = error.to_string();
                    return Err(self.complete(id, NationalAnswer::NotWritten(why)).await);
                }
            }
        }
        let written = self
            .blocking(move |endpoint, store, _| endpoint.dispatcher.exchange_written(store, id))
            .await;
        drop(writer);
        if !matches!(written, Some(Ok(true))) {
            // Ended while it was being written (it cannot wait that long in practice): the file is
            // taken back, and the exchange's ending stands.
            let _ = bridge.withdraw(&name).await;
            bridge.forget_marker(id).await;
            return Err(self.outcome(id).await);
        }
        bridge.forget_marker(id).await;
        self.exchanges.send_modify(|n| *n += 1);
        Ok(id)
    }

    /// Waits for a written exchange to end, or to be found taken at its deadline.
    async fn wait_for_answer(self: &Arc<Self>, id: u64) -> Response {
        let deadline = self.instant_of_deadline(id).await + DEADLINE_GRACE;
        match self
            .wait_for(id, deadline, |r| r.state != ExchangeState::Waiting)
            .await
        {
            Some(record) => answer_now(&record),
            None => Problem::new(ProblemCode::Internal).into_response(),
        }
    }

    /// When exchange `id`'s deadline comes, as an instant of this process.
    async fn instant_of_deadline(self: &Arc<Self>, id: u64) -> tokio::time::Instant {
        let now = tokio::time::Instant::now();
        let Some(record) = self.record(id).await else {
            return now;
        };
        let left = record.deadline.since(self.clock.now());
        now + left.to_std().unwrap_or(Duration::ZERO)
    }

    /// Waits until exchange `id` satisfies `settled` or `until` comes, and returns it as it then is.
    async fn wait_for(
        self: &Arc<Self>,
        id: u64,
        until: tokio::time::Instant,
        settled: impl Fn(&ExchangeRecord) -> bool,
    ) -> Option<ExchangeRecord> {
        // Subscribed before the first read, so a move in between still wakes the wait.
        let mut moves = self.exchanges.subscribe();
        loop {
            let record = self.record(id).await;
            if record.as_ref().is_none_or(&settled) {
                return record;
            }
            if tokio::time::timeout_at(until, moves.changed())
                .await
                .is_err()
            {
                return record;
            }
        }
    }

    async fn record(self: &Arc<Self>, id: u64) -> Option<ExchangeRecord> {
        self.blocking(move |endpoint, store, _| endpoint.dispatcher.exchange(store, id))
            .await
            .and_then(Result::ok)
            .flatten()
    }

    /// The answer of exchange `id` as it now stands.
    async fn outcome(self: &Arc<Self>, id: u64) -> Response {
        match self.record(id).await {
            Some(record) => answer_now(&record),
            None => Problem::new(ProblemCode::Internal).into_response(),
        }
    }

    /// Ends exchange `id` (once: a later ending changes nothing) and wakes whoever waits for it;
    /// `None` if the store's thread failed.
    async fn end(
        self: &Arc<Self>,
        id: u64,
        answer: NationalAnswer,
    ) -> Option<Result<Completed, StoreError>> {
        let completed = self
            .blocking(move |endpoint, store, env| {
                endpoint
                    .dispatcher
                    .complete_exchange(store, env, id, answer)
            })
            .await;
        self.exchanges.send_modify(|n| *n += 1);
        if let Some(Err(error)) = &completed {
            eprintln!("onshi-server: ending exchange {id} failed: {error}");
        }
        completed
    }

    /// [`Endpoint::end`], for the request that waits: the answer it gets.
    async fn complete(self: &Arc<Self>, id: u64, answer: NationalAnswer) -> Response {
        match self.end(id, answer).await {
            Some(Ok(Completed { response, .. })) => response,
            _ => Problem::new(ProblemCode::Internal).into_response(),
        }
    }

    /// Looks after the share, forever (only with a bridge): ends the open exchanges (see the module
    /// comment), takes in the face reader's new files, and removes the files of exchanges past the
    /// share's retention. At start it says whether the share's files look encrypted.
    pub async fn watch_share(self: Arc<Self>) {
        let Some(bridge) = self.bridge.clone() else {
            return;
        };
        if bridge.publish() != Publish::Rename {
            eprintln!(
                "onshi-server: the share cannot rename a file without replacing another \
                 (renameat2 RENAME_NOREPLACE); request files are published by {}. After a stop while \
                 one is written, its write is waited for rather than sent again.",
                match bridge.publish() {
                    Publish::Link => "a hard link",
                    _ => "creating them in place",
                }
            );
        }
        self.report_encryption_at_start(&bridge).await;
        let mut seen_faces = HashSet::new();
        let mut cleaned: Option<tokio::time::Instant> = None;
        loop {
            self.look_at_exchanges(&bridge).await;
            self.take_faces(&bridge, &mut seen_faces).await;
            if cleaned.is_none_or(|at| at.elapsed() >= bridge.timing().clean_every) {
                self.clean(&bridge).await;
                cleaned = Some(tokio::time::Instant::now());
            }
            tokio::time::sleep(bridge.timing().poll).await;
        }
    }

    /// Ends what can be ended of the open exchanges: those whose answer is there, those past their
    /// deadline (withdrawn, or found taken), and those taken too long ago to wait for any more.
    async fn look_at_exchanges(self: &Arc<Self>, bridge: &Bridge) {
        let open = self
            .blocking(|endpoint, store, _| endpoint.dispatcher.open_exchanges(store))
            .await;
        let Some(Ok(open)) = open else { return };
        if open.is_empty() {
            return;
        }
        // Bulk results may be large; every other answer is one message.
        let names: Vec<String> = open.iter().map(|r| r.name.clone()).collect();
        let found = bridge.answers(&names, wire::BULK_LIMIT).await;
        let now = self.clock.now();
        let retention = self.config().share_retention;
        for record in open {
            if record.state == ExchangeState::Writing {
                // Its writer is at work, or — not in this process — stopped while writing it.
                if self.orphaned(record.id).await {
                    self.recover_half_written(bridge, &record).await;
                }
                continue;
            }
            let past_deadline = now >= record.deadline;
            if let Some(answer) = found.get(&record.name) {
                let answer = match answer {
                    Found::Error(text) => Some(NationalAnswer::Error(text.clone())),
                    Found::Pdf(bytes) => Some(NationalAnswer::Pdf(bytes.clone())),
                    Found::Xml(bytes) => {
                        let path = bridge.answer_xml(&record.name);
                        // A file still being written is waited for; one that will never read is
                        // taken as it is, and refused.
                        let final_form = is_final(bytes)
                            || bytes.len() > limit_of(&record.expect)
                            || rules::looks_encrypted(bytes)
                            || (past_deadline && unchanged_for(&path, ANSWER_STALE_AFTER).await);
                        final_form.then(|| NationalAnswer::Message(bytes.clone()))
                    }
                };
                if let Some(answer) = answer {
                    self.end_with_answer(&record, answer).await;
                    continue;
                }
            }
            match record.state {
                ExchangeState::Waiting if past_deadline => {
                    self.at_deadline(bridge, &record).await;
                }
                ExchangeState::Taken { since } if now >= since + retention => {
                    eprintln!(
                        "onshi-server: no answer to req/{}.xml came within the retention; given up",
                        record.name
                    );
                    self.complete(record.id, NationalAnswer::Abandoned).await;
                }
                _ => {}
            }
        }
    }

    /// Ends an exchange with an answer file; a refused one is logged by name (never its contents).
    async fn end_with_answer(self: &Arc<Self>, record: &ExchangeRecord, answer: NationalAnswer) {
        let Some(Ok(Completed {
            refused: Some(mismatch),
            ..
        })) = self.end(record.id, answer).await
        else {
            return;
        };
        eprintln!(
            "onshi-server: the answer to req/{}.xml is refused: {mismatch}",
            record.name
        );
        if matches!(
            mismatch,
            rules::Mismatch::Unreadable {
                reason: Unreadable::Encrypted,
                ..
            }
        ) {
            self.report_encryption(&rules::answer_name(&record.name));
        }
    }

    /// At an exchange's deadline without an answer: a request file still in `req/` was never taken
    /// and is withdrawn; one that is gone was taken, and its answer is still awaited.
    async fn at_deadline(self: &Arc<Self>, bridge: &Bridge, record: &ExchangeRecord) {
        match bridge.withdraw(&record.name).await {
            Ok(Withdrawal::Removed) => {
                self.complete(record.id, NationalAnswer::Withdrawn).await;
            }
            Ok(Withdrawal::Gone) => {
                let id = record.id;
                self.blocking(move |endpoint, store, env| {
                    endpoint.dispatcher.exchange_taken(store, env, id)
                })
                .await;
                self.exchanges.send_modify(|n| *n += 1);
            }
            Err(error) => eprintln!(
                "onshi-server: cannot withdraw req/{}.xml: {error}",
                record.name
            ),
        }
    }

    /// An exchange an earlier run stopped while writing: its markers say whether its request file
    /// may have been published ([`Bridge::may_be_published`]). One that may goes on as written — at
    /// its deadline it is withdrawn if still in `req/`, or else awaited as taken — since sending the
    /// write again could double it; one that never was ends as withdrawn, so the write may be sent
    /// again.
    async fn recover_half_written(self: &Arc<Self>, bridge: &Bridge, record: &ExchangeRecord) {
        let published = match bridge.may_be_published(record.id).await {
            Ok(published) => published,
            Err(error) => {
                eprintln!(
                    "onshi-server: cannot read the markers of req/{}.xml: {error}",
                    record.name
                );
                return;
            }
        };
        if published {
            let id = record.id;
            self.blocking(move |endpoint, store, _| {
                endpoint.dispatcher.exchange_written(store, id)
            })
            .await;
            self.exchanges.send_modify(|n| *n += 1);
        } else {
            // A hidden file of an attempt that never got as far as publishing is taken back.
            bridge.forget_marker(record.id).await;
            self.complete(record.id, NationalAnswer::Withdrawn).await;
        }
        bridge.forget_marker(record.id).await;
    }

    /// Takes in the face reader's new files: each becomes a history entry and a `qualification`
    /// event once; one that cannot be read is copied beside the database, left in place, and
    /// becomes a `face_unreadable` event (decisions.md D3).
    async fn take_faces(self: &Arc<Self>, bridge: &Bridge, seen: &mut HashSet<String>) {
        let Ok(files) = bridge.new_face_files(seen, wire::MESSAGE_LIMIT).await else {
            return;
        };
        for (name, bytes) in files {
            // A file that cannot be read is copied aside before it is recorded, so that a copy
            // exists for every one staff are told of.
            if let Some((reason, error)) = rules::unreadable_face(&bytes) {
                match bridge.keep_unreadable(&name).await {
                    Ok(copy) => eprintln!(
                        "onshi-server: face/{name} cannot be read ({reason}: {error}); a copy is kept at {}",
                        copy.display()
                    ),
                    Err(error) => eprintln!(
                        "onshi-server: face/{name} cannot be read ({reason}), and copying it aside failed: {error}"
                    ),
                }
                if reason == Unreadable::Encrypted {
                    self.report_encryption(&name);
                }
            }
            let file = name.clone();
            let recorded = self
                .blocking(move |endpoint, store, env| {
                    endpoint
                        .dispatcher
                        .record_face_file(store, env, &file, &bytes)
                })
                .await;
            // A store that failed will be asked again on the next look; every other outcome is
            // final.
            if matches!(recorded, Some(Ok(_))) {
                seen.insert(name);
            }
        }
    }

    /// Says once per run that the share's files do not read as text, naming both causes.
    fn report_encryption(&self, file: &str) {
        if self.encryption_reported.swap(true, Ordering::SeqCst) {
            return;
        }
        eprintln!(
            "onshi-server: the share's {} files are not text: either the 資格確認端末's 連携アプリ encrypts this file prefix (its encryption setting; turn it off for the files this endpoint reads), or the files are broken",
            rules::prefix_of(file)
        );
    }

    /// At start: the prefixes of `face/` and `res/` whose every file looks encrypted.
    async fn report_encryption_at_start(&self, bridge: &Bridge) {
        for folder in ["face", "res"] {
            if let Ok(prefixes) = bridge.encrypted_prefixes(folder).await {
                for prefix in prefixes {
                    self.report_encryption(&prefix);
                }
            }
        }
    }

    /// Removes the files of exchanges that ended longer ago than the share's retention, and forgets
    /// them (their answers stay under their writes' keys).
    async fn clean(self: &Arc<Self>, bridge: &Bridge) {
        let due = self
            .blocking(|endpoint, store, env| {
                endpoint
                    .dispatcher
                    .exchanges_to_clean(store, env, CLEAN_BATCH)
            })
            .await;
        let Some(Ok(due)) = due else { return };
        for record in due {
            if let Err(error) = bridge.clean(&record.name).await {
                eprintln!(
                    "onshi-server: cannot remove the files of {}: {error}",
                    record.name
                );
                continue;
            }
            let id = record.id;
            self.blocking(move |endpoint, store, _| endpoint.dispatcher.forget_exchange(store, id))
                .await;
        }
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

/// The note that this process writes an exchange's request file, taken away when dropped.
struct Writer<'e> {
    endpoint: &'e Endpoint,
    id: u64,
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        self.endpoint.writing(self.id, false);
    }
}

/// The largest answer a request's exchange reads: a bulk result may be large.
fn limit_of(expect: &Expectation) -> usize {
    match expect {
        Expectation::BulkResult { .. } | Expectation::MedicalInfo { .. } => wire::BULK_LIMIT,
        _ => wire::MESSAGE_LIMIT,
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
