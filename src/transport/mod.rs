//! The transport between the app and "the endpoint".
//!
//! The app speaks the contract ([`onshi_core::contract`]) over HTTP and does not care who answers: in
//! training mode the training world in the page's service worker answers under the page's origin and
//! `/training` ([`EndpointUrl::training`]); otherwise a real endpoint answers. Both carry exactly the
//! same request and response bytes, and both offer the same event feed ([`events`]).

mod api_error;
pub mod events;
pub mod http;
pub mod sse;
pub mod url;

use std::{rc::Rc, time::Duration};

use onshi_core::contract::{Capabilities, Request, Response};

pub use api_error::ApiError;
pub use events::{FeedEnd, FeedItem, FeedOptions, Interruption, Subscription};
pub use http::{HttpOptions, HttpTransport};
pub use url::{EndpointUrl, EndpointUrlError};

use crate::platform::service_worker::ServiceWorkerError;

/// The endpoint the app talks to.
#[derive(Clone)]
pub enum Endpoint {
    /// An endpoint over HTTP: a real one, the reference endpoint, or training mode's world in the
    /// page's service worker.
    Http(Rc<HttpTransport>),
}

/// A request that got no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Training mode's endpoint lives in the page's service worker, and no worker controls the page:
    /// the request was not sent, since the network has nothing under that address.
    #[error("no service worker answers {url}: {reason}")]
    NoServiceWorker {
        url: String,
        reason: ServiceWorkerError,
    },
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
    /// Training mode: the training world in the page's service worker
    /// ([`EndpointUrl::training`]).
    pub fn training() -> Endpoint {
        Endpoint::http(EndpointUrl::training())
    }

    /// A real endpoint at `base`, with the usual timeouts.
    pub fn http(base: EndpointUrl) -> Endpoint {
        Endpoint::Http(Rc::new(HttpTransport::new(base, HttpOptions::default())))
    }

    /// Sends one request and waits for its answer.
    pub async fn send(&self, request: Request) -> Result<Response, TransportError> {
        match self {
            Endpoint::Http(transport) => transport.send(&request).await,
        }
    }

    /// Takes in what the endpoint said about itself that changes how requests are sent: an endpoint
    /// that relays to the national side gets longer deadlines for those requests.
    pub fn learn(&self, capabilities: &Capabilities) {
        match self {
            Endpoint::Http(transport) => {
                transport.learn_national_timeout(capabilities.national_timeout_s)
            }
        }
    }

    /// The endpoint's base URL: an origin, or the training world's address below the page's.
    pub fn url(&self) -> &EndpointUrl {
        match self {
            Endpoint::Http(transport) => transport.base(),
        }
    }

    /// Whether this is training mode's world in the page's service worker. (Another endpoint may run
    /// on training data too; it says so in its capabilities, see
    /// [`crate::state::CapabilitiesContext::training`].) Training data is kept apart from real data
    /// by this (the outbox's database).
    pub fn is_training_world(&self) -> bool {
        self.url().is_training()
    }

    /// Names the endpoint, so that a session kept across a reload is used only with the endpoint that
    /// issued it: its base URL, so the training world below an origin is another endpoint than the
    /// one at the origin itself.
    pub fn id(&self) -> String {
        self.url().as_str().to_owned()
    }
}
