//! `POST /qualifications`: the single inquiry by insurance-card data, and the `record` step every
//! qualification result goes through (inquiries, reader visits, and later the folder bridge).

use serde_json::json;

use crate::{
    account::Action,
    contract::{Request, Response},
    dispatch::{
        Audit, Cx, Fail, Handled, caller,
        exchange::{self, Ask},
        utf8_message, xml_body, xml_passthrough, xml_response,
    },
    domain::{Inquiry, QualificationResult},
    exchange::{Expectation, SearchKeys, Unreadable},
    store::{CardKey, Change, EventKind, ExchangePurpose, FaceFileRecord, HistoryRecord},
    wire,
};

/// Answers an `OQSsiquc01req` from the national side and records the result.
pub(super) fn inquire(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::QualificationInquiry)?;
    let (message, encoding) = xml_body::<wire::RequestHeader, wire::QualificationRequestBody>(
        request,
        cx.config.body_limit,
    )?;
    let (inquiry, findings) = Inquiry::from_wire(&message);
    let institution = cx.institution()?;
    if cx.through_files() {
        exchange::refuse_before_share(
            &findings,
            message.header.medical_institution_code.as_deref(),
            &institution.code,
        )?;
        let search = SearchKeys::of(&message.body.search.clone().unwrap_or_default());
        let ask = Ask {
            prefix: "OQSsiquc01req",
            purpose: ExchangePurpose::Inquiry,
            audit: Audit {
                user: caller.account.user_id,
                claimed_by: None,
            },
        };
        return Err(exchange::begin(cx, ask, |file_identifier| {
            let bytes = exchange::stamped(&message, encoding, file_identifier)?;
            let expect = Expectation::Qualification {
                file_identifier: file_identifier.to_owned(),
                search,
            };
            Ok((bytes, expect))
        }));
    }
    let reference = cx
        .read
        .reference(&CardKey::of(&inquiry.search.card))?
        .map(|r| r.reference_number);
    let context = cx.answer_context(&institution.code, reference);
    let result = cx.national.answer_inquiry(&inquiry, &findings.0, &context);
    let id = record(cx, &result, &caller.account.user_id, None)?;
    Ok(with_history_location(
        xml_response(&result.to_wire(), encoding)?,
        id,
    ))
}

/// Names the history entry an answer was recorded as (`Content-Location`: the same message is at
/// `GET /qualifications/{id}`), so that a terminal can keep what staff chose for it, such as the
/// items handed to the レセコン.
pub(super) fn with_history_location(mut response: Response, id: u64) -> Response {
    response.headers.set(
        "Content-Location",
        format!("{}/qualifications/{id}", crate::contract::PREFIX),
    );
    response
}

/// The national side's answer to an inquiry (checked to be its answer, as `message`): recorded, and
/// passed on exactly as it came.
pub(super) fn record_answer(
    cx: &mut Cx<'_>,
    bytes: &[u8],
    message: &wire::QualificationResult,
    login_id: &str,
) -> Handled {
    let (result, _) = QualificationResult::from_wire(message);
    let id = record_message(cx, &result, login_id, None, bytes.to_vec())?;
    Ok(with_history_location(xml_passthrough(bytes), id))
}

/// How a file of the national share's `face/` folder was taken in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaceRecorded {
    /// Recorded as this history entry (and announced as a `qualification` event).
    Recorded(u64),
    /// Taken in before (a restart reads the folder again).
    AlreadyRecorded,
    /// Not a result message that reads: remembered so that it is not read again, and announced as a
    /// `face_unreadable` event, since the patient it is about appears nowhere else.
    Unreadable { reason: Unreadable, detail: String },
}

/// Takes in a face-reader result file (decisions.md D3: new `face/` files become `qualification`
/// events): recorded once, with no user (the patient identified themself at the reader). A file that
/// does not read becomes a `face_unreadable` event with the reason, once. `bytes` are the file's
/// first bytes, at most one more than [`wire::MESSAGE_LIMIT`]: a longer file is too large to read.
pub(super) fn record_face_file(
    cx: &mut Cx<'_>,
    name: &str,
    bytes: &[u8],
) -> Result<FaceRecorded, Fail> {
    if cx.read.face_file(name)?.is_some() {
        return Ok(FaceRecorded::AlreadyRecorded);
    }
    let decoded = wire::QualificationResult::decode_with_encoding(bytes, wire::MESSAGE_LIMIT);
    let (history_id, outcome) = match decoded {
        Ok((message, _)) => {
            let (result, _) = QualificationResult::from_wire(&message);
            let id = record_message(cx, &result, "", None, bytes.to_vec())?;
            (Some(id), FaceRecorded::Recorded(id))
        }
        Err(e) => {
            // The same judgement as `exchange::unreadable_face`, which the endpoint asks first.
            let reason = Unreadable::of(bytes, &e);
            let detail = e.to_string();
            cx.event(
                EventKind::FaceUnreadable,
                json!({"file": name, "reason": reason.as_str(), "detail": detail}),
            )?;
            (None, FaceRecorded::Unreadable { reason, detail })
        }
    };
    cx.change(Change::PutFaceFile(FaceFileRecord {
        name: name.to_owned(),
        recorded_at: cx.now,
        history_id,
    }));
    Ok(outcome)
}

/// The `record` step for a result the simulator made: its wire form, in UTF-8 (which carries
/// everything), is the message as given.
pub(super) fn record(
    cx: &mut Cx<'_>,
    result: &QualificationResult,
    login_id: &str,
    reader_id: Option<&str>,
) -> Result<u64, Fail> {
    let message = utf8_message(&result.to_wire())?.into_bytes();
    record_message(cx, result, login_id, reader_id, message)
}

/// The `record` step: keeps the result in history with its list columns and the message as given,
/// and tells the live feed.
fn record_message(
    cx: &mut Cx<'_>,
    result: &QualificationResult,
    login_id: &str,
    reader_id: Option<&str>,
    message: Vec<u8>,
) -> Result<u64, Fail> {
    let id = cx.history_id()?;
    let entry = HistoryRecord::of_result(id, cx.now, login_id, reader_id, result, message);
    let classification = entry.classification.clone();
    let validity = entry.validity.clone();
    cx.change(Change::AppendHistory(entry));
    cx.event(
        EventKind::Qualification,
        json!({
            "history_id": id,
            "classification": classification,
            "validity": validity,
            "reader_id": reader_id,
        }),
    )?;
    Ok(id)
}
