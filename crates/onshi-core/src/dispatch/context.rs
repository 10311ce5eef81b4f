//! One dispatch's view of its store transaction (`Cx`) and how a handler fails (`Fail`).

use chrono::NaiveDateTime;

use super::{
    Config, Exchange, NationalSource, PasswordCheck, VerifiedPassword, requests::RequestCounter,
};
use crate::{
    contract::{Problem, ProblemCode, Response},
    random::Random,
    simulator::{AnswerContext, NationalSide},
    store::{Change, EventKind, EventRecord, StoreError, StoreRead},
    time::Timestamp,
};

/// A handler's failure: a refusal to send, a storage failure that aborts the transaction, or the
/// need to ask the national side first (or to wait for the same write already asked).
pub(super) enum Fail {
    Problem(Box<Problem>),
    Store(StoreError),
    Exchange(Exchange),
    InProgress(u64),
    /// Sign-in's first phase is done: the password is to be verified outside the store.
    Verify(PasswordCheck),
}

impl From<Problem> for Fail {
    fn from(problem: Problem) -> Fail {
        Fail::Problem(Box::new(problem))
    }
}

impl From<ProblemCode> for Fail {
    fn from(code: ProblemCode) -> Fail {
        Problem::new(code).into()
    }
}

impl From<StoreError> for Fail {
    fn from(error: StoreError) -> Fail {
        Fail::Store(error)
    }
}

pub(super) type Handled = Result<Response, Fail>;

/// One dispatch's view: the configuration, the national side, the store's reads, the time,
/// randomness, and the changes made so far.
pub(super) struct Cx<'a> {
    pub(super) config: &'a Config,
    /// The dispatcher's request counter (counting on a training dispatcher only).
    pub(super) requests: &'a RequestCounter,
    pub(super) source: NationalSource,
    pub(super) national: &'a NationalSide,
    pub(super) read: &'a dyn StoreRead,
    pub(super) now: Timestamp,
    pub(super) random: &'a mut dyn Random,
    pub(super) changes: Vec<Change>,
    pub(super) next_event: Option<u64>,
    pub(super) next_history: Option<u64>,
    /// The write's `Idempotency-Key` and request fingerprint, when it is remembered: an exchange it
    /// begins marks the key as in progress.
    pub(super) idempotency: Option<(String, String)>,
    /// Sign-in's second phase: the outcome of the first phase's password check.
    pub(super) verified: Option<VerifiedPassword>,
}

impl Cx<'_> {
    pub(super) fn change(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Appends an event to the backlog, with the next id.
    pub(super) fn event(&mut self, kind: EventKind, data: serde_json::Value) -> Result<u64, Fail> {
        let id = match self.next_event {
            Some(id) => id,
            None => self.read.last_event_id()? + 1,
        };
        self.next_event = Some(id + 1);
        self.change(Change::AppendEvent(EventRecord {
            id,
            at: self.now,
            kind,
            data,
        }));
        Ok(id)
    }

    /// The id the next history record gets.
    pub(super) fn history_id(&mut self) -> Result<u64, Fail> {
        let id = match self.next_history {
            Some(id) => id,
            None => self.read.last_history_id()? + 1,
        };
        self.next_history = Some(id + 1);
        Ok(id)
    }

    /// The national side's context for an answer now.
    pub(super) fn answer_context(
        &self,
        institution_code: &str,
        reference_number: Option<String>,
    ) -> AnswerContext {
        AnswerContext {
            now: self.now.jst().naive_local(),
            institution_code: institution_code.to_owned(),
            reference_number,
        }
    }

    pub(super) fn institution(&self) -> Result<crate::store::InstitutionRecord, Fail> {
        self.read.institution()?.ok_or_else(|| {
            Problem::new(ProblemCode::Internal)
                .with_detail("no institution configured")
                .into()
        })
    }

    /// Now, as the Tokyo wall clock the messages use.
    pub(super) fn local_now(&self) -> NaiveDateTime {
        self.now.jst().naive_local()
    }
}

impl Cx<'_> {
    /// Whether the national side is the file interface: requests for it begin exchanges.
    pub(super) fn through_files(&self) -> bool {
        self.source == NationalSource::Files
    }
}
