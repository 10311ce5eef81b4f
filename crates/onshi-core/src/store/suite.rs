//! The shared store test suite: every [`Store`] must pass it (decisions.md D3).
//!
//! Each check is a public function taking a fresh, empty store; [`store_suite!`](crate::store_suite)
//! turns them into one `#[test]` each for a given store constructor, so the memory store here and the
//! SQLite store of the reference endpoint run exactly the same checks.

use chrono::NaiveDate;
use serde_json::json;

use crate::{
    account::AccountKind,
    exchange::{Expectation, SearchKeys},
    store::{
        AccountRecord, BulkJobRecord, CardKey, ChallengeRecord, Change, ConsentChoices,
        ConsentRecord, DisasterRecord, EventKind, EventRecord, ExchangeDone, ExchangeOutcome,
        ExchangePurpose, ExchangeRecord, ExchangeState, FaceFileRecord, HistoryQuery,
        HistoryRecord, IdempotencyRecord, InstitutionRecord, LoginFailures, Narrow, PasscodeRecord,
        PinRecord, ReaderMode, ReaderRecord, ReferenceRecord, SessionEnd, SessionRecord, Store,
        StoreError, StoreRead, TrainingClockRecord, ViewingConsent, VisualCheckRecord,
        VisualCheckState,
    },
    time::Timestamp,
};

/// Expands to one `#[test]` per suite check, each starting from the store `$make` builds.
#[macro_export]
macro_rules! store_suite {
    ($make:expr) => {
        $crate::store_suite!(@tests $make;
            institution_round_trip,
            accounts_round_trip,
            login_failures_put_and_clear,
            login_failures_of_unknown_ids_are_pruned,
            sessions_by_token_and_by_user,
            delete_session,
            later_transactions_see_earlier_changes,
            failed_work_applies_nothing,
            changes_apply_in_order,
            idempotency_records,
            events_in_order_after_an_id,
            history_queries_filter_and_page_newest_first,
            history_by_id_and_viewable,
            references_by_card,
            bulk_jobs_and_due_ones,
            readers_checks_passcodes_pins,
            consents_and_disaster,
            challenges_by_nonce_and_expiry,
            events_of_one_kind,
            exchanges_open_ended_and_forgotten,
            file_sequences_by_day,
            idempotency_in_progress_round_trips,
            every_record_survives_together,
            a_conflicting_change_applies_nothing,
        );
    };
    (@tests $make:expr; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                let mut store = $make;
                $crate::store::suite::$check(&mut store);
            }
        )*
    };
}

fn apply(store: &mut dyn Store, changes: Vec<Change>) {
    let mut pending = Some(changes);
    store
        .transaction(&mut |_| Ok(pending.take().unwrap_or_default()))
        .expect("the transaction applies");
}

fn read<T>(store: &mut dyn Store, f: impl Fn(&dyn StoreRead) -> Result<T, StoreError>) -> T {
    let mut out = None;
    store
        .transaction(&mut |r| {
            out = Some(f(r)?);
            Ok(Vec::new())
        })
        .expect("the read succeeds");
    out.expect("the work ran")
}

fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(millis)
}

fn account(user_id: &str, kind: AccountKind) -> AccountRecord {
    AccountRecord {
        user_id: user_id.to_owned(),
        name: format!("{user_id} の名前"),
        kind,
        password_hash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
        must_change_password: false,
    }
}

fn session(token_hash: &str, user_id: &str, created: i64) -> SessionRecord {
    SessionRecord {
        token_hash: token_hash.to_owned(),
        user_id: user_id.to_owned(),
        created_at: at(created),
        last_seen: at(created + 5),
        ended: None,
    }
}

fn history(
    id: u64,
    millis: i64,
    classification: &str,
    validity: Option<&str>,
    login: &str,
) -> HistoryRecord {
    HistoryRecord {
        id,
        at: at(millis),
        login_id: login.to_owned(),
        reader_id: None,
        classification: classification.to_owned(),
        validity: validity.map(str::to_owned),
        reference_number: None,
        insurer_number: Some("06139000".to_owned()),
        symbol: Some("9000".to_owned()),
        number: Some("10001".to_owned()),
        branch: Some("01".to_owned()),
        name: Some("新橋　太郎".to_owned()),
        kana: Some("ｼﾝﾊﾞｼ ﾀﾛｳ".to_owned()),
        sex: Some("1".to_owned()),
        birthdate: NaiveDate::from_ymd_opt(1954, 3, 26),
        viewing: None,
        message: format!("<XmlMsg><Id>{id}</Id></XmlMsg>").into_bytes(),
    }
}

fn card_key(branch: &str) -> CardKey {
    CardKey {
        insurer: "06139000".to_owned(),
        symbol: "9000".to_owned(),
        number: "10001".to_owned(),
        branch: branch.to_owned(),
    }
}

fn reader(id: &str, mode: ReaderMode, version: u64) -> ReaderRecord {
    ReaderRecord {
        id: id.to_owned(),
        device_name: "Identiv CLOUD 3701 F Contactless Reader 0".to_owned(),
        label: "外科受付用".to_owned(),
        mode,
        version,
        pending_check: None,
        completed_check: None,
    }
}

fn query(from: i64, to: i64) -> HistoryQuery {
    HistoryQuery {
        from: at(from),
        to: at(to),
        classification: None,
        narrow: Narrow::All,
        login_id: None,
        reference_number: None,
        offset: 0,
        limit: 20,
    }
}

/// Puts two accounts, `a1` and `a2`, in one transaction (also used by the stores' own tests).
pub fn seed_two_accounts(store: &mut dyn Store) {
    apply(
        store,
        vec![
            Change::PutAccount(account("a1", AccountKind::General)),
            Change::PutAccount(account("a2", AccountKind::Admin)),
        ],
    );
}

/// Puts one record of every kind (for serialization round trips).
pub fn seed_everything(store: &mut dyn Store) {
    seed_two_accounts(store);
    apply(store, everything());
}

/// One record of every kind.
fn everything() -> Vec<Change> {
    vec![
        Change::PutInstitution(InstitutionRecord {
            code: "1234567897".to_owned(),
            name: "サンプル医療機関".to_owned(),
        }),
        Change::PutLoginFailures(LoginFailures {
            user_id: "a1".to_owned(),
            count: 2,
            locked_until: None,
            last_failed_at: Some(at(1)),
        }),
        Change::PutSession(session("h1", "a1", 1)),
        Change::PutIdempotency(IdempotencyRecord {
            key: "k1".to_owned(),
            fingerprint: "f".to_owned(),
            created_at: at(1),
            status: 200,
            headers: vec![("Content-Type".to_owned(), "application/xml".to_owned())],
            body_base64: "PFhtbE1zZy8+".to_owned(),
            exchange: None,
        }),
        Change::AppendEvent(EventRecord {
            id: 1,
            at: at(1),
            kind: EventKind::Qualification,
            data: json!({"history_id": 1}),
        }),
        Change::AppendHistory(history(1, 1, "1", Some("1"), "a1")),
        Change::PutReference(ReferenceRecord {
            card: card_key("01"),
            reference_number: "12345678901".to_owned(),
            registered_at: at(1),
            user_id: "a1".to_owned(),
            claimed_by: Some("b2".to_owned()),
        }),
        Change::PutBulkJob(bulk_job("R1", 10, false)),
        Change::PutReader(reader("reader-1", ReaderMode::Unattended, 1)),
        Change::PutVisualCheck(visual_check("v1")),
        Change::PutPasscode(PasscodeRecord {
            user_id: "a1".to_owned(),
            passcode_hash: "x".to_owned(),
            issued_at: at(1),
        }),
        Change::PutPin(PinRecord {
            person_id: "p1".to_owned(),
            failures: 1,
            locked: false,
        }),
        Change::PutConsent(consent("c1", 1)),
        Change::PutDisaster(DisasterRecord {
            open: true,
            areas: vec!["山形県鶴岡市".to_owned()],
            until: Some(at(99)),
        }),
        Change::PutTrainingClock(TrainingClockRecord {
            offset_ms: -86_400_000,
            fixed_at: Some(at(7)),
        }),
        Change::PutFaceFile(FaceFileRecord {
            name: "OQSsiquc01res_face_0001.xml".to_owned(),
            recorded_at: at(1),
            history_id: Some(1),
        }),
        Change::PutChallenge(challenge("bm9uY2U=", 1)),
        Change::PutExchange(exchange_record(1, ExchangeState::Taken { since: at(5) })),
    ]
}

fn exchange_record(id: u64, state: ExchangeState) -> ExchangeRecord {
    ExchangeRecord {
        id,
        name: format!("OQSsiimm01req_20261207{id:04}"),
        purpose: ExchangePurpose::Registration {
            card: card_key("01"),
            reference_number: "K-0001".to_owned(),
        },
        expect: Expectation::Qualification {
            file_identifier: format!("O{id:012}00ff"),
            search: SearchKeys {
                card: card_key("01"),
                birthdate: "19540326".to_owned(),
            },
        },
        user_id: "a1".to_owned(),
        claimed_by: Some("b2".to_owned()),
        idempotency_key: Some(format!("key-{id}")),
        created_at: at(1),
        deadline: at(61),
        state,
    }
}

fn done(millis: i64, outcome: ExchangeOutcome) -> ExchangeState {
    ExchangeState::Done(ExchangeDone {
        at: at(millis),
        outcome,
        status: 200,
        headers: vec![("Content-Type".to_owned(), "application/xml".to_owned())],
        body_base64: "PFhtbE1zZy8+".to_owned(),
    })
}

fn challenge(nonce: &str, issued: i64) -> ChallengeRecord {
    ChallengeRecord {
        nonce: nonce.to_owned(),
        token_hash: "h1".to_owned(),
        issued_at: at(issued),
        expires_at: at(issued + 60_000),
    }
}

fn bulk_job(reception_number: &str, ready: i64, announced: bool) -> BulkJobRecord {
    BulkJobRecord {
        reception_number: reception_number.to_owned(),
        kind: "qualifications".to_owned(),
        user_id: "a1".to_owned(),
        claimed_by: Some("b2".to_owned()),
        created_at: at(1),
        ready_at: at(ready),
        announced,
        units: 2,
        result_xml: Some("<XmlMsg/>".to_owned()),
        character_code: "0".to_owned(),
    }
}

fn visual_check(id: &str) -> VisualCheckRecord {
    VisualCheckRecord {
        id: id.to_owned(),
        reader_id: "reader-1".to_owned(),
        qualification_date: NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        user_id: "a1".to_owned(),
        created_at: at(1),
        state: VisualCheckState::Pending,
        history_id: None,
    }
}

fn consent(id: &str, millis: i64) -> ConsentRecord {
    ConsentRecord {
        id: id.to_owned(),
        card: card_key("01"),
        name: "港　ハル".to_owned(),
        birthdate: NaiveDate::from_ymd_opt(1940, 5, 5).expect("date"),
        treatment: "2".to_owned(),
        consented_at: at(millis),
        choices: ConsentChoices {
            medical: true,
            checkups: false,
            limit: true,
        },
        revoked_at: Some(at(millis + 1)),
        revoked_by: Some("a1".to_owned()),
        revoke_claimed_by: Some("b2".to_owned()),
    }
}

pub fn institution_round_trip(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.institution()), None);
    let record = InstitutionRecord {
        code: "1234567897".to_owned(),
        name: "サンプル医療機関".to_owned(),
    };
    apply(store, vec![Change::PutInstitution(record.clone())]);
    assert_eq!(read(store, |r| r.institution()), Some(record));
}

pub fn accounts_round_trip(store: &mut dyn Store) {
    seed_two_accounts(store);
    assert_eq!(
        read(store, |r| r.account("a1")),
        Some(account("a1", AccountKind::General))
    );
    assert_eq!(read(store, |r| r.account("missing")), None);
    let mut changed = account("a1", AccountKind::MedicalViewer);
    changed.name = "新橋 太郎".to_owned();
    changed.must_change_password = true;
    apply(store, vec![Change::PutAccount(changed.clone())]);
    assert_eq!(read(store, |r| r.account("a1")), Some(changed.clone()));
    let ids: Vec<String> = read(store, |r| r.accounts())
        .into_iter()
        .map(|a| a.user_id)
        .collect();
    assert_eq!(ids, ["a1", "a2"]);
    apply(
        store,
        vec![Change::DeleteAccount {
            user_id: "a2".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.accounts()), vec![changed]);
}

pub fn login_failures_put_and_clear(store: &mut dyn Store) {
    let record = LoginFailures {
        user_id: "nobody".to_owned(),
        count: 5,
        locked_until: Some(at(1_800_000)),
        last_failed_at: None,
    };
    apply(store, vec![Change::PutLoginFailures(record.clone())]);
    assert_eq!(read(store, |r| r.login_failures("nobody")), Some(record));
    apply(
        store,
        vec![Change::ClearLoginFailures {
            user_id: "nobody".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.login_failures("nobody")), None);
    // Clearing what is not there is not an error.
    apply(
        store,
        vec![Change::ClearLoginFailures {
            user_id: "nobody".to_owned(),
        }],
    );
}

/// Failures recorded for IDs that are not accounts go once older than the cut-off (or of unknown
/// age); an account's failures stay whatever their age.
pub fn login_failures_of_unknown_ids_are_pruned(store: &mut dyn Store) {
    let failures = |user_id: &str, last: Option<i64>| {
        Change::PutLoginFailures(LoginFailures {
            user_id: user_id.to_owned(),
            count: 1,
            locked_until: None,
            last_failed_at: last.map(at),
        })
    };
    apply(
        store,
        vec![
            Change::PutAccount(account("a1", AccountKind::General)),
            failures("a1", Some(1)),
            failures("guess-old", Some(1)),
            failures("guess-undated", None),
            failures("guess-at-cut", Some(500)),
            failures("guess-new", Some(900)),
        ],
    );
    apply(store, vec![Change::PruneLoginFailures { before: at(500) }]);
    let mut kept = |id: &str| read(store, |r| r.login_failures(id)).is_some();
    assert!(kept("a1"), "an account's failures are never pruned");
    assert!(!kept("guess-old"));
    assert!(!kept("guess-undated"));
    assert!(kept("guess-at-cut"));
    assert!(kept("guess-new"));
}

pub fn sessions_by_token_and_by_user(store: &mut dyn Store) {
    let mut ended = session("h3", "u1", 300);
    ended.ended = Some(SessionEnd::LoggedOut);
    apply(
        store,
        vec![
            Change::PutSession(session("h2", "u1", 200)),
            Change::PutSession(session("h1", "u1", 100)),
            Change::PutSession(ended.clone()),
            Change::PutSession(session("h9", "u2", 50)),
        ],
    );
    assert_eq!(
        read(store, |r| r.session("h2")),
        Some(session("h2", "u1", 200))
    );
    assert_eq!(read(store, |r| r.session("nope")), None);
    let of_u1 = read(store, |r| r.sessions_of("u1"));
    let hashes: Vec<&str> = of_u1.iter().map(|s| s.token_hash.as_str()).collect();
    assert_eq!(hashes, ["h1", "h2", "h3"], "oldest first");
    assert_eq!(of_u1[2], ended);
    assert_eq!(read(store, |r| r.sessions_of("nobody")), Vec::new());
}

pub fn delete_session(store: &mut dyn Store) {
    apply(store, vec![Change::PutSession(session("h1", "u1", 100))]);
    apply(
        store,
        vec![Change::DeleteSession {
            token_hash: "h1".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.session("h1")), None);
    assert_eq!(read(store, |r| r.sessions_of("u1")), Vec::new());
}

pub fn later_transactions_see_earlier_changes(store: &mut dyn Store) {
    seed_two_accounts(store);
    let mut seen = None;
    store
        .transaction(&mut |r| {
            seen = r.account("a2")?;
            Ok(vec![Change::PutSession(session("h1", "a2", 1))])
        })
        .expect("transaction");
    assert_eq!(seen, Some(account("a2", AccountKind::Admin)));
    assert_eq!(
        read(store, |r| r.session("h1")).map(|s| s.user_id),
        Some("a2".to_owned())
    );
}

pub fn failed_work_applies_nothing(store: &mut dyn Store) {
    seed_two_accounts(store);
    let error = StoreError::Backend {
        message: "work failed".to_owned(),
    };
    let result = store.transaction(&mut |r| {
        r.account("a1")?;
        Err(error.clone())
    });
    assert_eq!(result, Err(error));
    assert_eq!(
        read(store, |r| r.account("a1")),
        Some(account("a1", AccountKind::General))
    );
    assert_eq!(read(store, |r| r.sessions_of("a1")), Vec::new());
}

pub fn changes_apply_in_order(store: &mut dyn Store) {
    let mut renamed = account("a1", AccountKind::General);
    renamed.name = "後".to_owned();
    apply(
        store,
        vec![
            Change::PutAccount(account("a1", AccountKind::General)),
            Change::PutAccount(renamed.clone()),
            Change::PutSession(session("h1", "a1", 1)),
            Change::DeleteSession {
                token_hash: "h1".to_owned(),
            },
        ],
    );
    assert_eq!(read(store, |r| r.account("a1")), Some(renamed));
    assert_eq!(read(store, |r| r.session("h1")), None);
}

pub fn idempotency_records(store: &mut dyn Store) {
    let record = |key: &str, created: i64| IdempotencyRecord {
        key: key.to_owned(),
        fingerprint: format!("fp-{key}"),
        created_at: at(created),
        status: 201,
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body_base64: "e30".to_owned(),
        exchange: None,
    };
    apply(
        store,
        vec![
            Change::PutIdempotency(record("old", 10)),
            Change::PutIdempotency(record("new", 20)),
        ],
    );
    assert_eq!(
        read(store, |r| r.idempotency("new")),
        Some(record("new", 20))
    );
    assert_eq!(
        read(store, |r| r.idempotency_before(at(15))),
        vec!["old".to_owned()]
    );
    apply(
        store,
        vec![Change::DeleteIdempotency {
            key: "old".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.idempotency("old")), None);
    assert_eq!(
        read(store, |r| r.idempotency_before(at(100))),
        vec!["new".to_owned()]
    );
}

pub fn events_in_order_after_an_id(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.last_event_id()), 0);
    let event = |id: u64| EventRecord {
        id,
        at: at(id as i64 * 10),
        kind: if id.is_multiple_of(2) {
            EventKind::Reader
        } else {
            EventKind::Qualification
        },
        data: json!({"n": id, "名前": "新橋"}),
    };
    apply(
        store,
        (1..=5).map(|id| Change::AppendEvent(event(id))).collect(),
    );
    assert_eq!(read(store, |r| r.last_event_id()), 5);
    assert_eq!(
        read(store, |r| r.events_after(0, 100)),
        (1..=5).map(event).collect::<Vec<_>>()
    );
    assert_eq!(
        read(store, |r| r.events_after(3, 100)),
        vec![event(4), event(5)]
    );
    assert_eq!(
        read(store, |r| r.events_after(1, 2)),
        vec![event(2), event(3)]
    );
    assert_eq!(read(store, |r| r.events_after(5, 100)), Vec::new());
}

pub fn history_queries_filter_and_page_newest_first(store: &mut dyn Store) {
    let mut records = vec![
        history(1, 1_000, "1", Some("1"), "002"),
        history(2, 2_000, "2", Some("2"), "002"),
        history(3, 3_000, "2", Some("4"), "admin01"),
        history(4, 4_000, "1", Some("3"), "002"),
        history(5, 5_000, "2", Some("5"), "002"),
        history(6, 6_000, "2", None, "002"),
    ];
    records[3].reference_number = Some("R-77".to_owned());
    apply(
        store,
        records.into_iter().map(Change::AppendHistory).collect(),
    );
    let ids = |(total, page): (usize, Vec<HistoryRecord>)| {
        (total, page.into_iter().map(|h| h.id).collect::<Vec<_>>())
    };
    assert_eq!(
        ids(read(store, |r| r.history_query(&query(0, 10_000)))),
        (6, vec![6, 5, 4, 3, 2, 1])
    );
    assert_eq!(
        ids(read(store, |r| r.history_query(&query(2_000, 4_000)))),
        (3, vec![4, 3, 2]),
        "inclusive bounds"
    );
    let mut q = query(0, 10_000);
    q.classification = Some("1".to_owned());
    assert_eq!(ids(read(store, |r| r.history_query(&q))), (2, vec![4, 1]));
    for (narrow, expected) in [
        (Narrow::Valid, vec![1]),
        (Narrow::Invalid, vec![4, 2]),
        (Narrow::NotFoundOrMultiple, vec![5, 3]),
    ] {
        let mut q = query(0, 10_000);
        q.narrow = narrow;
        assert_eq!(
            ids(read(store, |r| r.history_query(&q))).1,
            expected,
            "{narrow:?}"
        );
    }
    let mut q = query(0, 10_000);
    q.login_id = Some("admin01".to_owned());
    assert_eq!(ids(read(store, |r| r.history_query(&q))), (1, vec![3]));
    let mut q = query(0, 10_000);
    q.reference_number = Some("R-77".to_owned());
    assert_eq!(ids(read(store, |r| r.history_query(&q))), (1, vec![4]));
    let mut q = query(0, 10_000);
    q.offset = 2;
    q.limit = 3;
    assert_eq!(
        ids(read(store, |r| r.history_query(&q))),
        (6, vec![4, 3, 2]),
        "the total counts every match"
    );
    q.offset = 6;
    assert_eq!(ids(read(store, |r| r.history_query(&q))), (6, Vec::new()));
}

pub fn history_by_id_and_viewable(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.last_history_id()), 0);
    let mut viewable = history(2, 2_000, "1", Some("1"), "002");
    viewable.viewing = Some(ViewingConsent {
        pharmacists: true,
        diagnosis: true,
        operation: false,
        checkups: true,
        until: at(10_000),
    });
    apply(
        store,
        vec![
            Change::AppendHistory(history(1, 1_000, "1", Some("1"), "002")),
            Change::AppendHistory(viewable.clone()),
        ],
    );
    assert_eq!(read(store, |r| r.last_history_id()), 2);
    assert_eq!(read(store, |r| r.history(2)), Some(viewable.clone()));
    assert_eq!(read(store, |r| r.history(9)), None);
    assert_eq!(
        read(store, |r| r.history_viewable_at(at(5_000))),
        vec![viewable]
    );
    assert_eq!(
        read(store, |r| r.history_viewable_at(at(10_000))),
        Vec::new(),
        "the window has closed"
    );
}

pub fn references_by_card(store: &mut dyn Store) {
    let record = |number: &str| ReferenceRecord {
        card: card_key("01"),
        reference_number: number.to_owned(),
        registered_at: at(1),
        user_id: "002".to_owned(),
        claimed_by: None,
    };
    apply(store, vec![Change::PutReference(record("111"))]);
    apply(store, vec![Change::PutReference(record("222"))]);
    assert_eq!(
        read(store, |r| r.reference(&card_key("01"))),
        Some(record("222")),
        "re-registering replaces"
    );
    assert_eq!(read(store, |r| r.reference(&card_key("02"))), None);
}

pub fn bulk_jobs_and_due_ones(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.bulk_job_count()), 0);
    apply(
        store,
        vec![
            Change::PutBulkJob(bulk_job("R2", 20, false)),
            Change::PutBulkJob(bulk_job("R1", 10, false)),
            Change::PutBulkJob(bulk_job("R0", 5, true)),
        ],
    );
    assert_eq!(read(store, |r| r.bulk_job_count()), 3);
    assert_eq!(
        read(store, |r| r.bulk_job("R1")),
        Some(bulk_job("R1", 10, false))
    );
    let due = |now: i64, store: &mut dyn Store| -> Vec<String> {
        read(store, |r| r.bulk_jobs_due(at(now)))
            .into_iter()
            .map(|j| j.reception_number)
            .collect()
    };
    assert_eq!(due(9, store), Vec::<String>::new());
    assert_eq!(due(20, store), ["R1", "R2"]);
    apply(store, vec![Change::PutBulkJob(bulk_job("R1", 10, true))]);
    assert_eq!(due(20, store), ["R2"]);
}

pub fn readers_checks_passcodes_pins(store: &mut dyn Store) {
    apply(
        store,
        vec![
            Change::PutReader(reader("reader-2", ReaderMode::Unattended, 1)),
            Change::PutReader(reader("reader-1", ReaderMode::Unattended, 1)),
        ],
    );
    let mut switched = reader("reader-1", ReaderMode::Visual, 2);
    switched.pending_check = Some("v1".to_owned());
    apply(
        store,
        vec![
            Change::PutReader(switched.clone()),
            Change::PutVisualCheck(visual_check("v1")),
        ],
    );
    let ids: Vec<String> = read(store, |r| r.readers())
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["reader-1", "reader-2"]);
    assert_eq!(read(store, |r| r.reader("reader-1")), Some(switched));
    assert_eq!(read(store, |r| r.reader("reader-9")), None);
    let mut done = visual_check("v1");
    done.state = VisualCheckState::Completed;
    done.history_id = Some(7);
    apply(store, vec![Change::PutVisualCheck(done.clone())]);
    assert_eq!(read(store, |r| r.visual_check("v1")), Some(done));
    let passcode = PasscodeRecord {
        user_id: "002".to_owned(),
        passcode_hash: "hash".to_owned(),
        issued_at: at(3),
    };
    apply(store, vec![Change::PutPasscode(passcode.clone())]);
    assert_eq!(read(store, |r| r.passcode("002")), Some(passcode));
    assert_eq!(read(store, |r| r.passcode("003")), None);
    apply(
        store,
        vec![Change::DeletePasscode {
            user_id: "002".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.passcode("002")), None);
    let pin = PinRecord {
        person_id: "shinbashi-taro".to_owned(),
        failures: 3,
        locked: true,
    };
    apply(store, vec![Change::PutPin(pin.clone())]);
    assert_eq!(read(store, |r| r.pin("shinbashi-taro")), Some(pin));
}

pub fn consents_and_disaster(store: &mut dyn Store) {
    apply(
        store,
        vec![
            Change::PutConsent(consent("c2", 20)),
            Change::PutConsent(consent("c1", 10)),
        ],
    );
    let ids: Vec<String> = read(store, |r| r.consents())
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["c1", "c2"], "oldest first");
    let mut revoked = consent("c1", 10);
    revoked.revoked_at = Some(at(30));
    revoked.revoked_by = Some("002".to_owned());
    apply(store, vec![Change::PutConsent(revoked.clone())]);
    assert_eq!(read(store, |r| r.consents())[0], revoked);
    assert_eq!(read(store, |r| r.disaster()), None);
    let disaster = DisasterRecord {
        open: false,
        areas: Vec::new(),
        until: None,
    };
    apply(store, vec![Change::PutDisaster(disaster.clone())]);
    assert_eq!(read(store, |r| r.disaster()), Some(disaster));
}

pub fn challenges_by_nonce_and_expiry(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.challenge("bm9uY2U=")), None);
    apply(
        store,
        vec![
            Change::PutChallenge(challenge("Yg==", 20_000)),
            Change::PutChallenge(challenge("YQ==", 10_000)),
            Change::PutChallenge(challenge("Yw==", 30_000)),
        ],
    );
    assert_eq!(
        read(store, |r| r.challenge("YQ==")),
        Some(challenge("YQ==", 10_000))
    );
    // Expired before the cutoff means strictly before, listed by nonce.
    assert_eq!(
        read(store, |r| r.challenges_expired_before(at(80_001))),
        ["YQ==", "Yg=="]
    );
    assert_eq!(
        read(store, |r| r.challenges_expired_before(at(80_000))),
        ["YQ=="]
    );
    apply(
        store,
        vec![Change::DeleteChallenge {
            nonce: "YQ==".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.challenge("YQ==")), None);
    assert_eq!(
        read(store, |r| r.challenges_expired_before(at(1_000_000))),
        ["Yg==", "Yw=="]
    );
}

pub fn events_of_one_kind(store: &mut dyn Store) {
    let kinds = [
        EventKind::Qualification,
        EventKind::FaceUnreadable,
        EventKind::Reader,
        EventKind::FaceUnreadable,
        EventKind::Bulk,
        EventKind::FaceUnreadable,
    ];
    let event = |id: u64| EventRecord {
        id,
        at: at(id as i64),
        kind: kinds[(id - 1) as usize],
        data: json!({"n": id}),
    };
    apply(
        store,
        (1..=6).map(|id| Change::AppendEvent(event(id))).collect(),
    );
    assert_eq!(
        read(store, |r| r.events_of_kind_after(
            EventKind::FaceUnreadable,
            0,
            10
        )),
        vec![event(2), event(4), event(6)]
    );
    assert_eq!(
        read(store, |r| r.events_of_kind_after(
            EventKind::FaceUnreadable,
            2,
            1
        )),
        vec![event(4)]
    );
    assert_eq!(
        read(store, |r| r.events_of_kind_after(
            EventKind::VisualCheck,
            0,
            10
        )),
        Vec::new()
    );
}

pub fn exchanges_open_ended_and_forgotten(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.last_exchange_id()), 0);
    apply(
        store,
        vec![
            Change::PutExchange(exchange_record(1, ExchangeState::Writing)),
            Change::PutExchange(exchange_record(2, ExchangeState::Waiting)),
            Change::PutExchange(exchange_record(3, done(10, ExchangeOutcome::Answered))),
            Change::PutExchange(exchange_record(4, done(30, ExchangeOutcome::Withdrawn))),
        ],
    );
    assert_eq!(read(store, |r| r.last_exchange_id()), 4);
    let ids = |records: Vec<ExchangeRecord>| records.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(read(store, |r| r.open_exchanges())), [1, 2]);
    assert_eq!(
        ids(read(store, |r| r.exchanges_done_before(at(20), 10))),
        [3]
    );
    assert_eq!(
        ids(read(store, |r| r.exchanges_done_before(at(40), 1))),
        [3]
    );
    assert_eq!(
        ids(read(store, |r| r.exchanges_done_before(at(40), 10))),
        [3, 4]
    );
    // An exchange moves from open to ended in place.
    apply(
        store,
        vec![Change::PutExchange(exchange_record(
            2,
            done(50, ExchangeOutcome::Refused),
        ))],
    );
    assert_eq!(ids(read(store, |r| r.open_exchanges())), [1]);
    assert_eq!(
        read(store, |r| r.exchange(2)),
        Some(exchange_record(2, done(50, ExchangeOutcome::Refused)))
    );
    // Forgetting the newest never lets its id be given again.
    apply(
        store,
        vec![
            Change::DeleteExchange { id: 4 },
            Change::DeleteExchange { id: 3 },
        ],
    );
    assert_eq!(read(store, |r| r.exchange(4)), None);
    assert_eq!(read(store, |r| r.last_exchange_id()), 4);
}

pub fn file_sequences_by_day(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.file_sequence("20261207")), 0);
    apply(
        store,
        vec![
            Change::PutFileSequence {
                day: "20261206".to_owned(),
                last: 9999,
            },
            Change::PutFileSequence {
                day: "20261207".to_owned(),
                last: 1,
            },
            Change::PutFileSequence {
                day: "20261207".to_owned(),
                last: 2,
            },
        ],
    );
    assert_eq!(read(store, |r| r.file_sequence("20261207")), 2);
    assert_eq!(read(store, |r| r.file_sequence("20261206")), 9999);
    apply(
        store,
        vec![Change::DeleteFileSequencesBefore {
            day: "20261207".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.file_sequence("20261206")), 0);
    assert_eq!(read(store, |r| r.file_sequence("20261207")), 2);
}

pub fn idempotency_in_progress_round_trips(store: &mut dyn Store) {
    let waiting = IdempotencyRecord {
        key: "k".to_owned(),
        fingerprint: "fp".to_owned(),
        created_at: at(1),
        status: 0,
        headers: Vec::new(),
        body_base64: String::new(),
        exchange: Some(7),
    };
    apply(store, vec![Change::PutIdempotency(waiting.clone())]);
    assert_eq!(read(store, |r| r.idempotency("k")), Some(waiting));
}

pub fn every_record_survives_together(store: &mut dyn Store) {
    seed_everything(store);
    for change in everything() {
        match change {
            Change::PutInstitution(r) => assert_eq!(read(store, |s| s.institution()), Some(r)),
            Change::PutLoginFailures(r) => {
                assert_eq!(read(store, |s| s.login_failures(&r.user_id)), Some(r));
            }
            Change::PutSession(r) => assert_eq!(read(store, |s| s.session(&r.token_hash)), Some(r)),
            Change::PutIdempotency(r) => {
                assert_eq!(read(store, |s| s.idempotency(&r.key)), Some(r))
            }
            Change::AppendEvent(r) => assert_eq!(read(store, |s| s.events_after(0, 10)), vec![r]),
            Change::AppendHistory(r) => assert_eq!(read(store, |s| s.history(r.id)), Some(r)),
            Change::PutReference(r) => assert_eq!(read(store, |s| s.reference(&r.card)), Some(r)),
            Change::PutBulkJob(r) => {
                assert_eq!(read(store, |s| s.bulk_job(&r.reception_number)), Some(r));
            }
            Change::PutReader(r) => assert_eq!(read(store, |s| s.reader(&r.id)), Some(r)),
            Change::PutVisualCheck(r) => {
                assert_eq!(read(store, |s| s.visual_check(&r.id)), Some(r))
            }
            Change::PutPasscode(r) => assert_eq!(read(store, |s| s.passcode(&r.user_id)), Some(r)),
            Change::PutPin(r) => assert_eq!(read(store, |s| s.pin(&r.person_id)), Some(r)),
            Change::PutConsent(r) => assert_eq!(read(store, |s| s.consents()), vec![r]),
            Change::PutDisaster(r) => assert_eq!(read(store, |s| s.disaster()), Some(r)),
            Change::PutTrainingClock(r) => assert_eq!(read(store, |s| s.training_clock()), Some(r)),
            Change::PutFaceFile(r) => assert_eq!(read(store, |s| s.face_file(&r.name)), Some(r)),
            Change::PutChallenge(r) => assert_eq!(read(store, |s| s.challenge(&r.nonce)), Some(r)),
            Change::PutExchange(r) => assert_eq!(read(store, |s| s.exchange(r.id)), Some(r)),
            other => panic!("everything() holds only puts and appends, not {other:?}"),
        }
    }
}

/// A change that cannot apply (here an append whose id is not the newest) takes the whole
/// transaction with it: the account put before it in the same batch is not stored either.
pub fn a_conflicting_change_applies_nothing(store: &mut dyn Store) {
    seed_everything(store);
    for stale in [
        Change::AppendEvent(EventRecord {
            id: 1,
            at: at(2),
            kind: EventKind::Reader,
            data: json!({}),
        }),
        Change::AppendHistory(history(1, 2, "2", None, "a2")),
    ] {
        let mut pending = Some(vec![
            Change::PutAccount(account("late", AccountKind::General)),
            stale,
        ]);
        let result = store.transaction(&mut |_| Ok(pending.take().unwrap_or_default()));
        assert!(
            matches!(result, Err(StoreError::Conflict { .. })),
            "{result:?}"
        );
        assert_eq!(read(store, |r| r.account("late")), None);
    }
    assert_eq!(read(store, |r| r.last_event_id()), 1);
    assert_eq!(
        read(store, |r| r.history(1)).map(|h| h.login_id),
        Some("a1".to_owned())
    );
    // Two appends in one batch must rise too.
    let mut pending = Some(vec![
        Change::AppendHistory(history(3, 3, "1", None, "a1")),
        Change::AppendHistory(history(2, 3, "1", None, "a1")),
    ]);
    let result = store.transaction(&mut |_| Ok(pending.take().unwrap_or_default()));
    assert!(matches!(result, Err(StoreError::Conflict { .. })));
    assert_eq!(read(store, |r| r.last_history_id()), 1);
}
