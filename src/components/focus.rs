//! Where the keyboard focus goes when a screen opens (docs/decisions.md D11): to the first field
//! of its form, so staff can type at once; and back to where it was when a dialog closes.
//!
//! Focus is no storage, time or network, so components may move it themselves.

use wasm_bindgen::JsCast;

/// The fields staff type into or choose from; a disabled one cannot take the focus.
const FIELDS: &str = "input:not([type=hidden]):not([disabled]), select:not([disabled]), \
                      textarea:not([disabled])";

/// Moves the focus to the first field inside `root`, unless something inside `root` already has it
/// (a page that focused a field of its own choosing, such as the one with a finding).
pub fn first_field(root: &web_sys::Element) {
    let document = leptos::prelude::document();
    if let Some(active) = document.active_element()
        && root.contains(Some(&active))
    {
        return;
    }
    if let Some(field) = root
        .query_selector(FIELDS)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = field.focus();
    }
}

/// The element that has the focus now, to give it back later (see [`give_back`]).
pub fn current() -> Option<web_sys::HtmlElement> {
    leptos::prelude::document()
        .active_element()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Gives the focus back to `element` if it is still on the page (the screen behind a dialog may have
/// been replaced while the dialog was open).
pub fn give_back(element: Option<&web_sys::HtmlElement>) {
    if let Some(element) = element
        && element.is_connected()
    {
        let _ = element.focus();
    }
}
