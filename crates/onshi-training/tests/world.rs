//! The training world in a browser (wasm-bindgen-test in headless Chromium): requests through
//! `World::respond` as the service worker hands them over, what each writes to IndexedDB, a second
//! world on the same database, the version-1 database migrated or refused, the event stream, and the
//! virtual reader's messages.

#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use futures::future::{Either, select};
use js_sys::{Reflect, Uint8Array};
use onshi_core::{
    canned,
    card::{
        mynumber::{self, CardError},
        reader::{CardLink, PipeError, ReaderModel, UsbPipe, driver},
        virtual_card::card_holders,
    },
    client::{self, HistorySearch},
    contract::{self, Headers, Method, Problem, Request, Response, session::SignedIn},
    dispatch::{Config, Dispatcher, Env},
    store::{self, MemoryStore, journal::RecordKind},
    time::Timestamp,
};
use onshi_training::{World, idb, platform};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const TARO: &[u8] = include_bytes!("../../onshi-core/tests/fixtures/wire/siquc01req-taro.xml");

fn fresh_database(test: &str) -> String {
    format!("onshi-training-test-{test}-{}", js_sys::Math::random())
}

async fn open(database: &str) -> Rc<World> {
    Rc::new(World::open(database).await)
}

/// The fetch `Request` the service worker would hand over for a contract request.
fn fetch_request(request: &Request) -> web_sys::Request {
    let origin: String = Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|l| Reflect::get(&l, &"origin".into()))
        .ok()
        .and_then(|o| o.as_string())
        .expect("the test page has an origin");
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    let headers = web_sys::Headers::new().expect("headers");
    for (name, value) in request.headers.iter() {
        headers.append(name, value).expect("a header");
    }
    init.set_headers(&headers);
    if !request.body.is_empty() {
        init.set_body(&Uint8Array::from(request.body.as_slice()));
    }
    web_sys::Request::new_with_str_and_init(&format!("{origin}/training{}", request.target), &init)
        .expect("a request")
}

/// Sends `request` through the world as the service worker does, and reads the answer whole.
async fn send(world: &Rc<World>, request: Request) -> Response {
    let response = world
        .respond(&fetch_request(&request))
        .await
        .expect("a response");
    let mut headers = Headers::new();
    if let Ok(Some(entries)) = js_sys::try_iter(response.headers().as_ref()) {
        for entry in entries.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            headers.append(
                &pair.get(0).as_string().expect("name"),
                pair.get(1).as_string().expect("value"),
            );
        }
    }
    let buffer = JsFuture::from(response.array_buffer().expect("a body"))
        .await
        .expect("the body reads");
    Response {
        status: response.status(),
        headers,
        body: Uint8Array::new(&buffer).to_vec(),
    }
}

fn code_of(response: &Response) -> String {
    serde_json::from_slice::<Problem>(&response.body)
        .map(|p| p.code)
        .unwrap_or_default()
}

async fn sign_in(world: &Rc<World>, user: &str, password: &str) -> String {
    let response = send(world, client::sign_in(user, password, false)).await;
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    serde_json::from_slice::<SignedIn>(&response.body)
        .expect("a sign-in answer")
        .token
}

#[wasm_bindgen_test]
async fn a_request_through_handle_answers_like_the_dispatcher() {
    let database = fresh_database("answers");
    let world = open(&database).await;
    assert_eq!(world.refusal().await, None);

    // The capabilities, byte for byte those of the training dispatcher on the canned store.
    let answer = send(&world, client::capabilities()).await;
    let mut store = canned::training_store();
    let mut random = platform::GlobalRandom;
    let expected = Dispatcher::new(Config::training()).dispatch(
        &mut store,
        &mut Env {
            now: Timestamp::from_millis(js_sys::Date::now() as i64),
            random: &mut random,
        },
        &client::capabilities(),
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, expected.body);
    assert_eq!(answer.headers.get("Content-Type"), expected.content_type());
    let capabilities: contract::Capabilities =
        serde_json::from_slice(&answer.body).expect("capabilities");
    assert!(capabilities.training);

    // Sign-in with a training account, then a qualification inquiry: the official XML answer and
    // the history entry it was recorded as.
    let token = sign_in(&world, "002", "Onshi*002*002").await;
    let inquiry = send(&world, client::inquire(&token, TARO.to_vec())).await;
    assert_eq!(inquiry.status, 200, "{}", code_of(&inquiry));
    assert!(
        inquiry.content_type().is_some_and(|t| t.contains("xml")),
        "{:?}",
        inquiry.content_type()
    );
    assert!(client::history_id_of(&inquiry).is_some());

    // A wrong password is refused as the dispatcher refuses it.
    let wrong = send(&world, client::sign_in("002", "wrong", false)).await;
    assert_eq!(
        (wrong.status, code_of(&wrong).as_str()),
        (401, "invalid_credentials")
    );

    // An address under /training that is not the contract's is not the world's.
    let mut outside = client::capabilities();
    outside.target = "/index.html".to_owned();
    let answer = send(&world, outside).await;
    assert_eq!(
        (answer.status, code_of(&answer).as_str()),
        (404, "not_found")
    );
}

#[wasm_bindgen_test]
async fn regression_issue_17_a_request_that_changes_nothing_writes_nothing() {
    let database = fresh_database("writes");
    let world = open(&database).await;
    // Seeding the empty database is the first write.
    assert_eq!(world.writes().await, 1);

    send(&world, client::capabilities()).await;
    assert_eq!(world.writes().await, 1, "the capabilities wrote");

    let token = sign_in(&world, "002", "Onshi*002*002").await;
    assert_eq!(world.writes().await, 2);
    let written = world.last_written().await;
    assert!(
        written.iter().any(|(kind, _)| *kind == RecordKind::Session),
        "{written:?}"
    );
    assert!(
        !written
            .iter()
            .any(|(kind, _)| matches!(kind, RecordKind::Account | RecordKind::Institution)),
        "{written:?}"
    );

    // Reads of a session that only move its activity stamp (less than a minute later) wait.
    let events = send(&world, client::events(&token, 0)).await;
    assert_eq!(events.status, 200);
    let history = send(&world, client::history(&token, &HistorySearch::default())).await;
    assert_eq!(history.status, 200, "{}", code_of(&history));
    let readers = send(&world, client::readers(&token)).await;
    assert_eq!(readers.status, 200);
    assert_eq!(world.writes().await, 2, "a read wrote");

    // A write writes its records only: the history entry, its message and its event.
    send(&world, client::inquire(&token, TARO.to_vec())).await;
    assert_eq!(world.writes().await, 3);
    let written = world.last_written().await;
    // The session's activity stamp, held back by the reads, goes out with this write.
    for kind in [
        RecordKind::History,
        RecordKind::HistoryMessage,
        RecordKind::Event,
        RecordKind::Session,
    ] {
        assert!(
            written.iter().any(|(k, _)| *k == kind),
            "{kind:?}: {written:?}"
        );
    }
    assert!(
        !written.iter().any(|(kind, _)| matches!(
            kind,
            RecordKind::Account | RecordKind::Institution | RecordKind::Reader | RecordKind::Pin
        )),
        "{written:?}"
    );
}

#[wasm_bindgen_test]
async fn a_second_world_sees_the_first_worlds_session_lock_and_history() {
    let database = fresh_database("worlds");
    let first = open(&database).await;
    let token = sign_in(&first, "002", "Onshi*002*002").await;
    let inquiry = send(&first, client::inquire(&token, TARO.to_vec())).await;
    let history_id = client::history_id_of(&inquiry).expect("a history entry");
    for _ in 0..5 {
        send(&first, client::sign_in("003", "wrong", false)).await;
    }

    // A world opened afterwards (another worker's life) reads what the first wrote.
    let second = open(&database).await;
    let readers = send(&second, client::readers(&token)).await;
    assert_eq!(readers.status, 200, "{}", code_of(&readers));
    let locked = send(&second, client::sign_in("003", "Onshi*003*003", false)).await;
    assert_eq!(
        (locked.status, code_of(&locked).as_str()),
        (423, "account_locked")
    );
    // The history message was not read at open; the detail request loads it.
    let detail = send(&second, client::history_detail(&token, history_id)).await;
    assert_eq!(detail.status, 200, "{}", code_of(&detail));
    assert_eq!(detail.body, inquiry.body);

    // Both alive: what one writes now, the other applies from the broadcast channel, without
    // reading everything again.
    let reloads = first.reloads().await;
    let broadcast = first.changed();
    let later = sign_in(&second, "admin01", "Onshi*admin*01").await;
    broadcast.await.expect("the first world hears of the write");
    let readers = send(&first, client::readers(&later)).await;
    assert_eq!(readers.status, 200, "{}", code_of(&readers));
    assert_eq!(
        first.reloads().await,
        reloads,
        "the broadcast write was not applied"
    );
    let out = send(&first, client::sign_out(&later)).await;
    assert_eq!(out.status, 204);
    let after = send(&second, client::readers(&later)).await;
    assert_eq!(
        after.status, 401,
        "a session ended in one world stands in the other"
    );
}

/// Worlds on different databases share the one channel of the origin (the test pages open many), so
/// each must keep to the broadcasts of its own database.
#[wasm_bindgen_test]
async fn regression_issue_17_a_world_ignores_the_broadcasts_of_another_database() {
    let here = fresh_database("channel-here");
    let elsewhere = fresh_database("channel-elsewhere");
    let listening = open(&here).await;
    let neighbour = open(&here).await;
    let foreign = open(&elsewhere).await;
    // Both fresh databases hold the canned data at the same version, so the foreign write's version
    // is exactly the one the listening world expects next: only the database name tells them apart.
    let woken = listening.changed();

    let foreign_token = sign_in(&foreign, "002", "Onshi*002*002").await;
    // Then a write on the listening world's own database. The channel delivers in order, so once
    // this one has woken the listening world, the foreign one has reached it (or been ignored).
    let own_token = sign_in(&neighbour, "admin01", "Onshi*admin*01").await;
    woken.await.expect("the listening world hears of a write");

    let foreign_session = send(&listening, client::readers(&foreign_token)).await;
    assert_eq!(
        (foreign_session.status, code_of(&foreign_session).as_str()),
        (401, "unauthenticated"),
        "a session of another database became one of this world"
    );
    let own_session = send(&listening, client::readers(&own_token)).await;
    assert_eq!(own_session.status, 200, "{}", code_of(&own_session));
    assert_eq!(
        listening.reloads().await,
        0,
        "the own database's broadcast was applied, not found by reading everything again"
    );
}

/// Writes a database in the version-1 layout: one object store `state` with `store`, `version` and
/// `schema`.
async fn write_v1(database: &str, store: JsValue, schema: f64) {
    let factory = platform::indexed_db().expect("IndexedDB");
    let db = idb::open(&factory, database, 1, &["state"])
        .await
        .expect("a version-1 database");
    let tx = db.write(&["state"]).expect("a transaction");
    let state = tx.store("state").expect("state");
    state.put(store, "store").expect("store");
    state.put(1.0, "version").expect("version");
    state.put(schema, "schema").expect("schema");
    tx.commit().await.expect("committed");
}

async fn v1_state(database: &str) -> Vec<JsValue> {
    let factory = platform::indexed_db().expect("IndexedDB");
    let db = idb::open(&factory, database, 2, &[]).await.expect("open");
    let tx = db.read(&["state"]).expect("a transaction");
    let values = tx
        .store("state")
        .expect("state")
        .get_all(None)
        .await
        .expect("read");
    tx.commit().await.expect("committed");
    values
}

#[wasm_bindgen_test]
async fn regression_issue_17_a_version_1_database_is_migrated_with_its_sessions() {
    let database = fresh_database("migrate");
    // The old layout with a session signed in, so a reseed could not pass for a migration.
    let mut store: MemoryStore = canned::training_store();
    let mut random = platform::GlobalRandom;
    let signed_in = Dispatcher::new(Config::training()).dispatch(
        &mut store,
        &mut Env {
            now: Timestamp::from_millis(js_sys::Date::now() as i64),
            random: &mut random,
        },
        &client::sign_in("002", "Onshi*002*002", false),
    );
    let token = serde_json::from_slice::<SignedIn>(&signed_in.body)
        .expect("signed in")
        .token;
    let text = serde_json::to_string(&store).expect("json");
    write_v1(&database, text.into(), 4.0).await;

    let world = open(&database).await;
    assert_eq!(world.refusal().await, None);
    assert_eq!(world.writes().await, 1, "the migration is one transaction");
    let readers = send(&world, client::readers(&token)).await;
    assert_eq!(readers.status, 200, "{}", code_of(&readers));
    assert!(
        v1_state(&database).await.is_empty(),
        "the old layout is emptied"
    );

    // Opened again, the records are read, not migrated again.
    drop(world);
    let again = open(&database).await;
    assert_eq!(again.writes().await, 0);
    let readers = send(&again, client::readers(&token)).await;
    assert_eq!(readers.status, 200, "{}", code_of(&readers));
}

#[wasm_bindgen_test]
async fn regression_issue_17_unreadable_training_data_is_refused_not_replaced() {
    for (name, store, schema) in [
        ("garbled", JsValue::from_str("{not json"), 4.0),
        (
            "schema3",
            JsValue::from_str(&serde_json::to_string(&canned::training_store()).expect("json")),
            3.0,
        ),
    ] {
        let database = fresh_database(name);
        write_v1(&database, store.clone(), schema).await;
        let world = open(&database).await;
        assert!(world.refusal().await.is_some(), "{name}");
        for request in [
            client::capabilities(),
            client::sign_in("002", "Onshi*002*002", false),
        ] {
            let answer = send(&world, request).await;
            assert_eq!(answer.status, 503, "{name}");
            let problem: Problem = serde_json::from_slice(&answer.body).expect("a problem");
            assert_eq!(problem.code, "training_data_unreadable", "{name}");
            assert!(problem.detail.is_some_and(|d| !d.is_empty()), "{name}");
        }
        assert_eq!(world.writes().await, 0, "{name}");
        drop(world);
        // What was there is still there.
        let kept = v1_state(&database).await;
        assert!(
            kept.iter().any(|v| v.as_string() == store.as_string()),
            "{name}: the stored data was replaced"
        );
    }
}

#[wasm_bindgen_test]
async fn a_database_of_a_newer_version_is_refused() {
    let database = fresh_database("newer");
    let factory = platform::indexed_db().expect("IndexedDB");
    drop(
        idb::open(&factory, &database, 3, &["meta"])
            .await
            .expect("a newer database"),
    );
    let world = open(&database).await;
    assert!(world.refusal().await.is_some());
    let answer = send(&world, client::capabilities()).await;
    assert_eq!(
        (answer.status, code_of(&answer).as_str()),
        (503, "training_data_unreadable")
    );
}

/// Reads an event stream's body frame by frame.
struct Frames {
    reader: web_sys::ReadableStreamDefaultReader,
    buffer: String,
}

impl Frames {
    fn of(response: &web_sys::Response) -> Frames {
        let body = response.body().expect("a streamed body");
        Frames {
            reader: body.get_reader().unchecked_into(),
            buffer: String::new(),
        }
    }

    /// The next frame (comments skipped), or `None` when the stream ended; fails after 10 s.
    async fn next(&mut self) -> Option<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                if frame.starts_with(':') {
                    continue;
                }
                return Some(frame);
            }
            let read = JsFuture::from(self.reader.read());
            let result = match select(read, Box::pin(platform::sleep(10_000))).await {
                Either::Left((result, _)) => result.expect("the stream reads"),
                Either::Right(_) => panic!("no frame within 10 s; so far {:?}", self.buffer),
            };
            let result: web_sys::ReadableStreamReadResult = result.unchecked_into();
            if result.get_done().unwrap_or(true) {
                return None;
            }
            let bytes = Uint8Array::new(&result.get_value()).to_vec();
            self.buffer
                .push_str(&String::from_utf8(bytes).expect("utf-8"));
        }
    }
}

#[wasm_bindgen_test]
async fn the_event_stream_sends_the_backlog_then_new_events_and_ends_after_logout() {
    let database = fresh_database("stream");
    let world = open(&database).await;
    let token = sign_in(&world, "002", "Onshi*002*002").await;
    send(&world, client::inquire(&token, TARO.to_vec())).await;

    let mut request = client::events(&token, 0);
    request.headers.set("Accept", "text/event-stream");
    let response = world
        .respond(&fetch_request(&request))
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("Content-Type")
            .ok()
            .flatten()
            .as_deref(),
        Some("text/event-stream")
    );
    let mut frames = Frames::of(&response);
    let backlog = frames.next().await.expect("the backlog");
    assert!(backlog.starts_with("id: "), "{backlog}");
    assert!(
        backlog.contains("\nevent: qualification\ndata: {"),
        "{backlog}"
    );
    let first_id: u64 = backlog[4..backlog.find('\n').expect("a line")]
        .parse()
        .expect("an id");

    // A new event arrives without asking.
    send(&world, client::inquire(&token, TARO.to_vec())).await;
    let fresh = frames.next().await.expect("the new event");
    assert!(
        fresh.starts_with(&format!("id: {}\n", first_id + 1)),
        "{fresh}"
    );

    // Resuming by Last-Event-ID skips what was seen.
    let mut resumed = client::events(&token, 0);
    resumed.headers.set("Accept", "text/event-stream");
    resumed
        .headers
        .set(contract::header::LAST_EVENT_ID, first_id.to_string());
    let again = world
        .respond(&fetch_request(&resumed))
        .await
        .expect("a response");
    let mut again = Frames::of(&again);
    let next = again.next().await.expect("the event after");
    assert!(
        next.starts_with(&format!("id: {}\n", first_id + 1)),
        "{next}"
    );
    drop(again.reader.cancel());

    // Logging out ends the stream with `event: end` and the problem that ended it.
    let out = send(&world, client::sign_out(&token)).await;
    assert_eq!(out.status, 204);
    let end = frames.next().await.expect("the end");
    assert!(end.starts_with("event: end\ndata: {"), "{end}");
    assert!(end.contains("\"status\":401"), "{end}");
    assert_eq!(frames.next().await, None, "the stream closes after `end`");

    // A stream asked for without a session is an ordinary refusal.
    let mut anonymous = Request::new(Method::Get, "/events");
    anonymous.headers.set("Accept", "text/event-stream");
    let refused = send(&world, anonymous).await;
    assert_eq!(refused.status, 401);
}

/// Sends one reader message through the exported function and returns the reply.
async fn reader(message: serde_json::Value) -> JsValue {
    let message = js_sys::JSON::parse(&message.to_string()).expect("a message");
    JsFuture::from(onshi_training::reader_message(message))
        .await
        .expect("a reply")
}

fn get(reply: &JsValue, field: &str) -> JsValue {
    Reflect::get(reply, &field.into()).expect("a field")
}

#[wasm_bindgen_test]
async fn reader_messages_open_list_place_take_and_close() {
    let opened = reader(serde_json::json!({"onshi": "reader", "call": 1, "op": "open"})).await;
    assert_eq!(get(&opened, "onshi").as_string().as_deref(), Some("reader"));
    assert_eq!(get(&opened, "call").as_f64(), Some(1.0));
    assert_eq!(get(&opened, "ok").as_bool(), Some(true));
    let id = get(&opened, "reader").as_string().expect("a reader id");

    let holders = reader(serde_json::json!({"onshi": "reader", "call": 2, "op": "holders"})).await;
    let holders: js_sys::Array = get(&holders, "holders").unchecked_into();
    assert!(holders.length() > 0);
    let first = holders.get(0);
    let person = get(&first, "id").as_string().expect("an id");
    assert!(
        get(&first, "name")
            .as_string()
            .is_some_and(|n| !n.is_empty())
    );
    assert!(
        get(&first, "kana")
            .as_string()
            .is_some_and(|n| !n.is_empty())
    );
    assert_eq!(get(&first, "locked").as_bool(), Some(false));

    let placed = reader(serde_json::json!({
        "onshi": "reader", "call": 3, "op": "place", "reader": id, "person": person
    }))
    .await;
    assert_eq!(get(&placed, "placed").as_bool(), Some(true));
    let nobody = reader(serde_json::json!({
        "onshi": "reader", "call": 4, "op": "place", "reader": id, "person": "nobody"
    }))
    .await;
    assert_eq!(get(&nobody, "ok").as_bool(), Some(false));
    assert_eq!(
        get(&nobody, "error").as_string().as_deref(),
        Some("unknown_person")
    );

    // Nothing sent, nothing to receive: the virtual device answers at once.
    let nothing = reader(serde_json::json!({
        "onshi": "reader", "call": 5, "op": "receive", "reader": id, "max_len": 64, "timeout_ms": 100
    }))
    .await;
    assert_eq!(get(&nothing, "timeout").as_bool(), Some(true));

    let taken =
        reader(serde_json::json!({"onshi": "reader", "call": 6, "op": "take", "reader": id})).await;
    assert_eq!(get(&taken, "ok").as_bool(), Some(true));
    let closed =
        reader(serde_json::json!({"onshi": "reader", "call": 7, "op": "close", "reader": id}))
            .await;
    assert_eq!(get(&closed, "ok").as_bool(), Some(true));

    // A reader this worker does not know (closed, or made by a worker since restarted).
    let gone =
        reader(serde_json::json!({"onshi": "reader", "call": 8, "op": "take", "reader": id})).await;
    assert_eq!(get(&gone, "ok").as_bool(), Some(false));
    assert_eq!(
        get(&gone, "error").as_string().as_deref(),
        Some("unknown_reader")
    );
    assert_eq!(get(&gone, "call").as_f64(), Some(8.0));
    let unknown = reader(serde_json::json!({"onshi": "reader", "call": 9, "op": "dance"})).await;
    assert_eq!(
        get(&unknown, "error").as_string().as_deref(),
        Some("unknown_op")
    );
}

/// The page's side of the reader messages: a USB pipe whose transfers are `send` and `receive`
/// messages, as the app's training reader sends them.
struct MessagePipe {
    reader: String,
    calls: u32,
}

impl MessagePipe {
    /// A message of this pipe's reader with the next call number and `fields`.
    fn message(&mut self, fields: serde_json::Value) -> JsValue {
        self.calls += 1;
        let mut message = fields;
        message["onshi"] = "reader".into();
        message["call"] = self.calls.into();
        message["reader"] = self.reader.clone().into();
        js_sys::JSON::parse(&message.to_string()).expect("a message")
    }

    /// Sends `message`; the reply when it is `ok`, else the error code as a transfer failure.
    async fn call(message: JsValue) -> Result<JsValue, PipeError> {
        let reply = JsFuture::from(onshi_training::reader_message(message))
            .await
            .expect("a reply");
        match get(&reply, "ok").as_bool() {
            Some(true) => Ok(reply),
            _ => Err(PipeError::Transfer(
                get(&reply, "error").as_string().unwrap_or_default(),
            )),
        }
    }
}

impl UsbPipe for MessagePipe {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        let message = self.message(serde_json::json!({"op": "send"}));
        // The bytes travel as a Uint8Array, which JSON cannot carry.
        Reflect::set(&message, &"bytes".into(), &Uint8Array::from(bytes).into()).expect("bytes");
        MessagePipe::call(message).await.map(drop)
    }

    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        let message = self.message(
            serde_json::json!({"op": "receive", "max_len": max_len, "timeout_ms": timeout_ms}),
        );
        let reply = MessagePipe::call(message).await?;
        if get(&reply, "timeout").as_bool() == Some(true) {
            return Err(PipeError::Timeout(timeout_ms));
        }
        Ok(Uint8Array::new(&get(&reply, "bytes")).to_vec())
    }
}

#[wasm_bindgen_test]
async fn the_rcs380_driver_talks_port_100_to_the_workers_reader_and_a_locked_pin_stays_locked() {
    let opened = reader(serde_json::json!({"onshi": "reader", "call": 1, "op": "open"})).await;
    let id = get(&opened, "reader").as_string().expect("a reader id");
    // The last card holder: the reader's cards live for the worker (here, the test page), and the
    // listing test expects the first one's PIN untouched.
    let holders = card_holders();
    assert!(holders.len() > 1);
    let holder = holders.last().expect("a card holder").clone();
    assert_ne!(holder.pin, "9999");
    let placed = reader(serde_json::json!({
        "onshi": "reader", "call": 2, "op": "place", "reader": id, "person": holder.id
    }))
    .await;
    assert_eq!(get(&placed, "placed").as_bool(), Some(true));

    let mut link = driver(
        ReaderModel::Rcs380,
        MessagePipe {
            reader: id.clone(),
            calls: 2,
        },
    );
    link.open().await.expect("the reader opens");
    assert!(link.activate().await.expect("a poll"), "no card found");
    mynumber::check_card(&mut link)
        .await
        .expect("a My Number card");
    assert_eq!(mynumber::auth_pin_tries(&mut link).await, Ok(3));
    let wrong = mynumber::Pin::parse("9999").expect("a PIN");
    for tries_left in [2, 1] {
        assert_eq!(
            mynumber::verify_auth_pin(&mut link, &wrong).await,
            Err(CardError::PinWrong { tries_left })
        );
    }
    assert!(matches!(
        mynumber::verify_auth_pin(&mut link, &wrong).await,
        Err(CardError::PinBlocked | CardError::PinWrong { tries_left: 0 })
    ));

    // The card is the worker's: taken off and listed again, it is still locked.
    reader(serde_json::json!({"onshi": "reader", "call": 99, "op": "take", "reader": id})).await;
    let holders =
        reader(serde_json::json!({"onshi": "reader", "call": 100, "op": "holders"})).await;
    let holders: js_sys::Array = get(&holders, "holders").unchecked_into();
    let listed = holders
        .iter()
        .find(|h| get(h, "id").as_string().as_deref() == Some(holder.id.as_str()))
        .expect("listed");
    assert_eq!(get(&listed, "locked").as_bool(), Some(true));
}

/// How many history records the long-history test writes: 20,000 in the test command (a debug build,
/// bounded like every heavy suite there), 250,000 in `scripts/bench world` (a release build), which
/// sets `ONSHI_HISTORY_RECORDS` when it compiles the test.
const LONG_HISTORY: u64 = match option_env!("ONSHI_HISTORY_RECORDS") {
    Some(text) => parse_count(text),
    None => 20_000,
};

const fn parse_count(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "ONSHI_HISTORY_RECORDS is a number"
        );
        count = count * 10 + (bytes[i] - b'0') as u64;
        i += 1;
    }
    count
}

/// The training store holds a long history (the issue's figure is 250,000 records, run by `scripts/bench
/// world`): a world opens over them (their messages stay in IndexedDB, detached), lists them, and a
/// detail still loads its message on demand. Prints how long the opening took.
#[wasm_bindgen_test]
async fn regression_issue_17_the_training_store_holds_a_long_history() {
    let database = fresh_database("large");
    let first = open(&database).await;
    let token = sign_in(&first, "002", "Onshi*002*002").await;
    let inquiry = send(&first, client::inquire(&token, TARO.to_vec())).await;
    let history_id = client::history_id_of(&inquiry).expect("a history entry");

    // The rest written raw, as a long history would have been: copies of that record under new ids,
    // in transactions of 5,000 so that the page keeps answering its test runner in between.
    let factory = platform::indexed_db().expect("IndexedDB");
    let db = idb::open(&factory, &database, 2, &[])
        .await
        .expect("the world's database");
    let history = RecordKind::History.store_name();
    let tx = db.read(&[history]).expect("a transaction");
    let template = tx
        .store(history)
        .expect("history")
        .get(store::journal::numeric_key(history_id))
        .await
        .expect("read")
        .and_then(|v| v.as_string())
        .expect("the inquiry's record");
    tx.commit().await.expect("committed");
    let mut record: serde_json::Value = serde_json::from_str(&template).expect("JSON");
    let ids: Vec<u64> = (history_id + 1..history_id + LONG_HISTORY).collect();
    for batch in ids.chunks(5_000) {
        let tx = db.write(&[history]).expect("a transaction");
        let records = tx.store(history).expect("history");
        for &id in batch {
            record["id"] = id.into();
            records
                .put(record.to_string(), store::journal::numeric_key(id))
                .expect("a put");
        }
        tx.commit().await.expect("committed");
    }
    drop(db);

    // A world opened afterwards (the worker started again) holds them all.
    let started = js_sys::Date::now();
    let world = open(&database).await;
    let answer = send(&world, client::history(&token, &HistorySearch::default())).await;
    let opened = js_sys::Date::now() - started;
    assert_eq!(answer.status, 200, "{}", code_of(&answer));
    let page: contract::groups::HistoryPage =
        serde_json::from_slice(&answer.body).expect("a history page");
    assert_eq!(page.total, LONG_HISTORY as usize);
    let detail = send(&world, client::history_detail(&token, history_id)).await;
    assert_eq!(detail.status, 200, "{}", code_of(&detail));
    assert_eq!(detail.body, inquiry.body);
    wasm_bindgen_test::console_log!(
        "a world over {LONG_HISTORY} history records opened and answered its first search in {opened:.0} ms"
    );
}
