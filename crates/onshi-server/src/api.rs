//! The contract's HTTP surface under `/onshi/v1`: requests become the core's contract requests, the
//! dispatcher answers them, and the answers go back unchanged. Two things are the server's own:
//! reading bodies no larger than the contract allows — and none but a small sign-in form before a
//! request is known to come from a session —, and the Server-Sent Events adapter around
//! `GET /events` (decisions.md D3, D5).

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{ConnectInfo, Request as HttpRequest, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method as HttpMethod},
    response::{
        IntoResponse, Response as HttpResponse,
        sse::{Event as SseEvent, KeepAlive, Sse},
    },
    routing::any,
};
use futures_util::stream::{self, Stream};
use onshi_core::client::backlog::Backlog;
use onshi_core::contract::{
    self, Headers, Method, Problem, ProblemCode, Request, Response, groups::Event,
};
use tokio::sync::watch;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{endpoint::Endpoint, http::to_http};

/// The largest body an anonymous request may send: a sign-in form is a few hundred bytes.
pub const ANONYMOUS_BODY_LIMIT: usize = 16 * 1024;

/// How often an idle event stream checks that its session still stands.
const STREAM_RECHECK: Duration = Duration::from_secs(30);

/// The request headers the app sends and the response headers it reads, for CORS.
const REQUEST_HEADERS: [&str; 7] = [
    "authorization",
    "content-type",
    "idempotency-key",
    "if-match",
    "onshi-original-user",
    "last-event-id",
    "accept",
];
const RESPONSE_HEADERS: [&str; 5] = [
    "etag",
    "idempotent-replayed",
    "location",
    "content-location",
    "allow",
];

/// The contract's routes, with CORS for the configured app origins only (none by default: the app
/// served by this endpoint is same-origin and needs none).
pub fn router(endpoint: Arc<Endpoint>, app_origins: &[String]) -> Router {
    let routes = Router::new()
        .route(contract::PREFIX, any(handle))
        .route(&format!("{}/{{*rest}}", contract::PREFIX), any(handle))
        .with_state(endpoint);
    let origins: Vec<HeaderValue> = app_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if origins.is_empty() {
        return routes;
    }
    let methods = [
        HttpMethod::GET,
        HttpMethod::POST,
        HttpMethod::PUT,
        HttpMethod::PATCH,
        HttpMethod::DELETE,
    ];
    routes.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods(methods)
            .allow_headers(REQUEST_HEADERS.map(HeaderName::from_static))
            .expose_headers(RESPONSE_HEADERS.map(HeaderName::from_static))
            .max_age(Duration::from_secs(600)),
    )
}

async fn handle(State(endpoint): State<Arc<Endpoint>>, request: HttpRequest) -> HttpResponse {
    let Some(method) = Method::parse(request.method().as_str()) else {
        let mut response = Problem::new(ProblemCode::MethodNotAllowed)
            .with_detail(format!(
                "the contract uses no {} requests",
                request.method()
            ))
            .into_response();
        response
            .headers
            .set("Allow", "GET, POST, PUT, PATCH, DELETE");
        return to_http(response);
    };
    let target = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let headers = contract_headers(request.headers());
    let path = request.uri().path().to_owned();

    if method == Method::Get
        && path == format!("{}/events", contract::PREFIX)
        && headers
            .get("Accept")
            .is_some_and(|a| a.contains("text/event-stream"))
    {
        return event_stream(endpoint, headers, request.uri().query()).await;
    }

    // Authentication is decided from the headers before any body is read: an anonymous request may
    // carry a body only where the contract answers without a session (sign-in), and a small one;
    // any other anonymous request is dispatched without its body, unread, and refused. The
    // contract's reads take no body, so a GET (the terminals' polling) is never read or looked up
    // twice.
    let reads_body = method != Method::Get;
    let signed_in = reads_body && endpoint.signed_in(headers.clone()).await;
    let anonymous_body = !signed_in && endpoint.admits_anonymous(method, &path);
    let config = endpoint.config();
    let limit = if !signed_in {
        ANONYMOUS_BODY_LIMIT
    } else if method == Method::Post && path.starts_with(&format!("{}/bulk/", contract::PREFIX)) {
        config.bulk_body_limit
    } else {
        config.body_limit
    };
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());

    let body = if reads_body && (signed_in || anonymous_body) {
        match axum::body::to_bytes(request.into_body(), limit).await {
            Ok(body) => body.to_vec(),
            Err(e) => return to_http(body_refusal(&e, limit)),
        }
    } else {
        Vec::new()
    };

    let request = Request {
        method,
        target,
        headers,
        body,
    };
    to_http(endpoint.dispatch_from(request, client).await)
}

/// Every header whose value is text; a value that is not (no contract header is) is left out.
fn contract_headers(http: &HeaderMap) -> Headers {
    let mut headers = Headers::new();
    for (name, value) in http {
        if let Ok(value) = value.to_str() {
            headers.append(name.as_str(), value);
        }
    }
    headers
}

/// A body that could not be read: too large (413, decisions.md D7), or broken off by the client.
fn body_refusal(error: &axum::Error, limit: usize) -> Response {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return Problem::new(ProblemCode::PayloadTooLarge)
                .with_detail(format!("the body limit is {limit} bytes"))
                .into_response();
        }
        source = e.source();
    }
    Problem::new(ProblemCode::MalformedBody)
        .with_detail("the body could not be read")
        .into_response()
}

/// `GET /events` as Server-Sent Events: the backlog after `Last-Event-ID` (or `after`), then each new
/// event as it is appended. Every read goes through the dispatcher with the caller's own headers, so
/// the stream ends when the session does (and, like the backlog, never counts as activity).
async fn event_stream(
    endpoint: Arc<Endpoint>,
    headers: Headers,
    query: Option<&str>,
) -> HttpResponse {
    // Subscribed before the first read, so an event appended in between still wakes the stream.
    let changes = endpoint.subscribe();
    let mut feed = Feed {
        endpoint,
        backlog: Backlog::resuming(&headers, query),
        ended: false,
        changes,
    };
    // The first read answers the request itself: a refusal (401, 403) is an ordinary problem, not a
    // stream.
    let first = feed.endpoint.dispatch(feed.backlog.request()).await;
    if let Err(refusal) = feed.backlog.take(&first) {
        return to_http(refusal);
    }
    Sse::new(feed.into_stream())
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// One event stream's state.
struct Feed {
    endpoint: Arc<Endpoint>,
    backlog: Backlog,
    ended: bool,
    changes: watch::Receiver<u64>,
}

impl Feed {
    fn into_stream(self) -> impl Stream<Item = Result<SseEvent, Infallible>> {
        stream::unfold(self, |mut feed| async move {
            loop {
                if let Some(event) = feed.backlog.next_event() {
                    return Some((Ok(sse_event(&event)), feed));
                }
                if feed.ended {
                    return None;
                }
                if !feed.backlog.more() {
                    // Wake on a new event, or now and then to learn whether the session still
                    // stands.
                    let woke = tokio::time::timeout(STREAM_RECHECK, feed.changes.changed()).await;
                    if matches!(woke, Ok(Err(_))) {
                        return None;
                    }
                }
                let response = feed.endpoint.dispatch(feed.backlog.request()).await;
                if let Err(problem) = feed.backlog.take(&response) {
                    // The session ended (or the endpoint failed): say why and close the stream.
                    feed.ended = true;
                    let problem = String::from_utf8_lossy(&problem.body).into_owned();
                    return Some((Ok(SseEvent::default().event("end").data(problem)), feed));
                }
            }
        })
    }
}

fn sse_event(event: &Event) -> SseEvent {
    let kind = serde_json::to_value(event.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let data = serde_json::to_string(event).unwrap_or_default();
    SseEvent::default()
        .id(event.id.to_string())
        .event(kind)
        .data(data)
}
