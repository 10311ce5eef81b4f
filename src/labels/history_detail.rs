//! The labels of `pages/history_detail.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000 Case1 ⑥.
pub const LABEL_PRESCRIPTION_ISSUE: &str = "処方箋発行形態選択";
/// Seed 000 Case1 ⑥.
pub const PRESCRIPTION_NOT_CHOSEN: &str = "未選択";
/// Ours: what the detail's download leaves out.
pub const HISTORY_DETAIL_BLACK_CIRCLE: &str = "「●」は変換できない文字です。●を含む項目は、ダウンロードするレセコン用の資格情報に含めません。";
