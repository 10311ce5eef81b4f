//! The app: the shared contexts and the routes. Nothing else lives here.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route as RouteView, Router, Routes},
    path,
};

use crate::{
    components::PasswordGate,
    pages::{
        HistoryPage, InquiryPage, MenuPage, NotFoundPage, OutboxPage, PasscodePage,
        PasswordChangePage, ReadersPage, ReceptionPage, SettingsPage, SignInPage, StartPage,
    },
    platform::clock::Clock,
    state::{EndpointChoice, provide_app_state},
    transport::Endpoint,
};

/// The whole app, talking to the endpoint chosen on the settings screen (training mode, the embedded
/// default, until staff choose another).
#[component]
pub fn App() -> impl IntoView {
    let endpoint = EndpointChoice::load()
        .connect()
        .unwrap_or_else(|_| Endpoint::training());
    provide_app_state(endpoint, Clock::page());
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
                <RouteView path=path!("/settings") view=SettingsPage />
                <RouteView path=path!("/password") view=PasswordChangePage />
                // Every other signed-in screen waits until a system-issued password is changed.
                <ParentRoute path=path!("") view=PasswordGate>
                    <RouteView path=path!("/menu") view=MenuPage />
                    <RouteView path=path!("/insurance-card") view=InquiryPage />
                    <RouteView path=path!("/my-number-card") view=ReceptionPage />
                    <RouteView path=path!("/history") view=HistoryPage />
                    <RouteView path=path!("/outbox") view=OutboxPage />
                    <RouteView path=path!("/card-readers") view=ReadersPage />
                    <RouteView path=path!("/visual-check-passcode") view=PasscodePage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
