//! A dispatcher with a pinned clock, a seeded random source and an in-memory training store.

use chrono::{NaiveDate, TimeDelta};
use onshi_core::{
    canned,
    contract::{Problem, Request, Response},
    dispatch::{Config, Dispatcher, Env},
    password::HashCost,
    random::SeededRandom,
    store::MemoryStore,
    time::Timestamp,
};

pub struct Harness {
    pub dispatcher: Dispatcher,
    pub store: MemoryStore,
    pub random: SeededRandom,
    pub now: Timestamp,
}

impl Harness {
    /// Training data, 2026-11-22 09:00 in Tokyo.
    pub fn training() -> Harness {
        let config = Config {
            password_cost: HashCost::CHEAP,
            ..Config::training()
        };
        Harness {
            dispatcher: Dispatcher::new(config),
            store: canned::training_store(),
            random: SeededRandom::new(42),
            now: Timestamp::from_jst(
                NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
                9,
                0,
                0,
            )
            .expect("time"),
        }
    }

    pub fn send(&mut self, request: &Request) -> Response {
        let mut env = Env {
            now: self.now,
            random: &mut self.random,
        };
        self.dispatcher.dispatch(&mut self.store, &mut env, request)
    }

    pub fn advance(&mut self, delta: TimeDelta) {
        self.now = self.now + delta;
    }
}

/// The problem body of a refusal, asserting its status and content type on the way.
pub fn problem(response: &Response, status: u16) -> Problem {
    assert_eq!(
        response.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.content_type(), Some("application/problem+json"));
    serde_json::from_slice(&response.body).expect("a problem body")
}
