//! The labels of `pages/qualification_check.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000 Case2 ③.
pub const RESULT_VALID: &str = "この資格は有効です。";
/// Seed 000 「その他の判定結果」.
pub const RESULT_INVALID: &str = "この資格は無効です。";
/// Seed 000 「その他の判定結果」.
pub const RESULT_INVALID_WITH_NEW: &str =
    "この資格は無効です。新しい資格が存在するので確認してください。";
/// Ours (OQSCD006 4 該当資格なし).
pub const RESULT_NO_QUALIFICATION: &str =
    "該当する資格がありません。入力した保険証の情報と生年月日を確認してください。";
/// Ours (OQSCD006 5 複数該当).
pub const RESULT_MULTIPLE: &str = "複数の資格が該当しました。患者に保険証を確認してください。";
/// Ours (OQSCD006 6, 医療扶助).
pub const RESULT_VALID_UNREGISTERED: &str = "この資格は有効です（未登録）。";
/// Ours: the national side answered with an error inside the message (ProcessingResultStatus 2).
pub const RESULT_ERROR: &str = "資格確認でエラーが発生しました。";
/// Ours: a 資格有効性 this build does not know.
pub const RESULT_UNKNOWN: &str = "資格確認の結果を判定できませんでした。";
/// Seed 000.
pub const ELDERLY_CERTIFICATE: &str = "高齢受給者証";
/// Seed 000.
pub const LIMIT_CERTIFICATE: &str = "限度額適用認定証";
/// Seed 000: the button that reveals the 限度額 details.
pub const SHOW_INFORMATION: &str = "情報表示";
/// Seed 000 (the guides print 関する once and 関わる once; we settle on 関する).
pub const PRIVACY_WARNING: &str =
    "プライバシーに関する情報のため、患者の同意にもとづきご参照ください。";
/// Ours: 情報表示 where the patient did not consent.
pub const LIMIT_NOT_CONSENTED: &str =
    "患者の同意がないため、限度額適用認定証の情報は表示できません。";
/// Ours: consented, but the insurer has no certificate.
pub const LIMIT_NONE: &str = "限度額適用認定証の情報はありません。";
/// Ours: 限度額適用認定証's fields.
pub const LABEL_LIMIT_CLASSIFICATION: &str = "適用区分";
/// Ours.
pub const LABEL_ISSUED: &str = "交付年月日";
/// Ours.
pub const LABEL_LONG_TERM: &str = "長期入院該当年月日";
/// Ours: the 特定疾病療養受療証 block.
pub const DISEASE_CERTIFICATE: &str = "特定疾病療養受療証";
/// Ours.
pub const LABEL_DISEASE: &str = "認定疾病名";
/// Ours.
pub const LABEL_SELF_PAY: &str = "自己負担限度額";
/// Seed 001 FAQ 2, reworded for the screen: what ● means and what to do.
pub const BLACK_CIRCLE_WARNING: &str = "「●」は変換できない文字です。●を含む項目はチェックを外した状態にしています。レセコンには反映されません。";
/// Ours: the per-item checkbox's meaning.
pub const HAND_OVER_HINT: &str = "チェックした項目をレセコンに反映します。";
/// Seed 000.
pub const NEXT_PATIENT_CARD: &str = "次の患者へ(マイナンバーカード)";
/// Seed 000.
pub const NEXT_PATIENT_INSURANCE: &str = "次の患者へ(保険証)";
/// Ours: the count of qualifications in a 複数該当 result.
pub fn qualification_count(n: usize) -> String {
    format!("該当した資格：{n}件")
}
/// Ours: 自己負担限度額 in yen.
pub fn yen(amount: u32) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}円")
}
/// Ours: the seeds print the kana above the name without a label.
pub const LABEL_KANA: &str = "カナ";
/// Seed 000 (資格確認履歴詳細).
pub const CONSENT_LIMIT_VIEW: &str = "限度額適用認定証閲覧同意";
/// Seed 000.
pub const CONSENT_DISEASE_VIEW: &str = "特定疾病療養受療証閲覧同意";
/// Seed 000.
pub const CONSENT_CHECKUPS_VIEW: &str = "特定健診情報閲覧同意";
/// Seed 000.
pub const CONSENT_PHARMACY_VIEW: &str = "薬剤情報閲覧同意";
/// Seed 000.
pub const CONSENT_DIAGNOSIS_VIEW: &str = "診療情報閲覧同意";
/// Ours: decisions.md D9 shows all six flags; the seed's table prints five.
pub const CONSENT_OPERATION_VIEW: &str = "手術情報閲覧同意";
/// Seed 000 (the button beside 照会番号 on 資格情報確認).
pub const EDIT: &str = "編集";
/// Ours: the button that sends a 照会番号 registration.
pub const REGISTER: &str = "登録";
/// Ours.
pub const REFERENCE_SENDING: &str = "照会番号を送信しています…";
