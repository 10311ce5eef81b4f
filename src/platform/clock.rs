//! Clocks.
//!
//! Training mode's dispatcher and the app's idle countdown both read the page's clock, so Playwright's
//! `page.clock` moves both together (decisions.md D1). Browser tests hand in a manual clock instead.

use std::{cell::Cell, rc::Rc};

use chrono::TimeDelta;
use onshi_core::time::Timestamp;

/// A source of "now".
#[derive(Clone)]
pub struct Clock(Rc<dyn Fn() -> Timestamp>);

impl Clock {
    /// The page's `Date.now()`.
    pub fn page() -> Clock {
        // Date.now() is an integral number of milliseconds well inside i64's range.
        Clock(Rc::new(|| {
            Timestamp::from_millis(js_sys::Date::now() as i64)
        }))
    }

    /// A clock that stands still until its handle moves it (tests).
    pub fn manual(start: Timestamp) -> (Clock, ManualClock) {
        let now = Rc::new(Cell::new(start));
        let read = now.clone();
        (Clock(Rc::new(move || read.get())), ManualClock(now))
    }

    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

/// Moves a manual clock.
#[derive(Clone)]
pub struct ManualClock(Rc<Cell<Timestamp>>);

impl ManualClock {
    pub fn advance(&self, delta: TimeDelta) {
        self.0.set(self.0.get() + delta);
    }
}
