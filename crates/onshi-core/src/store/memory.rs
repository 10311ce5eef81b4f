//! The in-memory store: a plain value that serializes as a whole.
//!
//! Training mode keeps it in the browser and persists it to its own IndexedDB database between
//! dispatches; host tests use it directly. History and events are append-only vectors in id order,
//! so the newest-first history query walks backwards and stops once it has its page and its count.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{
    store::{
        AccountRecord, BulkJobRecord, CardKey, ChallengeRecord, Change, ConsentRecord,
        DisasterRecord, EventKind, EventRecord, ExchangeRecord, ExchangeState, FaceFileRecord,
        HistoryQuery, HistoryRecord, IdempotencyRecord, InstitutionRecord, LoginFailures,
        PasscodeRecord, PinRecord, ReaderRecord, ReferenceRecord, SessionRecord, Store, StoreError,
        StoreRead, TrainingClockRecord, VisualCheckRecord, Work, journal::RecordOp,
    },
    time::Timestamp,
};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryStore {
    pub(super) institution: Option<InstitutionRecord>,
    pub(super) accounts: BTreeMap<String, AccountRecord>,
    pub(super) login_failures: BTreeMap<String, LoginFailures>,
    pub(super) sessions: BTreeMap<String, SessionRecord>,
    #[serde(default)]
    pub(super) idempotency: BTreeMap<String, IdempotencyRecord>,
    #[serde(default)]
    pub(super) events: Vec<EventRecord>,
    #[serde(default)]
    pub(super) history: Vec<HistoryRecord>,
    #[serde(default)]
    pub(super) references: BTreeMap<String, ReferenceRecord>,
    #[serde(default)]
    pub(super) bulk_jobs: BTreeMap<String, BulkJobRecord>,
    #[serde(default)]
    pub(super) readers: BTreeMap<String, ReaderRecord>,
    #[serde(default)]
    pub(super) visual_checks: BTreeMap<String, VisualCheckRecord>,
    #[serde(default)]
    pub(super) passcodes: BTreeMap<String, PasscodeRecord>,
    #[serde(default)]
    pub(super) pins: BTreeMap<String, PinRecord>,
    #[serde(default)]
    pub(super) consents: BTreeMap<String, ConsentRecord>,
    #[serde(default)]
    pub(super) disaster: Option<DisasterRecord>,
    #[serde(default)]
    pub(super) training_clock: Option<TrainingClockRecord>,
    #[serde(default)]
    pub(super) face_files: BTreeMap<String, FaceFileRecord>,
    #[serde(default)]
    pub(super) challenges: BTreeMap<String, ChallengeRecord>,
    #[serde(default)]
    pub(super) exchanges: BTreeMap<u64, ExchangeRecord>,
    /// The highest exchange id ever stored; removing records never lowers it, so ids are not reused.
    #[serde(default)]
    pub(super) exchange_high: u64,
    #[serde(default)]
    pub(super) file_sequences: BTreeMap<String, u32>,
    /// Counts the transactions that changed something; not part of the stored value.
    #[serde(skip)]
    pub(super) revision: u64,
    /// History records loaded without their message ([`MemoryStore::from_records`]). A store
    /// holding any refuses to serialize: its value would silently lose those messages.
    #[serde(
        default,
        skip_deserializing,
        skip_serializing_if = "BTreeSet::is_empty",
        serialize_with = "refuse_detached"
    )]
    pub(super) detached_history: BTreeSet<u64>,
    /// Bulk jobs whose result exists but was not loaded; serializes like `detached_history`.
    #[serde(
        default,
        skip_deserializing,
        skip_serializing_if = "BTreeSet::is_empty",
        serialize_with = "refuse_detached"
    )]
    pub(super) detached_results: BTreeSet<String>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Increases with every transaction that changed something, so a caller can tell whether the
    /// value needs saving.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub(super) fn apply(&mut self, change: Change) {
        match change {
            Change::PutInstitution(record) => self.institution = Some(record),
            Change::PutAccount(record) => {
                self.accounts.insert(record.user_id.clone(), record);
            }
            Change::DeleteAccount { user_id } => {
                self.accounts.remove(&user_id);
            }
            Change::PutLoginFailures(record) => {
                self.login_failures.insert(record.user_id.clone(), record);
            }
            Change::ClearLoginFailures { user_id } => {
                self.login_failures.remove(&user_id);
            }
            Change::PruneLoginFailures { before } => {
                let accounts = &self.accounts;
                self.login_failures.retain(|user_id, record| {
                    accounts.contains_key(user_id)
                        || record.last_failed_at.is_some_and(|at| at >= before)
                });
            }
            Change::PutSession(record) => {
                self.sessions.insert(record.token_hash.clone(), record);
            }
            Change::DeleteSession { token_hash } => {
                self.sessions.remove(&token_hash);
            }
            Change::PutIdempotency(record) => {
                self.idempotency.insert(record.key.clone(), record);
            }
            Change::DeleteIdempotency { key } => {
                self.idempotency.remove(&key);
            }
            // `check` has seen to it that each append is the newest.
            Change::AppendEvent(record) => self.events.push(record),
            Change::AppendHistory(record) => self.history.push(record),
            Change::PutReference(record) => {
                self.references.insert(record.card.joined(), record);
            }
            Change::PutBulkJob(record) => {
                // A job's result, once made, is never taken back: a put of a job whose result was
                // not loaded (read from a list) keeps the stored result rather than erasing it.
                if record.result_xml.is_some() {
                    self.detached_results.remove(&record.reception_number);
                }
                self.bulk_jobs
                    .insert(record.reception_number.clone(), record);
            }
            Change::PutReader(record) => {
                self.readers.insert(record.id.clone(), record);
            }
            Change::PutVisualCheck(record) => {
                self.visual_checks.insert(record.id.clone(), record);
            }
            Change::PutPasscode(record) => {
                self.passcodes.insert(record.user_id.clone(), record);
            }
            Change::DeletePasscode { user_id } => {
                self.passcodes.remove(&user_id);
            }
            Change::PutPin(record) => {
                self.pins.insert(record.person_id.clone(), record);
            }
            Change::PutConsent(record) => {
                self.consents.insert(record.id.clone(), record);
            }
            Change::PutDisaster(record) => self.disaster = Some(record),
            Change::PutTrainingClock(record) => self.training_clock = Some(record),
            Change::PutFaceFile(record) => {
                self.face_files.insert(record.name.clone(), record);
            }
            Change::PutChallenge(record) => {
                self.challenges.insert(record.nonce.clone(), record);
            }
            Change::DeleteChallenge { nonce } => {
                self.challenges.remove(&nonce);
            }
            Change::PutExchange(record) => {
                self.exchange_high = self.exchange_high.max(record.id);
                self.exchanges.insert(record.id, record);
            }
            Change::DeleteExchange { id } => {
                self.exchanges.remove(&id);
            }
            Change::PutFileSequence { day, last } => {
                self.file_sequences.insert(day, last);
            }
            Change::DeleteFileSequencesBefore { day } => {
                self.file_sequences.retain(|d, _| *d >= day);
            }
        }
    }

    /// Appends many history records at once (the synthetic generator for benchmarks). Not a
    /// dispatch: nothing else changes. Like a transaction, it applies all or nothing.
    pub fn extend_history(
        &mut self,
        records: impl IntoIterator<Item = HistoryRecord>,
    ) -> Result<(), StoreError> {
        let changes: Vec<Change> = records.into_iter().map(Change::AppendHistory).collect();
        self.check(&changes)?;
        for change in changes {
            self.apply(change);
        }
        self.revision += 1;
        Ok(())
    }

    /// Refuses a batch whose appends are not the newest (see [`super::check_appends`]).
    pub(super) fn check(&self, changes: &[Change]) -> Result<(), StoreError> {
        super::check_appends(
            changes,
            self.events.last().map_or(0, |e| e.id),
            self.history.last().map_or(0, |h| h.id),
        )
    }
}

impl StoreRead for MemoryStore {
    fn institution(&self) -> Result<Option<InstitutionRecord>, StoreError> {
        Ok(self.institution.clone())
    }

    fn account(&self, user_id: &str) -> Result<Option<AccountRecord>, StoreError> {
        Ok(self.accounts.get(user_id).cloned())
    }

    fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        Ok(self.accounts.values().cloned().collect())
    }

    fn login_failures(&self, user_id: &str) -> Result<Option<LoginFailures>, StoreError> {
        Ok(self.login_failures.get(user_id).cloned())
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self.sessions.get(token_hash).cloned())
    }

    fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>, StoreError> {
        let mut sessions: Vec<SessionRecord> = self
            .sessions
            .values()
            .filter(|s| s.user_id == user_id)
            .cloned()
            .collect();
        sessions.sort_by_key(|s| (s.created_at, s.token_hash.clone()));
        Ok(sessions)
    }

    fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self.idempotency.get(key).cloned())
    }

    fn idempotency_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StoreError> {
        Ok(self
            .idempotency
            .values()
            .filter(|r| r.created_at < cutoff)
            .map(|r| r.key.clone())
            .collect())
    }

    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<EventRecord>, StoreError> {
        let start = self.events.partition_point(|e| e.id <= after);
        Ok(self.events[start..].iter().take(limit).cloned().collect())
    }

    fn events_of_kind_after(
        &self,
        kind: EventKind,
        after: u64,
        limit: usize,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let start = self.events.partition_point(|e| e.id <= after);
        Ok(self.events[start..]
            .iter()
            .filter(|e| e.kind == kind)
            .take(limit)
            .cloned()
            .collect())
    }

    fn last_event_id(&self) -> Result<u64, StoreError> {
        Ok(self.events.last().map_or(0, |e| e.id))
    }

    fn history_query(
        &self,
        query: &HistoryQuery,
    ) -> Result<(usize, Vec<HistoryRecord>), StoreError> {
        let mut total = 0;
        let mut page = Vec::with_capacity(query.limit.min(1000));
        for record in self.history.iter().rev() {
            if query.matches(record) {
                if total >= query.offset && page.len() < query.limit {
                    page.push(record.clone());
                }
                total += 1;
            }
        }
        Ok((total, page))
    }

    fn history(&self, id: u64) -> Result<Option<HistoryRecord>, StoreError> {
        // A record without its message must never pass for one with an empty message.
        if self.detached_history.contains(&id) {
            return Err(StoreError::Backend {
                message: format!("the message of history record {id} is not loaded"),
            });
        }
        Ok(self
            .history
            .binary_search_by_key(&id, |h| h.id)
            .ok()
            .map(|at| self.history[at].clone()))
    }

    fn last_history_id(&self) -> Result<u64, StoreError> {
        Ok(self.history.last().map_or(0, |h| h.id))
    }

    fn history_viewable_at(&self, at: Timestamp) -> Result<Vec<HistoryRecord>, StoreError> {
        Ok(self
            .history
            .iter()
            .rev()
            .filter(|h| {
                h.viewing
                    .as_ref()
                    .is_some_and(|v| v.until > at && h.at <= at)
            })
            .cloned()
            .collect())
    }

    fn reference(&self, card: &CardKey) -> Result<Option<ReferenceRecord>, StoreError> {
        Ok(self.references.get(&card.joined()).cloned())
    }

    fn bulk_job(&self, reception_number: &str) -> Result<Option<BulkJobRecord>, StoreError> {
        if self.detached_results.contains(reception_number) {
            return Err(StoreError::Backend {
                message: format!("the result of bulk job {reception_number} is not loaded"),
            });
        }
        Ok(self.bulk_jobs.get(reception_number).cloned())
    }

    fn bulk_jobs_due(&self, now: Timestamp) -> Result<Vec<BulkJobRecord>, StoreError> {
        let mut due: Vec<BulkJobRecord> = self
            .bulk_jobs
            .values()
            .filter(|j| !j.announced && j.ready_at <= now)
            .cloned()
            .collect();
        due.sort_by_key(|j| (j.ready_at, j.reception_number.clone()));
        Ok(due)
    }

    fn bulk_job_count(&self) -> Result<u64, StoreError> {
        Ok(self.bulk_jobs.len() as u64)
    }

    fn readers(&self) -> Result<Vec<ReaderRecord>, StoreError> {
        Ok(self.readers.values().cloned().collect())
    }

    fn reader(&self, id: &str) -> Result<Option<ReaderRecord>, StoreError> {
        Ok(self.readers.get(id).cloned())
    }

    fn visual_check(&self, id: &str) -> Result<Option<VisualCheckRecord>, StoreError> {
        Ok(self.visual_checks.get(id).cloned())
    }

    fn passcode(&self, user_id: &str) -> Result<Option<PasscodeRecord>, StoreError> {
        Ok(self.passcodes.get(user_id).cloned())
    }

    fn pin(&self, person_id: &str) -> Result<Option<PinRecord>, StoreError> {
        Ok(self.pins.get(person_id).cloned())
    }

    fn consents(&self) -> Result<Vec<ConsentRecord>, StoreError> {
        let mut consents: Vec<ConsentRecord> = self.consents.values().cloned().collect();
        consents.sort_by_key(|c| (c.consented_at, c.id.clone()));
        Ok(consents)
    }

    fn disaster(&self) -> Result<Option<DisasterRecord>, StoreError> {
        Ok(self.disaster.clone())
    }

    fn training_clock(&self) -> Result<Option<TrainingClockRecord>, StoreError> {
        Ok(self.training_clock)
    }

    fn face_file(&self, name: &str) -> Result<Option<FaceFileRecord>, StoreError> {
        Ok(self.face_files.get(name).cloned())
    }

    fn exchange(&self, id: u64) -> Result<Option<ExchangeRecord>, StoreError> {
        Ok(self.exchanges.get(&id).cloned())
    }

    fn open_exchanges(&self) -> Result<Vec<ExchangeRecord>, StoreError> {
        Ok(self
            .exchanges
            .values()
            .filter(|e| e.is_open())
            .cloned()
            .collect())
    }

    fn exchanges_done_before(
        &self,
        cutoff: Timestamp,
        limit: usize,
    ) -> Result<Vec<ExchangeRecord>, StoreError> {
        Ok(self
            .exchanges
            .values()
            .filter(|e| matches!(&e.state, ExchangeState::Done(done) if done.at < cutoff))
            .take(limit)
            .cloned()
            .collect())
    }

    fn last_exchange_id(&self) -> Result<u64, StoreError> {
        Ok(self.exchange_high)
    }

    fn file_sequence(&self, day: &str) -> Result<u32, StoreError> {
        Ok(self.file_sequences.get(day).copied().unwrap_or(0))
    }

    fn challenge(&self, nonce: &str) -> Result<Option<ChallengeRecord>, StoreError> {
        Ok(self.challenges.get(nonce).cloned())
    }

    fn challenges_expired_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StoreError> {
        Ok(self
            .challenges
            .values()
            .filter(|c| c.expires_at < cutoff)
            .map(|c| c.nonce.clone())
            .collect())
    }
}

impl MemoryStore {
    /// One transaction; with `journal`, the per-record operations of what it changed are appended
    /// there ([`super::journal::Journaled`]).
    pub(super) fn run(
        &mut self,
        work: &mut Work<'_>,
        journal: Option<&mut Vec<RecordOp>>,
    ) -> Result<(), StoreError> {
        let changes = work(self)?;
        self.check(&changes)?;
        if !changes.is_empty() {
            self.revision += 1;
        }
        let Some(journal) = journal else {
            for change in changes {
                self.apply(change);
            }
            return Ok(());
        };
        // What a change touches may depend on what is stored before it (a prune), so each change
        // names its records just before it applies; each record is written once, as it ends up.
        let mut touched = Vec::new();
        for change in changes {
            touched.extend(self.touched(&change));
            self.apply(change);
        }
        let mut seen = BTreeSet::new();
        for (kind, key) in touched {
            if seen.insert((kind, key.clone())) {
                journal.extend(self.record_ops(kind, &key));
            }
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError> {
        self.run(work, None)
    }
}

/// Refuses to serialize a store holding records without their message or result.
fn refuse_detached<T, S: serde::Serializer>(_: &BTreeSet<T>, _: S) -> Result<S::Ok, S::Error> {
    Err(serde::ser::Error::custom(
        "a store with records loaded without their message or result cannot be serialized",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::store_suite!(MemoryStore::new());

    #[test]
    fn serializes_as_a_value_and_back() {
        let mut store = MemoryStore::new();
        crate::store::suite::seed_everything(&mut store);
        let json = serde_json::to_string(&store).expect("serialize");
        let back: MemoryStore = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(
            back,
            MemoryStore {
                revision: 0,
                ..store
            }
        );
    }

    #[test]
    fn revision_counts_only_transactions_that_change_something() {
        let mut store = MemoryStore::new();
        store.transaction(&mut |_| Ok(Vec::new())).expect("empty");
        assert_eq!(store.revision(), 0);
        crate::store::suite::seed_two_accounts(&mut store);
        assert_eq!(store.revision(), 1);
    }
}
