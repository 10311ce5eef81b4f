//! `localStorage`: per browser profile and origin, shared by its tabs, kept across restarts. It holds
//! settings only (the endpoint choice), never patient data or sessions.

use serde::{Serialize, de::DeserializeOwned};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Reads a JSON value; anything missing, unreadable or malformed reads as `None`.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

/// Writes a JSON value. A browser that refuses storage only forgets the setting at the next start, so
/// a failure is not an error the user needs to see.
pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

pub fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}
