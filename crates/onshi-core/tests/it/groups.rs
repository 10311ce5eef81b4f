//! The other groups: 照会番号, bulk jobs that stay 処理中 for a while, consents, medical information
//! within the 24-hour window, the disaster search, and account management (D2).

use chrono::{NaiveDate, TimeDelta};
use onshi_core::{
    client::{self, HistorySearch},
    codes::{QualificationValidity, SegmentOfResult},
    contract::{VisitMethod, groups::ConsentChoices},
    contract::{
        groups::{
            AccountList, AccountUpdate, ConsentList, ConsentRevocation, DisasterResults,
            DisasterSearch, DisasterStatus, EventsPage, HistoryPage, IssuedPassword, NewAccount,
            ReaderVisit, ViewablePatients,
        },
        session::SignedIn,
    },
    domain::{
        Card, Findings, InsurerNumber, QualificationResult, Registration,
        medical::{CheckupReport, DrugHistory, MedicalRequest},
    },
    store::{CardKey, StoreRead},
    wire::{self, Encoding},
};

use crate::harness::{Harness, fixture, problem};

/// One registration as a terminal writes it: through the domain type, which pads the insurer number.
fn registration(
    reference: &str,
    insurer: &str,
    symbol: Option<&str>,
    number: &str,
    branch: Option<&str>,
) -> wire::ReferenceRegistration {
    Registration {
        reference_number: Some(reference.to_owned()),
        card: Card {
            insurer_number: Some(InsurerNumber::from_wire(insurer)),
            symbol: symbol.map(str::to_owned),
            number: Some(number.to_owned()),
            branch: branch.map(str::to_owned),
        },
    }
    .to_wire()
}

fn reference_request(
    reference: &str,
    insurer: &str,
    symbol: &str,
    number: &str,
    branch: &str,
) -> Vec<u8> {
    wire::ReferenceRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some("1234567897".to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::ReferenceRequestBody {
            registration: Some(registration(
                reference,
                insurer,
                Some(symbol),
                number,
                Some(branch),
            )),
        },
    }
    .encode(Encoding::Utf8)
    .expect("encodes")
}

/// Regression (found in review): a write is always recorded as made by who authenticated
/// it. `Onshi-Original-User` is kept, as a claim beside it, only on a write the outbox queues
/// (照会番号, 同意取消) sent under its Idempotency-Key, and only when it names another account (D4).
#[test]
fn a_queued_write_is_the_callers_and_keeps_the_original_user_as_a_claim() {
    let mut h = Harness::training();
    let admin = h.token("admin01");
    // An inquiry is never queued: the header changes nothing.
    let mut inquiry = client::with_idempotency_key(
        client::inquire(&admin, fixture("siquc01req-taro.xml")),
        "inquiry-1",
    );
    inquiry.headers.set("Onshi-Original-User", "002");
    h.xml(&inquiry);
    let page: HistoryPage = h.json(&client::history(&admin, &HistorySearch::default()), 200);
    assert_eq!(page.items[0].login_id, "admin01");

    let register = |reference: &str, branch: &str, key: Option<&str>, original: &str| {
        let mut request = client::register_reference(
            &admin,
            reference_request(reference, "06139000", "9000", "10001", branch),
        );
        if let Some(key) = key {
            request = client::with_idempotency_key(request, key);
        }
        request.headers.set("Onshi-Original-User", original);
        request
    };
    let audit = |h: &Harness, branch: &str| {
        let key = CardKey {
            insurer: "06139000".to_owned(),
            symbol: "9000".to_owned(),
            number: "10001".to_owned(),
            branch: branch.to_owned(),
        };
        let record = h.store.reference(&key).expect("reads").expect("registered");
        (record.user_id, record.claimed_by)
    };
    // Without a key it is the caller's own registration, whatever the header says.
    h.xml(&register("R-OWN", "02", None, "002"));
    assert_eq!(audit(&h, "02"), ("admin01".to_owned(), None));
    // Replayed from the outbox: sent by admin01, who is the author on record; 002 is only claimed.
    h.xml(&register("R-QUEUED", "03", Some("outbox-1"), "002"));
    assert_eq!(
        audit(&h, "03"),
        ("admin01".to_owned(), Some("002".to_owned()))
    );
    // A user this institution does not have is not believed.
    h.xml(&register("R-UNKNOWN", "01", Some("outbox-2"), "nobody"));
    assert_eq!(audit(&h, "01"), ("admin01".to_owned(), None));
}

#[test]
fn a_registered_reference_number_comes_back_in_later_results() {
    let mut h = Harness::training();
    let token = h.token("002");
    let response = h.xml(&client::register_reference(
        &token,
        fixture("siimm01req.xml"),
    ));
    assert!(
        response
            .body
            .starts_with(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\""),
        "the request's encoding"
    );
    let result = wire::ReferenceResult::decode(&response.body).expect("siimm01res");
    assert_eq!(result.body.processing_result_status.as_deref(), Some("1"));
    assert_eq!(
        result.header.arbitrary_file_identifier.as_deref(),
        Some("ref-0001")
    );
    let inquiry = String::from_utf8(fixture("siquc01req-taro.xml"))
        .expect("utf-8")
        .replace("06139000", "31130842")
        .replace(">9000<", ">2022<")
        .replace("10001", "010001")
        .replace("19540326", "20110101");
    let answer = h.xml(&client::inquire(&token, inquiry.into_bytes()));
    let (result, _) = QualificationResult::from_wire(
        &wire::QualificationResult::decode(&answer.body).expect("result"),
    );
    assert_eq!(
        result.answer.qualifications[0].reference_number.as_deref(),
        Some("K-000123")
    );
    // A card the national side does not know, and a number that is too long, are refused inside the message.
    let unknown = h.xml(&client::register_reference(
        &token,
        reference_request("X", "27138056", "12", "345", "00"),
    ));
    let unknown = wire::ReferenceResult::decode(&unknown.body).expect("result");
    assert_eq!(unknown.body.processing_result_status.as_deref(), Some("2"));
    assert_eq!(
        unknown.body.processing_result_code.as_deref(),
        Some("ONSHI-E003")
    );
    let long = h.xml(&client::register_reference(
        &token,
        reference_request(&"9".repeat(51), "06139000", "9000", "10001", "01"),
    ));
    assert_eq!(
        wire::ReferenceResult::decode(&long.body)
            .expect("result")
            .header
            .segment_of_result
            .as_deref(),
        Some("9")
    );
}

#[test]
fn a_bulk_inquiry_stays_processing_then_answers_and_is_announced() {
    let mut h = Harness::training();
    let token = h.token("002");
    let searches = [
        "06139000|9000|10001|01|19540326",
        "06139000|9000|10001|02|19550118",
        "27138056|12|345|00|19900202",
        "06139000|9000|10001|01|19000101",
    ];
    let request = wire::BulkRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some("1234567897".to_owned()),
            arbitrary_file_identifier: Some("bulk-1".to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::BulkRequestBody {
            searches: searches
                .iter()
                .map(|s| {
                    let f: Vec<&str> = s.split('|').collect();
                    wire::SearchInfo {
                        insurer_number: Some(f[0].to_owned()),
                        insured_card_symbol: Some(f[1].to_owned()),
                        insured_identification_number: Some(f[2].to_owned()),
                        insured_branch_number: Some(f[3].to_owned()),
                        birthdate: Some(f[4].to_owned()),
                        ..wire::SearchInfo::default()
                    }
                })
                .collect(),
        },
    };
    let receipt = h.xml(&client::bulk_submit(
        &token,
        "qualifications",
        request.encode(Encoding::ShiftJis).expect("encodes"),
    ));
    let receipt = wire::BulkReceipt::decode(&receipt.body).expect("01res");
    let reception = receipt.body.reception_number.expect("a reception number");
    assert_eq!(reception, "20261122000001");
    let processing = wire::BulkResult::decode(
        &h.xml(&client::bulk_result(&token, "qualifications", &reception))
            .body,
    )
    .expect("02res");
    assert_eq!(
        processing.header.segment_of_result.as_deref(),
        Some("2"),
        "処理中"
    );
    assert!(processing.body.units.is_empty());
    h.advance(TimeDelta::seconds(30));
    let response = h.xml(&client::bulk_result(&token, "qualifications", &reception));
    assert!(
        response
            .body
            .starts_with(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\""),
        "the upload's encoding"
    );
    let done = wire::BulkResult::decode(&response.body).expect("02res");
    assert_eq!(done.header.segment_of_result.as_deref(), Some("1"));
    assert_eq!(
        done.header.number_of_processing_result.as_deref(),
        Some("4")
    );
    let validities: Vec<Option<&str>> = done
        .body
        .units
        .iter()
        .map(|u| u.qualification_validity.as_deref())
        .collect();
    assert_eq!(validities, [Some("1"), Some("2"), Some("4"), Some("4")]);
    assert_eq!(
        done.body.units[0].reference_number.as_deref(),
        Some("12345678901")
    );
    let events: EventsPage = h.json(&client::events(&token, 0), 200);
    assert_eq!(
        events.events[0].data["reception_number"],
        reception.as_str()
    );
    assert_eq!(events.events[0].data["units"], 4);
    // Announced once.
    let again: EventsPage = h.json(&client::events(&token, 0), 200);
    assert_eq!(again.events.len(), 1);
    assert_eq!(
        problem(
            &h.send(&client::bulk_result(&token, "qualifications", "nope")),
            404
        )
        .code,
        "not_found"
    );
    assert_eq!(
        problem(
            &h.send(&client::bulk_result(&token, "online", &reception)),
            404
        )
        .code,
        "not_found"
    );
    assert_eq!(
        problem(
            &h.send(&client::bulk_submit(&token, "fax", Vec::new())),
            404
        )
        .code,
        "not_found"
    );
}

#[test]
fn an_empty_or_foreign_bulk_upload_is_refused_in_its_receipt() {
    let mut h = Harness::training();
    let token = h.token("002");
    let empty = wire::BulkRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some("1234567897".to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::BulkRequestBody::default(),
    };
    let receipt = wire::BulkReceipt::decode(
        &h.xml(&client::bulk_submit(
            &token,
            "qualifications",
            empty.encode(Encoding::Utf8).expect("encodes"),
        ))
        .body,
    )
    .expect("01res");
    assert_eq!(receipt.header.segment_of_result.as_deref(), Some("9"));
    assert_eq!(
        receipt.body.processing_result_code.as_deref(),
        Some("ONSHI-E004")
    );
    assert!(receipt.body.reception_number.is_none());
}

#[test]
fn home_visit_bulk_by_consent_date_lists_the_consented_patients() {
    let mut h = Harness::training();
    let token = h.token("002");
    let request = wire::BulkRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some("1234567897".to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::BulkRequestBody {
            searches: vec![wire::SearchInfo {
                consent_date_from: Some("20261101".to_owned()),
                consent_date_to: Some("20261130".to_owned()),
                medical_treatment_flag: Some("2".to_owned()),
                ..wire::SearchInfo::default()
            }],
        },
    };
    let receipt = wire::BulkReceipt::decode(
        &h.xml(&client::bulk_submit(
            &token,
            "home-visit",
            request.encode(Encoding::Utf8).expect("encodes"),
        ))
        .body,
    )
    .expect("01res");
    h.advance(TimeDelta::minutes(1));
    let reception = receipt.body.reception_number.expect("accepted");
    let done = wire::BulkResult::decode(
        &h.xml(&client::bulk_result(&token, "home-visit", &reception))
            .body,
    )
    .expect("02res");
    let names: Vec<Option<&str>> = done
        .body
        .units
        .iter()
        .map(|u| u.results.first().and_then(|r| r.name.as_deref()))
        .collect();
    assert_eq!(names, [Some("港　ハル")]);
}

#[test]
fn bulk_reference_registration() {
    let mut h = Harness::training();
    let token = h.token("002");
    let request = wire::BulkReferenceRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some("1234567897".to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::BulkReferenceRequestBody {
            registrations: vec![
                registration("R-1", "138057", Some("大田"), "1234", Some("01")),
                registration("R-2", "27138056", None, "000", None),
            ],
        },
    };
    let receipt = wire::BulkReceipt::decode(
        &h.xml(&client::bulk_submit(
            &token,
            "reference-numbers",
            request.encode(Encoding::Utf8).expect("encodes"),
        ))
        .body,
    )
    .expect("01res");
    let reception = receipt.body.reception_number.expect("accepted");
    h.advance(TimeDelta::minutes(1));
    let done = wire::BulkReferenceResult::decode(
        &h.xml(&client::bulk_result(
            &token,
            "reference-numbers",
            &reception,
        ))
        .body,
    )
    .expect("muimm02res");
    let statuses: Vec<Option<&str>> = done
        .body
        .units
        .iter()
        .map(|u| u.processing_result_status.as_deref())
        .collect();
    assert_eq!(statuses, [Some("1"), Some("2")]);
    let answer = h.xml(&client::inquire(
        &token,
        fixture("siquc01req-kokuho-sjis.xml"),
    ));
    let message = wire::QualificationResult::decode(&answer.body).expect("result");
    assert_eq!(
        message.body.results[0].reference_number.as_deref(),
        Some("R-1")
    );
}

#[test]
fn consents_listed_by_treatment_and_revoked() {
    let mut h = Harness::training();
    let token = h.token("002");
    let all: ConsentList = h.json(&client::consents(&token, None), 200);
    assert_eq!(all.items.len(), 2);
    let home: ConsentList = h.json(&client::consents(&token, Some("home_visit")), 200);
    let item = &home.items[0];
    assert_eq!(
        (item.name.as_str(), item.treatment.label.as_str()),
        ("港　ハル", "訪問診療等")
    );
    assert_eq!(item.card.insurer_number, "39131156");
    let online: ConsentList = h.json(&client::consents(&token, Some("online")), 200);
    assert_eq!(online.items[0].name, "川崎　健一");
    assert_eq!(
        problem(&h.send(&client::consents(&token, Some("walk_in"))), 422).errors[0].field,
        "treatment"
    );
    let revocation = minato_haru_revocation();
    assert_eq!(
        h.send(&client::revoke_consent(&token, &revocation)).status,
        204
    );
    let home: ConsentList = h.json(&client::consents(&token, Some("home_visit")), 200);
    assert!(home.items.is_empty());
    assert_eq!(
        problem(&h.send(&client::revoke_consent(&token, &revocation)), 404).code,
        "not_found"
    );
    let bad = ConsentRevocation::default();
    let fields: Vec<String> = problem(&h.send(&client::revoke_consent(&token, &bad)), 422)
        .errors
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["insurer_number", "number", "birthdate"]);
}

/// 同意取消 of 港 ハル's home-visit consent (canned data).
fn minato_haru_revocation() -> ConsentRevocation {
    ConsentRevocation {
        card: onshi_core::contract::groups::CardFields {
            insurer_number: "39131156".to_owned(),
            symbol: None,
            number: "12345674".to_owned(),
            branch: None,
        },
        birthdate: "昭和15年5月5日".to_owned(),
    }
}

fn visit(h: &mut Harness, token: &str, person: &str, consents: ConsentChoices) {
    let response = h.send(&client::reader_visit(
        token,
        &ReaderVisit {
            reader_id: "reader-1".to_owned(),
            person_id: person.to_owned(),
            method: Some(VisitMethod::Face),
            pin: None,
            consents,
        },
    ));
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
}

fn medical_request(insurer: &str, symbol: &str, number: &str, branch: &str) -> Vec<u8> {
    MedicalRequest {
        institution_code: Some("1234567897".to_owned()),
        card: Card {
            insurer_number: Some(InsurerNumber::from_wire(insurer)),
            symbol: Some(symbol.to_owned()),
            number: Some(number.to_owned()),
            branch: Some(branch.to_owned()),
        },
        arbitrary_file_identifier: Some("yzk-1".to_owned()),
        file_category: Some("2".to_owned()),
        ..MedicalRequest::default()
    }
    .to_wire()
    .encode(Encoding::ShiftJis)
    .expect("encodes")
}

#[test]
fn medical_information_within_24_hours_of_consent() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let doctor = h.token("003");
    visit(
        &mut h,
        &staff,
        "nakahara-sakura",
        ConsentChoices {
            medical: true,
            checkups: true,
            limit: false,
        },
    );
    visit(&mut h, &staff, "shinbashi-taro", ConsentChoices::default());
    let patients: ViewablePatients = h.json(&client::medical_patients(&doctor), 200);
    assert_eq!(patients.items.len(), 1, "only patients who consented");
    let p = &patients.items[0];
    assert_eq!(p.name.as_deref(), Some("中原　さくら"));
    assert!(p.pharmacists && p.diagnosis && p.operation && p.checkups);
    assert_eq!(
        p.available_until.0.to_rfc3339(),
        "2026-11-23T09:00:00.000+09:00"
    );

    let drugs = h.xml(&client::medical_drugs(
        &doctor,
        medical_request("01130012", "2468101", "7", "00"),
    ));
    let drugs = wire::DrugResult::decode(&drugs.body).expect("yzk");
    assert_eq!(drugs.header.result_code.as_deref(), Some("1"));
    let history = DrugHistory::from_wire(&drugs, &mut Findings::default());
    assert_eq!(history.dispensings.len(), 7, "seed 003's 処方実績");
    assert_eq!(
        history.dispensings[0].date,
        NaiveDate::from_ymd_opt(2022, 9, 10)
    );
    assert_eq!(
        history.dispensings[0].drugs[0].name,
        "アムロジピン錠2.5mg「オーハラ」"
    );
    assert_eq!(history.dispensings[4].use_kind(), "外用");
    assert_eq!(history.dispensings[4].drugs[1].amount(), "4g 1瓶分");

    let checkups = h.xml(&client::medical_checkups(
        &doctor,
        medical_request("01130012", "2468101", "7", "00"),
    ));
    let checkups = wire::CheckupResult::decode(&checkups.body).expect("tkk");
    let report = CheckupReport::from_wire(&checkups, &mut Findings::default());
    let c = &report.checkups[0];
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2020, 6, 15));
    let flagged: Vec<&str> = c
        .values
        .iter()
        .filter(|v| v.flagged(report.patient.sex.as_ref()))
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(flagged, ["LDL-コレステロール"]);

    // Without consent, or after 24 hours, the answer says so.
    let refused = h.xml(&client::medical_drugs(
        &doctor,
        medical_request("06139000", "9000", "10001", "01"),
    ));
    let refused = wire::DrugResult::decode(&refused.body).expect("yzk");
    assert_eq!(refused.header.result_code.as_deref(), Some("2"));
    assert!(
        refused
            .header
            .message_contents
            .unwrap_or_default()
            .starts_with("閲覧同意が確認できません。")
    );
    h.advance(TimeDelta::hours(24));
    let doctor = h.token("003");
    let patients: ViewablePatients = h.json(&client::medical_patients(&doctor), 200);
    assert!(patients.items.is_empty(), "seed 001: within 24 hours only");
    // 一般 may not view medical information (D2).
    let staff = h.token("002");
    assert_eq!(
        problem(&h.send(&client::medical_patients(&staff)), 403).code,
        "forbidden"
    );
}

#[test]
fn the_disaster_search_by_name_or_card() {
    let mut h = Harness::training();
    let admin = h.token("admin01");
    let status: DisasterStatus = h.json(&client::disaster(&admin), 200);
    assert!(status.open);
    assert_eq!(status.areas, ["山形県鶴岡市"]);
    let by_name = DisasterSearch {
        name: Some("ナカハラ サクラ".to_owned()),
        sex: Some("2".to_owned()),
        address: Some("神奈川県川崎市".to_owned()),
        birthdate: "S37.4.10".to_owned(),
        consent: "unable".to_owned(),
        ..DisasterSearch::default()
    };
    let found: DisasterResults = h.json(&client::disaster_search(&admin, &by_name), 200);
    assert_eq!(found.items.len(), 1);
    let p = &found.items[0];
    assert_eq!(p.name, "中原　さくら");
    assert_eq!(p.drugs[0].drugs[1].amount, "1錠 30日分");
    let ldl = p.checkups[0]
        .items
        .iter()
        .find(|i| i.name == "LDL-コレステロール")
        .expect("LDL");
    assert_eq!(
        (ldl.value.as_deref(), ldl.reference.as_deref(), ldl.flagged),
        (Some("154"), Some("▲ 140以上"), true)
    );
    let wrong_address = DisasterSearch {
        address: Some("東京都".to_owned()),
        ..by_name.clone()
    };
    let none: DisasterResults = h.json(&client::disaster_search(&admin, &wrong_address), 200);
    assert!(none.items.is_empty());
    let by_card = DisasterSearch {
        insurer_number: Some("06139000".to_owned()),
        symbol: Some("9000".to_owned()),
        number: Some("10001".to_owned()),
        branch: Some("01".to_owned()),
        birthdate: "1954-03-26".to_owned(),
        consent: "agreed".to_owned(),
        ..DisasterSearch::default()
    };
    let taro: DisasterResults = h.json(&client::disaster_search(&admin, &by_card), 200);
    assert_eq!(taro.items[0].name, "新橋　太郎");
    let fields: Vec<String> = problem(
        &h.send(&client::disaster_search(&admin, &DisasterSearch::default())),
        422,
    )
    .errors
    .into_iter()
    .map(|e| e.field)
    .collect();
    assert_eq!(fields, ["consent", "birthdate", "name"]);
    let staff = h.token("002");
    assert_eq!(
        problem(&h.send(&client::disaster(&staff)), 403).code,
        "forbidden"
    );
}

#[test]
fn account_management_follows_d2() {
    let mut h = Harness::training();
    let admin = h.token("admin01");
    let master = h.token("master");
    let list: AccountList = h.json(&client::accounts(&admin), 200);
    let ids: Vec<&str> = list.items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["002", "003"], "管理 manages 一般 and 医療情報閲覧");
    let list: AccountList = h.json(&client::accounts(&master), 200);
    let ids: Vec<&str> = list.items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["002", "003", "admin01"]);
    let new = |user_id: &str, kind: &str| NewAccount {
        user_id: user_id.to_owned(),
        name: "受付 花子".to_owned(),
        kind: kind.to_owned(),
    };
    let created: IssuedPassword = h.json(
        &client::create_account(&admin, &new("staff12", "general")),
        201,
    );
    assert!(created.account.must_change_password);
    assert_eq!(created.initial_password.chars().count(), 12);
    assert_eq!(
        problem(
            &h.send(&client::create_account(&admin, &new("staff12", "general"))),
            409
        )
        .code,
        "account_exists"
    );
    assert_eq!(
        problem(
            &h.send(&client::create_account(&admin, &new("admin02", "admin"))),
            403
        )
        .code,
        "forbidden"
    );
    let _: IssuedPassword = h.json(
        &client::create_account(&master, &new("admin02", "admin")),
        201,
    );
    let fields: Vec<String> = problem(
        &h.send(&client::create_account(&admin, &new("", "chef"))),
        422,
    )
    .errors
    .into_iter()
    .map(|e| e.field)
    .collect();
    assert_eq!(fields, ["user_id", "kind"]);

    // The new account signs in, must change its password first, then works.
    let signed_in: SignedIn = h.json(
        &client::sign_in("staff12", &created.initial_password, false),
        201,
    );
    assert!(signed_in.must_change_password);
    let blocked = h.send(&client::history(
        &signed_in.token,
        &HistorySearch::default(),
    ));
    assert_eq!(problem(&blocked, 403).code, "password_change_required");
    assert_eq!(
        h.send(&client::change_password(
            &signed_in.token,
            &created.initial_password,
            "Haruyasumi*26"
        ))
        .status,
        204
    );
    let _: HistoryPage = h.json(
        &client::history(&signed_in.token, &HistorySearch::default()),
        200,
    );

    // Updating, resetting (which ends its sessions) and deleting.
    let renamed: onshi_core::contract::groups::AccountItem = h.json(
        &client::update_account(
            &admin,
            "staff12",
            &AccountUpdate {
                name: Some("受付 太郎".to_owned()),
                kind: Some("medical_viewer".to_owned()),
            },
        ),
        200,
    );
    assert_eq!(
        (renamed.name.as_str(), renamed.kind.as_str()),
        ("受付 太郎", "medical_viewer")
    );
    let to_admin = h.send(&client::update_account(
        &admin,
        "staff12",
        &AccountUpdate {
            name: None,
            kind: Some("admin".to_owned()),
        },
    ));
    assert_eq!(problem(&to_admin, 403).code, "forbidden");
    let reset: IssuedPassword = h.json(&client::reset_password(&admin, "staff12"), 200);
    assert!(reset.account.must_change_password);
    assert_eq!(
        problem(
            &h.send(&client::history(
                &signed_in.token,
                &HistorySearch::default()
            )),
            401
        )
        .code,
        "session_revoked"
    );
    assert_eq!(
        problem(&h.send(&client::reset_password(&admin, "admin01")), 409).code,
        "own_account"
    );
    assert_eq!(
        problem(&h.send(&client::delete_account(&admin, "master")), 403).code,
        "forbidden"
    );
    assert_eq!(
        h.send(&client::delete_account(&admin, "staff12")).status,
        204
    );
    assert_eq!(
        problem(&h.send(&client::delete_account(&admin, "staff12")), 404).code,
        "not_found"
    );
    assert_eq!(
        problem(
            &h.send(&client::sign_in("staff12", &reset.initial_password, false)),
            401
        )
        .code,
        "invalid_credentials"
    );
}

/// Who may call what (D2): each kind against one endpoint of each group. A refused call is 403, never
/// a hidden tile alone.
#[test]
fn roles_are_enforced_with_403() {
    let mut h = Harness::training();
    let tokens: Vec<(&str, String)> = ["002", "003", "admin01", "master"]
        .iter()
        .map(|u| (*u, h.token(u)))
        .collect();
    type Build = fn(&str) -> onshi_core::contract::Request;
    let calls: [(&str, Build, [u16; 4]); 6] = [
        (
            "history",
            |t| client::history(t, &HistorySearch::default()),
            [200, 200, 200, 200],
        ),
        ("readers", client::readers, [200, 200, 200, 200]),
        ("medical", client::medical_patients, [403, 200, 403, 403]),
        ("disaster", client::disaster, [403, 200, 200, 200]),
        ("accounts", client::accounts, [403, 403, 200, 200]),
        (
            "consents",
            |t| client::consents(t, None),
            [200, 200, 200, 200],
        ),
    ];
    for (name, build, expected) in calls {
        let actual: Vec<u16> = tokens
            .iter()
            .map(|(_, t)| h.send(&build(t)).status)
            .collect();
        assert_eq!(actual, expected, "{name}");
    }
}

#[test]
fn a_visit_with_limit_consent_shows_the_certificate_and_is_a_my_number_result() {
    let mut h = Harness::training();
    let token = h.token("002");
    visit(
        &mut h,
        &token,
        "kawasaki-kenichi",
        ConsentChoices {
            medical: false,
            checkups: false,
            limit: true,
        },
    );
    let page: HistoryPage = h.json(&client::history(&token, &HistorySearch::default()), 200);
    let detail = h.xml(&client::history_detail(&token, page.items[0].id));
    let (result, _) = QualificationResult::from_wire(
        &wire::QualificationResult::decode(&detail.body).expect("result"),
    );
    assert_eq!(result.info.segment, Some(SegmentOfResult::Completed));
    assert_eq!(result.answer.validity, Some(QualificationValidity::Valid));
    let q = &result.answer.qualifications[0];
    assert!(q.limit.certificate.is_some());
    assert!(!q.consents.pharmacists.is_consented());
}

/// The registration 「編集」 sends is the official single message, and its answer reads as
/// registered, or as a refusal inside the message (shown to staff, never retried).
#[test]
fn the_app_registration_message_registers_and_its_answer_reads_back() {
    use onshi_core::domain::{RegistrationAnswer, registration_request};

    let mut h = Harness::training();
    let token = h.token("admin01");
    let date = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
    let send = |h: &mut Harness, number: &str| {
        let registration = Registration {
            reference_number: Some("K-0042".to_owned()),
            card: Card {
                insurer_number: Some(InsurerNumber::parse("06139000").expect("an insurer number")),
                symbol: Some("9000".to_owned()),
                number: Some(number.to_owned()),
                branch: Some("01".to_owned()),
            },
        };
        let message = registration_request(&registration, "1234567897", date)
            .encode(Encoding::Utf8)
            .expect("encodes");
        let response = h.xml(&client::register_reference(&token, message));
        let answer: wire::ReferenceResult =
            client::expect_xml(&response, 200).expect("an official answer");
        RegistrationAnswer::from_wire(&answer)
    };
    assert_eq!(
        send(&mut h, "10001"),
        RegistrationAnswer::Registered {
            reference_number: Some("K-0042".to_owned())
        }
    );
    let key = CardKey {
        insurer: "06139000".to_owned(),
        symbol: "9000".to_owned(),
        number: "10001".to_owned(),
        branch: "01".to_owned(),
    };
    let record = h.store.reference(&key).expect("reads").expect("registered");
    assert_eq!(record.reference_number, "K-0042");
    // A card nobody holds is refused inside the message, with the simulator's code.
    match send(&mut h, "99999") {
        RegistrationAnswer::Refused { code, message } => {
            assert!(code.is_some_and(|c| c.starts_with("ONSHI-E")));
            assert!(message.is_some());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Regression: as 003, a 同意取消 sent with `Onshi-Original-User: master` was recorded as
/// revoked by master. It is 003's; master is only what the outbox claimed.
#[test]
fn regression_issue_15_a_revocation_is_recorded_as_the_callers_whoever_the_header_names() {
    let mut h = Harness::training();
    let token = h.token("003");
    let revocation = minato_haru_revocation();
    let mut request =
        client::with_idempotency_key(client::revoke_consent(&token, &revocation), "outbox-r1");
    request.headers.set("Onshi-Original-User", "master");
    assert_eq!(h.send(&request).status, 204);
    let revoked = h
        .store
        .consents()
        .expect("reads")
        .into_iter()
        .find(|c| c.revoked_at.is_some())
        .expect("revoked");
    assert_eq!(revoked.revoked_by.as_deref(), Some("003"));
    assert_eq!(revoked.revoke_claimed_by.as_deref(), Some("master"));
}
