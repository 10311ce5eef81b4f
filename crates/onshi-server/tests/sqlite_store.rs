//! The SQLite store: the shared store suite, plus what only a database on disk can show (a file
//! keeps everything across close and reopen, a newer schema is refused) and a history search over a
//! clinic's worth of rows.

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicU32, Ordering},
    time::Instant,
};

use onshi_core::{
    store::{
        CardKey, Change, EventKind, EventRecord, HistoryQuery, HistoryRecord, MemoryStore, Narrow,
        Store, StoreError, StoreRead, ViewingConsent, suite,
    },
    time::Timestamp,
};
use onshi_server::sqlite::SqliteStore;

onshi_core::store_suite!(onshi_server::sqlite::SqliteStore::in_memory().expect("opens"));

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "onshi-sqlite-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        // A directory left by an earlier run that reused this process id would hold its database.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temporary directory is created");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Cleaning up is a courtesy; a failure must not hide the test's own result.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one read in its own transaction, as a dispatch would.
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

fn apply(store: &mut dyn Store, changes: Vec<Change>) {
    let mut pending = Some(changes);
    store
        .transaction(&mut |_| Ok(pending.take().unwrap_or_default()))
        .expect("the transaction applies");
}

/// Everything `suite::seed_everything` stores, read back through every read the store offers.
fn everything_read(r: &dyn StoreRead) -> Result<String, StoreError> {
    let card = CardKey {
        insurer: "06139000".to_owned(),
        symbol: "9000".to_owned(),
        number: "10001".to_owned(),
        branch: "01".to_owned(),
    };
    let all = HistoryQuery {
        from: Timestamp::from_millis(i64::MIN),
        to: Timestamp::from_millis(i64::MAX),
        classification: None,
        narrow: Narrow::All,
        login_id: None,
        reference_number: None,
        offset: 0,
        limit: usize::MAX,
    };
    let far = Timestamp::from_millis(1_000_000);
    Ok(format!(
        "{:?}",
        (
            (
                r.institution()?,
                r.accounts()?,
                r.account("a1")?,
                r.login_failures("a1")?,
                r.session("h1")?,
                r.sessions_of("a1")?,
                r.idempotency("k1")?,
                r.idempotency_before(far)?,
            ),
            (
                r.events_after(0, usize::MAX)?,
                r.last_event_id()?,
                r.history_query(&all)?,
                r.history(1)?,
                r.last_history_id()?,
                r.history_viewable_at(Timestamp::from_millis(1))?,
            ),
            (
                r.reference(&card)?,
                r.bulk_job("R1")?,
                r.bulk_jobs_due(far)?,
                r.bulk_job_count()?,
                r.readers()?,
                r.reader("reader-1")?,
                r.visual_check("v1")?,
                r.passcode("a1")?,
                r.pin("p1")?,
                r.consents()?,
                r.disaster()?,
                r.face_file("OQSsiquc01res_face_0001.xml")?,
            ),
            (r.challenge("bm9uY2U=")?, r.challenges_expired_before(far)?,),
        )
    ))
}

#[test]
fn a_file_keeps_everything_across_close_and_reopen() {
    let dir = TempDir::new("reopen");
    let path = dir.path().join("onshi.sqlite3");
    let mut memory = MemoryStore::new();
    suite::seed_everything(&mut memory);
    let expected = read(&mut memory, everything_read);

    {
        let mut store = SqliteStore::open(&path).expect("a new file opens");
        assert_eq!(
            store.schema_version().expect("version"),
            SqliteStore::current_schema_version()
        );
        suite::seed_everything(&mut store);
        assert_eq!(read(&mut store, everything_read), expected);
    }
    assert!(path.exists());

    for _ in 0..2 {
        let mut store = SqliteStore::open(&path).expect("the file opens again");
        assert_eq!(
            store.schema_version().expect("version"),
            SqliteStore::current_schema_version(),
            "reopening migrates nothing"
        );
        assert_eq!(read(&mut store, everything_read), expected);
        // Reads outside a transaction see the same.
        assert_eq!(everything_read(&store).expect("reads"), expected);
    }

    let journal_mode: String = rusqlite::Connection::open(&path)
        .expect("opens")
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .expect("reads the journal mode");
    assert_eq!(journal_mode, "wal", "WAL mode is a property of the file");
}

/// What schema versions 5 and 4 added, taken away again: a file as version 3 left its tables.
const UNDO_VERSION_4: &str = "DROP TABLE training_clock; DROP INDEX login_failures_by_time; \
    ALTER TABLE login_failures DROP COLUMN last_failed_at;";

/// What schema versions 5, 4 and 3 added, taken away again: a file as version 2 left it.
const UNDO_VERSION_3: &str = concat!(
    "DROP TABLE training_clock; DROP INDEX login_failures_by_time; ",
    "ALTER TABLE login_failures DROP COLUMN last_failed_at; ",
    "DROP TABLE exchanges; DROP TABLE counters; DROP TABLE file_sequences; ",
    "DROP INDEX events_by_kind; ALTER TABLE events DROP COLUMN kind;"
);

/// A database made before the card group (schema version 1) gains the challenges table when it is
/// opened, keeping what it held.
#[test]
fn a_version_1_database_gains_the_challenges() {
    let dir = TempDir::new("version-1");
    let path = dir.path().join("onshi.sqlite3");
    {
        let mut store = SqliteStore::open(&path).expect("a new file opens");
        suite::seed_two_accounts(&mut store);
    }
    rusqlite::Connection::open(&path)
        .expect("opens")
        .execute_batch(&format!(
            "{UNDO_VERSION_3} DROP TABLE challenges; PRAGMA user_version = 1;"
        ))
        .expect("the file is made a version 1 database");
    let mut store = SqliteStore::open(&path).expect("a version 1 file opens");
    assert_eq!(store.schema_version().expect("version"), 5);
    assert_eq!(SqliteStore::current_schema_version(), 5);
    assert!(read(&mut store, |r| r.account("a2")).is_some());
    suite::challenges_by_nonce_and_expiry(&mut store);
}

/// A database of version 2 gains the folder bridge's exchanges, and its events their kind, so that
/// the backlog of one kind finds the events it held before.
#[test]
fn a_version_2_database_gains_exchanges_and_events_by_kind() {
    let dir = TempDir::new("version-2");
    let path = dir.path().join("onshi.sqlite3");
    let event = |id: u64, kind: EventKind| EventRecord {
        id,
        at: Timestamp::from_millis(id as i64),
        kind,
        data: serde_json::json!({"n": id}),
    };
    {
        let mut store = SqliteStore::open(&path).expect("a new file opens");
        apply(
            &mut store,
            vec![
                Change::AppendEvent(event(1, EventKind::Qualification)),
                Change::AppendEvent(event(2, EventKind::FaceUnreadable)),
                Change::AppendEvent(event(3, EventKind::Reader)),
            ],
        );
    }
    rusqlite::Connection::open(&path)
        .expect("opens")
        .execute_batch(&format!("{UNDO_VERSION_3} PRAGMA user_version = 2;"))
        .expect("the file is made a version 2 database");
    let mut store = SqliteStore::open(&path).expect("a version 2 file opens");
    assert_eq!(store.schema_version().expect("version"), 5);
    assert_eq!(
        read(&mut store, |r| r.events_of_kind_after(
            EventKind::FaceUnreadable,
            0,
            10
        )),
        vec![event(2, EventKind::FaceUnreadable)]
    );
    suite::exchanges_open_ended_and_forgotten(&mut store);
}

/// A database of version 3 named a replayed write's claimed author as its user and the user who
/// sent it as `sent_by`; version 4 records who authenticated it as the user and keeps the claim as
/// `claimed_by`.
#[test]
fn a_version_3_database_keeps_who_sent_a_replayed_write_as_its_user() {
    let dir = TempDir::new("version-3");
    let path = dir.path().join("onshi.sqlite3");
    let card = CardKey {
        insurer: "06139000".to_owned(),
        symbol: "9000".to_owned(),
        number: "10001".to_owned(),
        branch: "01".to_owned(),
    };
    {
        let mut store = SqliteStore::open(&path).expect("a new file opens");
        apply(
            &mut store,
            vec![Change::PutReference(onshi_core::store::ReferenceRecord {
                card: card.clone(),
                reference_number: "12345678901".to_owned(),
                registered_at: Timestamp::from_millis(1),
                user_id: "003".to_owned(),
                claimed_by: None,
            })],
        );
    }
    // As version 3 wrote it: made by 002 (the outbox's claim), sent by 003.
    rusqlite::Connection::open(&path)
        .expect("opens")
        .execute_batch(&format!(
            "{UNDO_VERSION_4} UPDATE card_references SET record = \
             json_set(json_remove(record, '$.claimed_by'), '$.user_id', '002', '$.sent_by', '003'); \
             PRAGMA user_version = 3;"
        ))
        .expect("the file is made a version 3 database");
    let mut store = SqliteStore::open(&path).expect("a version 3 file opens");
    assert_eq!(store.schema_version().expect("version"), 5);
    let record = read(&mut store, |r| r.reference(&card)).expect("kept");
    assert_eq!(record.user_id, "003");
    assert_eq!(record.claimed_by.as_deref(), Some("002"));
}

/// The database holds patients' data and password hashes, so a new file — and the WAL and
/// shared-memory files SQLite makes beside it — is its owner's alone.
#[cfg(unix)]
#[test]
fn a_new_database_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("private");
    let path = dir.path().join("onshi.sqlite3");
    let mut store = SqliteStore::open(&path).expect("a new file opens");
    suite::seed_two_accounts(&mut store);
    let mut checked = 0;
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        let mode = std::fs::metadata(&file)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = TempDir::new("newer");
    let path = dir.path().join("onshi.sqlite3");
    drop(SqliteStore::open(&path).expect("a new file opens"));
    let newer = SqliteStore::current_schema_version() + 1;
    rusqlite::Connection::open(&path)
        .expect("opens")
        .pragma_update(None, "user_version", newer)
        .expect("sets the version");

    let error = SqliteStore::open(&path).expect_err("a newer schema is refused");
    let StoreError::Backend { message } = &error else {
        panic!("not a backend error: {error:?}");
    };
    assert!(
        message.contains(&format!("schema version {newer}")),
        "{message}"
    );
    assert!(message.contains("newer"), "{message}");
}

#[test]
fn a_newer_schema_is_refused_before_anything_is_written() {
    let dir = TempDir::new("newer-untouched");
    let path = dir.path().join("onshi.sqlite3");
    let newer = SqliteStore::current_schema_version() + 1;
    {
        let conn = rusqlite::Connection::open(&path).expect("opens");
        conn.pragma_update(None, "user_version", newer)
            .expect("sets the version");
    }
    assert!(SqliteStore::open(&path).is_err());
    let journal_mode: String = rusqlite::Connection::open(&path)
        .expect("opens")
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .expect("reads the journal mode");
    assert_eq!(
        journal_mode, "delete",
        "the refused file keeps its journal mode"
    );
}

#[test]
fn a_record_that_does_not_read_is_corrupt_and_its_text_is_not_repeated() {
    let dir = TempDir::new("corrupt");
    let path = dir.path().join("onshi.sqlite3");
    let mut store = SqliteStore::open(&path).expect("opens");
    suite::seed_two_accounts(&mut store);
    rusqlite::Connection::open(&path)
        .expect("opens")
        .execute(
            "UPDATE accounts SET record = '{\"user_id\": \"新橋　太郎\", \"kind\": 7}' \
             WHERE user_id = 'a1'",
            [],
        )
        .expect("spoils the record");
    let result = store.transaction(&mut |r| r.account("a1").map(|_| Vec::new()));
    let Err(StoreError::Corrupt { what }) = result else {
        panic!("not a corrupt-data error: {result:?}");
    };
    assert!(!what.contains("新橋"), "{what}");
    // The other account still reads.
    assert!(read(&mut store, |r| r.account("a2")).is_some());
}

#[test]
fn a_work_error_leaves_a_file_untouched_and_usable() {
    let dir = TempDir::new("rollback");
    let path = dir.path().join("onshi.sqlite3");
    let mut store = SqliteStore::open(&path).expect("opens");
    suite::seed_two_accounts(&mut store);
    let failure = StoreError::Backend {
        message: "work failed".to_owned(),
    };
    assert_eq!(
        store.transaction(&mut |_| Err(failure.clone())),
        Err(failure)
    );
    // The failed transaction was rolled back, so the next one can begin and sees the old state.
    assert_eq!(read(&mut store, |r| r.accounts()).len(), 2);
    drop(store);
    let mut store = SqliteStore::open(&path).expect("reopens");
    assert_eq!(read(&mut store, |r| r.accounts()).len(), 2);
}

const ROWS: u64 = 250_000;
const START: i64 = 1_767_225_600_000; // 2026-01-01 09:00 JST.
const MINUTE: i64 = 60_000;

/// A varied history: both classifications, every validity and none, three logins, a reference
/// number on every thousandth row, viewing consents on every ten-thousandth.
fn synthetic_history(id: u64) -> HistoryRecord {
    let validity = match id % 7 {
        0 => None,
        n => Some(n.min(6).to_string()),
    };
    let at = Timestamp::from_millis(START + (id as i64) * MINUTE);
    HistoryRecord {
        id,
        at,
        login_id: ["002", "003", "admin01"][(id % 3) as usize].to_owned(),
        reader_id: id.is_multiple_of(2).then(|| "reader-1".to_owned()),
        classification: if id.is_multiple_of(2) { "1" } else { "2" }.to_owned(),
        validity,
        reference_number: id.is_multiple_of(1000).then(|| format!("{id:011}")),
        insurer_number: Some("06139000".to_owned()),
        symbol: Some("9000".to_owned()),
        number: Some(format!("{}", 10_000 + id % 5000)),
        branch: Some("01".to_owned()),
        name: Some("合成　太郎".to_owned()),
        kana: Some("ｺﾞｳｾｲ ﾀﾛｳ".to_owned()),
        sex: Some("1".to_owned()),
        // The suite covers dates; a search never looks at them.
        birthdate: None,
        viewing: id.is_multiple_of(10_000).then_some(ViewingConsent {
            pharmacists: true,
            diagnosis: true,
            operation: false,
            checkups: true,
            until: Timestamp::from_millis(at.millis() + 24 * 60 * MINUTE),
        }),
        message: format!("<XmlMsg><Id>{id}</Id></XmlMsg>").into_bytes(),
    }
}

#[test]
fn a_history_search_over_250000_rows_pages_like_the_memory_store() {
    let records: Vec<HistoryRecord> = (1..=ROWS).map(synthetic_history).collect();
    let mut memory = MemoryStore::new();
    memory
        .extend_history(records.iter().cloned())
        .expect("the memory store takes them");
    let mut sqlite = SqliteStore::in_memory().expect("opens");
    let started = Instant::now();
    apply(
        &mut sqlite,
        records.into_iter().map(Change::AppendHistory).collect(),
    );
    eprintln!("stored {ROWS} history records in {:?}", started.elapsed());
    assert_eq!(read(&mut sqlite, |r| r.last_history_id()), ROWS);

    let base = HistoryQuery {
        from: Timestamp::from_millis(START),
        to: Timestamp::from_millis(START + (ROWS as i64 + 1) * MINUTE),
        classification: None,
        narrow: Narrow::All,
        login_id: None,
        reference_number: None,
        offset: 0,
        limit: 20,
    };
    let mut queries = vec![base.clone()];
    queries.push(HistoryQuery {
        offset: 249_990,
        ..base.clone()
    });
    queries.push(HistoryQuery {
        offset: 120_000,
        limit: 50,
        ..base.clone()
    });
    queries.push(HistoryQuery {
        limit: 0,
        ..base.clone()
    });
    queries.push(HistoryQuery {
        from: Timestamp::from_millis(START + 1_000 * MINUTE),
        to: Timestamp::from_millis(START + 2_000 * MINUTE),
        ..base.clone()
    });
    for narrow in [Narrow::Valid, Narrow::Invalid, Narrow::NotFoundOrMultiple] {
        queries.push(HistoryQuery {
            narrow,
            offset: 40,
            ..base.clone()
        });
    }
    queries.push(HistoryQuery {
        classification: Some("1".to_owned()),
        login_id: Some("admin01".to_owned()),
        narrow: Narrow::Invalid,
        ..base.clone()
    });
    queries.push(HistoryQuery {
        reference_number: Some(format!("{:011}", 77_000)),
        ..base.clone()
    });
    queries.push(HistoryQuery {
        login_id: Some("nobody".to_owned()),
        ..base.clone()
    });

    for query in &queries {
        let started = Instant::now();
        let got = read(&mut sqlite, |r| r.history_query(query));
        eprintln!(
            "history query (total {}) in {:?}: {query:?}",
            got.0,
            started.elapsed()
        );
        assert_eq!(
            got,
            read(&mut memory, |r| r.history_query(query)),
            "{query:?}"
        );
    }
    let (total, page) = read(&mut sqlite, |r| r.history_query(&base));
    assert_eq!(total, ROWS as usize);
    assert_eq!(page.first().map(|h| h.id), Some(ROWS), "newest first");

    let at = Timestamp::from_millis(START + 100_000 * MINUTE + 1);
    let viewable = read(&mut sqlite, |r| r.history_viewable_at(at));
    assert_eq!(viewable.iter().map(|h| h.id).collect::<Vec<_>>(), [100_000]);
    assert_eq!(viewable, read(&mut memory, |r| r.history_viewable_at(at)));
}
