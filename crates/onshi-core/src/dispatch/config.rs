//! What a deployment may tune of the dispatcher: the guides' rules and the endpoint's limits.

use chrono::TimeDelta;

use crate::{contract, idle, password::HashCost, wire};

/// How a dispatcher behaves; everything a deployment may tune.
#[derive(Clone, Debug)]
pub struct Config {
    /// Training data and the `training` group (advertised only here).
    pub training: bool,
    pub idle_timeout: TimeDelta,
    /// Consecutive wrong passwords that lock an ID (seed 004: 5).
    pub max_failures: u32,
    /// How long a lock lasts (seed 004: 30 minutes).
    pub lock_duration: TimeDelta,
    /// The Argon2id cost for passwords and passcodes set through the contract.
    pub password_cost: HashCost,
    /// The largest body accepted, in bytes (D7: 1 MB outside bulk uploads).
    pub body_limit: usize,
    /// The largest bulk upload (D7: 64 MB).
    pub bulk_body_limit: usize,
    /// How long a bulk job stays 処理中 (seed 002: 「アップロード後しばらく時間を置いてから」).
    pub bulk_delay: TimeDelta,
    /// How long an `Idempotency-Key` is remembered (D7: 7 days).
    pub idempotency_ttl: TimeDelta,
    /// How far back history may be searched (seed 001 FAQ 5: 2 years).
    pub history_window: TimeDelta,
    /// How long a card challenge's nonce is accepted (D7: 60 seconds).
    pub challenge_validity: TimeDelta,
    /// How long the folder bridge waits for the national side's answer before a request file still
    /// in `req/` is withdrawn (advertised in the capabilities, so the app waits longer).
    pub national_timeout: TimeDelta,
    /// How long the request and answer files this endpoint exchanged stay in the share, and how long
    /// an answer to a taken request is still waited for.
    pub share_retention: TimeDelta,
    /// The deliberately broken dispatcher of decisions.md D7, for the conformance suite's own test.
    #[cfg(feature = "conformance-broken")]
    pub broken: bool,
}

impl Config {
    /// The rules of the guides, for a real endpoint.
    pub fn standard() -> Config {
        Config {
            training: false,
            idle_timeout: idle::IDLE_TIMEOUT,
            max_failures: 5,
            lock_duration: TimeDelta::minutes(30),
            password_cost: HashCost::STANDARD,
            body_limit: wire::MESSAGE_LIMIT,
            bulk_body_limit: wire::BULK_LIMIT,
            bulk_delay: TimeDelta::seconds(30),
            idempotency_ttl: TimeDelta::days(7),
            history_window: TimeDelta::days(contract::HISTORY_WINDOW_DAYS as i64),
            challenge_validity: TimeDelta::seconds(60),
            national_timeout: TimeDelta::seconds(60),
            share_retention: TimeDelta::days(1),
            #[cfg(feature = "conformance-broken")]
            broken: false,
        }
    }

    /// The same rules on training data.
    pub fn training() -> Config {
        Config {
            training: true,
            ..Config::standard()
        }
    }
}
