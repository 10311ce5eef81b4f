//! The key map at work (`crate::keys`): one listener for the whole app presses the button the open
//! screen marked for a command, and [`KeyHint`] shows the key on that button.
//!
//! Buttons opt in with `data-command=Command::…name()`; the listener presses the first such button
//! that is shown and enabled, so a screen's state (a busy form, a hidden result) decides whether the
//! key does anything, exactly as it decides whether the button can be clicked.

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

use crate::keys::Command;

/// Listens for the map's keys while the app is mounted.
#[component]
pub fn KeyMap() -> impl IntoView {
    let handle = window_event_listener(ev::keydown, move |event| {
        // A modified key (Ctrl+F2, Alt+F4) is someone else's shortcut, and a held key must not
        // send the same patient's request again and again.
        if event.ctrl_key() || event.alt_key() || event.meta_key() || event.repeat() {
            return;
        }
        let Some(command) = Command::for_key(&event.key()) else {
            return;
        };
        if let Some(button) = button_for(command) {
            event.prevent_default();
            button.click();
        }
    });
    on_cleanup(move || handle.remove());
}

/// The key of `command`, shown on its button. Hidden from assistive technology, which reads the
/// button's own label; the key itself is announced through `aria-keyshortcuts` on the button.
#[component]
pub fn KeyHint(command: Command) -> impl IntoView {
    view! { <kbd class="key-hint" aria-hidden="true">{command.key()}</kbd> }
}

/// The button the open screen marked for `command`, if one is shown and enabled. While a dialog is
/// open only the dialog answers keys: a key must never act on the screen behind it.
fn button_for(command: Command) -> Option<web_sys::HtmlElement> {
    let document = document();
    if document
        .query_selector("[role=dialog]")
        .ok()
        .flatten()
        .is_some()
    {
        return None;
    }
    let marked = document
        .query_selector_all(&format!("[data-command=\"{}\"]", command.name()))
        .ok()?;
    (0..marked.length())
        .filter_map(|i| marked.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|element| {
            let disabled = element.has_attribute("disabled")
                || element.get_attribute("aria-disabled").as_deref() == Some("true");
            // A hidden element (`display: none`, or inside one) has no boxes.
            !disabled && element.get_client_rects().length() > 0
        })
}
