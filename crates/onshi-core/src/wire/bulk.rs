//! Bulk inquiries (一括照会, oqs-interface.md §7): the upload (`…01req`), its receipt with the reception
//! number (`…01res`), the download request (`…02req`) and the result (`…02res`). The qualification
//! kind (`OQSmuquc`), 医療扶助 (`OQSmutic`), 訪問診療等 (`OQSmuhvq`) and オンライン診療等 (`OQSmuonq`)
//! share these shapes; only the file prefix and the search elements used differ.

use crate::wire::{
    Message, QualificationRecord, RequestHeader, ResultHeader, SearchInfo, wire_element,
};

/// `…01req`: the people to look up.
pub type BulkRequest = Message<RequestHeader, BulkRequestBody>;
/// `…01res`: the receipt.
pub type BulkReceipt = Message<ResultHeader, BulkReceiptBody>;
/// `…02req`: asks for the result of a reception number.
pub type DownloadRequest = Message<RequestHeader, DownloadRequestBody>;
/// `…02res`: the result, one unit per person (`SegmentOfResult` 2 while processing).
pub type BulkResult = Message<ResultHeader, BulkResultBody>;

/// The kinds of bulk inquiry and their file prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BulkKind {
    /// 資格確認一括照会 (`OQSmuquc`).
    Qualifications,
    /// 医療扶助 (`OQSmutic`), by 診療年月.
    MedicalAid,
    /// 訪問診療等 (`OQSmuhvq`), by 同意日.
    HomeVisit,
    /// オンライン診療等 (`OQSmuonq`), by 同意日 or 受診日.
    Online,
}

impl BulkKind {
    pub const ALL: [BulkKind; 4] = [
        BulkKind::Qualifications,
        BulkKind::MedicalAid,
        BulkKind::HomeVisit,
        BulkKind::Online,
    ];

    /// The file prefix without the step, e.g. `OQSmuquc`.
    pub fn prefix(self) -> &'static str {
        match self {
            BulkKind::Qualifications => "OQSmuquc",
            BulkKind::MedicalAid => "OQSmutic",
            BulkKind::HomeVisit => "OQSmuhvq",
            BulkKind::Online => "OQSmuonq",
        }
    }
}

wire_element! {
    /// The body of `…01req`: one search per person.
    pub struct BulkRequestBody {
        searches: (many SearchInfo) "QualificationConfirmSearchInfo",
    }
}

wire_element! {
    /// The body of `…01res`.
    pub struct BulkReceiptBody {
        processing_result_status: text "ProcessingResultStatus",
        processing_result_code: text "ProcessingResultCode",
        processing_result_message: text "ProcessingResultMessage",
        /// 受付番号.
        reception_number: text "ReceptionNumber",
        /// 受付日時, YYYYMMDDHHmmss.
        reception_date_time: text "ReceptionDateTime",
    }
}

wire_element! {
    /// The body of `…02req`.
    pub struct DownloadRequestBody {
        reception_number: text "ReceptionNumber",
    }
}

wire_element! {
    /// The body of `…02res`.
    pub struct BulkResultBody {
        units: (many BulkConfirmUnit) "BulkConfirmUnit",
    }
}

wire_element! {
    /// `BulkConfirmUnit`: one person's answer.
    pub struct BulkConfirmUnit {
        search: (one SearchInfo) "QualificationConfirmSearchInfo",
        processing_result_status: text "ProcessingResultStatus",
        processing_result_code: text "ProcessingResultCode",
        processing_result_message: text "ProcessingResultMessage",
        qualification_validity: text "QualificationValidity",
        /// Peers find these directly in the unit or inside a `ResultList`; read from any depth.
        results: (deep QualificationRecord) "ResultOfQualificationConfirmation",
        reference_number: text "ReferenceNumber",
    }
}
