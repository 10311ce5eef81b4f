//! S1: the start page with 「システムの利用を始める」 (seeds 000, 001, 004).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::{EndpointBar, PublicFrame},
    labels,
    route::Route,
};

#[component]
pub fn StartPage() -> impl IntoView {
    view! {
        <PublicFrame screen="">
            <section class="start">
                <A href=Route::SignIn.path() attr:class="button button-primary button-start">
                    {labels::START_BUTTON}
                </A>
            </section>
            <EndpointBar />
        </PublicFrame>
    }
}
