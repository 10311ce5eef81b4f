//! A training dispatcher's request counter (`GET /training/requests`, decisions.md D3): what it counts,
//! under which method and path, since when, and exactly under concurrent dispatches.

use chrono::TimeDelta;
use onshi_core::{
    canned,
    client::{self, HistorySearch},
    contract::{Method, Request, groups::TrainingRequests},
    dispatch::{Config, Dispatcher, Env, UNROUTED},
    random::SeededRandom,
};

use crate::harness::{Harness, fixture, problem};

fn counts(h: &mut Harness) -> TrainingRequests {
    h.json(&client::training_requests(), 200)
}

fn listed(answer: &TrainingRequests) -> Vec<(String, String, u64)> {
    answer
        .requests
        .iter()
        .map(|r| (r.method.clone(), r.path.clone(), r.count))
        .collect()
}

fn rows(expected: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    expected
        .iter()
        .map(|(m, p, c)| ((*m).to_owned(), (*p).to_owned(), *c))
        .collect()
}

fn raw(method: Method, target: &str) -> Request {
    let mut request = client::capabilities();
    request.method = method;
    request.target = target.to_owned();
    request
}

#[test]
fn every_request_counts_under_its_method_and_operation_path_sorted_by_path_then_method() {
    let mut h = Harness::training();
    let started = h.now;
    let token = h.token("002");
    let requests = vec![
        client::capabilities(),
        client::capabilities(),
        client::inquire(&token, fixture("siquc01req-taro.xml")),
        client::history_detail(&token, 1),
        client::history_detail(&token, 99),
        client::history(&token, &HistorySearch::default()),
        // A refusal counts like an answer.
        client::history_detail("not-a-token", 1),
        raw(Method::Delete, "/onshi/v1/qualifications"),
        raw(Method::Get, "/onshi/v1/nowhere"),
        raw(Method::Get, "/elsewhere"),
        client::bulk_result(&token, "qualifications", "20261122000001"),
    ];
    for request in &requests {
        h.advance(TimeDelta::seconds(1));
        h.send(request);
    }
    let answer = counts(&mut h);
    assert_eq!(
        answer.since.0, started,
        "since the first request it counted"
    );
    assert_eq!(
        listed(&answer),
        rows(&[
            ("GET", "*", 2),
            ("GET", "/bulk/{kind}/{reception_number}", 1),
            ("GET", "/capabilities", 2),
            ("DELETE", "/qualifications", 1),
            ("GET", "/qualifications", 1),
            ("POST", "/qualifications", 1),
            ("GET", "/qualifications/{id}", 3),
            // Sign-in's two phases are one request.
            ("POST", "/session", 1),
            ("GET", "/training/requests", 1),
        ])
    );
    assert_eq!(UNROUTED, "*");
}

#[test]
fn since_stays_when_time_or_the_training_clock_moves_and_the_answer_needs_no_session() {
    let mut h = Harness::training();
    let first = counts(&mut h);
    assert_eq!(first.since.0, h.now);
    assert_eq!(listed(&first), rows(&[("GET", "/training/requests", 1)]));
    let token = h.token("002");
    let mut clock = client::capabilities();
    clock.method = Method::Put;
    clock.target = "/onshi/v1/training/clock".to_owned();
    clock
        .headers
        .set("Authorization", format!("Bearer {token}"));
    clock.headers.set("Content-Type", "application/json");
    clock.body = br#"{"now": "2030-01-01T09:00:00+09:00"}"#.to_vec();
    assert_eq!(h.send(&clock).status, 204);
    h.advance(TimeDelta::hours(3));
    let later = counts(&mut h);
    assert_eq!(later.since, first.since);
    assert_eq!(
        listed(&later),
        rows(&[
            ("POST", "/session", 1),
            ("PUT", "/training/clock", 1),
            ("GET", "/training/requests", 2),
        ])
    );
    let json: serde_json::Value =
        serde_json::from_slice(&h.send(&client::training_requests()).body).expect("JSON");
    assert!(
        json["since"]
            .as_str()
            .is_some_and(|s| s.ends_with("+09:00")),
        "{json}"
    );
    assert_eq!(json["requests"][0]["method"], "POST");
}

#[test]
fn a_real_endpoint_has_no_counter() {
    let mut h = Harness::training();
    h.dispatcher = Dispatcher::new(Config::standard());
    h.store = canned::training_store();
    let answer = h.send(&client::training_requests());
    problem(&answer, 404);
}

#[test]
fn a_dispatcher_s_clones_count_together() {
    let mut h = Harness::training();
    let clone = h.dispatcher.clone();
    let mut store = canned::training_store();
    let mut random = SeededRandom::new(1);
    let mut env = Env {
        now: h.now,
        random: &mut random,
    };
    clone.dispatch(&mut store, &mut env, &client::capabilities());
    let answer = counts(&mut h);
    assert_eq!(
        listed(&answer),
        rows(&[
            ("GET", "/capabilities", 1),
            ("GET", "/training/requests", 1)
        ])
    );
}

#[test]
fn concurrent_dispatches_are_counted_exactly() {
    const THREADS: u64 = 8;
    const EACH: u64 = 50;
    let h = Harness::training();
    let dispatcher = &h.dispatcher;
    std::thread::scope(|scope| {
        for seed in 0..THREADS {
            scope.spawn(move || {
                let mut store = canned::training_store();
                let mut random = SeededRandom::new(seed);
                let mut env = Env {
                    now: h.now,
                    random: &mut random,
                };
                for _ in 0..EACH {
                    let response =
                        dispatcher.dispatch(&mut store, &mut env, &client::capabilities());
                    assert_eq!(response.status, 200);
                }
            });
        }
    });
    let mut h = h;
    let answer = counts(&mut h);
    assert_eq!(
        listed(&answer),
        rows(&[
            ("GET", "/capabilities", THREADS * EACH),
            ("GET", "/training/requests", 1)
        ])
    );
}
