//! The page's Web Storage areas, holding small JSON values:
//!
//! - [`WebStorage::Session`], `sessionStorage`: per tab, gone when the tab closes, kept across a
//!   reload. It holds the tab's session.
//! - [`WebStorage::Local`], `localStorage`: per browser profile and origin, shared by its tabs, kept
//!   across restarts. It holds settings only (the endpoint choice), never patient data or sessions.

use serde::{Serialize, de::DeserializeOwned};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebStorage {
    Session,
    Local,
}

impl WebStorage {
    fn area(self) -> Option<web_sys::Storage> {
        let window = web_sys::window()?;
        match self {
            WebStorage::Session => window.session_storage().ok()?,
            WebStorage::Local => window.local_storage().ok()?,
        }
    }

    /// Reads a JSON value; anything missing, unreadable or malformed reads as `None`.
    pub fn load<T: DeserializeOwned>(self, key: &str) -> Option<T> {
        let text = self.area()?.get_item(key).ok()??;
        serde_json::from_str(&text).ok()
    }

    /// Writes a JSON value. A browser that refuses storage only loses the convenience (the session
    /// across a reload, the setting at the next start), so a failure is not an error the user needs
    /// to see.
    pub fn save<T: Serialize>(self, key: &str, value: &T) {
        if let (Some(area), Ok(text)) = (self.area(), serde_json::to_string(value)) {
            let _ = area.set_item(key, &text);
        }
    }

    pub fn remove(self, key: &str) {
        if let Some(area) = self.area() {
            let _ = area.remove_item(key);
        }
    }
}
