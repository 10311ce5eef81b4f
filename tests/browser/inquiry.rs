//! 保険証/処方箋で確認 (S5) and 資格情報確認 (S6): the form's findings come from
//! the core and nothing is sent while one stands; in training mode Case2 runs from the menu tile to
//! the result; every outcome gets its banner; 戻る keeps the form and 次の患者へ(保険証) clears it.

use chrono::NaiveDate;
use onshi::transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport};
use onshi_core::{
    account::AccountKind,
    validate::insurance::{InquiryForm, inquiry},
};
use std::rc::Rc;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities},
    support::{
        NINE_AM, clear_session, click, count, manual_clock, mount_with, set_input,
        store_session_of, text, until,
    },
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
