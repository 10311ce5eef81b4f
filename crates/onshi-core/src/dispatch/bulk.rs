//! Bulk jobs (`POST /bulk/{kind}`, `GET /bulk/{kind}/{reception_number}`): 資格情報一括照会 and its
//! 訪問診療等・オンライン診療等・医療扶助 kinds, and 照会番号一括登録.
//!
//! The upload is answered at once with a reception number; its result is computed then too (so it
//! reflects the state at upload) but given out only after `Config::bulk_delay`, answering 処理中
//! (SegmentOfResult 2) until then, as the guides describe (seed 002). When a job becomes ready the next
//! dispatch appends a `bulk` event.

use serde_json::json;

use crate::{
    account::Action,
    codes::{CodeTable, ProcessingResultStatus, SegmentOfResult, TreatmentKind},
    contract::{FieldError, Problem, ProblemCode, Request},
    dispatch::{
        Audit, Cx, Fail, Handled, caller,
        exchange::{self, Ask},
        internal, reference, utf8_message, xml_body, xml_passthrough, xml_response,
    },
    domain::{
        Card, Findings, InsurerNumber, ResultInfo, Search,
        convert::{DecodeFinding, DecodeProblem, text},
    },
    exchange::Expectation,
    simulator::error_codes,
    store::{BulkJobRecord, CardKey, Change, EventKind, ExchangePurpose},
    wire::{self, Encoding},
};

/// The most unit findings a refused upload lists (the rest are alike, and the answer stays small).
const MAX_UNIT_ERRORS: usize = 100;

/// The contract's bulk kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Qualifications,
    ReferenceNumbers,
    HomeVisit,
    Online,
    MedicalAid,
}

impl Kind {
    fn parse(text: &str) -> Option<Kind> {
        match text {
            "qualifications" => Some(Kind::Qualifications),
            "reference-numbers" => Some(Kind::ReferenceNumbers),
            "home-visit" => Some(Kind::HomeVisit),
            "online" => Some(Kind::Online),
            "medical-aid" => Some(Kind::MedicalAid),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Kind::Qualifications => "qualifications",
            Kind::ReferenceNumbers => "reference-numbers",
            Kind::HomeVisit => "home-visit",
            Kind::Online => "online",
            Kind::MedicalAid => "medical-aid",
        }
    }

    fn action(self) -> Action {
        match self {
            Kind::ReferenceNumbers => Action::ReferenceNumbers,
            _ => Action::Bulk,
        }
    }

    /// The request file's prefix of the upload (`…01req`) or the result download (`…02req`)
    /// (oqs-interface.md §2).
    fn request_prefix(self, upload: bool) -> &'static str {
        match (self, upload) {
            (Kind::Qualifications, true) => "OQSmuquc01req",
            (Kind::Qualifications, false) => "OQSmuquc02req",
            (Kind::ReferenceNumbers, true) => "OQSmuimm01req",
            (Kind::ReferenceNumbers, false) => "OQSmuimm02req",
            (Kind::HomeVisit, true) => "OQSmuhvq01req",
            (Kind::HomeVisit, false) => "OQSmuhvq02req",
            (Kind::Online, true) => "OQSmuonq01req",
            (Kind::Online, false) => "OQSmuonq02req",
            (Kind::MedicalAid, true) => "OQSmutic01req",
            (Kind::MedicalAid, false) => "OQSmutic02req",
        }
    }

    /// The 診療区分 whose consents a date-only search lists.
    fn treatment(self) -> Option<TreatmentKind> {
        match self {
            Kind::HomeVisit => Some(TreatmentKind::HomeVisit),
            Kind::Online => Some(TreatmentKind::Online),
            _ => None,
        }
    }
}

fn unknown_kind(kind: &str) -> Fail {
    Problem::new(ProblemCode::NotFound)
        .with_detail(format!("no bulk kind {kind:?}"))
        .into()
}

/// The permission a bulk upload of this kind needs, or `None` for a kind there is not.
pub(super) fn action_of(kind_name: &str) -> Option<Action> {
    Kind::parse(kind_name).map(Kind::action)
}

pub(super) fn submit(cx: &mut Cx<'_>, request: &Request, kind_name: &str) -> Handled {
    let kind = Kind::parse(kind_name).ok_or_else(|| unknown_kind(kind_name))?;
    let caller = caller(cx, request, kind.action())?;
    let institution = cx.institution()?;
    // Only 照会番号 uploads are queued by the outbox (D4); other kinds are the caller's own.
    let audit = if kind == Kind::ReferenceNumbers {
        caller.queued_write_audit(cx, request)?
    } else {
        Audit {
            user: caller.account.user_id.clone(),
            claimed_by: None,
        }
    };
    let limit = cx.config.bulk_body_limit;
    if cx.through_files() {
        return Err(ask_upload(cx, request, kind, &institution.code, audit));
    }
    // A refused upload stores no job, so its number is simply given to the next one.
    let reception_number = format!(
        "{}{:06}",
        cx.now.jst().format("%Y%m%d"),
        cx.read.bulk_job_count()? + 1
    );
    let target = Target {
        institution: &institution.code,
        reception_number: &reception_number,
    };
    // Both upload shapes share the header; only the body differs.
    let (header, encoding, built) = if kind == Kind::ReferenceNumbers {
        let (message, encoding) =
            xml_body::<wire::RequestHeader, wire::BulkReferenceRequestBody>(request, limit)?;
        let built = reference_units(cx, &message, &target, &audit)?;
        (message.header, encoding, built)
    } else {
        let (message, encoding) =
            xml_body::<wire::RequestHeader, wire::BulkRequestBody>(request, limit)?;
        let built = search_units(cx, kind, &message, &target)?;
        (message.header, encoding, built)
    };
    let mut receipt = ResultInfo {
        processed_at: Some(cx.local_now()),
        institution_code: Some(institution.code.clone()),
        arbitrary_file_identifier: text(&header.arbitrary_file_identifier),
        segment: Some(SegmentOfResult::Completed),
        ..ResultInfo::default()
    };
    let refusal = if header.medical_institution_code.as_deref().map(str::trim)
        != Some(institution.code.as_str())
    {
        Some((
            error_codes::WRONG_INSTITUTION,
            crate::catalogue::INSTITUTION_CODE_MISMATCH,
        ))
    } else if built.units == 0 && built.nothing_to_look_up {
        Some((error_codes::EMPTY_BULK, "照会対象がありません。"))
    } else {
        None
    };
    let body = match refusal {
        Some((code, message)) => {
            receipt.segment = Some(SegmentOfResult::Failed);
            receipt.error_code = Some(code.to_owned());
            receipt.error_message = Some(message.to_owned());
            wire::BulkReceiptBody {
                processing_result_status: Some(ProcessingResultStatus::Error.code().to_owned()),
                processing_result_code: Some(code.to_owned()),
                processing_result_message: Some(message.to_owned()),
                ..wire::BulkReceiptBody::default()
            }
        }
        None => {
            for change in built.changes {
                cx.change(change);
            }
            cx.change(Change::PutBulkJob(BulkJobRecord {
                reception_number: reception_number.clone(),
                kind: kind.as_str().to_owned(),
                user_id: audit.user,
                claimed_by: audit.claimed_by,
                created_at: cx.now,
                ready_at: cx.now + cx.config.bulk_delay,
                announced: false,
                units: built.units,
                result_xml: Some(built.result_xml),
                character_code: encoding.identifier().to_owned(),
            }));
            wire::BulkReceiptBody {
                processing_result_status: Some(ProcessingResultStatus::Completed.code().to_owned()),
                reception_number: Some(reception_number),
                reception_date_time: Some(cx.local_now().format("%Y%m%d%H%M%S").to_string()),
                ..wire::BulkReceiptBody::default()
            }
        }
    };
    xml_response(
        &wire::BulkReceipt {
            header: receipt.to_wire(),
            body,
        },
        encoding,
    )
}

/// Checks an upload in full — its media type, its XML (no DOCTYPE), its size, its 医療機関コード and
/// every unit — and only then begins its exchange: nothing the national side would refuse reaches
/// the share.
fn ask_upload(
    cx: &mut Cx<'_>,
    request: &Request,
    kind: Kind,
    institution: &str,
    audit: Audit,
) -> Fail {
    let limit = cx.config.bulk_body_limit;
    let ask = |encoding: Encoding| Ask {
        prefix: kind.request_prefix(true),
        purpose: ExchangePurpose::BulkUpload {
            bulk_kind: kind.as_str().to_owned(),
            character_code: encoding.identifier().to_owned(),
        },
        audit,
    };
    if kind == Kind::ReferenceNumbers {
        let (message, encoding) =
            match xml_body::<wire::RequestHeader, wire::BulkReferenceRequestBody>(request, limit) {
                Ok(read) => read,
                Err(fail) => return fail,
            };
        let mut errors = Vec::new();
        if message.body.registrations.is_empty() {
            errors.push(missing_unit("ReferenceNumberRegistrationInfo"));
        }
        for (i, registration) in message.body.registrations.iter().enumerate() {
            let mut findings = Findings::default();
            reference::checked(registration, &mut findings);
            let prefix = format!("ReferenceNumberRegistrationInfo[{}].", i + 1);
            errors.extend(exchange::field_errors(&findings, &prefix));
        }
        return begin_upload(cx, ask(encoding), &message, encoding, errors, institution);
    }
    let (message, encoding) =
        match xml_body::<wire::RequestHeader, wire::BulkRequestBody>(request, limit) {
            Ok(read) => read,
            Err(fail) => return fail,
        };
    let mut errors = Vec::new();
    if message.body.searches.is_empty() {
        errors.push(missing_unit("QualificationConfirmSearchInfo"));
    }
    for (i, search) in message.body.searches.iter().enumerate() {
        let prefix = format!("QualificationConfirmSearchInfo[{}].", i + 1);
        errors.extend(exchange::field_errors(
            &unit_findings(kind, search),
            &prefix,
        ));
    }
    begin_upload(cx, ask(encoding), &message, encoding, errors, institution)
}

/// Refuses an upload with its findings (at most [`MAX_UNIT_ERRORS`]) or a 医療機関コード not this
/// endpoint's, and otherwise begins its exchange; its receipt must carry the upload's identifier.
fn begin_upload<B>(
    cx: &mut Cx<'_>,
    ask: Ask,
    message: &wire::Message<wire::RequestHeader, B>,
    encoding: Encoding,
    mut errors: Vec<FieldError>,
    institution: &str,
) -> Fail
where
    B: wire::WireElement + Default + Clone,
{
    errors.truncate(MAX_UNIT_ERRORS);
    if let Err(fail) = exchange::refuse_fields(
        errors,
        message.header.medical_institution_code.as_deref(),
        institution,
    ) {
        return fail;
    }
    exchange::begin(cx, ask, |file_identifier| {
        let bytes = exchange::stamped(message, encoding, file_identifier)?;
        let receipt = Expectation::BulkReceipt {
            file_identifier: file_identifier.to_owned(),
        };
        Ok((bytes, receipt))
    })
}

/// An upload without a single unit.
fn missing_unit(element: &'static str) -> FieldError {
    let missing = DecodeFinding {
        element,
        problem: DecodeProblem::Missing,
    };
    FieldError {
        field: element.to_owned(),
        message: missing.message(),
    }
}

/// What keeps one unit of an upload from the national side: what does not read, and what its kind
/// needs — a card and birth date to look up, or, where the kind lists patients by consent, a period;
/// for 医療扶助 the 診療年月.
fn unit_findings(kind: Kind, search: &wire::SearchInfo) -> Findings {
    let mut findings = Findings::default();
    let read = Search::from_wire(search, &mut findings);
    let by_card = |findings: &mut Findings| {
        findings.require("InsurerNumber", &search.insurer_number);
        findings.require(
            "InsuredIdentificationNumber",
            &search.insured_identification_number,
        );
        findings.require("Birthdate", &search.birthdate);
    };
    match kind {
        Kind::Qualifications | Kind::ReferenceNumbers => by_card(&mut findings),
        Kind::HomeVisit | Kind::Online => {
            let by_period = read.consent_from.is_some()
                || read.consent_to.is_some()
                || read.examination_from.is_some()
                || read.examination_to.is_some();
            if !by_period {
                by_card(&mut findings);
            }
        }
        Kind::MedicalAid => {
            findings.require("MedicalTreatmentMonth", &search.medical_treatment_month)
        }
    }
    findings
}

/// The national side's receipt of an upload (checked to be its receipt, which read its reception
/// number): a job is kept under that number (its result stays with the national side), and the receipt is passed on as it
/// came.
pub(super) fn record_receipt(
    cx: &mut Cx<'_>,
    bytes: &[u8],
    reception_number: Option<String>,
    bulk_kind: &str,
    character_code: &str,
    audit: &Audit,
) -> Handled {
    if let Some(reception_number) = reception_number {
        cx.change(Change::PutBulkJob(BulkJobRecord {
            reception_number,
            kind: bulk_kind.to_owned(),
            user_id: audit.user.clone(),
            claimed_by: audit.claimed_by.clone(),
            created_at: cx.now,
            ready_at: cx.now,
            announced: false,
            units: 0,
            result_xml: None,
            character_code: character_code.to_owned(),
        }));
    }
    Ok(xml_passthrough(bytes))
}

/// Where a job's result goes: the institution and the reception number.
struct Target<'t> {
    institution: &'t str,
    reception_number: &'t str,
}

/// A job's result, built at upload: the final message and the changes registering it implies.
struct Built {
    units: u32,
    nothing_to_look_up: bool,
    result_xml: String,
    changes: Vec<Change>,
}

fn result_info(cx: &Cx<'_>, target: &Target<'_>, units: u32, errors: u32) -> ResultInfo {
    ResultInfo {
        // The result is given out once processed, so it carries that time.
        processed_at: Some((cx.now + cx.config.bulk_delay).jst().naive_local()),
        institution_code: Some(target.institution.to_owned()),
        segment: Some(SegmentOfResult::Completed),
        reception_number: Some(target.reception_number.to_owned()),
        count_total: Some(units),
        count_normal: Some(units - errors),
        count_error: Some(errors),
        ..ResultInfo::default()
    }
}

fn search_units(
    cx: &mut Cx<'_>,
    kind: Kind,
    message: &wire::BulkRequest,
    target: &Target<'_>,
) -> Result<Built, Fail> {
    let mut searches = Vec::new();
    for wire_search in &message.body.searches {
        let mut findings = Findings::default();
        let search = Search::from_wire(wire_search, &mut findings);
        let by_date = search.card.number.is_none() && kind.treatment().is_some();
        if !by_date {
            // A search without a card where no date search exists is answered as an error unit,
            // never dropped: every search the clinic sent has its line in the result.
            searches.push((search, findings));
        } else if let Some(treatment) = kind.treatment() {
            // A search by consent date lists everyone who consented for this 診療区分 in the period.
            for consent in cx.read.consents()? {
                let date = consent.consented_at.jst_date();
                let in_range = search.consent_from.is_none_or(|from| date >= from)
                    && search.consent_to.is_none_or(|to| date <= to)
                    && search.examination_from.is_none_or(|from| date >= from)
                    && search.examination_to.is_none_or(|to| date <= to);
                if consent.revoked_at.is_none() && consent.treatment == treatment.code() && in_range
                {
                    searches.push((
                        Search {
                            card: card_of(&consent.card),
                            birthdate: Some(consent.birthdate),
                            treatment: Some(treatment.clone()),
                            ..search.clone()
                        },
                        Findings::default(),
                    ));
                }
            }
        }
    }
    let mut units = Vec::new();
    let mut errors = 0;
    for (search, findings) in &searches {
        let reference = cx
            .read
            .reference(&CardKey::of(&search.card))?
            .map(|r| r.reference_number);
        if !findings.0.is_empty() || search.birthdate.is_none() || search.card.number.is_none() {
            errors += 1;
            units.push(wire::BulkConfirmUnit {
                search: Some(search.to_wire()),
                processing_result_status: Some(ProcessingResultStatus::Error.code().to_owned()),
                processing_result_code: Some(error_codes::INVALID_REQUEST.to_owned()),
                processing_result_message: Some("照会内容に誤りがあります。".to_owned()),
                ..wire::BulkConfirmUnit::default()
            });
            continue;
        }
        let context = cx.answer_context(target.institution, reference.clone());
        let (validity, records) = cx.national.answer_search(search, &context);
        units.push(wire::BulkConfirmUnit {
            search: Some(search.to_wire()),
            processing_result_status: Some(ProcessingResultStatus::Completed.code().to_owned()),
            qualification_validity: Some(validity.code().to_owned()),
            results: records.iter().map(|q| q.to_wire()).collect(),
            reference_number: reference,
            ..wire::BulkConfirmUnit::default()
        });
    }
    let count = u32::try_from(units.len()).unwrap_or(u32::MAX);
    let result = wire::BulkResult {
        header: result_info(cx, target, count, errors).to_wire(),
        body: wire::BulkResultBody { units },
    };
    Ok(Built {
        units: count,
        nothing_to_look_up: message.body.searches.is_empty(),
        result_xml: utf8_message(&result)?,
        changes: Vec::new(),
    })
}

fn reference_units(
    cx: &mut Cx<'_>,
    message: &wire::BulkReferenceRequest,
    target: &Target<'_>,
    audit: &Audit,
) -> Result<Built, Fail> {
    let mut units = Vec::new();
    let mut errors = 0;
    // Registrations are applied when the upload is accepted; collect them apart from this dispatch's
    // other changes so that a refused upload applies none.
    let before = cx.changes.len();
    for registration in &message.body.registrations {
        let outcome = reference::apply(
            cx,
            registration,
            message.header.medical_institution_code.as_deref(),
            target.institution,
            audit,
        )?;
        let (status, code, text_message) = match outcome {
            Ok(()) => (ProcessingResultStatus::Completed, None, None),
            Err((code, text_message)) => {
                errors += 1;
                (
                    ProcessingResultStatus::Error,
                    Some(code.to_owned()),
                    Some(text_message),
                )
            }
        };
        units.push(wire::BulkRegistrationUnit {
            registration: Some(registration.clone()),
            processing_result_status: Some(status.code().to_owned()),
            processing_result_code: code,
            processing_result_message: text_message,
        });
    }
    let changes = cx.changes.split_off(before);
    let count = u32::try_from(units.len()).unwrap_or(u32::MAX);
    let result = wire::BulkReferenceResult {
        header: result_info(cx, target, count, errors).to_wire(),
        body: wire::BulkReferenceResultBody { units },
    };
    Ok(Built {
        units: count,
        nothing_to_look_up: message.body.registrations.is_empty(),
        result_xml: utf8_message(&result)?,
        changes,
    })
}

fn card_of(key: &CardKey) -> Card {
    let present = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    Card {
        insurer_number: Some(InsurerNumber::from_wire(&key.insurer)),
        symbol: present(&key.symbol),
        number: present(&key.number),
        branch: present(&key.branch),
    }
}

pub(super) fn result(
    cx: &mut Cx<'_>,
    request: &Request,
    kind_name: &str,
    reception_number: &str,
) -> Handled {
    let kind = Kind::parse(kind_name).ok_or_else(|| unknown_kind(kind_name))?;
    let caller = caller(cx, request, kind.action())?;
    let job = cx
        .read
        .bulk_job(reception_number)?
        .filter(|j| j.kind == kind.as_str())
        .ok_or_else(|| {
            Fail::from(
                Problem::new(ProblemCode::NotFound)
                    .with_detail(format!("no {kind_name} job {reception_number}")),
            )
        })?;
    let encoding = if job.character_code == Encoding::ShiftJis.identifier() {
        Encoding::ShiftJis
    } else {
        Encoding::Utf8
    };
    let institution = cx.institution()?;
    if cx.through_files() {
        return Err(ask_download(
            cx,
            kind,
            job,
            &institution.code,
            encoding,
            caller,
        ));
    }
    if cx.now < job.ready_at {
        let processing = ResultInfo {
            processed_at: Some(cx.local_now()),
            institution_code: Some(institution.code),
            segment: Some(SegmentOfResult::Processing),
            reception_number: Some(job.reception_number.clone()),
            ..ResultInfo::default()
        };
        return xml_response(
            &wire::BulkResult {
                header: processing.to_wire(),
                body: wire::BulkResultBody::default(),
            },
            encoding,
        );
    }
    // Only the simulated national side leaves its answer in the job; the bridge fetches it instead.
    let stored = job
        .result_xml
        .as_deref()
        .ok_or_else(|| internal("the job holds no result"))?
        .as_bytes();
    let decode_error = |e: wire::DecodeError| internal(e);
    if kind == Kind::ReferenceNumbers {
        xml_response(
            &wire::BulkReferenceResult::decode_with_limit(stored, wire::BULK_LIMIT)
                .map_err(decode_error)?,
            encoding,
        )
    } else {
        xml_response(
            &wire::BulkResult::decode_with_limit(stored, wire::BULK_LIMIT).map_err(decode_error)?,
            encoding,
        )
    }
}

/// Asks the national side for a job's result with a download request (`…02req`).
fn ask_download(
    cx: &mut Cx<'_>,
    kind: Kind,
    job: BulkJobRecord,
    institution: &str,
    encoding: Encoding,
    caller: super::Caller,
) -> Fail {
    let ask = Ask {
        prefix: kind.request_prefix(false),
        purpose: ExchangePurpose::BulkDownload {
            bulk_kind: kind.as_str().to_owned(),
            reception_number: job.reception_number.clone(),
        },
        audit: Audit {
            user: caller.account.user_id,
            claimed_by: None,
        },
    };
    exchange::begin(cx, ask, |file_identifier| {
        let download = wire::DownloadRequest {
            header: wire::RequestHeader {
                medical_institution_code: Some(institution.to_owned()),
                arbitrary_file_identifier: Some(file_identifier.to_owned()),
                ..wire::RequestHeader::default()
            },
            body: wire::DownloadRequestBody {
                reception_number: Some(job.reception_number.clone()),
            },
        }
        .encode(encoding)
        .map_err(internal)?;
        let expect = Expectation::BulkResult {
            reception_number: job.reception_number.clone(),
            registrations: kind == Kind::ReferenceNumbers,
        };
        Ok((download, expect))
    })
}

/// A job's result from the national side (checked to be this job's, which read how far it got and
/// its units), passed on as it came. The first complete result is announced as the job's `bulk`
/// event.
pub(super) fn record_result(
    cx: &mut Cx<'_>,
    bytes: &[u8],
    reception_number: &str,
    complete: bool,
    units: usize,
) -> Handled {
    if let (true, Some(job)) = (complete, cx.read.bulk_job(reception_number)?)
        && !job.announced
    {
        let units = u32::try_from(units).unwrap_or(u32::MAX);
        cx.event(
            EventKind::Bulk,
            json!({"kind": job.kind, "reception_number": job.reception_number, "units": units}),
        )?;
        cx.change(Change::PutBulkJob(BulkJobRecord {
            announced: true,
            units,
            ..job
        }));
    }
    Ok(xml_passthrough(bytes))
}

/// Appends a `bulk` event for each job that became ready since the last dispatch. Jobs whose result
/// stays with the national side are announced when it is downloaded instead.
///
/// Which jobs hold their result is the national side's to say, not the job record's: a store may list
/// jobs without loading their results (`store::journal`).
pub(super) fn announce_due(cx: &mut Cx<'_>) -> Result<(), Fail> {
    if cx.through_files() {
        return Ok(());
    }
    for job in cx.read.bulk_jobs_due(cx.now)? {
        cx.event(
            EventKind::Bulk,
            json!({"kind": job.kind, "reception_number": job.reception_number, "units": job.units}),
        )?;
        cx.change(Change::PutBulkJob(BulkJobRecord {
            announced: true,
            ..job
        }));
    }
    Ok(())
}
