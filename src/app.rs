//! The app: the shared contexts and the routes. Nothing else lives here.

use leptos::prelude::*;
use leptos_router::{
    components::{Route as RouteView, Router, Routes},
    path,
};

use crate::{
    pages::{MenuPage, NotFoundPage, SignInPage, StartPage},
    platform::clock::Clock,
    state::provide_app_state,
    transport::Endpoint,
};

/// The whole app in training mode, the embedded default.
#[component]
pub fn App() -> impl IntoView {
    provide_app_state(Endpoint::training(), Clock::page());
    view! { <AppRoutes /> }
}

/// The routes, one per [`crate::route::Route`]; tests mount this under their own contexts.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <RouteView path=path!("/") view=StartPage />
                <RouteView path=path!("/login") view=SignInPage />
                <RouteView path=path!("/menu") view=MenuPage />
            </Routes>
        </Router>
    }
}
