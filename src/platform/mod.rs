//! Adapters around browser APIs. Nothing else in the app touches `web_sys` for storage, time,
//! randomness, USB or the service worker; pages and components go through these and the typed
//! contexts in `state`.

pub mod clock;
pub mod csp;
pub mod download;
pub mod idb;
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

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// A JavaScript exception as text: a `DOMException`'s name says more than its message (an AES-GCM
/// authentication failure is an `OperationError` with an empty message in some browsers).
pub fn js_message(value: &JsValue) -> String {
    let field = |name: &str| {
        Reflect::get(value, &name.into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (Some(name), None) => name,
        (None, Some(message)) => message,
        (None, None) => value.as_string().unwrap_or_else(|| format!("{value:?}")),
    }
}
