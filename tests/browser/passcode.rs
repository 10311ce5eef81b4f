//! 目視確認用パスコード発行 (S8): against the training world (run in the page) 002 issues a code after
//! a confirmation naming its user ID, sees four digits once, and after OK the code is gone; a second
//! issue gives a code again and the reader's 職員用ボタン then refuses the first. Against a scripted
//! endpoint, キャンセル sends nothing, a refusal is shown on the page, the buttons wait while the
//! request is under way, and a session that ended leads to the sign-in page.

use std::rc::Rc;

use onshi::transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport};
use onshi_core::{
    account::AccountKind,
    catalogue, client,
    contract::{ProblemCode, groups::StaffMode},
};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlButtonElement;

use crate::{
    fake_fetch::{FakeFetch, capabilities, json, problem, routed, silence},
    support::{
        Mounted, NINE_AM, clear_session, click, count, manual_clock, mount_with, path, sign_in,
        store_session_of, text, until,
    },
    world::InPageWorld,
};

use onshi::labels;

const PATH: &str = "/visual-check-passcode";
const ISSUE: &str = "[data-testid=passcode-issue]";
const CONFIRM: &str = "[data-testid=passcode-confirm]";
const ISSUED: &str = "[data-testid=passcode-issued]";
const VALUE: &str = "[data-testid=passcode-value]";
const ERROR: &str = "[data-testid=passcode-error]";
const BASE: &str = "http://127.0.0.1:9";

/// The button of the dialog `dialog` labelled `label`.
fn button(app: &Mounted, dialog: &str, label: &str) -> HtmlButtonElement {
    let buttons = app
        .root
        .query_selector_all(&format!("{dialog} button"))
        .expect("selector");
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .find(|b| b.text_content().as_deref().map(str::trim) == Some(label))
        .unwrap_or_else(|| panic!("no button {label} in {dialog}"))
        .unchecked_into()
}

/// Presses 「発行」 and waits for the confirmation.
async fn open_confirmation(app: &Mounted) {
    click(&app.root, ISSUE);
    leptos::task::tick().await;
    until("the confirmation", || count(&app.root, CONFIRM) == 1).await;
}

/// Presses Escape in the dialog `dialog` (web-sys is built without `KeyboardEventInit`, so the event
/// is made by the page's own constructor).
fn press_escape(app: &Mounted, dialog: &str) {
    let window = web_sys::window().expect("window");
    let constructor: js_sys::Function = js_sys::Reflect::get(&window, &"KeyboardEvent".into())
        .expect("KeyboardEvent")
        .unchecked_into();
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"key".into(), &"Escape".into()).expect("key");
    js_sys::Reflect::set(&init, &"bubbles".into(), &true.into()).expect("bubbles");
    let event: web_sys::Event =
        js_sys::Reflect::construct(&constructor, &js_sys::Array::of2(&"keydown".into(), &init))
            .expect("an event")
            .unchecked_into();
    app.root
        .query_selector(dialog)
        .expect("selector")
        .expect("the dialog")
        .dispatch_event(&event)
        .expect("dispatch");
}

/// Issues a code through the screen: 発行, OK, the code read, and its dialog closed with OK.
async fn issue(app: &Mounted) -> String {
    open_confirmation(app).await;
    button(app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    until("the code", || count(&app.root, VALUE) == 1).await;
    let code = text(&app.root, VALUE).expect("the code is shown");
    assert_eq!(count(&app.root, CONFIRM), 0, "the confirmation closed");
    button(app, ISSUED, "OK").click();
    leptos::task::tick().await;
    until("the code's dialog to close", || {
        count(&app.root, ISSUED) == 0
    })
    .await;
    code
}

/// The reader's 職員用ボタン with `passcode`, as the patient-side panel sends it: the answer's status.
async fn staff_mode(endpoint: &Endpoint, token: &str, reader: &str, passcode: &str) -> u16 {
    let staff = StaffMode {
        user_id: "002".to_owned(),
        passcode: passcode.to_owned(),
    };
    endpoint
        .send(client::staff_mode(token, reader, &staff))
        .await
        .expect("the transport answers")
        .status
}

#[wasm_bindgen_test]
async fn a_code_is_shown_once_and_a_new_one_replaces_it() {
    clear_session();
    let world = InPageWorld::open("passcode").await;
    let (clock, _) = manual_clock();
    let endpoint = world.endpoint();
    let token = sign_in(&endpoint, "002", "Onshi*002*002").await;
    let app = mount_with(PATH, endpoint.clone(), clock);
    until("the screen", || count(&app.root, ISSUE) == 1).await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some(labels::TILE_PASSCODE)
    );
    assert_eq!(
        text(&app.root, ".passcode-explanation").as_deref(),
        Some(labels::PASSCODE_EXPLANATION)
    );

    // The confirmation names the signed-in user's ID (seed 004 step 6).
    open_confirmation(&app).await;
    assert_eq!(
        text(&app.root, &format!("{CONFIRM} .dialog-title")).as_deref(),
        Some("目視確認用パスコード発行")
    );
    let message = text(&app.root, &format!("{CONFIRM} .dialog-message")).expect("a message");
    assert_eq!(
        message,
        "目視確認用パスコードを発行します。よろしいですか?\nユーザID:002"
    );
    button(&app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    until("the code", || count(&app.root, VALUE) == 1).await;
    let first = text(&app.root, VALUE).expect("the code");
    assert!(
        first.len() == 4 && first.bytes().all(|b| b.is_ascii_digit()),
        "four digits: {first:?}"
    );
    let shown = text(&app.root, ISSUED).expect("the dialog");
    assert!(shown.contains(labels::PASSCODE_LABEL), "{shown}");
    assert!(shown.contains(labels::PASSCODE_REMEMBER), "{shown}");
    assert!(shown.contains(labels::PASSCODE_SHOWN_ONCE), "{shown}");
    // Escape does not close it: the code cannot be shown again.
    press_escape(&app, ISSUED);
    leptos::task::tick().await;
    assert_eq!(count(&app.root, VALUE), 1, "Escape left the code shown");

    // After OK the code is nowhere on the page.
    button(&app, ISSUED, "OK").click();
    leptos::task::tick().await;
    until("the code's dialog to close", || {
        count(&app.root, ISSUED) == 0
    })
    .await;
    assert_eq!(count(&app.root, VALUE), 0);
    let html = app.root.inner_html();
    assert!(!html.contains(&format!(">{first}<")), "the code is gone");
    assert_eq!(text(&app.root, ERROR).as_deref(), Some(""));
    // The code opens 目視確認 at the reader.
    assert_eq!(staff_mode(&endpoint, &token, "reader-1", &first).await, 200);

    // Re-issue is the same button; it gives a code each time (four random digits may repeat, so
    // issue until one differs), and the reader then refuses the first.
    let mut second = issue(&app).await;
    for _ in 0..5 {
        if second != first {
            break;
        }
        second = issue(&app).await;
    }
    assert!(
        second.len() == 4 && second.bytes().all(|b| b.is_ascii_digit()),
        "four digits: {second:?}"
    );
    assert_ne!(second, first, "a new code came within six issues");
    assert_eq!(count(&app.root, VALUE), 0);
    let refused = staff_mode(&endpoint, &token, "reader-2", &first).await;
    assert_eq!(refused, ProblemCode::PasscodeInvalid.status());
    assert_eq!(refused, 403);
    assert_eq!(
        staff_mode(&endpoint, &token, "reader-2", &second).await,
        200
    );
    drop(app);
    drop(world);
    clear_session();
}

/// The requests the screen sent to issue a code.
fn issues(fake: &FakeFetch) -> usize {
    fake.calls()
        .iter()
        .filter(|c| c.method == "POST" && c.url.ends_with("/onshi/v1/visual-check-passcode"))
        .count()
}

fn scripted_endpoint() -> Endpoint {
    Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(BASE).expect("url"),
        HttpOptions::default(),
    )))
}

#[wasm_bindgen_test]
async fn cancel_sends_nothing_a_refusal_is_shown_and_the_buttons_wait() {
    let fake = FakeFetch::install(vec![
        capabilities("1.0.0", &["session", "passcode"], false),
        // The first issue is refused, the second answered with a code that starts with 0, the third
        // never answered.
        problem(403, "forbidden", "t"),
        json(
            201,
            &json!({ "user_id": "t1", "passcode": "0427", "issued_at": "2026-11-22T09:00:00+09:00" }),
        ),
        silence(),
    ]);
    store_session_of(BASE, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let app = mount_with(PATH, scripted_endpoint(), clock);
    until("the screen", || count(&app.root, ISSUE) == 1).await;

    // キャンセル closes the confirmation and sends nothing; the confirmation named the session's ID.
    open_confirmation(&app).await;
    assert_eq!(
        text(&app.root, &format!("{CONFIRM} .dialog-message")).as_deref(),
        Some(labels::passcode_confirm("t1").as_str())
    );
    button(&app, CONFIRM, "キャンセル").click();
    leptos::task::tick().await;
    until("the confirmation to close", || {
        count(&app.root, CONFIRM) == 0
    })
    .await;
    assert_eq!(issues(&fake), 0);
    assert_eq!(count(&app.root, ISSUED), 0);

    // A refusal is shown on the page, as the endpoint's problem says.
    open_confirmation(&app).await;
    button(&app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    until("the refusal", || {
        text(&app.root, ERROR).as_deref() == Some(catalogue::PROBLEM_FORBIDDEN)
    })
    .await;
    assert_eq!(issues(&fake), 1);
    assert_eq!(count(&app.root, CONFIRM), 0);
    assert_eq!(count(&app.root, ISSUED), 0);
    assert_eq!(
        app.root
            .query_selector(ERROR)
            .expect("selector")
            .and_then(|e| e.get_attribute("role"))
            .as_deref(),
        Some("alert")
    );

    // The next issue clears the refusal and shows the code as sent, its leading zero kept.
    open_confirmation(&app).await;
    assert_eq!(text(&app.root, ERROR).as_deref(), Some(""));
    button(&app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    until("the code", || count(&app.root, VALUE) == 1).await;
    assert_eq!(text(&app.root, VALUE).as_deref(), Some("0427"));
    assert_eq!(issues(&fake), 2);
    button(&app, ISSUED, "OK").click();
    leptos::task::tick().await;
    until("the code's dialog to close", || {
        count(&app.root, ISSUED) == 0
    })
    .await;
    assert!(!app.root.inner_html().contains("0427"), "the code is gone");

    // While a request is under way, neither OK nor キャンセル can be pressed again.
    open_confirmation(&app).await;
    button(&app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    until("the request", || issues(&fake) == 3).await;
    until("the buttons to wait", || {
        button(&app, CONFIRM, "OK").disabled() && button(&app, CONFIRM, "キャンセル").disabled()
    })
    .await;
    let issue_button: HtmlButtonElement = app
        .root
        .query_selector(ISSUE)
        .expect("selector")
        .expect("the button")
        .unchecked_into();
    assert!(issue_button.disabled());
    button(&app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    assert_eq!(issues(&fake), 3, "a disabled OK sends nothing");
    press_escape(&app, CONFIRM);
    leptos::task::tick().await;
    assert_eq!(count(&app.root, CONFIRM), 1, "Escape waits too");
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn a_session_that_ended_leads_to_the_sign_in_page() {
    let fake = FakeFetch::install(vec![
        capabilities("1.0.0", &["session", "passcode"], false),
        routed(
            "/onshi/v1/visual-check-passcode",
            problem(401, "session_expired", "t"),
        ),
        problem(404, "not_found", "t"),
    ]);
    store_session_of(BASE, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let app = mount_with(PATH, scripted_endpoint(), clock);
    until("the screen", || count(&app.root, ISSUE) == 1).await;
    open_confirmation(&app).await;
    button(&app, CONFIRM, "OK").click();
    leptos::task::tick().await;
    until("the sign-in page", || {
        path() == "/login" && count(&app.root, "[data-testid=session-notice]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=session-notice]").as_deref(),
        Some(catalogue::SIGNED_OUT_IDLE)
    );
    assert_eq!(issues(&fake), 1);
    assert_eq!(count(&app.root, ERROR), 0);
    clear_session();
}
