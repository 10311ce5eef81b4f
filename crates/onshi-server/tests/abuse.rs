//! The endpoint under abuse: nothing anonymous can make it read a large body, and a flood of wrong
//! sign-ins is counted without races and throttled per client and minute. (The database file's
//! privacy is tested with the SQLite store, the serving loop's limits in `net.rs`.)

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use futures_util::StreamExt;
use onshi_core::contract::{Problem, session::SignedIn};
use onshi_server::sign_in::FAILURES_PER_MINUTE;
use serde_json::json;

mod support;

use support::{send, sign_in, training_endpoint as endpoint};

/// A body that announces 60 MB, sends one chunk and then never another: the answer can only come if
/// the endpoint never waits for the rest.
fn endless_upload() -> Body {
    let first = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'<'; 64 * 1024]))
    });
    Body::from_stream(first.chain(futures_util::stream::pending()))
}

/// Regression: anonymous 60 MB bodies were read in full before the 401 (ten slow uploads took the
/// server to 876 MB). Authentication is decided from the headers first.
#[tokio::test]
async fn regression_issue_15_an_anonymous_body_is_refused_unread() {
    let app = support::app(Some(endpoint()), &[]);
    for (path, token) in [
        ("/onshi/v1/bulk/qualifications", None),
        ("/onshi/v1/qualifications", Some("not-a-session")),
        ("/onshi/v1/nowhere", None),
    ] {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/xml")
            .header(header::CONTENT_LENGTH, 60 * 1024 * 1024);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            send(&app, request.body(endless_upload()).expect("request")),
        )
        .await
        .unwrap_or_else(|_| panic!("{path}: the endpoint waited for the body"));
        let expected = if path.ends_with("nowhere") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(answer.status, expected, "{path}");
    }
    // The contract's reads take no body: a signed-in GET is answered without waiting for one.
    let signed_in = send(&app, sign_in("002", "Onshi*002*002")).await;
    let token = signed_in.json::<SignedIn>().token;
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        send(
            &app,
            Request::get("/onshi/v1/readers")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_LENGTH, 60 * 1024 * 1024)
                .body(endless_upload())
                .expect("request"),
        ),
    )
    .await
    .expect("a read waits for no body");
    assert_eq!(read.status, StatusCode::OK);
}

/// An anonymous request may send a body only to sign in, and a small one.
#[tokio::test]
async fn an_anonymous_sign_in_body_is_small() {
    let app = support::app(Some(endpoint()), &[]);
    let padded = json!({"user_id": "002", "password": "Onshi*002*002", "pad": "x".repeat(20_000)});
    let too_large = send(
        &app,
        Request::post("/onshi/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(padded.to_string()))
            .expect("request"),
    )
    .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.problem().code, "payload_too_large");
    let signed_in = send(&app, sign_in("002", "Onshi*002*002")).await;
    assert_eq!(signed_in.status, StatusCode::CREATED);
}

/// Sign-in's two phases keep the lockout exact under simultaneous guesses: of sixteen wrong
/// passwords for one ID sent at once, four are answered 401 with 4, 3, 2 and 1 attempts left, one
/// locks the ID and the rest find it locked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_wrong_passwords_count_exactly() {
    let app = support::app(Some(endpoint()), &[]);
    let guesses: Vec<_> = (0..16)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, sign_in("002", &format!("wrong-{n}"))).await })
        })
        .collect();
    let mut remaining = Vec::new();
    let mut locked = 0;
    for guess in guesses {
        let answer = guess.await.expect("joined");
        let problem: Problem = answer.problem();
        match answer.status {
            StatusCode::UNAUTHORIZED => {
                remaining.push(problem.remaining_attempts.expect("attempts left"))
            }
            StatusCode::LOCKED => locked += 1,
            other => panic!("unexpected {other}: {problem:?}"),
        }
    }
    remaining.sort_unstable();
    assert_eq!(remaining, [1, 2, 3, 4]);
    assert_eq!(locked, 12);
}

/// Many users signing in at once each get their own session: the phases of one sign-in never mix
/// with another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_sign_ins_of_different_users_each_get_their_own_account() {
    let app = support::app(Some(endpoint()), &[]);
    let users = [
        ("002", "Onshi*002*002"),
        ("003", "Onshi*003*003"),
        ("admin01", "Onshi*admin*01"),
        ("master", "Onshi*master*00"),
    ];
    let attempts: Vec<_> = (0..16)
        .map(|n| {
            let app = app.clone();
            let (user, password) = users[n % users.len()];
            tokio::spawn(async move { (user, send(&app, sign_in(user, password)).await) })
        })
        .collect();
    for attempt in attempts {
        let (user, answer) = attempt.await.expect("joined");
        assert_eq!(answer.status, StatusCode::CREATED, "{user}");
        assert_eq!(answer.json::<SignedIn>().account.id, user);
    }
}

/// One client's failed sign-ins are limited per minute (429 with Retry-After until the minute ends),
/// before any password is checked; the limit does not outlive the minute.
#[tokio::test]
async fn a_clients_failed_sign_ins_are_limited_per_minute() {
    let endpoint = endpoint();
    // At the start of a minute, so that the whole test stays within it.
    endpoint.clock().set(
        onshi_core::time::Timestamp::parse_rfc3339("2026-11-22T09:00:00+09:00").expect("time"),
    );
    let app: Router = support::app(Some(Arc::clone(&endpoint)), &[]);
    for n in 0..FAILURES_PER_MINUTE {
        let answer = send(&app, sign_in(&format!("guess{n}"), "wrong")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "failure {n}");
    }
    let refused = send(&app, sign_in("002", "Onshi*002*002")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.problem().code, "too_many_sign_ins");
    let retry: u64 = refused.headers[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=61).contains(&retry), "Retry-After {retry}");
    endpoint.clock().set(
        onshi_core::time::Timestamp::parse_rfc3339("2026-11-22T09:01:00+09:00").expect("time"),
    );
    assert_eq!(
        send(&app, sign_in("002", "Onshi*002*002")).await.status,
        StatusCode::CREATED
    );
}
