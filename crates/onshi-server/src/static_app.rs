//! Serving the built app: its files, the page for every app address, and the headers they need.

use std::path::Path;

use axum::{
    Router,
    body::Body,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::any,
};
use onshi_core::contract::{Problem, ProblemCode};
use tower::ServiceExt;
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

use crate::http::to_http;

pub fn router(app_dir: &Path, csp: &str) -> Router {
    let index = app_dir.join("index.html");
    let files = ServeDir::new(app_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(tower::service_fn(move |request: Request| {
            let index = index.clone();
            async move { Ok::<_, std::convert::Infallible>(app_page(&index, request).await) }
        }));
    Router::new()
        // Reserved for the contract, so an address there never answers with the app's page.
        .route("/onshi", any(not_yet))
        .route("/onshi/{*rest}", any(not_yet))
        // The training world's addresses are answered by the app's service worker (public/sw.js). A
        // request that reaches the server instead escaped it (no worker yet, or one that failed),
        // and must get a problem, never the app's page, which the app would read as an answer.
        .route("/training", any(training_escaped))
        .route("/training/{*rest}", any(training_escaped))
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(csp).expect("the policy is ASCII without control characters"),
        ))
        // Nothing the app ships has a content hash in its name, so every file is revalidated each time
        // (Last-Modified makes that a cheap 304).
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// An address that is not a file: an app screen such as `/menu` gets the app's page (the app routes
/// it), while a missing file such as `/missing.js` is a plain 404.
async fn app_page(index: &Path, request: Request) -> Response {
    let last_segment = request.uri().path().rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match ServeFile::new(index).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

async fn training_escaped() -> Response {
    to_http(
        Problem::new(ProblemCode::NotFound)
            .with_detail(
                "the training endpoint answers in the app's service worker, which did not take this request",
            )
            .into_response(),
    )
}

async fn not_yet() -> Response {
    to_http(
        Problem::new(ProblemCode::NotFound)
            .with_detail("this server does not implement the contract's API yet")
            .into_response(),
    )
}
