//! Onshi's reference endpoint.
//!
//! For now it serves the built app (decisions.md D5): the files trunk wrote to `dist/`, with the
//! Content-Security-Policy and cache headers the app relies on. The contract's API under `/onshi/v1`
//! comes with the endpoint issue; until then that prefix answers with a problem body, never the app.
//!
//! **Architecture invariant:** behaviour lives in `onshi-core`'s dispatcher; this crate only moves
//! bytes between HTTP, files and a store.

pub mod csp;
mod http;
mod static_app;

use std::path::PathBuf;

use axum::Router;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The built app (trunk's `dist/`).
    pub app_dir: PathBuf,
    /// Endpoint origins the app may connect to besides its own (CSP `connect-src`).
    pub connect_src: Vec<String>,
}

/// The whole HTTP surface; tests call it without a socket.
pub fn router(config: &ServeConfig) -> Router {
    static_app::router(
        &config.app_dir,
        &csp::policy(&config.connect_src, csp::Delivery::Header),
    )
}
