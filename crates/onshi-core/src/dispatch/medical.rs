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
        Cx, ExchangeKind, Fail, Handled, caller, coded, national_message, xml_body,
        xml_passthrough, xml_response,
    },
    domain::{
        Card, Findings, InsurerNumber,
        convert::{text, wire_date},
        medical::{CheckupReport, DrugHistory, MedicalPatient, MedicalRequest},
    },
    simulator::error_codes,
    store::{CardKey, HistoryRecord, ViewingConsent},
    time::Rfc3339,
    wire,
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

fn subject(
    cx: &Cx<'_>,
    message: &wire::MedicalInfoRequest,
    allowed: impl Fn(&ViewingConsent) -> bool,
) -> Result<Subject, Fail> {
    let mut findings = Findings::default();
    let request = MedicalRequest::from_wire(message, &mut findings);
    let institution = cx.institution()?;
    if request.institution_code.as_deref() != Some(institution.code.as_str()) {
        return Ok(Subject::Refused(format!(
            "{}: 医療機関コードが一致しません。",
            error_codes::WRONG_INSTITUTION
        )));
    }
    if !findings.0.is_empty() {
        let details: String = findings.0.iter().map(|f| f.message()).collect();
        return Ok(Subject::Refused(format!(
            "{}: 照会内容に誤りがあります。{details}",
            error_codes::INVALID_REQUEST
        )));
    }
    let card = request.card.clone();
    let wanted = CardKey::of(&card);
    // The consent is the patient's own: every part of the card must be the one the patient showed
    // (a family shares insurer, 記号 and 番号 and differs in 枝番), and the answer is about the person
    // of that check, identified by the birthdate it recorded.
    let consenting = cx
        .read
        .history_viewable_at(cx.now)?
        .into_iter()
        .filter(|h| h.viewing.as_ref().is_some_and(&allowed))
        .find(|h| CardKey::of(&history_card(h)) == wanted);
    let Some(consenting) = consenting else {
        return Ok(Subject::Refused(
            crate::catalogue::MEDICAL_NO_CONSENT.to_owned(),
        ));
    };
    Ok(match cx.national.find(&card, consenting.birthdate) {
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
    })
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
    caller(cx, request, Action::MedicalInfo)?;
    let (message, encoding) = xml_body::<
        wire::MedicalInfoRequestHeader,
        wire::MedicalInfoRequestBody,
    >(request, cx.config.body_limit)?;
    // Through the national side's files the national system itself checks the patient's consent.
    if let Some(answer) = cx.national_answer(ExchangeKind::Drugs, &request.body)? {
        return Ok(xml_passthrough(national_message(answer)?));
    }
    let subject = subject(cx, &message, |v| v.pharmacists || v.diagnosis)?;
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
    caller(cx, request, Action::MedicalInfo)?;
    let (message, encoding) = xml_body::<
        wire::MedicalInfoRequestHeader,
        wire::MedicalInfoRequestBody,
    >(request, cx.config.body_limit)?;
    // Through the national side's files the national system itself checks the patient's consent.
    if let Some(answer) = cx.national_answer(ExchangeKind::Checkups, &request.body)? {
        return Ok(xml_passthrough(national_message(answer)?));
    }
    let subject = subject(cx, &message, |v| v.checkups)?;
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
