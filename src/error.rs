//! The one boundary where failures become Japanese text for staff.
//!
//! Everything below this point passes typed errors around; pages show [`ApiError::message`] and
//! nothing else decides wording.

use onshi_core::{
    card::{flow::Notice, mynumber::PinFormatError},
    catalogue,
    client::ClientError,
    contract::{FieldError, Problem, ProblemCode},
    exchange::Unreadable,
};

use crate::{
    platform::usb::UsbError,
    state::CapabilityError,
    transport::{EndpointUrlError, TransportError},
};

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

    /// The message to show staff.
    pub fn message(&self) -> String {
        match self {
            ApiError::Transport(e) => transport_message(e).to_owned(),
            ApiError::Refused(problem) => refusal_message(problem),
            ApiError::Unexpected(_) => catalogue::UNEXPECTED_RESPONSE.to_owned(),
            ApiError::NotSignedIn => catalogue::PROBLEM_UNAUTHENTICATED.to_owned(),
            ApiError::Unencodable(_) => catalogue::REQUEST_UNENCODABLE.to_owned(),
        }
    }
}

/// A request that got no answer.
fn transport_message(error: &TransportError) -> &'static str {
    match error {
        TransportError::TrainingStorage(_) => catalogue::TRAINING_STORAGE_FAILED,
        TransportError::Timeout { .. } => catalogue::TRANSPORT_TIMEOUT,
        TransportError::Network { .. } | TransportError::Unsendable { .. } => {
            catalogue::TRANSPORT_FAILED
        }
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

impl CapabilityError {
    /// Why the endpoint cannot be used, for the settings screen and the start and sign-in pages.
    pub fn message(&self) -> String {
        match self {
            CapabilityError::Unreachable(TransportError::TrainingStorage(_)) => {
                catalogue::TRAINING_STORAGE_FAILED.to_owned()
            }
            // A timeout and a network failure mean the same here: no answer.
            CapabilityError::Unreachable(_) => catalogue::ENDPOINT_UNREACHABLE.to_owned(),
            CapabilityError::NotAllowed { .. } => catalogue::ENDPOINT_NOT_ALLOWED.to_owned(),
            CapabilityError::NotAnEndpoint(_) => catalogue::ENDPOINT_NOT_CONTRACT.to_owned(),
            CapabilityError::Incompatible { theirs, ours } => format!(
                "{}（{}：{theirs}、{}：{ours}）",
                catalogue::ENDPOINT_INCOMPATIBLE,
                catalogue::LABEL_THE_ENDPOINT,
                catalogue::LABEL_THIS_APP,
            ),
            CapabilityError::NoSignIn => catalogue::ENDPOINT_NO_SIGN_IN.to_owned(),
        }
    }
}

impl EndpointUrlError {
    /// The message next to the URL field.
    pub fn message(&self) -> &'static str {
        match self {
            EndpointUrlError::Empty => catalogue::ENDPOINT_URL_REQUIRED,
            EndpointUrlError::FullWidth { .. } => catalogue::ENDPOINT_URL_FULL_WIDTH,
            EndpointUrlError::Scheme { .. } => catalogue::ENDPOINT_URL_SCHEME,
            EndpointUrlError::Invalid { .. } => catalogue::ENDPOINT_URL_INVALID,
            EndpointUrlError::Credentials { .. } => catalogue::ENDPOINT_URL_CREDENTIALS,
            EndpointUrlError::Path { .. } => catalogue::ENDPOINT_URL_PATH,
        }
    }
}

fn refusal_message(problem: &Problem) -> String {
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

impl UsbError {
    /// Why the general-purpose card reader could not be connected, for staff.
    pub fn message(&self) -> &'static str {
        match self {
            UsbError::Unavailable => catalogue::CARD_USB_UNAVAILABLE,
            UsbError::Cancelled => catalogue::CARD_USB_CANCELLED,
            UsbError::Denied(_) => catalogue::CARD_USB_DENIED,
            UsbError::ProtectedClass { .. } => catalogue::CARD_USB_PROTECTED,
            UsbError::Unplugged => catalogue::CARD_READER_UNPLUGGED,
            UsbError::OpenFailed(_) => catalogue::CARD_USB_OPEN_FAILED,
            UsbError::NoInterface { .. } => catalogue::CARD_USB_NO_INTERFACE,
        }
    }
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
pub fn pin_format_message(_: &PinFormatError) -> &'static str {
    catalogue::PIN_FORMAT
}

/// Why a face reader's result file could not be read (a `face_unreadable` event's `reason`, issue 14),
/// in one sentence staff understand; `None` for a reason this build does not know. The event's English
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
