//! `POST /qualifications`: the single inquiry by insurance-card data, and the `record` step every
//! qualification result goes through (inquiries, reader visits, and later the folder bridge).

use serde_json::json;

use crate::{
    account::Action,
    contract::Request,
    dispatch::{Cx, Fail, Handled, caller, utf8_message, xml_body, xml_response},
    domain::{Inquiry, QualificationResult},
    store::{CardKey, Change, EventKind, HistoryRecord},
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
    let reference = cx
        .read
        .reference(&CardKey::of(&inquiry.search.card))?
        .map(|r| r.reference_number);
    let context = cx.answer_context(&institution.code, reference);
    let result = cx.national.answer_inquiry(&inquiry, &findings.0, &context);
    record(cx, &result, &caller.account.user_id, None)?;
    xml_response(&result.to_wire(), encoding)
}

/// The `record` step: keeps the result in history with its list columns, and tells the live feed.
pub(super) fn record(
    cx: &mut Cx<'_>,
    result: &QualificationResult,
    login_id: &str,
    reader_id: Option<&str>,
) -> Result<u64, Fail> {
    let id = cx.history_id()?;
    // The simulator's answer is exactly its wire form, kept in UTF-8 (which carries everything).
    let message = utf8_message(&result.to_wire())?.into_bytes();
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
