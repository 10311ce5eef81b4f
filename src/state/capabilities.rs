//! What the endpoint offers (`GET /onshi/v1/capabilities`), read when the app starts and again after
//! each switch of endpoint, and checked before staff switch to one. Training mode's world answers
//! like any endpoint, so whether the app works on training data is what the capabilities say.

use leptos::prelude::*;
use onshi_core::{
    client::{
        self,
        version::{self, Fit},
    },
    contract::{self, Capabilities},
};

use crate::{
    platform,
    state::EndpointHandle,
    transport::{ApiError, Endpoint, TransportError},
};

/// A feature group of the contract, as the core's vocabulary spells it.
pub use onshi_core::contract::FeatureGroup;

/// Why an endpoint cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    /// No answer: not running, or not reachable.
    #[error(transparent)]
    Unreachable(TransportError),
    /// The page's Content-Security-Policy (`connect-src`) does not allow the endpoint's origin: the
    /// app's server was not configured for it (decisions.md D5).
    #[error("{origin} is not among the endpoints this app may connect to")]
    NotAllowed { origin: String },
    /// An answer that is not the contract's capabilities (another kind of server, or an app server
    /// without the endpoint).
    #[error("not a contract endpoint: {0}")]
    NotAnEndpoint(ApiError),
    /// A contract of another major version, or no version at all ([`version::fit`]).
    #[error("contract version {theirs} is incompatible with {ours}")]
    Incompatible { theirs: String, ours: &'static str },
    /// An endpoint nobody can sign in to.
    #[error("the endpoint offers no session group")]
    NoSignIn,
}

/// Reads and checks an endpoint's capabilities.
pub async fn discover(endpoint: &Endpoint) -> Result<Capabilities, CapabilityError> {
    platform::csp::watch();
    let answer = match endpoint.send(client::capabilities()).await {
        Ok(answer) => answer,
        Err(e) => {
            // A refusal by the page's own policy looks like any failed connection; the browser's
            // violation report tells them apart.
            let url = endpoint.url();
            if platform::csp::refused(url.as_str()).await {
                return Err(CapabilityError::NotAllowed {
                    origin: url.as_str().to_owned(),
                });
            }
            return Err(CapabilityError::Unreachable(e));
        }
    };
    let capabilities: Capabilities = client::expect_json(&answer, 200)
        .map_err(|e| CapabilityError::NotAnEndpoint(ApiError::from(e)))?;
    if version::fit(&capabilities.contract_version, contract::VERSION) != Fit::Compatible {
        return Err(CapabilityError::Incompatible {
            theirs: capabilities.contract_version,
            ours: contract::VERSION,
        });
    }
    if !capabilities
        .groups
        .iter()
        .any(|g| g == FeatureGroup::Session.as_str())
    {
        return Err(CapabilityError::NoSignIn);
    }
    endpoint.learn(&capabilities);
    Ok(capabilities)
}

/// What one endpoint said about itself: its [`Endpoint::id`] and its capabilities, or why there are
/// none.
type Discovery = (String, Result<Capabilities, CapabilityError>);

/// The current endpoint's capabilities (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct CapabilitiesContext {
    endpoint: EndpointHandle,
    /// A resource keeps its last value while it reads again, so each value names the endpoint it
    /// came from: after a switch, the old endpoint's answer is not shown as the new one's.
    discovered: LocalResource<Discovery>,
}

impl CapabilitiesContext {
    pub fn new(endpoint: EndpointHandle) -> CapabilitiesContext {
        let discovered = LocalResource::new(move || {
            let current = endpoint.with(Endpoint::clone);
            async move { (current.id(), discover(&current).await) }
        });
        CapabilitiesContext {
            endpoint,
            discovered,
        }
    }

    /// Runs `f` on the current endpoint's capabilities, or why there are none; `None` while not (yet)
    /// read (tracked).
    fn with<T>(&self, f: impl FnOnce(Option<&Result<Capabilities, CapabilityError>>) -> T) -> T {
        let id = self.endpoint.with(Endpoint::id);
        self.discovered.with(|d| match d {
            Some((from, found)) if *from == id => f(Some(found)),
            _ => f(None),
        })
    }

    /// The capabilities, or why there are none; `None` while not (yet) read (tracked).
    pub fn get(&self) -> Option<Result<Capabilities, CapabilityError>> {
        self.with(|found| found.cloned())
    }

    /// Whether the endpoint offers `group`: `None` while that is not known (tracked). An endpoint that
    /// could not be read is not known either; its requests fail with their own message.
    pub fn offers(&self, group: FeatureGroup) -> Option<bool> {
        self.with(|found| match found {
            Some(Ok(c)) => Some(c.groups.iter().any(|g| g == group.as_str())),
            _ => None,
        })
    }

    /// How far back the endpoint's history may be searched (tracked): what its capabilities say, or
    /// [`contract::HISTORY_WINDOW_DAYS`] while they are not read or from an endpoint that does not say.
    pub fn history_window(&self) -> chrono::TimeDelta {
        // A window past a century is no window the guides know, and would not fit the date
        // arithmetic: it counts as not said.
        let days = self
            .with(|found| match found {
                Some(Ok(c)) => c.history_window_days,
                _ => None,
            })
            .filter(|days| *days <= 36_500)
            .unwrap_or(contract::HISTORY_WINDOW_DAYS);
        chrono::TimeDelta::days(i64::try_from(days).unwrap_or(0))
    }

    /// Whether the app works on training data (tracked): with an endpoint whose capabilities say so
    /// (training mode's world, or e.g. the reference endpoint started with `--training`). The frame
    /// shows 「研修モード」 exactly then.
    pub fn training(&self) -> bool {
        self.with(|found| matches!(found, Some(Ok(c)) if c.training))
    }
}

pub fn use_capabilities() -> CapabilitiesContext {
    expect_context::<CapabilitiesContext>()
}

/// Provided by [`crate::state::provide_app_state`]; here so the context's parts stay private.
pub(crate) fn provide(endpoint: EndpointHandle) {
    provide_context(CapabilitiesContext::new(endpoint));
}
