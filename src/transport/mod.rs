//! The transport between the app and "the endpoint".
//!
//! The app speaks the contract ([`onshi_core::contract`]) and does not care who answers: in training
//! mode the answer comes from the core's dispatcher running in this page; an HTTP transport to a real
//! endpoint comes with the endpoint issue. Both carry exactly the same request and response bytes.

mod training;

use std::rc::Rc;

use onshi_core::contract::{Request, Response};

pub use training::TrainingTransport;

use crate::platform::training_db::TrainingDbError;

/// The endpoint the app talks to.
#[derive(Clone)]
pub enum Endpoint {
    /// Training mode: the core's dispatcher in this page, on canned data (the embedded default).
    Training(Rc<TrainingTransport>),
}

/// A request that got no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("training storage failed: {0}")]
    TrainingStorage(#[from] TrainingDbError),
}

impl Endpoint {
    /// Training mode with its default database.
    pub fn training() -> Endpoint {
        Endpoint::Training(Rc::new(TrainingTransport::new(
            crate::platform::training_db::DATABASE,
            crate::platform::clock::Clock::page(),
        )))
    }

    /// Sends one request and waits for its answer.
    pub async fn send(&self, request: Request) -> Result<Response, TransportError> {
        match self {
            Endpoint::Training(transport) => transport.send(&request).await,
        }
    }

    /// Whether this endpoint works on training data (the frame shows 「研修モード」).
    pub fn is_training(&self) -> bool {
        match self {
            Endpoint::Training(_) => true,
        }
    }
}
