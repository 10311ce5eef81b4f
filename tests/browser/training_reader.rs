//! Training mode's service worker as the page sees it: waiting until a worker controls the page
//! before a request to the training world, the words when the page can have no worker, and the
//! virtual card reader's message protocol (`platform::training_reader`), each against a scripted
//! stand-in for `navigator.serviceWorker` (`fake_worker`).

use std::{pin::pin, time::Duration};

use onshi::{
    labels,
    platform::{
        service_worker::{self, ServiceWorkerError},
        training_reader::{self, Holder, TrainingReaderError},
    },
    transport::{ApiError, Endpoint, EndpointUrl, HttpOptions, HttpTransport, TransportError},
};
use onshi_core::{
    card::reader::{PipeError, UsbPipe},
    client,
};
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities},
    fake_worker::FakeWorker,
    support::ensure_executor,
};

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn the_training_world_lives_below_the_pages_origin_as_an_endpoint_of_its_own() {
    let origin = web_sys::window()
        .expect("window")
        .location()
        .origin()
        .expect("origin");
    let training = EndpointUrl::training();
    assert_eq!(training.as_str(), format!("{origin}/training"));
    assert!(training.is_training());
    let here = EndpointUrl::parse(&origin).expect("the page's origin");
    assert!(!here.is_training());
    assert_eq!(here.training_below(), training);
    // A session of the world is never taken for one of the endpoint at the origin, or back.
    assert_ne!(Endpoint::training().id(), Endpoint::http(here).id());
    let transport = HttpTransport::new(training, HttpOptions::default());
    assert_eq!(
        transport.url_of(&client::capabilities()),
        format!("{origin}/training/onshi/v1/capabilities")
    );
    // Nothing typed names the world: an address with a path is refused.
    assert!(EndpointUrl::parse(&format!("{origin}/training")).is_err());
}

#[wasm_bindgen_test]
async fn regression_issue_17_a_request_to_the_training_world_waits_until_a_worker_controls_the_page()
 {
    // `tick` below needs leptos' executor, whichever test runs first.
    ensure_executor();
    let fake = FakeFetch::install(vec![capabilities("1.0.0", &ALL_GROUPS, true)]);
    let worker = FakeWorker::not_controlling(true);
    let endpoint = Endpoint::training();
    let mut sending = pin!(endpoint.send(client::capabilities()));
    // Let the ready promise settle: still nobody controls the page, so nothing may go out.
    for _ in 0..5 {
        assert!(futures::poll!(sending.as_mut()).is_pending());
        leptos::task::tick().await;
    }
    assert!(
        fake.calls().is_empty(),
        "nothing is sent before a worker controls the page"
    );
    worker.take_control();
    let answer = sending
        .await
        .expect("an answer once the worker controls the page");
    assert_eq!(answer.status, 200);
    let calls = fake.calls();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].url.ends_with("/training/onshi/v1/capabilities"));
    assert_eq!(
        worker.listeners("controllerchange"),
        0,
        "the wait leaves no listener behind"
    );
}

#[wasm_bindgen_test]
async fn without_service_workers_training_is_refused_with_its_own_words_and_nothing_is_sent() {
    let fake = FakeFetch::install(vec![capabilities("1.0.0", &ALL_GROUPS, true)]);
    let _worker = FakeWorker::unavailable();
    assert!(!service_worker::available());
    let error = Endpoint::training()
        .send(client::capabilities())
        .await
        .expect_err("no worker, no answer");
    assert!(
        matches!(
            &error,
            TransportError::NoServiceWorker {
                reason: ServiceWorkerError::Unavailable,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        ApiError::from(error).message(),
        labels::TRAINING_NO_SERVICE_WORKER
    );
    assert!(fake.calls().is_empty());

    // Another endpoint does not need a worker.
    let real = Endpoint::http(EndpointUrl::parse("http://endpoint.test").expect("origin"));
    let answer = real.send(client::capabilities()).await.expect("answered");
    assert_eq!(answer.status, 200);
}

#[wasm_bindgen_test]
async fn a_worker_that_never_takes_control_ends_the_wait_with_its_reason() {
    let _worker = FakeWorker::not_controlling(false);
    let started = now_ms();
    let error = service_worker::controlled_within(Duration::from_millis(50))
        .await
        .expect_err("nobody took control");
    assert_eq!(
        error,
        ServiceWorkerError::NotInControl {
            after: Duration::from_millis(50)
        }
    );
    assert!(now_ms() - started >= 45.0);
    assert_eq!(
        ApiError::from(TransportError::NoServiceWorker {
            url: "x".to_owned(),
            reason: error,
        })
        .message(),
        labels::TRAINING_NOT_READY
    );
}

#[wasm_bindgen_test]
async fn the_reader_is_opened_and_its_bytes_travel_under_each_calls_number() {
    let worker = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r7" },
        "send": { "ok": true },
        "receive": { "ok": true, "bytes": [0, 0, 255, 0, 255, 0] },
    }));
    let mut pipe = training_reader::open().await.expect("opened");
    assert_eq!(pipe.id(), "r7");
    pipe.send(&[0xd6, 0x2a, 0x01]).await.expect("sent");
    let received = pipe.receive(64, 100).await.expect("received");
    assert_eq!(received, vec![0, 0, 255, 0, 255, 0]);

    let posted = worker.posted();
    let ops: Vec<&str> = posted
        .iter()
        .map(|m| m["op"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ops, ["open", "send", "receive"]);
    assert!(posted.iter().all(|m| m["onshi"] == "reader"));
    let calls: std::collections::BTreeSet<u64> =
        posted.iter().filter_map(|m| m["call"].as_u64()).collect();
    assert_eq!(calls.len(), 3, "every call has a number of its own");
    assert_eq!(posted[1]["reader"], "r7");
    assert_eq!(posted[1]["bytes"], json!([0xd6, 0x2a, 0x01]));
    assert_eq!(posted[2]["max_len"], 64);
    assert_eq!(posted[2]["timeout_ms"], 100);
}

#[wasm_bindgen_test]
async fn an_answer_for_another_call_is_not_taken_for_this_one() {
    ensure_executor();
    let worker = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r1" },
        "take": "silent",
    }));
    let pipe = training_reader::open().await.expect("opened");
    let mut taking = pin!(pipe.take());
    assert!(futures::poll!(taking.as_mut()).is_pending());
    let take = worker
        .posted()
        .into_iter()
        .find(|m| m["op"] == "take")
        .expect("take was posted");
    let call = take["call"].as_u64().expect("a number");
    // Someone else's answer, and one from another protocol, change nothing.
    worker.announce(json!({ "onshi": "reader", "call": call + 1000, "ok": false, "error": "x" }));
    worker.announce(json!({ "call": call, "ok": false, "error": "x" }));
    leptos::task::tick().await;
    assert!(futures::poll!(taking.as_mut()).is_pending());
    worker.announce(json!({ "onshi": "reader", "call": call, "ok": true }));
    taking.await.expect("its own answer ends the call");
}

#[wasm_bindgen_test]
async fn a_reader_the_worker_no_longer_knows_is_an_unplugged_reader() {
    let _worker = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r1" },
        "send": { "ok": false, "error": "unknown_reader" },
        "receive": { "ok": false, "error": "unknown_reader" },
        "place": { "ok": false, "error": "unknown_reader" },
    }));
    let mut pipe = training_reader::open().await.expect("opened");
    assert_eq!(pipe.send(&[1]).await, Err(PipeError::Disconnected));
    assert_eq!(pipe.receive(64, 100).await, Err(PipeError::Disconnected));
    assert_eq!(
        pipe.place("shinbashi-taro").await,
        Err(TrainingReaderError::UnknownReader {
            reader: "r1".to_owned()
        })
    );
}

#[wasm_bindgen_test]
async fn the_readers_own_timeout_and_a_silent_worker_are_both_timeouts() {
    let _worker = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r1" },
        "receive": { "ok": true, "timeout": true },
    }));
    let mut pipe = training_reader::open().await.expect("opened");
    assert_eq!(pipe.receive(64, 100).await, Err(PipeError::Timeout(100)));
    drop(_worker);

    let _silent = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r2" },
        "receive": "silent",
    }));
    let mut pipe = training_reader::open().await.expect("opened");
    let started = now_ms();
    assert_eq!(pipe.receive(64, 10).await, Err(PipeError::Timeout(10)));
    let waited = now_ms() - started;
    let least = (training_reader::RECEIVE_MARGIN.as_millis() + 10) as f64;
    assert!(
        waited >= least - 5.0,
        "waited {waited} ms, the timeout and the margin are {least}"
    );
}

#[wasm_bindgen_test]
async fn holders_place_and_take_speak_the_protocol() {
    let worker = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r3" },
        "holders": { "ok": true, "holders": [
            { "id": "shinbashi-taro", "name": "新橋　太郎", "kana": "ｼﾝﾊﾞｼ ﾀﾛｳ", "locked": false },
            { "id": "pin-locked", "name": "暗証　固定", "kana": "ｱﾝｼｮｳ ｺﾃｲ", "locked": true },
        ] },
        "place": { "ok": true, "placed": true },
        "take": { "ok": true },
        "close": { "ok": true },
    }));
    let holders = training_reader::holders().await.expect("holders");
    assert_eq!(
        holders,
        vec![
            Holder {
                id: "shinbashi-taro".to_owned(),
                name: "新橋　太郎".to_owned(),
                kana: "ｼﾝﾊﾞｼ ﾀﾛｳ".to_owned(),
                locked: false,
            },
            Holder {
                id: "pin-locked".to_owned(),
                name: "暗証　固定".to_owned(),
                kana: "ｱﾝｼｮｳ ｺﾃｲ".to_owned(),
                locked: true,
            },
        ]
    );
    let pipe = training_reader::open().await.expect("opened");
    assert_eq!(pipe.place("shinbashi-taro").await, Ok(true));
    pipe.take().await.expect("taken");
    pipe.close().await.expect("closed");
    let posted = worker.posted();
    let place = posted.iter().find(|m| m["op"] == "place").expect("place");
    assert_eq!(place["reader"], "r3");
    assert_eq!(place["person"], "shinbashi-taro");
    assert!(
        posted
            .iter()
            .any(|m| m["op"] == "take" && m["reader"] == "r3")
    );
    assert!(
        posted
            .iter()
            .any(|m| m["op"] == "close" && m["reader"] == "r3")
    );
}

#[wasm_bindgen_test]
async fn a_refusal_is_told_in_words_and_keeps_its_code() {
    let _worker = FakeWorker::controlling(json!({ "open": { "ok": false, "error": "busy" } }));
    let error = training_reader::open().await.expect_err("refused");
    assert_eq!(
        error,
        TrainingReaderError::Refused {
            op: "open".to_owned(),
            code: "busy".to_owned()
        }
    );
    assert_eq!(error.message(), labels::TRAINING_READER_FAILED);
}
