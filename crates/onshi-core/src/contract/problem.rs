//! Problem bodies (RFC 9457 `application/problem+json`) with stable machine codes and Japanese titles.

use serde::{Deserialize, Serialize};

use crate::{
    catalogue,
    contract::{PROBLEM_JSON, Response},
    time::Rfc3339,
};

/// The stable machine codes of the contract's problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    InvalidCredentials,
    AccountLocked,
    SessionInUse,
    SystemAccountNotInteractive,
    Unauthenticated,
    SessionExpired,
    SessionRevoked,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    MalformedBody,
    InvalidRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    IdempotencyKeyReused,
    PasswordChangeRequired,
    PreconditionRequired,
    PreconditionFailed,
    ReaderNotInVisualMode,
    VisualCheckPending,
    NoPendingVisualCheck,
    ReaderModeConflict,
    PinWrong,
    PinLocked,
    PasscodeInvalid,
    DisasterClosed,
    AccountExists,
    OwnAccount,
    /// The card group: a nonce never issued to the caller's session, or already used.
    ChallengeUnknown,
    /// The card group: the nonce's window is over.
    ChallengeExpired,
    /// The card group: the signature does not verify with the certificate's key over the nonce.
    SignatureInvalid,
    /// The card group: a certificate the trust anchor did not issue, outside its validity, or held
    /// by no one the national side knows.
    CertificateUnknown,
    /// The national side answered with an error file (folder bridge).
    NationalError,
    /// The national side did not answer in time (folder bridge).
    NationalTimeout,
    /// The national side answered with a file that is not the answer to this request, or that does
    /// not read, or not at all though it took the request (folder bridge): refused and recorded
    /// nowhere; the request was sent, so staff check its outcome instead of sending it again.
    NationalAnswerRefused,
    /// The same write (its `Idempotency-Key`) is still with the national side: send it again later,
    /// when its answer is replayed (folder bridge; `Retry-After` says when).
    IdempotencyInProgress,
    /// The endpoint could not write the request file into the national share: its own failure, and
    /// nothing reached the national side.
    ShareUnavailable,
    /// Sign-in: more sign-ins are waiting for their password check than the endpoint takes at once
    /// (decisions.md D3); `Retry-After` says when to try again. Nothing was counted.
    SignInBusy,
    /// Sign-in: this client has had more failed sign-ins this minute than the endpoint allows;
    /// `Retry-After` says when the minute ends. Nothing was checked or counted.
    TooManySignIns,
    /// The request names a host this endpoint does not answer for (421): a page of another site
    /// reaching a loopback or clinic endpoint through DNS rebinding, or a name the endpoint was not
    /// configured with.
    MisdirectedRequest,
    /// A training endpoint whose stored training data cannot be read or brought up to date (another
    /// layout, another version, unreadable): it answers every request with this rather than start
    /// over with fresh training data; `detail` says why.
    TrainingDataUnreadable,
    Internal,
}

impl ProblemCode {
    pub const ALL: [ProblemCode; 42] = [
        ProblemCode::InvalidCredentials,
        ProblemCode::AccountLocked,
        ProblemCode::SessionInUse,
        ProblemCode::SystemAccountNotInteractive,
        ProblemCode::Unauthenticated,
        ProblemCode::SessionExpired,
        ProblemCode::SessionRevoked,
        ProblemCode::Forbidden,
        ProblemCode::NotFound,
        ProblemCode::MethodNotAllowed,
        ProblemCode::MalformedBody,
        ProblemCode::InvalidRequest,
        ProblemCode::PayloadTooLarge,
        ProblemCode::UnsupportedMediaType,
        ProblemCode::IdempotencyKeyReused,
        ProblemCode::PasswordChangeRequired,
        ProblemCode::PreconditionRequired,
        ProblemCode::PreconditionFailed,
        ProblemCode::ReaderNotInVisualMode,
        ProblemCode::VisualCheckPending,
        ProblemCode::NoPendingVisualCheck,
        ProblemCode::ReaderModeConflict,
        ProblemCode::PinWrong,
        ProblemCode::PinLocked,
        ProblemCode::PasscodeInvalid,
        ProblemCode::DisasterClosed,
        ProblemCode::AccountExists,
        ProblemCode::OwnAccount,
        ProblemCode::ChallengeUnknown,
        ProblemCode::ChallengeExpired,
        ProblemCode::SignatureInvalid,
        ProblemCode::CertificateUnknown,
        ProblemCode::NationalError,
        ProblemCode::NationalTimeout,
        ProblemCode::NationalAnswerRefused,
        ProblemCode::IdempotencyInProgress,
        ProblemCode::ShareUnavailable,
        ProblemCode::SignInBusy,
        ProblemCode::TooManySignIns,
        ProblemCode::MisdirectedRequest,
        ProblemCode::TrainingDataUnreadable,
        ProblemCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::InvalidCredentials => "invalid_credentials",
            ProblemCode::AccountLocked => "account_locked",
            ProblemCode::SessionInUse => "session_in_use",
            ProblemCode::SystemAccountNotInteractive => "system_account_not_interactive",
            ProblemCode::Unauthenticated => "unauthenticated",
            ProblemCode::SessionExpired => "session_expired",
            ProblemCode::SessionRevoked => "session_revoked",
            ProblemCode::Forbidden => "forbidden",
            ProblemCode::NotFound => "not_found",
            ProblemCode::MethodNotAllowed => "method_not_allowed",
            ProblemCode::MalformedBody => "malformed_body",
            ProblemCode::InvalidRequest => "invalid_request",
            ProblemCode::PayloadTooLarge => "payload_too_large",
            ProblemCode::UnsupportedMediaType => "unsupported_media_type",
            ProblemCode::IdempotencyKeyReused => "idempotency_key_reused",
            ProblemCode::PasswordChangeRequired => "password_change_required",
            ProblemCode::PreconditionRequired => "precondition_required",
            ProblemCode::PreconditionFailed => "precondition_failed",
            ProblemCode::ReaderNotInVisualMode => "reader_not_in_visual_mode",
            ProblemCode::VisualCheckPending => "visual_check_pending",
            ProblemCode::NoPendingVisualCheck => "no_pending_visual_check",
            ProblemCode::ReaderModeConflict => "reader_mode_conflict",
            ProblemCode::PinWrong => "pin_wrong",
            ProblemCode::PinLocked => "pin_locked",
            ProblemCode::PasscodeInvalid => "passcode_invalid",
            ProblemCode::DisasterClosed => "disaster_closed",
            ProblemCode::AccountExists => "account_exists",
            ProblemCode::OwnAccount => "own_account",
            ProblemCode::ChallengeUnknown => "challenge_unknown",
            ProblemCode::ChallengeExpired => "challenge_expired",
            ProblemCode::SignatureInvalid => "signature_invalid",
            ProblemCode::CertificateUnknown => "certificate_unknown",
            ProblemCode::NationalError => "national_error",
            ProblemCode::NationalTimeout => "national_timeout",
            ProblemCode::NationalAnswerRefused => "national_answer_refused",
            ProblemCode::IdempotencyInProgress => "idempotency_in_progress",
            ProblemCode::ShareUnavailable => "share_unavailable",
            ProblemCode::SignInBusy => "sign_in_busy",
            ProblemCode::TooManySignIns => "too_many_sign_ins",
            ProblemCode::MisdirectedRequest => "misdirected_request",
            ProblemCode::TrainingDataUnreadable => "training_data_unreadable",
            ProblemCode::Internal => "internal",
        }
    }

    pub fn parse(code: &str) -> Option<ProblemCode> {
        ProblemCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The HTTP status this problem is always sent with.
    pub fn status(self) -> u16 {
        match self {
            ProblemCode::InvalidCredentials
            | ProblemCode::Unauthenticated
            | ProblemCode::SessionExpired
            | ProblemCode::SessionRevoked => 401,
            ProblemCode::AccountLocked => 423,
            ProblemCode::SessionInUse => 409,
            ProblemCode::SystemAccountNotInteractive | ProblemCode::Forbidden => 403,
            ProblemCode::NotFound => 404,
            ProblemCode::MethodNotAllowed => 405,
            ProblemCode::MalformedBody => 400,
            ProblemCode::InvalidRequest => 422,
            ProblemCode::PayloadTooLarge => 413,
            ProblemCode::UnsupportedMediaType => 415,
            ProblemCode::IdempotencyKeyReused => 422,
            ProblemCode::PasswordChangeRequired => 403,
            ProblemCode::PreconditionRequired => 428,
            ProblemCode::PreconditionFailed => 412,
            ProblemCode::ReaderNotInVisualMode => 409,
            ProblemCode::VisualCheckPending => 409,
            ProblemCode::NoPendingVisualCheck => 409,
            ProblemCode::ReaderModeConflict => 409,
            ProblemCode::PinWrong => 422,
            ProblemCode::PinLocked => 423,
            ProblemCode::PasscodeInvalid => 403,
            ProblemCode::DisasterClosed => 403,
            ProblemCode::AccountExists => 409,
            ProblemCode::OwnAccount => 409,
            ProblemCode::ChallengeUnknown
            | ProblemCode::ChallengeExpired
            | ProblemCode::SignatureInvalid
            | ProblemCode::CertificateUnknown => 422,
            ProblemCode::NationalError => 502,
            ProblemCode::NationalTimeout => 504,
            ProblemCode::NationalAnswerRefused => 502,
            ProblemCode::IdempotencyInProgress => 409,
            ProblemCode::ShareUnavailable => 503,
            ProblemCode::SignInBusy => 503,
            ProblemCode::TooManySignIns => 429,
            ProblemCode::MisdirectedRequest => 421,
            ProblemCode::TrainingDataUnreadable => 503,
            ProblemCode::Internal => 500,
        }
    }

    /// The Japanese title, fit to show to staff as it is.
    pub fn title(self) -> &'static str {
        match self {
            ProblemCode::InvalidCredentials => catalogue::PROBLEM_INVALID_CREDENTIALS,
            ProblemCode::AccountLocked => catalogue::PROBLEM_ACCOUNT_LOCKED,
            ProblemCode::SessionInUse => catalogue::PROBLEM_SESSION_IN_USE,
            ProblemCode::SystemAccountNotInteractive => catalogue::PROBLEM_SYSTEM_ACCOUNT,
            ProblemCode::Unauthenticated => catalogue::PROBLEM_UNAUTHENTICATED,
            ProblemCode::SessionExpired => catalogue::PROBLEM_SESSION_EXPIRED,
            ProblemCode::SessionRevoked => catalogue::PROBLEM_SESSION_REVOKED,
            ProblemCode::Forbidden => catalogue::PROBLEM_FORBIDDEN,
            ProblemCode::NotFound => catalogue::PROBLEM_NOT_FOUND,
            ProblemCode::MethodNotAllowed => catalogue::PROBLEM_METHOD_NOT_ALLOWED,
            ProblemCode::MalformedBody => catalogue::PROBLEM_MALFORMED_BODY,
            ProblemCode::InvalidRequest => catalogue::PROBLEM_INVALID_REQUEST,
            ProblemCode::PayloadTooLarge => catalogue::PROBLEM_PAYLOAD_TOO_LARGE,
            ProblemCode::UnsupportedMediaType => catalogue::PROBLEM_UNSUPPORTED_MEDIA_TYPE,
            ProblemCode::IdempotencyKeyReused => catalogue::PROBLEM_IDEMPOTENCY_KEY_REUSED,
            ProblemCode::PasswordChangeRequired => catalogue::PROBLEM_PASSWORD_CHANGE_REQUIRED,
            ProblemCode::PreconditionRequired => catalogue::PROBLEM_PRECONDITION_REQUIRED,
            ProblemCode::PreconditionFailed => catalogue::PROBLEM_PRECONDITION_FAILED,
            ProblemCode::ReaderNotInVisualMode => catalogue::PROBLEM_READER_NOT_IN_VISUAL_MODE,
            ProblemCode::VisualCheckPending => catalogue::PROBLEM_VISUAL_CHECK_PENDING,
            ProblemCode::NoPendingVisualCheck => catalogue::PROBLEM_NO_PENDING_VISUAL_CHECK,
            ProblemCode::ReaderModeConflict => catalogue::PROBLEM_READER_MODE_CONFLICT,
            ProblemCode::PinWrong => catalogue::PROBLEM_PIN_WRONG,
            ProblemCode::PinLocked => catalogue::PROBLEM_PIN_LOCKED,
            ProblemCode::PasscodeInvalid => catalogue::PROBLEM_PASSCODE_INVALID,
            ProblemCode::DisasterClosed => catalogue::PROBLEM_DISASTER_CLOSED,
            ProblemCode::AccountExists => catalogue::PROBLEM_ACCOUNT_EXISTS,
            ProblemCode::OwnAccount => catalogue::PROBLEM_OWN_ACCOUNT,
            ProblemCode::ChallengeUnknown => catalogue::PROBLEM_CHALLENGE_UNKNOWN,
            ProblemCode::ChallengeExpired => catalogue::PROBLEM_CHALLENGE_EXPIRED,
            ProblemCode::SignatureInvalid => catalogue::PROBLEM_SIGNATURE_INVALID,
            ProblemCode::CertificateUnknown => catalogue::PROBLEM_CERTIFICATE_UNKNOWN,
            ProblemCode::NationalError => catalogue::PROBLEM_NATIONAL_ERROR,
            ProblemCode::NationalTimeout => catalogue::PROBLEM_NATIONAL_TIMEOUT,
            ProblemCode::NationalAnswerRefused => catalogue::PROBLEM_NATIONAL_ANSWER_REFUSED,
            ProblemCode::IdempotencyInProgress => catalogue::PROBLEM_IDEMPOTENCY_IN_PROGRESS,
            ProblemCode::ShareUnavailable => catalogue::PROBLEM_SHARE_UNAVAILABLE,
            ProblemCode::SignInBusy => catalogue::PROBLEM_SIGN_IN_BUSY,
            ProblemCode::TooManySignIns => catalogue::PROBLEM_TOO_MANY_SIGN_INS,
            ProblemCode::MisdirectedRequest => catalogue::PROBLEM_MISDIRECTED_REQUEST,
            ProblemCode::TrainingDataUnreadable => catalogue::PROBLEM_TRAINING_DATA_UNREADABLE,
            ProblemCode::Internal => catalogue::PROBLEM_INTERNAL,
        }
    }
}

/// One field's finding inside an `invalid_request` problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The JSON field (or XML element) the finding is about.
    pub field: String,
    /// The Japanese message to show next to that field.
    pub message: String,
}

/// A problem+json body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// `invalid_credentials`: wrong passwords the ID can still take before it locks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_attempts: Option<u32>,
    /// `account_locked`: when the lock ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<Rfc3339>,
    /// `pin_wrong`: wrong PINs the card can still take before it locks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
    /// `invalid_request`: every finding, one per field and message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(code: ProblemCode) -> Problem {
        Problem {
            kind: format!("urn:onshi:problem:{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            code: code.as_str().to_owned(),
            detail: None,
            remaining_attempts: None,
            locked_until: None,
            tries_left: None,
            errors: Vec::new(),
        }
    }

    /// Adds a technical detail (English is fine: it names the offending element for implementers).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// The code, when it is one this version of the contract knows.
    pub fn known_code(&self) -> Option<ProblemCode> {
        ProblemCode::parse(&self.code)
    }

    pub fn into_response(self) -> Response {
        let mut response = Response::json(self.status, &self);
        response.headers.set("Content-Type", PROBLEM_JSON);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_titles_are_japanese() {
        for code in ProblemCode::ALL {
            assert_eq!(ProblemCode::parse(code.as_str()), Some(code));
            assert!(!code.title().is_ascii(), "{code:?} needs a Japanese title");
        }
    }

    #[test]
    fn problem_body_shape() {
        let mut p = Problem::new(ProblemCode::InvalidCredentials);
        p.remaining_attempts = Some(3);
        let r = p.into_response();
        assert_eq!(r.status, 401);
        assert_eq!(r.content_type(), Some("application/problem+json"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(v["type"], "urn:onshi:problem:invalid_credentials");
        assert_eq!(v["code"], "invalid_credentials");
        assert_eq!(v["title"], "ユーザIDまたはパスワードが正しくありません。");
        assert_eq!(v["remaining_attempts"], 3);
        assert!(v.get("errors").is_none());
        assert!(v.get("locked_until").is_none());
    }
}
