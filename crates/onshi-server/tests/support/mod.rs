//! What the server's HTTP tests share: the router as `onshi-server` builds it, around the fixture app,
//! and one request's whole answer.

// Each test file uses a part of this module; what one leaves unused is not dead for the others.
#![allow(dead_code)]

use std::{path::PathBuf, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use onshi_core::{
    canned,
    contract::Problem,
    dispatch::{Config, Dispatcher},
    password::HashCost,
};
use onshi_server::{ServeConfig, endpoint::Endpoint, router};
use serde_json::json;
use tower::ServiceExt;

/// A training endpoint on the canned data in memory, with the cheap password cost.
pub fn training_endpoint() -> Arc<Endpoint> {
    let config = Config {
        password_cost: HashCost::CHEAP,
        ..Config::training()
    };
    Arc::new(
        Endpoint::new(Dispatcher::new(config), Box::new(canned::training_store()))
            .expect("a memory store opens"),
    )
}

/// `POST /onshi/v1/session` for `user_id`, taking over a session it may have.
pub fn sign_in(user_id: &str, password: &str) -> Request<Body> {
    Request::post("/onshi/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"user_id": user_id, "password": password, "force": true}).to_string(),
        ))
        .expect("request")
}

/// The router serving `tests/fixtures/app`, with the contract when an endpoint is given, and CORS for
/// `app_origins`.
pub fn app(endpoint: Option<Arc<Endpoint>>, app_origins: &[&str]) -> Router {
    router(
        &ServeConfig {
            app_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app"),
            connect_src: Vec::new(),
            app_origins: app_origins.iter().map(|o| (*o).to_owned()).collect(),
            hosts: onshi_server::host::AllowedHosts::loopback(),
        },
        endpoint,
    )
}

/// A whole answer.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn problem(&self) -> Problem {
        assert_eq!(
            self.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
        self.json()
    }
}

/// Sends one request and reads its whole answer.
pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}
