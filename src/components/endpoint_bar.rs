//! The endpoint in use, on the start and sign-in pages, with the way to the settings screen; and why
//! it cannot be used, when its capabilities could not be read.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    labels,
    route::Route,
    state::{EndpointChoice, use_capabilities, use_endpoint},
};

#[component]
pub fn EndpointBar() -> impl IntoView {
    let endpoint = use_endpoint();
    let capabilities = use_capabilities();
    let choice = move || endpoint.with(EndpointChoice::of);
    // Training mode's world is named by the choice alone; its address is the app's own.
    let address =
        move || endpoint.with(|e| (!e.is_training_world()).then(|| e.url().as_str().to_owned()));
    let problem = move || {
        capabilities
            .get()
            .and_then(Result::err)
            .map(|e| e.message())
    };
    view! {
        <div class="endpoint-bar" data-testid="endpoint-bar">
            <span class="endpoint-bar-heading">{labels::SETTINGS_CURRENT}</span>
            <span class="endpoint-bar-name" data-testid="endpoint-name">
                {move || choice_label(&choice())}
            </span>
            {move || address().map(|a| view! { <code class="endpoint-bar-address">{a}</code> })}
            <A href=Route::Settings.path() attr:class="button button-small" attr:data-testid="settings-link">
                {labels::SCREEN_SETTINGS}
            </A>
        </div>
        {move || {
            problem()
                .map(|message| {
                    view! {
                        <p class="notice endpoint-problem" role="alert" data-testid="endpoint-problem">
                            {message}
                        </p>
                    }
                })
        }}
    }
}

/// The name of a choice, as the settings screen lists it.
pub fn choice_label(choice: &EndpointChoice) -> &'static str {
    match choice {
        EndpointChoice::Training => labels::ENDPOINT_TRAINING,
        EndpointChoice::ThisServer => labels::ENDPOINT_THIS_SERVER,
        EndpointChoice::Url { .. } => labels::ENDPOINT_OTHER,
    }
}
