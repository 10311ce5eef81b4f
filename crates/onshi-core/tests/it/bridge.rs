//! The dispatcher with the national side's files (decisions.md D3, D7): a request
//! that needs the national side is checked in full, begins an exchange (its request file's name, its
//! own `ArbitraryFileIdentifier`, the write's key in progress) and stops; the exchange then ends
//! once, with an answer checked against its request before anything of it is recorded. The answers
//! are hand-written templates filled from the request file's text (`national`), never our own
//! encoder's output.

use chrono::NaiveDate;
use onshi_core::{
    canned,
    client::{self, HistorySearch},
    contract::{
        Capabilities, Request, Response,
        groups::{EventsPage, HistoryPage},
    },
    dispatch::{
        Completed, Config, Dispatched, Dispatcher, Env, Exchange, FaceRecorded, NationalAnswer,
    },
    exchange::Unreadable,
    password::HashCost,
    random::SeededRandom,
    store::{CardKey, ExchangeOutcome, ExchangeState, MemoryStore, StoreRead},
    time::Timestamp,
};

use crate::{
    harness::{fixture, problem},
    national::{answer, template, value_of},
};

/// A dispatcher whose national side is the file interface, on the training institution and
/// accounts.
struct Bridge {
    dispatcher: Dispatcher,
    store: MemoryStore,
    random: SeededRandom,
    now: Timestamp,
}

impl Bridge {
    fn new() -> Bridge {
        let config = Config {
            password_cost: HashCost::CHEAP,
            ..Config::standard()
        };
        Bridge {
            dispatcher: Dispatcher::new(config).with_files(),
            store: canned::training_store(),
            random: SeededRandom::new(4),
            now: Timestamp::from_jst(
                NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
                9,
                0,
                0,
            )
            .expect("time"),
        }
    }

    fn dispatched(&mut self, request: &Request) -> Dispatched {
        let mut env = Env {
            now: self.now,
            random: &mut self.random,
        };
        self.dispatcher
            .dispatch_with(&mut self.store, &mut env, request)
    }

    fn answered(&mut self, request: &Request) -> Response {
        let mut dispatched = self.dispatched(request);
        // A sign-in's password is checked between its two phases, as the endpoint does.
        if let Dispatched::Verify(check) = dispatched {
            let mut env = Env {
                now: self.now,
                random: &mut self.random,
            };
            dispatched =
                self.dispatcher
                    .finish_sign_in(&mut self.store, &mut env, request, check.verify());
        }
        match dispatched {
            Dispatched::Answered(response) => response,
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    /// The exchange a request begins: recorded, with nothing else of the request applied.
    fn exchange(&mut self, request: &Request) -> Exchange {
        let history = self.store.last_history_id().expect("reads");
        match self.dispatched(request) {
            Dispatched::Exchange(exchange) => {
                let record = self
                    .store
                    .exchange(exchange.id)
                    .expect("reads")
                    .expect("the exchange is recorded before its file is written");
                assert_eq!(record.state, ExchangeState::Writing);
                assert_eq!(record.name, exchange.name);
                assert_eq!(self.store.last_history_id().expect("reads"), history);
                exchange
            }
            other => panic!("expected an exchange, got {other:?}"),
        }
    }

    fn complete(&mut self, id: u64, national: NationalAnswer) -> Completed {
        let mut env = Env {
            now: self.now,
            random: &mut self.random,
        };
        self.dispatcher
            .complete_exchange(&mut self.store, &mut env, id, national)
            .expect("the store works")
    }

    fn token(&mut self, user_id: &str) -> String {
        let account = canned::TRAINING_ACCOUNTS
            .iter()
            .find(|a| a.user_id == user_id)
            .expect("a training account");
        let response = self.answered(&client::sign_in(user_id, account.password, true));
        let signed_in: onshi_core::contract::session::SignedIn =
            client::expect_json(&response, 201).expect("sign-in");
        signed_in.token
    }

    fn history_total(&mut self, token: &str) -> usize {
        let response = self.answered(&client::history(token, &HistorySearch::default()));
        client::expect_json::<HistoryPage>(&response, 200)
            .expect("history")
            .total
    }

    fn outcome(&self, id: u64) -> ExchangeOutcome {
        match self.store.exchange(id).expect("reads").map(|r| r.state) {
            Some(ExchangeState::Done(done)) => done.outcome,
            other => panic!("exchange {id} has not ended: {other:?}"),
        }
    }
}

/// The qualification answer to `exchange`'s request file, for a patient named `name`.
fn qualification_answer(exchange: &Exchange, name: &str) -> Vec<u8> {
    answer(
        &template("siquc01res.xml"),
        &exchange.message,
        &[("Name", name)],
    )
}

#[test]
fn only_what_files_can_do_is_advertised_with_the_national_timeout() {
    let mut b = Bridge::new();
    let response = b.answered(&client::capabilities());
    let capabilities: Capabilities = client::expect_json(&response, 200).expect("capabilities");
    assert_eq!(
        capabilities.groups,
        [
            "session",
            "qualification",
            "history",
            "events",
            "reference_numbers",
            "bulk",
            "medical_info",
            "accounts"
        ]
    );
    assert_eq!(capabilities.national_timeout_s, Some(60));
    let token = b.token("002");
    assert_eq!(
        problem(&b.answered(&client::readers(&token)), 404).code,
        "not_found"
    );
    // A training dispatcher waits for no one.
    let mut training = crate::harness::Harness::training();
    let capabilities: Capabilities =
        client::expect_json(&training.send(&client::capabilities()), 200).expect("capabilities");
    assert_eq!(capabilities.national_timeout_s, None);
}

#[test]
fn an_inquiry_is_asked_under_its_own_name_and_identifier_and_recorded_once() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::inquire(&token, fixture("siquc01req-kokuho-sjis.xml"));
    let exchange = b.exchange(&request);
    assert_eq!(exchange.name, "OQSsiquc01req_202611220001");
    // The request file is the request with this exchange's identifier, in its own encoding.
    let identifier = value_of(&exchange.message, "ArbitraryFileIdentifier").expect("identified");
    assert_ne!(identifier, "kokuho-0001");
    assert!(identifier.starts_with("O000000000001"), "{identifier}");
    assert!(
        exchange
            .message
            .starts_with(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"")
    );
    assert_eq!(
        value_of(&exchange.message, "InsuredCardSymbol").as_deref(),
        Some("大田")
    );

    let national = qualification_answer(&exchange, "大田　一郎");
    let completed = b.complete(exchange.id, NationalAnswer::Message(national.clone()));
    assert!(!completed.already);
    assert_eq!(completed.response.status, 200);
    assert_eq!(completed.response.body, national, "passed on byte for byte");
    assert_eq!(
        completed.response.headers.get("Content-Location"),
        Some("/onshi/v1/qualifications/1")
    );
    assert_eq!(b.outcome(exchange.id), ExchangeOutcome::Answered);
    assert_eq!(b.history_total(&token), 1);

    // The national side answering twice changes nothing.
    let again = b.complete(exchange.id, NationalAnswer::Message(national));
    assert!(again.already);
    assert_eq!(again.response.status, 200);
    assert_eq!(b.history_total(&token), 1, "recorded once");

    // The next request file of the day has the next number and another identifier.
    let next = b.exchange(&client::inquire(&token, fixture("siquc01req-taro.xml")));
    assert_eq!(next.name, "OQSsiquc01req_202611220002");
    assert_ne!(
        value_of(&next.message, "ArbitraryFileIdentifier"),
        Some(identifier)
    );
}

#[test]
fn an_answer_for_another_patient_or_another_request_is_refused_and_recorded_nowhere() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let taro = b.exchange(&client::inquire(&token, fixture("siquc01req-taro.xml")));
    let kokuho = b.exchange(&client::inquire(
        &token,
        fixture("siquc01req-kokuho-sjis.xml"),
    ));
    // kokuho's answer under taro's name: another patient's search keys.
    let crossed = b.complete(
        taro.id,
        NationalAnswer::Message(qualification_answer(&kokuho, "大田　一郎")),
    );
    let refused = problem(&crossed.response, 502);
    assert_eq!(refused.code, "national_answer_refused");
    assert!(crossed.refused.is_some());
    let detail = refused.detail.unwrap_or_default();
    assert!(
        !detail.contains("大田") && !detail.contains("1234"),
        "no patient data: {detail}"
    );
    assert_eq!(b.outcome(taro.id), ExchangeOutcome::Refused);
    // The right patient with another request's identifier is refused too.
    let mut stolen = qualification_answer(&kokuho, "大田　一郎");
    let theirs = value_of(&kokuho.message, "ArbitraryFileIdentifier").expect("identified");
    stolen = String::from_utf8(stolen)
        .expect("utf-8")
        .replace(&theirs, "O000000000999ffffffffffffffff")
        .into_bytes();
    assert_eq!(
        problem(
            &b.complete(kokuho.id, NationalAnswer::Message(stolen))
                .response,
            502
        )
        .code,
        "national_answer_refused"
    );
    // A file that is no message at all.
    let other = b.exchange(&client::inquire(&token, fixture("siquc01req-taro.xml")));
    let broken = b.complete(other.id, NationalAnswer::Message(b"<XmlMsg><Mess".to_vec()));
    assert_eq!(
        problem(&broken.response, 502).code,
        "national_answer_refused"
    );
    assert_eq!(b.history_total(&token), 0);
    let events: EventsPage =
        client::expect_json(&b.answered(&client::events(&token, 0)), 200).expect("events");
    assert!(events.events.is_empty(), "nothing announced");
}

#[test]
fn each_way_an_exchange_can_fail_is_its_own_problem_and_records_nothing() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let cases = [
        (
            NationalAnswer::Error("EQ0001 資格確認端末でエラーが発生しました".to_owned()),
            502,
            "national_error",
            ExchangeOutcome::NationalError,
        ),
        (
            NationalAnswer::Withdrawn,
            504,
            "national_timeout",
            ExchangeOutcome::Withdrawn,
        ),
        (
            NationalAnswer::NotWritten("writing req/…: permission denied".to_owned()),
            503,
            "share_unavailable",
            ExchangeOutcome::NotWritten,
        ),
        (
            NationalAnswer::Abandoned,
            502,
            "national_answer_refused",
            ExchangeOutcome::Abandoned,
        ),
        (
            NationalAnswer::Pdf(b"%PDF-1.4".to_vec()),
            502,
            "national_answer_refused",
            ExchangeOutcome::Refused,
        ),
    ];
    for (national, status, code, outcome) in cases {
        let exchange = b.exchange(&client::inquire(&token, fixture("siquc01req-taro.xml")));
        let completed = b.complete(exchange.id, national);
        let refusal = problem(&completed.response, status);
        assert_eq!(refusal.code, code);
        assert!(!refusal.title.is_ascii(), "a Japanese title");
        assert_eq!(b.outcome(exchange.id), outcome);
    }
    // The endpoint's own failure is never worded as the national system's.
    let own = problem(
        &onshi_core::contract::Problem::new(onshi_core::contract::ProblemCode::ShareUnavailable)
            .into_response(),
        503,
    );
    assert!(own.title.contains("共有フォルダ"), "{}", own.title);
    assert_eq!(b.history_total(&token), 0);
}

#[test]
fn a_write_with_its_key_in_progress_waits_and_is_never_asked_twice() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::with_idempotency_key(
        client::register_reference(&token, fixture("siimm01req.xml")),
        "outbox-1",
    );
    let exchange = b.exchange(&request);
    assert!(exchange.name.starts_with("OQSsiimm01req_"));
    // Sent again while the national side has not answered: no second request file.
    assert_eq!(
        b.dispatched(&request),
        Dispatched::InProgress {
            exchange: exchange.id
        }
    );
    // The same key with another write is still refused.
    let other = client::with_idempotency_key(
        client::register_reference(&token, fixture("siquc01req-taro.xml")),
        "outbox-1",
    );
    assert_eq!(
        problem(&b.answered(&other), 422).code,
        "idempotency_key_reused"
    );

    let national = answer(&template("siimm01res.xml"), &exchange.message, &[]);
    let completed = b.complete(exchange.id, NationalAnswer::Message(national.clone()));
    assert_eq!(completed.response.body, national);
    let replay = b.answered(&request);
    assert_eq!(replay.headers.get("Idempotent-Replayed"), Some("true"));
    assert_eq!(replay.body, national);
    let key = CardKey {
        insurer: "31130842".to_owned(),
        symbol: "2022".to_owned(),
        number: "010001".to_owned(),
        branch: "01".to_owned(),
    };
    let recorded = b.store.reference(&key).expect("reads").expect("recorded");
    assert_eq!(
        (
            recorded.reference_number.as_str(),
            recorded.user_id.as_str()
        ),
        ("K-000123", "002")
    );
}

#[test]
fn a_key_whose_request_file_was_never_taken_may_be_sent_again() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::with_idempotency_key(
        client::register_reference(&token, fixture("siimm01req.xml")),
        "outbox-2",
    );
    let first = b.exchange(&request);
    b.complete(first.id, NationalAnswer::Withdrawn);
    // Withdrawn unanswered: the national side never took it, so the key is free for a new file.
    let second = b.exchange(&request);
    assert_ne!(second.name, first.name);
    // An error file means the same.
    b.complete(second.id, NationalAnswer::Error("E".to_owned()));
    let third = b.exchange(&request);
    // A refused answer does not: the request reached the national side, and a retry replays it.
    let refused = b.complete(
        third.id,
        NationalAnswer::Message(answer(&template("siimm01res.xml"), &first.message, &[])),
    );
    assert_eq!(refused.response.status, 502);
    let replay = b.answered(&request);
    assert_eq!(replay.status, 502);
    assert_eq!(replay.headers.get("Idempotent-Replayed"), Some("true"));
    assert_eq!(problem(&replay, 502).code, "national_answer_refused");
}

#[test]
fn a_refused_registration_is_passed_on_and_records_no_number() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let exchange = b.exchange(&client::register_reference(
        &token,
        fixture("siimm01req.xml"),
    ));
    let national = answer(&template("siimm01res-refused.xml"), &exchange.message, &[]);
    let completed = b.complete(exchange.id, NationalAnswer::Message(national.clone()));
    assert_eq!(completed.response.body, national);
    let key = CardKey {
        insurer: "31130842".to_owned(),
        symbol: "2022".to_owned(),
        number: "010001".to_owned(),
        branch: "01".to_owned(),
    };
    assert_eq!(b.store.reference(&key).expect("reads"), None);
}

/// A bulk upload of one search, in UTF-8.
fn bulk_upload(institution: &str, search: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
         <MedicalInstitutionCode>{institution}</MedicalInstitutionCode></MessageHeader>\
         <MessageBody>{search}</MessageBody></XmlMsg>"
    )
    .into_bytes()
}

const TARO_SEARCH: &str = "<QualificationConfirmSearchInfo><InsurerNumber>06139000</InsurerNumber>\
    <InsuredIdentificationNumber>10001</InsuredIdentificationNumber><Birthdate>19540326</Birthdate>\
    </QualificationConfirmSearchInfo>";

#[test]
fn regression_issue_14_a_bulk_upload_is_checked_in_full_before_anything_reaches_the_share() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let plain = {
        let mut r = client::bulk_submit(
            &token,
            "qualifications",
            bulk_upload("1234567897", TARO_SEARCH),
        );
        r.headers.set("Content-Type", "text/plain");
        r
    };
    let untyped = {
        let mut r = client::bulk_submit(
            &token,
            "qualifications",
            bulk_upload("1234567897", TARO_SEARCH),
        );
        r.headers.remove("Content-Type");
        r
    };
    let doctype = client::bulk_submit(&token, "qualifications", fixture("doctype.xml"));
    let elsewhere = client::bulk_submit(
        &token,
        "qualifications",
        bulk_upload("1311111111", TARO_SEARCH),
    );
    let empty = client::bulk_submit(&token, "qualifications", bulk_upload("1234567897", ""));
    let no_birthdate = client::bulk_submit(
        &token,
        "qualifications",
        bulk_upload(
            "1234567897",
            &format!(
                "{TARO_SEARCH}<QualificationConfirmSearchInfo><InsurerNumber>06139000</InsurerNumber>\
                 <InsuredIdentificationNumber>10002</InsuredIdentificationNumber></QualificationConfirmSearchInfo>"
            ),
        ),
    );
    let cases: [(&Request, u16, &str, Option<&str>); 6] = [
        (&plain, 415, "unsupported_media_type", None),
        (&untyped, 415, "unsupported_media_type", None),
        (&doctype, 400, "malformed_body", None),
        (
            &elsewhere,
            422,
            "invalid_request",
            Some("MedicalInstitutionCode"),
        ),
        (
            &empty,
            422,
            "invalid_request",
            Some("QualificationConfirmSearchInfo"),
        ),
        (
            &no_birthdate,
            422,
            "invalid_request",
            Some("QualificationConfirmSearchInfo[2].Birthdate"),
        ),
    ];
    for (request, status, code, field) in cases {
        let refusal = problem(&b.answered(request), status);
        assert_eq!(refusal.code, code, "{field:?}");
        if let Some(field) = field {
            assert!(
                refusal
                    .errors
                    .iter()
                    .any(|e| e.field == field && !e.message.is_ascii()),
                "{field} in {:?}",
                refusal.errors
            );
        }
    }
    assert_eq!(
        b.store.last_exchange_id().expect("reads"),
        0,
        "no exchange was begun"
    );
}

#[test]
fn a_bulk_job_is_kept_by_its_receipt_and_announced_when_its_result_is_downloaded() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let upload = b.exchange(&client::bulk_submit(
        &token,
        "qualifications",
        bulk_upload("1234567897", TARO_SEARCH),
    ));
    assert!(upload.name.starts_with("OQSmuquc01req_20261122"));
    let receipt = answer(
        &template("mu01res.xml"),
        &upload.message,
        &[("ReceptionNumber", "20261122000001")],
    );
    assert_eq!(
        b.complete(upload.id, NationalAnswer::Message(receipt.clone()))
            .response
            .body,
        receipt
    );

    let download = client::bulk_result(&token, "qualifications", "20261122000001");
    let asked = b.exchange(&download);
    assert!(asked.name.starts_with("OQSmuquc02req_20261122"));
    assert_eq!(
        value_of(&asked.message, "ReceptionNumber").as_deref(),
        Some("20261122000001")
    );
    let events = |b: &mut Bridge| {
        client::expect_json::<EventsPage>(&b.answered(&client::events(&token, 0)), 200)
            .expect("events")
            .events
            .len()
    };
    // Another job's result is refused.
    let wrong = answer(
        &template("muquc02res.xml"),
        &asked.message,
        &[("ReceptionNumber", "20261122000777")],
    );
    assert_eq!(
        problem(
            &b.complete(asked.id, NationalAnswer::Message(wrong))
                .response,
            502
        )
        .code,
        "national_answer_refused"
    );
    assert_eq!(events(&mut b), 0);
    let again = b.exchange(&download);
    let done = answer(
        &template("muquc02res.xml"),
        &again.message,
        &[("ReceptionNumber", "20261122000001")],
    );
    assert_eq!(
        b.complete(again.id, NationalAnswer::Message(done.clone()))
            .response
            .body,
        done
    );
    let third = b.exchange(&download);
    b.complete(third.id, NationalAnswer::Message(done));
    assert_eq!(events(&mut b), 1, "announced once");
    let unknown = client::bulk_result(&token, "qualifications", "20261122009999");
    assert_eq!(problem(&b.answered(&unknown), 404).code, "not_found");
}

/// A drug or checkup request for the card of `siquc01res-face-sjis.xml`'s patient.
fn medical_request(institution: &str, branch: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
         <MedicalInstitutionCode>{institution}</MedicalInstitutionCode><InsurerNumber>01130012</InsurerNumber>\
         <InsuranceCardSymbol>1234567</InsuranceCardSymbol>\
         <InsuredPersonIdentificationNumber>890</InsuredPersonIdentificationNumber>\
         <BranchNumber>{branch}</BranchNumber></MessageHeader><MessageBody>\
         <StartDate>202605</StartDate><EndDate>202610</EndDate><FileCategory>2</FileCategory>\
         <PrDiInfClassification>1</PrDiInfClassification></MessageBody></XmlMsg>"
    )
    .into_bytes()
}

#[test]
fn medical_information_must_be_about_the_consented_patient() {
    let mut b = Bridge::new();
    let token = b.token("003");
    // No consent here: refused as the simulated side refuses, and nothing reaches the share.
    let refused = b.answered(&client::medical_drugs(
        &token,
        medical_request("1234567897", "00"),
    ));
    assert_eq!(refused.status, 200);
    assert_eq!(value_of(&refused.body, "ResultCode").as_deref(), Some("2"));
    assert_eq!(b.store.last_exchange_id().expect("reads"), 0);
    // The patient consented at the reader (a face result with viewing consents).
    let mut env = Env {
        now: b.now,
        random: &mut b.random,
    };
    b.dispatcher
        .record_face_file(
            &mut b.store,
            &mut env,
            "OQSsiquc01res_face_x_20261122090000.xml",
            &fixture("siquc01res-face-sjis.xml"),
        )
        .expect("recorded");
    let request = client::medical_drugs(&token, medical_request("1234567897", "00"));
    let asked = b.exchange(&request);
    assert!(asked.name.starts_with("YZKsiquc01req_"));
    let other = answer(
        &template("yzk-res.xml"),
        &asked.message,
        &[("Name", "新橋　太郎"), ("Birth", "19540326")],
    );
    assert_eq!(
        problem(
            &b.complete(asked.id, NationalAnswer::Message(other))
                .response,
            502
        )
        .code,
        "national_answer_refused"
    );
    let asked = b.exchange(&request);
    let own = answer(
        &template("yzk-res.xml"),
        &asked.message,
        &[("Name", "渡●　美咲"), ("Birth", "19880808")],
    );
    assert_eq!(
        b.complete(asked.id, NationalAnswer::Message(own.clone()))
            .response
            .body,
        own
    );
    // A refusal names no one and carries nothing: passed on.
    let asked = b.exchange(&request);
    let none = answer(&template("yzk-res-refused.xml"), &asked.message, &[]);
    assert_eq!(
        b.complete(asked.id, NationalAnswer::Message(none))
            .response
            .status,
        200
    );
    // A PDF is matched by its name only.
    let asked = b.exchange(&request);
    let pdf = b.complete(asked.id, NationalAnswer::Pdf(b"%PDF-1.4 ...".to_vec()));
    assert_eq!(pdf.response.content_type(), Some("application/pdf"));
    // Another member of the family (another 枝番) has not consented.
    let sibling = b.answered(&client::medical_drugs(
        &token,
        medical_request("1234567897", "01"),
    ));
    assert_eq!(value_of(&sibling.body, "ResultCode").as_deref(), Some("2"));
    // The role is still checked here: a general account may not.
    let general = b.token("002");
    let refused = b.answered(&client::medical_drugs(
        &general,
        medical_request("1234567897", "00"),
    ));
    assert_eq!(problem(&refused, 403).code, "forbidden");
}

#[test]
fn a_face_file_is_recorded_once_and_an_unreadable_one_is_announced_with_its_reason() {
    let mut b = Bridge::new();
    let record = |b: &mut Bridge, name: &str, bytes: &[u8]| {
        let mut env = Env {
            now: b.now,
            random: &mut b.random,
        };
        b.dispatcher
            .record_face_file(&mut b.store, &mut env, name, bytes)
            .expect("the store works")
    };
    let name = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20261122090000.xml";
    let bytes = fixture("face-synthetic-capture.xml");
    assert_eq!(record(&mut b, name, &bytes), FaceRecorded::Recorded(1));
    assert_eq!(record(&mut b, name, &bytes), FaceRecorded::AlreadyRecorded);
    let cases = [
        ("face-sjis-declared-utf8.xml", Unreadable::Encoding),
        ("face-encrypted.bin", Unreadable::Encrypted),
        ("doctype.xml", Unreadable::NotAMessage),
    ];
    for (i, (file, reason)) in cases.iter().enumerate() {
        let name = format!("OQSsiquc01res_face_{i}_20261122091000.xml");
        match record(&mut b, &name, &fixture(file)) {
            FaceRecorded::Unreadable { reason: got, .. } => assert_eq!(got, *reason, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
        assert_eq!(
            record(&mut b, &name, &fixture(file)),
            FaceRecorded::AlreadyRecorded
        );
    }
    let half = record(
        &mut b,
        "OQSsiquc01res_face_half.xml",
        b"<?xml version=\"1.0\"?><XmlMsg><Mess",
    );
    assert!(matches!(
        half,
        FaceRecorded::Unreadable {
            reason: Unreadable::Broken,
            ..
        }
    ));
    let token = b.token("002");
    assert_eq!(b.history_total(&token), 1);
    let events: EventsPage =
        client::expect_json(&b.answered(&client::events(&token, 0)), 200).expect("events");
    let kinds: Vec<&str> = events.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "qualification",
            "face_unreadable",
            "face_unreadable",
            "face_unreadable",
            "face_unreadable"
        ]
    );
    assert_eq!(events.events[1].data["reason"], "encoding");
    assert_eq!(
        events.events[1].data["file"],
        "OQSsiquc01res_face_0_20261122091000.xml"
    );
    // Only the unreadable ones, for a screen that lists them.
    let unreadable: EventsPage = client::expect_json(
        &b.answered(&client::events_of_kind(&token, "face_unreadable", 0)),
        200,
    )
    .expect("events");
    assert_eq!(unreadable.events.len(), 4);
    assert_eq!(unreadable.last_id, 5);
    assert_eq!(unreadable.newest_id, 5);
}
