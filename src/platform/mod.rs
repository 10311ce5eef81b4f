//! Adapters around browser APIs. Nothing else in the app touches `web_sys` for storage, time or
//! randomness; pages and components go through these and the typed contexts in `state`.

pub mod clock;
pub mod csp;
pub mod page;
pub mod random;
pub mod timer;
pub mod training_db;
pub mod web_storage;
