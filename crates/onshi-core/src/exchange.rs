//! The national side's file interface as rules (decisions.md D3, docs/interface.md §1): how a
//! request file is named and marked, and what an answer file must show before it is taken as the
//! answer to that request. The reference endpoint's folder bridge moves the bytes; everything it
//! decides about them is decided here, so it is host-tested like the rest of the core.
//!
//! # Names
//!
//! A request file is `<prefix>_<YYYYMMDD><4-digit sequence>.xml` (the Tokyo day), e.g.
//! `OQSsiquc01req_202612070001.xml`; its answer has the same base name with `req` turned into `res`
//! (`.xml`, `.err` for an error, `.pdf` for a drug or checkup answer asked for as a PDF). The
//! sequence comes from the store, so two requests never share a name, across restarts too; a name
//! another writer of the share (the レセコン) has used is skipped.
//!
//! # Matching an answer to its request
//!
//! An answer is found by its file name, and then checked by content. Every request file carries an
//! `ArbitraryFileIdentifier` of its own ([`file_identifier`]); the rule per kind:
//!
//! - 資格確認照会 (`OQSsiquc01res`): it must echo the request's search keys
//!   (`QualificationConfirmSearchInfo`: 保険者番号, 記号, 番号, 枝番, 生年月日, compared as card data is),
//!   and an `ArbitraryFileIdentifier` it carries must be the request's.
//! - 照会番号登録 (`OQSsiimm01res`): its `ArbitraryFileIdentifier` and its 照会番号 must be the
//!   request's.
//! - A bulk receipt (`…01res`): its `ArbitraryFileIdentifier` must be the upload's.
//! - A bulk result (`…02res`): its 受付番号 (`ReceptionNumber`) must be the one asked for.
//! - 薬剤情報 and 特定健診情報 (`YZK…res`, `TKK…res`), which carry only the patient's name and birth
//!   date (oqs-interface.md §9): a result about a patient must name the patient of the consented
//!   history record the request was made for (name compared with [`text::name_key`], birth date
//!   exactly); an answer that names no patient must carry no information either (a refusal). A PDF
//!   is matched by its name only.
//!
//! Anything else — another message, another patient, a missing echo — is a [`Mismatch`]: the answer is
//! refused, never shown and never recorded.
//!
//! # Files that do not read
//!
//! [`Unreadable`] sorts a file that does not decode into reasons staff can act on. A file is taken for
//! encrypted (the terminal's 連携アプリ can encrypt files per name prefix,
//! docs/interface.md §1) by a stated rule, [`looks_encrypted`]: it does not start with `<`
//! (after a byte order mark and white space), and it is not text in UTF-8 or Shift_JIS. The same
//! bytes would be a broken file, so every message about it names both causes.

use chrono::NaiveDate;
use encoding_rs::SHIFT_JIS;
use serde::{Deserialize, Serialize};

use crate::{
    codes::{ProcessingResultStatus, SegmentOfResult},
    domain::convert::code,
    random::Random,
    store::CardKey,
    text,
    wire::{self, DecodeError},
};

/// The largest sequence a day's names can carry (four digits).
pub const SEQUENCE_MAX: u32 = 9999;

/// A request file's base name (without `.xml`): `<prefix>_<YYYYMMDD><NNNN>`.
pub fn request_name(prefix: &str, day: NaiveDate, sequence: u32) -> String {
    format!("{prefix}_{}{sequence:04}", day.format("%Y%m%d"))
}

/// The base name of the answers to a request file: its prefix's `req` turned into `res`.
pub fn answer_name(request_name: &str) -> String {
    request_name.replacen("req", "res", 1)
}

/// The name prefix of a file of the share: the message code before the first `_`, with `_face` for
/// the face reader's results (`OQSsiquc01res_face`). Encryption is set per prefix.
pub fn prefix_of(file_name: &str) -> &str {
    let Some((code, rest)) = file_name.split_once('_') else {
        return file_name.split('.').next().unwrap_or(file_name);
    };
    if rest.starts_with("face_") {
        &file_name[..code.len() + "_face".len()]
    } else {
        code
    }
}

/// The `ArbitraryFileIdentifier` of a request file: the exchange's id, which no other request file
/// of this endpoint has, and random hex, so that a file left over from another endpoint or a restored
/// database never matches by accident. 29 ASCII letters and digits, within the interface's 50.
pub fn file_identifier(exchange_id: u64, random: &mut dyn Random) -> String {
    let mut bytes = [0u8; 8];
    random.fill(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("O{exchange_id:012}{hex}")
}

/// What an answer must show to be the answer to its request; kept with the exchange, so that a late
/// answer is checked after a restart as it would have been at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expectation {
    /// `OQSsiquc01res`.
    Qualification {
        file_identifier: String,
        search: SearchKeys,
    },
    /// `OQSsiimm01res`.
    ReferenceNumber {
        file_identifier: String,
        reference_number: String,
    },
    /// A bulk upload's receipt (`…01res`).
    BulkReceipt { file_identifier: String },
    /// A bulk result (`…02res`): registration units for 照会番号一括登録, else inquiry units.
    BulkResult {
        reception_number: String,
        #[serde(default)]
        registrations: bool,
    },
    /// A drug or checkup answer.
    MedicalInfo {
        medical: MedicalKind,
        patient: PatientKeys,
    },
}

/// Which medical information (the two answer shapes differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedicalKind {
    Drugs,
    Checkups,
}

/// The search keys of a qualification inquiry, compared as card data is: 保険者番号 by its digits,
/// 記号, 番号 and 枝番 by [`text::number_key`], the birth date as `YYYYMMDD`; absent is empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchKeys {
    pub card: CardKey,
    pub birthdate: String,
}

impl SearchKeys {
    pub fn of(search: &wire::SearchInfo) -> SearchKeys {
        let key = |v: &Option<String>| v.as_deref().map(text::number_key).unwrap_or_default();
        SearchKeys {
            card: CardKey {
                // The wire pads a 6-digit number with spaces; the digits are what identify it.
                insurer: key(&search.insurer_number),
                symbol: key(&search.insured_card_symbol),
                number: key(&search.insured_identification_number),
                branch: key(&search.insured_branch_number),
            },
            birthdate: key(&search.birthdate),
        }
    }
}

/// Whom a drug or checkup answer must be about: the consented history record's patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientKeys {
    /// The name's [`text::name_key`].
    pub name: String,
    /// `YYYYMMDD`.
    pub birthdate: String,
}

impl PatientKeys {
    pub fn new(name: &str, birthdate: NaiveDate) -> PatientKeys {
        PatientKeys {
            name: text::name_key(name),
            birthdate: birthdate.format("%Y%m%d").to_string(),
        }
    }
}

/// Why an answer file is not the answer to its request. The texts name what differs, never the
/// values: they are logged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("the answer file does not read ({reason}): {detail}")]
    Unreadable { reason: Unreadable, detail: String },
    #[error("the answer lacks {element}, which must match the request")]
    Missing { element: &'static str },
    #[error("the answer's {element} is not the request's")]
    Differs { element: &'static str },
    #[error("the answer is about another patient (its {element} differs)")]
    OtherPatient { element: &'static str },
    #[error("a PDF came where an XML message was asked for")]
    UnexpectedPdf,
}

/// Why a file of the share does not read, in terms staff can act on (the app words each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreadable {
    /// Not text at all: encrypted by the terminal, or broken ([`looks_encrypted`]).
    Encrypted,
    /// Text whose bytes do not match the encoding it declares (e.g. Shift_JIS declared as UTF-8 by
    /// `CharacterCodeIdentifier` 0).
    Encoding,
    /// Text, but not a whole XML document (cut short, or damaged).
    Broken,
    /// An XML document, but not the message expected (another root, a DOCTYPE).
    NotAMessage,
    /// Larger than the endpoint reads from the share.
    TooLarge,
}

impl Unreadable {
    pub fn as_str(self) -> &'static str {
        match self {
            Unreadable::Encrypted => "encrypted",
            Unreadable::Encoding => "encoding",
            Unreadable::Broken => "broken",
            Unreadable::NotAMessage => "not_a_message",
            Unreadable::TooLarge => "too_large",
        }
    }

    /// Sorts a decoding failure of `bytes`.
    pub fn of(bytes: &[u8], error: &DecodeError) -> Unreadable {
        if looks_encrypted(bytes) {
            return Unreadable::Encrypted;
        }
        match error {
            DecodeError::TooLarge { .. } => Unreadable::TooLarge,
            DecodeError::UnsupportedEncoding { .. }
            | DecodeError::EncodingConflict { .. }
            | DecodeError::InvalidBytes { .. }
            | DecodeError::CharacterCodeMismatch { .. } => Unreadable::Encoding,
            DecodeError::Empty
            | DecodeError::TooDeep { .. }
            | DecodeError::TooManyElements { .. }
            | DecodeError::MultipleRoots
            | DecodeError::Malformed { .. } => Unreadable::Broken,
            DecodeError::DoctypeRefused
            | DecodeError::UndefinedEntity { .. }
            | DecodeError::NotXmlMsg { .. } => Unreadable::NotAMessage,
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a face reader's result file does not read, or `None` when it is a result message (`bytes`:
/// its first bytes, at most [`wire::MESSAGE_LIMIT`] and one more).
pub fn unreadable_face(bytes: &[u8]) -> Option<(Unreadable, DecodeError)> {
    wire::QualificationResult::decode_with_encoding(bytes, wire::MESSAGE_LIMIT)
        .err()
        .map(|error| (Unreadable::of(bytes, &error), error))
}

/// Whether a file that does not decode may only be cut short — still being written — so that more
/// bytes could make it whole: it ends too early, or its bytes go wrong only at the very end (a
/// character cut in two). Any other failure is the file's final form.
pub fn cut_short(bytes: &[u8], error: &DecodeError) -> bool {
    match error {
        DecodeError::Empty | DecodeError::Malformed { .. } => true,
        DecodeError::InvalidBytes { offset, .. } => offset.saturating_add(4) >= bytes.len(),
        _ => false,
    }
}

/// The rule for a file the terminal encrypted (or a broken one; the bytes cannot tell): after an
/// optional byte order mark and white space it does not start with `<`, and it is not text — not
/// UTF-8, nor Shift_JIS, without control characters other than tab and line breaks. Empty files are
/// not counted: they are files still being written.
pub fn looks_encrypted(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start {
        None => false,
        Some(at) if body[at] == b'<' => false,
        Some(_) => !is_text(body),
    }
}

/// Whether the bytes are text in UTF-8 or Shift_JIS; a character cut in two at the very end (the
/// bytes may be a file's first part only) does not count against them.
fn is_text(bytes: &[u8]) -> bool {
    let plain = |s: &str| {
        s.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
    };
    match std::str::from_utf8(bytes) {
        Ok(s) => plain(s),
        Err(e) if e.error_len().is_none() => {
            plain(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => {
            let shift_jis = |bytes: &[u8]| {
                let (decoded, had_errors) = SHIFT_JIS.decode_without_bom_handling(bytes);
                !had_errors && plain(&decoded)
            };
            shift_jis(bytes) || shift_jis(&bytes[..bytes.len().saturating_sub(1)])
        }
    }
}

/// Checks an XML answer file against what its request expects (the rules of the module's header).
pub fn verify(expect: &Expectation, bytes: &[u8]) -> Result<(), Mismatch> {
    accept(expect, bytes).map(|_| ())
}

/// What an answer that is its request's says, as the `record` step needs it: read once, by the
/// check that accepted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
    Qualification(Box<wire::QualificationResult>),
    /// Whether the national side registered the 照会番号 (ProcessingResultStatus 1).
    Registration {
        registered: bool,
    },
    Receipt {
        reception_number: Option<String>,
    },
    /// Whether the job is processed (SegmentOfResult 1), and how many units its result holds.
    BulkResult {
        complete: bool,
        units: usize,
    },
    MedicalInfo,
}

/// [`verify`], keeping what the answer says.
pub fn accept(expect: &Expectation, bytes: &[u8]) -> Result<Accepted, Mismatch> {
    match expect {
        Expectation::Qualification {
            file_identifier,
            search,
        } => {
            let message = decode::<wire::QualificationResult>(bytes, wire::MESSAGE_LIMIT)?;
            identifier_if_present(&message.header.arbitrary_file_identifier, file_identifier)?;
            let echo = message.body.search.as_ref().ok_or(Mismatch::Missing {
                element: "QualificationConfirmSearchInfo",
            })?;
            let echoed = SearchKeys::of(echo);
            let fields = [
                ("InsurerNumber", &echoed.card.insurer, &search.card.insurer),
                (
                    "InsuredCardSymbol",
                    &echoed.card.symbol,
                    &search.card.symbol,
                ),
                (
                    "InsuredIdentificationNumber",
                    &echoed.card.number,
                    &search.card.number,
                ),
                (
                    "InsuredBranchNumber",
                    &echoed.card.branch,
                    &search.card.branch,
                ),
                ("Birthdate", &echoed.birthdate, &search.birthdate),
            ];
            for (element, got, wanted) in fields {
                if got != wanted {
                    return Err(Mismatch::Differs { element });
                }
            }
            Ok(Accepted::Qualification(Box::new(message)))
        }
        Expectation::ReferenceNumber {
            file_identifier,
            reference_number,
        } => {
            let message = decode::<wire::ReferenceResult>(bytes, wire::MESSAGE_LIMIT)?;
            identifier_required(&message.header.arbitrary_file_identifier, file_identifier)?;
            let number = message
                .body
                .registration
                .as_ref()
                .and_then(|r| r.reference_number.as_deref())
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or(Mismatch::Missing {
                    element: "ReferenceNumber",
                })?;
            if number != reference_number {
                return Err(Mismatch::Differs {
                    element: "ReferenceNumber",
                });
            }
            let registered = code::<ProcessingResultStatus>(&message.body.processing_result_status)
                == Some(ProcessingResultStatus::Completed);
            Ok(Accepted::Registration { registered })
        }
        Expectation::BulkReceipt { file_identifier } => {
            let message = decode::<wire::BulkReceipt>(bytes, wire::MESSAGE_LIMIT)?;
            identifier_required(&message.header.arbitrary_file_identifier, file_identifier)?;
            Ok(Accepted::Receipt {
                reception_number: trimmed(&message.body.reception_number).map(str::to_owned),
            })
        }
        Expectation::BulkResult {
            reception_number,
            registrations,
        } => {
            // Both result shapes share the header; the units are counted by shape.
            let (header, units) = if *registrations {
                let message = decode::<wire::BulkReferenceResult>(bytes, wire::BULK_LIMIT)?;
                (message.header, message.body.units.len())
            } else {
                let message = decode::<wire::BulkResult>(bytes, wire::BULK_LIMIT)?;
                (message.header, message.body.units.len())
            };
            let number = trimmed(&header.reception_number).ok_or(Mismatch::Missing {
                element: "ReceptionNumber",
            })?;
            if number != reception_number {
                return Err(Mismatch::Differs {
                    element: "ReceptionNumber",
                });
            }
            let complete = code::<SegmentOfResult>(&header.segment_of_result)
                == Some(SegmentOfResult::Completed);
            Ok(Accepted::BulkResult { complete, units })
        }
        Expectation::MedicalInfo { medical, patient } => {
            let named = match medical {
                MedicalKind::Drugs => {
                    let message = decode::<wire::DrugResult>(bytes, wire::BULK_LIMIT)?;
                    let informs = !message.body.months.is_empty()
                        || message.body.dispensing.is_some()
                        || message.body.prescriptions.is_some();
                    let named = message
                        .header
                        .patient
                        .map(|p| (p.name, p.birth))
                        .filter(|(name, birth)| name.is_some() || birth.is_some());
                    (named, informs)
                }
                MedicalKind::Checkups => {
                    let message = decode::<wire::CheckupResult>(bytes, wire::BULK_LIMIT)?;
                    let informs = !message.body.checkups.is_empty();
                    let named = message
                        .header
                        .patient
                        .map(|p| (p.name, p.birthday))
                        .filter(|(name, birth)| name.is_some() || birth.is_some());
                    (named, informs)
                }
            };
            match named {
                // A refusal names no one and carries nothing.
                (None, false) => Ok(Accepted::MedicalInfo),
                (None, true) => Err(Mismatch::Missing { element: "Name" }),
                (Some((name, birth)), _) => {
                    let name = name.as_deref().map(text::name_key).unwrap_or_default();
                    if name != patient.name {
                        return Err(Mismatch::OtherPatient { element: "Name" });
                    }
                    let birth = birth.as_deref().map(str::trim).unwrap_or_default();
                    if birth != patient.birthdate {
                        return Err(Mismatch::OtherPatient { element: "Birth" });
                    }
                    Ok(Accepted::MedicalInfo)
                }
            }
        }
    }
}

/// Whether a PDF answer may stand for the request (a drug or checkup answer, matched by name).
pub fn accepts_pdf(expect: &Expectation) -> bool {
    matches!(expect, Expectation::MedicalInfo { .. })
}

fn decode<M>(bytes: &[u8], limit: usize) -> Result<M, Mismatch>
where
    M: DecodeMessage,
{
    M::decode_message(bytes, limit).map_err(|error| Mismatch::Unreadable {
        reason: Unreadable::of(bytes, &error),
        detail: error.to_string(),
    })
}

/// The messages an answer can be, decoded with a limit.
trait DecodeMessage: Sized {
    fn decode_message(bytes: &[u8], limit: usize) -> Result<Self, DecodeError>;
}

impl<H, B> DecodeMessage for wire::Message<H, B>
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    fn decode_message(bytes: &[u8], limit: usize) -> Result<Self, DecodeError> {
        wire::Message::decode_with_limit(bytes, limit)
    }
}

fn trimmed(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An identifier the answer must carry, equal to the request's.
fn identifier_required(got: &Option<String>, wanted: &str) -> Result<(), Mismatch> {
    match trimmed(got) {
        None => Err(Mismatch::Missing {
            element: "ArbitraryFileIdentifier",
        }),
        Some(got) if got == wanted => Ok(()),
        Some(_) => Err(Mismatch::Differs {
            element: "ArbitraryFileIdentifier",
        }),
    }
}

/// An identifier the answer may carry; when it does, it must be the request's.
fn identifier_if_present(got: &Option<String>, wanted: &str) -> Result<(), Mismatch> {
    match trimmed(got) {
        Some(got) if got != wanted => Err(Mismatch::Differs {
            element: "ArbitraryFileIdentifier",
        }),
        _ => Ok(()),
    }
}
