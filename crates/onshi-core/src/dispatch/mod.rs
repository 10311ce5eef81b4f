//! The contract dispatcher: the single source of behaviour for training mode and the reference
//! endpoint (decisions.md D3).
//!
//! A contract request goes in and a contract response comes out. The dispatcher is synchronous, does no
//! I/O, and is deterministic given its store, its clock reading and its random source, which are all
//! handed in. Each dispatch runs in exactly one store transaction: handlers read through
//! [`StoreRead`] and push [`Change`]s, which the store applies together with the response they led to.
//! A change pushed before a refusal still applies (a wrong password must count even though the answer
//! is 401); only a storage failure discards them.

mod session;

use chrono::TimeDelta;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::{
    contract::{self, Capabilities, FieldError, Method, Problem, ProblemCode, Request, Response},
    idle::{self, IdleState},
    password::HashCost,
    random::Random,
    store::{AccountRecord, Change, SessionEnd, SessionRecord, Store, StoreError, StoreRead},
    time::Timestamp,
    validate::Finding,
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
    /// The Argon2id cost for passwords set through the contract.
    pub password_cost: HashCost,
    /// The largest body accepted, in bytes (D7: 1 MB outside bulk uploads).
    pub body_limit: usize,
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
            body_limit: 1024 * 1024,
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

/// The contract dispatcher.
#[derive(Clone, Debug)]
pub struct Dispatcher {
    config: Config,
}

impl Dispatcher {
    pub fn new(config: Config) -> Dispatcher {
        Dispatcher { config }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers one contract request in one store transaction.
    pub fn dispatch(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        request: &Request,
    ) -> Response {
        if request.body.len() > self.config.body_limit {
            return Problem::new(ProblemCode::PayloadTooLarge)
                .with_detail(format!(
                    "the body limit is {} bytes",
                    self.config.body_limit
                ))
                .into_response();
        }
        let mut response = None;
        let outcome = store.transaction(&mut |read| {
            let mut cx = Cx {
                config: &self.config,
                read,
                now: env.now,
                random: &mut *env.random,
                changes: Vec::new(),
            };
            response = Some(match route(&mut cx, request) {
                Ok(answer) => answer,
                Err(Fail::Problem(problem)) => problem.into_response(),
                Err(Fail::Store(error)) => return Err(error),
            });
            Ok(cx.changes)
        });
        match (outcome, response) {
            (Ok(()), Some(answer)) => answer,
            // A storage failure is the endpoint's fault, never the client's. Its detail stays out of the
            // body: it may name internals.
            _ => Problem::new(ProblemCode::Internal).into_response(),
        }
    }
}

/// A handler's failure: a refusal to send, or a storage failure that aborts the transaction.
enum Fail {
    Problem(Box<Problem>),
    Store(StoreError),
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

/// One dispatch's view: the configuration, the store's reads, the time, randomness, and the changes
/// made so far.
struct Cx<'a> {
    config: &'a Config,
    read: &'a dyn StoreRead,
    now: Timestamp,
    random: &'a mut dyn Random,
    changes: Vec<Change>,
}

impl Cx<'_> {
    fn change(&mut self, change: Change) {
        self.changes.push(change);
    }
}

/// The resources of the contract this dispatcher knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resource {
    Capabilities,
    Session,
    SessionActivity,
    SessionPassword,
}

impl Resource {
    fn parse(path: &str) -> Option<Resource> {
        let rest = path.strip_prefix(contract::PREFIX)?;
        let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            ["capabilities"] => Some(Resource::Capabilities),
            ["session"] => Some(Resource::Session),
            ["session", "activity"] => Some(Resource::SessionActivity),
            ["session", "password"] => Some(Resource::SessionPassword),
            _ => None,
        }
    }

    fn methods(self) -> &'static [Method] {
        match self {
            Resource::Capabilities => &[Method::Get],
            Resource::Session => &[Method::Post, Method::Delete],
            Resource::SessionActivity => &[Method::Post],
            Resource::SessionPassword => &[Method::Put],
        }
    }
}

fn route(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let Some(resource) = Resource::parse(request.path()) else {
        return Err(Problem::new(ProblemCode::NotFound)
            .with_detail(format!("no resource at {}", request.path()))
            .into());
    };
    match (resource, request.method) {
        (Resource::Capabilities, Method::Get) => Ok(capabilities(cx)),
        (Resource::Session, Method::Post) => session::sign_in(cx, request),
        (Resource::Session, Method::Delete) => session::sign_out(cx, request),
        (Resource::SessionActivity, Method::Post) => session::activity(cx, request),
        (Resource::SessionPassword, Method::Put) => session::change_password(cx, request),
        (resource, _) => {
            let allowed: Vec<&str> = resource.methods().iter().map(|m| m.as_str()).collect();
            let mut response = Problem::new(ProblemCode::MethodNotAllowed)
                .with_detail(format!("{} allows {}", request.path(), allowed.join(", ")))
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
            groups: vec!["session".to_owned()],
            training: cx.config.training,
        },
    )
}

/// Decodes a JSON body. Unknown fields are ignored; anything else the decoder dislikes is a 400 that
/// names where it stopped.
fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, Fail> {
    let media_type = request.headers.get("Content-Type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if media_type.as_deref() != Some(contract::JSON) {
        return Err(Problem::new(ProblemCode::UnsupportedMediaType)
            .with_detail(format!("expected {}", contract::JSON))
            .into());
    }
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

/// Refuses with every finding when there are any.
fn refuse_findings(findings: Vec<Finding>) -> Result<(), Fail> {
    if findings.is_empty() {
        return Ok(());
    }
    let mut problem = Problem::new(ProblemCode::InvalidRequest);
    problem.errors = findings
        .into_iter()
        .map(|f| FieldError {
            field: f.field.to_owned(),
            message: f.message,
        })
        .collect();
    Err(problem.into())
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

/// Checks the bearer token and counts the request as activity (D5).
fn authenticate(cx: &mut Cx<'_>, request: &Request) -> Result<Caller, Fail> {
    let token = request
        .headers
        .get("Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ProblemCode::Unauthenticated)?;
    let session = cx
        .read
        .session(&token_hash(token))?
        .ok_or(ProblemCode::Unauthenticated)?;
    match session.ended {
        Some(SessionEnd::LoggedOut) => return Err(ProblemCode::Unauthenticated.into()),
        Some(SessionEnd::Revoked) => return Err(ProblemCode::SessionRevoked.into()),
        None => {}
    }
    if idle::idle_state(session.last_seen, cx.now, cx.config.idle_timeout) == IdleState::Expired {
        return Err(ProblemCode::SessionExpired.into());
    }
    let account = cx
        .read
        .account(&session.user_id)?
        .filter(|a| a.kind.is_interactive())
        .ok_or(ProblemCode::Unauthenticated)?;
    let touched = SessionRecord {
        last_seen: cx.now,
        ..session
    };
    cx.change(Change::PutSession(touched.clone()));
    Ok(Caller {
        session: touched,
        account,
    })
}
