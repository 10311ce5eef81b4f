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
mod auth;
mod body;
#[cfg(feature = "conformance-broken")]
mod broken;
mod bulk;
mod card;
mod config;
mod consents;
mod context;
mod disaster;
mod events;
mod exchange;
mod history;
mod idempotency;
mod medical;
mod qualification;
mod readers;
mod reference;
mod requests;
mod routes;
mod session;
mod training;

pub use auth::token_hash;
pub use config::Config;
pub use exchange::{Completed, Exchange, NationalAnswer, answer_now, in_progress_answer};
pub use qualification::FaceRecorded;
pub use requests::UNROUTED;
pub use session::{PasswordCheck, VerifiedPassword};

use auth::{Activity, Audit, Caller, authenticate, caller, caller_with, standing_session};
use body::{
    coded, internal, invalid, json_body, query, query_param, refuse_findings, utf8_message,
    xml_body, xml_response,
};
use context::{Cx, Fail, Handled};
use idempotency::{REPLAYED_HEADERS, with_idempotency};

use chrono::TimeDelta;

use crate::{
    contract::{self, Capabilities, FeatureGroup, Method, Problem, ProblemCode, Request, Response},
    random::Random,
    simulator::NationalSide,
    store::{Store, StoreError, StoreRead, journal::Blob},
    time::Timestamp,
};

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
    /// On a training dispatcher, the requests it was handed (`GET /training/requests`); clones
    /// count together.
    requests: requests::RequestCounter,
}

impl Dispatcher {
    pub fn new(config: Config) -> Dispatcher {
        Dispatcher {
            config,
            source: NationalSource::Simulated,
            national: NationalSide::canned(),
            requests: requests::RequestCounter::default(),
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
    ///
    /// A training dispatcher counts each request handed to it here (or to [`Dispatcher::dispatch`])
    /// by method and path pattern, whatever its answer (decisions.md D3); sign-in's second phase is
    /// the same request and is not counted again.
    pub fn dispatch_with(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        request: &Request,
    ) -> Dispatched {
        if self.config.training {
            self.requests.count(env.now, request.method, request.path());
        }
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
    /// anonymous client cannot make it read a large one; the dispatch that follows decides
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

    /// What a request's answer may read of the parts a store may keep unloaded
    /// (`store::journal`): a store loaded without them attaches these before the dispatch, since
    /// reading one that is not loaded fails.
    pub fn blobs_for(&self, request: &Request) -> Vec<Blob> {
        routes::blobs_for(request.method, request.path())
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
            requests: &self.requests,
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

/// Every feature group this dispatcher implements, for capabilities. Through the national side's
/// files, only what files can do is offered (decisions.md D7), and the endpoint's own accounts.
fn groups(training: bool, source: NationalSource) -> Vec<FeatureGroup> {
    use FeatureGroup::*;
    let mut groups = match source {
        NationalSource::Simulated => vec![
            Session,
            Qualification,
            History,
            Events,
            ReferenceNumbers,
            Bulk,
            Readers,
            Passcode,
            Consents,
            MedicalInfo,
            Disaster,
            Accounts,
        ],
        NationalSource::Files => vec![
            Session,
            Qualification,
            History,
            Events,
            ReferenceNumbers,
            Bulk,
            MedicalInfo,
            Accounts,
        ],
    };
    if training {
        groups.push(Training);
        // The simulator verifies cards against the project's test CA, which only training data
        // may trust; the national system's own card check is not reachable through files.
        if source == NationalSource::Simulated {
            groups.push(Card);
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
    let Some(found) = routes::find(path).filter(|found| {
        found
            .group()
            .is_some_and(|group| advertised.contains(&group))
    }) else {
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
                .map(|group| group.as_str().to_owned())
                .collect(),
            training: cx.config.training,
            // Only an endpoint that waits for the national side's files says how long it waits, so
            // that terminals wait longer for its writes than it waits itself.
            national_timeout_s: cx.through_files().then(|| {
                let millis =
                    u64::try_from(cx.config.national_timeout.num_milliseconds()).unwrap_or(0);
                millis.div_ceil(1000)
            }),
            history_window_days: Some(
                u64::try_from(cx.config.history_window.num_days()).unwrap_or(0),
            ),
        },
    )
}
