//! Facts about the page itself.

/// The page's origin, e.g. `http://127.0.0.1:8080`: the endpoint called "this server" (the reference
/// endpoint serves the app and the contract from one origin, decisions.md D5).
pub fn origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}
