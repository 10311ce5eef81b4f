//! The JSON shapes of every group beside `session`: history, events, readers, passcode, consents,
//! medical info, disaster, accounts, training and card. (The XML operations carry the official
//! messages.)

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    account::AccountKind,
    contract::{EventKind, ReaderMode, VisitMethod},
    store,
    time::Rfc3339,
};

/// A code with its label, e.g. `{"code": "1", "label": "有効"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coded {
    pub code: String,
    pub label: String,
}

/// A card's fields as the contract spells them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFields {
    #[serde(default)]
    pub insurer_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    #[serde(default)]
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

// ---------------------------------------------------------------------------------------------------
// history

/// `GET /qualifications`: one page of 資格確認履歴.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// Every match of the search, not only this page.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<HistoryItem>,
}

/// One row of 資格確認履歴 (S3's columns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub id: u64,
    /// 資格確認日時, with milliseconds.
    pub confirmed_at: Rfc3339,
    pub login_id: String,
    pub reference_number: Option<String>,
    /// 照会区分 (OQSCD002).
    pub classification: Coded,
    /// 資格有効性 (OQSCD006); absent for a refused inquiry.
    pub validity: Option<Coded>,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub sex: Option<Coded>,
    pub birthdate: Option<NaiveDate>,
    pub reader_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------------
// events

/// `GET /events`: the backlog after an id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPage {
    pub events: Vec<Event>,
    /// The id to resume after: the page's last event's (decisions.md D7), or the `after` asked for
    /// when the page is empty.
    pub last_id: u64,
    /// The highest event id there is, of any kind: what a screen that only follows what happens from
    /// now on starts after, and whether more pages follow this one. Contract 1.0 endpoints send none
    /// (their `last_id` was the newest id): read it with [`EventsPage::newest`].
    #[serde(default)]
    pub newest_id: u64,
}

impl EventsPage {
    /// The newest event id there is, from an endpoint of any 1.x contract.
    pub fn newest(&self) -> u64 {
        self.newest_id.max(self.last_id)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: u64,
    pub at: Rfc3339,
    pub kind: EventKind,
    pub data: serde_json::Value,
}

// ---------------------------------------------------------------------------------------------------
// readers and the passcode

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderList {
    pub readers: Vec<Reader>,
}

/// A face-authentication reader (S7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    pub id: String,
    pub device_name: String,
    pub label: String,
    pub mode: ReaderMode,
    /// Every mode with its label, in the screen's order.
    pub modes: Vec<ModeOption>,
    /// The value `PUT /readers/{id}/mode` must send in `If-Match`.
    pub etag: String,
    pub pending_visual_check: Option<VisualCheck>,
    /// The check completed since the reader entered 目視確認, while it is still there: terminals
    /// prompt staff to switch it back to 無人運転.
    #[serde(default)]
    pub completed_visual_check: Option<VisualCheck>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeOption {
    pub mode: ReaderMode,
    /// 無人運転 / 暗証番号認証固定 / 目視確認.
    pub label: String,
}

/// `PUT /readers/{id}/mode`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeChange {
    pub mode: String,
}

/// `POST /readers/{id}/visual-checks`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisualCheckRequest {
    /// 資格確認日, `YYYY-MM-DD` or any form staff type.
    #[serde(default)]
    pub qualification_date: String,
}

/// A 目視確認.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisualCheck {
    pub id: String,
    pub reader_id: String,
    pub qualification_date: NaiveDate,
    pub user_id: String,
    /// `pending`, `completed` or `cancelled`.
    pub state: String,
    pub history_id: Option<u64>,
}

/// `POST /visual-check-passcode`: shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPasscode {
    pub user_id: String,
    pub passcode: String,
    pub issued_at: Rfc3339,
}

// ---------------------------------------------------------------------------------------------------
// consents

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentList {
    pub items: Vec<ConsentItem>,
}

/// A consent of 同意済資格情報取得.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentItem {
    pub id: String,
    #[serde(flatten)]
    pub card: CardFields,
    pub name: String,
    pub birthdate: NaiveDate,
    /// 診療区分 (OQSCD028).
    pub treatment: Coded,
    pub consented_at: Rfc3339,
    pub choices: ConsentChoices,
}

/// What a patient consented to share (decisions.md D9's three questions), as the contract carries
/// it; the store records it as [`store::ConsentChoices`].
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

impl From<ConsentChoices> for store::ConsentChoices {
    fn from(c: ConsentChoices) -> store::ConsentChoices {
        store::ConsentChoices {
            medical: c.medical,
            checkups: c.checkups,
            limit: c.limit,
        }
    }
}

impl From<store::ConsentChoices> for ConsentChoices {
    fn from(c: store::ConsentChoices) -> ConsentChoices {
        ConsentChoices {
            medical: c.medical,
            checkups: c.checkups,
            limit: c.limit,
        }
    }
}

/// `DELETE /consents`: 同意取消 by card and birthdate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRevocation {
    #[serde(flatten)]
    pub card: CardFields,
    #[serde(default)]
    pub birthdate: String,
}

// ---------------------------------------------------------------------------------------------------
// medical information

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewablePatients {
    pub items: Vec<ViewablePatient>,
}

/// A patient whose viewing consents are open (同意済み患者一覧, seed 001: within 24 hours).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewablePatient {
    pub history_id: u64,
    pub confirmed_at: Rfc3339,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub birthdate: Option<NaiveDate>,
    pub sex: Option<Coded>,
    #[serde(flatten)]
    pub card: CardFields,
    pub pharmacists: bool,
    pub diagnosis: bool,
    pub operation: bool,
    pub checkups: bool,
    pub available_until: Rfc3339,
}

// ---------------------------------------------------------------------------------------------------
// disaster

/// `GET /disaster`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterStatus {
    pub open: bool,
    pub areas: Vec<String>,
    pub until: Option<Rfc3339>,
}

/// `POST /disaster/search`: by name (氏名, 生年月日, 性別, 住所) or by card (保険者番号 + 記号・番号 +
/// 生年月日), with the patient's consent or 「同意なし」 when they cannot answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisasterSearch {
    pub name: Option<String>,
    /// 性別 (OQSCD007 code).
    pub sex: Option<String>,
    pub address: Option<String>,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    pub birthdate: String,
    /// `agreed` (同意) or `unable` (同意なし: the patient cannot answer).
    pub consent: String,
}

/// `POST /disaster/search`'s answer: every person found, with what may be shown of each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterResults {
    pub items: Vec<DisasterPatient>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterPatient {
    pub name: String,
    pub kana: String,
    pub birthdate: NaiveDate,
    pub sex: Coded,
    pub address: Option<String>,
    /// 処方実績: one entry per dispensing.
    pub drugs: Vec<DispensingView>,
    /// 特定健診: one entry per checkup.
    pub checkups: Vec<CheckupView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispensingView {
    /// 調剤日; `None` when the result gives none.
    pub date: Option<NaiveDate>,
    /// The date, or the month with 「日付不明」.
    pub day_label: String,
    pub place: String,
    pub use_kind: String,
    pub institution: Option<String>,
    /// 医薬品名 (成分名) and 薬剤数量, as seed 003 prints them.
    pub drugs: Vec<DrugView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugView {
    pub name: String,
    pub ingredient: Option<String>,
    pub amount: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckupView {
    /// 実施日; `None` when the result gives none.
    pub date: Option<NaiveDate>,
    pub items: Vec<CheckupItemView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckupItemView {
    pub group: String,
    pub name: String,
    /// What the report shows: a coded value's label, else the value.
    pub value: Option<String>,
    pub unit: Option<String>,
    /// The judging value, e.g. 「▲ 140以上」.
    pub reference: Option<String>,
    /// Outside the reference.
    pub flagged: bool,
}

// ---------------------------------------------------------------------------------------------------
// accounts

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub items: Vec<AccountItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountItem {
    pub id: String,
    pub name: String,
    pub kind: AccountKind,
    pub must_change_password: bool,
}

/// `POST /accounts`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
}

/// The answer to `POST /accounts` and `POST /accounts/{id}/password-reset`: the system-issued
/// password, shown once and changed at first sign-in (seed 003).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    pub account: AccountItem,
    pub initial_password: String,
}

/// `PATCH /accounts/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
}

// ---------------------------------------------------------------------------------------------------
// training

/// `GET /training/accounts`: the accounts a trainee may sign in with, and their passwords as the
/// guides give them (training data only; decisions.md D2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingAccounts {
    pub items: Vec<TrainingAccountItem>,
}

impl TrainingAccounts {
    /// The canned accounts of training data, which a training dispatcher answers with.
    #[cfg(feature = "world")]
    pub fn of_training_data() -> TrainingAccounts {
        let items = crate::canned::TRAINING_ACCOUNTS
            .iter()
            .map(|a| TrainingAccountItem {
                user_id: a.user_id.to_owned(),
                password: a.password.to_owned(),
                kind: a.kind,
                name: a.name.to_owned(),
            })
            .collect();
        TrainingAccounts { items }
    }
}

/// One training account, as the sign-in page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingAccountItem {
    pub user_id: String,
    pub password: String,
    pub kind: AccountKind,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingPeople {
    pub items: Vec<TrainingPerson>,
}

/// A canned card holder for the trainer's controls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingPerson {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub birthdate: NaiveDate,
    pub sex: Coded,
    #[serde(flatten)]
    pub card: CardFields,
    /// What an inquiry about this person answers.
    pub outcome: Coded,
    pub note: String,
    pub pin_locked: bool,
}

/// `POST /training/reader-visits`: a patient at a reader, as the trainer plays them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderVisit {
    #[serde(default)]
    pub reader_id: String,
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub method: Option<VisitMethod>,
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default)]
    pub consents: ConsentChoices,
}

/// `POST /training/pin-checks`: the PIN a patient entered at the reader, checked before the consent
/// screens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinCheck {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub pin: String,
}

/// The answer to a visit that produced a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitResult {
    pub history_id: u64,
    pub validity: Coded,
}

/// `PUT /training/clock`: the training endpoint's time from now on (RFC 3339).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingClock {
    pub now: String,
}

/// `GET /training/requests`: how many requests a training endpoint was handed since it started
/// counting, by method and path pattern (decisions.md D3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingRequests {
    /// When the endpoint started counting (its first request).
    pub since: Rfc3339,
    /// Sorted by path, then method.
    pub requests: Vec<RequestCount>,
}

/// One method and path pattern of [`TrainingRequests`], e.g. `POST` `/qualifications`; a request
/// that matches no operation counts under the path `*`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCount {
    pub method: String,
    /// The operation's path as the contract document writes it, without `/onshi/v1`, e.g.
    /// `/qualifications/{id}`.
    pub path: String,
    pub count: u64,
}

/// `POST /training/readers/{id}/staff-mode`: the reader's 職員用ボタン and the passcode.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMode {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub passcode: String,
}

// ---------------------------------------------------------------------------------------------------
// card

/// `POST /challenges`: a nonce for the patient's My Number card to sign (decisions.md D7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// 32 random bytes in standard, padded base64.
    pub nonce: String,
    /// When the nonce stops being accepted (60 s after it was issued).
    pub expires_at: Rfc3339,
}

/// `POST /qualifications/mynumber`: the card's proof of the challenge, and the patient's answers to
/// the consent screens. The card signs the SHA-256 `DigestInfo` of the nonce's bytes with its
/// 利用者証明用 key (PKCS#1 v1.5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardQualification {
    /// The challenge's nonce, as `POST /challenges` gave it.
    #[serde(default)]
    pub nonce: String,
    /// The card's 利用者証明用 certificate (DER), base64.
    #[serde(default)]
    pub certificate: String,
    /// The card's signature (256 bytes for RSA-2048), base64.
    #[serde(default)]
    pub signature: String,
    /// 資格確認日, `YYYY-MM-DD`; today when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub qualification_date: String,
    /// 診療区分 (OQSCD028 code), as the inquiry carries it; 外来 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment: Option<String>,
    #[serde(default)]
    pub consents: ConsentChoices,
}
