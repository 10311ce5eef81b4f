//! The labels of `pages/inquiry.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: what the form is for.
pub const INQUIRY_INTRO: &str =
    "保険証（または処方箋）に記載された情報を入力し、「検索」を選択してください。";
/// Seed 002.
pub const LABEL_TREATMENT: &str = "診療区分";
/// Ours: the patient's answer about 限度額 information (OQSCD001).
pub const LABEL_LIMIT_CONSENT: &str = "限度額適用認定証提供同意";
/// Ours.
pub const LIMIT_CONSENT_YES: &str = "同意あり";
/// Ours.
pub const LIMIT_CONSENT_NO: &str = "同意なし";
/// Ours: how dates may be typed.
pub const DATE_HINT: &str = "例：S29.3.26、昭和29年3月26日、1954/03/26";
/// Ours: 枝番 is printed on cards issued since 2021; 後期高齢 cards have none.
pub const BRANCH_HINT: &str = "2桁（後期高齢者医療の被保険者証は入力不要）";
