//! The outbox's policy (decisions.md D4), pure: what an answer to a queued write means, what an
//! attempt to send one comes to, when an entry is too old to be sent again by itself, and what an
//! answered write did in staff's words. The app's outbox (`src/state/outbox.rs`) keeps the entries
//! and sends them; the conformance suite reads answers with [`delivery`] too.
//!
//! There is no backoff: a write that got no answer waits for the next replay (every half minute,
//! longer than any `Retry-After` the endpoint gives), and a replay stops at the first write that
//! gets none, so a down endpoint costs one timeout per replay.

use crate::{
    catalogue,
    client::{
        self, ClientError,
        message::{self, CallFailure},
    },
    contract::{Method, PROBLEM_JSON, Problem, ProblemCode, Request, Response, header},
    domain::{Findings, Registration, RegistrationAnswer},
    time::Timestamp,
    wire,
};

/// What a queued write's answer means for the outbox (decisions.md D4): answered, or to be sent
/// again later under the same `Idempotency-Key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The endpoint answered: the write is done, an acceptance or a refusal to show to staff.
    Answered,
    /// No answer yet: keep the write and send it again later under the same key.
    Later {
        /// The endpoint's own wait (`Retry-After`, in seconds), when it gave one.
        retry_after_s: Option<u64>,
        /// The same write is still with the national side (409 `idempotency_in_progress`): nothing
        /// failed, so nothing is shown as a failure.
        in_progress: bool,
    },
}

/// Decides what an answer to a queued write means (D4: any answer counts, a refusal included, with
/// these exceptions, which all mean "it did not get there, or its answer did not come back"):
/// a 5xx (the endpoint's or a gateway's failure), 408 and 429 (come back later), 421 (the endpoint
/// does not answer for the host the request named, so it never looked at the write), 409
/// `idempotency_in_progress` (the same write is still with the national side), 403
/// `password_change_required` (the sender must change its password first, seed 003), and an
/// answer that does not read as the write's answer (a 200 to a 照会番号 registration that is no
/// `OQSsiimm01res`, or to a bulk upload that is no receipt, or a problem body that does not read:
/// garbled on the way, so the key's replay is asked for). 502
/// `national_answer_refused` is an answer: the request reached the national side, and sending it again
/// only replays the refusal.
pub fn delivery(request: &Request, response: &Response) -> Delivery {
    let problem = || {
        let is_problem = response
            .content_type()
            .is_some_and(|t| t.starts_with(PROBLEM_JSON));
        is_problem
            .then(|| serde_json::from_slice::<Problem>(&response.body).ok())
            .flatten()
    };
    let retry_after_s = response
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.trim().parse::<u64>().ok());
    let later = |in_progress| Delivery::Later {
        retry_after_s,
        in_progress,
    };
    let says_problem = response
        .content_type()
        .is_some_and(|t| t.starts_with(PROBLEM_JSON));
    match response.status {
        // A problem that does not read was garbled on the way: no answer, ask again.
        400.. if says_problem && problem().is_none() => later(false),
        409 if problem().is_some_and(|p| p.code == ProblemCode::IdempotencyInProgress.as_str()) => {
            later(true)
        }
        // The sender's own password must be changed first (seed 003): the write itself was not
        // looked at, so it waits for a session that may send it.
        403 if problem()
            .is_some_and(|p| p.code == ProblemCode::PasswordChangeRequired.as_str()) =>
        {
            later(false)
        }
        502 if problem().is_some_and(|p| p.code == ProblemCode::NationalAnswerRefused.as_str()) => {
            Delivery::Answered
        }
        408 | 421 | 429 | 500.. => later(false),
        200 if !answer_reads(request, &response.body) => later(false),
        _ => Delivery::Answered,
    }
}

/// Whether a 200 answer reads as the official message a write is answered with (a 照会番号
/// registration's result, a bulk upload's receipt, a qualification result); other writes' answers
/// are not read here.
fn answer_reads(request: &Request, body: &[u8]) -> bool {
    let path = request
        .path()
        .strip_prefix(crate::contract::PREFIX)
        .unwrap_or_default();
    match (request.method, path) {
        (Method::Post, "/reference-numbers") => wire::ReferenceResult::decode(body).is_ok(),
        (Method::Post, "/qualifications") => wire::QualificationResult::decode(body).is_ok(),
        (Method::Post, bulk) if bulk.starts_with("/bulk/") => {
            wire::BulkReceipt::decode(body).is_ok()
        }
        _ => true,
    }
}

/// How long the outbox keeps sending an entry by itself, and what it makes of each attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// An entry older than this is not sent again automatically but marked 要確認.
    pub max_age_ms: i64,
}

impl Policy {
    /// The outbox's policy: the endpoint keeps an `Idempotency-Key` for 7 days (decisions.md D7),
    /// and a day's margin keeps a replay from landing after it has forgotten the key.
    pub const OUTBOX: Policy = Policy {
        max_age_ms: 6 * 24 * 60 * 60 * 1000,
    };

    /// Whether an entry made at `created_at` is past the age at which it must no longer be sent
    /// again automatically (its age exactly `max_age_ms` is not yet).
    pub fn expired(&self, created_at: Timestamp, now: Timestamp) -> bool {
        now.millis() - created_at.millis() > self.max_age_ms
    }

    /// What one attempt to send `request` came to.
    pub fn judge(&self, request: &Request, attempt: Attempt<'_>) -> Verdict {
        match attempt {
            Attempt::Answer(response) => match delivery(request, response) {
                Delivery::Answered => Verdict::Answered {
                    outcome: outcome(request, response),
                },
                // Nothing failed: the national side has not answered the same write yet.
                Delivery::Later {
                    in_progress: true,
                    retry_after_s,
                } => Verdict::AwaitingAnswer { retry_after_s },
                Delivery::Later {
                    in_progress: false,
                    retry_after_s,
                } => Verdict::Retry {
                    reason: failure_reason(response),
                    retry_after_s,
                },
            },
            // The session ended (a 401, or none to send with): the write waits for the next
            // signed-in user, who sends it under the same key.
            Attempt::Failed(CallFailure::NotSignedIn | CallFailure::Refused(_)) => {
                Verdict::WaitForSession
            }
            Attempt::Failed(failure) => Verdict::Retry {
                reason: message::call_failure(failure),
                retry_after_s: None,
            },
        }
    }
}

/// One attempt to send a queued write, as the sender saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt<'a> {
    /// The endpoint answered (whatever the status; a 401 is [`Attempt::Failed`]).
    Answer(&'a Response),
    /// No answer to judge: none at all, the session ended (a 401 refusal, or no session to send
    /// with), or one that could not even be sent.
    Failed(CallFailure<'a>),
}

/// What the outbox makes of an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The endpoint answered (an acceptance or a refusal): the entry is done. `outcome` says what
    /// it did in staff's words.
    Answered { outcome: String },
    /// The endpoint has the same write with the national side and no answer yet: 回答待ち, sent
    /// again later under the same key, which then replays the answer.
    AwaitingAnswer { retry_after_s: Option<u64> },
    /// No usable answer: kept, shown with `reason`, and sent again later under the same key.
    Retry {
        reason: String,
        retry_after_s: Option<u64>,
    },
    /// The session ended: kept as not yet sent, for the next signed-in user.
    WaitForSession,
}

/// Why a write that got no usable answer is kept, for the outbox list: the endpoint's problem in
/// staff's words when it gave one (e.g. the share it could not write to), else the status.
pub fn failure_reason(response: &Response) -> String {
    match client::expect_no_content(response) {
        Err(ClientError::Problem(problem)) => message::refusal(&problem),
        _ => format!("HTTP {}", response.status),
    }
}

/// What an answered write did, in staff's words, for the outbox list and the screen that sent it.
pub fn outcome(request: &Request, response: &Response) -> String {
    let refusal = client::expect_no_content(response).err();
    // The request reached the national side but its answer could not be taken: neither registered
    // nor refused as far as anyone knows, so staff check instead of sending it again.
    if let Some(ClientError::Problem(problem)) = &refusal
        && problem.known_code() == Some(ProblemCode::NationalAnswerRefused)
    {
        return message::refusal(problem);
    }
    if client::is_registration(request) {
        return match registration_answer(response) {
            Ok(RegistrationAnswer::Registered { .. }) => catalogue::REFERENCE_REGISTERED.to_owned(),
            Ok(RegistrationAnswer::Refused { code, message }) => {
                let detail: Vec<String> = [code, message].into_iter().flatten().collect();
                format!("{}{}", catalogue::REFERENCE_REFUSED, detail.join(" "))
            }
            Err(e) => format!(
                "{}{}",
                catalogue::REFERENCE_REFUSED,
                message::client_error(&e)
            ),
        };
    }
    match (response.status, refusal) {
        (200..=299, _) | (_, None) => catalogue::OUTBOX_DONE.to_owned(),
        (_, Some(e)) => message::client_error(&e),
    }
}

/// Reads the answer to a 照会番号 registration.
pub fn registration_answer(response: &Response) -> Result<RegistrationAnswer, ClientError> {
    let message: wire::ReferenceResult = client::expect_xml(response, 200)?;
    Ok(RegistrationAnswer::from_wire(&message))
}

/// What a queued write is, for the outbox list (its body is the official message it sends).
pub fn describe(request: &Request) -> String {
    if client::is_registration(request)
        && let Ok(message) = wire::ReferenceRequest::decode(&request.body)
        && let Some(registration) = &message.body.registration
    {
        let Registration {
            reference_number,
            card,
        } = Registration::from_wire(registration, &mut Findings::default());
        let card = [
            card.insurer_number.as_ref().map(|n| n.to_string()),
            Some(card.symbol_number_branch()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        return catalogue::outbox_registration(&reference_number.unwrap_or_default(), &card);
    }
    catalogue::OUTBOX_OTHER_WRITE.to_owned()
}
