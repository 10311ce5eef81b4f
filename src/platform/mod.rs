//! Adapters around browser APIs. Nothing else in the app touches `web_sys` for storage, time,
//! randomness, USB or the service worker; pages and components go through these and the typed
//! contexts in `state`.

pub mod clock;
pub mod csp;
pub mod download;
pub mod outbox_store;
pub mod page;
pub mod random;
pub mod service_worker;
pub mod session_cache;
pub mod timer;
pub mod training_reader;
pub mod usb;
pub mod web_storage;
mod webcrypto;

// The IndexedDB plumbing and the text of a JavaScript error are shared with the training world.
pub use onshi_platform::{idb, js_message};
