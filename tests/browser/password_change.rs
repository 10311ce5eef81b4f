//! パスワード変更 (S14): the form's findings (empty, weak, unchanged, mismatch) stand next to
//! their fields and nothing is sent; the endpoint's field error (a wrong current password) stands at
//! its field; an account that must change its password is held on the screen until it has, and the
//! change clears that state. In training mode (the training world, run in the page) the change
//! reaches the world and the old password no longer signs in.

use std::rc::Rc;

use onshi::transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport};
use onshi_core::{account::AccountKind, catalogue, client};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;

use crate::{
    fake_fetch::{FakeFetch, capabilities, problem},
    support::{
        Mounted, NINE_AM, clear_session, click, count, manual_clock, mount_with, path, set_input,
        sign_in, store_session_with, stored_session, text, until,
    },
    world::InPageWorld,
};

use onshi::labels;

const PATH: &str = "/password";
const BASE: &str = "http://127.0.0.1:9";
const SUBMIT: &str = "[data-testid=password-change-submit]";
const FIRST: &str = "[data-testid=password-change-first]";
const CHANGED: &str = "[data-testid=password-changed]";
const CURRENT: &str = "#current_password";
const NEW: &str = "#new_password";
const CONFIRM: &str = "#new_password_confirm";

fn scripted_endpoint() -> Endpoint {
    Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(BASE).expect("url"),
        HttpOptions::default(),
    )))
}

/// The message under each field: current, new, confirmation.
fn messages(app: &Mounted) -> [String; 3] {
    [CURRENT, NEW, CONFIRM].map(|field| {
        text(&app.root, &format!("{field}-message")).expect("every field has its message line")
    })
}

/// Fills the three fields and presses 「変更」.
async fn submit(app: &Mounted, current: &str, new: &str, confirm: &str) {
    set_input(&app.root, CURRENT, current);
    set_input(&app.root, NEW, new);
    set_input(&app.root, CONFIRM, confirm);
    click(&app.root, SUBMIT);
    leptos::task::tick().await;
}

/// The requests that changed a password.
fn changes(fake: &FakeFetch) -> usize {
    fake.calls()
        .iter()
        .filter(|c| c.method == "PUT" && c.url.ends_with("/onshi/v1/session/password"))
        .count()
}

/// Presses OK in the completion dialog.
fn press_ok(app: &Mounted) {
    let button: HtmlElement = app
        .root
        .query_selector(&format!("{CHANGED} button"))
        .expect("selector")
        .expect("the dialog's OK")
        .unchecked_into();
    button.click();
}

/// The problem code of a refusal.
fn code_of(response: &onshi_core::contract::Response) -> String {
    let problem: serde_json::Value = serde_json::from_slice(&response.body).expect("a problem");
    problem["code"].as_str().unwrap_or_default().to_owned()
}

#[wasm_bindgen_test]
async fn bad_input_is_told_at_its_field_and_an_account_that_must_change_is_held_until_it_has() {
    let fake = FakeFetch::install(vec![
        capabilities("1.0.0", &["session", "history"], false),
        // The first change is refused for a wrong current password, the second accepted.
        json!({
            "status": 422,
            "headers": { "Content-Type": "application/problem+json" },
            "body": json!({
                "type": "https://onshi.example/problems/invalid_request",
                "title": catalogue::PROBLEM_INVALID_REQUEST,
                "status": 422,
                "code": "invalid_request",
                "errors": [{ "field": "current", "message": catalogue::CURRENT_PASSWORD_WRONG }],
            })
            .to_string(),
        }),
        json!({ "status": 204 }),
    ]);
    store_session_with(BASE, AccountKind::Master, NINE_AM, true);
    let (clock, _) = manual_clock();

    // Another screen leads to パスワード変更, and is not even built: nothing asks for the history.
    let app = mount_with("/history", scripted_endpoint(), clock);
    until("パスワード変更", || {
        path() == PATH && count(&app.root, SUBMIT) == 1
    })
    .await;
    assert!(
        fake.calls().iter().all(|c| c.url.contains("/capabilities")),
        "only the capabilities were read: {:?}",
        fake.calls()
    );
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("パスワード変更")
    );
    let first = text(&app.root, FIRST).expect("the first sign-in's notice");
    assert!(first.contains(labels::PASSWORD_CHANGE_FIRST), "{first}");
    assert!(
        first.contains(labels::PASSWORD_CHANGE_FIRST_NOTE),
        "{first}"
    );
    let policy = text(&app.root, "[data-testid=password-policy]").expect("the policy");
    for rule in catalogue::password_policy() {
        assert!(policy.contains(&rule), "{policy} names {rule}");
    }
    assert_eq!(messages(&app), ["", "", ""].map(str::to_owned));

    // Empty: every field says so.
    submit(&app, "", "", "").await;
    until("the findings", || !messages(&app)[0].is_empty()).await;
    assert_eq!(
        messages(&app),
        [
            catalogue::PASSWORD_REQUIRED,
            catalogue::PASSWORD_REQUIRED,
            labels::PASSWORD_CONFIRM_REQUIRED
        ]
        .map(str::to_owned)
    );
    assert_eq!(
        app.root
            .query_selector(CURRENT)
            .expect("selector")
            .and_then(|e| e.get_attribute("aria-invalid"))
            .as_deref(),
        Some("true")
    );

    // Weak: the policy, at the new password.
    submit(&app, "Issued*Pass*1", "short1", "short1").await;
    until("the weak password's finding", || {
        messages(&app)[1] == catalogue::PASSWORD_WEAK
    })
    .await;
    assert_eq!(
        messages(&app),
        ["", catalogue::PASSWORD_WEAK, ""].map(str::to_owned)
    );

    // Unchanged: the new password is the current one.
    submit(&app, "Issued*Pass*1", "Issued*Pass*1", "Issued*Pass*1").await;
    until("the unchanged password's finding", || {
        messages(&app)[1] == catalogue::PASSWORD_UNCHANGED
    })
    .await;
    assert_eq!(
        messages(&app),
        ["", catalogue::PASSWORD_UNCHANGED, ""].map(str::to_owned)
    );

    // Mismatch: the confirmation differs.
    submit(&app, "Issued*Pass*1", "Kotoshi*2026", "Kotoshi*2025").await;
    until("the mismatch", || {
        messages(&app)[2] == labels::PASSWORD_CONFIRM_MISMATCH
    })
    .await;
    assert_eq!(
        messages(&app),
        ["", "", labels::PASSWORD_CONFIRM_MISMATCH].map(str::to_owned)
    );
    assert_eq!(changes(&fake), 0, "nothing was sent for bad input");

    // The endpoint's field error stands at its field, and nothing above the button.
    submit(&app, "Wrong*Pass*1", "Kotoshi*2026", "Kotoshi*2026").await;
    until("the endpoint's finding", || {
        messages(&app)[0] == catalogue::CURRENT_PASSWORD_WRONG
    })
    .await;
    assert_eq!(changes(&fake), 1);
    assert_eq!(
        messages(&app),
        [catalogue::CURRENT_PASSWORD_WRONG, "", ""].map(str::to_owned)
    );
    assert_eq!(
        text(&app.root, "[data-testid=password-change-error]").as_deref(),
        Some("")
    );
    let sent = fake
        .calls()
        .into_iter()
        .find(|c| c.method == "PUT")
        .expect("the change");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&sent.body).expect("JSON"),
        json!({ "current": "Wrong*Pass*1", "new": "Kotoshi*2026" }),
        "the confirmation is not sent"
    );
    assert!(stored_session().expect("a session").must_change_password);

    // Accepted: the completion, the must-change state cleared, the fields emptied, and on OK the menu.
    submit(&app, "Issued*Pass*1", "Kotoshi*2026", "Kotoshi*2026").await;
    until("the completion", || count(&app.root, CHANGED) == 1).await;
    assert_eq!(changes(&fake), 2);
    assert_eq!(
        text(&app.root, &format!("{CHANGED} .dialog-message")).as_deref(),
        Some(labels::PASSWORD_CHANGED)
    );
    assert!(!stored_session().expect("a session").must_change_password);
    assert_eq!(count(&app.root, FIRST), 0, "the notice went with the state");
    assert_eq!(messages(&app), ["", "", ""].map(str::to_owned));
    for field in [CURRENT, NEW, CONFIRM] {
        let input: web_sys::HtmlInputElement = app
            .root
            .query_selector(field)
            .expect("selector")
            .expect("the field")
            .unchecked_into();
        assert_eq!(input.value(), "", "{field} was emptied");
    }
    press_ok(&app);
    leptos::task::tick().await;
    until("the menu", || {
        path() == "/menu" && count(&app.root, ".menu a.tile") > 0
    })
    .await;
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn a_session_that_learns_its_password_must_be_changed_is_taken_to_the_screen() {
    // The session began before an administrator reset the password: the endpoint refuses the
    // history with 403 `password_change_required`, and the screen gives way to パスワード変更.
    let _fake = FakeFetch::install(vec![
        capabilities("1.0.0", &["session", "history"], false),
        problem(
            403,
            "password_change_required",
            catalogue::PROBLEM_PASSWORD_CHANGE_REQUIRED,
        ),
    ]);
    store_session_with(BASE, AccountKind::General, NINE_AM, false);
    let (clock, _) = manual_clock();
    let app = mount_with("/history", scripted_endpoint(), clock);
    until("パスワード変更", || {
        path() == PATH && count(&app.root, FIRST) == 1
    })
    .await;
    assert!(stored_session().expect("a session").must_change_password);
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn in_training_the_tile_changes_the_password_and_the_old_one_no_longer_signs_in() {
    clear_session();
    let world = InPageWorld::open("password-change").await;
    let (clock, _) = manual_clock();
    let endpoint = world.endpoint();
    sign_in(&endpoint, "002", "Onshi*002*002").await;
    let menu = mount_with("/menu", endpoint.clone(), clock.clone());
    until("the menu", || count(&menu.root, ".menu a.tile") > 0).await;

    // The tile is a link for 一般 to the screen. (It is followed by address rather than by a click:
    // routers of earlier tests in this page still listen for link clicks. The end-to-end tests
    // click it in the real app.)
    let tile = ".menu a.tile[href='/password']";
    assert_eq!(
        text(&menu.root, tile).as_deref(),
        Some(labels::TILE_PASSWORD_CHANGE)
    );
    drop(menu);
    let app = mount_with(PATH, endpoint.clone(), clock.clone());
    until("パスワード変更", || {
        path() == PATH && count(&app.root, SUBMIT) == 1
    })
    .await;
    // Not a first sign-in: no notice.
    assert_eq!(count(&app.root, FIRST), 0);

    // The training world checks the current password, and its finding stands at the field.
    submit(&app, "Wrong*002*002", "Kotoshi*2026", "Kotoshi*2026").await;
    until("the dispatcher's finding", || {
        messages(&app)[0] == catalogue::CURRENT_PASSWORD_WRONG
    })
    .await;

    submit(&app, "Onshi*002*002", "Kotoshi*2026", "Kotoshi*2026").await;
    until("the completion", || count(&app.root, CHANGED) == 1).await;
    press_ok(&app);
    leptos::task::tick().await;
    until("the menu", || path() == "/menu").await;
    drop(app);

    // The old password no longer signs in; the new one does. The session stays as it is, so its ID
    // answers as in use (409, checked after the password): a forced sign-in would revoke it under
    // the menu's own requests still on their way.
    let old = endpoint
        .send(client::sign_in("002", "Onshi*002*002", false))
        .await
        .expect("an answer");
    assert_eq!(old.status, 401);
    assert_eq!(code_of(&old), "invalid_credentials");
    let new = endpoint
        .send(client::sign_in("002", "Kotoshi*2026", false))
        .await
        .expect("an answer");
    assert_eq!(new.status, 409);
    assert_eq!(code_of(&new), "session_in_use");
    drop(world);
    clear_session();
}
