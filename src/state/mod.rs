//! Shared state, through a few typed contexts with `use_x()` accessors.
//!
//! - [`use_endpoint`] and [`use_clock`]: what the app talks to and what time it is.
//! - [`use_capabilities`]: what the endpoint offers ([`capabilities::CapabilitiesContext`]).
//! - [`use_session`]: who is signed in ([`session::SessionContext`]).
//! - [`use_api`]: typed calls to the endpoint that keep the session up to date ([`api::Api`]).
//! - [`use_events`]: the session's event feed ([`events::Events`]).
//! - [`use_cache`]: results and history pages seen in this session ([`cache::Cache`]).
//! - [`use_outbox`]: writes kept until the endpoint answers them ([`outbox::Outbox`]).
//! - [`use_readers`]: the face readers and their modes, kept current from the event feed
//!   ([`readers::Readers`]).
//! - [`card_reader`]: the general-purpose card reader a reception screen drives (WebUSB, or training's
//!   virtual reader in the service worker).
//!
//! The handles are `Copy`: views capture them freely, while the values behind them (which hold `Rc`s
//! and browser objects) stay in the reactive arena of this thread.

pub mod api;
pub mod cache;
pub mod capabilities;
pub mod card_reader;
pub mod endpoint;
pub mod events;
pub mod outbox;
pub mod readers;
pub mod session;

use leptos::prelude::*;
use onshi_core::time::Timestamp;

pub use api::{Api, HandOverChoices, HistoryEntry, use_api};
pub use cache::{Cache, use_cache};
pub use capabilities::{CapabilitiesContext, CapabilityError, FeatureGroup, use_capabilities};
pub use endpoint::{EndpointChoice, EndpointHandle, use_endpoint};
pub use events::{Events, use_events};
pub use outbox::{Delivery, Outbox, use_outbox};
pub use readers::{Readers, use_readers};
pub use session::{Session, SessionContext, use_session};

use crate::{platform::clock::Clock, transport::Endpoint};

/// The clock the app reads.
#[derive(Clone, Copy)]
pub struct ClockHandle(StoredValue<Clock, LocalStorage>);

impl ClockHandle {
    pub fn now(&self) -> Timestamp {
        self.0.with_value(Clock::now)
    }
}

/// Provides every shared context; called once at the top of the app (and of each browser test).
pub fn provide_app_state(endpoint: Endpoint, clock: Clock) {
    let session = SessionContext::restore(session::STORAGE_KEY, &endpoint.id());
    let endpoint = EndpointHandle::new(endpoint);
    provide_context(endpoint);
    provide_context(ClockHandle(StoredValue::new_local(clock)));
    provide_context(session);
    capabilities::provide(endpoint);
    cache::provide();
    outbox::provide();
    readers::provide();
}

pub fn use_clock() -> ClockHandle {
    expect_context::<ClockHandle>()
}
