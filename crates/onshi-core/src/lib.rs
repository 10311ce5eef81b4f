//! The pure core of Onshi.
//!
//! Everything here is plain Rust with no I/O: the contract's values and its dispatcher (the single
//! source of behaviour for training mode and the reference endpoint), the message catalogue,
//! validation, Japanese dates and text, and the canned training data.
//!
//! **Architecture invariant:** this crate knows nothing of Leptos, the DOM, IndexedDB, USB, HTTP
//! servers or files. It never reads a clock or an entropy source; both are handed in. Its tests run
//! with plain `cargo test` on the host.
//!
//! The feature `world` (a default) adds what only an endpoint needs: the dispatcher, the simulated
//! national side, the canned training data, passwords, the card proof's verification, the test CA and
//! the virtual cards and readers. Without it, the crate is what a client needs: the contract, the
//! client, the official messages, validation, the card drivers and the store's records.

pub mod account;
#[cfg(feature = "world")]
pub mod canned;
pub mod card;
pub mod catalogue;
pub mod client;
pub mod codes;
pub mod contract;
#[cfg(feature = "world")]
pub mod dispatch;
pub mod domain;
pub mod era;
pub mod exchange;
pub mod export;
pub mod idle;
#[cfg(feature = "world")]
pub mod password;
pub mod random;
#[cfg(feature = "world")]
pub mod setup;
#[cfg(feature = "world")]
pub mod simulator;
pub mod store;
pub mod text;
pub mod time;
pub mod validate;
pub mod wire;
