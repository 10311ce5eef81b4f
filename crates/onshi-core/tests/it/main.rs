//! The core's integration tests: one binary (ripgrep style), one module per area.
//!
//! `harness` drives the dispatcher with a pinned clock and a seeded random source, exactly as the
//! reference endpoint and the training transport drive it with real ones.

mod bridge;
mod canned;
mod card_flow;
mod card_framing;
mod card_group;
mod card_iso14443b;
mod card_readers;
mod card_session;
mod card_support;
mod card_tlv;
mod client;
mod contract;
mod exchange;
mod groups;
mod harness;
mod invariants;
mod journal;
mod mynumber;
mod national;
mod pki;
mod qualification;
mod readers;
mod regressions;
mod requests;
mod roundtrip;
mod session;
mod virtual_card;
mod wire;
