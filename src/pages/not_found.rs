//! The page for an address that names no screen.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::PublicFrame, labels, route::Route};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <PublicFrame screen="">
            <p class="notice" role="alert">
                {labels::NOT_FOUND_PAGE}
            </p>
            <A href=Route::Start.path() attr:class="button">
                {labels::START_BUTTON}
            </A>
        </PublicFrame>
    }
}
