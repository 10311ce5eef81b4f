//! 顔認証付きカードリーダー操作 (S7) against the training world (run in the page): the guides' モード切替
//! dialogs, the frame's strip that follows the modes, a stale ETag told and read again (D7), and
//! 目視確認実行 refused with the reason at its field while the reader or 資格確認日 does not allow it.

use onshi::route::Route;
use onshi_core::{client, contract::groups::ReaderList};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    support::{
        Mounted, NINE_AM, clear_session, click, count, manual_clock, mount_with, set_input,
        sign_in, text, until,
    },
    world::InPageWorld,
};

const CONFIRM: &str = "[data-testid=mode-switch-confirm]";
const DONE: &str = "[data-testid=mode-switch-done]";
const IDENTIV: &str = "Identiv CLOUD 3701 F Contactless Reader 0";
const PASORI: &str = "Sony FeliCa Port/PaSoRi 3.0 0";

/// Signs in as 002 at a training world in the page, its clock standing at the page's 09:00 (today is
/// the same day for both), and opens the screen by its address (routers of earlier tests in this
/// page still listen for link clicks).
async fn open_readers(test: &str) -> (Mounted, InPageWorld) {
    clear_session();
    let world = InPageWorld::open(test).await;
    world.fix_clock_at(NINE_AM).await;
    sign_in(&world.endpoint(), "002", "Onshi*002*002").await;
    let (clock, _) = manual_clock();
    let app = mount_with(Route::Readers.path(), world.endpoint(), clock);
    until("the readers", || {
        count(&app.root, ".reader-row") == 2 && count(&app.root, ".frame-reader") == 2
    })
    .await;
    (app, world)
}

/// The mode shown green for a reader.
fn current(app: &Mounted, reader: &str) -> Option<String> {
    text(
        &app.root,
        &format!("[data-reader={reader}] .mode-button.mode-current"),
    )
}

/// The frame's strip as (label, mode) pairs.
fn strip(app: &Mounted) -> Vec<(String, String)> {
    let items = app
        .root
        .query_selector_all(".frame-reader")
        .expect("selector");
    (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|node| {
            let element: web_sys::Element = node.unchecked_into();
            let part = |selector: &str| {
                element
                    .query_selector(selector)
                    .ok()
                    .flatten()
                    .and_then(|e| e.text_content())
                    .unwrap_or_default()
            };
            (part(".frame-reader-label"), part(".frame-reader-mode"))
        })
        .collect()
}

/// Presses a mode's button in a reader's row.
fn press_mode(app: &Mounted, reader: &str, mode: &str) {
    let buttons = app
        .root
        .query_selector_all(&format!("[data-reader={reader}] .mode-button"))
        .expect("selector");
    let button = (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .find(|b| b.text_content().as_deref() == Some(mode))
        .unwrap_or_else(|| panic!("no button {mode} for {reader}"));
    button.unchecked_into::<web_sys::HtmlElement>().click();
}

/// Answers the open dialog `dialog` with its first (OK) button.
fn ok(app: &Mounted, dialog: &str) {
    click(&app.root, &format!("{dialog} .button-primary"));
}

fn message(app: &Mounted, dialog: &str) -> Option<String> {
    text(&app.root, &format!("{dialog} .dialog-message"))
}

#[wasm_bindgen_test]
async fn a_switch_is_asked_and_told_and_the_frame_follows() {
    let (app, world) = open_readers("readers-switch").await;
    assert_eq!(
        text(&app.root, "[data-reader=reader-1] .reader-device").as_deref(),
        Some(IDENTIV)
    );
    assert_eq!(
        text(&app.root, "[data-reader=reader-2] .reader-device").as_deref(),
        Some(PASORI)
    );
    assert_eq!(current(&app, "reader-1").as_deref(), Some("無人運転"));
    press_mode(&app, "reader-1", "目視確認");
    until("the confirmation", || count(&app.root, CONFIRM) == 1).await;
    assert_eq!(
        message(&app, CONFIRM),
        Some(format!(
            "目視確認モードに切り替えます。よろしいですか？\nカードリーダー：{IDENTIV}"
        ))
    );
    ok(&app, CONFIRM);
    until("the completion", || count(&app.root, DONE) == 1).await;
    assert_eq!(
        message(&app, DONE),
        Some(format!(
            "目視確認モードに切り替えました。\nカードリーダー：{IDENTIV}"
        ))
    );
    ok(&app, DONE);
    until("the dialogs closed", || {
        count(&app.root, DONE) == 0 && count(&app.root, CONFIRM) == 0
    })
    .await;
    assert_eq!(current(&app, "reader-1").as_deref(), Some("目視確認"));
    assert_eq!(
        text(&app.root, "[data-testid=selected-mode]").as_deref(),
        Some("※選択中のモード：目視確認")
    );
    assert_eq!(
        strip(&app),
        [
            ("外科受付用".to_owned(), "目視確認".to_owned()),
            ("内科受付用".to_owned(), "無人運転".to_owned())
        ]
    );
    // キャンセル sends nothing.
    press_mode(&app, "reader-2", "暗証番号認証固定");
    until("the confirmation", || count(&app.root, CONFIRM) == 1).await;
    let buttons = app
        .root
        .query_selector_all(&format!("{CONFIRM} button"))
        .expect("selector");
    let cancel = (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .find(|b| b.text_content().as_deref() == Some("キャンセル"))
        .expect("キャンセル");
    cancel.unchecked_into::<web_sys::HtmlElement>().click();
    until("the dialog closed", || count(&app.root, CONFIRM) == 0).await;
    assert_eq!(current(&app, "reader-2").as_deref(), Some("無人運転"));
    drop(app);
    drop(world);
    clear_session();
}

/// Two staff switching the same reader at once — the slower one is told and shown the mode
/// the reader is really in.
#[wasm_bindgen_test]
async fn a_stale_etag_is_told_and_the_list_read_again() {
    let (app, world) = open_readers("readers-stale").await;
    press_mode(&app, "reader-2", "暗証番号認証固定");
    until("the confirmation", || count(&app.root, CONFIRM) == 1).await;

    // Another terminal on the same training data switches it first.
    let other = world.endpoint();
    let signed_in = other
        .send(client::sign_in("admin01", "Onshi*admin*01", false))
        .await
        .expect("answer");
    let token =
        serde_json::from_slice::<serde_json::Value>(&signed_in.body).expect("json")["token"]
            .as_str()
            .expect("a token")
            .to_owned();
    let listed = other.send(client::readers(&token)).await.expect("answer");
    let list: ReaderList = serde_json::from_slice(&listed.body).expect("readers");
    let etag = list.readers[1].etag.clone();
    let switched = other
        .send(client::set_mode(&token, "reader-2", &etag, "visual"))
        .await
        .expect("answer");
    assert_eq!(switched.status, 200);

    ok(&app, CONFIRM);
    until("the outcome", || count(&app.root, DONE) == 1).await;
    assert_eq!(
        message(&app, DONE).as_deref(),
        Some("他の端末でモードが変更されました。最新の状態を読み込み直しました。")
    );
    until("the list read again", || {
        current(&app, "reader-2").as_deref() == Some("目視確認")
    })
    .await;
    drop(app);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn the_visual_check_is_refused_at_its_field_until_mode_and_date_allow_it() {
    let (app, world) = open_readers("readers-visual").await;
    let date: web_sys::HtmlInputElement = app
        .root
        .query_selector("#qualification_date")
        .expect("selector")
        .expect("the date field")
        .unchecked_into();
    assert_eq!(date.value(), "2026/11/22", "資格確認日 starts as today");
    // In 無人運転 the checkbox does not stay checked, and says why.
    click(&app.root, "#identity_confirmed");
    until("the reason", || {
        text(&app.root, "#identity_confirmed-message").as_deref()
            == Some("選択中のカードリーダーを目視確認モードに切り替えてから実行してください。")
    })
    .await;
    assert_eq!(count(&app.root, "[data-testid=visual-run-confirm]"), 0);
    let checkbox: web_sys::HtmlInputElement = app
        .root
        .query_selector("#identity_confirmed")
        .expect("selector")
        .expect("checkbox")
        .unchecked_into();
    assert!(!checkbox.checked());

    press_mode(&app, "reader-1", "目視確認");
    until("the confirmation", || count(&app.root, CONFIRM) == 1).await;
    ok(&app, CONFIRM);
    until("the completion", || count(&app.root, DONE) == 1).await;
    ok(&app, DONE);
    until("目視確認", || {
        current(&app, "reader-1").as_deref() == Some("目視確認")
    })
    .await;

    for (typed, expected) in [
        ("2026/11/23", "資格確認日に未来の日付は入力できません。"),
        ("", "資格確認日を入力してください。"),
    ] {
        set_input(&app.root, "#qualification_date", typed);
        click(&app.root, "#identity_confirmed");
        until("the date's message", || {
            text(&app.root, "#qualification_date-message").as_deref() == Some(expected)
        })
        .await;
        assert_eq!(count(&app.root, "[data-testid=visual-run-confirm]"), 0);
        assert!(!checkbox.checked(), "{typed:?} leaves it unchecked");
    }
    // 和暦 is accepted, and 目視確認実行 asks.
    set_input(&app.root, "#qualification_date", "令和8年11月22日");
    click(&app.root, "#identity_confirmed");
    until("目視確認実行", || {
        count(&app.root, "[data-testid=visual-run-confirm]") == 1
    })
    .await;
    assert_eq!(
        message(&app, "[data-testid=visual-run-confirm]").as_deref(),
        Some(
            "目視確認による資格照会を行います。\n目視で本人確認を行いましたら「OK」ボタンを押してください。"
        )
    );
    ok(&app, "[data-testid=visual-run-confirm]");
    until("waiting for the patient", || {
        text(&app.root, "[data-testid=visual-waiting]").as_deref()
            == Some("患者にマイナンバーカードを顔認証付きカードリーダーに置いてもらい、画面指示に従い操作していただきます。")
    })
    .await;
    drop(app);
    drop(world);
    clear_session();
}
