//! Training's reader panel (S9), opened with the frame's toggle against an endpoint that offers the
//! training group: the screens follow the reader's mode (no 顔認証 in 暗証番号認証固定), a malformed PIN
//! or passcode is refused at its field and never sent, a wrong one is told at the field, and the
//! visit carries exactly the method and the consents chosen, and a refused one is told until OK;
//! 職員用ボタン opens a visual check and 「中止」 closes it, each applied from the endpoint's answer at
//! once.
//!
//! The helpers here also drive the panel for the reception screen's tests.

use onshi::{
    route::Route,
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::account::AccountKind;
use serde_json::{Value, json};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, json, problem, routed, stream},
    support::{
        Mounted, NINE_AM, clear_session, click, count, manual_clock, mount_with, set_input,
        store_session_of, text, until,
    },
};

pub const MESSAGE: &str = "[data-testid=reader-screen-message]";
pub const ERROR: &str = "[data-testid=reader-screen-error]";
/// The list of cards once read (again).
pub const PEOPLE_SETTLED: &str = "#panel_person[aria-busy=false]";
const PLACE_CARD: &str = "マイナンバーカードを置いてください";
const CHOOSE_METHOD: &str = "本人確認の方法を選んでください";
const ASK_MEDICAL: &str = "過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。";
const ASK_CHECKUPS: &str = "過去の特定健診等情報を当機関に提供することに同意しますか。";
const ASK_LIMIT: &str = "限度額情報や特定疾病療養受療証情報を提供しますか。";
const DONE: &str = "確認が完了しました";
const VISUAL_START: &str =
    "資格確認を開始します。\n目視で本人確認を行いマイナンバーカードを置いてください。";

/// Shows the panel with the frame's toggle and waits for the readers and the cards.
pub async fn open_panel(root: &web_sys::HtmlElement) {
    until("the panel's toggle", || {
        count(root, "[data-testid=reader-panel-toggle]") == 1
    })
    .await;
    click(root, "[data-testid=reader-panel-toggle]");
    until("the panel with its readers and cards", || {
        count(root, "#panel_reader option") > 0
            && count(root, "#panel_person option") > 0
            && count(root, PEOPLE_SETTLED) == 1
    })
    .await;
}

/// The labels of the buttons on the reader's screen.
pub fn buttons(root: &web_sys::HtmlElement) -> Vec<String> {
    let list = root
        .query_selector_all("[data-testid=reader-screen] button")
        .expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|b| b.text_content().unwrap_or_default().trim().to_owned())
        .collect()
}

/// Presses the button of the reader's screen labelled `label`, once it is shown (the screens are
/// drawn a tick after each step).
pub async fn press(root: &web_sys::HtmlElement, label: &str) {
    let find = || {
        let list = root
            .query_selector_all("[data-testid=reader-screen] button")
            .expect("selector");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .find(|b| b.text_content().is_some_and(|t| t.trim() == label))
    };
    until(&format!("the button {label}"), || find().is_some()).await;
    let button = find().expect("the button is shown");
    button.unchecked_into::<web_sys::HtmlElement>().click();
}

/// Waits until the screen's text is `expected`.
pub async fn shows(root: &web_sys::HtmlElement, expected: &str) {
    until(&format!("the screen: {expected}"), || {
        text(root, MESSAGE).as_deref() == Some(expected)
    })
    .await;
}

/// Chooses `value` in the `<select>` matching `selector`, as a person would.
pub fn choose(root: &web_sys::HtmlElement, selector: &str, value: &str) {
    let select = root
        .query_selector(selector)
        .expect("selector")
        .expect("the select exists");
    js_sys::Reflect::set(&select, &"value".into(), &value.into()).expect("value");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).expect("event");
    select.dispatch_event(&change).expect("dispatch");
}

/// Places `person`'s card on the panel's reader.
pub async fn place_card(root: &web_sys::HtmlElement, person: &str) {
    until("the cards", || count(root, PEOPLE_SETTLED) == 1).await;
    choose(root, "#panel_person", person);
    press(root, "カードを置く").await;
}

/// Answers the three consent screens with `answers` (診療・薬剤・手術情報, 特定健診等情報, 限度額情報等).
pub async fn answer(root: &web_sys::HtmlElement, answers: [bool; 3]) {
    let screens = [
        (ASK_MEDICAL, "同意する", "同意しない"),
        (ASK_CHECKUPS, "同意する", "同意しない"),
        (ASK_LIMIT, "提供する", "提供しない"),
    ];
    for ((question, yes, no), given) in screens.into_iter().zip(answers) {
        shows(root, question).await;
        press(root, if given { yes } else { no }).await;
    }
}

/// The whole visit by face: the card, 顔認証を行う, 撮影する, the consents, 確認が完了しました, OK.
pub async fn visit_by_face(root: &web_sys::HtmlElement, person: &str, answers: [bool; 3]) {
    place_card(root, person).await;
    shows(root, CHOOSE_METHOD).await;
    press(root, "顔認証を行う").await;
    shows(root, "顔を枠内に入れてください").await;
    press(root, "撮影する").await;
    answer(root, answers).await;
    shows(root, DONE).await;
    press(root, "OK").await;
}

fn reader(id: &str, label: &str, mode: &str, pending: Option<Value>) -> Value {
    json!({
        "id": id, "device_name": format!("{label}の顔認証付きカードリーダー"), "label": label,
        "mode": mode,
        "modes": [
            {"mode": "unattended", "label": "無人運転"},
            {"mode": "pin_only", "label": "暗証番号認証固定"},
            {"mode": "visual", "label": "目視確認"},
        ],
        "etag": "\"1\"", "pending_visual_check": pending, "completed_visual_check": null,
    })
}

fn person(id: &str, name: &str) -> Value {
    json!({
        "id": id, "name": name, "kana": "ｵｵﾀ ｶｽﾞｺ", "birthdate": "1960-04-01",
        "sex": {"code": "2", "label": "女"}, "insurer_number": "138123", "number": "1234",
        "outcome": {"code": "1", "label": "有効"}, "note": "有効", "pin_locked": false,
    })
}

/// An endpoint with the training group whose readers are `readers`; `script` answers the panel's
/// writes in order.
fn endpoint(readers: Vec<Value>, script: Vec<Value>) -> (FakeFetch, Mounted) {
    let mut groups = ALL_GROUPS.to_vec();
    groups.push("training");
    let mut answers = vec![
        capabilities("1.0.0", &groups, true),
        routed(
            "kind=face_unreadable",
            json(200, &json!({"events": [], "last_id": 0, "newest_id": 5})),
        ),
        routed(
            "/events?after=0&limit=1",
            json(200, &json!({"events": [], "last_id": 0, "newest_id": 5})),
        ),
        routed("/events?after=5", stream(vec![], "hang")),
        routed("/v1/readers", json(200, &json!({"readers": readers}))),
        routed(
            "/training/people",
            json(
                200,
                &json!({"items": [person("ota-kazuko", "太田　和子"), person("minato-haru", "港　ハル")]}),
            ),
        ),
        routed("/session/activity", no_content()),
    ];
    answers.extend(script);
    let fake = FakeFetch::install(answers);
    let base = "http://127.0.0.1:9";
    store_session_of(base, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(base).expect("url"),
        HttpOptions::default(),
    )));
    (fake, mount_with(Route::Menu.path(), endpoint, clock))
}

/// The bodies of the calls to URLs ending with `path`, as JSON.
fn bodies(fake: &FakeFetch, path: &str) -> Vec<Value> {
    fake.calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.url.ends_with(path))
        .map(|c| serde_json::from_str(&c.body).unwrap_or(Value::Null))
        .collect()
}

/// An answer without a body.
fn no_content() -> Value {
    json!({"status": 204})
}

fn pin_wrong(tries_left: u32) -> Value {
    let mut answer = problem(422, "pin_wrong", "暗証番号が正しくありません。");
    let mut body: Value =
        serde_json::from_str(answer["body"].as_str().expect("a body")).expect("JSON");
    body["tries_left"] = Value::from(tries_left);
    answer["body"] = Value::from(body.to_string());
    answer
}

#[wasm_bindgen_test]
async fn a_pin_only_reader_offers_no_face_and_a_pin_is_checked_before_the_consents() {
    let (fake, app) = endpoint(
        vec![
            reader("reader-1", "外科受付用", "pin_only", None),
            reader("reader-2", "内科受付用", "unattended", None),
        ],
        vec![
            pin_wrong(2),
            no_content(),
            json(
                201,
                &json!({"history_id": 41, "validity": {"code": "1", "label": "有効"}}),
            ),
        ],
    );
    let root = &app.root;
    open_panel(root).await;
    assert_eq!(
        text(root, "#panel_reader").as_deref(),
        Some("外科受付用内科受付用")
    );
    shows(root, PLACE_CARD).await;
    assert_eq!(buttons(root), ["カードを置く", "職員用ボタン"]);

    // 暗証番号認証固定: the PIN only.
    place_card(root, "ota-kazuko").await;
    shows(root, CHOOSE_METHOD).await;
    assert_eq!(buttons(root), ["暗証番号を入力", "終了する"]);
    press(root, "暗証番号を入力").await;
    until("the PIN field", || count(root, "#panel_pin") == 1).await;
    let field: web_sys::HtmlInputElement = root
        .query_selector("#panel_pin")
        .expect("selector")
        .expect("the field")
        .unchecked_into();
    assert_eq!(
        (
            field.type_(),
            field.get_attribute("inputmode"),
            field.autocomplete()
        ),
        (
            "password".to_owned(),
            Some("numeric".to_owned()),
            "off".to_owned()
        )
    );

    // Malformed: told at the field, nothing sent.
    for malformed in ["12a", "123", "12345", "１２３４", ""] {
        set_input(root, "#panel_pin", malformed);
        press(root, "確定").await;
        until("the format's message", || {
            text(root, "#panel_pin-message").as_deref()
                == Some("暗証番号は4桁の数字で入力してください。")
        })
        .await;
    }
    assert_eq!(bodies(&fake, "/training/pin-checks"), Vec::<Value>::new());

    // Wrong: told at the field with the tries left, and the field emptied.
    set_input(root, "#panel_pin", "9999");
    press(root, "確定").await;
    until("the wrong PIN's message", || {
        text(root, "#panel_pin-message").as_deref()
            == Some("暗証番号が正しくありません。あと2回間違えると暗証番号がロックされます。")
    })
    .await;
    until("the field emptied", || field.value().is_empty()).await;

    // Right: the consent screens, then the visit with exactly the answers.
    set_input(root, "#panel_pin", "1234");
    press(root, "確定").await;
    shows(root, ASK_MEDICAL).await;
    assert_eq!(
        text(root, ".panel-screen-note").as_deref(),
        Some("この情報はあなたの診察や健康管理のために使用します。")
    );
    answer(root, [true, false, true]).await;
    shows(root, DONE).await;
    assert_eq!(
        bodies(&fake, "/training/pin-checks"),
        [
            json!({"person_id": "ota-kazuko", "pin": "9999"}),
            json!({"person_id": "ota-kazuko", "pin": "1234"}),
        ]
    );
    let visits = bodies(&fake, "/training/reader-visits");
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["reader_id"], "reader-1");
    assert_eq!(visits[0]["person_id"], "ota-kazuko");
    assert_eq!(visits[0]["method"], "pin");
    assert_eq!(visits[0]["pin"], "1234");
    assert_eq!(
        visits[0]["consents"],
        json!({"medical": true, "checkups": false, "limit": true})
    );
    press(root, "OK").await;
    shows(root, PLACE_CARD).await;
    until("the cards read again", || count(root, PEOPLE_SETTLED) == 1).await;
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn the_staff_button_opens_a_visual_check_and_stop_returns_to_unattended() {
    let pending = json!({
        "id": "vc-1", "reader_id": "reader-2", "qualification_date": "2026-11-22", "user_id": "t1",
        "state": "pending", "history_id": null,
    });
    let (fake, app) = endpoint(
        vec![
            reader("reader-1", "外科受付用", "unattended", None),
            reader("reader-2", "内科受付用", "unattended", None),
        ],
        vec![
            problem(403, "passcode_invalid", "パスコードが正しくありません。"),
            json(
                200,
                &reader("reader-2", "内科受付用", "visual", Some(pending.clone())),
            ),
            json(200, &reader("reader-2", "内科受付用", "unattended", None)),
            json(
                200,
                &reader("reader-2", "内科受付用", "visual", Some(pending)),
            ),
            json(
                201,
                &json!({"history_id": 42, "validity": {"code": "1", "label": "有効"}}),
            ),
        ],
    );
    let root = &app.root;
    open_panel(root).await;
    choose(root, "#panel_reader", "reader-2");
    shows(root, PLACE_CARD).await;

    // 職員用ボタン: the signed-in user's ID is filled in; malformed input is told and not sent.
    press(root, "職員用ボタン").await;
    shows(root, "目視確認用パスコード（4桁）を入力してください").await;
    let user: web_sys::HtmlInputElement = root
        .query_selector("#panel_user")
        .expect("selector")
        .expect("the user field")
        .unchecked_into();
    until("the signed-in user's ID", || user.value() == "t1").await;
    set_input(root, "#panel_user", "");
    set_input(root, "#panel_passcode", "12");
    press(root, "確定").await;
    until("both messages", || {
        text(root, "#panel_user-message").as_deref() == Some("ユーザIDを入力してください。")
            && text(root, "#panel_passcode-message").as_deref()
                == Some("パスコードは4桁の数字で入力してください。")
    })
    .await;
    assert_eq!(bodies(&fake, "/staff-mode"), Vec::<Value>::new());

    // A refused code is told at its field; the reader stays as it was.
    set_input(root, "#panel_user", "t1");
    set_input(root, "#panel_passcode", "1111");
    press(root, "確定").await;
    until("the refusal", || {
        text(root, "#panel_passcode-message").as_deref() == Some("パスコードが正しくありません。")
    })
    .await;
    assert_eq!(text(root, "#panel_user-message").as_deref(), Some(""));
    assert_eq!(
        text(root, "[data-reader=reader-2] .frame-reader-mode").as_deref(),
        Some("無人運転")
    );

    // The right one: the answer is applied at once, to the panel and the frame's strip.
    set_input(root, "#panel_passcode", "2222");
    press(root, "確定").await;
    shows(root, VISUAL_START).await;
    assert_eq!(buttons(root), ["カードを置く", "中止"]);
    assert_eq!(
        text(root, "[data-reader=reader-2] .frame-reader-mode").as_deref(),
        Some("目視確認")
    );
    assert_eq!(
        bodies(&fake, "/training/readers/reader-2/staff-mode"),
        [
            json!({"user_id": "t1", "passcode": "1111"}),
            json!({"user_id": "t1", "passcode": "2222"}),
        ]
    );

    // 中止: back to 無人運転.
    press(root, "中止").await;
    shows(root, PLACE_CARD).await;
    assert_eq!(
        text(root, "[data-reader=reader-2] .frame-reader-mode").as_deref(),
        Some("無人運転")
    );
    assert_eq!(bodies(&fake, "/training/readers/reader-2/cancel").len(), 1);

    // Again, and a card: straight to the consent screens; the visit is a visual one.
    press(root, "職員用ボタン").await;
    until("the passcode field", || count(root, "#panel_passcode") == 1).await;
    set_input(root, "#panel_passcode", "2222");
    press(root, "確定").await;
    shows(root, VISUAL_START).await;
    place_card(root, "minato-haru").await;
    shows(root, ASK_MEDICAL).await;
    answer(root, [false, true, false]).await;
    shows(root, DONE).await;
    let visits = bodies(&fake, "/training/reader-visits");
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["reader_id"], "reader-2");
    assert_eq!(visits[0]["person_id"], "minato-haru");
    assert_eq!(visits[0]["method"], "visual");
    assert!(visits[0]["pin"].is_null(), "{}", visits[0]);
    assert_eq!(
        visits[0]["consents"],
        json!({"medical": false, "checkups": true, "limit": false})
    );
    // The visit's end reads the readers again (the check is done).
    until("the readers read again", || {
        fake.calls()
            .iter()
            .filter(|c| c.url.ends_with("/v1/readers"))
            .count()
            >= 2
    })
    .await;
    press(root, "OK").await;
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn a_refused_visit_is_told_and_ok_returns_to_the_waiting_screen() {
    let (fake, app) = endpoint(
        vec![reader("reader-1", "外科受付用", "unattended", None)],
        vec![problem(
            409,
            "reader_mode_conflict",
            "カードリーダーの現在のモードではこの操作はできません。",
        )],
    );
    let root = &app.root;
    open_panel(root).await;
    place_card(root, "minato-haru").await;
    shows(root, CHOOSE_METHOD).await;
    assert_eq!(
        buttons(root),
        ["顔認証を行う", "暗証番号を入力", "終了する"]
    );
    press(root, "顔認証を行う").await;
    press(root, "撮影する").await;
    answer(root, [true, true, true]).await;
    until("the refusal", || {
        text(root, ERROR).as_deref()
            == Some("カードリーダーの現在のモードではこの操作はできません。")
    })
    .await;
    assert_eq!(buttons(root), ["OK"]);
    assert_eq!(
        bodies(&fake, "/training/reader-visits")[0]["method"],
        "face"
    );
    press(root, "OK").await;
    shows(root, PLACE_CARD).await;
    assert_eq!(text(root, ERROR).as_deref(), Some(""));
    drop(app);
    clear_session();
}
