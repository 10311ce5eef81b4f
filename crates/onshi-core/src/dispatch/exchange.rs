//! Exchanges with the national side through its files (decisions.md D3): the dispatcher's
//! half of the folder bridge.
//!
//! A request that needs the national side is checked in full first (nothing unchecked reaches the
//! share), and then begins an exchange in the same store transaction: the request file's name (the
//! day's next sequence), its own `ArbitraryFileIdentifier`, what its answer must show
//! ([`crate::exchange::Expectation`]), what the answer will be recorded as, and — for a write sent
//! with an `Idempotency-Key` — the key, marked as in progress. That dispatch ends with
//! [`Dispatched::Exchange`]; the endpoint writes the file and looks for its answer without holding
//! the store.
//!
//! Every exchange then ends exactly once, in [`Dispatcher::complete_exchange`], whoever ends it (the
//! request that began it, or the endpoint's watcher after a restart): the answer is checked against
//! its request and recorded, or refused, or the exchange is given up. A second answer to an ended
//! exchange changes nothing. The same write arriving again meanwhile gets [`Dispatched::InProgress`]
//! and waits for that ending rather than writing a second request file; once it has ended, the
//! write's key replays the answer, or — when the national side never took the request (withdrawn,
//! not written, an error file) — is free to be sent again.

use crate::contract::header;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::TimeDelta;

use crate::{
    catalogue,
    contract::{self, FieldError, Problem, ProblemCode, Response},
    dispatch::{
        Audit, Cx, Dispatcher, Env, Fail, Handled, REPLAYED_HEADERS, bulk, internal, qualification,
        reference,
    },
    domain::{Findings, convert::DecodeProblem},
    exchange::{self as rules, Accepted, Expectation, Mismatch},
    store::{
        Change, ExchangeDone, ExchangeOutcome, ExchangePurpose, ExchangeRecord, ExchangeState,
        IdempotencyRecord, Store, StoreError,
    },
    wire::{self, Encoding},
};

/// A request file to write: the exchange it belongs to, its base name and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub id: u64,
    /// The file's name in `req/` without `.xml`.
    pub name: String,
    pub message: Vec<u8>,
}

/// What became of a request file, as the endpoint saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NationalAnswer {
    /// The answer file's bytes (`.xml`), as read; checked against the request here.
    Message(Vec<u8>),
    /// A PDF answer (`.pdf`) of the same name.
    Pdf(Vec<u8>),
    /// An error file (`.err`), with its text.
    Error(String),
    /// No answer by the deadline, and the request file was still in `req/`: removed, never taken.
    Withdrawn,
    /// The request file could not be written (the endpoint's own failure, never the national side's).
    NotWritten(String),
    /// Taken by the national side, but no answer came within the share's retention.
    Abandoned,
}

/// How [`Dispatcher::complete_exchange`] ended an exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completed {
    /// The answer the request gets (and a retry under its key, when the national side took it).
    pub response: Response,
    /// Why an answer file was refused, for the endpoint's log (it names no patient data).
    pub refused: Option<Mismatch>,
    /// The exchange had ended before: nothing was recorded now.
    pub already: bool,
}

/// A handler's request to the national side.
pub(super) struct Ask {
    /// The request file's prefix, e.g. `OQSsiquc01req`.
    pub prefix: &'static str,
    pub purpose: ExchangePurpose,
    pub audit: Audit,
}

/// Begins an exchange (see the module comment) and returns the [`Fail`] that ends the dispatch with
/// it. `build` makes the request file from its `ArbitraryFileIdentifier`: the bytes, and what the
/// answer must show.
pub(super) fn begin(
    cx: &mut Cx<'_>,
    ask: Ask,
    build: impl FnOnce(&str) -> Result<(Vec<u8>, Expectation), Fail>,
) -> Fail {
    match try_begin(cx, ask, build) {
        Ok(exchange) => Fail::Exchange(exchange),
        Err(fail) => fail,
    }
}

fn try_begin(
    cx: &mut Cx<'_>,
    ask: Ask,
    build: impl FnOnce(&str) -> Result<(Vec<u8>, Expectation), Fail>,
) -> Result<Exchange, Fail> {
    let id = cx.read.last_exchange_id()? + 1;
    let file_identifier = rules::file_identifier(id, &mut *cx.random);
    let (message, expect) = build(&file_identifier)?;
    let name = next_name(cx, ask.prefix)?;
    cx.change(Change::PutExchange(ExchangeRecord {
        id,
        name: name.clone(),
        purpose: ask.purpose,
        expect,
        user_id: ask.audit.user,
        claimed_by: ask.audit.claimed_by,
        idempotency_key: cx.idempotency.as_ref().map(|(key, _)| key.clone()),
        created_at: cx.now,
        deadline: cx.now + cx.config.national_timeout,
        state: ExchangeState::Writing,
    }));
    if let Some((key, fingerprint)) = cx.idempotency.clone() {
        cx.change(Change::PutIdempotency(IdempotencyRecord {
            key,
            fingerprint,
            created_at: cx.now,
            status: 0,
            headers: Vec::new(),
            body_base64: String::new(),
            exchange: Some(id),
        }));
    }
    Ok(Exchange { id, name, message })
}

/// The day's next request name for `prefix`; the sequence is the store's, so no two exchanges share
/// one, across restarts too. Sequences of earlier days are forgotten: names carry their day.
fn next_name(cx: &mut Cx<'_>, prefix: &str) -> Result<String, Fail> {
    let day = cx.now.jst_date();
    let day_key = day.format("%Y%m%d").to_string();
    let sequence = cx.read.file_sequence(&day_key)? + 1;
    if sequence > rules::SEQUENCE_MAX {
        return Err(Problem::new(ProblemCode::ShareUnavailable)
            .with_detail(format!(
                "all {} request names of {day_key} are used",
                rules::SEQUENCE_MAX
            ))
            .into());
    }
    cx.change(Change::PutFileSequence {
        day: day_key.clone(),
        last: sequence,
    });
    cx.change(Change::DeleteFileSequencesBefore { day: day_key });
    Ok(rules::request_name(prefix, day, sequence))
}

/// The stored answer of an ended exchange.
fn response_of(done: &ExchangeDone) -> Response {
    let mut response = Response {
        status: done.status,
        headers: contract::Headers::new(),
        body: STANDARD.decode(&done.body_base64).unwrap_or_default(),
    };
    for (name, value) in &done.headers {
        response.headers.set(name, value.clone());
    }
    response
}

/// The answer an exchange gives a request that stops waiting for it now: an ended one's own; for
/// one still open, the national timeout (504) — and for one the national side took, that its answer
/// will still be recorded when it comes.
pub fn answer_now(record: &ExchangeRecord) -> Response {
    match &record.state {
        ExchangeState::Done(done) => response_of(done),
        ExchangeState::Taken { .. } => Problem::new(ProblemCode::NationalTimeout)
            .with_detail(
                "the national side took the request but has not answered yet; its answer will be \
                 recorded when it comes",
            )
            .into_response(),
        ExchangeState::Writing | ExchangeState::Waiting => {
            Problem::new(ProblemCode::NationalTimeout).into_response()
        }
    }
}

/// 409 `idempotency_in_progress`: the same write is still with the national side; `Retry-After`
/// says when to send it again.
pub fn in_progress_answer() -> Response {
    let mut response = Problem::new(ProblemCode::IdempotencyInProgress).into_response();
    let seconds = RETRY_AFTER.num_seconds().max(1);
    response
        .headers
        .set(header::RETRY_AFTER, seconds.to_string());
    response
}

/// What a write's key holds while its exchange is `exchange`: wait for an open one; an ended one that
/// reached the national side is its answer; one that never did frees the key.
pub(super) fn in_progress(cx: &Cx<'_>, exchange: u64) -> Result<InProgress, Fail> {
    Ok(match cx.read.exchange(exchange)? {
        Some(record) => match &record.state {
            ExchangeState::Done(done) if done.outcome.reached_national_side() => {
                InProgress::Ended(response_of(done))
            }
            ExchangeState::Done(_) => InProgress::Free,
            _ => InProgress::Open,
        },
        // Forgotten after its cleanup; its answer, if any, was kept under the key then.
        None => InProgress::Free,
    })
}

pub(super) enum InProgress {
    Open,
    Ended(Response),
    Free,
}

impl Dispatcher {
    /// Ends exchange `id` with what became of its request file, in one store transaction (see the
    /// module comment). An exchange that has ended already keeps its first ending.
    pub fn complete_exchange(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        id: u64,
        answer: NationalAnswer,
    ) -> Result<Completed, StoreError> {
        let mut completed = None;
        store.transaction(&mut |read| {
            let mut cx = self.cx(read, env)?;
            let record = read.exchange(id)?.ok_or_else(|| StoreError::Conflict {
                what: format!("exchange {id} is not stored"),
            })?;
            if let ExchangeState::Done(done) = &record.state {
                completed = Some(Completed {
                    response: response_of(done),
                    refused: None,
                    already: true,
                });
                return Ok(Vec::new());
            }
            let (outcome, response, refused) = match end(&mut cx, &record, &answer) {
                Ok(ended) => ended,
                Err(Fail::Store(error)) => return Err(error),
                Err(Fail::Problem(problem)) => {
                    (ExchangeOutcome::Refused, problem.into_response(), None)
                }
                Err(Fail::Exchange(_) | Fail::InProgress(_) | Fail::Verify(_)) => {
                    return Err(StoreError::Backend {
                        message: "recording an answer asked the national side again".to_owned(),
                    });
                }
            };
            // A refused or abandoned answer records nothing of it.
            if outcome != ExchangeOutcome::Answered {
                cx.changes.clear();
            }
            let done = ExchangeDone {
                at: cx.now,
                outcome,
                status: response.status,
                headers: kept_headers(&response),
                body_base64: STANDARD.encode(&response.body),
            };
            if let Some(key) = &record.idempotency_key {
                if outcome.reached_national_side() {
                    // The write was acted on: a retry under its key gets this answer, never a second
                    // request file.
                    let fingerprint = cx
                        .read
                        .idempotency(key)?
                        .map(|r| r.fingerprint)
                        .unwrap_or_default();
                    cx.change(Change::PutIdempotency(IdempotencyRecord {
                        key: key.clone(),
                        fingerprint,
                        created_at: cx.now,
                        status: done.status,
                        headers: done.headers.clone(),
                        body_base64: done.body_base64.clone(),
                        exchange: None,
                    }));
                } else {
                    // The national side never took it on: the write may be sent again.
                    cx.change(Change::DeleteIdempotency { key: key.clone() });
                }
            }
            cx.change(Change::PutExchange(ExchangeRecord {
                state: ExchangeState::Done(done),
                ..record.clone()
            }));
            completed = Some(Completed {
                response,
                refused,
                already: false,
            });
            Ok(cx.changes)
        })?;
        completed.ok_or_else(|| StoreError::Backend {
            message: format!("ending exchange {id} gave no outcome"),
        })
    }

    /// Marks exchange `id`'s request file as written. `false` when it is no longer being written
    /// (ended meanwhile): its file must then be taken back.
    pub fn exchange_written(&self, store: &mut dyn Store, id: u64) -> Result<bool, StoreError> {
        self.move_exchange(store, id, |state| match state {
            ExchangeState::Writing => Some(ExchangeState::Waiting),
            _ => None,
        })
    }

    /// Marks exchange `id` as taken by the national side with its answer still to come. `false`
    /// when it was not waiting.
    pub fn exchange_taken(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        id: u64,
    ) -> Result<bool, StoreError> {
        let since = env.now;
        self.move_exchange(store, id, |state| match state {
            ExchangeState::Waiting => Some(ExchangeState::Taken { since }),
            _ => None,
        })
    }

    fn move_exchange(
        &self,
        store: &mut dyn Store,
        id: u64,
        step: impl Fn(&ExchangeState) -> Option<ExchangeState>,
    ) -> Result<bool, StoreError> {
        let mut moved = false;
        store.transaction(&mut |read| {
            let Some(record) = read.exchange(id)? else {
                return Ok(Vec::new());
            };
            let Some(state) = step(&record.state) else {
                return Ok(Vec::new());
            };
            moved = true;
            Ok(vec![Change::PutExchange(ExchangeRecord {
                state,
                ..record
            })])
        })?;
        Ok(moved)
    }

    /// Gives exchange `id`, still being written, the day's next name: another writer of the share
    /// has used the one it had. `None` when it is no longer being written.
    pub fn rename_exchange(
        &self,
        store: &mut dyn Store,
        env: &mut Env<'_>,
        id: u64,
    ) -> Result<Option<Result<String, Problem>>, StoreError> {
        let mut renamed = None;
        store.transaction(&mut |read| {
            let mut cx = self.cx(read, env)?;
            let Some(record) = read.exchange(id)? else {
                return Ok(Vec::new());
            };
            if record.state != ExchangeState::Writing {
                return Ok(Vec::new());
            }
            let prefix = record.name.split('_').next().unwrap_or_default().to_owned();
            match next_name(&mut cx, &prefix) {
                Ok(name) => {
                    cx.change(Change::PutExchange(ExchangeRecord {
                        name: name.clone(),
                        ..record
                    }));
                    renamed = Some(Ok(name));
                    Ok(cx.changes)
                }
                Err(Fail::Problem(problem)) => {
                    renamed = Some(Err(*problem));
                    Ok(Vec::new())
                }
                Err(Fail::Store(error)) => Err(error),
                Err(_) => Ok(Vec::new()),
            }
        })?;
        Ok(renamed)
    }

    /// The exchanges whose outcome is still open, by id.
    pub fn open_exchanges(&self, store: &mut dyn Store) -> Result<Vec<ExchangeRecord>, StoreError> {
        let mut open = Vec::new();
        store.transaction(&mut |read| {
            open = read.open_exchanges()?;
            Ok(Vec::new())
        })?;
        Ok(open)
    }

    pub fn exchange(
        &self,
        store: &mut dyn Store,
        id: u64,
    ) -> Result<Option<ExchangeRecord>, StoreError> {
        let mut found = None;
        store.transaction(&mut |read| {
            found = read.exchange(id)?;
            Ok(Vec::new())
        })?;
        Ok(found)
    }

    /// Ended exchanges whose files have outlived the share's retention (at most `limit`): their
    /// request and answer files are removed, then they are forgotten with [`Dispatcher::forget_exchange`].
    pub fn exchanges_to_clean(
        &self,
        store: &mut dyn Store,
        env: &Env<'_>,
        limit: usize,
    ) -> Result<Vec<ExchangeRecord>, StoreError> {
        let cutoff = env.now + -self.config().share_retention;
        let mut due = Vec::new();
        store.transaction(&mut |read| {
            due = read.exchanges_done_before(cutoff, limit)?;
            Ok(Vec::new())
        })?;
        Ok(due)
    }

    /// Forgets an ended exchange once its files are gone. Its answer stays under its write's key.
    pub fn forget_exchange(&self, store: &mut dyn Store, id: u64) -> Result<(), StoreError> {
        store.transaction(&mut |read| {
            Ok(match read.exchange(id)? {
                Some(record) if !record.is_open() => vec![Change::DeleteExchange { id }],
                _ => Vec::new(),
            })
        })
    }
}

/// The response headers an ended exchange keeps for whoever waits for it.
fn kept_headers(response: &Response) -> Vec<(String, String)> {
    REPLAYED_HEADERS
        .iter()
        .chain(["Cache-Control"].iter())
        .filter_map(|name| {
            let value = response.headers.get(name)?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect()
}

/// Ends an exchange: the outcome, the answer, and why an answer file was refused.
fn end(
    cx: &mut Cx<'_>,
    record: &ExchangeRecord,
    answer: &NationalAnswer,
) -> Result<(ExchangeOutcome, Response, Option<Mismatch>), Fail> {
    let refused = |mismatch: Mismatch| {
        let response = Problem::new(ProblemCode::NationalAnswerRefused)
            .with_detail(mismatch.to_string())
            .into_response();
        (ExchangeOutcome::Refused, response, Some(mismatch))
    };
    Ok(match answer {
        NationalAnswer::Message(bytes) => match rules::accept(&record.expect, bytes) {
            Err(mismatch) => refused(mismatch),
            Ok(accepted) => (
                ExchangeOutcome::Answered,
                record_answer(cx, record, accepted, bytes)?,
                None,
            ),
        },
        NationalAnswer::Pdf(bytes) if rules::accepts_pdf(&record.expect) => {
            let mut headers = contract::Headers::new();
            headers.set("Content-Type", "application/pdf");
            headers.set("Cache-Control", "no-store");
            let response = Response {
                status: 200,
                headers,
                body: bytes.clone(),
            };
            (ExchangeOutcome::Answered, response, None)
        }
        NationalAnswer::Pdf(_) => refused(Mismatch::UnexpectedPdf),
        NationalAnswer::Error(text) => (
            ExchangeOutcome::NationalError,
            Problem::new(ProblemCode::NationalError)
                .with_detail(text.clone())
                .into_response(),
            None,
        ),
        NationalAnswer::Withdrawn => (
            ExchangeOutcome::Withdrawn,
            Problem::new(ProblemCode::NationalTimeout)
                .with_detail("the request file was not taken in time and was withdrawn")
                .into_response(),
            None,
        ),
        NationalAnswer::NotWritten(why) => (
            ExchangeOutcome::NotWritten,
            Problem::new(ProblemCode::ShareUnavailable)
                .with_detail(why.clone())
                .into_response(),
            None,
        ),
        NationalAnswer::Abandoned => (
            ExchangeOutcome::Abandoned,
            Problem::new(ProblemCode::NationalAnswerRefused)
                .with_detail(
                    "the national side took the request but no answer came within the retention",
                )
                .into_response(),
            None,
        ),
    })
}

/// The `record` step for an answer that is this request's, from what the check read of it.
fn record_answer(
    cx: &mut Cx<'_>,
    record: &ExchangeRecord,
    accepted: Accepted,
    bytes: &[u8],
) -> Handled {
    let audit = Audit {
        user: record.user_id.clone(),
        claimed_by: record.claimed_by.clone(),
    };
    match (&record.purpose, accepted) {
        (ExchangePurpose::Inquiry, Accepted::Qualification(message)) => {
            qualification::record_answer(cx, bytes, &message, &audit.user)
        }
        (
            ExchangePurpose::Registration {
                card,
                reference_number,
            },
            Accepted::Registration { registered },
        ) => reference::record_answer(cx, bytes, registered, card, reference_number, &audit),
        (
            ExchangePurpose::BulkUpload {
                bulk_kind,
                character_code,
            },
            Accepted::Receipt { reception_number },
        ) => bulk::record_receipt(
            cx,
            bytes,
            reception_number,
            bulk_kind,
            character_code,
            &audit,
        ),
        (
            ExchangePurpose::BulkDownload {
                reception_number, ..
            },
            Accepted::BulkResult { complete, units },
        ) => bulk::record_result(cx, bytes, reception_number, complete, units),
        (ExchangePurpose::MedicalInfo, Accepted::MedicalInfo) => Ok(super::xml_passthrough(bytes)),
        // Each purpose's request is made with the expectation that reads its answer.
        (purpose, _) => Err(internal(format!(
            "an answer read for another purpose than {purpose:?}"
        ))),
    }
}

/// How long a request that finds its write in progress may be told to wait before sending again.
const RETRY_AFTER: TimeDelta = TimeDelta::seconds(10);

/// Refuses, before anything reaches the share, a request the national side would have to refuse:
/// every finding of its decoding (a missing or unreadable element, a failed check
/// digit; not the parts that are merely not shown), and a 医療機関コード that is not this endpoint's.
pub(super) fn refuse_before_share(
    findings: &Findings,
    institution_in_request: Option<&str>,
    institution: &str,
) -> Result<(), Fail> {
    refuse_fields(
        field_errors(findings, ""),
        institution_in_request,
        institution,
    )
}

/// [`refuse_before_share`] for errors already named (a bulk upload's, by unit).
pub(super) fn refuse_fields(
    mut errors: Vec<FieldError>,
    institution_in_request: Option<&str>,
    institution: &str,
) -> Result<(), Fail> {
    if institution_in_request.map(str::trim) != Some(institution) {
        errors.insert(
            0,
            FieldError {
                field: "MedicalInstitutionCode".to_owned(),
                message: catalogue::INSTITUTION_CODE_MISMATCH.to_owned(),
            },
        );
    }
    if errors.is_empty() {
        return Ok(());
    }
    let mut problem = Problem::new(ProblemCode::InvalidRequest);
    problem.errors = errors;
    Err(problem.into())
}

/// The findings that keep a request from the share, as field errors named `{prefix}{element}`.
pub(super) fn field_errors(findings: &Findings, prefix: &str) -> Vec<FieldError> {
    findings
        .0
        .iter()
        .filter(|f| f.problem != DecodeProblem::NotShown)
        .map(|f| FieldError {
            field: format!("{prefix}{}", f.element),
            message: f.message(),
        })
        .collect()
}

/// A request header that carries an `ArbitraryFileIdentifier`.
pub(super) trait FileIdentified {
    fn identify(&mut self, file_identifier: &str);
}

impl FileIdentified for wire::RequestHeader {
    fn identify(&mut self, file_identifier: &str) {
        self.arbitrary_file_identifier = Some(file_identifier.to_owned());
    }
}

impl FileIdentified for wire::MedicalInfoRequestHeader {
    fn identify(&mut self, file_identifier: &str) {
        self.arbitrary_file_identifier = Some(file_identifier.to_owned());
    }
}

/// An official message with this exchange's `ArbitraryFileIdentifier`, in the encoding it came in.
pub(super) fn stamped<H, B>(
    message: &wire::Message<H, B>,
    encoding: Encoding,
    file_identifier: &str,
) -> Result<Vec<u8>, Fail>
where
    H: wire::WireElement + Default + Clone + FileIdentified,
    B: wire::WireElement + Default + Clone,
{
    let mut file = message.clone();
    file.header.identify(file_identifier);
    file.encode(encoding).map_err(internal)
}
