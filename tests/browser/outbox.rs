//! The outbox's sending (decisions.md D4) against a scripted endpoint: a write the endpoint
//! says is still with the national side (409 `idempotency_in_progress`) waits as 回答待ち — kept, not
//! failed — and is sent again later under the same key until its answer comes; a 502
//! `national_answer_refused` is an answer, told with its title and never sent again.

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use onshi::{
    platform::{clock::Clock, outbox_store::OutboxState},
    route::Route,
    state::{Delivery, provide_app_state, use_capabilities, use_outbox},
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::{account::AccountKind, client};
use serde_json::{Value, json};
use std::rc::Rc;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::fake_fetch::{FakeFetch, capabilities, problem, routed};
use crate::support::{
    NINE_AM, clear_session, click, count, ensure_executor, mount_with, store_session_of, text,
    until,
};

/// An endpoint of its own, so that no other test's frame replays this test's entries.
const BASE: &str = "http://127.0.0.1:14";
/// The real outbox's database (`platform::outbox_store::REAL_OUTBOX`).
const DATABASE: &str = "onshi-outbox";
/// A 照会番号 registration (the core's wire fixture, hand-written) and its accepted answer.
const REQUEST: &str = include_str!("../../crates/onshi-core/tests/fixtures/wire/siimm01req.xml");
const ACCEPTED: &str = include_str!("../../crates/onshi-core/tests/fixtures/wire/siimm01res.xml");
const IN_PROGRESS_TITLE: &str =
    "同じ内容の送信がオンライン資格確認等システムの回答待ちです。しばらくしてから再度送信します。";
const AWAITING: &str =
    "回答待ち（オンライン資格確認等システムの回答を待っています。自動で再送します）";

fn endpoint() -> Endpoint {
    let base = EndpointUrl::parse(BASE).expect("a valid origin");
    Endpoint::Http(Rc::new(HttpTransport::new(base, HttpOptions::default())))
}

/// 409 `idempotency_in_progress` with the endpoint's `Retry-After`, as the reference endpoint sends it.
fn in_progress() -> Value {
    let mut answer = problem(409, "idempotency_in_progress", IN_PROGRESS_TITLE);
    answer["headers"]["Retry-After"] = Value::from("10");
    answer
}

fn accepted() -> Value {
    json!({
        "status": 200,
        "headers": { "Content-Type": "application/xml" },
        "body": ACCEPTED,
    })
}

/// The endpoint's answers besides the registrations, which `script` answers in order.
fn answers(script: Vec<Value>) -> Vec<Value> {
    let mut answers = vec![
        capabilities(
            "1.2.0",
            &["session", "qualification", "history", "reference_numbers"],
            false,
        ),
        routed("/session/activity", json!({ "status": 204 })),
    ];
    answers.extend(script);
    answers
}

/// The Idempotency-Key of every registration sent so far.
fn keys_sent(fake: &FakeFetch) -> Vec<String> {
    fake.calls()
        .iter()
        .filter(|c| c.url.ends_with("/onshi/v1/reference-numbers"))
        .map(|c| c.header("Idempotency-Key").unwrap_or_default().to_owned())
        .collect()
}

async fn delete_outbox() {
    Database::delete_by_name(DATABASE)
        .expect("delete")
        .await
        .expect("deleted");
}

/// Sends the registration through the outbox of app state outside any screen; answers what the
/// outbox said and the owner (dropping it ends that state).
async fn send_registration() -> (Delivery, Owner) {
    ensure_executor();
    let owner = Owner::new();
    let outbox = owner.with(|| {
        let (clock, _) = Clock::manual(NINE_AM);
        provide_app_state(endpoint(), clock);
        use_outbox()
    });
    let delivery = outbox
        .send(client::register_reference("", REQUEST.as_bytes().to_vec()))
        .await
        .expect("kept and sent");
    // The state's own reading of the capabilities finishes before the owner may go.
    until("the capabilities", || {
        owner.with(|| use_capabilities().get().is_some())
    })
    .await;
    (delivery, owner)
}

#[wasm_bindgen_test]
async fn a_write_still_with_the_national_side_waits_unfailed_and_goes_again_under_its_key() {
    // 409 idempotency_in_progress is no failure; the same key is sent until the answer.
    delete_outbox().await;
    store_session_of(BASE, AccountKind::General, NINE_AM);
    let fake = FakeFetch::install(answers(vec![in_progress(), in_progress(), accepted()]));

    let (delivery, owner) = send_registration().await;
    assert_eq!(delivery, Delivery::AwaitingAnswer);
    let outbox = owner.with(use_outbox);
    let entries = owner.with(|| outbox.entries().get_untracked());
    assert_eq!(entries.len(), 1, "the write is kept");
    assert_eq!(entries[0].state, OutboxState::AwaitingAnswer);
    assert_eq!(owner.with(|| outbox.unsent().get_untracked()), 1);
    drop(owner);

    // 未送信の登録: its replay on opening sends it again and meets the same wait, which is shown as
    // waiting, not as a failure.
    let (clock, _) = Clock::manual(NINE_AM);
    let app = mount_with(Route::Outbox.path(), endpoint(), clock);
    until("the second attempt", || keys_sent(&fake).len() == 2).await;
    until("the waiting entry", || {
        text(&app.root, "[data-testid=outbox-state]").as_deref() == Some(AWAITING)
    })
    .await;
    assert_eq!(count(&app.root, ".outbox-pending"), 1);
    assert_eq!(count(&app.root, ".outbox-failed"), 0);
    assert_eq!(
        text(&app.root, "[data-testid=outbox-content]").as_deref(),
        Some("照会番号登録：K-000123（31130842 2022 010001 01）")
    );

    // 「今すぐ再送」 once the answer is there: the endpoint replays it under the same key. A press
    // while the opening replay still runs does nothing (one replay at a time), so press until the
    // third attempt goes out.
    until("the third attempt", || {
        if keys_sent(&fake).len() >= 3 {
            return true;
        }
        click(&app.root, "[data-testid=outbox-resend]");
        false
    })
    .await;
    until("the answer", || {
        text(&app.root, "[data-testid=outbox-state]").as_deref()
            == Some("送信済み：照会番号を登録しました。")
    })
    .await;
    let keys = keys_sent(&fake);
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(!keys[0].is_empty());
    assert!(keys.iter().all(|k| k == &keys[0]), "one key: {keys:?}");

    click(&app.root, ".outbox-done button");
    until("nothing left", || {
        count(&app.root, "[data-testid=outbox-empty]") == 1
    })
    .await;
    drop(app);
    clear_session();
    delete_outbox().await;
}

#[wasm_bindgen_test]
async fn a_refused_national_answer_is_an_answer_told_with_its_title() {
    // 502 national_answer_refused reached the national side; sending it again would only
    // replay the refusal, so the write is done and staff check its outcome.
    delete_outbox().await;
    store_session_of(BASE, AccountKind::General, NINE_AM);
    let title = "オンライン資格確認等システムからの回答を確認できませんでした。要求は送信済みのため、再送せずに処理結果を確認してください（資格確認端末の状態を確認し、解決しない場合は資格確認端末の販売業者にお問い合わせください）。";
    let fake = FakeFetch::install(answers(vec![problem(
        502,
        "national_answer_refused",
        "the answer file is not this request's",
    )]));
    let (delivery, owner) = send_registration().await;
    match delivery {
        Delivery::Answered { outcome, .. } => assert_eq!(outcome, title),
        other => panic!("not an answer: {other:?}"),
    }
    let outbox = owner.with(use_outbox);
    assert!(
        owner.with(|| outbox.entries().get_untracked()).is_empty(),
        "the screen that sent it shows the answer; nothing is kept"
    );
    assert_eq!(keys_sent(&fake).len(), 1);
    drop(owner);
    clear_session();
    delete_outbox().await;
}
