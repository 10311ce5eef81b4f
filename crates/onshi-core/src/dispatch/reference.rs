//! `POST /reference-numbers`: 照会番号 registration for one patient (`OQSsiimm01req`), answered by the
//! national side and recorded so that later results for the card carry the number.

use crate::{
    account::Action,
    codes::{ProcessingResultStatus, SegmentOfResult},
    contract::Request,
    dispatch::{
        Audit, Cx, Handled, caller,
        exchange::{self, Ask},
        xml_body, xml_passthrough, xml_response,
    },
    domain::{
        Findings, Registration, ResultInfo,
        convert::{DecodeProblem, text},
        identifiers,
    },
    exchange::Expectation,
    simulator::error_codes,
    store::{CardKey, Change, ExchangePurpose, ReferenceRecord},
    wire::{self, ReferenceRegistration},
};

pub(super) fn register(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::ReferenceNumbers)?;
    let (message, encoding) =
        xml_body::<wire::RequestHeader, wire::ReferenceRequestBody>(request, cx.config.body_limit)?;
    let institution = cx.institution()?;
    let audit = caller.queued_write_audit(cx, request)?;
    let registration = message.body.registration.clone().unwrap_or_default();
    if cx.through_files() {
        let mut findings = Findings::default();
        if message.body.registration.is_none() {
            findings.push("ReferenceNumberRegistrationInfo", DecodeProblem::Missing);
        }
        let (reference_number, card) = checked(&registration, &mut findings);
        exchange::refuse_before_share(
            &findings,
            message.header.medical_institution_code.as_deref(),
            &institution.code,
        )?;
        let ask = Ask {
            prefix: "OQSsiimm01req",
            purpose: ExchangePurpose::Registration {
                card: CardKey::of(&card),
                reference_number: reference_number.clone(),
            },
            audit,
        };
        return Err(exchange::begin(cx, ask, |file_identifier| {
            let bytes = exchange::stamped(&message, encoding, file_identifier)?;
            let expect = Expectation::ReferenceNumber {
                file_identifier: file_identifier.to_owned(),
                reference_number,
            };
            Ok((bytes, expect))
        }));
    }
    let outcome = apply(
        cx,
        &registration,
        message.header.medical_institution_code.as_deref(),
        &institution.code,
        &audit,
    )?;
    let mut info = ResultInfo {
        processed_at: Some(cx.local_now()),
        institution_code: Some(institution.code.clone()),
        arbitrary_file_identifier: text(&message.header.arbitrary_file_identifier),
        segment: Some(SegmentOfResult::Completed),
        ..ResultInfo::default()
    };
    let (status, code, text_message) = match outcome {
        Ok(()) => (ProcessingResultStatus::Completed, None, None),
        Err((code, message)) => {
            info.segment = Some(SegmentOfResult::Failed);
            info.error_code = Some(code.to_owned());
            info.error_message = Some(message.clone());
            (
                ProcessingResultStatus::Error,
                Some(code.to_owned()),
                Some(message),
            )
        }
    };
    let answer = wire::ReferenceResult {
        header: info.to_wire(),
        body: wire::ReferenceResultBody {
            processing_result_status: Some(crate::codes::CodeTable::code(&status).to_owned()),
            processing_result_code: code,
            processing_result_message: text_message,
            registration: Some(registration),
        },
    };
    xml_response(&answer, encoding)
}

/// The national side's answer to a registration (checked to be its answer, which read whether it
/// registered the number): when it did, the number is recorded for the card as a registration here
/// would be; the answer is passed on as it came.
pub(super) fn record_answer(
    cx: &mut Cx<'_>,
    bytes: &[u8],
    registered: bool,
    card: &CardKey,
    reference_number: &str,
    audit: &Audit,
) -> Handled {
    if registered {
        cx.change(Change::PutReference(ReferenceRecord {
            card: card.clone(),
            reference_number: reference_number.to_owned(),
            registered_at: cx.now,
            user_id: audit.user.clone(),
            claimed_by: audit.claimed_by.clone(),
        }));
    }
    Ok(xml_passthrough(bytes))
}

/// A registration read with every finding, the 照会番号's own rules included: the number (as the
/// request file carries it, trimmed) and the card.
pub(super) fn checked(
    registration: &ReferenceRegistration,
    findings: &mut Findings,
) -> (String, crate::domain::Card) {
    let Registration {
        reference_number,
        card,
    } = Registration::from_wire(registration, findings);
    let reference_number = reference_number.unwrap_or_default();
    // A missing number is a finding already; a present one must be a 照会番号.
    if !reference_number.is_empty() && identifiers::reference_number(&reference_number).is_err() {
        findings.push(
            "ReferenceNumber",
            DecodeProblem::Unreadable {
                value: reference_number.clone(),
            },
        );
    }
    (reference_number, card)
}

/// Checks one registration and, when the national side accepts it, records it. The refusal is a
/// code and a Japanese message for the answer (the interface reports it inside the message).
pub(super) fn apply(
    cx: &mut Cx<'_>,
    registration: &ReferenceRegistration,
    institution_in_request: Option<&str>,
    institution: &str,
    audit: &Audit,
) -> Result<Result<(), (&'static str, String)>, crate::dispatch::Fail> {
    if institution_in_request.map(str::trim) != Some(institution) {
        return Ok(Err((
            error_codes::WRONG_INSTITUTION,
            crate::catalogue::INSTITUTION_CODE_MISMATCH.to_owned(),
        )));
    }
    let mut findings = Findings::default();
    let (reference, card) = checked(registration, &mut findings);
    if !findings.0.is_empty() {
        let details: String = findings.0.iter().map(|f| f.message()).collect();
        return Ok(Err((
            error_codes::INVALID_REQUEST,
            format!("登録内容に誤りがあります。{details}"),
        )));
    }
    let qualified = cx
        .national
        .find_card(&card)
        .is_some_and(|p| p.outcome != crate::codes::QualificationValidity::NoQualification);
    if !qualified {
        return Ok(Err((
            error_codes::NO_QUALIFICATION,
            "該当する資格が見つかりません。".to_owned(),
        )));
    }
    cx.change(Change::PutReference(ReferenceRecord {
        card: CardKey::of(&card),
        reference_number: reference,
        registered_at: cx.now,
        user_id: audit.user.clone(),
        claimed_by: audit.claimed_by.clone(),
    }));
    Ok(Ok(()))
}
