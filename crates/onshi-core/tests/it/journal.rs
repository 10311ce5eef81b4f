//! The store as records (`store::journal`): kinds and keys, what a journaled transaction writes, a
//! store loaded without its messages and results, another copy's operations applied, and a world
//! that persists record by record answering exactly like the whole store.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeDelta};
use onshi_core::{
    canned,
    client::{self, HistorySearch},
    contract::{
        Method, Request, Response, VisitMethod,
        groups::{ConsentChoices, PinCheck, ReaderVisit, TrainingClock},
    },
    dispatch::{Config, Dispatcher, Env},
    password::HashCost,
    random::SeededRandom,
    store::{
        Change, HistoryQuery, MemoryStore, Narrow, SessionEnd, SessionRecord, Store, StoreError,
        StoreRead,
        journal::{self, Blob, Journaled, RecordKind, RecordOp},
    },
    time::Timestamp,
};
use proptest::prelude::*;

use crate::harness::fixture;

fn now() -> Timestamp {
    Timestamp::from_jst(
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        9,
        0,
        0,
    )
    .expect("time")
}

fn dispatcher() -> Dispatcher {
    Dispatcher::new(Config {
        password_cost: HashCost::CHEAP,
        ..Config::training()
    })
}

/// Records as a map, the way a store keyed by kind and key holds them.
fn as_map(records: &[RecordOp]) -> BTreeMap<(RecordKind, String), String> {
    let mut map = BTreeMap::new();
    apply_to_map(&mut map, records);
    map
}

fn apply_to_map(map: &mut BTreeMap<(RecordKind, String), String>, ops: &[RecordOp]) {
    for op in ops {
        match op {
            RecordOp::Put { kind, key, value } => {
                map.insert((*kind, key.clone()), value.clone());
            }
            RecordOp::Delete { kind, key } => {
                map.remove(&(*kind, key.clone()));
            }
        }
    }
}

fn is_blob(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::HistoryMessage | RecordKind::BulkResult)
}

/// A store loaded from `map` as a world loads it: without messages and results.
fn load_detached(map: &BTreeMap<(RecordKind, String), String>) -> MemoryStore {
    MemoryStore::from_records(
        map.iter()
            .filter(|((kind, _), _)| !is_blob(*kind))
            .map(|((kind, key), value)| (*kind, key.clone(), value.clone())),
    )
    .expect("the records read")
}

fn triples(records: &[RecordOp]) -> Vec<(RecordKind, String, String)> {
    records
        .iter()
        .filter_map(|op| match op {
            RecordOp::Put { kind, key, value } => Some((*kind, key.clone(), value.clone())),
            RecordOp::Delete { .. } => None,
        })
        .collect()
}

#[test]
fn every_kind_has_its_own_store_name_that_reads_back() {
    let table: &[(RecordKind, &str)] = &[
        (RecordKind::Institution, "institution"),
        (RecordKind::Account, "accounts"),
        (RecordKind::LoginFailures, "login_failures"),
        (RecordKind::Session, "sessions"),
        (RecordKind::Idempotency, "idempotency"),
        (RecordKind::Event, "events"),
        (RecordKind::History, "history"),
        (RecordKind::HistoryMessage, "history_messages"),
        (RecordKind::Reference, "references"),
        (RecordKind::BulkJob, "bulk_jobs"),
        (RecordKind::BulkResult, "bulk_results"),
        (RecordKind::Reader, "readers"),
        (RecordKind::VisualCheck, "visual_checks"),
        (RecordKind::Passcode, "passcodes"),
        (RecordKind::Pin, "pins"),
        (RecordKind::Consent, "consents"),
        (RecordKind::Disaster, "disaster"),
        (RecordKind::TrainingClock, "training_clock"),
        (RecordKind::FaceFile, "face_files"),
        (RecordKind::Challenge, "challenges"),
        (RecordKind::Exchange, "exchanges"),
        (RecordKind::Counter, "counters"),
        (RecordKind::FileSequence, "file_sequences"),
    ];
    let kinds: Vec<RecordKind> = table.iter().map(|(kind, _)| *kind).collect();
    assert_eq!(kinds, RecordKind::ALL);
    for (kind, name) in table {
        assert_eq!(kind.store_name(), *name);
        assert_eq!(RecordKind::from_store_name(name), Some(*kind));
        let json = serde_json::to_string(kind).expect("serializes");
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(
            serde_json::from_str::<RecordKind>(&json).expect("reads"),
            *kind
        );
    }
    assert_eq!(RecordKind::from_store_name("meta"), None, "the world's own");
    assert!(serde_json::from_str::<RecordKind>("\"state\"").is_err());
}

#[test]
fn numeric_keys_order_as_numbers_and_blobs_name_their_records() {
    let table: &[(Blob, RecordKind, &str)] = &[
        (
            Blob::HistoryMessage(7),
            RecordKind::HistoryMessage,
            "00000000000000000007",
        ),
        (
            Blob::HistoryMessage(u64::MAX),
            RecordKind::HistoryMessage,
            "18446744073709551615",
        ),
        (
            Blob::BulkResult("20261122000001".to_owned()),
            RecordKind::BulkResult,
            "20261122000001",
        ),
    ];
    for (blob, kind, key) in table {
        assert_eq!(blob.kind(), *kind, "{blob:?}");
        assert_eq!(blob.key(), *key, "{blob:?}");
    }
    let mut keys: Vec<String> = [10, 9, 100, 1].map(journal::numeric_key).to_vec();
    keys.sort();
    assert_eq!(keys, [1, 9, 10, 100].map(journal::numeric_key));
}

#[test]
fn operations_serialize_with_their_kind_s_store_name() {
    let op = RecordOp::Delete {
        kind: RecordKind::Session,
        key: "abc".to_owned(),
    };
    let json = serde_json::to_string(&op).expect("serializes");
    assert_eq!(json, r#"{"op":"delete","kind":"sessions","key":"abc"}"#);
    assert_eq!(serde_json::from_str::<RecordOp>(&json).expect("reads"), op);
}

fn session(last_seen: Timestamp) -> SessionRecord {
    SessionRecord {
        token_hash: "hash".to_owned(),
        user_id: "002".to_owned(),
        created_at: now(),
        last_seen,
        ended: None,
    }
}

#[test]
fn only_a_stamp_moved_by_less_than_a_minute_may_wait() {
    let saved = session(now());
    let later = |seconds: i64| session(now() + TimeDelta::seconds(seconds));
    let table: Vec<(&str, SessionRecord, bool)> = vec![
        ("the same record", saved.clone(), true),
        ("moved 1 s", later(1), true),
        (
            "moved 59.999 s",
            session(now() + TimeDelta::milliseconds(59_999)),
            true,
        ),
        ("moved 60 s", later(60), false),
        ("moved an hour", later(3600), false),
        ("moved back", later(-1), false),
        (
            "ended",
            SessionRecord {
                ended: Some(SessionEnd::LoggedOut),
                ..later(1)
            },
            false,
        ),
        (
            "another user",
            SessionRecord {
                user_id: "003".to_owned(),
                ..saved.clone()
            },
            false,
        ),
        (
            "created again",
            SessionRecord {
                created_at: now() + TimeDelta::seconds(1),
                ..later(1)
            },
            false,
        ),
    ];
    for (what, next, expected) in table {
        assert_eq!(journal::stamp_only(&saved, &next), expected, "{what}");
    }
}

fn get(target: &str) -> Request {
    Request {
        method: Method::Get,
        target: target.to_owned(),
        headers: Default::default(),
        body: Vec::new(),
    }
}

#[test]
fn a_request_s_blobs_are_what_its_answer_may_read() {
    let d = dispatcher();
    let rn = "20261122000001";
    let table: Vec<(Request, Vec<Blob>)> = vec![
        (
            client::history_detail("t", 42),
            vec![Blob::HistoryMessage(42)],
        ),
        (
            get("/onshi/v1/qualifications/42?x=1"),
            vec![Blob::HistoryMessage(42)],
        ),
        (get("/onshi/v1/qualifications/forty-two"), vec![]),
        (get("/onshi/v1/qualifications/mynumber"), vec![]),
        (
            client::bulk_result("t", "qualifications", rn),
            vec![Blob::BulkResult(rn.to_owned())],
        ),
        (
            client::bulk_result("t", "reference-numbers", rn),
            vec![Blob::BulkResult(rn.to_owned())],
        ),
        (
            client::bulk_submit("t", "qualifications", Vec::new()),
            vec![],
        ),
        (client::history("t", &HistorySearch::default()), vec![]),
        (client::events("t", 0), vec![]),
        (client::capabilities(), vec![]),
        (get("/elsewhere/qualifications/42"), vec![]),
    ];
    for (request, expected) in table {
        assert_eq!(
            d.blobs_for(&request),
            expected,
            "{} {}",
            request.method.as_str(),
            request.target
        );
    }
}

/// The canned store after an inquiry and a bulk upload, so that it has a history message and a bulk
/// result; with the history id and the reception number.
fn store_with_blobs() -> (MemoryStore, u64, String) {
    let d = dispatcher();
    let mut store = canned::training_store();
    let mut random = SeededRandom::new(7);
    let mut env = Env {
        now: now(),
        random: &mut random,
    };
    let signed_in: onshi_core::contract::session::SignedIn = client::expect_json(
        &d.dispatch(
            &mut store,
            &mut env,
            &client::sign_in("002", "Onshi*002*002", true),
        ),
        201,
    )
    .expect("signed in");
    let token = signed_in.token;
    let inquiry = d.dispatch(
        &mut store,
        &mut env,
        &client::inquire(&token, fixture("siquc01req-taro.xml")),
    );
    let history_id = client::history_id_of(&inquiry).expect("a history id");
    let receipt = d.dispatch(
        &mut store,
        &mut env,
        &client::bulk_submit(&token, "qualifications", bulk_upload()),
    );
    assert_eq!(
        receipt.status,
        200,
        "{}",
        String::from_utf8_lossy(&receipt.body)
    );
    let (_, jobs) = (
        0,
        store
            .bulk_jobs_due(now() + TimeDelta::days(1))
            .expect("jobs"),
    );
    let rn = jobs[0].reception_number.clone();
    (store, history_id, rn)
}

fn bulk_upload() -> Vec<u8> {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
     <MedicalInstitutionCode>1234567897</MedicalInstitutionCode></MessageHeader>\
     <MessageBody><QualificationConfirmSearchInfo><InsurerNumber>06139000</InsurerNumber>\
     <InsuredIdentificationNumber>10001</InsuredIdentificationNumber><Birthdate>19540326</Birthdate>\
     </QualificationConfirmSearchInfo></MessageBody></XmlMsg>"
        .as_bytes()
        .to_vec()
}

fn not_loaded(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::Backend { message }) => message,
        other => panic!("a detached read must fail loudly, got {other:?}"),
    }
}

#[test]
fn detached_reads_fail_loudly_until_attached_and_lists_work_on_them() {
    let (full, history_id, rn) = store_with_blobs();
    let records = full.to_records();
    let map = as_map(&records);
    let mut store = load_detached(&map);
    let message_blob = Blob::HistoryMessage(history_id);
    let result_blob = Blob::BulkResult(rn.clone());
    assert!(store.detached(&message_blob) && store.detached(&result_blob));
    assert!(
        !store.detached(&Blob::HistoryMessage(history_id + 1)),
        "no such record"
    );

    assert!(not_loaded(store.history(history_id)).contains("not loaded"));
    assert!(not_loaded(store.bulk_job(&rn)).contains("not loaded"));
    let query = HistoryQuery {
        from: now() + TimeDelta::days(-1),
        to: now() + TimeDelta::days(1),
        classification: None,
        narrow: Narrow::All,
        login_id: None,
        reference_number: None,
        offset: 0,
        limit: 10,
    };
    let (total, page) = store.history_query(&query).expect("a list works detached");
    assert_eq!((total, page[0].id), (1, history_id));
    assert_eq!(
        store.bulk_job_count().expect("count"),
        1,
        "a detached job still counts"
    );
    let error = serde_json::to_string(&store).expect_err("a detached store must not serialize");
    assert!(
        error.to_string().contains("cannot be serialized"),
        "{error}"
    );

    // The dispatcher answers a detached read as its own failure, never as an empty message.
    let d = dispatcher();
    let mut random = SeededRandom::new(8);
    let mut env = Env {
        now: now(),
        random: &mut random,
    };
    let signed_in: onshi_core::contract::session::SignedIn = client::expect_json(
        &d.dispatch(
            &mut store,
            &mut env,
            &client::sign_in("002", "Onshi*002*002", true),
        ),
        201,
    )
    .expect("signed in");
    let detail = client::history_detail(&signed_in.token, history_id);
    assert_eq!(d.dispatch(&mut store, &mut env, &detail).status, 500);

    for blob in d.blobs_for(&detail) {
        let value = &map[&(blob.kind(), blob.key())];
        store.attach(&blob, value).expect("attaches");
    }
    assert!(!store.detached(&message_blob));
    let answer = d.dispatch(&mut store, &mut env, &detail);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        full.history(history_id)
            .expect("read")
            .expect("there")
            .message
    );

    store
        .attach(&result_blob, &map[&(RecordKind::BulkResult, rn.clone())])
        .expect("attaches");
    assert_eq!(
        store.bulk_job(&rn).expect("read"),
        full.bulk_job(&rn).expect("read")
    );
    let blobs = |records: Vec<RecordOp>| -> Vec<RecordOp> {
        records
            .into_iter()
            .filter(|op| is_blob(op.kind()))
            .collect()
    };
    assert_eq!(
        blobs(store.to_records()),
        blobs(records),
        "attached, every blob is back"
    );
    assert!(serde_json::to_string(&store).is_ok());
}

#[test]
fn attaching_a_blob_of_no_record_is_corrupt() {
    let mut store = canned::training_store();
    let table: Vec<(Blob, &str)> = vec![
        (Blob::HistoryMessage(99), r#"{"message":""}"#),
        (
            Blob::BulkResult("none".to_owned()),
            r#"{"result_xml":"<x/>"}"#,
        ),
    ];
    for (blob, value) in table {
        assert!(
            matches!(store.attach(&blob, value), Err(StoreError::Corrupt { .. })),
            "{blob:?}"
        );
    }
}

#[test]
fn records_that_do_not_read_are_corrupt() {
    let institution = r#"{"code":"1234567897","name":"x"}"#;
    let account = canned::training_store()
        .to_records()
        .into_iter()
        .find(|op| op.kind() == RecordKind::Account)
        .expect("an account");
    let RecordOp::Put { value: account, .. } = account else {
        panic!("to_records writes puts only");
    };
    let table: Vec<(&str, RecordKind, &str, &str)> = vec![
        ("not JSON", RecordKind::Institution, "current", "{"),
        ("another shape", RecordKind::Session, "h", institution),
        (
            "under another key",
            RecordKind::Account,
            "someone-else",
            &account,
        ),
        (
            "a key that is no number",
            RecordKind::HistoryMessage,
            "x",
            r#"{"message":""}"#,
        ),
        (
            "not base64",
            RecordKind::HistoryMessage,
            "00000000000000000001",
            r#"{"message":"%%"}"#,
        ),
        ("an unknown counter", RecordKind::Counter, "other", "1"),
    ];
    for (what, kind, key, value) in table {
        let loaded = MemoryStore::from_records([(kind, key.to_owned(), value.to_owned())]);
        assert!(
            matches!(loaded, Err(StoreError::Corrupt { .. })),
            "{what}: {loaded:?}"
        );
    }
    assert!(
        MemoryStore::from_records([(
            RecordKind::Institution,
            "current".to_owned(),
            institution.to_owned()
        )])
        .is_ok()
    );
}

#[test]
fn the_canned_store_survives_its_records_and_every_kind_it_holds_is_written() {
    let store = canned::training_store();
    let records = store.to_records();
    assert!(records.iter().all(|op| matches!(op, RecordOp::Put { .. })));
    let back = MemoryStore::from_records(triples(&records)).expect("reads back");
    assert_eq!(back.to_records(), records);
    // Its reads answer as the original's.
    assert_eq!(back.accounts(), store.accounts());
    assert_eq!(back.readers(), store.readers());
    assert_eq!(back.institution(), store.institution());
    for kind in [
        RecordKind::Institution,
        RecordKind::Account,
        RecordKind::Reader,
        RecordKind::Consent,
        RecordKind::Disaster,
        RecordKind::Counter,
    ] {
        assert!(records.iter().any(|op| op.kind() == kind), "{kind:?}");
    }
}

#[test]
fn apply_ops_puts_and_deletes_records_all_or_nothing() {
    let (full, history_id, rn) = store_with_blobs();
    let records = full.to_records();
    let mut store = MemoryStore::from_records(triples(&records)).expect("reads");
    let before = store.to_records();

    // One bad operation refuses the batch before any of it applies.
    let bad = vec![
        RecordOp::Delete {
            kind: RecordKind::Account,
            key: "002".to_owned(),
        },
        RecordOp::Put {
            kind: RecordKind::HistoryMessage,
            key: journal::numeric_key(history_id + 1),
            value: r#"{"message":""}"#.to_owned(),
        },
    ];
    assert!(matches!(
        store.apply_ops(&bad),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(store.to_records(), before, "nothing applied");

    let revision = store.revision();
    let good = vec![
        RecordOp::Delete {
            kind: RecordKind::Account,
            key: "002".to_owned(),
        },
        RecordOp::Delete {
            kind: RecordKind::BulkResult,
            key: rn.clone(),
        },
        RecordOp::Put {
            kind: RecordKind::FileSequence,
            key: "20261122".to_owned(),
            value: "3".to_owned(),
        },
    ];
    store.apply_ops(&good).expect("applies");
    assert!(store.revision() > revision);
    assert_eq!(store.account("002").expect("read"), None);
    assert_eq!(
        store
            .bulk_job(&rn)
            .expect("read")
            .and_then(|j| j.result_xml),
        None
    );
    assert_eq!(store.file_sequence("20261122").expect("read"), 3);

    // A history record and its message put together arrive whole; the record alone is detached.
    let record = full.history(history_id).expect("read").expect("there");
    let mut ops: Vec<RecordOp> = records
        .iter()
        .filter(|op| {
            matches!(op.kind(), RecordKind::History | RecordKind::HistoryMessage)
                && op.key() == journal::numeric_key(history_id)
        })
        .cloned()
        .collect();
    assert_eq!(ops.len(), 2);
    let mut empty = MemoryStore::new();
    empty.apply_ops(&ops).expect("applies");
    assert_eq!(empty.history(history_id).expect("read"), Some(record));
    ops.pop();
    let mut detached = MemoryStore::new();
    detached.apply_ops(&ops).expect("applies");
    assert!(detached.detached(&Blob::HistoryMessage(history_id)));
}

/// A journaled transaction writes exactly the records that changed, as they ended up.
#[test]
fn a_journaled_transaction_writes_what_changed_and_nothing_else() {
    let mut store = canned::training_store();
    let before = as_map(&store.to_records());
    type Written<'a> = Vec<(RecordKind, &'a str)>;
    let table: Vec<(&str, Vec<Change>, Written<'_>)> = vec![
        ("nothing", vec![], vec![]),
        (
            "a session",
            vec![Change::PutSession(session(now()))],
            vec![(RecordKind::Session, "hash")],
        ),
        (
            "the session again and an account removed",
            vec![
                Change::PutSession(session(now() + TimeDelta::seconds(5))),
                Change::DeleteAccount {
                    user_id: "003".to_owned(),
                },
                Change::DeleteSession {
                    token_hash: "hash".to_owned(),
                },
            ],
            vec![(RecordKind::Session, "hash"), (RecordKind::Account, "003")],
        ),
        (
            "file sequences, the older forgotten",
            vec![
                Change::PutFileSequence {
                    day: "20261121".to_owned(),
                    last: 1,
                },
                Change::PutFileSequence {
                    day: "20261122".to_owned(),
                    last: 2,
                },
                Change::DeleteFileSequencesBefore {
                    day: "20261122".to_owned(),
                },
            ],
            vec![
                (RecordKind::FileSequence, "20261121"),
                (RecordKind::FileSequence, "20261122"),
            ],
        ),
    ];
    let mut mirror = as_map(&store.to_records());
    assert_eq!(mirror, before);
    for (what, changes, written) in table {
        let mut journaled = Journaled::new(&mut store);
        let mut pending = Some(changes);
        journaled
            .transaction(&mut |_| Ok(pending.take().unwrap_or_default()))
            .expect("applies");
        let ops = journaled.into_ops();
        let keys: Vec<(RecordKind, &str)> = ops.iter().map(|op| (op.kind(), op.key())).collect();
        assert_eq!(keys, written, "{what}");
        apply_to_map(&mut mirror, &ops);
        assert_eq!(mirror, as_map(&store.to_records()), "{what}");
    }
    assert_eq!(mirror.get(&(RecordKind::Session, "hash".to_owned())), None);
    assert_eq!(
        mirror.get(&(RecordKind::FileSequence, "20261121".to_owned())),
        None
    );

    // A failed transaction writes nothing.
    let mut journaled = Journaled::new(&mut store);
    let failed = journaled.transaction(&mut |_| {
        Err(StoreError::Backend {
            message: "refused".to_owned(),
        })
    });
    assert!(failed.is_err());
    assert!(journaled.into_ops().is_empty());
}

/// A store that journals every transaction and applies its operations to a copy kept by records,
/// checking the copy follows: the shared store suite runs over it.
struct Mirrored {
    live: MemoryStore,
    copy: MemoryStore,
}

impl Mirrored {
    fn new() -> Mirrored {
        Mirrored {
            live: MemoryStore::new(),
            copy: MemoryStore::new(),
        }
    }
}

impl Store for Mirrored {
    fn transaction(&mut self, work: &mut onshi_core::store::Work<'_>) -> Result<(), StoreError> {
        let mut journaled = Journaled::new(&mut self.live);
        let outcome = journaled.transaction(work);
        let ops = journaled.into_ops();
        if outcome.is_err() {
            assert!(ops.is_empty(), "a failed transaction writes nothing");
        }
        self.copy
            .apply_ops(&ops)
            .expect("the copy applies the operations");
        assert_eq!(self.copy.to_records(), self.live.to_records());
        outcome
    }
}

mod journaled_store_suite {
    use super::Mirrored;

    onshi_core::store_suite!(Mirrored::new());
}

/// One step of a training session against a world.
#[derive(Clone, Debug)]
enum Step {
    SignIn(usize),
    Activity,
    SignOut,
    Inquire(bool),
    History,
    Detail(u64),
    BulkSubmit,
    BulkResult(u64),
    Visit(usize, bool),
    PinCheck(usize, bool),
    Passcode,
    SetClock(i64),
    Wait(i64),
    /// The world is started again from its records.
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize).prop_map(Step::SignIn),
        Just(Step::Activity),
        Just(Step::SignOut),
        any::<bool>().prop_map(Step::Inquire),
        Just(Step::History),
        (1..6u64).prop_map(Step::Detail),
        Just(Step::BulkSubmit),
        (1..4u64).prop_map(Step::BulkResult),
        ((0..4usize), any::<bool>()).prop_map(|(p, pin)| Step::Visit(p, pin)),
        ((0..4usize), any::<bool>()).prop_map(|(p, right)| Step::PinCheck(p, right)),
        Just(Step::Passcode),
        (-3600..3600i64).prop_map(Step::SetClock),
        (0..90i64).prop_map(Step::Wait),
        Just(Step::Restart),
    ]
}

/// The reference: the whole store, dispatched directly.
struct Whole {
    store: MemoryStore,
    random: SeededRandom,
}

/// A world as the training crate runs one: its store loaded without messages and results, the
/// records a request's answer may read attached first, each dispatch journaled into its database.
struct World {
    store: MemoryStore,
    random: SeededRandom,
    database: BTreeMap<(RecordKind, String), String>,
}

impl World {
    fn send(
        &mut self,
        d: &Dispatcher,
        now: Timestamp,
        request: &Request,
    ) -> (Response, Vec<RecordOp>) {
        for blob in d.blobs_for(request) {
            if self.store.detached(&blob) {
                let value = &self.database[&(blob.kind(), blob.key())];
                self.store.attach(&blob, value).expect("attaches");
            }
        }
        let mut env = Env {
            now,
            random: &mut self.random,
        };
        let mut journaled = Journaled::new(&mut self.store);
        let response = d.dispatch(&mut journaled, &mut env, request);
        let ops = journaled.into_ops();
        apply_to_map(&mut self.database, &ops);
        (response, ops)
    }
}

fn request_of(step: &Step, token: &str, people: &[String], now: Timestamp) -> Option<Request> {
    let accounts = [
        ("002", "Onshi*002*002"),
        ("admin01", "Onshi*admin*01"),
        ("003", "Onshi*003*003"),
    ];
    let visit = |person: usize, pin: Option<&str>, method| ReaderVisit {
        reader_id: "reader-1".to_owned(),
        person_id: people[person % people.len()].clone(),
        method: Some(method),
        pin: pin.map(str::to_owned),
        consents: ConsentChoices::default(),
    };
    Some(match step {
        Step::SignIn(i) => {
            let (id, password) = accounts[*i % accounts.len()];
            client::sign_in(id, password, true)
        }
        Step::Activity => client::activity(token),
        Step::SignOut => client::sign_out(token),
        Step::Inquire(taro) => client::inquire(
            token,
            fixture(if *taro {
                "siquc01req-taro.xml"
            } else {
                "siquc01req-kokuho-sjis.xml"
            }),
        ),
        Step::History => client::history(token, &HistorySearch::default()),
        Step::Detail(id) => client::history_detail(token, *id),
        Step::BulkSubmit => client::bulk_submit(token, "qualifications", bulk_upload()),
        Step::BulkResult(n) => client::bulk_result(
            token,
            "qualifications",
            &format!("{}{n:06}", now.jst_date().format("%Y%m%d")),
        ),
        Step::Visit(p, pin) => client::reader_visit(
            token,
            &if *pin {
                visit(*p, Some("1234"), VisitMethod::Pin)
            } else {
                visit(*p, None, VisitMethod::Face)
            },
        ),
        Step::PinCheck(p, right) => client::pin_check(
            token,
            &PinCheck {
                person_id: people[*p % people.len()].clone(),
                pin: if *right { "1234" } else { "9999" }.to_owned(),
            },
        ),
        Step::Passcode => client::issue_passcode(token),
        Step::SetClock(seconds) => {
            let mut request = client::capabilities();
            request.method = Method::Put;
            request.target = format!("{}/training/clock", onshi_core::contract::PREFIX);
            request
                .headers
                .set("Authorization", format!("Bearer {token}"));
            request.headers.set("Content-Type", "application/json");
            request.body = serde_json::to_vec(&TrainingClock {
                now: (now + TimeDelta::seconds(*seconds)).to_rfc3339(),
            })
            .expect("serializes");
            request
        }
        Step::Wait(_) | Step::Restart => return None,
    })
}

fn run_session(steps: &[Step]) {
    let d = dispatcher();
    let people: Vec<String> = d
        .national_side()
        .people()
        .iter()
        .map(|p| p.id.clone())
        .collect();
    let mut whole = Whole {
        store: canned::training_store(),
        random: SeededRandom::new(42),
    };
    let seed = whole.store.to_records();
    let mut world = World {
        store: MemoryStore::new(),
        random: SeededRandom::new(42),
        database: as_map(&seed),
    };
    world.store = load_detached(&world.database);
    // Another world (another worker, a test page) kept whole from the same records, following the
    // operations it is sent.
    let mut other = MemoryStore::from_records(triples(&seed)).expect("reads");
    let mut now = now();
    let mut token = String::new();
    for step in steps {
        match step {
            Step::Wait(seconds) => now = now + TimeDelta::seconds(*seconds),
            Step::Restart => world.store = load_detached(&world.database),
            _ => {
                let request = request_of(step, &token, &people, now).expect("a request");
                let mut env = Env {
                    now,
                    random: &mut whole.random,
                };
                let expected = d.dispatch(&mut whole.store, &mut env, &request);
                let (answer, ops) = world.send(&d, now, &request);
                assert_eq!(
                    (answer.status, &answer.headers, &answer.body),
                    (expected.status, &expected.headers, &expected.body),
                    "{step:?}: {}",
                    String::from_utf8_lossy(&expected.body)
                );
                assert!(
                    expected.status < 500,
                    "{step:?}: {}",
                    String::from_utf8_lossy(&expected.body)
                );
                other.apply_ops(&ops).expect("applies");
                if let Step::SignIn(_) = step
                    && let Ok(signed_in) =
                        client::expect_json::<onshi_core::contract::session::SignedIn>(&answer, 201)
                {
                    token = signed_in.token;
                }
            }
        }
        let records = whole.store.to_records();
        assert_eq!(
            world.database,
            as_map(&records),
            "the world's database after {step:?}"
        );
        assert_eq!(
            other.to_records(),
            records,
            "the other world after {step:?}"
        );
        let without_blobs = |records: Vec<RecordOp>| -> Vec<RecordOp> {
            records
                .into_iter()
                .filter(|op| !is_blob(op.kind()))
                .collect()
        };
        assert_eq!(
            without_blobs(world.store.to_records()),
            without_blobs(records),
            "the world's store after {step:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_world_kept_by_records_answers_and_stores_as_the_whole_store(
        steps in prop::collection::vec(step(), 1..30)
    ) {
        // Signed in first, so most steps reach their handlers.
        let mut session = vec![Step::SignIn(0)];
        session.extend(steps);
        run_session(&session);
    }
}

#[test]
fn a_restarted_world_announces_a_job_whose_result_it_has_not_loaded() {
    run_session(&[
        Step::SignIn(0),
        Step::BulkSubmit,
        Step::Restart,
        Step::Wait(31),
        Step::History,
        Step::BulkResult(1),
        Step::Restart,
        Step::BulkResult(1),
        Step::Inquire(true),
        Step::Restart,
        Step::Detail(1),
        Step::Detail(1),
    ]);
}
