//! The storage schema: one record type per thing the dispatcher keeps.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    account::AccountKind,
    codes::{CodeTable, ReferenceClassification},
    domain::{Card, QualificationResult},
    text,
    time::Timestamp,
};

/// The medical institution an endpoint serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionRecord {
    /// 医療機関コード, 10 digits.
    pub code: String,
    pub name: String,
}

/// An account that may sign in (or, for system accounts, may not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub user_id: String,
    pub name: String,
    pub kind: AccountKind,
    /// A PHC string (Argon2id with its own salt and parameters).
    pub password_hash: String,
    /// Set by the system-issued passwords of registration and reset (seed 003: change at first use).
    #[serde(default)]
    pub must_change_password: bool,
}

/// Consecutive wrong passwords for one user ID, and the lock they caused.
///
/// Kept for IDs that do not exist too, so that a wrong ID and a wrong password look the same; those
/// are pruned once their last failure is older than a lock lasts ([`Change::PruneLoginFailures`]), so
/// guessed IDs do not pile up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFailures {
    pub user_id: String,
    pub count: u32,
    pub locked_until: Option<Timestamp>,
    /// When the last wrong password came (`None` in older records, pruned first).
    #[serde(default)]
    pub last_failed_at: Option<Timestamp>,
}

/// How a session ended, when it ended by anything other than idling out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// 「ログアウト」 was pressed.
    LoggedOut,
    /// Another sign-in with the same ID answered 「はい」 to the forced-login prompt.
    Revoked,
}

/// A signed-in session. The token itself is never stored, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: Timestamp,
    /// The last authenticated request; idle time counts from here.
    pub last_seen: Timestamp,
    /// `None` while the session has not been ended explicitly (it may still have idled out).
    pub ended: Option<SessionEnd>,
}

/// The first answer to a write sent with an `Idempotency-Key` (decisions.md D7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// The key, scoped to the institution (one institution per store).
    pub key: String,
    /// SHA-256 of method, path and body: the same key with another request is refused.
    pub fingerprint: String,
    pub created_at: Timestamp,
    pub status: u16,
    /// The answer's headers a replay repeats (Content-Type, ETag, Location), as (name, value).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The answer's body, base64 (it may be Shift_JIS XML).
    pub body_base64: String,
    /// While the write waits for the national side: the exchange it waits for. `status`, `headers`
    /// and `body_base64` are empty until the exchange ends and its answer replaces this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<u64>,
}

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new qualification result (an inquiry, or a patient at a reader).
    Qualification,
    /// A reader's mode changed.
    Reader,
    /// A visual check finished or was cancelled.
    VisualCheck,
    /// A bulk job's result is ready.
    Bulk,
    /// A file of the face reader's folder arrived that could not be read (folder bridge): the patient
    /// it is about appears nowhere else, so staff must hear of it.
    FaceUnreadable,
}

impl EventKind {
    /// The name the store files the kind under, e.g. `face_unreadable` (the contract spells it the
    /// same; `contract::EventKind` converts one to one).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Qualification => "qualification",
            EventKind::Reader => "reader",
            EventKind::VisualCheck => "visual_check",
            EventKind::Bulk => "bulk",
            EventKind::FaceUnreadable => "face_unreadable",
        }
    }
}

/// One entry of the append-only event backlog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: u64,
    pub at: Timestamp,
    pub kind: EventKind,
    pub data: serde_json::Value,
}

/// A card as the store keys it: digits and folded 記号/番号 (`text::number_key`), so that the same card
/// typed two ways is one card.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CardKey {
    pub insurer: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
}

impl CardKey {
    pub fn of(card: &Card) -> CardKey {
        let key = |v: &Option<String>| v.as_deref().map(text::number_key).unwrap_or_default();
        CardKey {
            insurer: card
                .insurer_number
                .as_ref()
                .map(|n| n.digits().to_owned())
                .unwrap_or_default(),
            symbol: key(&card.symbol),
            number: key(&card.number),
            branch: key(&card.branch),
        }
    }

    /// One string for map keys and indexes.
    pub fn joined(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.insurer, self.symbol, self.number, self.branch
        )
    }
}

/// The viewing consents a result carried, and until when they allow viewing (24 hours, seed 001).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewingConsent {
    pub pharmacists: bool,
    pub diagnosis: bool,
    pub operation: bool,
    pub checkups: bool,
    pub until: Timestamp,
}

/// One entry of 資格確認履歴: the list's columns, and the result message as it was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub id: u64,
    pub at: Timestamp,
    /// The user whose request (or whose training visit) produced it.
    pub login_id: String,
    pub reader_id: Option<String>,
    /// 照会区分 (OQSCD002 code).
    pub classification: String,
    /// 資格有効性 (OQSCD006 code); `None` for a failed inquiry.
    pub validity: Option<String>,
    pub reference_number: Option<String>,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    /// 性別 (OQSCD007 code).
    pub sex: Option<String>,
    pub birthdate: Option<NaiveDate>,
    pub viewing: Option<ViewingConsent>,
    /// The result message exactly as it was given, in its own encoding (its declaration says which).
    #[serde(with = "base64_bytes")]
    pub message: Vec<u8>,
}

/// Bytes as base64 text, so a serialized store stays compact JSON (a byte array would not).
mod base64_bytes {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(D::Error::custom)
    }
}

impl HistoryRecord {
    /// The record of a qualification result: the list columns taken from its first record (or, when
    /// it has none, from what was searched for), the viewing consents it grants, and the message as it
    /// was given. The message is handed in rather than made from `result`: a received answer must be
    /// kept byte for byte, including what its domain reading could not hold.
    pub fn of_result(
        id: u64,
        at: Timestamp,
        login_id: &str,
        reader_id: Option<&str>,
        result: &QualificationResult,
        message: Vec<u8>,
    ) -> HistoryRecord {
        let first = result.answer.qualifications.first();
        let search = result.answer.search.as_ref();
        let card = first.map(|q| &q.card).or(search.map(|s| &s.card));
        let viewing = first.and_then(|q| {
            let c = &q.consents;
            let items = [&c.pharmacists, &c.diagnosis, &c.operation, &c.checkups];
            let until = items.iter().filter_map(|i| i.available_until).max()?;
            Some(ViewingConsent {
                pharmacists: c.pharmacists.is_consented(),
                diagnosis: c.diagnosis.is_consented(),
                operation: c.operation.is_consented(),
                checkups: c.checkups.is_consented(),
                until: Timestamp::from_jst_naive(until),
            })
        });
        let classification = result
            .info
            .classification
            .clone()
            .unwrap_or(ReferenceClassification::InsuranceCard);
        HistoryRecord {
            id,
            at,
            login_id: login_id.to_owned(),
            reader_id: reader_id.map(str::to_owned),
            classification: classification.code().to_owned(),
            validity: result.answer.validity.as_ref().map(|v| v.code().to_owned()),
            reference_number: first.and_then(|q| q.reference_number.clone()),
            insurer_number: card
                .and_then(|c| c.insurer_number.as_ref())
                .map(|n| n.digits().to_owned()),
            symbol: card.and_then(|c| c.symbol.clone()),
            number: card.and_then(|c| c.number.clone()),
            branch: card.and_then(|c| c.branch.clone()),
            name: first.and_then(|q| q.name.clone()),
            kana: first.and_then(|q| q.name_kana.clone()),
            sex: first
                .and_then(|q| q.sex1.as_ref())
                .map(|s| s.code().to_owned()),
            birthdate: first
                .and_then(|q| q.birthdate)
                .or(search.and_then(|s| s.birthdate)),
            viewing,
            message,
        }
    }
}

/// 資格確認区分絞り込み: the contract's `narrow` (its vocabulary owns the spelling).
pub use crate::contract::vocabulary::Narrow;

/// A history search (D9): the period, the classification, the narrowing, and a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryQuery {
    pub from: Timestamp,
    /// Inclusive.
    pub to: Timestamp,
    /// 照会区分 code, or all.
    pub classification: Option<String>,
    pub narrow: Narrow,
    pub login_id: Option<String>,
    pub reference_number: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

impl HistoryQuery {
    pub fn matches(&self, record: &HistoryRecord) -> bool {
        record.at >= self.from
            && record.at <= self.to
            && self
                .classification
                .as_deref()
                .is_none_or(|c| c == record.classification)
            && self.narrow.matches(record.validity.as_deref())
            && self
                .login_id
                .as_deref()
                .is_none_or(|l| l == record.login_id)
            && self
                .reference_number
                .as_deref()
                .is_none_or(|r| record.reference_number.as_deref() == Some(r))
    }
}

/// A 照会番号 the clinic registered for a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRecord {
    pub card: CardKey,
    pub reference_number: String,
    pub registered_at: Timestamp,
    /// Who authenticated the request that made the registration.
    pub user_id: String,
    /// For a queued registration another user replayed: who the outbox says made it, a claim the
    /// endpoint cannot verify (D4's audit record).
    #[serde(default)]
    pub claimed_by: Option<String>,
}

/// A bulk job. With the simulated national side its answer is computed when it is received and given
/// out once it is "processed"; through the folder bridge the national side keeps the answer and
/// `result_xml` stays `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkJobRecord {
    pub reception_number: String,
    /// The contract's kind, e.g. `qualifications`.
    pub kind: String,
    /// Who authenticated the upload.
    pub user_id: String,
    /// For a queued 照会番号 upload another user replayed: who the outbox says made it, a claim the
    /// endpoint cannot verify (D4's audit record).
    #[serde(default)]
    pub claimed_by: Option<String>,
    pub created_at: Timestamp,
    /// Until then the job answers 処理中 (SegmentOfResult 2).
    pub ready_at: Timestamp,
    /// Whether the `bulk` event has been appended.
    pub announced: bool,
    pub units: u32,
    /// The final result message, UTF-8, when the simulated national side made it.
    #[serde(default)]
    pub result_xml: Option<String>,
    /// The upload's encoding (OQSCD005 code), which the answers keep.
    pub character_code: String,
}

/// A file of the national share's `face/` folder that the bridge has recorded (so that a restart
/// does not record it twice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceFileRecord {
    /// The file's name in `face/`.
    pub name: String,
    pub recorded_at: Timestamp,
    /// The history entry it became; `None` for a file that was no result message.
    pub history_id: Option<u64>,
}

/// One exchange with the national side through its files: a request file this endpoint wrote, what
/// its answer must show, and what became of it. Kept from before the file is written until its
/// files are cleaned up, so that an answer that comes late, or after a restart, is still recorded
/// once, and a retry of the same write waits for it instead of writing again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRecord {
    pub id: u64,
    /// The request file's base name, e.g. `OQSsiquc01req_202612070001` (`.xml` in `req/`).
    pub name: String,
    /// What the answer is recorded as.
    pub purpose: ExchangePurpose,
    /// What the answer must show to be this request's.
    pub expect: crate::exchange::Expectation,
    /// Who authenticated the request.
    pub user_id: String,
    /// For a queued write another user replayed: who the outbox says made it, a claim the endpoint
    /// cannot verify (D4's audit record).
    #[serde(default)]
    pub claimed_by: Option<String>,
    /// The write's `Idempotency-Key`, when it came with one.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    pub created_at: Timestamp,
    /// Until then the answer is waited for; a request file still in `req/` then is withdrawn.
    pub deadline: Timestamp,
    pub state: ExchangeState,
}

impl ExchangeRecord {
    /// Whether its outcome is still open.
    pub fn is_open(&self) -> bool {
        !matches!(self.state, ExchangeState::Done(_))
    }
}

/// What an answer of the national side is recorded as, with what that needs, so that recording does
/// not depend on the request (a late answer has none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExchangePurpose {
    /// 資格確認照会: a history entry and a `qualification` event.
    Inquiry,
    /// 照会番号登録: the number for the card, when accepted.
    Registration {
        card: CardKey,
        reference_number: String,
    },
    /// A bulk upload: the job under its reception number.
    BulkUpload {
        /// The contract's kind, e.g. `qualifications`.
        bulk_kind: String,
        /// The upload's encoding (OQSCD005 code).
        character_code: String,
    },
    /// A bulk result download: the job's `bulk` event once complete.
    BulkDownload {
        bulk_kind: String,
        reception_number: String,
    },
    /// 薬剤情報 or 特定健診情報: passed on as it came.
    MedicalInfo,
}

/// Where an exchange stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ExchangeState {
    /// Recorded; the request file is being written.
    Writing,
    /// The request file was written; its answer is awaited until the deadline.
    Waiting,
    /// The deadline passed after the national side had taken the request file: its answer is still
    /// recorded when it comes, and the write it carries is not sent again.
    Taken { since: Timestamp },
    /// Ended, with the answer the request got.
    Done(ExchangeDone),
}

/// How an exchange ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeDone {
    pub at: Timestamp,
    /// Which way it ended.
    pub outcome: ExchangeOutcome,
    /// The contract response the request got (replayed to a request waiting for it).
    pub status: u16,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    pub body_base64: String,
}

/// Which way an exchange ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeOutcome {
    /// An answer that is this request's, recorded.
    Answered,
    /// An answer file that is not this request's answer (or does not read): refused, not recorded.
    Refused,
    /// An error file (`.err`): the national side did not take the request on.
    NationalError,
    /// No answer by the deadline, and the request file was still in `req/`: withdrawn, never taken.
    Withdrawn,
    /// The request file could not be written: nothing reached the national side.
    NotWritten,
    /// Taken, but no answer within the share's retention: given up, for staff to check.
    Abandoned,
}

impl ExchangeOutcome {
    /// Whether the national side may have acted on the request: then the same write is never sent
    /// again under its key, and its answer is what a retry gets.
    pub fn reached_national_side(self) -> bool {
        matches!(
            self,
            ExchangeOutcome::Answered | ExchangeOutcome::Refused | ExchangeOutcome::Abandoned
        )
    }
}

/// A face-authentication reader's operating mode (S7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderMode {
    /// 無人運転.
    Unattended,
    /// 暗証番号認証固定.
    PinOnly,
    /// 目視確認.
    Visual,
}

impl ReaderMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReaderMode::Unattended => "unattended",
            ReaderMode::PinOnly => "pin_only",
            ReaderMode::Visual => "visual",
        }
    }
}

/// A face-authentication reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderRecord {
    pub id: String,
    /// e.g. 「Identiv CLOUD 3701 F Contactless Reader 0」.
    pub device_name: String,
    /// e.g. 「外科受付用」.
    pub label: String,
    pub mode: ReaderMode,
    /// Increases with every change; the contract's ETag.
    pub version: u64,
    /// The visual check waiting for a patient, if any.
    pub pending_check: Option<String>,
    /// The visual check completed since the reader last entered 目視確認, so terminals can prompt
    /// staff to switch it back to 無人運転 (seed 000 ⑪). Cleared when the mode changes or another
    /// check opens; absent in records written before it existed.
    #[serde(default)]
    pub completed_check: Option<String>,
}

/// Where a visual check stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisualCheckState {
    Pending,
    Completed,
    Cancelled,
}

/// A 目視確認 started from the terminal or the reader's 職員用ボタン.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisualCheckRecord {
    pub id: String,
    pub reader_id: String,
    /// 資格確認日.
    pub qualification_date: NaiveDate,
    pub user_id: String,
    pub created_at: Timestamp,
    pub state: VisualCheckState,
    /// The result it produced.
    pub history_id: Option<u64>,
}

/// A nonce handed out for a My Number card to sign (decisions.md D7): valid for a short window, for
/// the session that asked for it only, and used at most once (the qualification that names it
/// deletes it, whatever its outcome).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeRecord {
    /// The 32 random bytes in standard, padded base64, as the contract carries them.
    pub nonce: String,
    /// The SHA-256 of the bearer token of the session it was issued to (what sessions are kept by).
    pub token_hash: String,
    pub issued_at: Timestamp,
    /// The first instant at which it is no longer accepted.
    pub expires_at: Timestamp,
}

/// A user's 目視確認用パスコード, hashed (seed 004: issue and re-issue only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasscodeRecord {
    pub user_id: String,
    pub passcode_hash: String,
    pub issued_at: Timestamp,
}

/// Wrong PINs at the reader for one card (three lock it); training only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinRecord {
    pub person_id: String,
    pub failures: u32,
    pub locked: bool,
}

/// What a patient consented to share (decisions.md D9's three questions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentChoices {
    /// 「診療・薬剤・手術情報」.
    pub medical: bool,
    /// 「特定健診等情報」.
    pub checkups: bool,
    /// 「限度額情報や特定疾病療養受療証情報」.
    pub limit: bool,
}

/// A consent given for 訪問診療等 or オンライン診療等 (マイナ在宅受付Web), as 同意済資格情報取得 lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub id: String,
    pub card: CardKey,
    pub name: String,
    pub birthdate: NaiveDate,
    /// 診療区分 (OQSCD028 code: 2 or 3).
    pub treatment: String,
    pub consented_at: Timestamp,
    pub choices: ConsentChoices,
    /// 同意取消 (seed 002): when and by whom.
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
    /// For a queued 同意取消 another user replayed: who the outbox says made it, a claim the endpoint
    /// cannot verify (D4's audit record); `revoked_by` is who authenticated the request.
    #[serde(default)]
    pub revoke_claimed_by: Option<String>,
}

/// A training endpoint's clock (decisions.md D1): how far its time is moved from the clock it runs
/// on, set through `PUT /training/clock` and applied to every dispatch. Real data never has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingClockRecord {
    /// Milliseconds added to the running clock's reading.
    pub offset_ms: i64,
    /// A time that stands still: every dispatch works at exactly this instant until the clock is set
    /// again (`PUT /training/clock {now, fixed: true}`), so a test's timestamps are its own to the
    /// millisecond even though the training endpoint runs in another process or a service worker.
    #[serde(default)]
    pub fixed_at: Option<Timestamp>,
}

/// Whether 災害時医療情報閲覧 is open, where and until when (seed 003).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterRecord {
    pub open: bool,
    pub areas: Vec<String>,
    pub until: Option<Timestamp>,
}
