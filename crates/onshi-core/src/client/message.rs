//! The Japanese words for every failure the contract and the core can name: a refusal's problem,
//! an answer the contract does not allow, no answer at all, a contract version that does not fit,
//! the general reader's notices.
//!
//! Pure, so the mapping is tested on the host (`tests/it/client.rs`); the app's one boundary where
//! failures become Japanese (`src/error.rs`) words its own errors through these functions and adds
//! only what the browser alone can fail at (USB, the page's storage, the endpoint URL field).

use crate::{
    card::{flow::Notice, mynumber::PinFormatError},
    catalogue,
    client::ClientError,
    contract::{Problem, ProblemCode},
    exchange::Unreadable,
};

/// Why a request got no answer at all, as far as staff need to tell the cases apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoAnswer {
    /// Training mode's own storage in the page failed.
    TrainingStorage,
    /// Nothing came back in time.
    Timeout,
    /// The request failed before any answer (network, CORS, the page's CSP), or the browser would
    /// not build it.
    Network,
}

/// A call to the endpoint that did not give the answer hoped for, by what staff are told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallFailure<'a> {
    /// No answer at all.
    NoAnswer(NoAnswer),
    /// The endpoint refused with a problem body.
    Refused(&'a Problem),
    /// An answer the contract does not allow.
    Unexpected,
    /// A call that needs a session was made without one.
    NotSignedIn,
    /// The request's message could not be written (a bug, never staff's input).
    Unencodable,
}

/// The message to show staff for a failed call.
pub fn call_failure(failure: CallFailure<'_>) -> String {
    match failure {
        CallFailure::NoAnswer(kind) => no_answer(kind).to_owned(),
        CallFailure::Refused(problem) => refusal(problem),
        CallFailure::Unexpected => catalogue::UNEXPECTED_RESPONSE.to_owned(),
        CallFailure::NotSignedIn => catalogue::PROBLEM_UNAUTHENTICATED.to_owned(),
        CallFailure::Unencodable => catalogue::REQUEST_UNENCODABLE.to_owned(),
    }
}

/// A request that got no answer.
pub fn no_answer(kind: NoAnswer) -> &'static str {
    match kind {
        NoAnswer::TrainingStorage => catalogue::TRAINING_STORAGE_FAILED,
        NoAnswer::Timeout => catalogue::TRANSPORT_TIMEOUT,
        NoAnswer::Network => catalogue::TRANSPORT_FAILED,
    }
}

/// An answer that was not the one expected: the problem's words when the endpoint refused, else
/// that the answer was not the contract's.
pub fn client_error(error: &ClientError) -> String {
    match error {
        ClientError::Problem(problem) => refusal(problem),
        ClientError::UnexpectedStatus { .. } | ClientError::Decode { .. } => {
            catalogue::UNEXPECTED_RESPONSE.to_owned()
        }
    }
}

/// A refusal in staff's words: the code's title, with what the problem adds (attempts or PIN tries
/// left, when a lock ends); a code from a newer contract keeps the endpoint's own title.
pub fn refusal(problem: &Problem) -> String {
    match problem.known_code() {
        Some(ProblemCode::InvalidCredentials) => match problem.remaining_attempts {
            Some(n) => format!(
                "{}{}",
                ProblemCode::InvalidCredentials.title(),
                catalogue::remaining_attempts(n)
            ),
            None => ProblemCode::InvalidCredentials.title().to_owned(),
        },
        // The time the lock ends goes between why and what else can be done (an administrator's
        // reset), so each sentence stays next to the one it belongs with.
        Some(ProblemCode::AccountLocked) => match problem.locked_until {
            Some(until) => format!(
                "{}{}{}",
                catalogue::ACCOUNT_LOCKED_WAIT,
                catalogue::locked_until(&until.0.jst().format("%H:%M").to_string()),
                catalogue::ACCOUNT_LOCKED_RESET,
            ),
            None => ProblemCode::AccountLocked.title().to_owned(),
        },
        Some(ProblemCode::PinWrong) => match problem.tries_left {
            Some(n) => format!(
                "{}{}",
                ProblemCode::PinWrong.title(),
                catalogue::pin_tries_left(n)
            ),
            None => ProblemCode::PinWrong.title().to_owned(),
        },
        Some(code) => code.title().to_owned(),
        // A code from a newer contract: its own title is the best we have.
        None => problem.title.clone(),
    }
}

/// Why the endpoint ended a session, for the sign-in page (an ordinary request or the event feed
/// learnt it with a 401).
pub fn session_end_notice(code: Option<ProblemCode>) -> &'static str {
    match code {
        Some(ProblemCode::SessionExpired) => catalogue::SIGNED_OUT_IDLE,
        Some(ProblemCode::SessionRevoked) => catalogue::SIGNED_OUT_REVOKED,
        _ => catalogue::PROBLEM_UNAUTHENTICATED,
    }
}

/// An endpoint whose contract version does not fit this app's, with both versions as they are.
pub fn incompatible(theirs: &str, ours: &str) -> String {
    format!(
        "{}（{}：{theirs}、{}：{ours}）",
        catalogue::ENDPOINT_INCOMPATIBLE,
        catalogue::LABEL_THE_ENDPOINT,
        catalogue::LABEL_THIS_APP,
    )
}

/// What the general reader's flow tells staff and the patient (`card::flow::Notice`).
pub fn card_notice(notice: &Notice) -> String {
    match notice {
        Notice::CardRemoved => catalogue::CARD_REMOVED.to_owned(),
        Notice::NotMyNumberCard => catalogue::CARD_NOT_MY_NUMBER.to_owned(),
        Notice::PinWrong { tries_left } => catalogue::card_pin_wrong(*tries_left),
        Notice::PinBlocked => catalogue::CARD_PIN_BLOCKED.to_owned(),
        Notice::CardFailed => catalogue::CARD_FAILED.to_owned(),
        Notice::ReaderFailed => catalogue::CARD_READER_FAILED.to_owned(),
        Notice::Unplugged => catalogue::CARD_READER_UNPLUGGED.to_owned(),
    }
}

/// The message next to the PIN pad's field. The error never carries the digits, and neither does
/// the message.
pub fn pin_format(_: &PinFormatError) -> &'static str {
    catalogue::PIN_FORMAT
}

/// Why a face reader's result file could not be read (a `face_unreadable` event's `reason`), in one
/// sentence staff understand; `None` for a reason this build does not know. The event's English
/// `detail` is for the endpoint's log, never shown.
pub fn face_unreadable_reason(reason: Option<Unreadable>) -> &'static str {
    match reason {
        Some(Unreadable::Encrypted) => catalogue::RECEPTION_FACE_UNREADABLE_ENCRYPTED,
        Some(Unreadable::Encoding) => catalogue::RECEPTION_FACE_UNREADABLE_ENCODING,
        Some(Unreadable::Broken) => catalogue::RECEPTION_FACE_UNREADABLE_BROKEN,
        Some(Unreadable::NotAMessage) => catalogue::RECEPTION_FACE_UNREADABLE_NOT_A_MESSAGE,
        Some(Unreadable::TooLarge) => catalogue::RECEPTION_FACE_UNREADABLE_TOO_LARGE,
        None => catalogue::RECEPTION_FACE_UNREADABLE_OTHER,
    }
}
