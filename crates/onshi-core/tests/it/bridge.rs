//! The dispatcher with the national side's files (issue 4, decisions.md D3 and D7): a request that
//! needs the national side stops with the exchange to make and applies nothing; dispatched again
//! with the answer, it is recorded and the answer passed on exactly as it came. The answers here are
//! hand-written fixture files, never our own encoder's output.

use chrono::NaiveDate;
use onshi_core::{
    canned,
    client::{self, HistorySearch},
    contract::{
        Capabilities, Request, Response,
        groups::{EventsPage, HistoryPage},
    },
    dispatch::{
        Config, Dispatched, Dispatcher, Env, Exchange, ExchangeKind, FaceRecorded, NationalAnswer,
    },
    password::HashCost,
    random::SeededRandom,
    store::{CardKey, MemoryStore, StoreRead},
    time::Timestamp,
    wire,
};

use crate::harness::{fixture, problem};

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

    fn send_with(&mut self, request: &Request, answer: Option<&NationalAnswer>) -> Dispatched {
        let mut env = Env {
            now: self.now,
            random: &mut self.random,
        };
        self.dispatcher
            .dispatch_with(&mut self.store, &mut env, request, answer)
    }

    fn answered(&mut self, request: &Request) -> Response {
        match self.send_with(request, None) {
            Dispatched::Answered(response) => response,
            Dispatched::Exchange(exchange) => panic!("unexpected exchange {:?}", exchange.kind),
        }
    }

    /// The exchange a request asks for; asking applies nothing.
    fn exchange(&mut self, request: &Request) -> Exchange {
        let before = self.store.clone();
        match self.send_with(request, None) {
            Dispatched::Exchange(exchange) => {
                assert_eq!(self.store, before, "asking for an exchange applies nothing");
                exchange
            }
            Dispatched::Answered(response) => panic!(
                "expected an exchange, got {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            ),
        }
    }

    fn complete(&mut self, request: &Request, answer: NationalAnswer) -> Response {
        match self.send_with(request, Some(&answer)) {
            Dispatched::Answered(response) => response,
            Dispatched::Exchange(exchange) => panic!("asked again for {:?}", exchange.kind),
        }
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
}

#[test]
fn only_what_files_can_do_is_advertised() {
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
    let token = b.token("002");
    assert_eq!(
        problem(&b.answered(&client::readers(&token)), 404).code,
        "not_found"
    );
}

#[test]
fn an_inquiry_is_asked_of_the_national_side_recorded_and_passed_on_as_it_came() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::inquire(&token, fixture("siquc01req-kokuho-sjis.xml"));
    let exchange = b.exchange(&request);
    assert_eq!(exchange.kind, ExchangeKind::Qualification);
    assert_eq!(exchange.kind.request_prefix(), "OQSsiquc01req");
    assert_eq!(
        exchange.message, request.body,
        "the request file is the request, unchanged"
    );

    let answer = fixture("siquc01res-face-sjis.xml");
    let response = b.complete(&request, NationalAnswer::Message(answer.clone()));
    assert_eq!(response.status, 200);
    assert_eq!(response.body, answer, "passed on byte for byte");
    assert_eq!(b.history_total(&token), 1);
    let page: HistoryPage = client::expect_json(
        &b.answered(&client::history(&token, &HistorySearch::default())),
        200,
    )
    .expect("history");
    assert_eq!(page.items[0].login_id, "002");
    let detail = b.answered(&client::history_detail(&token, page.items[0].id));
    assert_eq!(
        detail.body, answer,
        "history keeps the message as given, in Shift_JIS"
    );
}

#[test]
fn an_error_file_or_no_answer_is_a_clear_problem_and_records_nothing() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::inquire(&token, fixture("siquc01req-taro.xml"));
    let error = problem(
        &b.complete(
            &request,
            NationalAnswer::Error("EQ0001 資格確認端末の証明書が失効しています".to_owned()),
        ),
        502,
    );
    assert_eq!(error.code, "national_error");
    assert!(
        error
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("EQ0001"))
    );
    let timeout = problem(&b.complete(&request, NationalAnswer::TimedOut), 504);
    assert_eq!(timeout.code, "national_timeout");
    assert!(!timeout.title.is_empty());
    let unreadable = problem(
        &b.complete(&request, NationalAnswer::Message(b"not xml".to_vec())),
        502,
    );
    assert_eq!(unreadable.code, "national_error");
    assert_eq!(b.history_total(&token), 0);
}

#[test]
fn a_remembered_inquiry_is_replayed_without_asking_again() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::with_idempotency_key(
        client::inquire(&token, fixture("siquc01req-taro.xml")),
        "retry-1",
    );
    b.exchange(&request);
    let first = b.complete(
        &request,
        NationalAnswer::Message(fixture("siquc01res-taro.xml")),
    );
    assert_eq!(first.status, 200);
    let replay = b.answered(&request);
    assert_eq!(replay.headers.get("Idempotent-Replayed"), Some("true"));
    assert_eq!(replay.body, first.body);
    assert_eq!(b.history_total(&token), 1, "recorded once");
}

#[test]
fn an_accepted_registration_is_recorded() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let request = client::register_reference(&token, fixture("siimm01req.xml"));
    assert_eq!(b.exchange(&request).kind.request_prefix(), "OQSsiimm01req");
    let answer = fixture("siimm01res.xml");
    let response = b.complete(&request, NationalAnswer::Message(answer.clone()));
    assert_eq!(response.body, answer);
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
fn a_bulk_job_is_kept_by_its_reception_number_and_announced_when_downloaded_complete() {
    let mut b = Bridge::new();
    let token = b.token("002");
    let upload = wire::BulkRequest {
        header: wire::RequestHeader {
            medical_institution_code: Some(canned::INSTITUTION_CODE.to_owned()),
            ..wire::RequestHeader::default()
        },
        body: wire::BulkRequestBody {
            searches: vec![wire::SearchInfo {
                insurer_number: Some("06139000".to_owned()),
                insured_identification_number: Some("10001".to_owned()),
                birthdate: Some("19540326".to_owned()),
                ..wire::SearchInfo::default()
            }],
        },
    }
    .encode(wire::Encoding::Utf8)
    .expect("encodes");
    let submit = client::bulk_submit(&token, "qualifications", upload);
    assert_eq!(b.exchange(&submit).kind.request_prefix(), "OQSmuquc01req");
    let receipt = fixture("muquc01res.xml");
    assert_eq!(
        b.complete(&submit, NationalAnswer::Message(receipt.clone()))
            .body,
        receipt
    );

    let download = client::bulk_result(&token, "qualifications", "20261122000001");
    let exchange = b.exchange(&download);
    assert_eq!(exchange.kind.request_prefix(), "OQSmuquc02req");
    let asked = wire::DownloadRequest::decode(&exchange.message).expect("a download request");
    assert_eq!(
        asked.body.reception_number.as_deref(),
        Some("20261122000001")
    );
    assert_eq!(
        asked.header.medical_institution_code.as_deref(),
        Some(canned::INSTITUTION_CODE)
    );
    let events = |b: &mut Bridge| {
        client::expect_json::<EventsPage>(&b.answered(&client::events(&token, 0)), 200)
            .expect("events")
            .events
            .len()
    };
    b.complete(
        &download,
        NationalAnswer::Message(fixture("muquc02res-processing.xml")),
    );
    assert_eq!(events(&mut b), 0, "still 処理中");
    let done = fixture("muquc02res.xml");
    assert_eq!(
        b.complete(&download, NationalAnswer::Message(done.clone()))
            .body,
        done
    );
    b.complete(&download, NationalAnswer::Message(done));
    assert_eq!(events(&mut b), 1, "announced once");
    // A reception number the national side never gave is unknown here.
    let unknown = client::bulk_result(&token, "qualifications", "20261122009999");
    assert_eq!(problem(&b.answered(&unknown), 404).code, "not_found");
}

#[test]
fn drug_information_is_asked_of_the_national_side() {
    let mut b = Bridge::new();
    let token = b.token("003");
    let request = client::medical_drugs(&token, fixture("siquc01req-taro.xml"));
    // The request must read as a medical information request; any XmlMsg does.
    let exchange = b.exchange(&request);
    assert_eq!(exchange.kind, ExchangeKind::Drugs);
    assert_eq!(exchange.kind.request_prefix(), "YZKsiquc01req");
    let answer = fixture("yzk-res.xml");
    assert_eq!(
        b.complete(&request, NationalAnswer::Message(answer.clone()))
            .body,
        answer
    );
    // The role is still checked here: a general account may not.
    let general = b.token("002");
    let refused = b.answered(&client::medical_drugs(
        &general,
        fixture("siquc01req-taro.xml"),
    ));
    assert_eq!(problem(&refused, 403).code, "forbidden");
}

#[test]
fn a_face_file_is_recorded_once_as_a_result_and_an_event() {
    let mut b = Bridge::new();
    let name = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20261122090000.xml";
    let bytes = fixture("face-synthetic-capture.xml");
    let record = |b: &mut Bridge, name: &str, bytes: &[u8]| {
        let mut env = Env {
            now: b.now,
            random: &mut b.random,
        };
        b.dispatcher
            .record_face_file(&mut b.store, &mut env, name, bytes)
            .expect("the store works")
    };
    assert_eq!(record(&mut b, name, &bytes), FaceRecorded::Recorded(1));
    assert_eq!(record(&mut b, name, &bytes), FaceRecorded::AlreadyRecorded);
    assert!(matches!(
        record(&mut b, "OQSsiquc01res_face_broken.xml", b"<half"),
        FaceRecorded::Unreadable(_)
    ));
    assert!(matches!(
        record(&mut b, "OQSsiquc01res_face_broken.xml", b"<half"),
        FaceRecorded::AlreadyRecorded
    ));
    let token = b.token("002");
    assert_eq!(b.history_total(&token), 1);
    let events: EventsPage =
        client::expect_json(&b.answered(&client::events(&token, 0)), 200).expect("events");
    assert_eq!(events.events.len(), 1);
    assert_eq!(events.events[0].data["history_id"], 1);
    assert_eq!(
        b.store.history(1).expect("reads").map(|h| h.message),
        Some(bytes)
    );
}
