//! Timers as futures, for a request's timeout and an event feed's pauses.
//!
//! A [`Delay`] clears its `setTimeout` when dropped, so an answer that arrives first leaves no timer
//! behind. The timers are the page's own, so Playwright's `page.clock` controls them like every other
//! timer of the page (decisions.md D1).

use std::{
    cell::Cell,
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{Context, Poll},
    time::Duration,
};

use wasm_bindgen_futures::JsFuture;

/// Resolves once `duration` has passed.
pub struct Delay {
    handle: Option<i32>,
    fired: JsFuture,
}

impl Delay {
    pub fn new(duration: Duration) -> Delay {
        let window = web_sys::window().expect("the app runs in a browser window");
        // setTimeout takes a signed 32-bit count of milliseconds; longer waits are clamped to ~24 days.
        let ms = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
        let handle = Rc::new(Cell::new(None));
        let set = handle.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            set.set(
                window
                    .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                    .ok(),
            );
        });
        Delay {
            handle: handle.get(),
            fired: JsFuture::from(promise),
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A timer the browser refused to set would never fire; treat it as already over rather than
        // waiting forever.
        if self.handle.is_none() {
            return Poll::Ready(());
        }
        Pin::new(&mut self.fired).poll(cx).map(|_| ())
    }
}

impl Drop for Delay {
    fn drop(&mut self) {
        if let (Some(handle), Some(window)) = (self.handle, web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }
}
