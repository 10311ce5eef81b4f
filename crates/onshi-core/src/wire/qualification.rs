//! 資格確認照会: the single inquiry request (`OQSsiquc01req`), its result (`OQSsiquc01res`), and the
//! face-reader result (`OQSsiquc01res_face_…`), which has the result's shape (oqs-interface.md §3–§6).

use crate::wire::{Message, wire_element};

/// `OQSsiquc01req`: a qualification inquiry by insurance-card data.
pub type QualificationRequest = Message<RequestHeader, QualificationRequestBody>;

/// `OQSsiquc01res` and the face reader's `OQSsiquc01res_face_…`.
pub type QualificationResult = Message<ResultHeader, QualificationResultBody>;

wire_element! {
    /// The header of a request (`MessageHeader`).
    pub struct RequestHeader {
        /// 資格確認日, YYYYMMDD.
        qualification_confirmation_date: text "QualificationConfirmationDate",
        /// 医療機関コード, 10 digits.
        medical_institution_code: text "MedicalInstitutionCode",
        /// 任意のファイル識別子.
        arbitrary_file_identifier: text "ArbitraryFileIdentifier",
    }
}

wire_element! {
    /// The header of every result: the single and face results, 照会番号 results, and the bulk
    /// receipts and results (which add the reception number and counts).
    pub struct ResultHeader {
        /// 処理実行日時, YYYYMMDDHHmmss.
        process_execution_time: text "ProcessExecutionTime",
        qualification_confirmation_date: text "QualificationConfirmationDate",
        medical_institution_code: text "MedicalInstitutionCode",
        arbitrary_file_identifier: text "ArbitraryFileIdentifier",
        /// 照会区分 (OQSCD002).
        reference_classification: text "ReferenceClassification",
        /// 処理結果区分 (OQSCD003).
        segment_of_result: text "SegmentOfResult",
        error_code: text "ErrorCode",
        error_message: text "ErrorMessage",
        /// 文字コード識別 (OQSCD005); written to match the encoding.
        character_code_identifier: text "CharacterCodeIdentifier",
        /// 受付番号 (bulk results).
        reception_number: text "ReceptionNumber",
        number_of_processing_result: text "NumberOfProcessingResult",
        number_of_normal_processing: text "NumberOfNormalProcessing",
        number_of_error: text "NumberOfError",
    }
}

wire_element! {
    /// The body of `OQSsiquc01req`.
    pub struct QualificationRequestBody {
        search: (one SearchInfo) "QualificationConfirmSearchInfo",
    }
}

wire_element! {
    /// `QualificationConfirmSearchInfo`: who is asked about. One shape serves the single inquiry, its
    /// echo in results, and every bulk kind (which add their own optional elements).
    pub struct SearchInfo {
        /// 保険者番号, 8 characters on the wire (6-digit numbers left-padded with spaces).
        insurer_number: text "InsurerNumber",
        /// 記号.
        insured_card_symbol: text "InsuredCardSymbol",
        /// 番号.
        insured_identification_number: text "InsuredIdentificationNumber",
        /// 枝番, 2 digits.
        insured_branch_number: text "InsuredBranchNumber",
        /// 生年月日, YYYYMMDD.
        birthdate: text "Birthdate",
        /// 限度額適用認定証提供同意フラグ (OQSCD001).
        limit_consent_flag: text "LimitApplicationCertificateRelatedConsFlg",
        /// The clinic's current 限度額 data (bulk inquiry only).
        limit_info: (one LimitCertificateInfo) "LimitApplicationCertificateRelatedInfo",
        /// 診療年月, YYYYMM (医療扶助 bulk).
        medical_treatment_month: text "MedicalTreatmentMonth",
        /// 同意日 from/to, YYYYMMDD (訪問診療等・オンライン診療等 bulk).
        consent_date_from: text "ConsentDateFrom",
        consent_date_to: text "ConsentDateTo",
        /// 受診日 from/to, YYYYMMDD (オンライン診療等 bulk).
        examination_date_from: text "ExaminationDateFrom",
        examination_date_to: text "ExaminationDateTo",
        /// 診療区分 (OQSCD028). In the single inquiry this is our reading of the interface (D6): omitted
        /// for 外来.
        medical_treatment_flag: text "MedicalTreatmentFlag",
        /// 任意の識別子, the clinic's own.
        arbitrary_identifier: text "ArbitraryIdentifier",
    }
}

wire_element! {
    /// The body of `OQSsiquc01res`.
    pub struct QualificationResultBody {
        /// 処理結果状況 (OQSCD004).
        processing_result_status: text "ProcessingResultStatus",
        processing_result_code: text "ProcessingResultCode",
        processing_result_message: text "ProcessingResultMessage",
        /// 資格有効性 (OQSCD006).
        qualification_validity: text "QualificationValidity",
        results: (list QualificationRecord, "ResultOfQualificationConfirmation") "ResultList",
        /// The request's search information, echoed.
        search: (one SearchInfo) "QualificationConfirmSearchInfo",
        /// 処方箋発行形態 (OQSCD017); some peers find it here, others in each result.
        prescription_issue_select: text "PrescriptionIssueSelect",
    }
}

wire_element! {
    /// `ResultOfQualificationConfirmation`: one qualification.
    pub struct QualificationRecord {
        /// 被保険者証区分 (OQSCD010).
        insured_card_classification: text "InsuredCardClassification",
        insurer_number: text "InsurerNumber",
        insured_card_symbol: text "InsuredCardSymbol",
        insured_identification_number: text "InsuredIdentificationNumber",
        insured_branch_number: text "InsuredBranchNumber",
        /// 本人・家族の別 (OQSCD009); absent for 後期高齢.
        personal_family_classification: text "PersonalFamilyClassification",
        /// 被保険者氏名 (the head of household).
        insured_name: text "InsuredName",
        /// 氏名 (the patient).
        name: text "Name",
        /// 氏名（その他）, e.g. a common name.
        name_of_other: text "NameOfOther",
        /// 氏名カナ, half-width katakana.
        name_kana: text "NameKana",
        name_of_other_kana: text "NameOfOtherKana",
        /// 性別1 (券面表面, OQSCD007).
        sex1: text "Sex1",
        /// 性別2 (OQSCD007).
        sex2: text "Sex2",
        birthdate: text "Birthdate",
        address: text "Address",
        /// 郵便番号, e.g. `151-1234`.
        post_number: text "PostNumber",
        /// 資格取得年月日.
        qualification_date: text "QualificationDate",
        /// 資格喪失年月日.
        disqualification_date: text "DisqualificationDate",
        /// 被保険者証交付年月日.
        insured_certificate_issuance_date: text "InsuredCertificateIssuanceDate",
        /// 有効開始年月日.
        insured_card_valid_date: text "InsuredCardValidDate",
        /// 有効終了年月日.
        insured_card_expiration_date: text "InsuredCardExpirationDate",
        /// 一部負担金割合 of 後期高齢, percent as 3 digits (`010` is 1割).
        insured_partial_contribution_ratio: text "InsuredPartialContributionRatio",
        /// 未就学区分 (OQSCD015).
        preschool_classification: text "PreschoolClassification",
        /// 資格喪失事由 (OQSCD008).
        reason_of_loss: text "ReasonOfLoss",
        insurer_name: text "InsurerName",
        /// 公費負担者番号 (医療扶助).
        public_expense_number: text "PublicExpenseNumber",
        /// 受給者番号 (医療扶助).
        beneficiary_number: text "BeneficiaryNumber",
        /// 福祉事務所名 (医療扶助).
        welfare_office_name: text "WelfareOfficeName",
        elderly: (one ElderlyCertificateInfo) "ElderlyRecipientCertificateInfo",
        limit_consent_flag: text "LimitApplicationCertificateRelatedConsFlg",
        limit_consent_time: text "LimitApplicationCertificateRelatedConsTime",
        limit_info: (one LimitCertificateInfo) "LimitApplicationCertificateRelatedInfo",
        /// 限度額適用認定証情報変更有無 (OQSCD014, bulk results).
        limit_changed: text "LimitApplicationCertificateChanged",
        disease_consent_flag: text "SpecificDiseasesCertificateRelatedConsFlg",
        disease_consent_time: text "SpecificDiseasesCertificateRelatedConsTime",
        diseases: (list DiseaseCertificateInfo, "SpecificDiseasesCertificateInfo") "SpecificDiseasesCertificateList",
        medical_tickets: (list MedicalTicketInfo, "MedicalTicketInfo") "PublicExpenseResultList",
        checkup_consent_flag: text "SpecificHealthCheckupsInfoConsFlg",
        checkup_consent_time: text "SpecificHealthCheckupsInfoConsTime",
        checkup_available_time: text "SpecificHealthCheckupsInfoAvailableTime",
        pharmacists_consent_flag: text "PharmacistsInfoConsFlg",
        pharmacists_consent_time: text "PharmacistsInfoConsTime",
        pharmacists_available_time: text "PharmacistsInfoAvailableTime",
        diagnosis_consent_flag: text "DiagnosisInfoConsFlg",
        diagnosis_consent_time: text "DiagnosisInfoConsTime",
        diagnosis_available_time: text "DiagnosisInfoAvailableTime",
        operation_consent_flag: text "OperationInfoConsFlg",
        operation_consent_time: text "OperationInfoConsTime",
        operation_available_time: text "OperationInfoAvailableTime",
        /// 照会番号, present once the clinic registered one.
        reference_number: text "ReferenceNumber",
        prescription_issue_select: text "PrescriptionIssueSelect",
        /// Seen in one peer's face files only; kept so it survives a round trip.
        qualification_confirmation_key: text "QualificationConfirmationKey",
    }
}

wire_element! {
    /// `ElderlyRecipientCertificateInfo`: 高齢受給者証.
    pub struct ElderlyCertificateInfo {
        issued_date: text "ElderlyRecipientCertificateDate",
        valid_start_date: text "ElderlyRecipientValidStartDate",
        valid_end_date: text "ElderlyRecipientValidEndDate",
        /// 一部負担金割合, percent as 3 digits (`020` is 2割).
        contribution_ratio: text "ElderlyRecipientContributionRatio",
    }
}

wire_element! {
    /// `LimitApplicationCertificateRelatedInfo`: 限度額適用認定証.
    pub struct LimitCertificateInfo {
        /// OQSCD011.
        classification: text "LimitApplicationCertificateClassification",
        /// OQSCD012.
        classification_flag: text "LimitApplicationCertificateClassificationFlag",
        issued_date: text "LimitApplicationCertificateDate",
        valid_start_date: text "LimitApplicationCertificateValidStartDate",
        valid_end_date: text "LimitApplicationCertificateValidEndDate",
        /// 長期入院該当年月日.
        long_term_date: text "LimitApplicationCertificateLongTermDate",
    }
}

wire_element! {
    /// `SpecificDiseasesCertificateInfo`: one 特定疾病療養受療証.
    pub struct DiseaseCertificateInfo {
        /// OQSCD013.
        category: text "SpecificDiseasesDiseaseCategory",
        issued_date: text "SpecificDiseasesCertificateDate",
        valid_start_date: text "SpecificDiseasesValidStartDate",
        valid_end_date: text "SpecificDiseasesValidEndDate",
        /// 1か月あたりの自己負担限度額, yen.
        self_pay: text "SpecificDiseasesSelfPay",
    }
}

wire_element! {
    /// `MedicalTicketInfo`: a 医療券・調剤券 of 医療扶助.
    pub struct MedicalTicketInfo {
        ticket_type: text "TicketType",
        valid_date: text "MedicalTicketValidDate",
        expiration_date: text "MedicalTicketExpirationDate",
        issue_number: text "IssueNumber",
        medical_treatment_month: text "MedicalTreatmentMonth",
        designated_institution_code: text "DesignatedMedicalInstitutionCode",
        designated_institution_flag: text "DesignatedMedicalInstitutionFlag",
        designated_institution_name: text "DesignatedMedicalInstitutionName",
        prescriber_institution_code: text "PrescriptionIssuerMedicalInstitutionCode",
        prescriber_institution_name: text "PrescriptionIssuerMedicalInstitutionName",
        injury_name1: text "InjuryName1",
        injury_name2: text "InjuryName2",
        injury_name3: text "InjuryName3",
        medical_treatment_type: text "MedicalTreatmentType",
        self_pay_amount: text "SelfPayAmount",
        district_contact_name: text "DistrictContactName",
        handling_contact_name: text "HandlingContactName",
        single_or_combined_use: text "SingleOrCombinedUse",
        status_of_social_insurance: text "StatusOfSocialInsurance",
        consistency_flag: text "ConsistencyFlag",
        /// Spelled so on the wire.
        status_of_infection: text "StatusOfInfecton",
        status_of_elderly_medical_care: text "StatusOfElderlyMedicalCare",
        status_of_prefectural_expenses: text "StatusOfPrefecturalExpenses",
        remarks1: text "Remarks1",
        remarks2: text "Remarks2",
        remarks3: text "Remarks3",
    }
}
