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

impl Harness {
    /// Signs in a training account (forcing past any earlier session) and returns its token.
    pub fn token(&mut self, user_id: &str) -> String {
        let account = canned::TRAINING_ACCOUNTS
            .iter()
            .find(|a| a.user_id == user_id)
            .expect("a training account");
        let response = self.send(&onshi_core::client::sign_in(
            user_id,
            account.password,
            true,
        ));
        let signed_in: onshi_core::contract::session::SignedIn =
            onshi_core::client::expect_json(&response, 201).expect("sign-in");
        signed_in.token
    }

    /// A JSON answer that must have `status`.
    pub fn json<T: serde::de::DeserializeOwned>(&mut self, request: &Request, status: u16) -> T {
        let response = self.send(request);
        onshi_core::client::expect_json(&response, status)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&response.body)))
    }

    /// An XML answer (200, `application/xml`).
    pub fn xml(&mut self, request: &Request) -> Response {
        let response = self.send(request);
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        assert_eq!(response.content_type(), Some("application/xml"));
        response
    }
}

/// A wire fixture file.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/wire/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
