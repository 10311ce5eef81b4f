//! Regressions found by a review of the core crate: each test pins one defect that was found and
//! fixed, named by what must hold.

use chrono::TimeDelta;
use onshi_core::{
    canned,
    client::{self, HistorySearch},
    codes::QualificationValidity,
    contract::{
        Headers, Method, Request,
        groups::{
            AccountList, EventsPage, HistoryPage, IssuedPasscode, IssuedPassword, NewAccount,
            Reader, ReaderList, ReaderVisit, StaffMode,
        },
    },
    contract::{VisitMethod, groups::ConsentChoices},
    domain::{Card, InsurerNumber},
    simulator::NationalSide,
    validate::insurance,
    wire::{self, Encoding},
};

use crate::harness::{Harness, fixture, problem};

/// The request without its `Authorization` header.
fn anonymous(request: &Request) -> Request {
    let mut headers = Headers::new();
    for (name, value) in request.headers.iter() {
        if !name.eq_ignore_ascii_case("Authorization") {
            headers.append(name, value);
        }
    }
    Request {
        headers,
        ..request.clone()
    }
}

/// A drug-information request (YZK) for a card, as a doctor's terminal sends it.
fn drug_request(insurer: &str, symbol: &str, number: &str, branch: &str) -> Vec<u8> {
    wire::MedicalInfoRequest {
        header: wire::MedicalInfoRequestHeader {
            medical_institution_code: Some(canned::INSTITUTION_CODE.to_owned()),
            insurer_number: Some(insurer.to_owned()),
            insured_card_symbol: Some(symbol.to_owned()),
            insured_identification_number: Some(number.to_owned()),
            insured_branch_number: Some(branch.to_owned()),
            arbitrary_file_identifier: Some("yzk-1".to_owned()),
        },
        body: wire::MedicalInfoRequestBody::default(),
    }
    .encode(Encoding::Utf8)
    .expect("encodes")
}

fn visit(h: &mut Harness, token: &str, person: &str) {
    let response = h.send(&client::reader_visit(
        token,
        &ReaderVisit {
            reader_id: "reader-1".to_owned(),
            person_id: person.to_owned(),
            method: Some(VisitMethod::Face),
            pin: None,
            consents: ConsentChoices {
                medical: true,
                checkups: true,
                limit: false,
            },
        },
    ));
    assert_eq!(response.status, 201);
}

#[test]
fn a_remembered_answer_is_replayed_only_to_a_caller_who_may_make_the_write() {
    let mut h = Harness::training();
    let admin = h.token("admin01");
    let general = h.token("002");
    let update = onshi_core::contract::groups::AccountUpdate {
        name: Some("名前変更".to_owned()),
        kind: None,
    };
    let request =
        client::with_idempotency_key(client::update_account(&admin, "002", &update), "k-1");
    assert_eq!(h.send(&request).status, 200);
    // Without a token: 401, and not even whether the key exists.
    assert_eq!(
        problem(&h.send(&anonymous(&request)), 401).code,
        "unauthenticated"
    );
    // A kind that may not manage accounts: 403, not the remembered 200.
    let as_general =
        client::with_idempotency_key(client::update_account(&general, "002", &update), "k-1");
    assert_eq!(problem(&h.send(&as_general), 403).code, "forbidden");
    // The admin's own retry replays.
    let replay = h.send(&request);
    assert_eq!(replay.headers.get("Idempotent-Replayed"), Some("true"));
}

#[test]
fn answers_shown_once_are_never_remembered() {
    let mut h = Harness::training();
    let admin = h.token("admin01");
    let staff = h.token("002");
    let new = NewAccount {
        user_id: "n001".to_owned(),
        name: "新人".to_owned(),
        kind: "general".to_owned(),
    };
    let create = client::with_idempotency_key(client::create_account(&admin, &new), "k-a");
    let _: IssuedPassword = h.json(&create, 201);
    // The same request again is a second creation, refused as such; no initial password comes back.
    assert_eq!(problem(&h.send(&create), 409).code, "account_exists");
    let passcode = client::with_idempotency_key(client::issue_passcode(&staff), "k-p");
    let first: IssuedPasscode = h.json(&passcode, 201);
    let second = h.send(&passcode);
    assert_eq!(second.headers.get("Idempotent-Replayed"), None);
    h.send(&client::sign_out(&staff));
    assert_eq!(
        problem(&h.send(&anonymous(&passcode)), 401).code,
        "unauthenticated"
    );
    assert_eq!(first.passcode.len(), 4);
}

#[test]
fn medical_answers_are_not_remembered_past_their_window() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let doctor = h.token("003");
    visit(&mut h, &staff, "nakahara-sakura");
    let request = client::with_idempotency_key(
        client::medical_drugs(&doctor, drug_request("01130012", "2468101", "7", "00")),
        "yzk-1",
    );
    assert_eq!(h.xml(&request).status, 200);
    h.advance(TimeDelta::hours(30));
    let doctor = h.token("003");
    let later = client::with_idempotency_key(
        client::medical_drugs(&doctor, drug_request("01130012", "2468101", "7", "00")),
        "yzk-1",
    );
    let answer = h.xml(&later);
    assert!(!String::from_utf8_lossy(&answer.body).contains("アムロジピン"));
    assert_eq!(answer.headers.get("Idempotent-Replayed"), None);
}

/// A Shift_JIS inquiry whose ArbitraryFileIdentifier carries 𠮷 as a character reference.
fn shift_jis_with_yoshi(message: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(message);
    bytes.into_owned()
}

#[test]
fn a_shift_jis_request_with_a_character_it_cannot_carry_is_refused_and_records_nothing() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let inquiry = shift_jis_with_yoshi(
        "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><XmlMsg><MessageHeader>\
         <MedicalInstitutionCode>1234567897</MedicalInstitutionCode>\
         <QualificationConfirmationDate>20261122</QualificationConfirmationDate>\
         <ArbitraryFileIdentifier>&#x20BB7;</ArbitraryFileIdentifier></MessageHeader>\
         <MessageBody><QualificationConfirmSearchInfo><InsurerNumber>06139000</InsurerNumber>\
         <InsuredCardSymbol>9000</InsuredCardSymbol>\
         <InsuredIdentificationNumber>10001</InsuredIdentificationNumber>\
         <InsuredBranchNumber>01</InsuredBranchNumber><Birthdate>19540326</Birthdate>\
         <LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>\
         </QualificationConfirmSearchInfo></MessageBody></XmlMsg>",
    );
    let refused = problem(&h.send(&client::inquire(&staff, inquiry.clone())), 422);
    assert_eq!(refused.errors[0].field, "ArbitraryFileIdentifier");
    assert!(refused.errors[0].message.contains("𠮷"), "{refused:?}");
    let bulk = problem(
        &h.send(&client::bulk_submit(&staff, "qualifications", inquiry)),
        422,
    );
    assert_eq!(bulk.errors[0].field, "ArbitraryFileIdentifier");
    let page: HistoryPage = h.json(&client::history(&staff, &HistorySearch::default()), 200);
    assert_eq!(page.total, 0);
    let events: EventsPage = h.json(&client::events(&staff, 0), 200);
    assert_eq!(events.last_id, 0);
    h.advance(TimeDelta::minutes(5));
    assert_eq!(
        problem(
            &h.send(&client::bulk_result(
                &staff,
                "qualifications",
                "20261122000001"
            )),
            404
        )
        .code,
        "not_found"
    );
}

#[test]
fn one_family_members_consent_opens_only_their_own_medical_information() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let doctor = h.token("003");
    // 新橋 太郎 (枝番 01) consents at the reader; 花子 (枝番 02) shares insurer, 記号 and 番号.
    visit(&mut h, &staff, "shinbashi-taro");
    let hanako = h.xml(&client::medical_drugs(
        &doctor,
        drug_request("06139000", "9000", "10001", "02"),
    ));
    let hanako = wire::DrugResult::decode(&hanako.body).expect("decodes");
    assert_eq!(hanako.header.result_code.as_deref(), Some("2"));
    assert!(hanako.header.patient.is_none());
    let taro = h.xml(&client::medical_drugs(
        &doctor,
        drug_request("06139000", "9000", "10001", "01"),
    ));
    let taro = wire::DrugResult::decode(&taro.body).expect("decodes");
    assert_eq!(taro.header.result_code.as_deref(), Some("1"));
    assert_eq!(
        taro.header.patient.and_then(|p| p.name).as_deref(),
        Some("新橋　太郎")
    );
}

#[test]
fn if_match_star_does_not_skip_the_stale_check() {
    let mut h = Harness::training();
    let token = h.token("002");
    let list: ReaderList = h.json(&client::readers(&token), 200);
    assert_eq!(
        h.send(&client::set_mode(
            &token,
            "reader-1",
            &list.readers[0].etag,
            "pin_only"
        ))
        .status,
        200
    );
    assert_eq!(
        problem(
            &h.send(&client::set_mode(&token, "reader-1", "*", "unattended")),
            412
        )
        .code,
        "precondition_failed"
    );
}

#[test]
fn a_deleted_accounts_passcode_no_longer_opens_a_reader() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let admin = h.token("admin01");
    let code: IssuedPasscode = h.json(&client::issue_passcode(&staff), 201);
    assert_eq!(h.send(&client::delete_account(&admin, "002")).status, 204);
    let attempt = client::staff_mode(
        &admin,
        "reader-2",
        &StaffMode {
            user_id: "002".to_owned(),
            passcode: code.passcode,
        },
    );
    assert_eq!(problem(&h.send(&attempt), 403).code, "passcode_invalid");
}

#[test]
fn every_change_of_a_readers_etag_comes_with_a_reader_event() {
    let mut h = Harness::training();
    let a = h.token("002");
    let b = h.token("admin01");
    let list: ReaderList = h.json(&client::readers(&a), 200);
    let visual: Reader = h.json(
        &client::set_mode(&a, "reader-1", &list.readers[0].etag, "visual"),
        200,
    );
    let seen: EventsPage = h.json(&client::events(&b, 0), 200);
    assert_eq!(
        h.send(&client::start_visual_check(&a, "reader-1", "2026-11-22"))
            .status,
        201
    );
    let news: EventsPage = h.json(&client::events(&b, seen.last_id), 200);
    let etag = news
        .events
        .iter()
        .rev()
        .find_map(|e| e.data["etag"].as_str().map(str::to_owned))
        .expect("a reader event with the new ETag");
    assert_ne!(etag, visual.etag);
    assert_eq!(
        h.send(&client::set_mode(&b, "reader-1", &etag, "unattended"))
            .status,
        200
    );
}

#[test]
fn history_bounds_at_the_edge_of_the_calendar_are_refused_not_a_panic() {
    let mut h = Harness::training();
    let token = h.token("002");
    for raw in [
        "-262143-01-01T00:00",
        "-262144-01-01T00:00",
        "%2B262143-12-31T23:59",
    ] {
        let request =
            Request::new(Method::Get, &format!("/qualifications?from={raw}")).with_bearer(&token);
        assert_eq!(
            problem(&h.send(&request), 422).errors[0].field,
            "from",
            "{raw}"
        );
    }
}

#[test]
fn a_path_parameter_stays_one_segment_naming_exactly_what_was_given() {
    let mut h = Harness::training();
    let admin = h.token("admin01");
    for odd in ["002?x", "002/x", "002#x", "002%x"] {
        let new = NewAccount {
            user_id: odd.to_owned(),
            name: "別人".to_owned(),
            kind: "general".to_owned(),
        };
        let _: IssuedPassword = h.json(&client::create_account(&admin, &new), 201);
        assert_eq!(h.send(&client::delete_account(&admin, odd)).status, 204);
        let list: AccountList = h.json(&client::accounts(&admin), 200);
        let ids: Vec<&str> = list.items.iter().map(|a| a.id.as_str()).collect();
        assert!(
            ids.contains(&"002") && !ids.contains(&odd),
            "{odd}: {ids:?}"
        );
    }
}

#[test]
fn a_bulk_search_without_a_card_gets_an_error_line_not_silence() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let upload = wire::BulkRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some(canned::INSTITUTION_CODE.to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::BulkRequestBody {
            searches: vec![
                wire::SearchInfo {
                    birthdate: Some("19540326".to_owned()),
                    ..wire::SearchInfo::default()
                },
                wire::SearchInfo {
                    insurer_number: Some("06139000".to_owned()),
                    insured_card_symbol: Some("9000".to_owned()),
                    insured_identification_number: Some("10001".to_owned()),
                    insured_branch_number: Some("01".to_owned()),
                    birthdate: Some("19540326".to_owned()),
                    ..wire::SearchInfo::default()
                },
            ],
        },
    }
    .encode(Encoding::Utf8)
    .expect("encodes");
    let receipt = h.xml(&client::bulk_submit(&staff, "qualifications", upload));
    let receipt = wire::BulkReceipt::decode(&receipt.body).expect("decodes");
    let number = receipt.body.reception_number.expect("a reception number");
    h.advance(TimeDelta::minutes(5));
    let result = h.xml(&client::bulk_result(&staff, "qualifications", &number));
    let result = wire::BulkResult::decode(&result.body).expect("decodes");
    let statuses: Vec<Option<&str>> = result
        .body
        .units
        .iter()
        .map(|u| u.processing_result_status.as_deref())
        .collect();
    assert_eq!(statuses, [Some("2"), Some("1")]);
}

#[test]
fn a_tab_whose_session_was_taken_over_learns_why_after_another_sign_in() {
    let mut h = Harness::training();
    let first = h.token("002");
    let _second = h.token("002");
    let _third = h.token("002");
    assert_eq!(
        problem(&h.send(&client::readers(&first)), 401).code,
        "session_revoked"
    );
}

#[test]
fn a_family_member_is_found_by_birthdate_when_no_branch_is_given() {
    let side = NationalSide::canned();
    let card = Card {
        insurer_number: Some(InsurerNumber::from_wire("06139000")),
        symbol: Some("9000".to_owned()),
        number: Some("10001".to_owned()),
        branch: None,
    };
    let hanako = chrono::NaiveDate::from_ymd_opt(1955, 1, 18).expect("date");
    assert_eq!(
        side.find(&card, Some(hanako)).map(|p| p.id.as_str()),
        Some("shinbashi-hanako")
    );
}

#[test]
fn the_second_card_of_a_multiple_match_finds_its_person() {
    let side = NationalSide::canned();
    let jiro = canned::people::person("shinagawa-jiro").expect("canned");
    assert_eq!(jiro.outcome, QualificationValidity::Multiple);
    let second = &jiro.qualifications[1].card;
    assert_ne!(second, &jiro.card);
    assert_eq!(
        side.find(second, Some(jiro.birthdate))
            .map(|p| p.id.as_str()),
        Some("shinagawa-jiro")
    );
}

#[test]
fn every_canned_card_passes_the_checks_a_form_would_make() {
    let mut insurers = std::collections::BTreeMap::new();
    for person in canned::people::people() {
        for q in &person.qualifications {
            let digits = q
                .card
                .insurer_number
                .as_ref()
                .map(|n| n.digits().to_owned())
                .unwrap_or_default();
            assert!(
                insurance::insurer_number("insurer_number", &digits).is_ok(),
                "{}: {digits}",
                person.id
            );
            if q.card
                .insurer_number
                .as_ref()
                .is_some_and(|n| n.is_late_elderly())
            {
                let number = q.card.number.clone().unwrap_or_default();
                assert_eq!(
                    onshi_core::domain::identifiers::late_elderly_number(&number),
                    Ok(()),
                    "{}",
                    person.id
                );
            }
            // One insurer number, one insurer name.
            let name = q.insurer_name.clone().unwrap_or_default();
            let known = insurers
                .entry(digits.clone())
                .or_insert_with(|| name.clone());
            assert_eq!(known, &name, "{digits}");
        }
    }
}

#[test]
fn an_inquiry_cannot_be_recorded_under_another_users_name() {
    let mut h = Harness::training();
    let staff = h.token("002");
    let mut request = client::with_idempotency_key(
        client::inquire(&staff, fixture("siquc01req-taro.xml")),
        "i-1",
    );
    request.headers.set("Onshi-Original-User", "master");
    h.xml(&request);
    let page: HistoryPage = h.json(&client::history(&staff, &HistorySearch::default()), 200);
    assert_eq!(page.items[0].login_id, "002");
}

#[test]
fn registrations_and_medical_requests_pad_a_six_digit_insurer_number_to_eight() {
    let card = Card {
        insurer_number: Some(InsurerNumber::from_wire("138057")),
        symbol: Some("大田".to_owned()),
        number: Some("1234".to_owned()),
        branch: Some("01".to_owned()),
    };
    let registration = onshi_core::domain::Registration {
        reference_number: Some("R-1".to_owned()),
        card: card.clone(),
    }
    .to_wire();
    assert_eq!(registration.insurer_number.as_deref(), Some("  138057"));
    let request = onshi_core::domain::medical::MedicalRequest {
        card,
        ..Default::default()
    }
    .to_wire();
    assert_eq!(request.header.insurer_number.as_deref(), Some("  138057"));
}

#[test]
fn a_reference_result_is_read_whatever_wraps_its_outcome() {
    let wrapped = "<XmlMsg><MessageHeader/><MessageBody><Result>\
        <ProcessingResultStatus>2</ProcessingResultStatus>\
        <ProcessingResultCode>E1</ProcessingResultCode></Result></MessageBody></XmlMsg>";
    let message = wire::ReferenceResult::decode(wrapped.as_bytes()).expect("decodes");
    assert_eq!(message.body.processing_result_status.as_deref(), Some("2"));
    assert_eq!(message.body.processing_result_code.as_deref(), Some("E1"));
}

#[test]
fn a_medical_ticket_month_that_is_no_month_is_warned_about() {
    let record = wire::QualificationRecord {
        medical_tickets: vec![wire::MedicalTicketInfo {
            medical_treatment_month: Some("202613".to_owned()),
            ..wire::MedicalTicketInfo::default()
        }],
        ..wire::QualificationRecord::default()
    };
    let mut findings = onshi_core::domain::Findings::default();
    let q = onshi_core::domain::Qualification::from_wire(&record, &mut findings);
    assert_eq!(q.medical_tickets.len(), 1, "kept as received");
    assert!(
        findings
            .0
            .iter()
            .any(|f| f.element == "MedicalTreatmentMonth"),
        "{findings:?}"
    );
}

/// Regression: from `after=0` with 1,101 events in the backlog, the first page ended at 1000 but
/// said `last_id` 1101, so a client resuming from it (the event stream did) skipped 1001–1101. A
/// page now resumes after its own last event, and the pages together are the backlog exactly.
#[test]
fn regression_issue_14_a_backlog_longer_than_a_page_is_read_without_a_gap() {
    use onshi_core::store::{Change, EventKind, EventRecord, Store, StoreRead};
    let mut h = Harness::training();
    let token = h.token("002");
    let base = h.store.last_event_id().expect("reads");
    let mut events: Vec<Change> = (1..=1101)
        .map(|n| {
            Change::AppendEvent(EventRecord {
                id: base + n,
                at: h.now,
                kind: EventKind::Reader,
                data: serde_json::json!({"n": n}),
            })
        })
        .collect();
    h.store
        .transaction(&mut |_| Ok(std::mem::take(&mut events)))
        .expect("appended");
    let newest = base + 1101;
    let mut seen = Vec::new();
    let mut after = base;
    loop {
        let page: EventsPage = h.json(&client::events(&token, after), 200);
        assert_eq!(page.newest_id, newest);
        if page.events.is_empty() {
            assert_eq!(
                page.last_id, after,
                "an empty page resumes where it was asked"
            );
            break;
        }
        assert_eq!(page.last_id, page.events.last().map(|e| e.id).unwrap_or(0));
        seen.extend(page.events.iter().map(|e| e.id));
        after = page.last_id;
    }
    assert_eq!(
        seen,
        ((base + 1)..=newest).collect::<Vec<_>>(),
        "nothing lost or repeated"
    );
}
