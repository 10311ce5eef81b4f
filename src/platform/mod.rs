//! Adapters around browser APIs. Nothing else in the app touches `web_sys` for storage, time or
//! randomness; pages and components go through these and the typed contexts in `state`.

pub mod clock;
pub mod random;
pub mod session_storage;
pub mod training_db;
