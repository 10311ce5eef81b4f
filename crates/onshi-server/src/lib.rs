//! Onshi's reference endpoint: the contract's API under `/onshi/v1` (the core's dispatcher behind a
//! store, `api` and `endpoint`), and the built app with the Content-Security-Policy and cache headers
//! it relies on (decisions.md D5), answered only for the hosts it is given (`host`), served by a loop
//! of our own (`serve`) over plain HTTP or TLS (`tls`).
//!
//! **Architecture invariant:** behaviour lives in `onshi-core`'s dispatcher; this crate only moves
//! bytes between HTTP, files and a store.

pub mod api;
pub mod bridge;
pub mod csp;
pub mod endpoint;
pub mod host;
mod http;
pub mod serve;
pub mod sign_in;
pub mod sqlite;
pub mod start;
mod static_app;
pub mod tls;

use std::{path::PathBuf, sync::Arc};

use axum::{
    Router,
    http::{HeaderValue, header},
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::endpoint::Endpoint;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The built app (trunk's `dist/`).
    pub app_dir: PathBuf,
    /// Endpoint origins the app may connect to besides its own (CSP `connect-src`).
    pub connect_src: Vec<String>,
    /// Origins of apps served elsewhere that may call this endpoint (CORS); none by default.
    pub app_origins: Vec<String>,
    /// The hosts requests may name; any other gets 421 (`host`).
    pub hosts: host::AllowedHosts,
}

/// The whole HTTP surface; tests call it without a socket. Without an endpoint only the app is
/// served, and the contract's prefix answers 404 problems. Whatever the route, a request naming a
/// host that is not allowed is answered 421 before anything else looks at it.
pub fn router(config: &ServeConfig, endpoint: Option<Arc<Endpoint>>) -> Router {
    let app = static_app::router(
        &config.app_dir,
        &csp::policy(&config.connect_src, csp::Delivery::Header),
    );
    let routes = match endpoint {
        None => app,
        Some(endpoint) => api_router(config, endpoint).merge(app),
    };
    routes.layer(axum::middleware::from_fn_with_state(
        Arc::new(config.hosts.clone()),
        host::guard,
    ))
}

/// The contract's routes with the headers every answer of theirs carries.
fn api_router(config: &ServeConfig, endpoint: Arc<Endpoint>) -> Router {
    api::router(endpoint, &config.app_origins)
        // Answers hold patient data: never cached, never sniffed into another type.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}
