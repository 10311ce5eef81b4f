//! 照会番号登録 (oqs-interface.md §8): single (`OQSsiimm01req/res`) and bulk (`OQSmuimm01req/res`,
//! `OQSmuimm02req/res`). The bulk receipt and download request share the bulk inquiry's shapes.

use crate::wire::{Message, RequestHeader, ResultHeader, wire_element};

/// `OQSsiimm01req`.
pub type ReferenceRequest = Message<RequestHeader, ReferenceRequestBody>;
/// `OQSsiimm01res`.
pub type ReferenceResult = Message<ResultHeader, ReferenceResultBody>;
/// `OQSmuimm01req`.
pub type BulkReferenceRequest = Message<RequestHeader, BulkReferenceRequestBody>;
/// `OQSmuimm02res`.
pub type BulkReferenceResult = Message<ResultHeader, BulkReferenceResultBody>;

wire_element! {
    /// `ReferenceNumberRegistrationInfo`: a patient and the number the clinic gives them.
    pub struct ReferenceRegistration {
        /// 照会番号, at most 50 characters.
        reference_number: text "ReferenceNumber",
        insurer_number: text "InsurerNumber",
        insured_card_symbol: text "InsuredCardSymbol",
        insured_identification_number: text "InsuredIdentificationNumber",
        insured_branch_number: text "InsuredBranchNumber",
    }
}

wire_element! {
    /// The body of `OQSsiimm01req`.
    pub struct ReferenceRequestBody {
        registration: (one ReferenceRegistration) "ReferenceNumberRegistrationInfo",
    }
}

wire_element! {
    /// The body of `OQSsiimm01res`. Its real layout is not public; like the peer that parses it, the
    /// outcome is found at any depth (a wrapper element the real file may have changes nothing).
    pub struct ReferenceResultBody {
        processing_result_status: deep_text "ProcessingResultStatus",
        processing_result_code: deep_text "ProcessingResultCode",
        processing_result_message: deep_text "ProcessingResultMessage",
        registration: (one ReferenceRegistration) "ReferenceNumberRegistrationInfo",
    }
}

wire_element! {
    /// The body of `OQSmuimm01req`.
    pub struct BulkReferenceRequestBody {
        registrations: (many ReferenceRegistration) "ReferenceNumberRegistrationInfo",
    }
}

wire_element! {
    /// The body of `OQSmuimm02res`.
    pub struct BulkReferenceResultBody {
        units: (many BulkRegistrationUnit) "BulkRegistrationUnit",
    }
}

wire_element! {
    /// `BulkRegistrationUnit`: one registration's outcome.
    pub struct BulkRegistrationUnit {
        registration: (one ReferenceRegistration) "ReferenceNumberRegistrationInfo",
        processing_result_status: text "ProcessingResultStatus",
        processing_result_code: text "ProcessingResultCode",
        processing_result_message: text "ProcessingResultMessage",
    }
}
