//! 医療情報閲覧 (S12): the patients whose viewing consents are open (within 24 hours, seed 001), and
//! their 薬剤情報 (`YZKsiquc01req`) and 特定健診情報 (`TKKsiquc01req`) as XML results.

use std::collections::HashSet;

use crate::{
    account::Action,
    codes::{CodeTable, Sex},
    contract::{
        Request, Response,
        groups::{CardFields, ViewablePatient, ViewablePatients},
    },
    dispatch::{
        Audit, Caller, Cx, Fail, Handled, caller, coded,
        exchange::{self, Ask},
        xml_body, xml_response,
    },
    domain::{
        Card, Findings, InsurerNumber,
        convert::{text, wire_date},
        medical::{CheckupReport, DrugHistory, MedicalPatient, MedicalRequest},
    },
    exchange::{Expectation, MedicalKind, PatientKeys},
    simulator::error_codes,
    store::{CardKey, ExchangePurpose, HistoryRecord, ViewingConsent},
    time::Rfc3339,
    wire,
    wire::Encoding,
};

/// `ResultCode` of a drug or checkup result: 1 on success (one peer). Ours otherwise: 2.
const RESULT_OK: &str = "1";
const RESULT_REFUSED: &str = "2";

pub(super) fn patients(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::MedicalInfo)?;
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    // Newest first; a patient seen twice is listed once, by the latest result.
    for h in cx.read.history_viewable_at(cx.now)? {
        let key = (h.insurer_number.clone(), h.number.clone(), h.branch.clone());
        let Some(viewing) = h.viewing.clone() else {
            continue;
        };
        if seen.insert(key) {
            items.push(patient(&h, &viewing));
        }
    }
    Ok(Response::json(200, &ViewablePatients { items }))
}

fn patient(h: &HistoryRecord, viewing: &ViewingConsent) -> ViewablePatient {
    ViewablePatient {
        history_id: h.id,
        confirmed_at: Rfc3339(h.at),
        name: h.name.clone(),
        kana: h.kana.clone(),
        birthdate: h.birthdate,
        sex: h.sex.as_deref().map(|s| coded(&Sex::from_code(s))),
        card: CardFields {
            insurer_number: h.insurer_number.clone().unwrap_or_default(),
            symbol: h.symbol.clone(),
            number: h.number.clone().unwrap_or_default(),
            branch: h.branch.clone(),
        },
        pharmacists: viewing.pharmacists,
        diagnosis: viewing.diagnosis,
        operation: viewing.operation,
        checkups: viewing.checkups,
        available_until: Rfc3339(viewing.until),
    }
}

/// What a drug or checkup request is answered with: the refusal, or the person it is about.
enum Subject {
    Refused(String),
    Person(MedicalPatient, String),
}

/// The history record whose consents let the request through, or why there is none: the request
/// must read, be this institution's, and name a card whose patient consented within 24 hours.
fn consenting(
    cx: &Cx<'_>,
    message: &wire::MedicalInfoRequest,
    allowed: impl Fn(&ViewingConsent) -> bool,
) -> Result<Result<HistoryRecord, String>, Fail> {
    let mut findings = Findings::default();
    let request = MedicalRequest::from_wire(message, &mut findings);
    let institution = cx.institution()?;
    if cx.through_files() {
        // Through the share, a request the national side would refuse is refused here at once.
        exchange::refuse_before_share(
            &findings,
            request.institution_code.as_deref(),
            &institution.code,
        )?;
    }
    if request.institution_code.as_deref() != Some(institution.code.as_str()) {
        return Ok(Err(format!(
            "{}: {}",
            error_codes::WRONG_INSTITUTION,
            crate::catalogue::INSTITUTION_CODE_MISMATCH
        )));
    }
    if !findings.0.is_empty() {
        let details: String = findings.0.iter().map(|f| f.message()).collect();
        return Ok(Err(format!(
            "{}: 照会内容に誤りがあります。{details}",
            error_codes::INVALID_REQUEST
        )));
    }
    let wanted = CardKey::of(&request.card);
    // The consent is the patient's own: every part of the card must be the one the patient showed
    // (a family shares insurer, 記号 and 番号 and differs in 枝番), and the answer is about the person
    // of that check, identified by the birthdate it recorded.
    let consenting = cx
        .read
        .history_viewable_at(cx.now)?
        .into_iter()
        .filter(|h| h.viewing.as_ref().is_some_and(&allowed))
        .find(|h| CardKey::of(&history_card(h)) == wanted);
    Ok(consenting.ok_or_else(|| crate::catalogue::MEDICAL_NO_CONSENT.to_owned()))
}

/// Whom the simulated national side answers about: the person of the consented check.
fn subject(
    cx: &Cx<'_>,
    message: &wire::MedicalInfoRequest,
    allowed: impl Fn(&ViewingConsent) -> bool,
) -> Result<Subject, Fail> {
    let consenting = match consenting(cx, message, allowed)? {
        Ok(record) => record,
        Err(reason) => return Ok(Subject::Refused(reason)),
    };
    Ok(
        match cx
            .national
            .find(&history_card(&consenting), consenting.birthdate)
        {
            Some(p) => Subject::Person(
                MedicalPatient {
                    name: Some(p.name.to_owned()),
                    kana: Some(p.kana.to_owned()),
                    birthdate: Some(p.birthdate),
                    sex: Some(p.sex.clone()),
                },
                p.id.to_owned(),
            ),
            None => Subject::Refused(crate::catalogue::MEDICAL_NO_PATIENT.to_owned()),
        },
    )
}

/// Asks the national side through its files, once the request has passed every check here: the
/// answer must then be about the patient of the consented check, or it is refused. The
/// exchange ends the dispatch (as its `Fail`); a request with no consent here gets the reason it is
/// refused with, as the simulated side refuses it, and never reaches the share.
fn ask_files(
    cx: &mut Cx<'_>,
    message: &wire::MedicalInfoRequest,
    encoding: Encoding,
    medical: MedicalKind,
    caller: Caller,
) -> Result<String, Fail> {
    let allowed = |v: &ViewingConsent| match medical {
        MedicalKind::Drugs => v.pharmacists || v.diagnosis,
        MedicalKind::Checkups => v.checkups,
    };
    let consenting = match consenting(cx, message, allowed)? {
        Ok(record) => record,
        Err(reason) => return Ok(reason),
    };
    let (Some(name), Some(birthdate)) = (consenting.name.as_deref(), consenting.birthdate) else {
        // Without them no answer could be checked to be this patient's.
        return Ok(crate::catalogue::MEDICAL_NO_PATIENT.to_owned());
    };
    let patient = PatientKeys::new(name, birthdate);
    let prefix = match medical {
        MedicalKind::Drugs => wire::MedicalInfoKind::Drugs.request_prefix(),
        MedicalKind::Checkups => wire::MedicalInfoKind::Checkups.request_prefix(),
    };
    let ask = Ask {
        prefix,
        purpose: ExchangePurpose::MedicalInfo,
        audit: Audit {
            user: caller.account.user_id,
            claimed_by: None,
        },
    };
    Err(exchange::begin(cx, ask, |file_identifier| {
        let bytes = exchange::stamped(message, encoding, file_identifier)?;
        Ok((bytes, Expectation::MedicalInfo { medical, patient }))
    }))
}

/// The card a history record was checked with.
fn history_card(record: &crate::store::HistoryRecord) -> Card {
    Card {
        insurer_number: record
            .insurer_number
            .as_deref()
            .map(InsurerNumber::from_wire),
        symbol: record.symbol.clone(),
        number: record.number.clone(),
        branch: record.branch.clone(),
    }
}

pub(super) fn drugs(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::MedicalInfo)?;
    let (message, encoding) = xml_body::<
        wire::MedicalInfoRequestHeader,
        wire::MedicalInfoRequestBody,
    >(request, cx.config.body_limit)?;
    let subject = if cx.through_files() {
        Subject::Refused(ask_files(
            cx,
            &message,
            encoding,
            MedicalKind::Drugs,
            caller,
        )?)
    } else {
        subject(cx, &message, |v| v.pharmacists || v.diagnosis)?
    };
    let (patient, body, result_code, contents) = match subject {
        Subject::Refused(reason) => (
            None,
            wire::DrugResultBody::default(),
            RESULT_REFUSED,
            Some(reason),
        ),
        Subject::Person(patient, id) => {
            let (dispensings, _) = cx.national.medical(&id);
            let history = DrugHistory {
                patient: patient.clone(),
                dispensings,
            };
            (Some(patient), history.to_wire_body(), RESULT_OK, None)
        }
    };
    let answer = wire::DrugResult {
        header: wire::DrugResultHeader {
            process_execution_time: Some(cx.local_now().format("%Y%m%d%H%M%S").to_string()),
            medical_institution_code: text(&message.header.medical_institution_code),
            arbitrary_file_identifier: text(&message.header.arbitrary_file_identifier),
            character_code_identifier: Some(String::new()),
            patient: patient.map(|p| wire::DrugPatient {
                name: p.name,
                kana_name: p.kana,
                birth: wire_date(&p.birthdate),
                gender: p.sex.map(|s| s.code().to_owned()),
            }),
            result_code: Some(result_code.to_owned()),
            message_contents: contents,
        },
        body,
    };
    xml_response(&answer, encoding)
}

pub(super) fn checkups(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::MedicalInfo)?;
    let (message, encoding) = xml_body::<
        wire::MedicalInfoRequestHeader,
        wire::MedicalInfoRequestBody,
    >(request, cx.config.body_limit)?;
    let subject = if cx.through_files() {
        Subject::Refused(ask_files(
            cx,
            &message,
            encoding,
            MedicalKind::Checkups,
            caller,
        )?)
    } else {
        subject(cx, &message, |v| v.checkups)?
    };
    let (patient, body, result_code, contents) = match subject {
        Subject::Refused(reason) => (
            None,
            wire::CheckupResultBody::default(),
            RESULT_REFUSED,
            Some(reason),
        ),
        Subject::Person(patient, id) => {
            let (_, checkups) = cx.national.medical(&id);
            let report = CheckupReport {
                patient: patient.clone(),
                checkups,
            };
            (Some(patient), report.to_wire_body(), RESULT_OK, None)
        }
    };
    let answer = wire::CheckupResult {
        header: wire::CheckupResultHeader {
            process_execution_time: Some(cx.local_now().format("%Y%m%d%H%M%S").to_string()),
            medical_institution_code: text(&message.header.medical_institution_code),
            arbitrary_file_identifier: text(&message.header.arbitrary_file_identifier),
            character_code_identifier: Some(String::new()),
            patient: patient.map(|p| wire::CheckupPatient {
                name: p.name,
                kana_name: p.kana,
                birthday: wire_date(&p.birthdate),
                gender: p.sex.map(|s| s.code().to_owned()),
            }),
            result_code: Some(result_code.to_owned()),
            message_contents: contents,
        },
        body,
    };
    xml_response(&answer, encoding)
}
