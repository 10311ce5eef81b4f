//! Shared state, through a few typed contexts with `use_x()` accessors.
//!
//! - [`use_endpoint`] and [`use_clock`]: what the app talks to and what time it is.
//! - [`use_session`]: who is signed in ([`session::SessionContext`]).
//! - [`use_api`]: typed calls to the endpoint that keep the session up to date ([`api::Api`]).
//!
//! The handles are `Copy`: views capture them freely, while the values behind them (which hold `Rc`s
//! and browser objects) stay in the reactive arena of this thread.

pub mod api;
pub mod session;

use leptos::prelude::*;
use onshi_core::time::Timestamp;

pub use api::{Api, use_api};
pub use session::{Session, SessionContext, use_session};

use crate::{platform::clock::Clock, transport::Endpoint};

/// The endpoint the app talks to.
#[derive(Clone, Copy)]
pub struct EndpointHandle(StoredValue<Endpoint, LocalStorage>);

impl EndpointHandle {
    pub fn get(&self) -> Endpoint {
        self.0.get_value()
    }
}

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
    provide_context(EndpointHandle(StoredValue::new_local(endpoint)));
    provide_context(ClockHandle(StoredValue::new_local(clock)));
    provide_context(SessionContext::restore(session::STORAGE_KEY));
}

pub fn use_endpoint() -> EndpointHandle {
    expect_context::<EndpointHandle>()
}

pub fn use_clock() -> ClockHandle {
    expect_context::<ClockHandle>()
}
