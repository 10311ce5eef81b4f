//! The page's own Content-Security-Policy refusals of connections (`connect-src`, decisions.md D5).
//!
//! A `fetch` the policy refuses fails exactly like one to an endpoint that is down: the page gets a
//! bare `TypeError`. The browser does tell the document, though, with a `securitypolicyviolation`
//! event naming the blocked address. Listening for it lets the settings screen say that an endpoint is
//! not among the allowed ones, instead of guessing between "down" and "not allowed".
//!
//! The policy is fixed for the page's life, so an origin refused once stays refused: the set only
//! grows.

use std::{
    cell::{Cell, RefCell},
    collections::HashSet,
    time::Duration,
};

use wasm_bindgen::{JsCast, closure::Closure};

use crate::platform::timer::Delay;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static REFUSED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// How long a failed connection waits for its violation report: the browser queues the event as a
/// task of its own, which may run after the failed `fetch` has already been handed back.
const REPORT_DELAY: Duration = Duration::from_millis(100);

/// Starts listening for the page's connection refusals (once per page; later calls do nothing).
pub fn watch() {
    if WATCHING.replace(true) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        WATCHING.set(false);
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let Some(violation) = event.dyn_ref::<web_sys::SecurityPolicyViolationEvent>() else {
            return;
        };
        if violation.effective_directive() != "connect-src" {
            return;
        }
        if let Ok(url) = web_sys::Url::new(&violation.blocked_uri()) {
            REFUSED.with_borrow_mut(|refused| refused.insert(url.origin()));
        }
    });
    if document
        .add_event_listener_with_callback(
            "securitypolicyviolation",
            listener.as_ref().unchecked_ref(),
        )
        .is_ok()
    {
        // The listener lives as long as the page: it is registered once and never removed.
        listener.forget();
    } else {
        WATCHING.set(false);
    }
}

/// Whether the page's policy has refused a connection to `origin` (e.g. `https://onshi.example.jp`).
/// Call it after a connection failed: it waits briefly for the browser's report first.
pub async fn refused(origin: &str) -> bool {
    if !refused_now(origin) {
        Delay::new(REPORT_DELAY).await;
    }
    refused_now(origin)
}

fn refused_now(origin: &str) -> bool {
    REFUSED.with_borrow(|refused| refused.contains(origin))
}
