//! The one boundary where failures become Japanese text for staff, used by the pages and components
//! only: nothing below them (`state`, `transport`, `platform`) depends on it.
//!
//! Everything below this point passes typed errors around. The words of every failure the contract
//! and the core can name are the core's (`onshi_core::client::message`, tested on the host); this
//! module words the app's errors through them and adds what only the browser can fail at (USB, the
//! service worker training mode runs in, the outbox's storage, the endpoint URL field, an endpoint
//! the app cannot use).

use onshi_core::{card::mynumber::PinFormatError, catalogue, client::message};

pub use crate::transport::ApiError;
use crate::{
    labels,
    platform::{
        service_worker::ServiceWorkerError, training_reader::TrainingReaderError, usb::UsbError,
    },
    state::{CapabilityError, outbox::OutboxFailure},
    transport::{EndpointUrlError, TransportError},
};
pub use onshi_core::client::message::{card_notice, face_unreadable_reason, session_end_notice};

impl ApiError {
    /// The message to show staff.
    pub fn message(&self) -> String {
        match self {
            // Training mode's world could not be reached at all: the core's words for a request
            // without an answer would send staff looking for a server.
            ApiError::Transport(TransportError::NoServiceWorker { reason, .. }) => {
                reason.message().to_owned()
            }
            _ => message::call_failure(self.failure()),
        }
    }
}

impl ServiceWorkerError {
    /// Why training mode cannot be used in this page.
    pub fn message(&self) -> &'static str {
        match self {
            ServiceWorkerError::Unavailable => labels::TRAINING_NO_SERVICE_WORKER,
            ServiceWorkerError::NotReady { .. }
            | ServiceWorkerError::NotInControl { .. }
            | ServiceWorkerError::Unsendable { .. } => labels::TRAINING_NOT_READY,
        }
    }
}

impl TrainingReaderError {
    /// Why training's virtual card reader could not be used.
    pub fn message(&self) -> &'static str {
        match self {
            TrainingReaderError::ServiceWorker(e) => e.message(),
            TrainingReaderError::UnknownReader { .. } => catalogue::CARD_READER_UNPLUGGED,
            TrainingReaderError::NoReply { .. }
            | TrainingReaderError::Refused { .. }
            | TrainingReaderError::Malformed { .. } => labels::TRAINING_READER_FAILED,
        }
    }
}

impl CapabilityError {
    /// Why the endpoint cannot be used, for the settings screen and the start and sign-in pages.
    pub fn message(&self) -> String {
        match self {
            CapabilityError::Unreachable(TransportError::NoServiceWorker { reason, .. }) => {
                reason.message().to_owned()
            }
            // A timeout and a network failure mean the same here: no answer.
            CapabilityError::Unreachable(_) => labels::ENDPOINT_UNREACHABLE.to_owned(),
            CapabilityError::NotAllowed { .. } => labels::ENDPOINT_NOT_ALLOWED.to_owned(),
            CapabilityError::NotAnEndpoint(_) => labels::ENDPOINT_NOT_CONTRACT.to_owned(),
            CapabilityError::Incompatible { theirs, ours } => message::incompatible(theirs, ours),
            CapabilityError::NoSignIn => labels::ENDPOINT_NO_SIGN_IN.to_owned(),
        }
    }
}

impl EndpointUrlError {
    /// The message next to the URL field.
    pub fn message(&self) -> &'static str {
        match self {
            EndpointUrlError::Empty => labels::ENDPOINT_URL_REQUIRED,
            EndpointUrlError::FullWidth { .. } => labels::ENDPOINT_URL_FULL_WIDTH,
            EndpointUrlError::Scheme { .. } => labels::ENDPOINT_URL_SCHEME,
            EndpointUrlError::Invalid { .. } => labels::ENDPOINT_URL_INVALID,
            EndpointUrlError::Credentials { .. } => labels::ENDPOINT_URL_CREDENTIALS,
            EndpointUrlError::Path { .. } => labels::ENDPOINT_URL_PATH,
        }
    }
}

impl OutboxFailure {
    /// Why a write was not kept, so nothing was sent, for the screen that sent it.
    pub fn message(&self) -> &'static str {
        match self {
            OutboxFailure::NotSignedIn => catalogue::PROBLEM_UNAUTHENTICATED,
            OutboxFailure::Store(_) => labels::OUTBOX_NOT_KEPT,
        }
    }
}

impl UsbError {
    /// Why the general-purpose card reader could not be connected, for staff.
    pub fn message(&self) -> &'static str {
        match self {
            UsbError::Unavailable => labels::CARD_USB_UNAVAILABLE,
            UsbError::Cancelled => labels::CARD_USB_CANCELLED,
            UsbError::Denied(_) => labels::CARD_USB_DENIED,
            UsbError::ProtectedClass { .. } => labels::CARD_USB_PROTECTED,
            UsbError::Unplugged => catalogue::CARD_READER_UNPLUGGED,
            UsbError::OpenFailed(_) => labels::CARD_USB_OPEN_FAILED,
            UsbError::NoInterface { .. } => labels::CARD_USB_NO_INTERFACE,
        }
    }
}

/// The message next to the PIN pad's field. The error never carries the digits, and neither does
/// the message.
pub fn pin_format_message(error: &PinFormatError) -> &'static str {
    message::pin_format(error)
}
