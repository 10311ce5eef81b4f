//! The labels of `pages/passcode.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 004 step 5.
pub const PASSCODE_EXPLANATION: &str = "顔認証装置で職員モード(目視確認)に切り替えて資格確認を実施する際に必要となる4桁のパスコードを発行します。目視確認用パスコードは変更不可であり、再発行のみ可能です。※再発行の場合、既に発行した目視確認用パスコードは利用できなくなります。";
/// Seed 004 step 5.
pub const PASSCODE_ISSUE: &str = "発行";
/// Seed 004 step 6: 「目視確認用パスコードを発行します。よろしいですか? ユーザID:ons」.
pub fn passcode_confirm(user_id: &str) -> String {
    format!("目視確認用パスコードを発行します。よろしいですか?\nユーザID:{user_id}")
}
/// Seed 004 step 7.
pub const PASSCODE_REMEMBER: &str =
    "パスコードは目視確認モードを使用する際に、入力することになるため忘れないようにして下さい。";
/// Ours: the code is shown once (decisions.md D2).
pub const PASSCODE_SHOWN_ONCE: &str =
    "この表示を閉じると、パスコードは再表示できません。忘れた場合は再発行してください。";
