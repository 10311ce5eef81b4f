//! Qualifications as the screens and the simulator use them: typed dates and codes, converted
//! explicitly from and to the wire's `ResultOfQualificationConfirmation` and friends.

use chrono::{NaiveDate, NaiveDateTime};

use crate::{
    codes::{
        CharacterCodeIdentifier, ConsentStatus, InsuredCardClassification, LimitCertificateChanged,
        LimitCertificateClassification, LimitCertificateFlag, LimitConsentFlag, PersonalFamily,
        Preschool, PrescriptionIssue, ProcessingResultStatus, QualificationValidity, ReasonOfLoss,
        ReferenceClassification, SegmentOfResult, Sex, SpecificDisease, TreatmentKind,
    },
    domain::{
        convert::{
            DecodeProblem, Findings, code, parse_month, text, wire_code, wire_date, wire_number,
            wire_time,
        },
        identifiers::InsurerNumber,
    },
    wire,
};

/// 一部負担金割合, held as the wire's percent (`020` is 20, shown as 2割).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContributionRatio(pub u32);

impl ContributionRatio {
    /// 「2割」 for 20 percent; a ratio that is not whole 割 (never seen) is shown as percent.
    pub fn label(self) -> String {
        if self.0.is_multiple_of(10) {
            format!("{}割", self.0 / 10)
        } else {
            format!("{}%", self.0)
        }
    }

    fn to_wire(self) -> String {
        format!("{:03}", self.0)
    }
}

/// The card fields: 保険者番号, 記号, 番号, 枝番.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Card {
    pub insurer_number: Option<InsurerNumber>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
}

impl Card {
    /// 記号・番号・枝番 as the history list prints them, e.g. 「9000 10001 01」.
    pub fn symbol_number_branch(&self) -> String {
        [&self.symbol, &self.number, &self.branch]
            .iter()
            .filter_map(|v| v.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(crate) fn read(
        findings: &mut Findings,
        insurer: &Option<String>,
        symbol: &Option<String>,
        number: &Option<String>,
        branch: &Option<String>,
    ) -> Card {
        let insurer_number = text(insurer).map(|t| InsurerNumber::from_wire(&t));
        if let Some(n) = &insurer_number
            && !n.check_digit_ok()
        {
            findings.push(
                "InsurerNumber",
                DecodeProblem::CheckDigit {
                    value: n.digits().to_owned(),
                },
            );
        }
        Card {
            insurer_number,
            symbol: text(symbol),
            number: text(number),
            branch: text(branch),
        }
    }
}

/// One consent of the patient's: its state, when it was given, and until when it allows viewing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConsentItem {
    pub status: Option<ConsentStatus>,
    pub consented_at: Option<NaiveDateTime>,
    pub available_until: Option<NaiveDateTime>,
}

impl ConsentItem {
    pub fn is_consented(&self) -> bool {
        self.status == Some(ConsentStatus::Consented)
    }
}

/// The four viewing consents (decisions.md D9 maps the patient's answers to them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MedicalConsents {
    /// 特定健診情報.
    pub checkups: ConsentItem,
    /// 薬剤情報.
    pub pharmacists: ConsentItem,
    /// 診療情報.
    pub diagnosis: ConsentItem,
    /// 手術情報.
    pub operation: ConsentItem,
}

/// 高齢受給者証.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ElderlyCertificate {
    pub issued: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub ratio: Option<ContributionRatio>,
}

/// 限度額適用認定証.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LimitCertificate {
    pub classification: Option<LimitCertificateClassification>,
    pub flag: Option<LimitCertificateFlag>,
    pub issued: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// 長期入院該当年月日.
    pub long_term: Option<NaiveDate>,
}

/// The 限度額 part of a qualification: the consent, and the certificate only where consented.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LimitSection {
    pub consent: Option<LimitConsentFlag>,
    pub consented_at: Option<NaiveDateTime>,
    pub certificate: Option<LimitCertificate>,
    /// Bulk results only.
    pub changed: Option<LimitCertificateChanged>,
}

/// One 特定疾病療養受療証.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DiseaseCertificate {
    pub category: Option<SpecificDisease>,
    pub issued: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// 自己負担限度額 per month, yen.
    pub self_pay: Option<u32>,
}

/// The 特定疾病 part of a qualification.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DiseaseSection {
    pub consent: Option<ConsentStatus>,
    pub consented_at: Option<NaiveDateTime>,
    pub certificates: Vec<DiseaseCertificate>,
}

/// One qualification (`ResultOfQualificationConfirmation`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Qualification {
    pub card_classification: Option<InsuredCardClassification>,
    pub card: Card,
    pub personal_family: Option<PersonalFamily>,
    /// 被保険者氏名.
    pub insured_name: Option<String>,
    pub name: Option<String>,
    pub name_of_other: Option<String>,
    pub name_kana: Option<String>,
    pub name_of_other_kana: Option<String>,
    pub sex1: Option<Sex>,
    pub sex2: Option<Sex>,
    pub birthdate: Option<NaiveDate>,
    pub address: Option<String>,
    pub post_number: Option<String>,
    pub qualification_date: Option<NaiveDate>,
    pub disqualification_date: Option<NaiveDate>,
    pub certificate_issued: Option<NaiveDate>,
    /// 有効開始日.
    pub valid_from: Option<NaiveDate>,
    /// 有効終了日.
    pub valid_until: Option<NaiveDate>,
    /// 一部負担金割合 of 後期高齢.
    pub partial_ratio: Option<ContributionRatio>,
    pub preschool: Option<Preschool>,
    pub reason_of_loss: Option<ReasonOfLoss>,
    pub insurer_name: Option<String>,
    pub public_expense_number: Option<String>,
    pub beneficiary_number: Option<String>,
    pub welfare_office_name: Option<String>,
    pub elderly: Option<ElderlyCertificate>,
    pub limit: LimitSection,
    pub diseases: DiseaseSection,
    /// 医療扶助 tickets, kept in their wire form: nothing in the terminal interprets them yet.
    pub medical_tickets: Vec<wire::MedicalTicketInfo>,
    pub consents: MedicalConsents,
    pub reference_number: Option<String>,
    pub prescription_issue: Option<PrescriptionIssue>,
    pub confirmation_key: Option<String>,
}

impl Qualification {
    /// Reads a record; required elements that are missing and values that do not read become
    /// findings, and what can be read is kept.
    pub fn from_wire(record: &wire::QualificationRecord, findings: &mut Findings) -> Qualification {
        let r = record;
        let card_classification = code(&r.insured_card_classification);
        if card_classification.is_none() {
            findings.push("InsuredCardClassification", DecodeProblem::Missing);
        }
        let card = Card::read(
            findings,
            &r.insurer_number,
            &r.insured_card_symbol,
            &r.insured_identification_number,
            &r.insured_branch_number,
        );
        let name = findings.required_text("Name", &r.name);
        let birthdate = findings.required_date("Birthdate", &r.birthdate);
        // 医療扶助 names its 福祉事務所 (WelfareOfficeName) where others name the insurer.
        let insurer_name = if card_classification == Some(InsuredCardClassification::MedicalAid) {
            text(&r.insurer_name)
        } else {
            findings.required_text("InsurerName", &r.insurer_name)
        };
        let ratio = |findings: &mut Findings, element, value: &Option<String>| {
            findings.number(element, value).map(ContributionRatio)
        };
        Qualification {
            card_classification,
            card,
            personal_family: code(&r.personal_family_classification),
            insured_name: text(&r.insured_name),
            name,
            name_of_other: text(&r.name_of_other),
            name_kana: text(&r.name_kana),
            name_of_other_kana: text(&r.name_of_other_kana),
            sex1: code(&r.sex1),
            sex2: code(&r.sex2),
            birthdate,
            address: text(&r.address),
            post_number: text(&r.post_number),
            qualification_date: findings.date("QualificationDate", &r.qualification_date),
            disqualification_date: findings.date("DisqualificationDate", &r.disqualification_date),
            certificate_issued: findings.date(
                "InsuredCertificateIssuanceDate",
                &r.insured_certificate_issuance_date,
            ),
            valid_from: findings.date("InsuredCardValidDate", &r.insured_card_valid_date),
            valid_until: findings
                .date("InsuredCardExpirationDate", &r.insured_card_expiration_date),
            partial_ratio: ratio(
                findings,
                "InsuredPartialContributionRatio",
                &r.insured_partial_contribution_ratio,
            ),
            preschool: code(&r.preschool_classification),
            reason_of_loss: code(&r.reason_of_loss),
            insurer_name,
            public_expense_number: text(&r.public_expense_number),
            beneficiary_number: text(&r.beneficiary_number),
            welfare_office_name: text(&r.welfare_office_name),
            elderly: r.elderly.as_ref().map(|e| ElderlyCertificate {
                issued: findings.date("ElderlyRecipientCertificateDate", &e.issued_date),
                valid_from: findings.date("ElderlyRecipientValidStartDate", &e.valid_start_date),
                valid_until: findings.date("ElderlyRecipientValidEndDate", &e.valid_end_date),
                ratio: ratio(
                    findings,
                    "ElderlyRecipientContributionRatio",
                    &e.contribution_ratio,
                ),
            }),
            limit: LimitSection {
                consent: code(&r.limit_consent_flag),
                consented_at: findings.time(
                    "LimitApplicationCertificateRelatedConsTime",
                    &r.limit_consent_time,
                ),
                certificate: r
                    .limit_info
                    .as_ref()
                    .map(|l| limit_certificate(l, findings)),
                changed: code(&r.limit_changed),
            },
            diseases: DiseaseSection {
                consent: code(&r.disease_consent_flag),
                consented_at: findings.time(
                    "SpecificDiseasesCertificateRelatedConsTime",
                    &r.disease_consent_time,
                ),
                certificates: r
                    .diseases
                    .iter()
                    .map(|d| DiseaseCertificate {
                        category: code(&d.category),
                        issued: findings.date("SpecificDiseasesCertificateDate", &d.issued_date),
                        valid_from: findings
                            .date("SpecificDiseasesValidStartDate", &d.valid_start_date),
                        valid_until: findings
                            .date("SpecificDiseasesValidEndDate", &d.valid_end_date),
                        self_pay: findings.number("SpecificDiseasesSelfPay", &d.self_pay),
                    })
                    .collect(),
            },
            medical_tickets: {
                // The tickets are shown as received; a 診療年月 that is no month is warned about.
                for ticket in &r.medical_tickets {
                    if let Some(raw) = text(&ticket.medical_treatment_month)
                        && parse_month(&raw).is_none()
                    {
                        findings.push(
                            "MedicalTreatmentMonth",
                            DecodeProblem::Unreadable { value: raw },
                        );
                    }
                }
                r.medical_tickets.clone()
            },
            consents: MedicalConsents {
                checkups: consent(
                    findings,
                    [
                        "SpecificHealthCheckupsInfoConsTime",
                        "SpecificHealthCheckupsInfoAvailableTime",
                    ],
                    [
                        &r.checkup_consent_flag,
                        &r.checkup_consent_time,
                        &r.checkup_available_time,
                    ],
                ),
                pharmacists: consent(
                    findings,
                    ["PharmacistsInfoConsTime", "PharmacistsInfoAvailableTime"],
                    [
                        &r.pharmacists_consent_flag,
                        &r.pharmacists_consent_time,
                        &r.pharmacists_available_time,
                    ],
                ),
                diagnosis: consent(
                    findings,
                    ["DiagnosisInfoConsTime", "DiagnosisInfoAvailableTime"],
                    [
                        &r.diagnosis_consent_flag,
                        &r.diagnosis_consent_time,
                        &r.diagnosis_available_time,
                    ],
                ),
                operation: consent(
                    findings,
                    ["OperationInfoConsTime", "OperationInfoAvailableTime"],
                    [
                        &r.operation_consent_flag,
                        &r.operation_consent_time,
                        &r.operation_available_time,
                    ],
                ),
            },
            reference_number: text(&r.reference_number),
            prescription_issue: code(&r.prescription_issue_select),
            confirmation_key: text(&r.qualification_confirmation_key),
        }
    }

    /// The wire record, with the insurer number in its 8-character form.
    pub fn to_wire(&self) -> wire::QualificationRecord {
        let consent_wire = |c: &ConsentItem| {
            (
                wire_code(&c.status),
                wire_time(&c.consented_at),
                wire_time(&c.available_until),
            )
        };
        let (checkup_flag, checkup_time, checkup_available) = consent_wire(&self.consents.checkups);
        let (pharm_flag, pharm_time, pharm_available) = consent_wire(&self.consents.pharmacists);
        let (diag_flag, diag_time, diag_available) = consent_wire(&self.consents.diagnosis);
        let (op_flag, op_time, op_available) = consent_wire(&self.consents.operation);
        wire::QualificationRecord {
            insured_card_classification: wire_code(&self.card_classification),
            insurer_number: self
                .card
                .insurer_number
                .as_ref()
                .map(InsurerNumber::to_wire),
            insured_card_symbol: self.card.symbol.clone(),
            insured_identification_number: self.card.number.clone(),
            insured_branch_number: self.card.branch.clone(),
            personal_family_classification: wire_code(&self.personal_family),
            insured_name: self.insured_name.clone(),
            name: self.name.clone(),
            name_of_other: self.name_of_other.clone(),
            name_kana: self.name_kana.clone(),
            name_of_other_kana: self.name_of_other_kana.clone(),
            sex1: wire_code(&self.sex1),
            sex2: wire_code(&self.sex2),
            birthdate: wire_date(&self.birthdate),
            address: self.address.clone(),
            post_number: self.post_number.clone(),
            qualification_date: wire_date(&self.qualification_date),
            disqualification_date: wire_date(&self.disqualification_date),
            insured_certificate_issuance_date: wire_date(&self.certificate_issued),
            insured_card_valid_date: wire_date(&self.valid_from),
            insured_card_expiration_date: wire_date(&self.valid_until),
            insured_partial_contribution_ratio: self.partial_ratio.map(ContributionRatio::to_wire),
            preschool_classification: wire_code(&self.preschool),
            reason_of_loss: wire_code(&self.reason_of_loss),
            insurer_name: self.insurer_name.clone(),
            public_expense_number: self.public_expense_number.clone(),
            beneficiary_number: self.beneficiary_number.clone(),
            welfare_office_name: self.welfare_office_name.clone(),
            elderly: self.elderly.as_ref().map(|e| wire::ElderlyCertificateInfo {
                issued_date: wire_date(&e.issued),
                valid_start_date: wire_date(&e.valid_from),
                valid_end_date: wire_date(&e.valid_until),
                contribution_ratio: e.ratio.map(ContributionRatio::to_wire),
            }),
            limit_consent_flag: wire_code(&self.limit.consent),
            limit_consent_time: wire_time(&self.limit.consented_at),
            limit_info: self.limit.certificate.as_ref().map(limit_certificate_wire),
            limit_changed: wire_code(&self.limit.changed),
            disease_consent_flag: wire_code(&self.diseases.consent),
            disease_consent_time: wire_time(&self.diseases.consented_at),
            diseases: self
                .diseases
                .certificates
                .iter()
                .map(|d| wire::DiseaseCertificateInfo {
                    category: wire_code(&d.category),
                    issued_date: wire_date(&d.issued),
                    valid_start_date: wire_date(&d.valid_from),
                    valid_end_date: wire_date(&d.valid_until),
                    self_pay: wire_number(&d.self_pay),
                })
                .collect(),
            medical_tickets: self.medical_tickets.clone(),
            checkup_consent_flag: checkup_flag,
            checkup_consent_time: checkup_time,
            checkup_available_time: checkup_available,
            pharmacists_consent_flag: pharm_flag,
            pharmacists_consent_time: pharm_time,
            pharmacists_available_time: pharm_available,
            diagnosis_consent_flag: diag_flag,
            diagnosis_consent_time: diag_time,
            diagnosis_available_time: diag_available,
            operation_consent_flag: op_flag,
            operation_consent_time: op_time,
            operation_available_time: op_available,
            reference_number: self.reference_number.clone(),
            prescription_issue_select: wire_code(&self.prescription_issue),
            qualification_confirmation_key: self.confirmation_key.clone(),
        }
    }
}

fn consent(
    findings: &mut Findings,
    elements: [&'static str; 2],
    values: [&Option<String>; 3],
) -> ConsentItem {
    ConsentItem {
        status: code(values[0]),
        consented_at: findings.time(elements[0], values[1]),
        available_until: findings.time(elements[1], values[2]),
    }
}

fn limit_certificate(l: &wire::LimitCertificateInfo, findings: &mut Findings) -> LimitCertificate {
    LimitCertificate {
        classification: code(&l.classification),
        flag: code(&l.classification_flag),
        issued: findings.date("LimitApplicationCertificateDate", &l.issued_date),
        valid_from: findings.date(
            "LimitApplicationCertificateValidStartDate",
            &l.valid_start_date,
        ),
        valid_until: findings.date("LimitApplicationCertificateValidEndDate", &l.valid_end_date),
        long_term: findings.date("LimitApplicationCertificateLongTermDate", &l.long_term_date),
    }
}

fn limit_certificate_wire(l: &LimitCertificate) -> wire::LimitCertificateInfo {
    wire::LimitCertificateInfo {
        classification: wire_code(&l.classification),
        classification_flag: wire_code(&l.flag),
        issued_date: wire_date(&l.issued),
        valid_start_date: wire_date(&l.valid_from),
        valid_end_date: wire_date(&l.valid_until),
        long_term_date: wire_date(&l.long_term),
    }
}

/// `QualificationConfirmSearchInfo`: whom to look up (and, for bulk kinds, which consents or month).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Search {
    pub card: Card,
    pub birthdate: Option<NaiveDate>,
    pub limit_consent: Option<LimitConsentFlag>,
    /// The clinic's current 限度額 data (bulk inquiry).
    pub limit_certificate: Option<LimitCertificate>,
    /// 診療年月, YYYYMM (医療扶助 bulk).
    pub treatment_month: Option<String>,
    pub consent_from: Option<NaiveDate>,
    pub consent_to: Option<NaiveDate>,
    pub examination_from: Option<NaiveDate>,
    pub examination_to: Option<NaiveDate>,
    /// 診療区分; `None` or 外来 is written as absent (D6).
    pub treatment: Option<TreatmentKind>,
    pub arbitrary_identifier: Option<String>,
}

impl Search {
    pub fn from_wire(s: &wire::SearchInfo, findings: &mut Findings) -> Search {
        Search {
            card: Card::read(
                findings,
                &s.insurer_number,
                &s.insured_card_symbol,
                &s.insured_identification_number,
                &s.insured_branch_number,
            ),
            birthdate: findings.date("Birthdate", &s.birthdate),
            limit_consent: code(&s.limit_consent_flag),
            limit_certificate: s
                .limit_info
                .as_ref()
                .map(|l| limit_certificate(l, findings)),
            treatment_month: text(&s.medical_treatment_month),
            consent_from: findings.date("ConsentDateFrom", &s.consent_date_from),
            consent_to: findings.date("ConsentDateTo", &s.consent_date_to),
            examination_from: findings.date("ExaminationDateFrom", &s.examination_date_from),
            examination_to: findings.date("ExaminationDateTo", &s.examination_date_to),
            treatment: code(&s.medical_treatment_flag),
            arbitrary_identifier: text(&s.arbitrary_identifier),
        }
    }

    pub fn to_wire(&self) -> wire::SearchInfo {
        wire::SearchInfo {
            insurer_number: self
                .card
                .insurer_number
                .as_ref()
                .map(InsurerNumber::to_wire),
            insured_card_symbol: self.card.symbol.clone().filter(|s| !s.is_empty()),
            insured_identification_number: self.card.number.clone(),
            insured_branch_number: self.card.branch.clone(),
            birthdate: wire_date(&self.birthdate),
            limit_consent_flag: wire_code(&self.limit_consent),
            limit_info: self.limit_certificate.as_ref().map(limit_certificate_wire),
            medical_treatment_month: self.treatment_month.clone(),
            consent_date_from: wire_date(&self.consent_from),
            consent_date_to: wire_date(&self.consent_to),
            examination_date_from: wire_date(&self.examination_from),
            examination_date_to: wire_date(&self.examination_to),
            medical_treatment_flag: self
                .treatment
                .as_ref()
                .filter(|t| **t != TreatmentKind::Outpatient)
                .map(|t| crate::codes::CodeTable::code(t).to_owned()),
            arbitrary_identifier: self.arbitrary_identifier.clone(),
        }
    }
}

/// The header of a result, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResultInfo {
    pub processed_at: Option<NaiveDateTime>,
    pub confirmation_date: Option<NaiveDate>,
    pub institution_code: Option<String>,
    pub arbitrary_file_identifier: Option<String>,
    pub classification: Option<ReferenceClassification>,
    pub segment: Option<SegmentOfResult>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub character_code: Option<CharacterCodeIdentifier>,
    pub reception_number: Option<String>,
    pub count_total: Option<u32>,
    pub count_normal: Option<u32>,
    pub count_error: Option<u32>,
}

impl ResultInfo {
    pub fn from_wire(h: &wire::ResultHeader, findings: &mut Findings) -> ResultInfo {
        ResultInfo {
            processed_at: findings.time("ProcessExecutionTime", &h.process_execution_time),
            confirmation_date: findings.date(
                "QualificationConfirmationDate",
                &h.qualification_confirmation_date,
            ),
            institution_code: text(&h.medical_institution_code),
            arbitrary_file_identifier: text(&h.arbitrary_file_identifier),
            classification: code(&h.reference_classification),
            segment: code(&h.segment_of_result),
            error_code: text(&h.error_code),
            error_message: text(&h.error_message),
            character_code: code(&h.character_code_identifier),
            reception_number: text(&h.reception_number),
            count_total: findings
                .number("NumberOfProcessingResult", &h.number_of_processing_result),
            count_normal: findings
                .number("NumberOfNormalProcessing", &h.number_of_normal_processing),
            count_error: findings.number("NumberOfError", &h.number_of_error),
        }
    }

    /// The wire header; `CharacterCodeIdentifier` is always written (the writer fills in its value).
    pub fn to_wire(&self) -> wire::ResultHeader {
        wire::ResultHeader {
            process_execution_time: wire_time(&self.processed_at),
            qualification_confirmation_date: wire_date(&self.confirmation_date),
            medical_institution_code: self.institution_code.clone(),
            arbitrary_file_identifier: self.arbitrary_file_identifier.clone(),
            reference_classification: wire_code(&self.classification),
            segment_of_result: wire_code(&self.segment),
            error_code: self.error_code.clone(),
            error_message: self.error_message.clone(),
            character_code_identifier: Some(String::new()),
            reception_number: self.reception_number.clone(),
            number_of_processing_result: wire_number(&self.count_total),
            number_of_normal_processing: wire_number(&self.count_normal),
            number_of_error: wire_number(&self.count_error),
        }
    }
}

/// The body of a single or face result, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Answer {
    pub status: Option<ProcessingResultStatus>,
    pub result_code: Option<String>,
    pub result_message: Option<String>,
    pub validity: Option<QualificationValidity>,
    pub qualifications: Vec<Qualification>,
    pub search: Option<Search>,
    pub prescription_issue: Option<PrescriptionIssue>,
}

/// A single or face-reader result (`OQSsiquc01res`), typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct QualificationResult {
    pub info: ResultInfo,
    pub answer: Answer,
}

impl QualificationResult {
    /// Reads a decoded message, with findings for what staff should be warned about.
    pub fn from_wire(message: &wire::QualificationResult) -> (QualificationResult, Findings) {
        let mut findings = Findings::default();
        let body = &message.body;
        // What oqs-interface.md §4.1 and §4.2 require of every result (bulk headers differ, so
        // `ResultInfo` itself requires nothing).
        let header = &message.header;
        findings.require("ProcessExecutionTime", &header.process_execution_time);
        findings.require(
            "QualificationConfirmationDate",
            &header.qualification_confirmation_date,
        );
        findings.require("ProcessingResultStatus", &body.processing_result_status);
        let result = QualificationResult {
            info: ResultInfo::from_wire(&message.header, &mut findings),
            answer: Answer {
                status: code(&body.processing_result_status),
                result_code: text(&body.processing_result_code),
                result_message: text(&body.processing_result_message),
                validity: code(&body.qualification_validity),
                qualifications: body
                    .results
                    .iter()
                    .map(|r| Qualification::from_wire(r, &mut findings))
                    .collect(),
                search: body
                    .search
                    .as_ref()
                    .map(|s| Search::from_wire(s, &mut findings)),
                prescription_issue: code(&body.prescription_issue_select),
            },
        };
        (result, findings)
    }

    pub fn to_wire(&self) -> wire::QualificationResult {
        let a = &self.answer;
        wire::QualificationResult {
            header: self.info.to_wire(),
            body: wire::QualificationResultBody {
                processing_result_status: wire_code(&a.status),
                processing_result_code: a.result_code.clone(),
                processing_result_message: a.result_message.clone(),
                qualification_validity: wire_code(&a.validity),
                results: a
                    .qualifications
                    .iter()
                    .map(Qualification::to_wire)
                    .collect(),
                search: a.search.as_ref().map(Search::to_wire),
                prescription_issue_select: wire_code(&a.prescription_issue),
            },
        }
    }

    /// Whether this is a clean single valid qualification (what peers call 確認済み).
    pub fn is_valid(&self) -> bool {
        self.answer.validity == Some(QualificationValidity::Valid)
            && self.answer.qualifications.len() == 1
    }
}

/// A 照会番号 registration (`OQSsiimm01req`, or one entry of `OQSmuimm01req`), typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Registration {
    /// 照会番号, at most 50 characters.
    pub reference_number: Option<String>,
    pub card: Card,
}

impl Registration {
    /// Reads a registration; a missing 照会番号, insurer number or 番号 is a finding.
    pub fn from_wire(r: &wire::ReferenceRegistration, findings: &mut Findings) -> Registration {
        let reference_number = findings.required_text("ReferenceNumber", &r.reference_number);
        findings.require("InsurerNumber", &r.insurer_number);
        findings.require(
            "InsuredIdentificationNumber",
            &r.insured_identification_number,
        );
        Registration {
            reference_number,
            card: Card::read(
                findings,
                &r.insurer_number,
                &r.insured_card_symbol,
                &r.insured_identification_number,
                &r.insured_branch_number,
            ),
        }
    }

    /// The wire entry, with the insurer number in its 8-character form (oqs-interface.md §8).
    pub fn to_wire(&self) -> wire::ReferenceRegistration {
        wire::ReferenceRegistration {
            reference_number: self.reference_number.clone(),
            insurer_number: self
                .card
                .insurer_number
                .as_ref()
                .map(InsurerNumber::to_wire),
            insured_card_symbol: self.card.symbol.clone(),
            insured_identification_number: self.card.number.clone(),
            insured_branch_number: self.card.branch.clone(),
        }
    }
}

/// The single registration message (`OQSsiimm01req`) for `registration`, from the institution on
/// `date`.
pub fn registration_request(
    registration: &Registration,
    institution_code: &str,
    date: NaiveDate,
) -> wire::ReferenceRequest {
    wire::ReferenceRequest {
        header: wire::RequestHeader {
            qualification_confirmation_date: wire_date(&Some(date)),
            medical_institution_code: Some(institution_code.to_owned()),
            arbitrary_file_identifier: None,
        },
        body: wire::ReferenceRequestBody {
            registration: Some(registration.to_wire()),
        },
    }
}

/// What the national side said to a single 照会番号 registration (`OQSsiimm01res`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationAnswer {
    /// Registered (ProcessingResultStatus 1): later results for the card carry the number.
    Registered { reference_number: Option<String> },
    /// Refused inside the message (ProcessingResultStatus 2, or no status at all): an answer, shown
    /// to staff as it came, never retried (decisions.md D4).
    Refused {
        code: Option<String>,
        message: Option<String>,
    },
}

impl RegistrationAnswer {
    pub fn from_wire(message: &wire::ReferenceResult) -> RegistrationAnswer {
        let body = &message.body;
        if code::<ProcessingResultStatus>(&body.processing_result_status)
            == Some(ProcessingResultStatus::Completed)
        {
            RegistrationAnswer::Registered {
                reference_number: body
                    .registration
                    .as_ref()
                    .and_then(|r| text(&r.reference_number)),
            }
        } else {
            RegistrationAnswer::Refused {
                code: text(&body.processing_result_code),
                message: text(&body.processing_result_message),
            }
        }
    }
}

/// A qualification inquiry to send (`OQSsiquc01req`), typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inquiry {
    pub confirmation_date: Option<NaiveDate>,
    pub institution_code: Option<String>,
    pub arbitrary_file_identifier: Option<String>,
    pub search: Search,
}

impl Inquiry {
    pub fn from_wire(message: &wire::QualificationRequest) -> (Inquiry, Findings) {
        let mut findings = Findings::default();
        let h = &message.header;
        let inquiry = Inquiry {
            confirmation_date: findings.required_date(
                "QualificationConfirmationDate",
                &h.qualification_confirmation_date,
            ),
            institution_code: findings
                .required_text("MedicalInstitutionCode", &h.medical_institution_code),
            arbitrary_file_identifier: text(&h.arbitrary_file_identifier),
            search: match &message.body.search {
                Some(search) => {
                    // The elements the interface requires of a single inquiry (oqs-interface.md §3).
                    findings.required_text("InsurerNumber", &search.insurer_number);
                    findings.required_text(
                        "InsuredIdentificationNumber",
                        &search.insured_identification_number,
                    );
                    findings.require("Birthdate", &search.birthdate);
                    findings.require(
                        "LimitApplicationCertificateRelatedConsFlg",
                        &search.limit_consent_flag,
                    );
                    Search::from_wire(search, &mut findings)
                }
                None => {
                    findings.push("QualificationConfirmSearchInfo", DecodeProblem::Missing);
                    Search::default()
                }
            },
        };
        (inquiry, findings)
    }

    pub fn to_wire(&self) -> wire::QualificationRequest {
        wire::QualificationRequest {
            header: wire::RequestHeader {
                qualification_confirmation_date: wire_date(&self.confirmation_date),
                medical_institution_code: self.institution_code.clone(),
                arbitrary_file_identifier: self.arbitrary_file_identifier.clone(),
            },
            body: wire::QualificationRequestBody {
                search: Some(self.search.to_wire()),
            },
        }
    }
}
