//! The app: the shared contexts and the routes. Nothing else lives here.

use leptos::prelude::*;
use leptos_router::{
    StaticSegment,
    components::{ParentRoute, Route as RouteView, Router, Routes},
    path,
};

use crate::{
    components::{KeyMap, NewVersionNotice, PasswordGate},
    pages::{
        HistoryPage, InquiryPage, MenuPage, NotFoundPage, OutboxPage, PasscodePage,
        PasswordChangePage, ReadersPage, ReceptionPage, SettingsPage, SignInPage, StartPage,
    },
    platform::clock::Clock,
    route::Route,
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
    view! {
        <NewVersionNotice />
        <AppRoutes />
    }
}

/// The routes, one per [`Route`], each matched by the path [`Route::path`] gives (the table is written
/// once, in `route.rs`); tests mount this under their own contexts. The key map listens here, so it
/// works in tests too.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <KeyMap />
        <Router>
            <Routes fallback=NotFoundPage>
                // The root has no segment to match; `Route::Start.path()` is "/".
                <RouteView path=path!("/") view=StartPage />
                <RouteView path=StaticSegment(Route::SignIn.path()) view=SignInPage />
                <RouteView path=StaticSegment(Route::Settings.path()) view=SettingsPage />
                <RouteView path=StaticSegment(Route::PasswordChange.path()) view=PasswordChangePage />
                // Every other signed-in screen waits until a system-issued password is changed.
                <ParentRoute path=path!("") view=PasswordGate>
                    <RouteView path=StaticSegment(Route::Menu.path()) view=MenuPage />
                    <RouteView path=StaticSegment(Route::Inquiry.path()) view=InquiryPage />
                    <RouteView path=StaticSegment(Route::Reception.path()) view=ReceptionPage />
                    <RouteView path=StaticSegment(Route::History.path()) view=HistoryPage />
                    <RouteView path=StaticSegment(Route::Outbox.path()) view=OutboxPage />
                    <RouteView path=StaticSegment(Route::Readers.path()) view=ReadersPage />
                    <RouteView path=StaticSegment(Route::Passcode.path()) view=PasscodePage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
