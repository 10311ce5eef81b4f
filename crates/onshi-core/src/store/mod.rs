//! The dispatcher's state, behind a synchronous storage trait (decisions.md D3).
//!
//! A dispatch reads through [`StoreRead`] and describes its writes as a list of [`Change`]s. The store
//! applies that list in the same transaction as the reads, so one dispatch is one transaction by
//! construction: the in-memory store applies it in one go, the reference endpoint's SQLite store wraps
//! reads and writes in `BEGIN IMMEDIATE … COMMIT`. A dispatch that fails part-way returns no changes,
//! so nothing half-done is ever stored.
//!
//! The records here are the storage schema: serializable, and separate from both the contract's JSON
//! shapes and the official XML wire types.

pub mod journal;
mod memory;
mod records;
#[cfg(any(test, feature = "test-support"))]
pub mod suite;

pub use memory::MemoryStore;
pub use records::*;

use crate::time::Timestamp;

/// A write a dispatch asks the store to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    PutInstitution(InstitutionRecord),
    PutAccount(AccountRecord),
    DeleteAccount {
        user_id: String,
    },
    PutLoginFailures(LoginFailures),
    ClearLoginFailures {
        user_id: String,
    },
    /// Removes the failures recorded for IDs that name no account and whose last failure came before
    /// `before` (or is not known), so that wrong IDs cannot fill the store.
    PruneLoginFailures {
        before: Timestamp,
    },
    PutSession(SessionRecord),
    DeleteSession {
        token_hash: String,
    },
    PutIdempotency(IdempotencyRecord),
    DeleteIdempotency {
        key: String,
    },
    AppendEvent(EventRecord),
    AppendHistory(HistoryRecord),
    PutReference(ReferenceRecord),
    PutBulkJob(BulkJobRecord),
    PutReader(ReaderRecord),
    PutVisualCheck(VisualCheckRecord),
    PutPasscode(PasscodeRecord),
    DeletePasscode {
        user_id: String,
    },
    PutPin(PinRecord),
    PutConsent(ConsentRecord),
    PutDisaster(DisasterRecord),
    PutTrainingClock(TrainingClockRecord),
    PutFaceFile(FaceFileRecord),
    PutChallenge(ChallengeRecord),
    DeleteChallenge {
        nonce: String,
    },
    PutExchange(ExchangeRecord),
    DeleteExchange {
        id: u64,
    },
    /// The last request-file sequence number given out on a Tokyo day (`YYYYMMDD`).
    PutFileSequence {
        day: String,
        last: u32,
    },
    /// Forgets the sequences of days before `day` (`YYYYMMDD`): names carry their day, so an old
    /// day's numbers can never be asked for again.
    DeleteFileSequencesBefore {
        day: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("the storage backend failed: {message}")]
    Backend { message: String },
    #[error("stored data is corrupt: {what}")]
    Corrupt { what: String },
    /// A change contradicts what is stored, e.g. an appended event whose id is not the newest.
    #[error("a change conflicts with what is stored: {what}")]
    Conflict { what: String },
}

/// Whether `changes` append anything (events or history records).
pub fn appends(changes: &[Change]) -> bool {
    changes
        .iter()
        .any(|c| matches!(c, Change::AppendEvent(_) | Change::AppendHistory(_)))
}

/// Refuses a batch in which an append is not above every stored id (`last_event`, `last_history`)
/// and every earlier append of the batch, before anything of it applies: events and history are
/// append-only, and an id that is not new would replace or reorder what others read. Every store
/// checks its batches with this.
pub fn check_appends(
    changes: &[Change],
    mut last_event: u64,
    mut last_history: u64,
) -> Result<(), StoreError> {
    for change in changes {
        let (what, id, last) = match change {
            Change::AppendEvent(record) => ("event", record.id, &mut last_event),
            Change::AppendHistory(record) => ("history record", record.id, &mut last_history),
            _ => continue,
        };
        if id <= *last {
            return Err(StoreError::Conflict {
                what: format!("{what} {id} is not newer than {last}", last = *last),
            });
        }
        *last = id;
    }
    Ok(())
}

/// Reads a dispatch may make.
pub trait StoreRead {
    fn institution(&self) -> Result<Option<InstitutionRecord>, StoreError>;

    fn account(&self, user_id: &str) -> Result<Option<AccountRecord>, StoreError>;
    /// Every account, by user ID.
    fn accounts(&self) -> Result<Vec<AccountRecord>, StoreError>;
    fn login_failures(&self, user_id: &str) -> Result<Option<LoginFailures>, StoreError>;
    fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Every stored session of one user ID, oldest first.
    fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>, StoreError>;

    fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// The keys of records created before `cutoff` (for pruning).
    fn idempotency_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StoreError>;

    /// Events with ids above `after`, oldest first, at most `limit`.
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<EventRecord>, StoreError>;
    /// Events of one kind with ids above `after`, oldest first, at most `limit`.
    fn events_of_kind_after(
        &self,
        kind: EventKind,
        after: u64,
        limit: usize,
    ) -> Result<Vec<EventRecord>, StoreError>;
    /// The highest event id, 0 when there is none.
    fn last_event_id(&self) -> Result<u64, StoreError>;

    /// One page of history matching `query`, newest first, with the total number of matches.
    fn history_query(
        &self,
        query: &HistoryQuery,
    ) -> Result<(usize, Vec<HistoryRecord>), StoreError>;
    fn history(&self, id: u64) -> Result<Option<HistoryRecord>, StoreError>;
    /// The highest history id, 0 when there is none.
    fn last_history_id(&self) -> Result<u64, StoreError>;
    /// History whose viewing consents were still open at `at`, newest first.
    fn history_viewable_at(&self, at: Timestamp) -> Result<Vec<HistoryRecord>, StoreError>;

    fn reference(&self, card: &CardKey) -> Result<Option<ReferenceRecord>, StoreError>;

    fn bulk_job(&self, reception_number: &str) -> Result<Option<BulkJobRecord>, StoreError>;
    /// Jobs whose result is ready at `now` but not yet announced as an event.
    fn bulk_jobs_due(&self, now: Timestamp) -> Result<Vec<BulkJobRecord>, StoreError>;
    /// How many bulk jobs exist (reception numbers count from here).
    fn bulk_job_count(&self) -> Result<u64, StoreError>;

    /// Every reader, by id.
    fn readers(&self) -> Result<Vec<ReaderRecord>, StoreError>;
    fn reader(&self, id: &str) -> Result<Option<ReaderRecord>, StoreError>;
    fn visual_check(&self, id: &str) -> Result<Option<VisualCheckRecord>, StoreError>;
    fn passcode(&self, user_id: &str) -> Result<Option<PasscodeRecord>, StoreError>;
    fn pin(&self, person_id: &str) -> Result<Option<PinRecord>, StoreError>;

    /// Every consent record, oldest first.
    fn consents(&self) -> Result<Vec<ConsentRecord>, StoreError>;
    fn disaster(&self) -> Result<Option<DisasterRecord>, StoreError>;
    fn training_clock(&self) -> Result<Option<TrainingClockRecord>, StoreError>;
    /// A `face/` file the bridge has recorded, by name.
    fn face_file(&self, name: &str) -> Result<Option<FaceFileRecord>, StoreError>;

    fn exchange(&self, id: u64) -> Result<Option<ExchangeRecord>, StoreError>;
    /// The exchanges whose outcome is still open (writing, waiting or taken), by id.
    fn open_exchanges(&self) -> Result<Vec<ExchangeRecord>, StoreError>;
    /// Ended exchanges that ended before `cutoff`, by id, at most `limit` (for the share's cleanup).
    fn exchanges_done_before(
        &self,
        cutoff: Timestamp,
        limit: usize,
    ) -> Result<Vec<ExchangeRecord>, StoreError>;
    /// The highest exchange id, 0 when there is none.
    fn last_exchange_id(&self) -> Result<u64, StoreError>;
    /// The last request-file sequence given out on a Tokyo day (`YYYYMMDD`), 0 when none.
    fn file_sequence(&self, day: &str) -> Result<u32, StoreError>;

    /// A card challenge by its nonce (as the contract carries it).
    fn challenge(&self, nonce: &str) -> Result<Option<ChallengeRecord>, StoreError>;
    /// The nonces of challenges that expired before `cutoff`, in nonce order (for pruning).
    fn challenges_expired_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StoreError>;
}

/// One transaction's work: reads through the view it is given, returns the changes to apply.
pub type Work<'w> = dyn FnMut(&dyn StoreRead) -> Result<Vec<Change>, StoreError> + 'w;

/// A store: reads and the changes they lead to, in one transaction.
pub trait Store {
    /// Runs `work` against a consistent view and applies the changes it returns atomically. When
    /// `work` fails, or any change cannot apply (an appended event or history record whose id is not
    /// above every stored one and every earlier append: [`StoreError::Conflict`]), nothing is applied
    /// and the error is returned.
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError>;
}
