//! The labels of `pages/password_change.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: 新しいパスワード（確認） left empty.
pub const PASSWORD_CONFIRM_REQUIRED: &str =
    "確認のため、新しいパスワードをもう一度入力してください。";
/// Ours: 新しいパスワード（確認） differs from 新しいパスワード.
pub const PASSWORD_CONFIRM_MISMATCH: &str =
    "新しいパスワード（確認）が新しいパスワードと一致しません。";
/// Ours: the first field (seed 002 names the step, not its fields).
pub const LABEL_CURRENT_PASSWORD: &str = "現在のパスワード";
/// Ours.
pub const LABEL_NEW_PASSWORD: &str = "新しいパスワード";
/// Ours.
pub const LABEL_NEW_PASSWORD_CONFIRM: &str = "新しいパスワード（確認）";
/// Ours: the button that runs the change (seed 002 「変更を実行」).
pub const PASSWORD_CHANGE_BUTTON: &str = "変更";
/// Seed 003 (※1 under the issued master password): shown while the password must be changed.
pub const PASSWORD_CHANGE_FIRST: &str =
    "安全管理上、初回ログイン時にはパスワードを変更してください。";
/// Ours: why the other screens lead back here until then.
pub const PASSWORD_CHANGE_FIRST_NOTE: &str = "パスワードを変更するまで、他の画面は利用できません。";
/// Ours: the heading of the policy.
pub const PASSWORD_POLICY_TITLE: &str = "パスワードの条件";
/// Ours, after seed 002 (「④ 変更を完了」).
pub const PASSWORD_CHANGED: &str = "パスワードを変更しました。";
