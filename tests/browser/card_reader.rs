//! The general-purpose card reader on 「マイナンバーカードで確認」.
//!
//! In training, the virtual RC-S380 and the canned people's virtual cards live in the training world
//! (run in the page here, `world`, its reader reached by messages as through the service worker),
//! through the same driver a USB reader gets: a card read, its PIN checked, the consents answered
//! and the challenge signed opens as 資格情報確認; wrong PINs count down to the lock and its guidance;
//! a malformed PIN is refused at the field and never reaches the card; a card taken off mid-flow is
//! told and waited for again. A scripted worker (`fake_worker`) refuses or no longer knows the reader,
//! as staff are told. The WebUSB adapter is driven by a scripted `navigator.usb`
//! (`fake_usb`): how it asks for readers, its transfers (a timed-out `transferIn` reused, stalls), and
//! each failure as staff are told it (a protected-class reader, a closed chooser, no WebUSB, a reader
//! unplugged in the middle of a transfer or while polling).

use std::{cell::Cell, rc::Rc};

use futures::future::join;
use onshi::{
    labels,
    platform::clock::Clock,
    platform::usb::{self, UsbError},
    route::Route,
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::{
    account::AccountKind,
    card::reader::{PipeError, ReaderModel, UsbPipe},
};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, json, routed, stream},
    fake_usb::{FakeUsb, ccid_reader, rcs380},
    fake_worker::FakeWorker,
    reader_panel::choose,
    support::{
        Mounted, NINE_AM, clear_session, consents, count, manual_clock, mount_at, mount_with,
        set_input, sign_in, store_session, store_session_of, stored_session, text, until,
        until_within,
    },
    world::InPageWorld,
};

const MESSAGE: &str = "[data-testid=card-patient-message]";
const ALERT: &str = "[data-testid=card-reader-error]";
const STATUS: &str = "[data-testid=card-reader-status]";
const TRIES: &str = "[data-testid=card-pin-tries]";
const PIN_MESSAGE: &str = "#card_pin-message";
const ROW: &str = "[data-testid=reception-row]";

const PLACE: &str = "マイナンバーカードをカードリーダーに置いてください";
const ENTER_PIN: &str = "暗証番号（4桁）を入力してください";
const TAKE: &str = "カードをカードリーダーから取ってください";
const VIRTUAL: &str = "接続中：仮想カードリーダー（研修用・Sony RC-S380 相当）";
const REMOVED: &str = "カードが取り外されました。もう一度カードを置いてください。";
const PIN_FORMAT: &str = "暗証番号は4桁の数字で入力してください。";
const PROTECTED: &str = "このカードリーダーは使用できません。Chrome は、スマートカード（CCID）クラスのカードリーダーをWebページから使うことを許可していません。Sony PaSoRi RC-S380 は使用できます（RC-S300 は実機での動作を確認していません）。";
const CANCELLED: &str = "カードリーダーが選択されませんでした。「カードリーダーを接続」を押し、表示される一覧からカードリーダーを選んでください。";
const UNAVAILABLE: &str = "このブラウザでは汎用カードリーダーを利用できません。Google Chrome または Microsoft Edge で、https（または localhost）で開いたページから利用してください。";
const UNPLUGGED: &str =
    "カードリーダーが取り外されました。接続し直してから「カードリーダーを接続」を押してください。";

/// The labels of the section's buttons.
fn button(root: &web_sys::HtmlElement, label: &str) -> Option<web_sys::HtmlElement> {
    let list = root
        .query_selector_all("[data-testid=card-reader] button")
        .expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .find(|b| b.text_content().is_some_and(|t| t.trim() == label))
        .map(JsCast::unchecked_into)
}

/// Presses the section's button labelled `label` once it is shown and enabled.
async fn press(app: &Mounted, label: &str) {
    until_within(&format!("the button {label}"), 3000, || {
        button(&app.root, label).is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    button(&app.root, label).expect("shown").click();
    leptos::task::tick().await;
}

/// Waits until the patient-facing panel says `expected`.
async fn shows(app: &Mounted, expected: &str) {
    for _ in 0..500 {
        leptos::task::tick().await;
        if text(&app.root, MESSAGE).as_deref() == Some(expected) {
            return;
        }
        crate::support::sleep(10).await;
    }
    panic!(
        "the patient's screen shows {:?}, not {expected:?}; the alert says {:?}; the status {:?}",
        text(&app.root, MESSAGE),
        text(&app.root, ALERT),
        text(&app.root, STATUS)
    );
}

async fn alert_is(app: &Mounted, expected: &str) {
    until_within(&format!("the alert: {expected}"), 5000, || {
        text(&app.root, ALERT).as_deref() == Some(expected)
    })
    .await;
}

/// The answers of an endpoint a reception screen asks, offering `groups`, on training data or not.
fn reception_answers(groups: &[&str], training: bool) -> Vec<serde_json::Value> {
    vec![
        capabilities("1.0.0", groups, training),
        routed(
            "kind=face_unreadable",
            json(200, &json!({"events": [], "last_id": 0, "newest_id": 0})),
        ),
        routed(
            "/events?after=0&limit=1",
            json(200, &json!({"events": [], "last_id": 0, "newest_id": 0})),
        ),
        routed("/events?after=0", stream(vec![], "hang")),
        routed("/readers", json(200, &json!({"readers": []}))),
        routed(
            "/qualifications?",
            json(
                200,
                &json!({"total": 0, "page": 1, "per_page": 100, "items": []}),
            ),
        ),
    ]
}

/// 「マイナンバーカードで確認」 signed in to training mode's world (answered by the scripted `fetch`,
/// with the card group), once the screen waits for results.
async fn open_reception() -> (Mounted, FakeFetch) {
    let mut groups = ALL_GROUPS.to_vec();
    groups.extend(["card", "training"]);
    let fake = FakeFetch::install(reception_answers(&groups, true));
    store_session(AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let app = mount_at(Route::Reception.path(), clock);
    until_within("the reception screen", 3000, || {
        text(&app.root, "[data-testid=reception-feed]").as_deref()
            == Some("カードリーダーからの結果を待っています。")
    })
    .await;
    (app, fake)
}

/// Connects training's virtual reader and waits for it to look for a card.
async fn use_virtual_reader(app: &Mounted) {
    press(app, "仮想カードリーダーを使う").await;
    until_within("the reader connected", 3000, || {
        text(&app.root, STATUS).as_deref() == Some(VIRTUAL)
    })
    .await;
    shows(app, PLACE).await;
}

/// Places `person`'s card on the virtual reader.
async fn place(app: &Mounted, person: &str) {
    let option = format!("#card_reader_person option[value='{person}']");
    until_within("the worker's list of cards", 3000, || {
        count(&app.root, &option) == 1
    })
    .await;
    choose(&app.root, "#card_reader_person", person);
    press(app, "カードを置く").await;
}

/// Types `pin` on the pad and presses 確定.
async fn enter_pin(app: &Mounted, pin: &str) {
    until_within("the PIN pad", 5000, || count(&app.root, "#card_pin") == 1).await;
    set_input(&app.root, "#card_pin", pin);
    press(app, "確定").await;
}

/// Answers the three consent screens.
async fn answer(app: &Mounted, answers: [bool; 3]) {
    let screens = [
        (
            "過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。",
            "同意する",
            "同意しない",
        ),
        (
            "過去の特定健診等情報を当機関に提供することに同意しますか。",
            "同意する",
            "同意しない",
        ),
        (
            "限度額情報や特定疾病療養受療証情報を提供しますか。",
            "提供する",
            "提供しない",
        ),
    ];
    for ((question, yes, no), given) in screens.into_iter().zip(answers) {
        shows(app, question).await;
        press(app, if given { yes } else { no }).await;
    }
}

/// What the PIN field holds.
fn pin_value(app: &Mounted) -> String {
    app.root
        .query_selector("#card_pin")
        .expect("selector")
        .expect("the PIN field")
        .unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// The `href`s of the links in the section's alert.
fn alert_links(app: &Mounted) -> Vec<String> {
    let list = app
        .root
        .query_selector_all(&format!("{ALERT} a"))
        .expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|a| a.unchecked_into::<web_sys::Element>().get_attribute("href"))
        .collect()
}

/// Signs in as 002 at training mode's world (run in this page) and opens 「マイナンバーカードで確認」
/// on the page's clock, the world's.
async fn open_reception_in_the_world(test: &str) -> (Mounted, InPageWorld) {
    clear_session();
    let world = InPageWorld::open(test).await;
    sign_in(&world.endpoint(), "002", "Onshi*002*002").await;
    // The world keeps real time, so the tab's session was last active now, not at the tests' 09:00.
    let mut session = stored_session().expect("signed in");
    session.last_touch = Clock::page().now();
    onshi::platform::web_storage::WebStorage::Session
        .save(onshi::state::session::STORAGE_KEY, &session);
    let app = mount_with(Route::Reception.path(), world.endpoint(), Clock::page());
    until_within("the reception screen", 3000, || {
        text(&app.root, "[data-testid=reception-feed]").as_deref()
            == Some("カードリーダーからの結果を待っています。")
    })
    .await;
    (app, world)
}

#[wasm_bindgen_test]
async fn a_card_read_on_the_virtual_reader_opens_as_the_qualification_check_with_the_consents() {
    let (app, world) = open_reception_in_the_world("card-reader").await;
    use_virtual_reader(&app).await;
    assert_eq!(
        app.root
            .query_selector("[data-testid=card-patient]")
            .expect("selector")
            .and_then(|p| p.get_attribute("aria-label"))
            .as_deref(),
        Some("患者さま向け画面")
    );

    place(&app, "shinbashi-taro").await;
    shows(&app, ENTER_PIN).await;
    assert_eq!(text(&app.root, TRIES).as_deref(), Some("残り回数：3回"));
    let field = app
        .root
        .query_selector("#card_pin")
        .expect("selector")
        .expect("the PIN field");
    assert_eq!(field.get_attribute("type").as_deref(), Some("password"));
    assert_eq!(field.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert_eq!(field.get_attribute("maxlength").as_deref(), Some("4"));

    enter_pin(&app, "1234").await;
    answer(&app, [true, false, true]).await;
    until_within("the result", 20000, || {
        text(&app.root, "[data-testid=screen-name]").as_deref() == Some("資格情報確認")
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=result-banner]").as_deref(),
        Some("この資格は有効です。")
    );
    let expected = [
        ("限度額適用認定証閲覧同意", "あり"),
        ("特定疾病療養受療証閲覧同意", "あり"),
        ("特定健診情報閲覧同意", "なし"),
        ("薬剤情報閲覧同意", "あり"),
        ("診療情報閲覧同意", "あり"),
        ("手術情報閲覧同意", "あり"),
    ]
    .map(|(l, v)| (l.to_owned(), v.to_owned()));
    assert_eq!(consents(&app), expected);
    assert!(
        text(&app.root, "[data-testid=reader-result]")
            .is_some_and(|t| t.contains("仮想カードリーダー（研修用・Sony RC-S380 相当）")),
        "the reader is named"
    );

    // 次の患者へ(マイナンバーカード): the list has the result from the history, and the reader waits for
    // the card to be taken before it looks for the next one.
    crate::support::button(
        &app.root,
        ".check-buttons",
        "次の患者へ(マイナンバーカード)",
    )
    .expect("次の患者へ(マイナンバーカード)")
    .click();
    until_within("the list with the result", 5000, || {
        text(&app.root, "[data-testid=screen-name]").as_deref() == Some("マイナンバーカードで確認")
            && count(&app.root, ROW) == 1
    })
    .await;
    shows(&app, TAKE).await;
    let place_disabled = || {
        button(&app.root, "カードを置く")
            .expect("the trainer's button")
            .has_attribute("disabled")
    };
    assert!(
        place_disabled(),
        "no next card until the reader has seen this one go"
    );
    press(&app, "カードを取る").await;
    shows(&app, PLACE).await;
    assert!(!place_disabled());

    // The card asks for its PIN's tries afresh each time it is read.
    place(&app, "shinbashi-taro").await;
    shows(&app, ENTER_PIN).await;
    assert_eq!(
        text(&app.root, TRIES).as_deref(),
        Some("残り回数：3回"),
        "the right PIN keeps the counter full"
    );

    press(&app, "切断").await;
    until_within("the reader disconnected", 3000, || {
        button(&app.root, "カードリーダーを接続").is_some() && count(&app.root, STATUS) == 0
    })
    .await;
    assert_eq!(count(&app.root, "[data-testid=card-patient]"), 0);
    drop(app);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn wrong_pins_count_down_to_the_lock_and_its_guidance() {
    let (app, world) = open_reception_in_the_world("card-reader-pin").await;
    use_virtual_reader(&app).await;
    place(&app, "meguro-saburo").await;
    shows(&app, ENTER_PIN).await;
    assert_eq!(text(&app.root, TRIES).as_deref(), Some("残り回数：3回"));

    for left in [2, 1] {
        enter_pin(&app, "0000").await;
        alert_is(&app, &format!("暗証番号が違います。残り回数：{left}回")).await;
        shows(&app, ENTER_PIN).await;
        assert_eq!(
            text(&app.root, TRIES).as_deref(),
            Some(format!("残り回数：{left}回").as_str())
        );
        assert_eq!(pin_value(&app), "", "the pad is empty again");
    }
    enter_pin(&app, "0000").await;
    until_within("the lock", 5000, || {
        text(&app.root, ALERT).is_some_and(|t| t.starts_with("暗証番号がロックされています。"))
    })
    .await;
    let told = text(&app.root, ALERT).expect("the alert");
    assert!(told.contains("目視確認"), "{told}");
    assert!(told.contains("保険証/処方箋で確認"), "{told}");
    // Training has face readers, so the guidance leads to their screen too.
    until_within("the links", 3000, || alert_links(&app).len() == 2).await;
    assert_eq!(alert_links(&app), ["/card-readers", "/insurance-card"]);
    shows(&app, TAKE).await;
    // The trainer's list marks a card whose counter is at 0.
    assert!(
        text(&app.root, "#card_reader_person").is_some_and(|t| t.contains("（暗証番号ロック中）")),
        "the trainer's list marks the locked card"
    );

    // The card stays locked: placed again, it is refused before the pad.
    press(&app, "カードを取る").await;
    shows(&app, PLACE).await;
    assert!(
        text(&app.root, ALERT).is_some_and(|t| t.starts_with("暗証番号がロックされています。")),
        "the guidance stays until the next card is read"
    );
    place(&app, "meguro-saburo").await;
    shows(&app, TAKE).await;
    assert!(
        text(&app.root, ALERT).is_some_and(|t| t.starts_with("暗証番号がロックされています。"))
    );
    assert_eq!(count(&app.root, "#card_pin"), 0);
    drop(app);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn a_malformed_pin_is_refused_at_the_field_and_never_reaches_the_card() {
    let (app, world) = open_reception_in_the_world("card-reader-format").await;
    use_virtual_reader(&app).await;
    place(&app, "watanabe-misaki").await;
    shows(&app, ENTER_PIN).await;
    assert_eq!(text(&app.root, TRIES).as_deref(), Some("残り回数：3回"));

    for malformed in ["12", "12345", "１２３４", "12a4", ""] {
        enter_pin(&app, malformed).await;
        until_within("the field's message", 3000, || {
            text(&app.root, PIN_MESSAGE).as_deref() == Some(PIN_FORMAT)
        })
        .await;
        assert_eq!(text(&app.root, MESSAGE).as_deref(), Some(ENTER_PIN));
        assert_eq!(pin_value(&app), "", "the digits are not kept");
        // 中止 goes to the reader's task after anything 確定 sent, and the task reads what the
        // screen sends in order, checking a PIN with the card before it reads the next. So once it
        // has stopped for 中止, a PIN sent for the malformed entry would have been checked already.
        press(&app, "中止").await;
        shows(&app, TAKE).await;
        assert_eq!(text(&app.root, ALERT).as_deref(), Some(""));

        // The same card again, for the next entry: its counter, read afresh, is still full.
        press(&app, "カードを取る").await;
        shows(&app, PLACE).await;
        place(&app, "watanabe-misaki").await;
        shows(&app, ENTER_PIN).await;
        assert_eq!(
            text(&app.root, TRIES).as_deref(),
            Some("残り回数：3回"),
            "{malformed:?} reached the card"
        );
    }

    // A well-formed wrong PIN does reach the card.
    enter_pin(&app, "9999").await;
    alert_is(&app, "暗証番号が違います。残り回数：2回").await;
    shows(&app, ENTER_PIN).await;
    assert_eq!(text(&app.root, TRIES).as_deref(), Some("残り回数：2回"));
    assert_eq!(text(&app.root, PIN_MESSAGE).as_deref(), Some(""));

    // 中止: the card is done with until it is taken off.
    press(&app, "中止").await;
    shows(&app, TAKE).await;
    drop(app);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn a_card_taken_off_mid_flow_is_told_and_waited_for_again() {
    let (app, world) = open_reception_in_the_world("card-reader-removed").await;
    use_virtual_reader(&app).await;

    // Off while the pad is shown: the PIN never reaches the card.
    place(&app, "ota-kazuko").await;
    shows(&app, ENTER_PIN).await;
    press(&app, "カードを取る").await;
    enter_pin(&app, "1234").await;
    alert_is(&app, REMOVED).await;
    shows(&app, PLACE).await;

    // Off during the consent screens: the signature fails, and no result is made.
    place(&app, "ota-kazuko").await;
    shows(&app, ENTER_PIN).await;
    assert_eq!(
        text(&app.root, TRIES).as_deref(),
        Some("残り回数：3回"),
        "the PIN entered after the card left never reached it"
    );
    assert_eq!(
        text(&app.root, ALERT).as_deref(),
        Some(""),
        "a new card clears the notice"
    );
    enter_pin(&app, "1234").await;
    shows(
        &app,
        "過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。",
    )
    .await;
    press(&app, "カードを取る").await;
    answer(&app, [true, true, true]).await;
    alert_is(&app, REMOVED).await;
    shows(&app, PLACE).await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("マイナンバーカードで確認")
    );
    assert_eq!(count(&app.root, ROW), 0);
    drop(app);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn the_section_needs_the_card_group_and_offers_the_virtual_reader_only_in_training() {
    let base = "http://127.0.0.1:9";
    let answers = |groups: &[&str]| reception_answers(groups, false);
    let mount = || {
        store_session_of(base, AccountKind::General, NINE_AM);
        let (clock, _) = manual_clock();
        let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
            EndpointUrl::parse(base).expect("url"),
            HttpOptions::default(),
        )));
        mount_with(Route::Reception.path(), endpoint, clock)
    };

    let fake = FakeFetch::install(answers(&ALL_GROUPS));
    let app = mount();
    until_within("the reason", 3000, || {
        text(&app.root, "[data-testid=card-reader-unavailable]").as_deref()
            == Some(
                "この接続先は汎用カードリーダーによる確認に対応していないため、利用できません。",
            )
    })
    .await;
    assert!(button(&app.root, "カードリーダーを接続").is_none());
    drop(app);
    drop(fake);

    let mut groups = ALL_GROUPS.to_vec();
    groups.push("card");
    let fake = FakeFetch::install(answers(&groups));
    let app = mount();
    until_within("the connect button", 3000, || {
        button(&app.root, "カードリーダーを接続").is_some()
    })
    .await;
    assert!(button(&app.root, "仮想カードリーダーを使う").is_none());
    assert_eq!(count(&app.root, "[data-testid=card-reader-unavailable]"), 0);
    drop(app);
    drop(fake);

    // On training data, the virtual reader is offered beside the USB one.
    groups.push("training");
    let fake = FakeFetch::install(reception_answers(&groups, true));
    let app = mount();
    until_within("the virtual reader's button", 3000, || {
        button(&app.root, "仮想カードリーダーを使う").is_some()
    })
    .await;
    assert!(button(&app.root, "カードリーダーを接続").is_some());
    drop(app);
    drop(fake);
    clear_session();
}

#[wasm_bindgen_test]
async fn the_training_reader_is_opened_in_the_worker_and_its_failures_are_told() {
    let (app, _endpoint) = open_reception().await;

    // The worker refuses to open a reader: told, and nothing is connected.
    let worker = FakeWorker::controlling(json!({ "open": { "ok": false, "error": "busy" } }));
    press(&app, "仮想カードリーダーを使う").await;
    alert_is(&app, labels::TRAINING_READER_FAILED).await;
    assert!(button(&app.root, "仮想カードリーダーを使う").is_some());
    assert_eq!(count(&app.root, STATUS), 0);
    assert!(worker.posted().iter().any(|m| m["op"] == "open"));
    drop(worker);

    // A worker restarted since the reader opened no longer knows it: an unplugged reader.
    let worker = FakeWorker::controlling(json!({
        "open": { "ok": true, "reader": "r1" },
        "send": { "ok": false, "error": "unknown_reader" },
        "receive": { "ok": false, "error": "unknown_reader" },
        "close": { "ok": false, "error": "unknown_reader" },
        "holders": { "ok": true, "holders": [] },
    }));
    press(&app, "仮想カードリーダーを使う").await;
    alert_is(&app, UNPLUGGED).await;
    assert!(button(&app.root, "仮想カードリーダーを使う").is_some());
    assert_eq!(count(&app.root, "[data-testid=card-patient]"), 0);
    let posted = worker.posted();
    assert!(
        posted
            .iter()
            .any(|m| m["op"] == "send" && m["reader"] == "r1"),
        "the driver spoke to the reader the worker opened: {posted:?}"
    );
    drop(worker);
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn the_adapter_asks_for_the_known_readers_claims_the_vendor_interface_and_transfers() {
    let fake = FakeUsb::install(Some(rcs380(false)));
    let reader = usb::request_reader().await.expect("the reader opens");
    assert_eq!(reader.model(), ReaderModel::Rcs380);
    let report = fake.report();
    assert_eq!(
        report.calls,
        ["open", "selectConfiguration:1", "claimInterface:0"]
    );
    assert_eq!(
        report.filters.expect("the chooser was asked"),
        [
            json!({"vendorId": 0x054C, "productId": 0x06C1}),
            json!({"vendorId": 0x054C, "productId": 0x06C3}),
            json!({"vendorId": 0x054C, "productId": 0x0DC8}),
            json!({"vendorId": 0x054C, "productId": 0x0DC9}),
            json!({"classCode": 0x0B}),
        ]
    );

    let mut pipe = reader.pipe();
    pipe.send(&[0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00])
        .await
        .expect("sent");
    let report = fake.report();
    assert_eq!(report.sent.len(), 1);
    assert_eq!(report.sent[0].endpoint, 2);
    assert_eq!(report.sent[0].bytes, [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00]);

    // Nothing to read: a timeout, and the transfer stays pending for the next read.
    assert_eq!(pipe.receive(512, 30).await, Err(PipeError::Timeout(30)));
    fake.queue_in(&[0xD7, 0x2B, 0x00]);
    assert_eq!(pipe.receive(512, 1000).await, Ok(vec![0xD7, 0x2B, 0x00]));
    let report = fake.report();
    assert_eq!(
        report.transfer_ins.len(),
        1,
        "one transferIn for both reads"
    );
    assert_eq!(report.transfer_ins[0].endpoint, 1);
    assert_eq!(report.transfer_ins[0].length, 512);

    // Stalls in either direction are transfer failures.
    fake.queue_stall();
    assert_eq!(
        pipe.receive(512, 1000).await,
        Err(PipeError::Transfer("stall".to_owned()))
    );
    fake.stall_out();
    assert_eq!(
        pipe.send(&[0x00]).await,
        Err(PipeError::Transfer("stall".to_owned()))
    );

    reader.close().await;
    let calls = fake.report().calls;
    assert_eq!(calls[calls.len() - 2..], ["releaseInterface:0", "close"]);
}

#[wasm_bindgen_test]
async fn the_adapter_tells_each_failure_to_connect() {
    // A smart-card class reader: Chrome refuses the claim, and the device is closed again.
    let fake = FakeUsb::install(Some(ccid_reader()));
    let Err(error) = usb::request_reader().await else {
        panic!("a CCID reader cannot be claimed");
    };
    assert!(
        matches!(error, UsbError::ProtectedClass { interface: 0, ref message } if message.contains("protected class")),
        "{error:?}"
    );
    assert_eq!(error.message(), PROTECTED);
    assert_eq!(
        fake.report().calls,
        ["open", "selectConfiguration:1", "claimInterface:0", "close"]
    );
    drop(fake);

    // The chooser closed without a device.
    let fake = FakeUsb::install(None);
    assert!(matches!(
        usb::request_reader().await,
        Err(UsbError::Cancelled)
    ));
    assert!(fake.report().calls.is_empty());
    drop(fake);

    // A reader another program holds.
    let mut held = rcs380(false);
    held["openError"] = json!("NetworkError");
    let fake = FakeUsb::install(Some(held));
    assert!(matches!(
        usb::request_reader().await,
        Err(UsbError::OpenFailed(_))
    ));
    drop(fake);

    // No WebUSB at all.
    let fake = FakeUsb::absent();
    assert!(!usb::available());
    assert!(matches!(
        usb::request_reader().await,
        Err(UsbError::Unavailable)
    ));
    drop(fake);
}

#[wasm_bindgen_test]
async fn a_reader_unplugged_mid_transfer_fails_it_as_disconnected() {
    let fake = FakeUsb::install(Some(rcs380(false)));
    let reader = usb::request_reader().await.expect("the reader opens");
    let told = Rc::new(Cell::new(0));
    let counted = told.clone();
    let _watch = reader.watch_unplug(move || counted.set(counted.get() + 1));
    let mut pipe = reader.pipe();

    let (received, ()) = join(pipe.receive(512, 5000), async {
        // Unplugged only once the adapter's `transferIn` is waiting at the device (nothing is
        // queued to answer it), so the unplug lands in the middle of the transfer.
        until("the transfer to wait", || {
            fake.report().transfer_ins.len() == 1
        })
        .await;
        fake.unplug();
    })
    .await;
    assert_eq!(received, Err(PipeError::Disconnected));
    assert_eq!(told.get(), 1, "the disconnect event was heard once");
    assert_eq!(pipe.send(&[0x00]).await, Err(PipeError::Disconnected));
    assert_eq!(pipe.receive(512, 100).await, Err(PipeError::Disconnected));
    // Closing a device that is gone is no failure.
    reader.close().await;
}

#[wasm_bindgen_test]
async fn connecting_shows_why_a_reader_cannot_be_used() {
    let (app, _endpoint) = open_reception().await;

    let fake = FakeUsb::install(Some(ccid_reader()));
    press(&app, "カードリーダーを接続").await;
    alert_is(&app, PROTECTED).await;
    assert!(button(&app.root, "カードリーダーを接続").is_some());
    drop(fake);

    let fake = FakeUsb::install(None);
    press(&app, "カードリーダーを接続").await;
    alert_is(&app, CANCELLED).await;
    drop(fake);

    let fake = FakeUsb::absent();
    press(&app, "カードリーダーを接続").await;
    alert_is(&app, UNAVAILABLE).await;
    drop(fake);
    drop(app);
    clear_session();
}

#[wasm_bindgen_test]
async fn an_rc_s380_over_webusb_looks_for_a_card_until_it_is_unplugged() {
    let (app, _endpoint) = open_reception().await;
    let fake = FakeUsb::install(Some(rcs380(true)));
    press(&app, "カードリーダーを接続").await;
    until_within("the reader connected", 3000, || {
        text(&app.root, STATUS).as_deref() == Some("接続中：Sony RC-S380")
    })
    .await;
    shows(&app, PLACE).await;
    // InCommRF (command 04) carries each SENSB_REQ: the reader is asked again and again.
    let polls = || {
        fake.report()
            .sent
            .iter()
            .filter(|s| s.bytes.len() > 9 && s.bytes[8] == 0xD6 && s.bytes[9] == 0x04)
            .count()
    };
    until_within("two polls", 3000, || polls() >= 2).await;

    fake.unplug();
    alert_is(&app, UNPLUGGED).await;
    assert!(button(&app.root, "カードリーダーを接続").is_some());
    assert_eq!(count(&app.root, STATUS), 0);
    assert_eq!(count(&app.root, "[data-testid=card-patient]"), 0);
    drop(app);
    drop(fake);
    clear_session();
}
