//! 薬剤情報 (`YZKsiquc01req/res`) and 特定健診情報 (`TKKsiquc01req/res`) as XML (oqs-interface.md §9).
//!
//! Only one peer reads these, so the layout is known less well than the qualification messages'. The
//! drug result's first block (`MeTrMonthInf`) is public element by element and is typed here; its
//! dispensing (`CzDiInf`) and prescription (`ShPrInf`) blocks are known only in part, so they are
//! carried as raw trees: kept, written back unchanged, never guessed at.

use crate::wire::{Message, wire_element};

/// `YZKsiquc01req` and `TKKsiquc01req`.
pub type MedicalInfoRequest = Message<MedicalInfoRequestHeader, MedicalInfoRequestBody>;
/// The XML form of `YZKsiquc01res`.
pub type DrugResult = Message<DrugResultHeader, DrugResultBody>;
/// The XML form of `TKKsiquc01res`.
pub type CheckupResult = Message<CheckupResultHeader, CheckupResultBody>;

/// Which medical information a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MedicalInfoKind {
    /// 薬剤情報 (and 診療情報), `YZK`.
    Drugs,
    /// 特定健診情報, `TKK`.
    Checkups,
}

impl MedicalInfoKind {
    /// The file prefix, e.g. `YZKsiquc01req`.
    pub fn request_prefix(self) -> &'static str {
        match self {
            MedicalInfoKind::Drugs => "YZKsiquc01req",
            MedicalInfoKind::Checkups => "TKKsiquc01req",
        }
    }
}

wire_element! {
    /// The header of a drug or checkup request; note its tag names differ from the qualification
    /// messages' (`InsuranceCardSymbol`, `InsuredPersonIdentificationNumber`, `BranchNumber`).
    pub struct MedicalInfoRequestHeader {
        medical_institution_code: text "MedicalInstitutionCode",
        insurer_number: text "InsurerNumber",
        insured_card_symbol: text "InsuranceCardSymbol",
        insured_identification_number: text "InsuredPersonIdentificationNumber",
        insured_branch_number: text "BranchNumber",
        arbitrary_file_identifier: text "ArbitraryFileIdentifier",
    }
}

wire_element! {
    /// The body of a drug or checkup request.
    pub struct MedicalInfoRequestBody {
        /// From and to, YYYYMM (drugs only).
        start_date: text "StartDate",
        end_date: text "EndDate",
        /// Drugs: 1 PDF, 2 XML, 3 with 診療情報 PDF, 4 with 診療情報 XML. Checkups: 1 PDF, 2 XML.
        file_category: text "FileCategory",
        /// Always 1 in the one peer; its meaning is not public.
        prdi_inf_classification: text "PrDiInfClassification",
        /// 診療区分 (OQSCD028).
        medical_treatment_flag: text "MedicalTreatmentFlag",
    }
}

wire_element! {
    /// The header of a drug result.
    pub struct DrugResultHeader {
        process_execution_time: text "ProcessExecutionTime",
        medical_institution_code: text "MedicalInstitutionCode",
        arbitrary_file_identifier: text "ArbitraryFileIdentifier",
        character_code_identifier: text "CharacterCodeIdentifier",
        patient: (one DrugPatient) "QuaInf",
        /// 1 on success; the peer looks for it anywhere in the document.
        result_code: deep_text "ResultCode",
        /// The reason when `ResultCode` is not 1.
        message_contents: deep_text "MessageContents",
    }
}

wire_element! {
    /// `QuaInf`: whom the drug list is about.
    pub struct DrugPatient {
        name: text "Name",
        kana_name: text "KanaName",
        birth: text "Birth",
        /// 性別 (administrative gender code).
        gender: text "AdmGendCode",
    }
}

wire_element! {
    /// The body of a drug result.
    pub struct DrugResultBody {
        /// `ResultCode` where a producer puts it in the body instead.
        result_code: deep_text "ResultCode",
        message_contents: deep_text "MessageContents",
        /// One block per month of 診療 (the first source).
        months: (many DrugMonth) "MeTrMonthInf",
        /// The dispensing block, carried unread.
        dispensing: (raw) "CzDiInf",
        /// The prescription block, carried unread.
        prescriptions: (raw) "ShPrInf",
    }
}

wire_element! {
    /// `MeTrMonthInf`: one month at one institution.
    pub struct DrugMonth {
        organisation: text "DiOrg",
        institution_code: text "MeTrDiHCd",
        prescriber_code: text "PrlsHCd",
        institution_name: text "MeTrDiHNm",
        /// 診療年月, YYYYMM.
        month: text "MeTrMonth",
        prescriber_name: text "PrlsHNm",
        /// Its meaning is not public; the one peer reading it takes it as a 自院 flag.
        prescription_kind: text "PrIsOrg",
        /// 院内 or 院外.
        in_out: text "InOut",
        days: (list DrugDay, "DiDateInf") "DiDateInfs",
    }
}

wire_element! {
    /// `DiDateInf`: what was given on one day.
    pub struct DrugDay {
        /// 調剤日, YYYYMMDD.
        date: text "DiDate",
        /// 処方日, YYYYMMDD.
        prescribed: text "PrDate",
        drugs: (list Drug, "DrugInf") "DrugInfs",
        treatments: (list Treatment, "MeTrInf") "MeTrInfs",
    }
}

wire_element! {
    /// `DrugInf`: one drug.
    pub struct Drug {
        code: text "DrugC",
        /// 1回用量 or quantity.
        quantity: text "Qua1",
        /// 用法.
        usage: text "UsageN",
        /// 用法等の特別指示.
        special_instruction: text "SpInst",
        /// 日数 or 回数.
        times: text "Times",
        /// 成分名.
        ingredient: text "IngreN",
        /// 使用区分 (内服 / 外用 …).
        use_kind: text "MeTrIdCl",
        unit: text "Unit",
        /// 医薬品名.
        name: text "DrugN",
    }
}

wire_element! {
    /// `MeTrInf`: one treatment (診療行為).
    pub struct Treatment {
        name: text "SinInfN",
        code: text "SinInfCd",
        use_kind: text "MeTrIdCl",
        quantity: text "Qua1",
        times: text "Times",
        unit: text "Unit",
    }
}

wire_element! {
    /// The header of a checkup result.
    pub struct CheckupResultHeader {
        process_execution_time: text "ProcessExecutionTime",
        medical_institution_code: text "MedicalInstitutionCode",
        arbitrary_file_identifier: text "ArbitraryFileIdentifier",
        character_code_identifier: text "CharacterCodeIdentifier",
        patient: (one CheckupPatient) "QualificationsInfo",
        result_code: deep_text "ResultCode",
        message_contents: deep_text "MessageContents",
    }
}

wire_element! {
    /// `QualificationsInfo`: whom the checkups are about.
    pub struct CheckupPatient {
        name: text "Name",
        /// Spelled so on the wire.
        kana_name: text "KanasName",
        birthday: text "Birthday",
        gender: text "AdministrativeGenderCode",
    }
}

wire_element! {
    /// The body of a checkup result.
    pub struct CheckupResultBody {
        result_code: deep_text "ResultCode",
        message_contents: deep_text "MessageContents",
        /// One per checkup; the peer finds them at any depth.
        checkups: (deep Checkup) "SpecificHealthCheckupInfo",
    }
}

wire_element! {
    /// `SpecificHealthCheckupInfo`: one checkup.
    pub struct Checkup {
        /// 実施日, YYYYMMDD.
        effective_time: text "EffectiveTime",
        items: (list CheckupItem, "HealthCheckupResultAndQuestionInfo") "HealthCheckupResultAndQuestionInfos",
    }
}

wire_element! {
    /// `HealthCheckupResultAndQuestionInfo`: one measured item or answer.
    pub struct CheckupItem {
        code: text "ItemCode",
        name: text "ItemName",
        data_type: text "DataType",
        value: text "DataValue",
        unit: text "Unit",
        oid: text "Oid",
        value_name: text "DataValueName",
    }
}
