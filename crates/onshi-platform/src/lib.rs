//! The browser plumbing Onshi's two wasm modules share — the app (the shell the page loads) and the
//! training world (crates/onshi-training, in the service worker): IndexedDB, and the text of a
//! JavaScript error. A crate of its own, so that neither module depends on the other.

pub mod idb;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// A readable message for a thrown JavaScript value (an `Error` or `DOMException` gives its name
/// and message).
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
