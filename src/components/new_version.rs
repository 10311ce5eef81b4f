//! The notice that a new version of the app took over: the service worker was replaced while this
//! page ran, so the files it now serves are the new version's while the page still runs the old one.
//! Staff reload when it suits them; nothing is reloaded for them, since a reload in the middle of a
//! form would lose what they typed.

use leptos::prelude::*;

use crate::{labels, platform::service_worker};

/// Mounted once at the app's root, so the notice shows on every screen.
#[component]
pub fn NewVersionNotice() -> impl IntoView {
    let updated = RwSignal::new(false);
    let watch = service_worker::watch_new_version(move || {
        updated.try_set(true);
    });
    // The listener lives as long as the component: its owner drops the stored value on cleanup.
    StoredValue::new_local(watch);
    move || {
        updated.get().then(|| {
            view! {
                <p class="notice new-version" role="status" data-testid="new-version">
                    {labels::NEW_VERSION_NOTICE}
                </p>
            }
        })
    }
}
