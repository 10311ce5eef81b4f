//! The contract dispatcher: the single source of behaviour for training mode and the reference
//! endpoint (decisions.md D3).
//!
//! A contract request goes in and a contract response comes out. The dispatcher is synchronous, does no
//! I/O, and is deterministic given its store, its clock reading and its random source, which are all
//! handed in. Each dispatch runs in exactly one store transaction: handlers read through
//! [`StoreRead`] and push [`Change`]s, which the store applies together with the response they led to.
//! A change pushed before a refusal still applies (a wrong password must count even though the answer
//! is 401); a storage failure or the endpoint's own failure (a 5xx answer) discards them all.
//!
//! The XML operations are split into the national side's `answer` and the clinic's `record`
//! (history, events, reference numbers). With [`NationalSource::Simulated`] the simulator
//! ([`crate::simulator`]) answers within the dispatch. With [`NationalSource::Files`] (the reference
//! endpoint's folder bridge) a dispatch that needs the national side checks the request in full,
//! begins an exchange — recorded, with its request file's name and, for a write with an
//! `Idempotency-Key`, the key marked as in progress — and stops with [`Dispatched::Exchange`]; the
//! endpoint writes the file and waits for the answer without holding the store, and
//! [`Dispatcher::complete_exchange`] checks the answer against the request and runs the same
//! `record` step (module `exchange`).

mod accounts;
#[cfg(feature = "conformance-broken")]
mod broken;
mod bulk;
mod card;
mod consents;
mod disaster;
mod events;
mod exchange;
mod history;
mod medical;
mod qualification;
mod readers;
mod reference;
mod routes;
mod session;
mod training;

pub use exchange::{Completed, Exchange, NationalAnswer, answer_now, in_progress_answer};
pub use qualification::FaceRecorded;
pub use session::{PasswordCheck, VerifiedPassword};

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{NaiveDateTime, TimeDelta};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::{
    account::Action,
    codes::CodeTable,
    contract::{
        self, Capabilities, FieldError, Method, Problem, ProblemCode, Request, Response,
        groups::Coded,
    },
    idle::{self, IdleState},
    password::HashCost,
    random::Random,
    simulator::{AnswerContext, NationalSide},
    store::{
        AccountRecord, Change, EventKind, EventRecord, IdempotencyRecord, SessionEnd,
        SessionRecord, Store, StoreError, StoreRead,
    },
    time::Timestamp,
    validate::Finding,
    wire::{self, Encoding},
};

/// How a dispatcher behaves; everything a deployment may tune.
#[derive(Clone, Debug)]
pub struct Config {
    /// Training data and the `training` group (advertised only here).
    pub training: bool,
    pub idle_timeout: TimeDelta,
    /// Consecutive wrong passwords that lock an ID (seed 004: 5).
    pub max_failures: u32,
    /// How long a lock lasts (seed 004: 30 minutes).
    pub lock_duration: TimeDelta,
    /// The Argon2id cost for passwords and passcodes set through the contract.
    pub password_cost: HashCost,
    /// The largest body accepted, in bytes (D7: 1 MB outside bulk uploads).
    pub body_limit: usize,
    /// The largest bulk upload (D7: 64 MB).
    pub bulk_body_limit: usize,
    /// How long a bulk job stays 処理中 (seed 002: 「アップロード後しばらく時間を置いてから」).
    pub bulk_delay: TimeDelta,
    /// How long an `Idempotency-Key` is remembered (D7: 7 days).
    pub idempotency_ttl: TimeDelta,
    /// How far back history may be searched (seed 001 FAQ 5: 2 years).
    pub history_window: TimeDelta,
    /// How long a card challenge's nonce is accepted (D7: 60 seconds).
    pub challenge_validity: TimeDelta,
    /// How long the folder bridge waits for the national side's answer before a request file still
    /// in `req/` is withdrawn (advertised in the capabilities, so the app waits longer).
    pub national_timeout: TimeDelta,
    /// How long the request and answer files this endpoint exchanged stay in the share, and how long
    /// an answer to a taken request is still waited for.
    pub share_retention: TimeDelta,
    /// The deliberately broken dispatcher of decisions.md D7, for the conformance suite's own test.
    #[cfg(feature = "conformance-broken")]
    pub broken: bool,
}

impl Config {
    /// The rules of the guides, for a real endpoint.
    pub fn standard() -> Config {
        Config {
            training: false,
            idle_timeout: idle::IDLE_TIMEOUT,
            max_failures: 5,
            lock_duration: TimeDelta::minutes(30),
            password_cost: HashCost::STANDARD,
            body_limit: wire::MESSAGE_LIMIT,
            bulk_body_limit: wire::BULK_LIMIT,
            bulk_delay: TimeDelta::seconds(30),
            idempotency_ttl: TimeDelta::days(7),
            history_window: TimeDelta::days(731),
            challenge_validity: TimeDelta::seconds(60),
            national_timeout: TimeDelta::seconds(60),
            share_retention: TimeDelta::days(1),
            #[cfg(feature = "conformance-broken")]
            broken: false,
        }
    }

    /// The same rules on training data.
    pub fn training() -> Config {
        Config {
            training: true,
            ..Config::standard()
        }
    }
}

/// What one dispatch is handed besides the request: the time and a random source.
pub struct Env<'r> {
    pub now: Timestamp,
    pub random: &'r mut dyn Random,
}

/// Where the national side's answers come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NationalSource {
    /// The simulator, on the dispatcher's people: answers are made within the dispatch.
    Simulated,
    /// The national system's file interface, reached by the endpoint (decisions.md D3, D7).
    Files,
}

/// What a dispatch came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dispatched {
    Answered(Response),
    /// The national side must be asked: the exchange was recorded and its request file is to be
    /// written.
    Exchange(Exchange),
    /// The same write (its `Idempotency-Key`) is already with the national side in this exchange:
    /// wait for it to end, then dispatch again (which replays its answer), instead of writing again.
    InProgress {
        exchange: u64,
    },
    /// Sign-in's first phase (decisions.md D3): verify this password outside the store, then hand the
    /// outcome to [`Dispatcher::finish_sign_in`] with the same request.
    Verify(PasswordCheck),
}

/// How many times a sign-in is verified again because its account's password changed in between,
/// before it is answered as the endpoint's failure (each time needs a change between two phases).
pub const VERIFY_ROUNDS: usize = 3;

/// The contract dispatcher.
#[derive(Clone, Debug)]
pub struct Dispatcher {
    config: Config,
    source: NationalSource,
    national: NationalSide,
}

impl Dispatcher {
    pub fn new(config: Config) -> Dispatcher {
        Dispatcher {
            config,
            source: NationalSource::Simulated,
            national: NationalSide::canned(),
        }
    }

    /// The same dispatcher answering from other people (synthetic ones, for benchmarks).
    pub fn with_national_side(mut self, national: NationalSide) -> Dispatcher {
        self.national = national;
        self
    }

    /// A dispatcher whose national side is the file interface: the simulator knows no one, and only
    /// the groups files can serve are advertised (decisions.md D7).
    pub fn with_files(mut self) -> Dispatcher {
        self.source = NationalSource::Files;
        self.national = NationalSide::with_people(Vec::new());
        self
    }

    pub fn source(&self) -> NationalSource {
        self.source
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn national_side(&self) -> &NationalSide {
        &self.national
    }

    /// Answers one contract request in one store transaction. A request that needs the national
    /// side's files cannot be answered this way and gets a 500; the folder bridge uses
    /// [`Dispatcher::dispatch_with`].
    ///
    /// A sign-in runs both its phases here, verifying the password between the two transactions;
    /// an endpoint that must not spend a request's thread on that uses [`Dispatcher::dispatch_with`]
    /// and verifies where it chooses.
    pub fn dispatch(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        request: &Request,
    ) -> Response {
        let mut dispatched = self.dispatch_with(store, env, request);
        for _ in 0..VERIFY_ROUNDS {
            let Dispatched::Verify(check) = dispatched else {
                break;
            };
            dispatched = self.finish_sign_in(store, env, request, check.verify());
        }
        match dispatched {
            Dispatched::Answered(response) => response,
            Dispatched::Verify(_) => Problem::new(ProblemCode::Internal)
                .with_detail("the account's password kept changing during the sign-in")
                .into_response(),
            Dispatched::Exchange(_) | Dispatched::InProgress { .. } => {
                Problem::new(ProblemCode::Internal)
                    .with_detail("the national side's files are not reachable from this caller")
                    .into_response()
            }
        }
    }

    /// Sign-in's second phase: the same request, with its password verified. The lockout and the
    /// account are read again in this transaction; a password that changed since the check asks
    /// for another ([`Dispatched::Verify`]).
    pub fn finish_sign_in(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        request: &Request,
        verified: VerifiedPassword,
    ) -> Dispatched {
        self.run(store, env, request, Some(verified))
    }

    /// Answers one contract request in one store transaction, or, through the national side's files,
    /// begins the exchange it needs (or finds its write already in one).
    pub fn dispatch_with(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        request: &Request,
    ) -> Dispatched {
        self.run(store, env, request, None)
    }

    fn run(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        request: &Request,
        verified: Option<VerifiedPassword>,
    ) -> Dispatched {
        let limit = if request.method == Method::Post
            && request
                .path()
                .starts_with(&format!("{}/bulk/", contract::PREFIX))
        {
            self.config.bulk_body_limit
        } else {
            self.config.body_limit
        };
        if request.body.len() > limit {
            return Dispatched::Answered(
                Problem::new(ProblemCode::PayloadTooLarge)
                    .with_detail(format!("the body limit is {limit} bytes"))
                    .into_response(),
            );
        }
        let mut dispatched = None;
        let outcome = store.transaction(&mut |read| {
            let mut cx = self.cx(read, env)?;
            cx.verified = verified.clone();
            let handled =
                bulk::announce_due(&mut cx).and_then(|()| with_idempotency(&mut cx, request));
            let response = match handled {
                Ok(response) => response,
                Err(Fail::Problem(problem)) => problem.into_response(),
                // The exchange and the key's progress are recorded before any file is written.
                Err(Fail::Exchange(exchange)) => {
                    dispatched = Some(Dispatched::Exchange(exchange));
                    return Ok(cx.changes);
                }
                Err(Fail::InProgress(exchange)) => {
                    dispatched = Some(Dispatched::InProgress { exchange });
                    return Ok(cx.changes);
                }
                Err(Fail::Verify(check)) => {
                    dispatched = Some(Dispatched::Verify(check));
                    return Ok(cx.changes);
                }
                Err(Fail::Store(error)) => return Err(error),
            };
            // The endpoint's own failure keeps nothing: a write must never half-apply (D3).
            let changes = if response.status >= 500 {
                Vec::new()
            } else {
                cx.changes
            };
            #[cfg(feature = "conformance-broken")]
            let response = if self.config.broken {
                broken::apply(request, response)
            } else {
                response
            };
            dispatched = Some(Dispatched::Answered(response));
            Ok(changes)
        });
        match (outcome, dispatched) {
            (Ok(()), Some(dispatched)) => dispatched,
            // A storage failure is the endpoint's fault, never the client's. Its detail stays out of the
            // body: it may name internals.
            _ => Dispatched::Answered(Problem::new(ProblemCode::Internal).into_response()),
        }
    }
}

impl Dispatcher {
    /// Whether `headers` name a session that stands, read without changing anything (not even the
    /// session's activity). An endpoint asks this before it reads a request's body, so that an
    /// anonymous client cannot make it read a large one (issue 15); the dispatch that follows decides
    /// the answer as always.
    pub fn signed_in(
        &self,
        store: &mut dyn Store,
        now: Timestamp,
        headers: &contract::Headers,
    ) -> Result<bool, StoreError> {
        // Without a bearer token there is nothing to look up.
        if !headers
            .get("Authorization")
            .is_some_and(|v| v.starts_with("Bearer "))
        {
            return Ok(false);
        }
        let mut standing = false;
        store.transaction(&mut |read| {
            let now = self.now(read, now)?;
            standing = match standing_session(read, now, &self.config, headers) {
                Ok(_) => true,
                Err(Fail::Store(error)) => return Err(error),
                Err(_) => false,
            };
            Ok(Vec::new())
        })?;
        Ok(standing)
    }

    /// Whether the contract answers this request without a session: the capabilities and sign-in.
    /// Every other request is refused (401) before its body matters.
    pub fn admits_anonymous(&self, method: Method, path: &str) -> bool {
        routes::find(path)
            .and_then(|found| found.route(method))
            .is_some_and(|route| route.anonymous)
    }

    /// Takes in a file of the national share's `face/` folder, in one store transaction: a new
    /// result becomes a history entry and a `qualification` event; a file taken in before is left
    /// alone.
    pub fn record_face_file(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        name: &str,
        bytes: &[u8],
    ) -> Result<FaceRecorded, StoreError> {
        let mut outcome = None;
        store.transaction(&mut |read| {
            let mut cx = self.cx(read, env)?;
            match qualification::record_face_file(&mut cx, name, bytes) {
                Ok(recorded) => {
                    outcome = Some(recorded);
                    Ok(cx.changes)
                }
                Err(Fail::Store(error)) => Err(error),
                Err(_) => Err(StoreError::Backend {
                    message: "recording a face file failed".to_owned(),
                }),
            }
        })?;
        outcome.ok_or_else(|| StoreError::Backend {
            message: "recording a face file gave no outcome".to_owned(),
        })
    }
}

impl Dispatcher {
    /// A dispatch's view of one store transaction.
    fn cx<'a>(
        &'a self,
        read: &'a dyn StoreRead,
        env: &'a mut Env<'_>,
    ) -> Result<Cx<'a>, StoreError> {
        let now = self.now(read, env.now)?;
        Ok(Cx {
            config: &self.config,
            source: self.source,
            national: &self.national,
            read,
            now,
            random: &mut *env.random,
            changes: Vec::new(),
            next_event: None,
            next_history: None,
            idempotency: None,
            verified: None,
        })
    }

    /// The time a dispatch works at: the clock it was handed, moved on a training endpoint by the
    /// training clock (decisions.md D1) — so idle, lockout and idempotency time move for everyone,
    /// as they would had that much time passed.
    fn now(&self, read: &dyn StoreRead, clock: Timestamp) -> Result<Timestamp, StoreError> {
        if !self.config.training {
            return Ok(clock);
        }
        Ok(match read.training_clock()? {
            Some(moved) => clock + TimeDelta::milliseconds(moved.offset_ms),
            None => clock,
        })
    }
}

/// The national side's message passed on exactly as it came (its declaration names its encoding).
fn xml_passthrough(bytes: &[u8]) -> Response {
    let mut headers = contract::Headers::new();
    headers.set("Content-Type", contract::XML);
    headers.set("Cache-Control", "no-store");
    Response {
        status: 200,
        headers,
        body: bytes.to_vec(),
    }
}

/// A handler's failure: a refusal to send, a storage failure that aborts the transaction, or the
/// need to ask the national side first (or to wait for the same write already asked).
enum Fail {
    Problem(Box<Problem>),
    Store(StoreError),
    Exchange(Exchange),
    InProgress(u64),
    /// Sign-in's first phase is done: the password is to be verified outside the store.
    Verify(PasswordCheck),
}

impl From<Problem> for Fail {
    fn from(problem: Problem) -> Fail {
        Fail::Problem(Box::new(problem))
    }
}

impl From<ProblemCode> for Fail {
    fn from(code: ProblemCode) -> Fail {
        Problem::new(code).into()
    }
}

impl From<StoreError> for Fail {
    fn from(error: StoreError) -> Fail {
        Fail::Store(error)
    }
}

type Handled = Result<Response, Fail>;

/// One dispatch's view: the configuration, the national side, the store's reads, the time,
/// randomness, and the changes made so far.
struct Cx<'a> {
    config: &'a Config,
    source: NationalSource,
    national: &'a NationalSide,
    read: &'a dyn StoreRead,
    now: Timestamp,
    random: &'a mut dyn Random,
    changes: Vec<Change>,
    next_event: Option<u64>,
    next_history: Option<u64>,
    /// The write's `Idempotency-Key` and request fingerprint, when it is remembered: an exchange it
    /// begins marks the key as in progress.
    idempotency: Option<(String, String)>,
    /// Sign-in's second phase: the outcome of the first phase's password check.
    verified: Option<VerifiedPassword>,
}

impl Cx<'_> {
    fn change(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Appends an event to the backlog, with the next id.
    fn event(&mut self, kind: EventKind, data: serde_json::Value) -> Result<u64, Fail> {
        let id = match self.next_event {
            Some(id) => id,
            None => self.read.last_event_id()? + 1,
        };
        self.next_event = Some(id + 1);
        self.change(Change::AppendEvent(EventRecord {
            id,
            at: self.now,
            kind,
            data,
        }));
        Ok(id)
    }

    /// The id the next history record gets.
    fn history_id(&mut self) -> Result<u64, Fail> {
        let id = match self.next_history {
            Some(id) => id,
            None => self.read.last_history_id()? + 1,
        };
        self.next_history = Some(id + 1);
        Ok(id)
    }

    /// The national side's context for an answer now.
    fn answer_context(
        &self,
        institution_code: &str,
        reference_number: Option<String>,
    ) -> AnswerContext {
        AnswerContext {
            now: self.now.jst().naive_local(),
            institution_code: institution_code.to_owned(),
            reference_number,
        }
    }

    fn institution(&self) -> Result<crate::store::InstitutionRecord, Fail> {
        self.read.institution()?.ok_or_else(|| {
            Problem::new(ProblemCode::Internal)
                .with_detail("no institution configured")
                .into()
        })
    }

    /// Now, as the Tokyo wall clock the messages use.
    fn local_now(&self) -> NaiveDateTime {
        self.now.jst().naive_local()
    }
}

impl Cx<'_> {
    /// Whether the national side is the file interface: requests for it begin exchanges.
    fn through_files(&self) -> bool {
        self.source == NationalSource::Files
    }
}

/// Every feature group this dispatcher implements, for capabilities. Through the national side's
/// files, only what files can do is offered (decisions.md D7), and the endpoint's own accounts.
fn groups(training: bool, source: NationalSource) -> Vec<&'static str> {
    let mut groups = match source {
        NationalSource::Simulated => vec![
            "session",
            "qualification",
            "history",
            "events",
            "reference_numbers",
            "bulk",
            "readers",
            "passcode",
            "consents",
            "medical_info",
            "disaster",
            "accounts",
        ],
        NationalSource::Files => vec![
            "session",
            "qualification",
            "history",
            "events",
            "reference_numbers",
            "bulk",
            "medical_info",
            "accounts",
        ],
    };
    if training {
        groups.push("training");
        // The simulator verifies cards against the project's test CA, which only training data
        // may trust; the national system's own card check is not reachable through files.
        if source == NationalSource::Simulated {
            groups.push("card");
        }
    }
    groups
}

/// Finds the request's route in the table (`routes`) and runs its handler: 404 for a path the
/// contract does not have or whose group this dispatcher does not advertise, 405 with `Allow` for a
/// method the path does not take.
fn route(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let path = request.path();
    let advertised = groups(cx.config.training, cx.source);
    let Some(found) = routes::find(path).filter(|found| advertised.contains(&found.group())) else {
        return Err(Problem::new(ProblemCode::NotFound)
            .with_detail(format!("no resource at {path}"))
            .into());
    };
    match found.route(request.method) {
        Some(route) => (route.handler)(cx, request, &found.params),
        None => {
            let allowed = found.allowed();
            let mut response = Problem::new(ProblemCode::MethodNotAllowed)
                .with_detail(format!("{path} allows {}", allowed.join(", ")))
                .into_response();
            response.headers.set("Allow", allowed.join(", "));
            Ok(response)
        }
    }
}

fn capabilities(cx: &Cx<'_>) -> Response {
    Response::json(
        200,
        &Capabilities {
            contract_version: contract::VERSION.to_owned(),
            groups: groups(cx.config.training, cx.source)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            training: cx.config.training,
            // Only an endpoint that waits for the national side's files says how long it waits, so
            // that terminals wait longer for its writes than it waits itself.
            national_timeout_s: cx.through_files().then(|| {
                let millis =
                    u64::try_from(cx.config.national_timeout.num_milliseconds()).unwrap_or(0);
                millis.div_ceil(1000)
            }),
        },
    )
}

/// The headers a remembered answer keeps for its replays.
pub(super) const REPLAYED_HEADERS: [&str; 4] =
    ["Content-Type", "ETag", "Location", "Content-Location"];

/// Runs a write sent with an `Idempotency-Key` at most once (D7): the same key with the same request
/// replays the first successful answer; with another request it is refused. Only the writes of
/// [`routes::Route::remembered`] are remembered, and a replay goes only to a caller who may make that write
/// now. Only successful answers are remembered, so a refused write can be sent again once the reason
/// is gone.
fn with_idempotency(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let key = request.headers.get("Idempotency-Key").map(str::trim);
    let action = routes::find(request.path()).and_then(|found| {
        found
            .route(request.method)
            .and_then(|route| route.remembered(&found.params))
    });
    let (Some(key), Some(action)) = (key, action) else {
        return route(cx, request);
    };
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        let mut problem = Problem::new(ProblemCode::InvalidRequest);
        problem.errors.push(FieldError {
            field: "Idempotency-Key".to_owned(),
            message: crate::catalogue::IDEMPOTENCY_KEY_FORMAT.to_owned(),
        });
        return Err(problem.into());
    }
    // Who may not make the write now learns nothing of an earlier one, not even that the key exists.
    caller(cx, request, action)?;
    let mut hasher = Sha256::new();
    hasher.update(request.method.as_str());
    hasher.update(b" ");
    hasher.update(request.target.as_bytes());
    hasher.update(b"\n");
    hasher.update(&request.body);
    let fingerprint: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(record) = cx.read.idempotency(key)?
        && cx.now < record.created_at + cx.config.idempotency_ttl
    {
        if record.fingerprint != fingerprint {
            return Err(ProblemCode::IdempotencyKeyReused.into());
        }
        let stored = match record.exchange {
            None => Some(Response {
                status: record.status,
                headers: contract::Headers::new(),
                body: STANDARD.decode(&record.body_base64).unwrap_or_default(),
            }),
            // The write is with the national side: never a second request file for it.
            Some(id) => match exchange::in_progress(cx, id)? {
                exchange::InProgress::Open => return Err(Fail::InProgress(id)),
                exchange::InProgress::Ended(response) => Some(response),
                exchange::InProgress::Free => {
                    cx.change(Change::DeleteIdempotency {
                        key: key.to_owned(),
                    });
                    None
                }
            },
        };
        if let Some(mut replay) = stored {
            for (name, value) in &record.headers {
                replay.headers.set(name, value.clone());
            }
            replay.headers.set("Cache-Control", "no-store");
            replay.headers.set("Idempotent-Replayed", "true");
            return Ok(replay);
        }
    }
    cx.idempotency = Some((key.to_owned(), fingerprint.clone()));
    let response = route(cx, request)?;
    if (200..300).contains(&response.status) {
        // Forget what has outlived its seven days while remembering this one.
        for old in cx
            .read
            .idempotency_before(cx.now + -cx.config.idempotency_ttl)?
            .into_iter()
            .take(100)
        {
            cx.change(Change::DeleteIdempotency { key: old });
        }
        let headers = REPLAYED_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers.get(name)?;
                Some(((*name).to_owned(), value.to_owned()))
            })
            .collect();
        cx.change(Change::PutIdempotency(IdempotencyRecord {
            key: key.to_owned(),
            fingerprint,
            created_at: cx.now,
            status: response.status,
            headers,
            body_base64: STANDARD.encode(&response.body),
            exchange: None,
        }));
    }
    Ok(response)
}

/// Decodes a JSON body. Unknown fields are ignored; anything else the decoder dislikes is a 400 that
/// names where it stopped.
fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, Fail> {
    require_media_type(request, &[contract::JSON])?;
    let malformed =
        |detail: String| Fail::from(Problem::new(ProblemCode::MalformedBody).with_detail(detail));
    // serde would accept an array for a struct; the contract's bodies are objects.
    if request.body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(malformed("the body must be a JSON object".to_owned()));
    }
    let mut decoder = serde_json::Deserializer::from_slice(&request.body);
    let value = serde_path_to_error::deserialize(&mut decoder).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            malformed(e.into_inner().to_string())
        } else {
            malformed(format!("{path}: {}", e.into_inner()))
        }
    })?;
    decoder
        .end()
        .map_err(|e| malformed(format!("trailing data after the object: {e}")))?;
    Ok(value)
}

/// Decodes an official message from the body, and says which encoding it came in.
fn xml_body<H, B>(request: &Request, limit: usize) -> Result<(wire::Message<H, B>, Encoding), Fail>
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    require_media_type(request, &[contract::XML, "text/xml"])?;
    let (message, encoding) = wire::Message::<H, B>::decode_with_encoding(&request.body, limit)
        .map_err(|e| {
            Fail::from(Problem::new(ProblemCode::MalformedBody).with_detail(e.to_string()))
        })?;
    // A character reference can bring into a Shift_JIS message a character Shift_JIS cannot carry.
    // The answer, in the request's encoding, could not echo it, so the request is refused here, naming
    // the element (D6), rather than failing later as the endpoint's fault.
    if encoding == Encoding::ShiftJis
        && let Err(wire::EncodeError::Unrepresentable { element, character }) =
            message.encode(Encoding::ShiftJis)
    {
        let mut problem = Problem::new(ProblemCode::InvalidRequest);
        problem.errors.push(FieldError {
            field: element,
            message: crate::catalogue::not_shift_jis(character),
        });
        return Err(problem.into());
    }
    Ok((message, encoding))
}

fn require_media_type(request: &Request, allowed: &[&str]) -> Result<(), Fail> {
    let media_type = request.headers.get("Content-Type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if media_type.as_deref().is_some_and(|m| allowed.contains(&m)) {
        Ok(())
    } else {
        Err(Problem::new(ProblemCode::UnsupportedMediaType)
            .with_detail(format!("expected {}", allowed.join(" or ")))
            .into())
    }
}

/// The endpoint's own failure, with what went wrong as its detail (never the client's mistake).
fn internal(error: impl std::fmt::Display) -> Fail {
    Problem::new(ProblemCode::Internal)
        .with_detail(error.to_string())
        .into()
}

/// An official message as UTF-8 text, the form history and bulk jobs keep.
fn utf8_message<H, B>(message: &wire::Message<H, B>) -> Result<String, Fail>
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    let bytes = message.encode(Encoding::Utf8).map_err(internal)?;
    String::from_utf8(bytes).map_err(internal)
}

/// An official message as the answer, in `encoding`. A character the encoding cannot carry is the
/// endpoint's own data, so it becomes a 500 naming the element (D6: nothing silently replaced).
fn xml_response<H, B>(message: &wire::Message<H, B>, encoding: Encoding) -> Handled
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    let body = message.encode(encoding).map_err(internal)?;
    let mut headers = contract::Headers::new();
    headers.set("Content-Type", contract::XML);
    headers.set("Cache-Control", "no-store");
    Ok(Response {
        status: 200,
        headers,
        body,
    })
}

/// The query string's parameters, decoded.
fn query(request: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(request.query().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn query_param<'q>(params: &'q [(String, String)], name: &str) -> Option<&'q str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Refuses with every finding when there are any.
fn refuse_findings(findings: Vec<Finding>) -> Result<(), Fail> {
    if findings.is_empty() {
        Ok(())
    } else {
        Err(invalid(findings))
    }
}

/// An `invalid_request` refusal carrying every finding.
fn invalid(findings: Vec<Finding>) -> Fail {
    let mut problem = Problem::new(ProblemCode::InvalidRequest);
    problem.errors = findings
        .into_iter()
        .map(|f| FieldError {
            field: f.field.to_owned(),
            message: f.message,
        })
        .collect();
    problem.into()
}

/// A code with its label, for JSON answers.
fn coded<T: CodeTable>(value: &T) -> Coded {
    Coded {
        code: value.code().to_owned(),
        label: value.label().into_owned(),
    }
}

/// The SHA-256 of a bearer token, in hex: what stores keep instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The signed-in caller of a request.
struct Caller {
    session: SessionRecord,
    account: AccountRecord,
}

/// Who a write is recorded as made by.
struct Audit {
    /// Who authenticated the request: always the caller, so that no header can put a write on
    /// another account.
    user: String,
    /// For a queued write another user replays: who the outbox says made it. Kept as a claim the
    /// endpoint cannot verify (decisions.md D4), never as the author.
    claimed_by: Option<String>,
}

impl Caller {
    /// The audit of a write the outbox may queue (D4: 照会番号 registration and 同意取消). The write is
    /// recorded as the caller's. When the outbox replays it under its `Idempotency-Key` for the next
    /// signed-in user, the header `Onshi-Original-User` names who made it; that is kept beside the
    /// caller as a claim. Any other request, and a header naming the caller or no account of this
    /// institution, keeps no claim.
    fn queued_write_audit(&self, cx: &Cx<'_>, request: &Request) -> Result<Audit, Fail> {
        let user = self.account.user_id.clone();
        if request.headers.get("Idempotency-Key").is_none() {
            return Ok(Audit {
                user,
                claimed_by: None,
            });
        }
        let claimed_by = match request.headers.get("Onshi-Original-User").map(str::trim) {
            Some(original) if original != user && cx.read.account(original)?.is_some() => {
                Some(original.to_owned())
            }
            _ => None,
        };
        Ok(Audit { user, claimed_by })
    }
}

/// Whether a request counts as operation for the idle timeout (D5: the event stream does not).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Activity {
    Counts,
    Quiet,
}

/// Checks the bearer token (and, with `activity`, counts the request as operation).
fn authenticate(cx: &mut Cx<'_>, request: &Request, activity: Activity) -> Result<Caller, Fail> {
    let caller = standing_session(cx.read, cx.now, cx.config, &request.headers)?;
    if activity == Activity::Counts {
        let touched = SessionRecord {
            last_seen: cx.now,
            ..caller.session
        };
        cx.change(Change::PutSession(touched.clone()));
        return Ok(Caller {
            session: touched,
            ..caller
        });
    }
    Ok(caller)
}

/// The session the `Authorization` header names, when it stands: not logged out, not revoked, not
/// idle past the limit, and an account that signs in.
fn standing_session(
    read: &dyn StoreRead,
    now: Timestamp,
    config: &Config,
    headers: &contract::Headers,
) -> Result<Caller, Fail> {
    let token = headers
        .get("Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ProblemCode::Unauthenticated)?;
    let session = read
        .session(&token_hash(token))?
        .ok_or(ProblemCode::Unauthenticated)?;
    match session.ended {
        Some(SessionEnd::LoggedOut) => return Err(ProblemCode::Unauthenticated.into()),
        Some(SessionEnd::Revoked) => return Err(ProblemCode::SessionRevoked.into()),
        None => {}
    }
    if idle::idle_state(session.last_seen, now, config.idle_timeout) == IdleState::Expired {
        return Err(ProblemCode::SessionExpired.into());
    }
    let account = read
        .account(&session.user_id)?
        .filter(|a| a.kind.is_interactive())
        .ok_or(ProblemCode::Unauthenticated)?;
    Ok(Caller { session, account })
}

/// Authenticates and refuses with 403 unless the caller's kind may do `action` (D2). An account with
/// a system-issued password must change it before anything else (seed 003).
fn caller(cx: &mut Cx<'_>, request: &Request, action: Action) -> Result<Caller, Fail> {
    caller_with(cx, request, action, Activity::Counts)
}

fn caller_with(
    cx: &mut Cx<'_>,
    request: &Request,
    action: Action,
    activity: Activity,
) -> Result<Caller, Fail> {
    let caller = authenticate(cx, request, activity)?;
    if caller.account.must_change_password {
        return Err(ProblemCode::PasswordChangeRequired.into());
    }
    if !caller.account.kind.may(action) {
        return Err(ProblemCode::Forbidden.into());
    }
    Ok(caller)
}
