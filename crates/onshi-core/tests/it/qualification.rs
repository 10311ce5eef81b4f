//! `POST /qualifications` and 資格確認履歴照会: every outcome, the encoding kept, history and events
//! recorded, the history search of decisions.md D9, and idempotent writes.

use chrono::{NaiveDate, TimeDelta};
use onshi_core::{
    client::{self, HistorySearch},
    codes::{LimitConsentFlag, QualificationValidity, SegmentOfResult},
    contract::{
        Method, Request,
        groups::{EventsPage, HistoryPage},
    },
    domain::{Card, Inquiry, InsurerNumber, QualificationResult, Search},
    store::Narrow,
    wire::{self, Encoding},
};

use crate::harness::{Harness, fixture, problem};

/// An inquiry for a card, encoded by our own encoder (decoding is tested against fixtures elsewhere).
fn inquiry(
    insurer: &str,
    symbol: Option<&str>,
    number: &str,
    branch: Option<&str>,
    birthdate: (i32, u32, u32),
    limit: bool,
) -> Vec<u8> {
    Inquiry {
        confirmation_date: NaiveDate::from_ymd_opt(2026, 11, 22),
        institution_code: Some("1234567897".to_owned()),
        arbitrary_file_identifier: None,
        search: Search {
            card: Card {
                insurer_number: InsurerNumber::parse(insurer).ok(),
                symbol: symbol.map(str::to_owned),
                number: Some(number.to_owned()),
                branch: branch.map(str::to_owned),
            },
            birthdate: NaiveDate::from_ymd_opt(birthdate.0, birthdate.1, birthdate.2),
            limit_consent: Some(if limit {
                LimitConsentFlag::Consented
            } else {
                LimitConsentFlag::NotConsented
            }),
            ..Search::default()
        },
    }
    .to_wire()
    .encode(Encoding::Utf8)
    .expect("encodes")
}

fn answer(h: &mut Harness, token: &str, body: Vec<u8>) -> QualificationResult {
    let response = h.xml(&client::inquire(token, body));
    let message = wire::QualificationResult::decode(&response.body).expect("an official result");
    QualificationResult::from_wire(&message).0
}

#[test]
fn the_seed_inquiry_answers_valid_with_the_registered_reference_number() {
    let mut h = Harness::training();
    let token = h.token("002");
    let response = h.xml(&client::inquire(&token, fixture("siquc01req-taro.xml")));
    let text = String::from_utf8(response.body.clone()).expect("UTF-8 in, UTF-8 out");
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"));
    assert!(text.contains("<CharacterCodeIdentifier>0</CharacterCodeIdentifier>"));
    let (result, findings) = QualificationResult::from_wire(
        &wire::QualificationResult::decode(&response.body).expect("result"),
    );
    assert!(findings.0.is_empty(), "{:?}", findings.0);
    assert!(result.is_valid());
    let q = &result.answer.qualifications[0];
    assert_eq!(q.name.as_deref(), Some("新橋　太郎"));
    assert_eq!(q.insurer_name.as_deref(), Some("東京新橋サンプル保険者"));
    assert_eq!(
        q.reference_number.as_deref(),
        Some("12345678901"),
        "seed 000 Case2's 照会番号"
    );
    assert!(q.limit.certificate.is_none(), "no consent, no 限度額");
    assert_eq!(
        result.answer.search.as_ref().and_then(|s| s.birthdate),
        NaiveDate::from_ymd_opt(1954, 3, 26)
    );
}

#[test]
fn a_shift_jis_request_gets_a_shift_jis_answer() {
    let mut h = Harness::training();
    let token = h.token("002");
    let response = h.xml(&client::inquire(
        &token,
        fixture("siquc01req-kokuho-sjis.xml"),
    ));
    assert!(
        response
            .body
            .starts_with(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"")
    );
    let (message, encoding) =
        wire::QualificationResult::decode_with_encoding(&response.body, wire::MESSAGE_LIMIT)
            .expect("result");
    assert_eq!(encoding, Encoding::ShiftJis);
    assert_eq!(
        message.header.character_code_identifier.as_deref(),
        Some("1")
    );
    assert_eq!(
        message.header.arbitrary_file_identifier.as_deref(),
        Some("kokuho-0001"),
        "echoed"
    );
    let q = &message.body.results[0];
    assert_eq!(q.name.as_deref(), Some("大田　和子"));
    assert_eq!(
        q.insurer_number.as_deref(),
        Some("  138057"),
        "6 digits padded to 8 with spaces"
    );
}

#[test]
fn every_outcome_and_what_each_carries() {
    let mut h = Harness::training();
    let token = h.token("002");
    let cases = [
        (
            inquiry(
                "06139000",
                Some("9000"),
                "10001",
                Some("02"),
                (1955, 1, 18),
                false,
            ),
            QualificationValidity::Invalid,
            1,
        ),
        (
            inquiry(
                "06139000",
                Some("9000"),
                "10001",
                Some("03"),
                (1984, 4, 1),
                false,
            ),
            QualificationValidity::InvalidWithNewQualification,
            1,
        ),
        (
            inquiry(
                "01130012",
                Some("1357913"),
                "24",
                Some("00"),
                (1970, 7, 7),
                false,
            ),
            QualificationValidity::Multiple,
            2,
        ),
        (
            inquiry(
                "27138056",
                Some("12"),
                "345",
                Some("00"),
                (1990, 2, 2),
                false,
            ),
            QualificationValidity::NoQualification,
            0,
        ),
        (
            inquiry("39131156", None, "12345674", None, (1940, 5, 5), false),
            QualificationValidity::Valid,
            1,
        ),
        (
            inquiry(
                "01130012",
                Some("1234567"),
                "890",
                Some("00"),
                (1988, 8, 8),
                false,
            ),
            QualificationValidity::Valid,
            1,
        ),
    ];
    for (body, validity, records) in cases {
        let result = answer(&mut h, &token, body);
        assert_eq!(result.answer.validity, Some(validity.clone()));
        assert_eq!(result.answer.qualifications.len(), records, "{validity:?}");
    }
    let hanako = answer(
        &mut h,
        &token,
        inquiry(
            "06139000",
            Some("9000"),
            "10001",
            Some("02"),
            (1955, 1, 18),
            false,
        ),
    );
    let q = &hanako.answer.qualifications[0];
    assert_eq!(
        q.valid_until.and_then(onshi_core::era::format).as_deref(),
        Some("令和2年12月31日")
    );
    let haru = answer(
        &mut h,
        &token,
        inquiry("39131156", None, "12345674", None, (1940, 5, 5), false),
    );
    let q = &haru.answer.qualifications[0];
    assert_eq!(q.partial_ratio.map(|r| r.label()).as_deref(), Some("1割"));
    assert!(q.card.branch.is_none() && q.personal_family.is_none());
    let misaki = answer(
        &mut h,
        &token,
        inquiry(
            "01130012",
            Some("1234567"),
            "890",
            Some("00"),
            (1988, 8, 8),
            false,
        ),
    );
    assert!(onshi_core::text::has_unconvertible(
        misaki.answer.qualifications[0]
            .name
            .as_deref()
            .unwrap_or_default()
    ));
}

#[test]
fn limit_and_disease_information_only_with_consent() {
    let mut h = Harness::training();
    let token = h.token("002");
    let kenichi = |limit| {
        inquiry(
            "01130012",
            Some("7654321"),
            "12",
            Some("00"),
            (1975, 10, 10),
            limit,
        )
    };
    let without = answer(&mut h, &token, kenichi(false));
    assert!(without.answer.qualifications[0].limit.certificate.is_none());
    let with = answer(&mut h, &token, kenichi(true));
    let certificate = with.answer.qualifications[0]
        .limit
        .certificate
        .clone()
        .expect("consented");
    assert_eq!(
        certificate
            .flag
            .map(|f| onshi_core::codes::CodeTable::label(&f).into_owned())
            .as_deref(),
        Some("ウ")
    );
    let toru = answer(
        &mut h,
        &token,
        inquiry(
            "01130012",
            Some("5550001"),
            "3",
            Some("00"),
            (1958, 12, 12),
            true,
        ),
    );
    assert_eq!(
        toru.answer.qualifications[0].diseases.certificates[0].self_pay,
        Some(10_000)
    );
}

#[test]
fn bad_requests_are_refused_inside_the_message_or_as_problems() {
    let mut h = Harness::training();
    let token = h.token("002");
    // Another institution: an official answer with 異常終了, not an HTTP error.
    let other = String::from_utf8(fixture("siquc01req-taro.xml"))
        .expect("utf-8")
        .replace("1234567897", "0110113719");
    let result = answer(&mut h, &token, other.into_bytes());
    assert_eq!(result.info.segment, Some(SegmentOfResult::Failed));
    assert_eq!(result.info.error_code.as_deref(), Some("ONSHI-E002"));
    // A missing birthdate: 異常終了 naming the element.
    let missing = String::from_utf8(fixture("siquc01req-taro.xml"))
        .expect("utf-8")
        .replace("<Birthdate>19540326</Birthdate>", "");
    let result = answer(&mut h, &token, missing.into_bytes());
    assert_eq!(result.info.error_code.as_deref(), Some("ONSHI-E001"));
    assert!(
        result
            .info
            .error_message
            .unwrap_or_default()
            .contains("Birthdate")
    );
    // Not XML, a DOCTYPE, the wrong media type: problems.
    assert_eq!(
        problem(&h.send(&client::inquire(&token, b"<XmlMsg>".to_vec())), 400).code,
        "malformed_body"
    );
    assert_eq!(
        problem(
            &h.send(&client::inquire(&token, fixture("doctype.xml"))),
            400
        )
        .code,
        "malformed_body"
    );
    let mut json = client::inquire(&token, fixture("siquc01req-taro.xml"));
    json.headers.set("Content-Type", "application/json");
    assert_eq!(problem(&h.send(&json), 415).code, "unsupported_media_type");
    assert_eq!(
        problem(
            &h.send(&client::inquire("nope", fixture("siquc01req-taro.xml"))),
            401
        )
        .code,
        "unauthenticated"
    );
}

#[test]
fn results_are_recorded_in_history_and_announced() {
    let mut h = Harness::training();
    let token = h.token("002");
    h.send(&client::inquire(&token, fixture("siquc01req-taro.xml")));
    h.advance(TimeDelta::seconds(5));
    let detail = h.xml(&client::inquire(
        &token,
        inquiry(
            "06139000",
            Some("9000"),
            "10001",
            Some("02"),
            (1955, 1, 18),
            false,
        ),
    ));
    let page: HistoryPage = h.json(&client::history(&token, &HistorySearch::default()), 200);
    assert_eq!(page.total, 2);
    let newest = &page.items[0];
    assert_eq!(newest.name.as_deref(), Some("新橋　花子"));
    assert_eq!(
        newest.validity.as_ref().map(|v| v.label.as_str()),
        Some("無効")
    );
    assert_eq!(newest.classification.label, "被保険者証情報");
    assert_eq!(newest.login_id, "002");
    assert_eq!(
        newest.confirmed_at.0.to_rfc3339(),
        "2026-11-22T09:00:05.000+09:00"
    );
    assert_eq!(
        page.items[1].reference_number.as_deref(),
        Some("12345678901")
    );
    // The detail is the result message exactly as it was given.
    let stored = h.xml(&client::history_detail(&token, newest.id));
    assert_eq!(stored.body, detail.body);
    assert_eq!(
        problem(&h.send(&client::history_detail(&token, 999)), 404).code,
        "not_found"
    );
    let events: EventsPage = h.json(&client::events(&token, 0), 200);
    assert_eq!(events.last_id, 2);
    assert_eq!(events.events[1].data["history_id"], newest.id);
    assert_eq!(events.events[1].data["validity"], "2");
    let later: EventsPage = h.json(&client::events(&token, 2), 200);
    assert!(later.events.is_empty());
    assert_eq!(later.last_id, 2);
    // A screen that follows from now on learns the newest id without reading the backlog.
    let latest: EventsPage = h.json(&client::events_newest(&token), 200);
    assert_eq!(latest.newest_id, 2);
    assert_eq!(latest.events.len(), 1);
    // The page itself resumes after its own event (decisions.md D7).
    assert_eq!(latest.last_id, 1);
}

#[test]
fn reading_events_does_not_keep_a_session_alive() {
    let mut h = Harness::training();
    let token = h.token("002");
    for _ in 0..3 {
        h.advance(TimeDelta::minutes(9));
        assert_eq!(h.send(&client::events(&token, 0)).status, 200);
    }
    // 30 minutes after the last request that counted (the sign-in), the session has ended.
    h.advance(TimeDelta::minutes(3));
    assert_eq!(
        problem(&h.send(&client::events(&token, 0)), 401).code,
        "session_expired"
    );
}

#[test]
fn history_search_filters_pages_and_refuses_beyond_two_years() {
    let mut h = Harness::training();
    let token = h.token("002");
    let bodies = [
        inquiry(
            "06139000",
            Some("9000"),
            "10001",
            Some("01"),
            (1954, 3, 26),
            false,
        ),
        inquiry(
            "06139000",
            Some("9000"),
            "10001",
            Some("02"),
            (1955, 1, 18),
            false,
        ),
        inquiry(
            "06139000",
            Some("9000"),
            "10001",
            Some("03"),
            (1984, 4, 1),
            false,
        ),
        inquiry(
            "01130012",
            Some("1357913"),
            "24",
            Some("00"),
            (1970, 7, 7),
            false,
        ),
        inquiry(
            "27138056",
            Some("12"),
            "345",
            Some("00"),
            (1990, 2, 2),
            false,
        ),
    ];
    for _ in 0..5 {
        for body in &bodies {
            h.send(&client::inquire(&token, body.clone()));
            h.advance(TimeDelta::seconds(1));
        }
    }
    let search = |narrow| HistorySearch {
        narrow,
        per_page: Some(100),
        ..HistorySearch::default()
    };
    let total = |h: &mut Harness, s: &HistorySearch| {
        h.json::<HistoryPage>(&client::history(&token, s), 200)
            .total
    };
    assert_eq!(total(&mut h, &search(Narrow::All)), 25);
    assert_eq!(total(&mut h, &search(Narrow::Valid)), 5);
    assert_eq!(total(&mut h, &search(Narrow::Invalid)), 10);
    assert_eq!(total(&mut h, &search(Narrow::NotFoundOrMultiple)), 10);
    let kind = HistorySearch {
        kind: Some("my_number_card".to_owned()),
        ..HistorySearch::default()
    };
    assert_eq!(total(&mut h, &kind), 0);
    let reference = HistorySearch {
        reference_number: Some("12345678901".to_owned()),
        ..HistorySearch::default()
    };
    assert_eq!(total(&mut h, &reference), 5);
    // Pages of 20, as D9 says, with every hit counted.
    let second: HistoryPage = h.json(
        &client::history(
            &token,
            &HistorySearch {
                page: Some(2),
                ..HistorySearch::default()
            },
        ),
        200,
    );
    assert_eq!(
        (
            second.total,
            second.page,
            second.per_page,
            second.items.len()
        ),
        (25, 2, 20, 5)
    );
    // A bounded period, in Tokyo wall-clock form.
    let window = HistorySearch {
        from: Some("2026-11-22T09:00:10".to_owned()),
        to: Some("2026-11-22T09:00:14".to_owned()),
        ..HistorySearch::default()
    };
    assert_eq!(total(&mut h, &window), 5);
    let refuse = |h: &mut Harness, s: HistorySearch| {
        problem(&h.send(&client::history(&token, &s)), 422).errors
    };
    let old = refuse(
        &mut h,
        HistorySearch {
            from: Some("2024-11-01T00:00".to_owned()),
            ..HistorySearch::default()
        },
    );
    assert_eq!(
        old[0].message,
        "資格確認履歴は過去2年間の範囲で検索してください。"
    );
    let reversed = refuse(
        &mut h,
        HistorySearch {
            from: Some("2026-11-22T10:00".to_owned()),
            to: Some("2026-11-22T09:00".to_owned()),
            ..HistorySearch::default()
        },
    );
    assert_eq!(reversed[0].field, "from");
    let bad = refuse(
        &mut h,
        HistorySearch {
            from: Some("きのう".to_owned()),
            per_page: Some(5000),
            ..HistorySearch::default()
        },
    );
    let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["from", "per_page"]);
    let mut odd = client::history(&token, &HistorySearch::default());
    odd.target = "/onshi/v1/qualifications?narrow=some&kind=fax".to_owned();
    let fields: Vec<String> = problem(&h.send(&odd), 422)
        .errors
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["kind", "narrow"]);
}

#[test]
fn idempotent_writes_replay_and_refuse_a_reused_key() {
    let mut h = Harness::training();
    let token = h.token("002");
    let first = h.xml(&client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-taro.xml")),
        "key-1",
    ));
    let again = h.send(&client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-taro.xml")),
        "key-1",
    ));
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers.get("Idempotent-Replayed"), Some("true"));
    let page: HistoryPage = h.json(&client::history(&token, &HistorySearch::default()), 200);
    assert_eq!(page.total, 1, "recorded once");
    let other = client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-kokuho-sjis.xml")),
        "key-1",
    );
    assert_eq!(problem(&h.send(&other), 422).code, "idempotency_key_reused");
    // After seven days the key is forgotten.
    h.advance(TimeDelta::days(7) + TimeDelta::seconds(1));
    let token = h.token("002");
    let later = h.send(&client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-kokuho-sjis.xml")),
        "key-1",
    ));
    assert_eq!(later.status, 200);
    assert_eq!(later.headers.get("Idempotent-Replayed"), None);
    let bad_key = client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-taro.xml")),
        "鍵",
    );
    assert_eq!(
        problem(&h.send(&bad_key), 422).errors[0].field,
        "Idempotency-Key"
    );
    // GET ignores the header.
    let mut get = client::history(&token, &HistorySearch::default());
    get.headers.set("Idempotency-Key", "key-1");
    assert_eq!(h.send(&get).status, 200);
}

#[test]
fn methods_on_the_qualification_resource() {
    let mut h = Harness::training();
    let token = h.token("002");
    let response = h.send(&Request::new(Method::Delete, "/qualifications").with_bearer(&token));
    assert_eq!(problem(&response, 405).code, "method_not_allowed");
    assert_eq!(response.headers.get("allow"), Some("GET, POST"));
}

/// The S5 form as staff type it (和暦, full-width digits), checked, built with `to_inquiry`, sent,
/// and read back with `client::expect_xml`: what the app does on 「検索」.
#[test]
fn the_typed_form_becomes_an_inquiry_that_finds_the_patient() {
    use onshi_core::{
        codes::TreatmentKind,
        validate::insurance::{InquiryForm, inquiry as check},
    };
    let mut h = Harness::training();
    let token = h.token("002");
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let form = InquiryForm {
        insurer_number: "０６１３９０００".to_owned(),
        symbol: "9000".to_owned(),
        number: "10001".to_owned(),
        branch: "01".to_owned(),
        birthdate: "S29.3.26".to_owned(),
        confirmation_date: "令和8年11月22日".to_owned(),
    };
    let valid = check(&form, today).expect("the form is valid");
    for (treatment, flag) in [
        (TreatmentKind::Outpatient, None),
        (TreatmentKind::HomeVisit, Some("2")),
        (TreatmentKind::Online, Some("3")),
    ] {
        let inquiry = valid.to_inquiry("1234567897", LimitConsentFlag::NotConsented, treatment);
        let message = inquiry.to_wire();
        let search = message.body.search.as_ref().expect("search info");
        assert_eq!(search.medical_treatment_flag.as_deref(), flag);
        assert_eq!(search.limit_consent_flag.as_deref(), Some("0"));
        assert_eq!(
            message.header.qualification_confirmation_date.as_deref(),
            Some("20261122")
        );
        let bytes = message.encode(Encoding::Utf8).expect("encodes");
        let answer = h.xml(&client::inquire(&token, bytes));
        let result: wire::QualificationResult =
            client::expect_xml(&answer, 200).expect("an official result");
        let (result, findings) = QualificationResult::from_wire(&result);
        assert!(findings.0.is_empty(), "{findings:?}");
        assert_eq!(result.answer.validity, Some(QualificationValidity::Valid));
        assert_eq!(
            result.answer.qualifications[0].name.as_deref(),
            Some("新橋　太郎")
        );
    }
    // A refusal is a problem, not a message.
    let refused = h.send(&client::inquire(&token, b"<not-xml".to_vec()));
    assert!(matches!(
        client::expect_xml::<wire::ResultHeader, wire::QualificationResultBody>(&refused, 200),
        Err(client::ClientError::Problem(_))
    ));
}

/// An inquiry's answer names the history entry it was recorded as, so the terminal can keep what
/// staff chose for it (the items handed to the レセコン) and the history download can use it.
#[test]
fn an_answer_names_its_history_entry() {
    let mut h = Harness::training();
    let token = h.token("002");
    let answer = h.xml(&client::inquire(&token, fixture("siquc01req-taro.xml")));
    let id = client::history_id_of(&answer).expect("a Content-Location");
    let detail = h.xml(&client::history_detail(&token, id));
    assert_eq!(
        detail.body, answer.body,
        "the same message is at that address"
    );
    // A replay under the same Idempotency-Key names the same entry.
    let keyed = client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-taro.xml")),
        "inquiry-location",
    );
    let first = client::history_id_of(&h.xml(&keyed)).expect("named");
    let again = client::history_id_of(&h.xml(&keyed)).expect("named again");
    assert_eq!(first, again);
    assert_ne!(first, id);
}
