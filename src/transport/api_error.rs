//! Why a call to the endpoint did not give the answer hoped for: a leaf type that the state, the
//! pages and the tests pass around. Its wording for staff is not here but in the one boundary where
//! failures become Japanese (`crate::error`, through `onshi_core::client::message`).

use onshi_core::{
    client::{
        ClientError,
        message::{CallFailure, NoAnswer},
    },
    contract::{FieldError, Problem, ProblemCode},
};

use crate::transport::TransportError;

/// Why a call to the endpoint did not give the answer hoped for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The endpoint refused with a problem body.
    #[error("refused: {}", .0.code)]
    Refused(Box<Problem>),
    /// An answer the contract does not allow.
    #[error("unexpected answer: {0}")]
    Unexpected(ClientError),
    /// A call that needs a session was made without one.
    #[error("not signed in")]
    NotSignedIn,
    /// The request's message could not be written (UTF-8 carries every character, so this means a
    /// bug, never staff's input).
    #[error("the request could not be encoded: {0}")]
    Unencodable(String),
}

impl From<ClientError> for ApiError {
    fn from(e: ClientError) -> ApiError {
        match e {
            ClientError::Problem(problem) => ApiError::Refused(problem),
            other => ApiError::Unexpected(other),
        }
    }
}

impl ApiError {
    /// The problem code, when the endpoint refused with one this build knows.
    pub fn code(&self) -> Option<ProblemCode> {
        match self {
            ApiError::Refused(problem) => problem.known_code(),
            _ => None,
        }
    }

    /// Per-field messages of an `invalid_request` refusal.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Refused(problem) => &problem.errors,
            _ => &[],
        }
    }

    /// The failure as the core words it ([`onshi_core::client::message::call_failure`]).
    pub fn failure(&self) -> CallFailure<'_> {
        match self {
            ApiError::Transport(e) => CallFailure::NoAnswer(e.kind()),
            ApiError::Refused(problem) => CallFailure::Refused(problem),
            ApiError::Unexpected(_) => CallFailure::Unexpected,
            ApiError::NotSignedIn => CallFailure::NotSignedIn,
            ApiError::Unencodable(_) => CallFailure::Unencodable,
        }
    }
}

impl TransportError {
    /// What staff need to tell apart about a request that got no answer.
    pub fn kind(&self) -> NoAnswer {
        match self {
            TransportError::Timeout { .. } => NoAnswer::Timeout,
            // The training world's worker is missing: nothing was sent, as without a network.
            TransportError::Network { .. }
            | TransportError::Unsendable { .. }
            | TransportError::NoServiceWorker { .. } => NoAnswer::Network,
        }
    }
}
