//! The core's integration tests: one binary (ripgrep style), one module per area.
//!
//! `harness` drives the dispatcher with a pinned clock and a seeded random source, exactly as the
//! reference endpoint and the training transport drive it with real ones.

mod bridge;
mod canned;
mod contract;
mod groups;
mod harness;
mod qualification;
mod readers;
mod regressions;
mod roundtrip;
mod session;
mod wire;
