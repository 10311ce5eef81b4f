//! The page for an address that names no screen.

use leptos::prelude::*;
use leptos_router::components::A;
use onshi_core::catalogue;

use crate::{components::PublicFrame, route::Route};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <PublicFrame screen="">
            <p class="notice" role="alert">
                {catalogue::NOT_FOUND_PAGE}
            </p>
            <A href=Route::Start.path() attr:class="button">
                {catalogue::START_BUTTON}
            </A>
        </PublicFrame>
    }
}
