//! Which endpoint the app talks to, and the staff's choice of it (the settings screen).
//!
//! The choice is kept in localStorage under [`CHOICE_KEY`]: it is a setting of this browser, not
//! patient data, and every tab of the app starts with it. Training mode is the default.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    platform::{page, web_storage::WebStorage},
    transport::{Endpoint, EndpointUrl, EndpointUrlError},
};

/// The localStorage key of the endpoint choice.
pub const CHOICE_KEY: &str = "onshi.endpoint";

/// What staff chose on the settings screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndpointChoice {
    /// Training mode: the training world in the page's service worker, on training data.
    #[default]
    Training,
    /// The endpoint at the page's own origin (the reference endpoint serves the app too). Kept as
    /// such rather than as an address, so the choice follows the app if it moves.
    ThisServer,
    /// An endpoint at another origin.
    Url { url: String },
}

impl EndpointChoice {
    /// The saved choice; training mode when there is none or it no longer reads.
    pub fn load() -> EndpointChoice {
        WebStorage::Local.load(CHOICE_KEY).unwrap_or_default()
    }

    pub fn save(&self) {
        WebStorage::Local.save(CHOICE_KEY, self);
    }

    /// The endpoint this choice names.
    pub fn connect(&self) -> Result<Endpoint, EndpointUrlError> {
        match self {
            EndpointChoice::Training => Ok(Endpoint::training()),
            EndpointChoice::ThisServer => Ok(Endpoint::http(this_server()?)),
            EndpointChoice::Url { url } => Ok(Endpoint::http(EndpointUrl::parse(url)?)),
        }
    }

    /// The choice an endpoint corresponds to: the training world is training mode, and an endpoint
    /// at the page's origin is "this server".
    pub fn of(endpoint: &Endpoint) -> EndpointChoice {
        let url = endpoint.url();
        match url.is_training() {
            true => EndpointChoice::Training,
            false if this_server().is_ok_and(|here| &here == url) => EndpointChoice::ThisServer,
            false => EndpointChoice::Url {
                url: url.as_str().to_owned(),
            },
        }
    }
}

/// The page's own origin as an endpoint address.
pub fn this_server() -> Result<EndpointUrl, EndpointUrlError> {
    // An origin that is no URL (a page opened from a file has the origin "null") cannot be an
    // endpoint.
    EndpointUrl::parse(&page::origin().unwrap_or_default())
}

/// The endpoint the app talks to. Switching is reactive: what depends on the endpoint (its
/// capabilities, the training banner) follows.
#[derive(Clone, Copy)]
pub struct EndpointHandle(RwSignal<Endpoint, LocalStorage>);

impl EndpointHandle {
    pub fn new(endpoint: Endpoint) -> EndpointHandle {
        EndpointHandle(RwSignal::new_local(endpoint))
    }

    /// The endpoint, read without tracking (for requests).
    pub fn get(&self) -> Endpoint {
        self.0.get_untracked()
    }

    /// Reads the endpoint, tracked (for views and derived values).
    pub fn with<T>(&self, f: impl FnOnce(&Endpoint) -> T) -> T {
        self.0.with(f)
    }

    /// Replaces the endpoint. Callers end the session first (see [`crate::state::Api::switch_endpoint`]).
    pub(crate) fn set(&self, endpoint: Endpoint) {
        self.0.set(endpoint);
    }
}

pub fn use_endpoint() -> EndpointHandle {
    expect_context::<EndpointHandle>()
}
