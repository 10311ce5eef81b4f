//! The reference endpoint's store: the core's synchronous [`Store`] over SQLite (decisions.md D3).
//!
//! One [`SqliteStore`] owns one connection. A transaction is `BEGIN IMMEDIATE`, the dispatch's
//! reads, its changes, `COMMIT`: taking the write lock up front means a dispatch never reads under
//! a shared lock and then fails to upgrade it, and nothing it read can change before its writes
//! land. The server calls the store from `spawn_blocking` behind a mutex, so it only needs `Send`.
//!
//! The reads reproduce [`onshi_core::store::MemoryStore`] exactly (the shared store suite holds
//! both to it): keys order as byte strings, which is what SQLite's default `BINARY` collation does
//! with UTF-8 text, and "newest first" means by id, as the memory store's append order does.
//!
//! # Schema
//!
//! Every table keeps the whole record as JSON text (serde_json of the record type) in `record`, so
//! a record that gains an optional field later needs no migration. Beside it are real columns only
//! for what a read looks up, filters or sorts by; they are written from the same record in the
//! same statement, so they cannot disagree with it.
//!
//! - `institution`, `disaster`: a single row, `id` = 1.
//! - `accounts`, `login_failures`, `passcodes`: by `user_id`.
//! - `sessions`: by `token_hash`; `user_id` and `created_at` for a user's sessions, oldest first.
//! - `idempotency`: by `key`; `created_at` for pruning.
//! - `events`: by `id` (`INTEGER PRIMARY KEY`, so the table is in id order).
//! - `history`: by `id`; `at`, `login_id`, `classification`, `validity` and `reference_number` for
//!   the search, `viewing_until` (the viewing consents' end) for what is still viewable, and the
//!   result message as the BLOB `message`.
//! - `card_references`: by `card`, the card key joined as [`CardKey::joined`] makes it.
//! - `bulk_jobs`: by `reception_number`; `ready_at` and `announced` for the jobs due.
//! - `readers`, `visual_checks`: by `id`. `pins`: by `person_id`. `face_files`: by `name`.
//! - `consents`: by `id`; `consented_at` for oldest first.
//! - `challenges` (version 2): by `nonce`; `expires_at` for pruning.
//! - `exchanges` (version 3): by `id`; `open` (1 while the outcome is open) for the open ones,
//!   `done_at` for the share's cleanup. `counters` holds the highest exchange id ever stored, so
//!   that removing records never lets an id be given again. `file_sequences`: by Tokyo `day`, the
//!   last request-file sequence given out.
//! - `events.kind` (version 3): the event's kind, for the backlog of one kind.
//! - Version 4: a replayed write's records name who authenticated it as the user and keep
//!   the outbox's author as `claimed_by` (decisions.md D4); `login_failures.last_failed_at` (0 when
//!   not known) for pruning the failures of unknown IDs.
//! - `training_clock` (version 5): a single row, `id` = 1: how far a training endpoint's time is moved.
//!
//! History keeps the result message as a BLOB beside the JSON, not inside it: the record type
//! writes the bytes as base64, a third larger, and every read would decode them again. The JSON's
//! own `message` is stored empty and filled from the BLOB on reading.
//!
//! Times are the records' millisecond instants ([`Timestamp::millis`]); ids are SQLite integers, so
//! an id above `i64::MAX` cannot be stored and is refused. The schema's version is
//! `PRAGMA user_version`: the number of [`MIGRATIONS`] applied.

use std::{path::Path, time::Duration};

use onshi_core::{
    codes::{CodeTable, QualificationValidity},
    store::{
        self, AccountRecord, BulkJobRecord, CardKey, ChallengeRecord, Change, ConsentRecord,
        DisasterRecord, EventKind, EventRecord, ExchangeRecord, ExchangeState, FaceFileRecord,
        HistoryQuery, HistoryRecord, IdempotencyRecord, InstitutionRecord, LoginFailures, Narrow,
        PasscodeRecord, PinRecord, ReaderRecord, ReferenceRecord, SessionRecord, Store, StoreError,
        StoreRead, TrainingClockRecord, VisualCheckRecord, Work,
    },
    time::Timestamp,
};
use rusqlite::{
    Connection, OptionalExtension, Params, Row, Transaction, TransactionBehavior, params,
    params_from_iter, types::Value,
};
use serde::{Serialize, de::DeserializeOwned};

/// The schema, one step per version: step `n` (from 0) takes a database from `user_version` n to
/// n + 1. Steps are only ever appended; a released step is never edited, since databases in the
/// field have already run it.
const MIGRATIONS: &[&str] = &[
    // Version 1: every record kind of the core's store.
    "
    CREATE TABLE institution (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        record TEXT NOT NULL
    );
    CREATE TABLE accounts (
        user_id TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE login_failures (
        user_id TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX sessions_by_user ON sessions (user_id, created_at, token_hash);
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY NOT NULL,
        created_at INTEGER NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX idempotency_by_age ON idempotency (created_at);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        record TEXT NOT NULL
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        login_id TEXT NOT NULL,
        classification TEXT NOT NULL,
        validity TEXT,
        reference_number TEXT,
        viewing_until INTEGER,
        record TEXT NOT NULL,
        message BLOB NOT NULL
    );
    -- Every history search has a period; the other filters ride along in the index so that counting
    -- the matches needs no visit to the rows themselves.
    CREATE INDEX history_by_time ON history (at, classification, validity, login_id);
    CREATE INDEX history_by_reference ON history (reference_number)
        WHERE reference_number IS NOT NULL;
    -- Viewing consents close a day after the result, so the records still open are a short range
    -- at the end of this index, which holds only the records that carry consents at all.
    CREATE INDEX history_viewable ON history (viewing_until, at) WHERE viewing_until IS NOT NULL;
    CREATE TABLE card_references (
        card TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE bulk_jobs (
        reception_number TEXT PRIMARY KEY NOT NULL,
        ready_at INTEGER NOT NULL,
        announced INTEGER NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX bulk_jobs_unannounced ON bulk_jobs (ready_at, reception_number)
        WHERE announced = 0;
    CREATE TABLE readers (
        id TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE visual_checks (
        id TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE passcodes (
        user_id TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE pins (
        person_id TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE consents (
        id TEXT PRIMARY KEY NOT NULL,
        consented_at INTEGER NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX consents_by_time ON consents (consented_at, id);
    CREATE TABLE disaster (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        record TEXT NOT NULL
    );
    CREATE TABLE face_files (
        name TEXT PRIMARY KEY NOT NULL,
        record TEXT NOT NULL
    );
    ",
    // Version 2: the card group's challenges.
    "
    CREATE TABLE challenges (
        nonce TEXT PRIMARY KEY NOT NULL,
        expires_at INTEGER NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX challenges_by_expiry ON challenges (expires_at);
    ",
    // Version 3: the folder bridge's exchanges and request names, and events by kind.
    "
    CREATE TABLE exchanges (
        id INTEGER PRIMARY KEY,
        open INTEGER NOT NULL,
        done_at INTEGER,
        record TEXT NOT NULL
    );
    CREATE INDEX exchanges_open ON exchanges (id) WHERE open = 1;
    CREATE INDEX exchanges_by_end ON exchanges (done_at, id) WHERE done_at IS NOT NULL;
    CREATE TABLE counters (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    );
    CREATE TABLE file_sequences (
        day TEXT PRIMARY KEY NOT NULL,
        last INTEGER NOT NULL
    );
    ALTER TABLE events ADD COLUMN kind TEXT;
    UPDATE events SET kind = json_extract(record, '$.kind');
    CREATE INDEX events_by_kind ON events (kind, id);
    ",
    // Version 4: who a queued write is attributed to (decisions.md D4). Until now a replayed write
    // named its claimed author as `user_id` and the user who sent it as `sent_by`; now `user_id` is
    // always who authenticated the request and the outbox's claim is kept as `claimed_by`.
    "
    UPDATE card_references
       SET record = json_set(json_remove(record, '$.sent_by'),
                             '$.user_id', json_extract(record, '$.sent_by'),
                             '$.claimed_by', json_extract(record, '$.user_id'))
     WHERE json_extract(record, '$.sent_by') IS NOT NULL;
    UPDATE card_references SET record = json_remove(record, '$.sent_by');
    UPDATE bulk_jobs
       SET record = json_set(json_remove(record, '$.sent_by'),
                             '$.user_id', json_extract(record, '$.sent_by'),
                             '$.claimed_by', json_extract(record, '$.user_id'))
     WHERE json_extract(record, '$.sent_by') IS NOT NULL;
    UPDATE bulk_jobs SET record = json_remove(record, '$.sent_by');
    UPDATE exchanges
       SET record = json_set(json_remove(record, '$.sent_by'),
                             '$.user_id', json_extract(record, '$.sent_by'),
                             '$.claimed_by', json_extract(record, '$.user_id'))
     WHERE json_extract(record, '$.sent_by') IS NOT NULL;
    UPDATE exchanges SET record = json_remove(record, '$.sent_by');
    UPDATE consents
       SET record = json_set(json_remove(record, '$.revoke_sent_by'),
                             '$.revoked_by', json_extract(record, '$.revoke_sent_by'),
                             '$.revoke_claimed_by', json_extract(record, '$.revoked_by'))
     WHERE json_extract(record, '$.revoke_sent_by') IS NOT NULL;
    UPDATE consents SET record = json_remove(record, '$.revoke_sent_by');
    ALTER TABLE login_failures ADD COLUMN last_failed_at INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX login_failures_by_time ON login_failures (last_failed_at);
    ",
    // Version 5: a training endpoint's clock, kept with its data (decisions.md D1).
    "
    CREATE TABLE training_clock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        record TEXT NOT NULL
    );
    ",
];

/// How long a statement waits for another connection's lock (a backup, an inspection with the
/// `sqlite3` shell) before failing with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Enough for every fixed statement and the usual shapes of the history search, so that a dispatch
/// does not prepare its statements again.
const STATEMENT_CACHE: usize = 64;

/// The core's store over one SQLite connection.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

// The server moves the store into `spawn_blocking`; this fails to compile if it ever stops being
// `Send`.
const _: fn() = assert_send::<SqliteStore>;
fn assert_send<T: Send>() {}

impl SqliteStore {
    /// Opens (creating it when missing) the database at `path` in WAL mode, and brings its schema
    /// up to date. A database whose schema is newer than this build knows is refused rather than
    /// misread.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        create_private(path)?;
        let conn = Connection::open(path).during("opening the database file")?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .during("setting the busy timeout")?;
        // A newer database is refused before anything is written to it, the journal mode included.
        refuse_newer(user_version(&conn)?)?;
        // WAL lets a backup or an inspection read while the endpoint writes, and makes a commit one
        // append to the log. The pragma answers with the mode it ended up in: a file system that
        // cannot do WAL leaves the old mode, and that is refused rather than silently different.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .during("switching to WAL journal mode")?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend {
                message: format!("the database stayed in {mode} journal mode instead of WAL"),
            });
        }
        SqliteStore::prepare(conn)
    }

    /// A private database in memory, gone when the store is dropped (for tests).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().during("opening an in-memory database")?;
        SqliteStore::prepare(conn)
    }

    fn prepare(conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        migrate(&conn)?;
        Ok(SqliteStore { conn })
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        user_version(&self.conn)
    }

    /// The schema version this build creates and reads.
    pub fn current_schema_version() -> u32 {
        u32::try_from(MIGRATIONS.len()).expect("there are far fewer migrations than u32::MAX")
    }

    /// Refuses a batch whose appends are not the newest, before anything of it applies (see
    /// [`onshi_core::store::check_appends`]); the stored ids are read only for a batch that appends.
    fn check(&self, changes: &[Change]) -> Result<(), StoreError> {
        if !store::appends(changes) {
            return Ok(());
        }
        store::check_appends(changes, self.last_event_id()?, self.last_history_id()?)
    }

    /// Applies one change inside the open transaction.
    fn apply(&self, change: Change) -> Result<(), StoreError> {
        match change {
            Change::PutInstitution(record) => self.execute(
                "storing the institution",
                "INSERT OR REPLACE INTO institution (id, record) VALUES (1, ?1)",
                params![encode("institution", &record)?],
            ),
            Change::PutAccount(record) => self.execute(
                "storing an account",
                "INSERT OR REPLACE INTO accounts (user_id, record) VALUES (?1, ?2)",
                params![record.user_id, encode("account", &record)?],
            ),
            Change::DeleteAccount { user_id } => self.execute(
                "deleting an account",
                "DELETE FROM accounts WHERE user_id = ?1",
                params![user_id],
            ),
            Change::PutLoginFailures(record) => self.execute(
                "storing login failures",
                "INSERT OR REPLACE INTO login_failures (user_id, last_failed_at, record)
                 VALUES (?1, ?2, ?3)",
                params![
                    record.user_id,
                    record.last_failed_at.map_or(0, Timestamp::millis),
                    encode("login failures", &record)?
                ],
            ),
            Change::ClearLoginFailures { user_id } => self.execute(
                "clearing login failures",
                "DELETE FROM login_failures WHERE user_id = ?1",
                params![user_id],
            ),
            // By the indexed time (0 for records written before it was kept), so that a prune reads
            // only the rows it removes, however many guesses are recorded.
            Change::PruneLoginFailures { before } => self.execute(
                "pruning the login failures of unknown IDs",
                "DELETE FROM login_failures
                 WHERE last_failed_at < ?1 AND user_id NOT IN (SELECT user_id FROM accounts)",
                params![before.millis()],
            ),
            Change::PutSession(record) => self.execute(
                "storing a session",
                "INSERT OR REPLACE INTO sessions (token_hash, user_id, created_at, record)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    record.token_hash,
                    record.user_id,
                    record.created_at.millis(),
                    encode("session", &record)?
                ],
            ),
            Change::DeleteSession { token_hash } => self.execute(
                "deleting a session",
                "DELETE FROM sessions WHERE token_hash = ?1",
                params![token_hash],
            ),
            Change::PutIdempotency(record) => self.execute(
                "storing an idempotency record",
                "INSERT OR REPLACE INTO idempotency (key, created_at, record) VALUES (?1, ?2, ?3)",
                params![
                    record.key,
                    record.created_at.millis(),
                    encode("idempotency", &record)?
                ],
            ),
            Change::DeleteIdempotency { key } => self.execute(
                "deleting an idempotency record",
                "DELETE FROM idempotency WHERE key = ?1",
                params![key],
            ),
            // `check` has seen to it that each append is the newest, so a plain INSERT cannot meet
            // an existing id.
            Change::AppendEvent(record) => self.execute(
                "appending an event",
                "INSERT INTO events (id, kind, record) VALUES (?1, ?2, ?3)",
                params![
                    sql_id("event", record.id)?,
                    record.kind.as_str(),
                    encode("event", &record)?
                ],
            ),
            Change::AppendHistory(mut record) => {
                let message = std::mem::take(&mut record.message);
                self.execute(
                    "appending a history record",
                    "INSERT INTO history (id, at, login_id, classification, validity,
                         reference_number, viewing_until, record, message)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        sql_id("history record", record.id)?,
                        record.at.millis(),
                        record.login_id,
                        record.classification,
                        record.validity,
                        record.reference_number,
                        record.viewing.as_ref().map(|v| v.until.millis()),
                        encode("history", &record)?,
                        message,
                    ],
                )
            }
            Change::PutReference(record) => self.execute(
                "storing a reference number",
                "INSERT OR REPLACE INTO card_references (card, record) VALUES (?1, ?2)",
                params![record.card.joined(), encode("reference", &record)?],
            ),
            Change::PutBulkJob(record) => self.execute(
                "storing a bulk job",
                "INSERT OR REPLACE INTO bulk_jobs (reception_number, ready_at, announced, record)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    record.reception_number,
                    record.ready_at.millis(),
                    record.announced,
                    encode("bulk job", &record)?
                ],
            ),
            Change::PutReader(record) => self.execute(
                "storing a reader",
                "INSERT OR REPLACE INTO readers (id, record) VALUES (?1, ?2)",
                params![record.id, encode("reader", &record)?],
            ),
            Change::PutVisualCheck(record) => self.execute(
                "storing a visual check",
                "INSERT OR REPLACE INTO visual_checks (id, record) VALUES (?1, ?2)",
                params![record.id, encode("visual check", &record)?],
            ),
            Change::PutPasscode(record) => self.execute(
                "storing a passcode",
                "INSERT OR REPLACE INTO passcodes (user_id, record) VALUES (?1, ?2)",
                params![record.user_id, encode("passcode", &record)?],
            ),
            Change::DeletePasscode { user_id } => self.execute(
                "deleting a passcode",
                "DELETE FROM passcodes WHERE user_id = ?1",
                params![user_id],
            ),
            Change::PutPin(record) => self.execute(
                "storing a PIN record",
                "INSERT OR REPLACE INTO pins (person_id, record) VALUES (?1, ?2)",
                params![record.person_id, encode("PIN", &record)?],
            ),
            Change::PutConsent(record) => self.execute(
                "storing a consent",
                "INSERT OR REPLACE INTO consents (id, consented_at, record) VALUES (?1, ?2, ?3)",
                params![
                    record.id,
                    record.consented_at.millis(),
                    encode("consent", &record)?
                ],
            ),
            Change::PutDisaster(record) => self.execute(
                "storing the disaster setting",
                "INSERT OR REPLACE INTO disaster (id, record) VALUES (1, ?1)",
                params![encode("disaster", &record)?],
            ),
            Change::PutTrainingClock(record) => self.execute(
                "storing the training clock",
                "INSERT OR REPLACE INTO training_clock (id, record) VALUES (1, ?1)",
                params![encode("training clock", &record)?],
            ),
            Change::PutFaceFile(record) => self.execute(
                "storing a face file",
                "INSERT OR REPLACE INTO face_files (name, record) VALUES (?1, ?2)",
                params![record.name, encode("face file", &record)?],
            ),
            Change::PutChallenge(record) => self.execute(
                "storing a challenge",
                "INSERT OR REPLACE INTO challenges (nonce, expires_at, record) VALUES (?1, ?2, ?3)",
                params![
                    record.nonce,
                    record.expires_at.millis(),
                    encode("challenge", &record)?
                ],
            ),
            Change::DeleteChallenge { nonce } => self.execute(
                "deleting a challenge",
                "DELETE FROM challenges WHERE nonce = ?1",
                params![nonce],
            ),
            Change::PutExchange(record) => {
                let id = sql_id("exchange", record.id)?;
                let done_at = match &record.state {
                    ExchangeState::Done(done) => Some(done.at.millis()),
                    _ => None,
                };
                self.execute(
                    "storing an exchange",
                    "INSERT OR REPLACE INTO exchanges (id, open, done_at, record)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![id, record.is_open(), done_at, encode("exchange", &record)?],
                )?;
                self.execute(
                    "counting exchange ids",
                    "INSERT INTO counters (name, value) VALUES ('exchange', ?1)
                     ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)",
                    params![id],
                )
            }
            Change::DeleteExchange { id } => self.execute(
                "deleting an exchange",
                "DELETE FROM exchanges WHERE id = ?1",
                params![sql_id("exchange", id)?],
            ),
            Change::PutFileSequence { day, last } => self.execute(
                "storing a request-name sequence",
                "INSERT OR REPLACE INTO file_sequences (day, last) VALUES (?1, ?2)",
                params![day, last],
            ),
            Change::DeleteFileSequencesBefore { day } => self.execute(
                "forgetting old request-name sequences",
                "DELETE FROM file_sequences WHERE day < ?1",
                params![day],
            ),
        }
    }

    fn execute(&self, operation: &str, sql: &str, params: impl Params) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(params))
            .during(operation)?;
        Ok(())
    }

    /// The record of the first row `sql` selects (its only column is `record`), if any.
    fn one<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        params: impl Params,
    ) -> Result<Option<T>, StoreError> {
        let text: Option<String> = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut statement| statement.query_row(params, |row| row.get(0)).optional())
            .during(what)?;
        text.map(|text| decode(what, &text)).transpose()
    }

    /// The records of every row `sql` selects (its only column is `record`), in its order.
    fn all<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        params: impl Params,
    ) -> Result<Vec<T>, StoreError> {
        let texts: Vec<String> = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut statement| {
                statement
                    .query_map(params, |row| row.get(0))?
                    .collect::<Result<_, _>>()
            })
            .during(what)?;
        texts.iter().map(|text| decode(what, text)).collect()
    }

    /// The history records `sql` selects (its columns are `record`, `message`), in its order.
    fn history_rows(
        &self,
        sql: &str,
        params: impl Params,
    ) -> Result<Vec<HistoryRecord>, StoreError> {
        let rows: Vec<(String, Vec<u8>)> = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut statement| {
                statement
                    .query_map(params, history_row)?
                    .collect::<Result<_, _>>()
            })
            .during("reading history")?;
        rows.into_iter()
            .map(|(text, message)| {
                let mut record: HistoryRecord = decode("history", &text)?;
                record.message = message;
                Ok(record)
            })
            .collect()
    }

    /// A single integer `sql` computes (a count or a maximum), as an unsigned number.
    fn number(&self, what: &str, sql: &str) -> Result<u64, StoreError> {
        let value: i64 = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
            .during(what)?;
        u64::try_from(value).map_err(|_| StoreError::Corrupt {
            what: format!("{what} gave a negative number"),
        })
    }
}

fn history_row(row: &Row<'_>) -> rusqlite::Result<(String, Vec<u8>)> {
    Ok((row.get(0)?, row.get(1)?))
}

impl StoreRead for SqliteStore {
    fn institution(&self) -> Result<Option<InstitutionRecord>, StoreError> {
        self.one(
            "reading the institution",
            "SELECT record FROM institution WHERE id = 1",
            [],
        )
    }

    fn account(&self, user_id: &str) -> Result<Option<AccountRecord>, StoreError> {
        self.one(
            "reading an account",
            "SELECT record FROM accounts WHERE user_id = ?1",
            [user_id],
        )
    }

    fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        self.all(
            "reading accounts",
            "SELECT record FROM accounts ORDER BY user_id",
            [],
        )
    }

    fn login_failures(&self, user_id: &str) -> Result<Option<LoginFailures>, StoreError> {
        self.one(
            "reading login failures",
            "SELECT record FROM login_failures WHERE user_id = ?1",
            [user_id],
        )
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.one(
            "reading a session",
            "SELECT record FROM sessions WHERE token_hash = ?1",
            [token_hash],
        )
    }

    fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>, StoreError> {
        self.all(
            "reading a user's sessions",
            "SELECT record FROM sessions WHERE user_id = ?1 ORDER BY created_at, token_hash",
            [user_id],
        )
    }

    fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.one(
            "reading an idempotency record",
            "SELECT record FROM idempotency WHERE key = ?1",
            [key],
        )
    }

    fn idempotency_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StoreError> {
        // Keys in key order, as the memory store's map gives them.
        self.conn
            .prepare_cached("SELECT key FROM idempotency WHERE created_at < ?1 ORDER BY key")
            .and_then(|mut statement| {
                statement
                    .query_map([cutoff.millis()], |row| row.get(0))?
                    .collect::<Result<_, _>>()
            })
            .during("reading old idempotency keys")
    }

    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<EventRecord>, StoreError> {
        // No stored id exceeds i64::MAX, so nothing follows a larger `after`.
        let Ok(after) = i64::try_from(after) else {
            return Ok(Vec::new());
        };
        self.all(
            "reading events",
            "SELECT record FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
            params![after, sql_count(limit)],
        )
    }

    fn events_of_kind_after(
        &self,
        kind: EventKind,
        after: u64,
        limit: usize,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let Ok(after) = i64::try_from(after) else {
            return Ok(Vec::new());
        };
        self.all(
            "reading events of a kind",
            "SELECT record FROM events WHERE kind = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            params![kind.as_str(), after, sql_count(limit)],
        )
    }

    fn last_event_id(&self) -> Result<u64, StoreError> {
        self.number(
            "reading the last event id",
            "SELECT COALESCE(MAX(id), 0) FROM events",
        )
    }

    fn history_query(
        &self,
        query: &HistoryQuery,
    ) -> Result<(usize, Vec<HistoryRecord>), StoreError> {
        let (filter, values) = history_filter(query);
        let count: i64 = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM history WHERE {filter}"))
            .and_then(|mut statement| {
                statement.query_row(params_from_iter(values.iter()), |row| row.get(0))
            })
            .during("counting history")?;
        let total = usize::try_from(count).map_err(|_| StoreError::Corrupt {
            what: "counting history gave a negative number".to_owned(),
        })?;
        if query.limit == 0 || query.offset >= total {
            return Ok((total, Vec::new()));
        }
        // The page's ids come from an index (the period's covers every filter but the reference
        // number, which has its own), and only the page's rows are then read: sorting whole rows
        // instead would read every matching record to keep twenty.
        let page = self.history_rows(
            &format!(
                "SELECT record, message FROM history WHERE id IN (
                     SELECT id FROM history WHERE {filter} ORDER BY id DESC LIMIT ? OFFSET ?
                 ) ORDER BY id DESC"
            ),
            params_from_iter(values.into_iter().chain([
                Value::Integer(sql_count(query.limit)),
                Value::Integer(sql_count(query.offset)),
            ])),
        )?;
        Ok((total, page))
    }

    fn history(&self, id: u64) -> Result<Option<HistoryRecord>, StoreError> {
        let Ok(id) = i64::try_from(id) else {
            return Ok(None);
        };
        Ok(self
            .history_rows("SELECT record, message FROM history WHERE id = ?1", [id])?
            .pop())
    }

    fn last_history_id(&self) -> Result<u64, StoreError> {
        self.number(
            "reading the last history id",
            "SELECT COALESCE(MAX(id), 0) FROM history",
        )
    }

    fn history_viewable_at(&self, at: Timestamp) -> Result<Vec<HistoryRecord>, StoreError> {
        // Without statistics SQLite would rather scan the whole table in id order than sort a few
        // rows; choosing the ids first from the partial index keeps this a short index search.
        self.history_rows(
            "SELECT record, message FROM history WHERE id IN (
                 SELECT id FROM history WHERE viewing_until > ?1 AND at <= ?1
             ) ORDER BY id DESC",
            [at.millis()],
        )
    }

    fn reference(&self, card: &CardKey) -> Result<Option<ReferenceRecord>, StoreError> {
        self.one(
            "reading a reference number",
            "SELECT record FROM card_references WHERE card = ?1",
            [card.joined()],
        )
    }

    fn bulk_job(&self, reception_number: &str) -> Result<Option<BulkJobRecord>, StoreError> {
        self.one(
            "reading a bulk job",
            "SELECT record FROM bulk_jobs WHERE reception_number = ?1",
            [reception_number],
        )
    }

    fn bulk_jobs_due(&self, now: Timestamp) -> Result<Vec<BulkJobRecord>, StoreError> {
        self.all(
            "reading due bulk jobs",
            "SELECT record FROM bulk_jobs WHERE announced = 0 AND ready_at <= ?1
             ORDER BY ready_at, reception_number",
            [now.millis()],
        )
    }

    fn bulk_job_count(&self) -> Result<u64, StoreError> {
        self.number("counting bulk jobs", "SELECT COUNT(*) FROM bulk_jobs")
    }

    fn readers(&self) -> Result<Vec<ReaderRecord>, StoreError> {
        self.all(
            "reading readers",
            "SELECT record FROM readers ORDER BY id",
            [],
        )
    }

    fn reader(&self, id: &str) -> Result<Option<ReaderRecord>, StoreError> {
        self.one(
            "reading a reader",
            "SELECT record FROM readers WHERE id = ?1",
            [id],
        )
    }

    fn visual_check(&self, id: &str) -> Result<Option<VisualCheckRecord>, StoreError> {
        self.one(
            "reading a visual check",
            "SELECT record FROM visual_checks WHERE id = ?1",
            [id],
        )
    }

    fn passcode(&self, user_id: &str) -> Result<Option<PasscodeRecord>, StoreError> {
        self.one(
            "reading a passcode",
            "SELECT record FROM passcodes WHERE user_id = ?1",
            [user_id],
        )
    }

    fn pin(&self, person_id: &str) -> Result<Option<PinRecord>, StoreError> {
        self.one(
            "reading a PIN record",
            "SELECT record FROM pins WHERE person_id = ?1",
            [person_id],
        )
    }

    fn consents(&self) -> Result<Vec<ConsentRecord>, StoreError> {
        self.all(
            "reading consents",
            "SELECT record FROM consents ORDER BY consented_at, id",
            [],
        )
    }

    fn disaster(&self) -> Result<Option<DisasterRecord>, StoreError> {
        self.one(
            "reading the disaster setting",
            "SELECT record FROM disaster WHERE id = 1",
            [],
        )
    }

    fn training_clock(&self) -> Result<Option<TrainingClockRecord>, StoreError> {
        self.one(
            "reading the training clock",
            "SELECT record FROM training_clock WHERE id = 1",
            [],
        )
    }

    fn face_file(&self, name: &str) -> Result<Option<FaceFileRecord>, StoreError> {
        self.one(
            "reading a face file",
            "SELECT record FROM face_files WHERE name = ?1",
            [name],
        )
    }

    fn exchange(&self, id: u64) -> Result<Option<ExchangeRecord>, StoreError> {
        let Ok(id) = i64::try_from(id) else {
            return Ok(None);
        };
        self.one(
            "reading an exchange",
            "SELECT record FROM exchanges WHERE id = ?1",
            [id],
        )
    }

    fn open_exchanges(&self) -> Result<Vec<ExchangeRecord>, StoreError> {
        self.all(
            "reading open exchanges",
            "SELECT record FROM exchanges WHERE open = 1 ORDER BY id",
            [],
        )
    }

    fn exchanges_done_before(
        &self,
        cutoff: Timestamp,
        limit: usize,
    ) -> Result<Vec<ExchangeRecord>, StoreError> {
        self.all(
            "reading ended exchanges",
            "SELECT record FROM exchanges WHERE done_at IS NOT NULL AND done_at < ?1
             ORDER BY id LIMIT ?2",
            params![cutoff.millis(), sql_count(limit)],
        )
    }

    fn last_exchange_id(&self) -> Result<u64, StoreError> {
        self.number(
            "reading the last exchange id",
            "SELECT COALESCE((SELECT value FROM counters WHERE name = 'exchange'), 0)",
        )
    }

    fn file_sequence(&self, day: &str) -> Result<u32, StoreError> {
        let last: Option<u32> = self
            .conn
            .prepare_cached("SELECT last FROM file_sequences WHERE day = ?1")
            .and_then(|mut statement| statement.query_row([day], |row| row.get(0)).optional())
            .during("reading a request-name sequence")?;
        Ok(last.unwrap_or(0))
    }

    fn challenge(&self, nonce: &str) -> Result<Option<ChallengeRecord>, StoreError> {
        self.one(
            "reading a challenge",
            "SELECT record FROM challenges WHERE nonce = ?1",
            [nonce],
        )
    }

    fn challenges_expired_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StoreError> {
        // Nonces in nonce order, as the memory store's map gives them.
        self.conn
            .prepare_cached("SELECT nonce FROM challenges WHERE expires_at < ?1 ORDER BY nonce")
            .and_then(|mut statement| {
                statement
                    .query_map([cutoff.millis()], |row| row.get(0))?
                    .collect::<Result<_, _>>()
            })
            .during("reading expired challenges")
    }
}

impl Store for SqliteStore {
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError> {
        // A transaction left open (a rollback that itself failed, say) would make every later
        // BEGIN fail; ending it here lets the store recover instead of refusing every dispatch
        // from then on.
        if !self.conn.is_autocommit() {
            self.conn
                .execute_batch("ROLLBACK")
                .during("ending a transaction left open")?;
        }
        // On every early return below the guard is dropped, and dropping it rolls back: a failed
        // dispatch or a change that cannot apply leaves nothing behind.
        let guard = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .during("beginning a transaction")?;
        let changes = work(&*self)?;
        self.check(&changes)?;
        for change in changes {
            self.apply(change)?;
        }
        guard.commit().during("committing a transaction")
    }
}

/// Brings the schema up to date, one migration per transaction, refusing a database that is newer
/// than this build.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    loop {
        // The version is read again under the write lock: another process opening the same file may
        // have migrated it in the meantime.
        let guard = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
            .during("beginning a migration")?;
        let version = user_version(conn)?;
        refuse_newer(version)?;
        let Some(step) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            return guard.commit().during("ending the migration check");
        };
        conn.execute_batch(step)
            .during("migrating the database schema")?;
        conn.pragma_update(None, "user_version", version + 1)
            .during("recording the schema version")?;
        guard.commit().during("committing a migration")?;
    }
}

/// Refuses a schema newer than this build: reading it as an older one could misread or lose what
/// the newer build stores.
fn refuse_newer(version: u32) -> Result<(), StoreError> {
    let known = SqliteStore::current_schema_version();
    if version > known {
        return Err(StoreError::Backend {
            message: format!(
                "the database has schema version {version}, newer than the {known} this build \
                 knows; refusing to open it (run a newer onshi-server)"
            ),
        });
    }
    Ok(())
}

/// Creates a missing database file readable and writable by its owner only (0600): it holds
/// patients' data and password hashes. SQLite gives the WAL and shared-memory files it creates
/// beside it the database file's own permissions, so they are private too. An existing file keeps
/// the permissions its owner gave it.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Backend {
            message: format!("creating the database file {}: {e}", path.display()),
        }),
    }
}

fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .during("reading the schema version")?;
    u32::try_from(version).map_err(|_| StoreError::Corrupt {
        what: format!("the schema version {version} is negative"),
    })
}

/// The WHERE clause of a history search and its parameters, in order. It says in SQL what
/// [`HistoryQuery::matches`] says in Rust.
fn history_filter(query: &HistoryQuery) -> (String, Vec<Value>) {
    let mut clauses = vec!["at >= ?".to_owned(), "at <= ?".to_owned()];
    let mut values = vec![
        Value::Integer(query.from.millis()),
        Value::Integer(query.to.millis()),
    ];
    if let Some(classification) = &query.classification {
        clauses.push("classification = ?".to_owned());
        values.push(Value::Text(classification.clone()));
    }
    if query.narrow != Narrow::All {
        clauses.push(narrow_clause(query.narrow, &mut values));
    }
    if let Some(login_id) = &query.login_id {
        clauses.push("login_id = ?".to_owned());
        values.push(Value::Text(login_id.clone()));
    }
    if let Some(reference_number) = &query.reference_number {
        clauses.push("reference_number = ?".to_owned());
        values.push(Value::Text(reference_number.clone()));
    }
    (clauses.join(" AND "), values)
}

/// The SQL for a narrowing other than 全て表示, which matches everything by definition. The codes
/// come from asking [`Narrow::matches`] about every 資格有効性 code the code table knows, so the rule
/// itself stays in the core. A code the table does not know is kept as received, and no narrowing
/// names one, so leaving unknown codes out matches the memory store.
fn narrow_clause(narrow: Narrow, values: &mut Vec<Value>) -> String {
    let codes: Vec<&str> = QualificationValidity::KNOWN
        .iter()
        .map(CodeTable::code)
        .filter(|code| narrow.matches(Some(code)))
        .collect();
    let mut alternatives = Vec::new();
    if !codes.is_empty() {
        alternatives.push(format!(
            "validity IN ({})",
            vec!["?"; codes.len()].join(", ")
        ));
        values.extend(codes.into_iter().map(|c| Value::Text(c.to_owned())));
    }
    if narrow.matches(None) {
        alternatives.push("validity IS NULL".to_owned());
    }
    if alternatives.is_empty() {
        "0".to_owned()
    } else {
        format!("({})", alternatives.join(" OR "))
    }
}

/// An id as SQLite's signed integer. Ids above `i64::MAX` cannot be stored; the dispatcher counts
/// from 1, so meeting one means something upstream is wrong, and the batch is refused.
fn sql_id(what: &str, id: u64) -> Result<i64, StoreError> {
    i64::try_from(id).map_err(|_| StoreError::Backend {
        message: format!("{what} id {id} is too large for SQLite"),
    })
}

/// A count (a limit or an offset) as SQLite's signed integer; a larger one means "all", as it does
/// for the memory store.
fn sql_count(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn encode<T: Serialize>(what: &str, record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|error| StoreError::Backend {
        message: format!(
            "{what}: the record could not be written as JSON ({:?} error)",
            error.classify()
        ),
    })
}

/// Reads a stored record. The message names the table and where the JSON went wrong, never the
/// JSON itself, which may hold patient data.
fn decode<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt {
        what: format!(
            "{what}: a stored record does not read as its type ({:?} error at line {}, column {})",
            error.classify(),
            error.line(),
            error.column()
        ),
    })
}

/// Names the operation a SQLite error interrupted. SQLite's messages name tables, columns and
/// constraints but never the values bound to a statement, so they carry no patient data.
trait During<T> {
    fn during(self, operation: &str) -> Result<T, StoreError>;
}

impl<T> During<T> for rusqlite::Result<T> {
    fn during(self, operation: &str) -> Result<T, StoreError> {
        self.map_err(|error| StoreError::Backend {
            message: format!("SQLite failed {operation}: {error}"),
        })
    }
}
