//! The contract over HTTP: requests reach the dispatcher and come back unchanged, bodies are read
//! no further than the contract's limits, a training endpoint's clock can be set, events stream as
//! Server-Sent Events, and CORS answers only the configured app origins.

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use onshi_core::{
    contract::{groups::EventsPage, session::SignedIn},
    password::HashCost,
};
use onshi_server::endpoint::Endpoint;
use serde_json::json;
use tower::ServiceExt;

mod support;

use support::{send, sign_in, training_endpoint as endpoint};

fn app(endpoint: Arc<Endpoint>, app_origins: &[&str]) -> Router {
    support::app(Some(endpoint), app_origins)
}

async fn token(app: &Router) -> String {
    let answer = send(app, sign_in("002", "Onshi*002*002")).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    answer.json::<SignedIn>().token
}

#[tokio::test]
async fn the_contract_answers_through_http_unchanged() {
    let app = app(endpoint(), &[]);
    let capabilities = send(
        &app,
        Request::get("/onshi/v1/capabilities")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(capabilities.status, StatusCode::OK);
    let body: serde_json::Value = capabilities.json();
    assert_eq!(body["contract_version"], "1.4.0");
    assert_eq!(body["training"], true);
    // API answers are never cached and never sniffed.
    assert_eq!(capabilities.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        capabilities.headers[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );

    let token = token(&app).await;
    let inquiry = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../onshi-core/tests/fixtures/wire/siquc01req-kokuho-sjis.xml"),
    )
    .expect("fixture");
    let answer = send(
        &app,
        Request::post("/onshi/v1/qualifications")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(inquiry))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/xml");
    assert!(
        answer
            .body
            .starts_with(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\""),
        "answered in the request's encoding"
    );

    let missing = send(
        &app,
        Request::get("/onshi/v1/readers")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.problem().code, "unauthenticated");
}

#[tokio::test]
async fn methods_the_contract_never_uses_are_refused() {
    let app = app(endpoint(), &[]);
    let answer = send(
        &app,
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/onshi/v1/session")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(answer.headers.contains_key(header::ALLOW));
    assert_eq!(answer.problem().code, "method_not_allowed");
}

#[tokio::test]
async fn bodies_are_read_no_further_than_the_limits() {
    let app = app(endpoint(), &[]);
    let token = token(&app).await;
    let big = vec![b'x'; 2 * 1024 * 1024];
    let answer = send(
        &app,
        Request::post("/onshi/v1/qualifications")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(big.clone()))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.problem().code, "payload_too_large");
    // A bulk upload may be larger: the same body reaches the dispatcher, which finds it is no XML.
    let bulk = send(
        &app,
        Request::post("/onshi/v1/bulk/qualifications")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(big))
            .expect("request"),
    )
    .await;
    assert_eq!(bulk.status, StatusCode::BAD_REQUEST);
    assert_eq!(bulk.problem().code, "malformed_body");
}

#[tokio::test]
async fn a_training_endpoints_clock_can_be_set_and_ends_a_lock() {
    let app = app(endpoint(), &[]);
    // Only a signed-in session may move the clock (decisions.md D1); a move past the idle limit ends
    // that session too, so each move signs in afresh.
    let set_clock = |now: &str, token: &str| {
        Request::put("/onshi/v1/training/clock")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(json!({ "now": now }).to_string()))
            .expect("request")
    };
    let trainer = |app: Router| async move {
        let answer = send(&app, sign_in("master", "Onshi*master*00")).await;
        assert_eq!(answer.status, StatusCode::CREATED);
        answer.json::<SignedIn>().token
    };
    let token = trainer(app.clone()).await;
    assert_eq!(
        send(&app, set_clock("2026-11-22T09:00:00+09:00", &token))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    for _ in 0..5 {
        send(&app, sign_in("002", "wrong")).await;
    }
    let locked = send(&app, sign_in("002", "Onshi*002*002")).await;
    assert_eq!(locked.status, StatusCode::LOCKED);
    let token = trainer(app.clone()).await;
    assert_eq!(
        send(&app, set_clock("2026-11-22T09:31:00+09:00", &token))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, sign_in("002", "Onshi*002*002")).await.status,
        StatusCode::CREATED
    );
    let token = trainer(app.clone()).await;
    let bad = send(&app, set_clock("yesterday", &token)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// Regression: `PUT /training/clock` worked without a session and moved idle, lockout and
/// idempotency time for everyone.
#[tokio::test]
async fn regression_issue_15_the_training_clock_needs_a_signed_in_session() {
    let app = app(endpoint(), &[]);
    // The endpoint's time, read back from an answer that carries it (a passcode's issue time).
    let endpoint_time = async |app: &Router| {
        let issued = send(
            app,
            Request::post("/onshi/v1/visual-check-passcode")
                .header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", token(app).await),
                )
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(issued.status, StatusCode::CREATED);
        let at = issued.json::<serde_json::Value>()["issued_at"]
            .as_str()
            .expect("issued_at")
            .to_owned();
        onshi_core::time::Timestamp::parse_rfc3339(&at).expect("a time")
    };
    let before = endpoint_time(&app).await;
    // Ten minutes on: within the idle limit, so the session that moved it still stands.
    let target = before + chrono::TimeDelta::minutes(10);
    let move_clock = |token: Option<&str>| {
        let mut request = Request::put("/onshi/v1/training/clock")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request
            .body(Body::from(
                json!({ "now": target.to_rfc3339() }).to_string(),
            ))
            .expect("request")
    };
    for token in [None, Some("not-a-session")] {
        let refused = send(&app, move_clock(token)).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refused.problem().code, "unauthenticated");
    }
    let signed_out = token(&app).await;
    let out = send(
        &app,
        Request::delete("/onshi/v1/session")
            .header(header::AUTHORIZATION, format!("Bearer {signed_out}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, move_clock(Some(&signed_out))).await.status,
        StatusCode::UNAUTHORIZED,
        "a logged-out session moves nothing"
    );
    assert!(
        endpoint_time(&app).await.since(before) < chrono::TimeDelta::minutes(5),
        "the clock stayed where it was"
    );
    let live = token(&app).await;
    assert_eq!(
        send(&app, move_clock(Some(&live))).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(endpoint_time(&app).await.since(target) >= chrono::TimeDelta::zero());
}

#[tokio::test]
async fn events_stream_as_server_sent_events_from_the_backlog_on() {
    let endpoint = endpoint();
    let app = app(Arc::clone(&endpoint), &[]);
    let token = token(&app).await;
    let refused = send(
        &app,
        Request::get("/onshi/v1/events")
            .header(header::ACCEPT, "text/event-stream")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "a refusal is no stream"
    );

    // An event before the stream opens comes from the backlog; one after it comes live.
    let inquiry = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../onshi-core/tests/fixtures/wire/siquc01req-taro.xml"),
    )
    .expect("fixture");
    let inquire = || {
        Request::post("/onshi/v1/qualifications")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(inquiry.clone()))
            .expect("request")
    };
    assert_eq!(send(&app, inquire()).await.status, StatusCode::OK);
    let response = app
        .clone()
        .oneshot(
            Request::get("/onshi/v1/events")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::ACCEPT, "text/event-stream")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    let first = next_event(&mut body).await;
    assert!(
        first.contains("id: 1\n") && first.contains("event: qualification\n"),
        "{first}"
    );
    assert_eq!(send(&app, inquire()).await.status, StatusCode::OK);
    let second = next_event(&mut body).await;
    assert!(second.contains("id: 2\n"), "{second}");

    // The backlog as JSON agrees.
    let backlog = send(
        &app,
        Request::get("/onshi/v1/events?after=0")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(backlog.json::<EventsPage>().last_id, 2);
}

/// The next SSE event (up to its blank line) from a streaming body, skipping keep-alive comments.
async fn next_event(body: &mut Body) -> String {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .expect("the stream is open")
            .expect("a frame");
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        if let Some(end) = text.find("\n\n") {
            let event = text[..end + 2].to_owned();
            if event.starts_with(':') {
                text.drain(..end + 2);
                continue;
            }
            return event;
        }
    }
}

#[tokio::test]
async fn cors_answers_only_the_configured_app_origin() {
    let app = app(endpoint(), &["http://127.0.0.1:9000"]);
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/onshi/v1/session")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .expect("request")
    };
    let allowed = send(&app, preflight("http://127.0.0.1:9000")).await;
    assert_eq!(
        allowed.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://127.0.0.1:9000"
    );
    let other = send(&app, preflight("http://evil.example")).await;
    assert!(
        !other
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
    // Without configured origins there is no CORS at all.
    let plain = app_without_cors();
    let answer = send(&plain, preflight("http://127.0.0.1:9000")).await;
    assert!(
        !answer
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
}

fn app_without_cors() -> Router {
    app(endpoint(), &[])
}

/// Reads a Server-Sent Events body event by event, keeping what a frame holds beyond one event.
struct SseReader {
    body: Body,
    buffer: String,
}

impl SseReader {
    async fn open(app: &Router, token: &str, last_event_id: u64) -> SseReader {
        let response = app
            .clone()
            .oneshot(
                Request::get("/onshi/v1/events")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::ACCEPT, "text/event-stream")
                    .header("Last-Event-ID", last_event_id.to_string())
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        SseReader {
            body: response.into_body(),
            buffer: String::new(),
        }
    }

    /// The next event's id, skipping keep-alive comments.
    async fn next_id(&mut self) -> u64 {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if let Some(id) = event.lines().find_map(|l| l.strip_prefix("id: ")) {
                    return id.parse().expect("a numeric id");
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(5), self.body.frame())
                .await
                .expect("an event within 5 s")
                .expect("the stream is open")
                .expect("a frame");
            if let Ok(data) = frame.into_data() {
                self.buffer.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// Every event id from here up to and including `last`.
    async fn ids_through(&mut self, last: u64) -> Vec<u64> {
        let mut ids = Vec::new();
        loop {
            let id = self.next_id().await;
            ids.push(id);
            if id >= last {
                return ids;
            }
        }
    }
}

/// Regression: from `Last-Event-ID: 0` with 1,101 events in the backlog the stream delivered ids
/// 1–1000 and then 1102. It now delivers every event after the id it resumes from, in order, across
/// pages, reconnects and a restart of the endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_issue_14_the_event_stream_resumes_exactly_across_pages_reconnects_and_restarts()
{
    use onshi_core::store::{Change, EventKind, EventRecord, Store};
    use onshi_server::{
        sqlite::SqliteStore,
        start::{self, Mode, Options},
    };
    let dir = std::env::temp_dir().join(format!("onshi-sse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let database = dir.join("training.db");
    let _ = std::fs::remove_file(&database);
    let options = || Options {
        database: Some(database.clone()),
        password_cost: HashCost::CHEAP,
        ..Options::new(Mode::Training)
    };
    drop(start::open(options()).expect("a first run"));
    // 1,101 events more than a page holds, appended to the file as an endpoint would.
    let base = {
        let mut store = SqliteStore::open(&database).expect("opens");
        let mut base = 0;
        store
            .transaction(&mut |read| {
                base = read.last_event_id()?;
                Ok((1..=1101)
                    .map(|n| {
                        Change::AppendEvent(EventRecord {
                            id: base + n,
                            at: onshi_core::time::Timestamp::from_millis(1_796_600_000_000),
                            kind: EventKind::Reader,
                            data: json!({"n": n}),
                        })
                    })
                    .collect())
            })
            .expect("appended");
        base
    };
    let newest = base + 1101;
    let app = app(
        Arc::new(start::open(options()).expect("opens").endpoint),
        &[],
    );
    let token = token(&app).await;
    let mut stream = SseReader::open(&app, &token, base).await;
    assert_eq!(
        stream.ids_through(newest).await,
        ((base + 1)..=newest).collect::<Vec<_>>(),
        "nothing skipped or repeated across the pages"
    );
    // A reconnect from the middle.
    let mut again = SseReader::open(&app, &token, base + 500).await;
    assert_eq!(
        again.ids_through(newest).await,
        ((base + 501)..=newest).collect::<Vec<_>>()
    );
    // A restart: the same file, and one new event while the stream is open.
    drop((stream, again, app));
    let app = self::app(
        Arc::new(start::open(options()).expect("reopens").endpoint),
        &[],
    );
    let mut resumed = SseReader::open(&app, &token, newest - 3).await;
    let inquiry = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../onshi-core/tests/fixtures/wire/siquc01req-taro.xml"),
    )
    .expect("fixture");
    let answer = send(
        &app,
        Request::post("/onshi/v1/qualifications")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(inquiry))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        resumed.ids_through(newest + 1).await,
        ((newest - 2)..=(newest + 1)).collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A training endpoint counts the requests it is handed by method and path (decisions.md D3):
/// requests arriving all at once, over several threads, are each counted exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_training_endpoint_counts_simultaneous_requests_exactly() {
    use onshi_core::contract::groups::TrainingRequests;
    use onshi_server::start::{self, Mode, Options};
    use tokio::sync::Barrier;

    // The endpoint `--training` runs: its store in memory.
    let opened = start::open(Options {
        password_cost: HashCost::CHEAP,
        ..Options::new(Mode::Training)
    })
    .expect("a training endpoint opens");
    let app = app(Arc::new(opened.endpoint), &[]);
    let token = token(&app).await;
    // 64 requests, released together: anonymous ones and signed-in ones, some of each path.
    const PATHS: [&str; 4] = [
        "/onshi/v1/capabilities",
        "/onshi/v1/training/accounts",
        "/onshi/v1/readers",
        "/onshi/v1/qualifications/1",
    ];
    let barrier = Arc::new(Barrier::new(64));
    let mut requests = Vec::new();
    for n in 0..64 {
        let (app, token, barrier) = (app.clone(), token.clone(), Arc::clone(&barrier));
        requests.push(tokio::spawn(async move {
            let request = Request::get(PATHS[n % PATHS.len()])
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request");
            barrier.wait().await;
            send(&app, request).await.status
        }));
    }
    for request in requests {
        let status = request.await.expect("the request's task");
        assert!(
            [StatusCode::OK, StatusCode::NOT_FOUND].contains(&status),
            "{status}"
        );
    }
    let counted = send(
        &app,
        Request::get("/onshi/v1/training/requests")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(counted.status, StatusCode::OK);
    let counted: TrainingRequests = counted.json();
    let rows: Vec<(&str, &str, u64)> = counted
        .requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.count))
        .collect();
    assert_eq!(
        rows,
        [
            ("GET", "/capabilities", 16),
            ("GET", "/qualifications/{id}", 16),
            ("GET", "/readers", 16),
            ("POST", "/session", 1),
            ("GET", "/training/accounts", 16),
            ("GET", "/training/requests", 1),
        ]
    );
}
