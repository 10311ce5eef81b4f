//! S1: the start page with 「システムの利用を始める」 (seeds 000, 001, 004).

use leptos::prelude::*;
use leptos_router::components::A;
use onshi_core::catalogue;

use crate::{
    components::{EndpointBar, PublicFrame},
    route::Route,
};

#[component]
pub fn StartPage() -> impl IntoView {
    view! {
        <PublicFrame screen="">
            <section class="start">
                <A href=Route::SignIn.path() attr:class="button button-primary button-start">
                    {catalogue::START_BUTTON}
                </A>
            </section>
            <EndpointBar />
        </PublicFrame>
    }
}
