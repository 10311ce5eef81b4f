//! The idle guard of a signed-in screen: counts down from the last authenticated request, warns in
//! the last minute, and signs out at thirty minutes (seed 001 FAQ 7), by the same rule as the endpoint
//! ([`onshi_core::idle`]).
//!
//! Working without sending requests still counts as operation: a click or a key press tells the
//! endpoint, at most once a minute (decisions.md D5).

use std::time::Duration;

use chrono::TimeDelta;
use leptos::{ev, prelude::*, task::spawn_local};
use onshi_core::{
    catalogue,
    idle::{IdleState, idle_state},
};

use crate::{
    components::Dialog,
    labels,
    state::{use_api, use_clock, use_session},
};

/// How often the countdown is checked. The check reads the clock, so a slow timer (a background tab)
/// only delays it, never miscounts.
const TICK: Duration = Duration::from_secs(1);
/// The least time between two activity notices (D5: at most one a minute).
const ACTIVITY_THROTTLE: TimeDelta = TimeDelta::minutes(1);

#[component]
pub fn IdleGuard() -> impl IntoView {
    let session = use_session();
    let clock = use_clock();
    let api = use_api();
    let state = RwSignal::new(IdleState::Active);

    let check = move || {
        let Some((last_touch, timeout)) =
            session.peek(|s| s.map(|s| (s.last_touch, s.idle_timeout_s)))
        else {
            return;
        };
        match idle_state(
            last_touch,
            clock.now(),
            TimeDelta::seconds(i64::from(timeout)),
        ) {
            IdleState::Expired => session.end(Some(catalogue::SIGNED_OUT_IDLE.to_owned())),
            other => state.set(other),
        }
    };
    // Check at once too: a reload after a long pause must not show the menu first.
    check();
    if let Ok(handle) = set_interval_with_handle(check, TICK) {
        on_cleanup(move || handle.clear());
    }

    // One notice in flight at a time.
    let sending = StoredValue::new(false);
    let notify = move |always: bool| {
        let Some(last_touch) = session.last_touch() else {
            return;
        };
        if sending.get_value() || (!always && clock.now().since(last_touch) < ACTIVITY_THROTTLE) {
            return;
        }
        sending.set_value(true);
        spawn_local(async move {
            // A refusal ends the session inside the call; nothing more to do here.
            let _ = api.activity().await;
            state.set(IdleState::Active);
            sending.set_value(false);
        });
    };
    let on_pointer = window_event_listener(ev::pointerdown, move |_| notify(false));
    let on_key = window_event_listener(ev::keydown, move |_| notify(false));
    on_cleanup(move || {
        on_pointer.remove();
        on_key.remove();
    });

    let warning = move || match state.get() {
        IdleState::Warning { seconds_left } => Some(seconds_left),
        _ => None,
    };
    view! {
        <Show when=move || warning().is_some()>
            <Dialog
                title=labels::IDLE_WARNING_TITLE
                message=Signal::derive(move || labels::idle_warning(warning().unwrap_or(0)))
                confirm_label=labels::IDLE_CONTINUE
                on_confirm=UnsyncCallback::new(move |_| notify(true))
                test_id="idle-warning"
            />
        </Show>
    }
}
