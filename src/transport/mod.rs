//! The transport between the app and "the endpoint".
//!
//! The app speaks the contract ([`onshi_core::contract`]) and does not care who answers: in training
//! mode the answer comes from the core's dispatcher running in this page; otherwise a real endpoint
//! answers over HTTP. Both carry exactly the same request and response bytes, and both offer the same
//! event feed ([`events`]).

mod api_error;
pub mod events;
pub mod http;
pub mod sse;
mod training;
pub mod url;

use std::{rc::Rc, time::Duration};

use onshi_core::contract::{Capabilities, Request, Response};

pub use api_error::ApiError;
pub use events::{FeedEnd, FeedItem, FeedOptions, Interruption, Subscription};
pub use http::{HttpOptions, HttpTransport};
pub use training::TrainingTransport;
pub use url::{EndpointUrl, EndpointUrlError};

use crate::platform::training_db::TrainingDbError;

/// The endpoint the app talks to.
#[derive(Clone)]
pub enum Endpoint {
    /// Training mode: the core's dispatcher in this page, on canned data (the embedded default).
    Training(Rc<TrainingTransport>),
    /// A real endpoint (or the reference endpoint) over HTTP.
    Http(Rc<HttpTransport>),
}

/// A request that got no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("training storage failed: {0}")]
    TrainingStorage(#[from] TrainingDbError),
    /// Nothing came back in time; the request was abandoned.
    #[error("no answer from {url} within {} ms", .after.as_millis())]
    Timeout { url: String, after: Duration },
    /// The request failed before any answer: no network, nothing listening, or a connection the
    /// page's CSP (connect-src) or the endpoint's CORS refused. The browser does not tell these apart.
    #[error("no answer from {url}: {message}")]
    Network { url: String, message: String },
    /// The browser would not even build the request (a header value it cannot send).
    #[error("cannot send a request to {url}: {message}")]
    Unsendable { url: String, message: String },
}

impl Endpoint {
    /// Training mode with its default database.
    pub fn training() -> Endpoint {
        Endpoint::Training(Rc::new(TrainingTransport::new(
            crate::platform::training_db::DATABASE,
            crate::platform::clock::Clock::page(),
        )))
    }

    /// A real endpoint at `base`, with the usual timeouts.
    pub fn http(base: EndpointUrl) -> Endpoint {
        Endpoint::Http(Rc::new(HttpTransport::new(base, HttpOptions::default())))
    }

    /// Sends one request and waits for its answer.
    pub async fn send(&self, request: Request) -> Result<Response, TransportError> {
        match self {
            Endpoint::Training(transport) => transport.send(&request).await,
            Endpoint::Http(transport) => transport.send(&request).await,
        }
    }

    /// Takes in what the endpoint said about itself that changes how requests are sent: an endpoint
    /// that relays to the national side gets longer deadlines for those requests. The training
    /// dispatcher answers at once and has no deadlines.
    pub fn learn(&self, capabilities: &Capabilities) {
        if let Endpoint::Http(transport) = self {
            transport.learn_national_timeout(capabilities.national_timeout_s);
        }
    }

    /// Whether this is the training dispatcher in the page. (An HTTP endpoint may run on training data
    /// too; it says so in its capabilities, see [`crate::state::CapabilitiesContext::training`].)
    pub fn is_in_page_training(&self) -> bool {
        matches!(self, Endpoint::Training(_))
    }

    /// The real endpoint's origin; `None` in training mode.
    pub fn url(&self) -> Option<&EndpointUrl> {
        match self {
            Endpoint::Training(_) => None,
            Endpoint::Http(transport) => Some(transport.base()),
        }
    }

    /// Names the endpoint, so that a session kept across a reload is used only with the endpoint that
    /// issued it.
    pub fn id(&self) -> String {
        match self.url() {
            None => "training".to_owned(),
            Some(url) => url.as_str().to_owned(),
        }
    }
}
