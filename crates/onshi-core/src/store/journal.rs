//! The in-memory store as records, one per thing kept, for a store persisted record by record
//! (the training world's IndexedDB database: one object store per [`RecordKind`]).
//!
//! [`MemoryStore::to_records`] writes a whole store as records (seeding and migration),
//! [`MemoryStore::from_records`] reads it back, and [`Journaled`] runs transactions on a
//! [`MemoryStore`] while recording what each committed as [`RecordOp`]s: exactly the records that
//! changed, as they ended up, so that the persisted copy follows the live one write for write.
//! [`MemoryStore::apply_ops`] applies another copy's operations (another world's commits).
//!
//! The large parts — a history record's message and a bulk job's result — are records of their own
//! ([`RecordKind::HistoryMessage`], [`RecordKind::BulkResult`], under the same key), so a store can be
//! loaded without them ("detached") and each attached when a request needs it
//! ([`MemoryStore::attach`]; which ones a request may read: `Dispatcher::blobs_for`). Reading a
//! detached record by its key fails loudly; the list queries work on detached records.
//!
//! Keys are the records' natural keys; numeric ids are zero-padded to 20 digits so that a store that
//! orders keys as strings orders them as numbers. The singletons (the institution, the disaster
//! status, the training clock) are kept under [`SINGLETON_KEY`], the highest exchange id ever given
//! under [`EXCHANGE_HIGH`] of [`RecordKind::Counter`].

use chrono::TimeDelta;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::store::{
    AccountRecord, BulkJobRecord, ChallengeRecord, Change, ConsentRecord, DisasterRecord,
    EventRecord, ExchangeRecord, FaceFileRecord, HistoryRecord, IdempotencyRecord,
    InstitutionRecord, LoginFailures, MemoryStore, PasscodeRecord, PinRecord, ReaderRecord,
    ReferenceRecord, SessionRecord, Store, StoreError, TrainingClockRecord, VisualCheckRecord,
    Work,
};

/// The key of a record that exists at most once (the institution, the disaster status, the
/// training clock).
pub const SINGLETON_KEY: &str = "current";

/// The [`RecordKind::Counter`] holding the highest exchange id ever given (never lowered, so ids
/// are not reused).
pub const EXCHANGE_HIGH: &str = "exchange_high";

/// How long a session's activity stamp may lag behind before it must be written ([`stamp_only`]).
const STAMP_INTERVAL: TimeDelta = TimeDelta::seconds(60);

/// What a record is: one per thing the store keeps, and the name its collection is stored under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum RecordKind {
    Institution,
    Account,
    LoginFailures,
    Session,
    Idempotency,
    Event,
    History,
    /// A history record's message (the rest is under [`RecordKind::History`], same key).
    HistoryMessage,
    Reference,
    /// A bulk job without its result.
    BulkJob,
    /// A bulk job's result message (the job is under [`RecordKind::BulkJob`], same key).
    BulkResult,
    Reader,
    VisualCheck,
    Passcode,
    Pin,
    Consent,
    Disaster,
    TrainingClock,
    FaceFile,
    Challenge,
    Exchange,
    /// Scalar counters, such as [`EXCHANGE_HIGH`].
    Counter,
    /// The last request-file sequence of a Tokyo day (key `YYYYMMDD`).
    FileSequence,
}

impl RecordKind {
    /// Every kind, in the order [`MemoryStore::to_records`] writes them.
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Institution,
        RecordKind::Account,
        RecordKind::LoginFailures,
        RecordKind::Session,
        RecordKind::Idempotency,
        RecordKind::Event,
        RecordKind::History,
        RecordKind::HistoryMessage,
        RecordKind::Reference,
        RecordKind::BulkJob,
        RecordKind::BulkResult,
        RecordKind::Reader,
        RecordKind::VisualCheck,
        RecordKind::Passcode,
        RecordKind::Pin,
        RecordKind::Consent,
        RecordKind::Disaster,
        RecordKind::TrainingClock,
        RecordKind::FaceFile,
        RecordKind::Challenge,
        RecordKind::Exchange,
        RecordKind::Counter,
        RecordKind::FileSequence,
    ];

    /// The name of the collection its records are kept in (an IndexedDB object store), also its
    /// name when serialized.
    pub fn store_name(self) -> &'static str {
        match self {
            RecordKind::Institution => "institution",
            RecordKind::Account => "accounts",
            RecordKind::LoginFailures => "login_failures",
            RecordKind::Session => "sessions",
            RecordKind::Idempotency => "idempotency",
            RecordKind::Event => "events",
            RecordKind::History => "history",
            RecordKind::HistoryMessage => "history_messages",
            RecordKind::Reference => "references",
            RecordKind::BulkJob => "bulk_jobs",
            RecordKind::BulkResult => "bulk_results",
            RecordKind::Reader => "readers",
            RecordKind::VisualCheck => "visual_checks",
            RecordKind::Passcode => "passcodes",
            RecordKind::Pin => "pins",
            RecordKind::Consent => "consents",
            RecordKind::Disaster => "disaster",
            RecordKind::TrainingClock => "training_clock",
            RecordKind::FaceFile => "face_files",
            RecordKind::Challenge => "challenges",
            RecordKind::Exchange => "exchanges",
            RecordKind::Counter => "counters",
            RecordKind::FileSequence => "file_sequences",
        }
    }

    /// The kind a [`RecordKind::store_name`] names.
    pub fn from_store_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.store_name() == name)
    }
}

impl From<RecordKind> for &'static str {
    fn from(kind: RecordKind) -> &'static str {
        kind.store_name()
    }
}

/// A name that is no [`RecordKind::store_name`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no kind of record is stored as {0:?}")]
pub struct UnknownRecordKind(pub String);

impl TryFrom<String> for RecordKind {
    type Error = UnknownRecordKind;

    fn try_from(name: String) -> Result<RecordKind, UnknownRecordKind> {
        RecordKind::from_store_name(&name).ok_or(UnknownRecordKind(name))
    }
}

/// One record written or removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RecordOp {
    /// The record under `key` is now `value` (JSON).
    Put {
        kind: RecordKind,
        key: String,
        value: String,
    },
    /// There is no record under `key` any more.
    Delete { kind: RecordKind, key: String },
}

impl RecordOp {
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordOp::Put { kind, .. } | RecordOp::Delete { kind, .. } => *kind,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            RecordOp::Put { key, .. } | RecordOp::Delete { key, .. } => key,
        }
    }
}

/// A part of a record that may be left unloaded: a history record's message or a bulk job's result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Blob {
    /// The message of the history record with this id.
    HistoryMessage(u64),
    /// The result of the bulk job with this reception number.
    BulkResult(String),
}

impl Blob {
    pub fn kind(&self) -> RecordKind {
        match self {
            Blob::HistoryMessage(_) => RecordKind::HistoryMessage,
            Blob::BulkResult(_) => RecordKind::BulkResult,
        }
    }

    /// Its record's key.
    pub fn key(&self) -> String {
        match self {
            Blob::HistoryMessage(id) => numeric_key(*id),
            Blob::BulkResult(reception_number) => reception_number.clone(),
        }
    }
}

/// A numeric id as a key: zero-padded to 20 digits (every `u64` fits), so string order is number
/// order.
pub fn numeric_key(id: u64) -> String {
    format!("{id:020}")
}

/// A [`Store`] over a [`MemoryStore`] that also records the per-record operations of what it
/// committed, for the caller to persist.
pub struct Journaled<'s> {
    store: &'s mut MemoryStore,
    ops: Vec<RecordOp>,
}

impl<'s> Journaled<'s> {
    pub fn new(store: &'s mut MemoryStore) -> Self {
        Journaled {
            store,
            ops: Vec::new(),
        }
    }

    /// What the transactions committed, in order; empty when they changed nothing.
    pub fn into_ops(self) -> Vec<RecordOp> {
        self.ops
    }
}

impl Store for Journaled<'_> {
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError> {
        self.store.run(work, Some(&mut self.ops))
    }
}

/// Whether `next` differs from `saved` only by its activity stamp (`last_seen`), moved forward by
/// less than a minute: such a write may wait, so that the stamp is saved at most once a minute.
pub fn stamp_only(saved: &SessionRecord, next: &SessionRecord) -> bool {
    let moved = next.last_seen.since(saved.last_seen);
    let same_otherwise = SessionRecord {
        last_seen: saved.last_seen,
        ..next.clone()
    } == *saved;
    same_otherwise && moved >= TimeDelta::zero() && moved < STAMP_INTERVAL
}

/// A history record's message as its own record.
#[derive(Serialize, Deserialize)]
struct StoredMessage {
    /// Base64, like the message in a whole serialized store.
    message: String,
}

/// A bulk job's result as its own record.
#[derive(Serialize, Deserialize)]
struct StoredResult {
    result_xml: String,
}

/// A bulk job without its result, saying whether it has one (so a store loaded without results
/// knows which jobs have one to load).
#[derive(Serialize, Deserialize)]
struct StoredJob {
    #[serde(flatten)]
    job: BulkJobRecord,
    has_result: bool,
}

/// A JSON value of a record. The records' maps have string keys only, so this cannot fail.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("a record serializes to JSON: its maps have string keys")
}

fn corrupt(kind: RecordKind, key: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: format!("{} record {key:?}: {why}", kind.store_name()),
    }
}

fn parse_id(kind: RecordKind, key: &str) -> Result<u64, StoreError> {
    key.parse::<u64>()
        .map_err(|_| corrupt(kind, key, "the key is not a number"))
}

/// One record, read.
enum Record {
    Institution(InstitutionRecord),
    Account(AccountRecord),
    LoginFailures(LoginFailures),
    Session(SessionRecord),
    Idempotency(IdempotencyRecord),
    Event(EventRecord),
    History(HistoryRecord),
    HistoryMessage(u64, Vec<u8>),
    Reference(ReferenceRecord),
    BulkJob(BulkJobRecord, bool),
    BulkResult(String, String),
    Reader(ReaderRecord),
    VisualCheck(VisualCheckRecord),
    Passcode(PasscodeRecord),
    Pin(PinRecord),
    Consent(ConsentRecord),
    Disaster(DisasterRecord),
    TrainingClock(TrainingClockRecord),
    FaceFile(FaceFileRecord),
    Challenge(ChallengeRecord),
    Exchange(ExchangeRecord),
    ExchangeHigh(u64),
    FileSequence(String, u32),
}

/// Reads one record, checking it is kept under its own key.
fn parse(kind: RecordKind, key: &str, value: &str) -> Result<Record, StoreError> {
    fn read<T: DeserializeOwned>(
        kind: RecordKind,
        key: &str,
        value: &str,
    ) -> Result<T, StoreError> {
        serde_json::from_str(value).map_err(|e| corrupt(kind, key, e))
    }
    let record = match kind {
        RecordKind::Institution => Record::Institution(read(kind, key, value)?),
        RecordKind::Account => Record::Account(read(kind, key, value)?),
        RecordKind::LoginFailures => Record::LoginFailures(read(kind, key, value)?),
        RecordKind::Session => Record::Session(read(kind, key, value)?),
        RecordKind::Idempotency => Record::Idempotency(read(kind, key, value)?),
        RecordKind::Event => Record::Event(read(kind, key, value)?),
        RecordKind::History => Record::History(read(kind, key, value)?),
        RecordKind::HistoryMessage => {
            use base64::{Engine, engine::general_purpose::STANDARD};
            let stored: StoredMessage = read(kind, key, value)?;
            let message = STANDARD
                .decode(stored.message)
                .map_err(|e| corrupt(kind, key, e))?;
            Record::HistoryMessage(parse_id(kind, key)?, message)
        }
        RecordKind::Reference => Record::Reference(read(kind, key, value)?),
        RecordKind::BulkJob => {
            let stored: StoredJob = read(kind, key, value)?;
            Record::BulkJob(stored.job, stored.has_result)
        }
        RecordKind::BulkResult => {
            let stored: StoredResult = read(kind, key, value)?;
            Record::BulkResult(key.to_owned(), stored.result_xml)
        }
        RecordKind::Reader => Record::Reader(read(kind, key, value)?),
        RecordKind::VisualCheck => Record::VisualCheck(read(kind, key, value)?),
        RecordKind::Passcode => Record::Passcode(read(kind, key, value)?),
        RecordKind::Pin => Record::Pin(read(kind, key, value)?),
        RecordKind::Consent => Record::Consent(read(kind, key, value)?),
        RecordKind::Disaster => Record::Disaster(read(kind, key, value)?),
        RecordKind::TrainingClock => Record::TrainingClock(read(kind, key, value)?),
        RecordKind::FaceFile => Record::FaceFile(read(kind, key, value)?),
        RecordKind::Challenge => Record::Challenge(read(kind, key, value)?),
        RecordKind::Exchange => Record::Exchange(read(kind, key, value)?),
        RecordKind::Counter if key == EXCHANGE_HIGH => {
            Record::ExchangeHigh(read(kind, key, value)?)
        }
        RecordKind::Counter => return Err(corrupt(kind, key, "no such counter")),
        RecordKind::FileSequence => Record::FileSequence(key.to_owned(), read(kind, key, value)?),
    };
    let own = record.key();
    if own != key {
        return Err(corrupt(
            kind,
            key,
            format!("the record's own key is {own:?}"),
        ));
    }
    Ok(record)
}

impl Record {
    /// The key the record belongs under.
    fn key(&self) -> String {
        match self {
            Record::Institution(_) | Record::Disaster(_) | Record::TrainingClock(_) => {
                SINGLETON_KEY.to_owned()
            }
            Record::Account(r) => r.user_id.clone(),
            Record::LoginFailures(r) => r.user_id.clone(),
            Record::Session(r) => r.token_hash.clone(),
            Record::Idempotency(r) => r.key.clone(),
            Record::Event(r) => numeric_key(r.id),
            Record::History(r) => numeric_key(r.id),
            Record::HistoryMessage(id, _) => numeric_key(*id),
            Record::Reference(r) => r.card.joined(),
            Record::BulkJob(r, _) => r.reception_number.clone(),
            Record::BulkResult(rn, _) => rn.clone(),
            Record::Reader(r) => r.id.clone(),
            Record::VisualCheck(r) => r.id.clone(),
            Record::Passcode(r) => r.user_id.clone(),
            Record::Pin(r) => r.person_id.clone(),
            Record::Consent(r) => r.id.clone(),
            Record::FaceFile(r) => r.name.clone(),
            Record::Challenge(r) => r.nonce.clone(),
            Record::Exchange(r) => numeric_key(r.id),
            Record::ExchangeHigh(_) => EXCHANGE_HIGH.to_owned(),
            Record::FileSequence(day, _) => day.clone(),
        }
    }
}

impl MemoryStore {
    /// The whole store as records, every one a [`RecordOp::Put`], in [`RecordKind::ALL`]'s order and
    /// then by key: to seed or migrate a store kept record by record. The message or result of a
    /// detached record is not in it (it was never loaded).
    pub fn to_records(&self) -> Vec<RecordOp> {
        let mut keys: Vec<(RecordKind, String)> = Vec::new();
        let mut add = |kind: RecordKind, key: String| keys.push((kind, key));
        if self.institution.is_some() {
            add(RecordKind::Institution, SINGLETON_KEY.to_owned());
        }
        self.accounts
            .keys()
            .for_each(|k| add(RecordKind::Account, k.clone()));
        self.login_failures
            .keys()
            .for_each(|k| add(RecordKind::LoginFailures, k.clone()));
        self.sessions
            .keys()
            .for_each(|k| add(RecordKind::Session, k.clone()));
        self.idempotency
            .keys()
            .for_each(|k| add(RecordKind::Idempotency, k.clone()));
        self.events
            .iter()
            .for_each(|e| add(RecordKind::Event, numeric_key(e.id)));
        self.history
            .iter()
            .for_each(|h| add(RecordKind::History, numeric_key(h.id)));
        self.references
            .keys()
            .for_each(|k| add(RecordKind::Reference, k.clone()));
        self.bulk_jobs
            .keys()
            .for_each(|k| add(RecordKind::BulkJob, k.clone()));
        self.readers
            .keys()
            .for_each(|k| add(RecordKind::Reader, k.clone()));
        self.visual_checks
            .keys()
            .for_each(|k| add(RecordKind::VisualCheck, k.clone()));
        self.passcodes
            .keys()
            .for_each(|k| add(RecordKind::Passcode, k.clone()));
        self.pins
            .keys()
            .for_each(|k| add(RecordKind::Pin, k.clone()));
        self.consents
            .keys()
            .for_each(|k| add(RecordKind::Consent, k.clone()));
        if self.disaster.is_some() {
            add(RecordKind::Disaster, SINGLETON_KEY.to_owned());
        }
        if self.training_clock.is_some() {
            add(RecordKind::TrainingClock, SINGLETON_KEY.to_owned());
        }
        self.face_files
            .keys()
            .for_each(|k| add(RecordKind::FaceFile, k.clone()));
        self.challenges
            .keys()
            .for_each(|k| add(RecordKind::Challenge, k.clone()));
        self.exchanges
            .keys()
            .for_each(|id| add(RecordKind::Exchange, numeric_key(*id)));
        add(RecordKind::Counter, EXCHANGE_HIGH.to_owned());
        self.file_sequences
            .keys()
            .for_each(|k| add(RecordKind::FileSequence, k.clone()));
        let mut records: Vec<RecordOp> = keys
            .into_iter()
            .flat_map(|(kind, key)| self.record_ops(kind, &key))
            .filter(|op| matches!(op, RecordOp::Put { .. }))
            .collect();
        // The blobs written beside their records go to their own kinds' places.
        records.sort_by_key(|op| {
            RecordKind::ALL
                .iter()
                .position(|kind| *kind == op.kind())
                .unwrap_or(usize::MAX)
        });
        records
    }

    /// A store read back from its records (kind, key, JSON value), in any order. History records
    /// and bulk jobs whose message or result is not among them are loaded without it ("detached",
    /// see [`MemoryStore::attach`]). A record that does not read, or is not under its own key, is
    /// [`StoreError::Corrupt`].
    pub fn from_records(
        records: impl IntoIterator<Item = (RecordKind, String, String)>,
    ) -> Result<MemoryStore, StoreError> {
        let mut store = MemoryStore::new();
        let mut blobs = Vec::new();
        for (kind, key, value) in records {
            match parse(kind, &key, &value)? {
                blob @ (Record::HistoryMessage(..) | Record::BulkResult(..)) => blobs.push(blob),
                Record::Event(record) => store.events.push(record),
                Record::History(record) => {
                    store.detached_history.insert(record.id);
                    store.history.push(record);
                }
                record => store.put(record),
            }
        }
        // Events and history are kept in id order; one id twice is not a store.
        store.events.sort_by_key(|e| e.id);
        store.history.sort_by_key(|h| h.id);
        if let Some(pair) = store.events.windows(2).find(|p| p[0].id == p[1].id) {
            return Err(corrupt(
                RecordKind::Event,
                &numeric_key(pair[0].id),
                "twice",
            ));
        }
        if let Some(pair) = store.history.windows(2).find(|p| p[0].id == p[1].id) {
            return Err(corrupt(
                RecordKind::History,
                &numeric_key(pair[0].id),
                "twice",
            ));
        }
        for blob in blobs {
            store.attach_record(blob)?;
        }
        Ok(store)
    }

    /// Applies operations another copy of this store committed (see [`Journaled`]), all or nothing:
    /// every operation is read before any applies.
    pub fn apply_ops(&mut self, ops: &[RecordOp]) -> Result<(), StoreError> {
        enum Step {
            Put(Box<Record>),
            Delete(RecordKind, String),
        }
        let mut steps = Vec::with_capacity(ops.len());
        // A blob belongs to a record stored already or put earlier in the same batch.
        let mut put_history = std::collections::BTreeSet::new();
        let mut put_jobs = std::collections::BTreeSet::new();
        for op in ops {
            let step = match op {
                RecordOp::Put { kind, key, value } => {
                    let record = parse(*kind, key, value)?;
                    match &record {
                        Record::History(r) => {
                            put_history.insert(r.id);
                        }
                        Record::BulkJob(r, _) => {
                            put_jobs.insert(r.reception_number.clone());
                        }
                        Record::HistoryMessage(id, _)
                            if !put_history.contains(id) && self.history_at(*id).is_none() =>
                        {
                            return Err(corrupt(*kind, key, "no such history record"));
                        }
                        Record::BulkResult(rn, _)
                            if !put_jobs.contains(rn) && !self.bulk_jobs.contains_key(rn) =>
                        {
                            return Err(corrupt(*kind, key, "no such bulk job"));
                        }
                        _ => {}
                    }
                    Step::Put(Box::new(record))
                }
                RecordOp::Delete { kind, key } => {
                    if matches!(
                        kind,
                        RecordKind::Event | RecordKind::History | RecordKind::Exchange
                    ) {
                        parse_id(*kind, key)?;
                    }
                    Step::Delete(*kind, key.clone())
                }
            };
            steps.push(step);
        }
        for step in steps {
            match step {
                Step::Put(record) => self.put(*record),
                Step::Delete(kind, key) => self.delete(kind, &key),
            }
        }
        if !ops.is_empty() {
            self.revision += 1;
        }
        Ok(())
    }

    /// Whether `blob` belongs to a record that is loaded without it.
    pub fn detached(&self, blob: &Blob) -> bool {
        match blob {
            Blob::HistoryMessage(id) => self.detached_history.contains(id),
            Blob::BulkResult(rn) => self.detached_results.contains(rn),
        }
    }

    /// Loads a detached record's message or result: `value` is the JSON of its
    /// [`RecordKind::HistoryMessage`] or [`RecordKind::BulkResult`] record. A blob of a record this
    /// store does not hold is [`StoreError::Corrupt`].
    pub fn attach(&mut self, blob: &Blob, value: &str) -> Result<(), StoreError> {
        let record = parse(blob.kind(), &blob.key(), value)?;
        self.attach_record(record)
    }

    fn attach_record(&mut self, record: Record) -> Result<(), StoreError> {
        match record {
            Record::HistoryMessage(id, message) => {
                let Some(at) = self.history_at(id) else {
                    return Err(corrupt(
                        RecordKind::HistoryMessage,
                        &numeric_key(id),
                        "no such history record",
                    ));
                };
                self.history[at].message = message;
                self.detached_history.remove(&id);
            }
            Record::BulkResult(rn, xml) => {
                let Some(job) = self.bulk_jobs.get_mut(&rn) else {
                    return Err(corrupt(RecordKind::BulkResult, &rn, "no such bulk job"));
                };
                job.result_xml = Some(xml);
                self.detached_results.remove(&rn);
            }
            other => self.put(other),
        }
        Ok(())
    }

    fn history_at(&self, id: u64) -> Option<usize> {
        self.history.binary_search_by_key(&id, |h| h.id).ok()
    }

    /// Stores a record read from its key (a blob attaches to its record when the store holds it).
    fn put(&mut self, record: Record) {
        match record {
            Record::Institution(r) => self.institution = Some(r),
            Record::Account(r) => {
                self.accounts.insert(r.user_id.clone(), r);
            }
            Record::LoginFailures(r) => {
                self.login_failures.insert(r.user_id.clone(), r);
            }
            Record::Session(r) => {
                self.sessions.insert(r.token_hash.clone(), r);
            }
            Record::Idempotency(r) => {
                self.idempotency.insert(r.key.clone(), r);
            }
            Record::Event(r) => match self.events.binary_search_by_key(&r.id, |e| e.id) {
                Ok(at) => self.events[at] = r,
                Err(at) => self.events.insert(at, r),
            },
            Record::History(r) => {
                // Its message is a record of its own, which follows.
                self.detached_history.insert(r.id);
                match self.history_at(r.id) {
                    Some(at) => self.history[at] = r,
                    None => {
                        let at = self.history.partition_point(|h| h.id < r.id);
                        self.history.insert(at, r);
                    }
                }
            }
            Record::BulkJob(mut r, has_result) => {
                let rn = r.reception_number.clone();
                let loaded = self.bulk_jobs.remove(&rn).and_then(|job| job.result_xml);
                match (has_result, loaded) {
                    // A result never changes once made: the one loaded stays loaded.
                    (true, Some(xml)) => r.result_xml = Some(xml),
                    // Its result record follows, or stays stored until attached.
                    (true, None) => {
                        self.detached_results.insert(rn.clone());
                    }
                    (false, _) => {
                        self.detached_results.remove(&rn);
                    }
                }
                self.bulk_jobs.insert(rn, r);
            }
            Record::Reference(r) => {
                self.references.insert(r.card.joined(), r);
            }
            Record::Reader(r) => {
                self.readers.insert(r.id.clone(), r);
            }
            Record::VisualCheck(r) => {
                self.visual_checks.insert(r.id.clone(), r);
            }
            Record::Passcode(r) => {
                self.passcodes.insert(r.user_id.clone(), r);
            }
            Record::Pin(r) => {
                self.pins.insert(r.person_id.clone(), r);
            }
            Record::Consent(r) => {
                self.consents.insert(r.id.clone(), r);
            }
            Record::Disaster(r) => self.disaster = Some(r),
            Record::TrainingClock(r) => self.training_clock = Some(r),
            Record::FaceFile(r) => {
                self.face_files.insert(r.name.clone(), r);
            }
            Record::Challenge(r) => {
                self.challenges.insert(r.nonce.clone(), r);
            }
            Record::Exchange(r) => {
                self.exchange_high = self.exchange_high.max(r.id);
                self.exchanges.insert(r.id, r);
            }
            Record::ExchangeHigh(high) => self.exchange_high = self.exchange_high.max(high),
            Record::FileSequence(day, last) => {
                self.file_sequences.insert(day, last);
            }
            Record::HistoryMessage(id, message) => {
                if let Some(at) = self.history_at(id) {
                    self.history[at].message = message;
                    self.detached_history.remove(&id);
                }
            }
            Record::BulkResult(rn, xml) => {
                if let Some(job) = self.bulk_jobs.get_mut(&rn) {
                    job.result_xml = Some(xml);
                    self.detached_results.remove(&rn);
                }
            }
        }
    }

    /// Removes the record under `key` (a numeric key that does not read names nothing).
    fn delete(&mut self, kind: RecordKind, key: &str) {
        let id = key.parse::<u64>().ok();
        match kind {
            RecordKind::Institution => self.institution = None,
            RecordKind::Account => {
                self.accounts.remove(key);
            }
            RecordKind::LoginFailures => {
                self.login_failures.remove(key);
            }
            RecordKind::Session => {
                self.sessions.remove(key);
            }
            RecordKind::Idempotency => {
                self.idempotency.remove(key);
            }
            RecordKind::Event => self.events.retain(|e| Some(e.id) != id),
            RecordKind::History => {
                self.history.retain(|h| Some(h.id) != id);
                if let Some(id) = id {
                    self.detached_history.remove(&id);
                }
            }
            // A history record always has a message; removing it alone leaves the record as is.
            RecordKind::HistoryMessage => {}
            RecordKind::Reference => {
                self.references.remove(key);
            }
            RecordKind::BulkJob => {
                self.bulk_jobs.remove(key);
                self.detached_results.remove(key);
            }
            RecordKind::BulkResult => {
                if let Some(job) = self.bulk_jobs.get_mut(key) {
                    job.result_xml = None;
                }
                self.detached_results.remove(key);
            }
            RecordKind::Reader => {
                self.readers.remove(key);
            }
            RecordKind::VisualCheck => {
                self.visual_checks.remove(key);
            }
            RecordKind::Passcode => {
                self.passcodes.remove(key);
            }
            RecordKind::Pin => {
                self.pins.remove(key);
            }
            RecordKind::Consent => {
                self.consents.remove(key);
            }
            RecordKind::Disaster => self.disaster = None,
            RecordKind::TrainingClock => self.training_clock = None,
            RecordKind::FaceFile => {
                self.face_files.remove(key);
            }
            RecordKind::Challenge => {
                self.challenges.remove(key);
            }
            RecordKind::Exchange => {
                if let Some(id) = id {
                    self.exchanges.remove(&id);
                }
            }
            // The highest exchange id is never lowered.
            RecordKind::Counter => {}
            RecordKind::FileSequence => {
                self.file_sequences.remove(key);
            }
        }
    }

    /// The records `change` writes or removes, named before it applies.
    pub(super) fn touched(&self, change: &Change) -> Vec<(RecordKind, String)> {
        use RecordKind as K;
        let one = |kind: K, key: &str| vec![(kind, key.to_owned())];
        match change {
            Change::PutInstitution(_) => one(K::Institution, SINGLETON_KEY),
            Change::PutAccount(r) => one(K::Account, &r.user_id),
            Change::DeleteAccount { user_id } => one(K::Account, user_id),
            Change::PutLoginFailures(r) => one(K::LoginFailures, &r.user_id),
            Change::ClearLoginFailures { user_id } => one(K::LoginFailures, user_id),
            Change::PruneLoginFailures { before } => self
                .login_failures
                .iter()
                .filter(|(user_id, record)| {
                    !self.accounts.contains_key(*user_id)
                        && record.last_failed_at.is_none_or(|at| at < *before)
                })
                .map(|(user_id, _)| (K::LoginFailures, user_id.clone()))
                .collect(),
            Change::PutSession(r) => one(K::Session, &r.token_hash),
            Change::DeleteSession { token_hash } => one(K::Session, token_hash),
            Change::PutIdempotency(r) => one(K::Idempotency, &r.key),
            Change::DeleteIdempotency { key } => one(K::Idempotency, key),
            Change::AppendEvent(r) => one(K::Event, &numeric_key(r.id)),
            Change::AppendHistory(r) => one(K::History, &numeric_key(r.id)),
            Change::PutReference(r) => one(K::Reference, &r.card.joined()),
            Change::PutBulkJob(r) => one(K::BulkJob, &r.reception_number),
            Change::PutReader(r) => one(K::Reader, &r.id),
            Change::PutVisualCheck(r) => one(K::VisualCheck, &r.id),
            Change::PutPasscode(r) => one(K::Passcode, &r.user_id),
            Change::DeletePasscode { user_id } => one(K::Passcode, user_id),
            Change::PutPin(r) => one(K::Pin, &r.person_id),
            Change::PutConsent(r) => one(K::Consent, &r.id),
            Change::PutDisaster(_) => one(K::Disaster, SINGLETON_KEY),
            Change::PutTrainingClock(_) => one(K::TrainingClock, SINGLETON_KEY),
            Change::PutFaceFile(r) => one(K::FaceFile, &r.name),
            Change::PutChallenge(r) => one(K::Challenge, &r.nonce),
            Change::DeleteChallenge { nonce } => one(K::Challenge, nonce),
            Change::PutExchange(r) => vec![
                (K::Exchange, numeric_key(r.id)),
                (K::Counter, EXCHANGE_HIGH.to_owned()),
            ],
            Change::DeleteExchange { id } => one(K::Exchange, &numeric_key(*id)),
            Change::PutFileSequence { day, .. } => one(K::FileSequence, day),
            Change::DeleteFileSequencesBefore { day } => self
                .file_sequences
                .keys()
                .filter(|d| *d < day)
                .map(|d| (K::FileSequence, d.clone()))
                .collect(),
        }
    }

    /// The record under `key` as it now stands: a put, or a delete when there is none. A history
    /// record comes with its message and a bulk job with its result (or the result's removal), each
    /// as its own record; a detached one's is left as stored.
    pub(super) fn record_ops(&self, kind: RecordKind, key: &str) -> Vec<RecordOp> {
        let put = |value: Option<String>| match value {
            Some(value) => RecordOp::Put {
                kind,
                key: key.to_owned(),
                value,
            },
            None => RecordOp::Delete {
                kind,
                key: key.to_owned(),
            },
        };
        let id = key.parse::<u64>().ok();
        match kind {
            RecordKind::Institution => vec![put(self.institution.as_ref().map(json))],
            RecordKind::Account => vec![put(self.accounts.get(key).map(json))],
            RecordKind::LoginFailures => vec![put(self.login_failures.get(key).map(json))],
            RecordKind::Session => vec![put(self.sessions.get(key).map(json))],
            RecordKind::Idempotency => vec![put(self.idempotency.get(key).map(json))],
            RecordKind::Event => {
                let event = id.and_then(|id| {
                    self.events
                        .binary_search_by_key(&id, |e| e.id)
                        .ok()
                        .map(|at| &self.events[at])
                });
                vec![put(event.map(json))]
            }
            RecordKind::History | RecordKind::HistoryMessage => {
                let Some(record) = id
                    .and_then(|id| self.history_at(id))
                    .map(|at| &self.history[at])
                else {
                    return vec![
                        RecordOp::Delete {
                            kind: RecordKind::History,
                            key: key.to_owned(),
                        },
                        RecordOp::Delete {
                            kind: RecordKind::HistoryMessage,
                            key: key.to_owned(),
                        },
                    ];
                };
                let mut ops = vec![RecordOp::Put {
                    kind: RecordKind::History,
                    key: key.to_owned(),
                    value: json(&HistoryRecord {
                        message: Vec::new(),
                        ..record.clone()
                    }),
                }];
                if !self.detached_history.contains(&record.id) {
                    use base64::{Engine, engine::general_purpose::STANDARD};
                    ops.push(RecordOp::Put {
                        kind: RecordKind::HistoryMessage,
                        key: key.to_owned(),
                        value: json(&StoredMessage {
                            message: STANDARD.encode(&record.message),
                        }),
                    });
                }
                ops
            }
            RecordKind::BulkJob | RecordKind::BulkResult => {
                let Some(job) = self.bulk_jobs.get(key) else {
                    return vec![
                        RecordOp::Delete {
                            kind: RecordKind::BulkJob,
                            key: key.to_owned(),
                        },
                        RecordOp::Delete {
                            kind: RecordKind::BulkResult,
                            key: key.to_owned(),
                        },
                    ];
                };
                let detached = self.detached_results.contains(key);
                let mut ops = vec![RecordOp::Put {
                    kind: RecordKind::BulkJob,
                    key: key.to_owned(),
                    value: json(&StoredJob {
                        job: without_result(job),
                        has_result: detached || job.result_xml.is_some(),
                    }),
                }];
                match (&job.result_xml, detached) {
                    (Some(xml), _) => ops.push(RecordOp::Put {
                        kind: RecordKind::BulkResult,
                        key: key.to_owned(),
                        value: json(&StoredResult {
                            result_xml: xml.clone(),
                        }),
                    }),
                    // Stored, not loaded, and not changed.
                    (None, true) => {}
                    (None, false) => ops.push(RecordOp::Delete {
                        kind: RecordKind::BulkResult,
                        key: key.to_owned(),
                    }),
                }
                ops
            }
            RecordKind::Reference => vec![put(self.references.get(key).map(json))],
            RecordKind::Reader => vec![put(self.readers.get(key).map(json))],
            RecordKind::VisualCheck => vec![put(self.visual_checks.get(key).map(json))],
            RecordKind::Passcode => vec![put(self.passcodes.get(key).map(json))],
            RecordKind::Pin => vec![put(self.pins.get(key).map(json))],
            RecordKind::Consent => vec![put(self.consents.get(key).map(json))],
            RecordKind::Disaster => vec![put(self.disaster.as_ref().map(json))],
            RecordKind::TrainingClock => vec![put(self.training_clock.as_ref().map(json))],
            RecordKind::FaceFile => vec![put(self.face_files.get(key).map(json))],
            RecordKind::Challenge => vec![put(self.challenges.get(key).map(json))],
            RecordKind::Exchange => {
                vec![put(id.and_then(|id| self.exchanges.get(&id)).map(json))]
            }
            RecordKind::Counter => vec![put(Some(json(&self.exchange_high)))],
            RecordKind::FileSequence => vec![put(self.file_sequences.get(key).map(json))],
        }
    }
}

/// A job without its result (which is a record of its own), without copying the result.
fn without_result(job: &BulkJobRecord) -> BulkJobRecord {
    BulkJobRecord {
        reception_number: job.reception_number.clone(),
        kind: job.kind.clone(),
        user_id: job.user_id.clone(),
        claimed_by: job.claimed_by.clone(),
        created_at: job.created_at,
        ready_at: job.ready_at,
        announced: job.announced,
        units: job.units,
        result_xml: None,
        character_code: job.character_code.clone(),
    }
}
