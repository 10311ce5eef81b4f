//! 資格確認履歴照会 (S3) and 資格確認履歴詳細 (S4): against a scripted endpoint the core's findings stop the search at the fields, the endpoint's findings land on the
//! same fields, クリア restores the defaults, and a CP932 download that cannot carry a character is
//! refused with its row and offered as UTF-8.

use std::rc::Rc;

use onshi::transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport};
use onshi_core::{account::AccountKind, catalogue};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, json, problem, routed},
    support::{
        NINE_AM, clear_session, click, count, manual_clock, mount_with, set_input,
        store_session_of, text, until,
    },
};

const SUMMARY: &str = "[data-testid=history-summary]";
const SEARCH: &str = "form.history-conditions button[type=submit]";

/// The text of a cell (`data-col`) of the `n`th entry shown (from 0).
fn cell(root: &HtmlElement, n: usize, column: &str) -> String {
    let entries = root
        .query_selector_all("[data-testid=history-entry]")
        .expect("selector");
    entries
        .item(u32::try_from(n).expect("small"))
        .map(|e| e.unchecked_into::<HtmlElement>())
        .and_then(|e| text(&e, &format!("[data-col={column}]")))
        .unwrap_or_else(|| panic!("no entry {n}"))
}

/// The value of the first input matching `selector`.
fn value(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .map(|e| e.unchecked_into::<HtmlInputElement>().value())
        .unwrap_or_default()
}

/// Clicks the button whose text is `label` inside `scope`.
fn press(root: &HtmlElement, scope: &str, label: &str) {
    crate::support::button(root, scope, label)
        .unwrap_or_else(|| panic!("no button {label} in {scope}"))
        .click();
}

const BASE: &str = "http://127.0.0.1:9";

/// One history entry as the contract gives it, named `name`.
fn item(id: u64, name: &str) -> serde_json::Value {
    json!({
        "id": id,
        "confirmed_at": "2026-11-22T08:30:00.250+09:00",
        "login_id": "002",
        "reference_number": null,
        "classification": { "code": "1", "label": "マイナンバーカード" },
        "validity": { "code": "1", "label": "有効" },
        "insurer_number": "06139000",
        "symbol": "9000",
        "number": "10001",
        "branch": "01",
        "name": name,
        "kana": null,
        "sex": { "code": "2", "label": "女" },
        "birthdate": "1960-06-06",
        "reader_id": "reader-1"
    })
}

fn page_of(items: Vec<serde_json::Value>) -> serde_json::Value {
    json(
        200,
        &json!({ "total": items.len(), "page": 1, "per_page": 20, "items": items }),
    )
}

#[wasm_bindgen_test]
async fn findings_stop_at_the_fields_and_cp932_refuses_what_it_cannot_carry() {
    let refusal = {
        let mut answer = problem(422, "invalid_request", "入力内容に誤りがあります。");
        let mut body: serde_json::Value =
            serde_json::from_str(answer["body"].as_str().expect("a body")).expect("json");
        body["errors"] = json!([
            { "field": "from", "message": "接続先の期間のメッセージ" },
            { "field": "login_id", "message": "接続先のログインIDのメッセージ" },
            { "field": "page", "message": "接続先のページのメッセージ" },
        ]);
        answer["body"] = body.to_string().into();
        answer
    };
    let fake = FakeFetch::install(vec![
        capabilities("1.0.0", &ALL_GROUPS, false),
        // Without an answer for the newest event id the screen simply does not follow.
        routed("/onshi/v1/events", problem(404, "not_found", "t")),
        // The search by ログインID staff11 is refused; every other search finds 𠮷田 花子.
        routed("login_id=staff11", refusal),
        routed(
            "/onshi/v1/qualifications",
            page_of(vec![item(5, "𠮷田　花子")]),
        ),
        problem(404, "not_found", "t"),
    ]);
    store_session_of(BASE, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(BASE).expect("url"),
        HttpOptions::default(),
    )));
    let app = mount_with("/history", endpoint, clock);
    until("the first search", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：1件 1-1件表示")
    })
    .await;
    let searches = || {
        fake.calls()
            .iter()
            .filter(|c| c.url.contains("/onshi/v1/qualifications"))
            .count()
    };
    assert_eq!(searches(), 1);
    assert_eq!(cell(&app.root, 0, "classification"), "マイナンバーカード");

    // The core decides these: the message at the field, and nothing sent.
    let cases = [
        (
            ("2020-01-01", "00:00", "2026-11-22", "09:00"),
            "from-message",
            catalogue::HISTORY_TWO_YEARS.to_owned(),
        ),
        (
            ("2026-11-22", "10:00", "2026-11-22", "09:00"),
            "from-message",
            catalogue::HISTORY_FROM_AFTER_TO.to_owned(),
        ),
        (
            ("2026-11-22", "00:00", "", "09:00"),
            "to-message",
            catalogue::date_required("資格確認対象時間(至)"),
        ),
    ];
    for ((from_date, from_time, to_date, to_time), message, expected) in cases {
        set_input(&app.root, "#from_date", from_date);
        set_input(&app.root, "#from_time", from_time);
        set_input(&app.root, "#to_date", to_date);
        set_input(&app.root, "#to_time", to_time);
        click(&app.root, SEARCH);
        until(&expected, || {
            text(&app.root, &format!("#{message}")).as_deref() == Some(expected.as_str())
        })
        .await;
        assert_eq!(searches(), 1, "nothing was sent for {from_date} {to_date}");
    }

    // The endpoint's findings land on the same fields; one it names no field for goes above the
    // buttons.
    set_input(&app.root, "#to_date", "2026-11-22");
    set_input(&app.root, "#login_id", "staff11");
    click(&app.root, SEARCH);
    until("the endpoint's findings", || {
        text(&app.root, "#from-message").as_deref() == Some("接続先の期間のメッセージ")
    })
    .await;
    assert_eq!(
        text(&app.root, "#login_id-message").as_deref(),
        Some("接続先のログインIDのメッセージ")
    );
    assert_eq!(
        text(&app.root, "[data-testid=history-error]").as_deref(),
        Some("入力内容に誤りがあります。 接続先のページのメッセージ")
    );

    // クリア: the defaults again, and no messages.
    press(&app.root, "form.history-conditions", "クリア");
    until("the defaults", || value(&app.root, "#from_time") == "00:00").await;
    assert_eq!(value(&app.root, "#to_date"), "2026-11-22");
    assert_eq!(value(&app.root, "#to_time"), "09:00");
    assert_eq!(text(&app.root, "#from-message").as_deref(), Some(""));
    assert_eq!(text(&app.root, "#login_id-message").as_deref(), Some(""));

    // CP932 cannot carry 𠮷: refused with the row and the character, and offered as UTF-8.
    click(&app.root, "input[name=csv_encoding][value=cp932]");
    click(&app.root, "[data-testid=history-download]");
    let expected = catalogue::csv_not_cp932(1, "氏名", '𠮷');
    until("the refusal", || {
        text(&app.root, "[data-testid=csv-refused] p").as_deref() == Some(expected.as_str())
    })
    .await;
    let download = fake
        .calls()
        .into_iter()
        .rfind(|c| c.url.contains("/onshi/v1/qualifications"))
        .expect("the download's request");
    assert!(download.url.contains("per_page=1000"), "{}", download.url);
    assert!(download.url.contains("page=1"), "{}", download.url);
    press(
        &app.root,
        "[data-testid=csv-refused]",
        "UTF-8（BOM付き）で保存",
    );
    until("the refusal gone", || {
        count(&app.root, "[data-testid=csv-refused]") == 0
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=download-error]").as_deref(),
        Some("")
    );
    let utf8: HtmlInputElement = app
        .root
        .query_selector("input[name=csv_encoding][value=utf-8]")
        .ok()
        .flatten()
        .expect("the UTF-8 choice")
        .unchecked_into();
    assert!(utf8.checked(), "UTF-8 is chosen now");
    clear_session();
}
