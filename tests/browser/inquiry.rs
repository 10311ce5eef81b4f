//! 保険証/処方箋で確認 (S5) and 資格情報確認 (S6): the form's findings come from
//! the core and nothing is sent while one stands; in training mode (the training world, run in the
//! page) Case2 runs from the menu tile to the result; every outcome gets its banner; 戻る keeps the form and 次の患者へ(保険証) clears it.

use chrono::NaiveDate;
use onshi::{
    labels,
    route::Route,
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::{
    account::AccountKind,
    validate::insurance::{InquiryForm, inquiry},
};
use std::rc::Rc;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities},
    support::{
        NINE_AM, clear_session, click, count, manual_clock, mount_with, path, set_input, sign_in,
        store_session_of, text, until,
    },
    world::InPageWorld,
};

const SUBMIT: &str = "form.inquiry-form button[type=submit]";
const FIELDS: [&str; 6] = [
    "insurer_number",
    "symbol",
    "number",
    "branch",
    "birthdate",
    "confirmation_date",
];

fn fill(root: &web_sys::HtmlElement, form: &InquiryForm) {
    let values = [
        &form.insurer_number,
        &form.symbol,
        &form.number,
        &form.branch,
        &form.birthdate,
        &form.confirmation_date,
    ];
    for (field, value) in FIELDS.iter().zip(values) {
        set_input(root, &format!("#{field}"), value);
    }
}

fn form(
    insurer: &str,
    symbol: &str,
    number: &str,
    branch: &str,
    birth: &str,
    confirmation: &str,
) -> InquiryForm {
    InquiryForm {
        insurer_number: insurer.to_owned(),
        symbol: symbol.to_owned(),
        number: number.to_owned(),
        branch: branch.to_owned(),
        birthdate: birth.to_owned(),
        confirmation_date: confirmation.to_owned(),
    }
}

#[wasm_bindgen_test]
async fn every_finding_of_the_core_is_shown_at_its_field_and_nothing_is_sent() {
    let base = "http://127.0.0.1:9";
    let fake = FakeFetch::install(vec![capabilities("1.0.0", &ALL_GROUPS, false)]);
    store_session_of(base, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(base).expect("url"),
        HttpOptions::default(),
    )));
    let app = mount_with("/insurance-card", endpoint, clock);
    until("the form", || count(&app.root, SUBMIT) == 1).await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("保険証/処方箋で確認")
    );
    // 資格確認日 starts as today.
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let date_field: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(
        app.root
            .query_selector("#confirmation_date")
            .expect("selector")
            .expect("field"),
    );
    until("today's date", || date_field.value() == "2026/11/22").await;

    let cases = [
        form("", "", "", "", "", "2026/11/22"),
        form("0613900", "9000", "", "1", "S29.2.30", "2026/11/23"),
        form("06139001", "9000", "10001", "０１", "明治1年1月1日", ""),
        form(
            "ABCDEFGH",
            "",
            "１０００１",
            "01",
            "2027/01/01",
            "令和8年11月22日",
        ),
        form("39131156", "12", "12345675", "", "1954-03-26", "2026/11/22"),
        form(
            "06139000",
            "あいうえおかきくけこさしすせそたちつてとなにぬねの",
            "10001",
            "01",
            "S29.3.26",
            "S29.3.25",
        ),
    ];
    for typed in cases {
        fill(&app.root, &typed);
        click(&app.root, SUBMIT);
        leptos::task::tick().await;
        let findings = inquiry(&typed, today).expect_err("every case has a finding");
        for field in FIELDS {
            let expected = findings
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            assert_eq!(
                text(&app.root, &format!("#{field}-message")).unwrap_or_default(),
                expected,
                "{field} of {typed:?}"
            );
        }
    }
    let sent: Vec<String> = fake.calls().into_iter().map(|c| c.url).collect();
    assert!(
        sent.iter()
            .all(|url| url.ends_with("/onshi/v1/capabilities")),
        "nothing but the capabilities was asked: {sent:?}"
    );
    clear_session();
}

/// Signs in as 002 at a training world in the page, finds the menu tile that leads to the form, and
/// opens the form. (The tile is followed by address rather than by a click: routers of earlier tests
/// in this page still listen for link clicks. The end-to-end tests click it in the real app.)
async fn open_the_form(test: &str) -> (crate::support::Mounted, InPageWorld) {
    clear_session();
    let world = InPageWorld::open(test).await;
    sign_in(&world.endpoint(), "002", "Onshi*002*002").await;
    let (clock, _) = manual_clock();
    let menu = mount_with(Route::Menu.path(), world.endpoint(), clock.clone());
    let tile = ".menu a.tile[href='/insurance-card']";
    until("the menu", || count(&menu.root, tile) == 1).await;
    let label = text(&menu.root, tile).unwrap_or_default();
    assert!(label.contains(labels::TILE_INSURANCE_CARD), "{label}");
    drop(menu);
    let app = mount_with(Route::Inquiry.path(), world.endpoint(), clock);
    until("the form", || {
        path() == "/insurance-card" && count(&app.root, SUBMIT) == 1
    })
    .await;
    (app, world)
}

async fn search(app: &crate::support::Mounted, typed: &InquiryForm) {
    fill(&app.root, typed);
    click(&app.root, SUBMIT);
    until("the result", || {
        count(&app.root, "[data-testid=result-banner]") == 1
    })
    .await;
}

/// An input's current value.
fn input_value(app: &crate::support::Mounted, selector: &str) -> String {
    app.root
        .query_selector(selector)
        .ok()
        .flatten()
        .map(|e| wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(e).value())
        .unwrap_or_default()
}

/// The value shown for a label in the first qualification.
fn field(app: &crate::support::Mounted, label: &str) -> Option<String> {
    let list = app
        .root
        .query_selector_all("[data-testid=qualification] .check-field")
        .expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .find_map(|node| {
            let text = node.text_content().unwrap_or_default();
            let element: web_sys::Element = wasm_bindgen::JsCast::unchecked_into(node);
            let dt = element.query_selector("dt").ok()??.text_content()?;
            (dt == label).then(|| {
                element
                    .query_selector("dd")
                    .ok()
                    .flatten()
                    .and_then(|dd| dd.text_content())
                    .unwrap_or(text)
            })
        })
}

#[wasm_bindgen_test]
async fn case2_runs_from_the_menu_tile_to_the_result_and_back() {
    let (app, world) = open_the_form("case2").await;
    let typed = form("06139000", "9000", "10001", "01", "S29.3.26", "2026/11/22");
    search(&app, &typed).await;
    assert_eq!(
        text(&app.root, "[data-testid=result-banner]").as_deref(),
        Some("この資格は有効です。")
    );
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("資格情報確認")
    );
    let expected = [
        ("保険者番号", "06139000"),
        ("保険者名", "東京新橋サンプル保険者"),
        ("記号", "9000"),
        ("番号", "10001"),
        ("枝番", "01"),
        ("氏名(券面)", "新橋　太郎"),
        ("性別(表面)", "男"),
        ("生年月日", "昭和29年3月26日"),
        ("証区分", "被保険者証（一般）"),
        ("有効開始日", "令和2年1月1日"),
        ("本人・家族の別", "本人"),
        ("被保険者氏名", "新橋　太郎"),
        ("氏名(その他)", "新橋　他太郎"),
        ("郵便番号", "151-1234"),
        ("住所", "東京都港区〇〇5丁目500-1"),
    ];
    for (label, value) in expected {
        assert_eq!(field(&app, label).as_deref(), Some(value), "{label}");
    }
    assert_eq!(count(&app.root, "[data-testid=elderly]"), 1);
    assert!(
        text(&app.root, "[data-testid=elderly]").is_some_and(|t| t.contains("2割")),
        "高齢受給者証 shows 2割"
    );
    // 限度額: the warning always; the details only on 情報表示, and only with consent.
    assert!(text(&app.root, "[data-testid=limit]").is_some_and(|t| {
        t.contains("プライバシーに関する情報のため、患者の同意にもとづきご参照ください。")
    }));
    assert_eq!(
        text(&app.root, "[data-testid=limit-details]").as_deref(),
        Some("")
    );
    click(&app.root, "[data-testid=limit] button");
    leptos::task::tick().await;
    assert_eq!(
        text(&app.root, "[data-testid=limit-details]").as_deref(),
        Some("患者の同意がないため、限度額適用認定証の情報は表示できません。")
    );
    // Every item with a value is checked for the レセコン: nothing here holds ●.
    assert_eq!(count(&app.root, "[data-testid=black-circle-warning]"), 0);
    assert_eq!(count(&app.root, "input.check-hand-over:checked"), 7);

    // 戻る: the form as it was filled in.
    click(&app.root, ".check-buttons button:last-child");
    until("the form again", || count(&app.root, SUBMIT) == 1).await;
    until("the number as typed", || {
        input_value(&app, "#number") == "10001"
    })
    .await;

    // 次の患者へ(保険証): an empty form.
    search(&app, &typed).await;
    crate::support::button(&app.root, ".check-buttons", "次の患者へ(保険証)")
        .expect("次の患者へ(保険証)")
        .click();
    until("an empty form", || count(&app.root, SUBMIT) == 1).await;
    until("an empty number", || {
        input_value(&app, "#number").is_empty()
    })
    .await;
    assert_eq!(input_value(&app, "#confirmation_date"), "2026/11/22");
    drop(app);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn every_outcome_has_its_banner() {
    let (app, world) = open_the_form("outcomes").await;
    let cases = [
        (
            form("06139000", "9000", "10001", "02", "S30.1.18", "2026/11/22"),
            "この資格は無効です。",
            1,
        ),
        (
            form("06139000", "9000", "10001", "03", "S59.4.1", "2026/11/22"),
            "この資格は無効です。新しい資格が存在するので確認してください。",
            1,
        ),
        (
            form("27138056", "12", "345", "00", "1990/02/02", "2026/11/22"),
            "該当する資格がありません。入力した保険証の情報と生年月日を確認してください。",
            0,
        ),
        (
            form(
                "01130012",
                "1357913",
                "24",
                "00",
                "1970/07/07",
                "2026/11/22",
            ),
            "複数の資格が該当しました。患者に保険証を確認してください。",
            2,
        ),
        (
            form("39131156", "", "12345674", "", "1940/05/05", "2026/11/22"),
            "この資格は有効です。",
            1,
        ),
    ];
    for (typed, banner, qualifications) in cases {
        search(&app, &typed).await;
        assert_eq!(
            text(&app.root, "[data-testid=result-banner]").as_deref(),
            Some(banner),
            "{typed:?}"
        );
        assert_eq!(
            count(&app.root, "[data-testid=qualification]"),
            qualifications
        );
        // Every qualification has the 限度額 block with its warning.
        assert_eq!(count(&app.root, "[data-testid=limit]"), qualifications);
        click(&app.root, ".check-buttons button:last-child");
        until("the form again", || count(&app.root, SUBMIT) == 1).await;
    }
    drop(app);
    drop(world);
    clear_session();
}
