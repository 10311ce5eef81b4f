//! The labels of `components/qualification_fields.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000.
pub const LABEL_INSURER_NAME: &str = "保険者名";
/// Seed 000.
pub const LABEL_NAME_OTHER: &str = "氏名(その他)";
/// Seed 000.
pub const LABEL_SEX_FRONT: &str = "性別(表面)";
/// Seed 000.
pub const LABEL_CARD_CLASSIFICATION: &str = "証区分";
/// Seed 000.
pub const LABEL_REASON_OF_LOSS: &str = "資格喪失事由";
/// Seed 000.
pub const LABEL_PERSONAL_FAMILY: &str = "本人・家族の別";
/// Seed 000.
pub const LABEL_INSURED_NAME: &str = "被保険者氏名";
/// Seed 000.
pub const LABEL_POST_NUMBER: &str = "郵便番号";
/// Seed 000.
pub const LABEL_ADDRESS: &str = "住所";
/// Ours.
pub const LABEL_KANA_OTHER: &str = "カナ(その他)";
