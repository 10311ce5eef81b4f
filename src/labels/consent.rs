//! The labels of `components/consent.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 002.
pub const READER_SCREEN_CONSENT_PURPOSE: &str =
    "この情報はあなたの診察や健康管理のために使用します。";
/// Ours, after seed 002's question about 特定健診等情報 (decisions.md D9's first question).
pub const TRAINER_ASK_MEDICAL: &str =
    "過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。";
/// Seed 002.
pub const TRAINER_ASK_CHECKUPS: &str = "過去の特定健診等情報を当機関に提供することに同意しますか。";
/// Seed 002.
pub const TRAINER_ASK_LIMIT: &str = "限度額情報や特定疾病療養受療証情報を提供しますか。";
/// Seed 002.
pub const TRAINER_AGREE: &str = "同意する";
/// Seed 002.
pub const TRAINER_DISAGREE: &str = "同意しない";
/// Seed 002.
pub const TRAINER_PROVIDE: &str = "提供する";
/// Seed 002.
pub const TRAINER_NOT_PROVIDE: &str = "提供しない";
