//! `POST /qualifications`: the single inquiry by insurance-card data, and the `record` step every
//! qualification result goes through (inquiries, reader visits, and later the folder bridge).

use serde_json::json;

use crate::{
    account::Action,
    codes::{CodeTable, ReferenceClassification},
    contract::Request,
    dispatch::{Cx, Fail, Handled, caller, xml_body, xml_response},
    domain::{Inquiry, QualificationResult},
    store::{CardKey, Change, EventKind, HistoryRecord, ViewingConsent},
    time::Timestamp,
    wire::{self, Encoding},
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
    let login_id = caller.acting_user(cx, request)?;
    record(cx, &result, &login_id, None)?;
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
    let xml = result.to_wire().encode(Encoding::Utf8).map_err(|e| {
        Fail::from(
            crate::contract::Problem::new(crate::contract::ProblemCode::Internal)
                .with_detail(e.to_string()),
        )
    })?;
    let classification = result
        .info
        .classification
        .clone()
        .unwrap_or(ReferenceClassification::InsuranceCard);
    let validity = result.answer.validity.as_ref().map(|v| v.code().to_owned());
    cx.change(Change::AppendHistory(HistoryRecord {
        id,
        at: cx.now,
        login_id: login_id.to_owned(),
        reader_id: reader_id.map(str::to_owned),
        classification: classification.code().to_owned(),
        validity: validity.clone(),
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
        // UTF-8 in, UTF-8 out: the encoder wrote valid UTF-8.
        result_xml: Some(String::from_utf8_lossy(&xml).into_owned()),
    }));
    cx.event(
        EventKind::Qualification,
        json!({
            "history_id": id,
            "classification": classification.code(),
            "validity": validity,
            "reader_id": reader_id,
        }),
    )?;
    Ok(id)
}
