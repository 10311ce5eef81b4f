//! 資格確認履歴照会 (S3) and 資格確認履歴詳細 (S4): in training mode (the world run in the page, its
//! clock standing at each instant the page's manual clock shows) the list pages 20 at a time, 「詳細」
//! opens a result and 戻る comes back to the same conditions and page, and a new result arrives
//! without a reload, marked 「新着」; against a scripted endpoint the core's findings stop the search
//! at the fields, the endpoint's findings land on the same fields, クリア restores the defaults, and a CP932 download that cannot carry a character is
//! refused with its row and offered as UTF-8.

use std::rc::Rc;

use chrono::{NaiveDate, TimeDelta};
use onshi::{
    platform::clock::{Clock, ManualClock},
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::{
    account::AccountKind,
    catalogue, client,
    codes::{LimitConsentFlag, TreatmentKind},
    validate::insurance::{InquiryForm, inquiry},
    wire::Encoding,
};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, json, problem, routed},
    support::{
        NINE_AM, clear_session, click, count, manual_clock, mount_with, set_input, sign_in,
        store_session_of, text, until,
    },
    world::InPageWorld,
};

const SUMMARY: &str = "[data-testid=history-summary]";
const SEARCH: &str = "form.history-conditions button[type=submit]";

/// One inquiry by insurance-card data, as S5 sends it.
async fn inquire(endpoint: &Endpoint, token: &str, card: [&str; 5]) {
    let [insurer_number, symbol, number, branch, birthdate] = card;
    let form = InquiryForm {
        insurer_number: insurer_number.to_owned(),
        symbol: symbol.to_owned(),
        number: number.to_owned(),
        branch: branch.to_owned(),
        birthdate: birthdate.to_owned(),
        confirmation_date: "2026/11/22".to_owned(),
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let message = inquiry(&form, today)
        .expect("a valid card")
        .to_inquiry(
            "1234567897",
            LimitConsentFlag::NotConsented,
            TreatmentKind::Outpatient,
        )
        .to_wire()
        .encode(Encoding::Utf8)
        .expect("encodable");
    let response = endpoint
        .send(client::inquire(token, message))
        .await
        .expect("the transport answers");
    assert_eq!(response.status, 200, "{card:?}");
}

const TARO: [&str; 5] = ["06139000", "9000", "10001", "01", "S29.3.26"];
const OTHERS: [[&str; 5]; 4] = [
    ["06139000", "9000", "10001", "02", "S30.1.18"],
    ["06139000", "9000", "10001", "03", "S59.4.1"],
    ["27138056", "12", "345", "00", "1990/02/02"],
    ["01130012", "1357913", "24", "00", "1970/07/07"],
];

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

/// The value beside the label `label` on the detail.
fn detail_field(root: &HtmlElement, label: &str) -> Option<String> {
    let fields = root
        .query_selector_all("[data-testid=history-detail] .check-field")
        .expect("selector");
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|f| text(f, "dt").as_deref() == Some(label))
        .and_then(|f| text(&f, "dd"))
}

/// Moves the page's manual clock on by `delta` and stands the world's clock at the same instant, so
/// the world stamps what it is sent next with the time the page shows.
async fn advance(
    world: &InPageWorld,
    token: &str,
    clock: &Clock,
    manual: &ManualClock,
    delta: TimeDelta,
) {
    manual.advance(delta);
    world.fix_clock(token, clock.now()).await;
}

async fn make_history(world: &InPageWorld, token: &str, clock: &Clock, manual: &ManualClock) {
    let endpoint = world.endpoint();
    // Seed 000 Case2's 新橋 太郎 first (so the last row of all), then twenty others a second apart.
    advance(world, token, clock, manual, TimeDelta::milliseconds(5)).await;
    inquire(&endpoint, token, TARO).await;
    for i in 0..20 {
        advance(world, token, clock, manual, TimeDelta::seconds(1)).await;
        inquire(&endpoint, token, OTHERS[i % OTHERS.len()]).await;
    }
}

#[wasm_bindgen_test]
async fn the_list_pages_opens_a_detail_comes_back_and_follows_new_results() {
    clear_session();
    let world = InPageWorld::open("history").await;
    let (clock, manual) = manual_clock();
    // The session starts at the page's 09:00 too.
    world.fix_clock_at(clock.now()).await;
    let endpoint = world.endpoint();
    let token = sign_in(&endpoint, "002", "Onshi*002*002").await;
    make_history(&world, &token, &clock, &manual).await;

    let app = mount_with("/history", endpoint.clone(), clock.clone());
    until("the first page", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：21件 1-20件表示")
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("資格確認履歴照会")
    );
    assert_eq!(
        text(&app.root, "[data-testid=institution-code]").as_deref(),
        Some("1234567897")
    );
    // The defaults: today from 00:00 to this minute.
    assert_eq!(value(&app.root, "#from_date"), "2026-11-22");
    assert_eq!(value(&app.root, "#from_time"), "00:00");
    assert_eq!(value(&app.root, "#to_date"), "2026-11-22");
    assert_eq!(value(&app.root, "#to_time"), "09:00");
    assert_eq!(count(&app.root, "[data-testid=history-entry]"), 20);
    // Newest first: 品川 次郎's 複数該当, 20 seconds in.
    assert_eq!(cell(&app.root, 0, "number"), "1");
    assert_eq!(
        cell(&app.root, 0, "confirmed_at"),
        "2026/11/22 09:00:20.005"
    );
    assert_eq!(cell(&app.root, 0, "result"), "複数該当");
    assert_eq!(cell(&app.root, 0, "name"), "品川　次郎");

    // A condition, searched: nobody else has worked today, then the same 21 hits by 002.
    set_input(&app.root, "#login_id", "003");
    click(&app.root, SEARCH);
    until("no hits for 003", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：0件 0-0件表示")
    })
    .await;
    assert_eq!(
        text(&app.root, ".history-none").as_deref(),
        Some("条件に該当する資格確認履歴はありません。")
    );
    set_input(&app.root, "#login_id", "002");
    click(&app.root, SEARCH);
    until("the search by ログインID", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：21件 1-20件表示")
            && cell(&app.root, 0, "login_id") == "002"
    })
    .await;

    press(&app.root, "[data-testid=pager]", "次へ>>");
    until("the second page", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：21件 21-21件表示")
    })
    .await;
    let row: Vec<String> = [
        "number",
        "confirmed_at",
        "login_id",
        "reference_number",
        "classification",
        "result",
        "insurer_number",
        "symbol_number_branch",
        "name",
        "sex",
        "birthdate",
    ]
    .iter()
    .map(|c| cell(&app.root, 0, c))
    .collect();
    assert_eq!(
        row,
        [
            "21",
            "2026/11/22 09:00:00.005",
            "002",
            // The 照会番号 the training data registered for his card (seed 000 Case2).
            "12345678901",
            "被保険者証",
            "資格有効",
            "06139000",
            "9000 10001 01",
            "新橋　太郎",
            "男",
            "1954/03/26",
        ]
    );

    // 詳細, and back to the same page and conditions.
    press(&app.root, "[data-testid=history-entry]", "詳細");
    until("the detail", || {
        text(&app.root, "[data-testid=result-banner]").as_deref() == Some("この資格は有効です。")
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("資格確認履歴詳細")
    );
    for (label, expected) in [
        ("資格確認区分", "被保険者証"),
        ("資格確認日時", "2026/11/22 09:00:00.005"),
        ("処方箋発行形態選択", "未選択"),
        ("保険者番号", "06139000"),
        ("保険者名", "東京新橋サンプル保険者"),
        ("記号", "9000"),
        ("番号", "10001"),
        ("枝番", "01"),
        ("性別(表面)", "男"),
        ("生年月日", "昭和29年3月26日"),
        ("証区分", "被保険者証（一般）"),
        ("有効開始日", "令和2年1月1日"),
        ("本人・家族の別", "本人"),
        ("被保険者氏名", "新橋　太郎"),
        ("郵便番号", "151-1234"),
        ("住所", "東京都港区〇〇5丁目500-1"),
    ] {
        assert_eq!(
            detail_field(&app.root, label).as_deref(),
            Some(expected),
            "{label}"
        );
    }
    assert_eq!(
        text(&app.root, "[data-testid=kana]").as_deref(),
        Some("ｼﾝﾊﾞｼ ﾀﾛｳ")
    );
    assert_eq!(
        text(&app.root, "[data-testid=name]").as_deref(),
        Some("新橋　太郎")
    );
    // All six consents, none given at an insurance-card inquiry.
    assert_eq!(count(&app.root, "[data-testid=consents] th"), 6);
    assert_eq!(
        text(&app.root, "[data-testid=consents]").as_deref(),
        Some(
            "限度額適用認定証閲覧同意なし特定疾病療養受療証閲覧同意なし特定健診情報閲覧同意なし薬剤情報閲覧同意なし診療情報閲覧同意なし手術情報閲覧同意なし"
        )
    );
    press(
        &app.root,
        "[data-testid=history-detail] .check-buttons",
        "戻る",
    );
    until("the list again", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：21件 21-21件表示")
    })
    .await;
    // Inputs take their values a tick after they are made (as on S5's 戻る).
    until("the condition as typed", || {
        value(&app.root, "#login_id") == "002"
    })
    .await;
    assert_eq!(cell(&app.root, 0, "number"), "21");

    // A new result, made by this page's endpoint: the list follows without a reload.
    advance(&world, &token, &clock, &manual, TimeDelta::seconds(1)).await;
    inquire(&endpoint, &token, TARO).await;
    until("the live refresh", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：22件 21-22件表示")
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=history-new]").as_deref(),
        Some("検索後に新しい資格確認結果が1件届きました。")
    );
    press(&app.root, "[data-testid=pager]", "1");
    until("the first page with the new row", || {
        text(&app.root, SUMMARY).as_deref() == Some("検索結果：22件 1-20件表示")
    })
    .await;
    assert_eq!(
        cell(&app.root, 0, "confirmed_at"),
        "2026/11/22 09:00:21.005"
    );
    assert_eq!(count(&app.root, ".history-entry-new"), 1);
    assert_eq!(
        count(
            &app.root,
            "[data-testid=history-entry]:first-of-type .history-badge"
        ),
        1
    );
    drop(app);
    drop(world);
    clear_session();
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
