//! The event feed: the HTTP adapter reading Server-Sent Events from a streamed fake
//! `fetch` (chunks, reconnects with `Last-Event-ID`, stalls, the end), the training world's own
//! stream (run in the page), and the state handle ending the session with the feed.

use std::{cell::RefCell, rc::Rc, time::Duration};

use leptos::prelude::*;
use onshi::{
    platform::clock::Clock,
    state::{provide_app_state, use_events, use_session},
    transport::{
        Endpoint, EndpointUrl, FeedEnd, FeedItem, FeedOptions, HttpOptions, HttpTransport,
        Interruption, events::FeedSink,
    },
};
use onshi_core::{
    account::AccountKind,
    client,
    contract::{EventKind, ProblemCode, groups::ReaderList},
};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, network_failure, problem, silence, stream},
    support::{NINE_AM, sign_in, store_session_of, until, until_within},
    world::InPageWorld,
};

const BASE: &str = "http://127.0.0.1:9";

/// Quick pauses, so that reconnects happen within a test's patience.
const QUICK: FeedOptions = FeedOptions {
    retry_initial: Duration::from_millis(10),
    retry_max: Duration::from_millis(40),
    stall: Duration::from_millis(300),
    poll: Duration::from_millis(50),
};

fn http_endpoint() -> Endpoint {
    let base = EndpointUrl::parse(BASE).expect("a valid origin");
    Endpoint::Http(Rc::new(HttpTransport::new(base, HttpOptions::default())))
}

/// A sink that keeps every item.
fn recorder() -> (FeedSink, Rc<RefCell<Vec<FeedItem>>>) {
    let items = Rc::new(RefCell::new(Vec::new()));
    let kept = items.clone();
    (Rc::new(move |item| kept.borrow_mut().push(item)), items)
}

/// Waits until the feed has let go of the sink [`recorder`] made for `items`. The feed's task owns
/// the sink until it is over, and nothing else holds the list, so once only the test's handle is
/// left the task has made every request and handed over every item it ever will: what the test
/// then reads is final, however late the feed would have acted.
async fn until_released(items: &Rc<RefCell<Vec<FeedItem>>>) {
    until("the feed to let go of its sink", || {
        Rc::strong_count(items) == 1
    })
    .await;
}

/// The ids of the events received so far.
fn event_ids(items: &RefCell<Vec<FeedItem>>) -> Vec<u64> {
    items
        .borrow()
        .iter()
        .filter_map(|i| match i {
            FeedItem::Event(e) => Some(e.id),
            _ => None,
        })
        .collect()
}

fn ended(items: &RefCell<Vec<FeedItem>>) -> Option<FeedEnd> {
    items.borrow().iter().find_map(|i| match i {
        FeedItem::Ended(end) => Some(end.clone()),
        _ => None,
    })
}

/// One SSE frame as the reference endpoint writes it.
fn sse(id: u64, kind: &str, data: Value) -> String {
    let event = json!({ "id": id, "at": "2026-11-22T00:00:00Z", "kind": kind, "data": data });
    format!("id: {id}\nevent: {kind}\ndata: {event}\n\n")
}

fn end_frame(code: &str, status: u16) -> String {
    let body = json!({ "type": "about:blank", "title": "t", "status": status, "code": code });
    format!("event: end\ndata: {body}\n\n")
}

/// Splits a text into chunks of `n` bytes, as a network might deliver it (mid-line, mid-character).
fn chunked(text: &str, n: usize) -> Vec<Value> {
    text.as_bytes()
        .chunks(n)
        .map(|c| Value::from(c.to_vec()))
        .collect()
}

#[wasm_bindgen_test]
async fn the_stream_is_read_across_chunks_with_the_token_in_a_header() {
    let body = format!(
        ": hello\n\n{}{}{}",
        sse(
            41,
            "qualification",
            json!({ "name": "新橋 太郎", "reader_id": "R-1" })
        ),
        sse(
            42,
            "reader",
            json!({ "reader_id": "R-1", "mode": "pin_only" })
        ),
        end_frame("session_revoked", 401),
    );
    let fake = FakeFetch::install(vec![stream(chunked(&body, 7), "hang")]);
    let (sink, items) = recorder();
    let _feed = http_endpoint().follow_events("s3cr3t", 40, QUICK, sink);
    until("the end", || ended(&items).is_some()).await;

    assert_eq!(items.borrow()[0], FeedItem::Connected);
    assert_eq!(event_ids(&items), [41, 42]);
    let first = match &items.borrow()[1] {
        FeedItem::Event(e) => e.clone(),
        other => panic!("expected an event, got {other:?}"),
    };
    assert_eq!(first.kind, EventKind::Qualification);
    assert_eq!(first.data["name"], "新橋 太郎");
    assert!(matches!(
        ended(&items),
        Some(FeedEnd::SessionEnded(Some(p))) if p.known_code() == Some(ProblemCode::SessionRevoked)
    ));

    let calls = fake.calls();
    assert_eq!(calls.len(), 1, "the end is final");
    assert_eq!(calls[0].url, "http://127.0.0.1:9/onshi/v1/events?after=40");
    assert_eq!(calls[0].header("Authorization"), Some("Bearer s3cr3t"));
    assert_eq!(calls[0].header("Accept"), Some("text/event-stream"));
    assert_eq!(
        calls[0].header("Last-Event-ID"),
        None,
        "the first request says where to start in its query"
    );
    assert!(!calls[0].url.contains("s3cr3t"));
}

#[wasm_bindgen_test]
async fn a_dropped_stream_reconnects_with_backoff_and_the_last_event_id() {
    let fake = FakeFetch::install(vec![
        // Two events, then the connection breaks in the middle of a third frame.
        stream(
            vec![
                Value::from(sse(1, "reader", json!({}))),
                Value::from(sse(2, "bulk", json!({}))),
                Value::from("id: 3\nevent: rea"),
            ],
            "error",
        ),
        // The network is down for one attempt.
        network_failure(),
        // The endpoint is restarting.
        problem(503, "unavailable", "しばらくお待ちください。"),
        // Back: the endpoint resumes after 2, so event 3 comes whole this time.
        stream(
            vec![
                Value::from(sse(3, "reader", json!({}))),
                Value::from(end_frame("session_expired", 401)),
            ],
            "hang",
        ),
    ]);
    let (sink, items) = recorder();
    let _feed = http_endpoint().follow_events("tok", 0, QUICK, sink);
    until("the end", || ended(&items).is_some()).await;

    assert_eq!(event_ids(&items), [1, 2, 3], "nothing lost, nothing twice");
    let calls = fake.calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].header("Last-Event-ID"), None);
    for call in &calls[1..] {
        assert_eq!(call.header("Last-Event-ID"), Some("2"), "{}", call.url);
        assert!(call.url.ends_with("/onshi/v1/events?after=2"));
        assert_eq!(call.header("Authorization"), Some("Bearer tok"));
    }
    let interruptions: Vec<(Interruption, Duration)> = items
        .borrow()
        .iter()
        .filter_map(|i| match i {
            FeedItem::Interrupted { reason, retry_in } => Some((reason.clone(), *retry_in)),
            _ => None,
        })
        .collect();
    assert_eq!(interruptions.len(), 3);
    assert!(matches!(interruptions[0].0, Interruption::Dropped { .. }));
    assert!(matches!(
        interruptions[1].0,
        Interruption::NoAnswer(onshi::transport::TransportError::Network { .. })
    ));
    assert_eq!(interruptions[2].0, Interruption::Status(503));
    let pauses: Vec<u128> = interruptions.iter().map(|i| i.1.as_millis()).collect();
    assert_eq!(
        pauses,
        [10, 20, 40],
        "the pause doubles with each failure in a row"
    );
    let connected = items
        .borrow()
        .iter()
        .filter(|i| **i == FeedItem::Connected)
        .count();
    assert_eq!(connected, 2);
}

#[wasm_bindgen_test]
async fn a_silent_stream_counts_as_dropped_and_is_reopened() {
    let fake = FakeFetch::install(vec![
        stream(vec![Value::from(sse(5, "reader", json!({})))], "hang"),
        stream(vec![Value::from(end_frame("session_expired", 401))], "hang"),
    ]);
    let (sink, items) = recorder();
    let _feed = http_endpoint().follow_events("tok", 4, QUICK, sink);
    until("the end", || ended(&items).is_some()).await;
    assert!(items.borrow().iter().any(|i| matches!(
        i,
        FeedItem::Interrupted {
            reason: Interruption::Stalled,
            ..
        }
    )));
    let calls = fake.calls();
    assert!(calls[0].aborted, "the silent connection is closed");
    assert_eq!(calls[1].header("Last-Event-ID"), Some("5"));
}

/// One backlog page as JSON.
fn page(ids: &[u64], last_id: u64, newest_id: u64) -> Value {
    let events: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "id": id, "at": "2026-11-22T00:00:00Z", "kind": "bulk", "data": {} }))
        .collect();
    crate::fake_fetch::json(
        200,
        &json!({ "events": events, "last_id": last_id, "newest_id": newest_id }),
    )
}

#[wasm_bindgen_test]
async fn a_backlog_answered_as_json_is_read_page_after_page_up_to_the_newest_event() {
    // `last_id` is a page's own last event, so whether more follow is `newest_id`'s to say.
    let fake = FakeFetch::install(vec![
        page(&[1, 2], 2, 4),
        page(&[3, 4], 4, 4),
        page(&[], 4, 4),
    ]);
    // A long poll: the second page within the test's patience can only come because more were said
    // to follow.
    let options = FeedOptions {
        poll: Duration::from_secs(60),
        ..QUICK
    };
    let (sink, items) = recorder();
    let _feed = http_endpoint().follow_events("tok", 0, options, sink);
    until("both pages", || event_ids(&items) == [1, 2, 3, 4]).await;
    let calls = fake.calls();
    assert!(
        calls[0].url.ends_with("/events?after=0"),
        "{}",
        calls[0].url
    );
    assert!(
        calls[1].url.ends_with("/events?after=2"),
        "{}",
        calls[1].url
    );
    assert_eq!(calls.len(), 2, "the last page reached the newest event");
}

#[wasm_bindgen_test]
async fn a_refusal_stops_the_feed_for_good() {
    for (answer, expected) in [
        (problem(401, "session_expired", "t"), "SessionEnded" as &str),
        (problem(403, "forbidden", "t"), "Refused"),
    ] {
        let fake = FakeFetch::install(vec![answer]);
        let (sink, items) = recorder();
        let _feed = http_endpoint().follow_events("tok", 0, QUICK, sink);
        until("the end", || ended(&items).is_some()).await;
        // A feed that would reconnect, however late, still holds its sink; one that has let go has
        // stopped for good.
        until_released(&items).await;
        assert_eq!(fake.calls().len(), 1, "no reconnect after {expected}");
        match (ended(&items), expected) {
            (Some(FeedEnd::SessionEnded(Some(p))), "SessionEnded") => assert_eq!(p.status, 401),
            (Some(FeedEnd::Refused { status: 403, .. }), "Refused") => {}
            (other, _) => panic!("expected {expected}, got {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
async fn dropping_the_subscription_closes_the_connection() {
    let fake = FakeFetch::install(vec![stream(vec![], "hang")]);
    let (sink, items) = recorder();
    let feed = http_endpoint().follow_events("tok", 0, QUICK, sink);
    until("the connection", || !items.borrow().is_empty()).await;
    drop(feed);
    until("the abort", || fake.calls()[0].aborted).await;
    // Only once the stopped feed has let go of its sink can nothing more reach it.
    until_released(&items).await;
    assert_eq!(*items.borrow(), [FeedItem::Connected]);
}

#[wasm_bindgen_test]
async fn a_silent_endpoint_that_never_answers_is_retried() {
    let fake = FakeFetch::install(vec![silence()]);
    let base = EndpointUrl::parse(BASE).expect("origin");
    let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
        base,
        HttpOptions {
            timeout: Duration::from_millis(30),
            bulk_timeout: Duration::from_millis(30),
        },
    )));
    let (sink, items) = recorder();
    let _feed = endpoint.follow_events("tok", 0, QUICK, sink);
    until("two attempts", || fake.calls().len() >= 2).await;
    assert!(matches!(
        items.borrow()[0],
        FeedItem::Interrupted {
            reason: Interruption::NoAnswer(onshi::transport::TransportError::Timeout { .. }),
            ..
        }
    ));
    assert!(fake.calls()[0].aborted);
}

#[wasm_bindgen_test]
async fn the_events_handle_ends_the_session_in_this_tab_with_the_reason() {
    let _fake = FakeFetch::install(vec![
        capabilities("1.0.0", &ALL_GROUPS, false),
        stream(
            vec![
                Value::from(sse(9, "bulk", json!({}))),
                Value::from(end_frame("session_revoked", 401)),
            ],
            "hang",
        ),
    ]);
    store_session_of(BASE, AccountKind::General, NINE_AM);
    let owner = Owner::new();
    let (kept, items) = recorder();
    let (events, session, feed) = owner.with(|| {
        let (clock, _) = Clock::manual(NINE_AM);
        provide_app_state(http_endpoint(), clock);
        let session = use_session();
        assert!(
            session.current().is_some(),
            "the stored session is this endpoint's"
        );
        let events = use_events();
        let feed = events.follow_with(8, QUICK, move |item| kept(item.clone()));
        (events, session, feed)
    });
    assert!(feed.is_some());
    until("the end", || ended(&items).is_some()).await;
    assert_eq!(event_ids(&items), [9]);
    owner.with(|| {
        assert!(
            session.current().is_none(),
            "the session ended with the feed"
        );
        assert_eq!(
            session.notice().as_deref(),
            Some("同じユーザIDで別の場所からログインされたため、ログアウトしました。")
        );
        assert!(
            events.follow(0, |_| {}).is_none(),
            "no feed without a session"
        );
    });
    drop(feed);
}

#[wasm_bindgen_test]
async fn the_training_worlds_stream_follows_its_changes_and_ends_with_the_session() {
    let world = InPageWorld::open("feed").await;
    let endpoint = world.endpoint();
    let token = sign_in(&endpoint, "002", "Onshi*002*002").await;
    // A long poll: the world streams, so an event within the test's patience comes over the stream.
    let options = FeedOptions {
        poll: Duration::from_secs(60),
        ..QUICK
    };
    let (sink, items) = recorder();
    let _feed = endpoint.follow_events(&token, 0, options, sink);
    until("the connection", || {
        items.borrow().first() == Some(&FeedItem::Connected)
    })
    .await;

    let answer = endpoint
        .send(client::readers(&token))
        .await
        .expect("answer");
    let readers: ReaderList = client::expect_json(&answer, 200).expect("readers");
    let reader = &readers.readers[0];
    let changed = endpoint
        .send(client::set_mode(
            &token,
            &reader.id,
            &reader.etag,
            "pin_only",
        ))
        .await
        .expect("answer");
    assert_eq!(
        changed.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&changed.body)
    );
    until("the reader event", || !event_ids(&items).is_empty()).await;
    let event = match items
        .borrow()
        .iter()
        .find(|i| matches!(i, FeedItem::Event(_)))
    {
        Some(FeedItem::Event(e)) => e.clone(),
        _ => unreachable!("found above"),
    };
    assert_eq!(event.kind, EventKind::Reader);

    // Signing out ends the stream with the session's end.
    let out = endpoint
        .send(client::sign_out(&token))
        .await
        .expect("answer");
    assert_eq!(out.status, 204);
    until_within("the end", 10_000, || ended(&items).is_some()).await;
    assert!(matches!(ended(&items), Some(FeedEnd::SessionEnded(_))));
}
