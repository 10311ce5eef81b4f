//! The labels of `pages/sign_in.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 001.
pub const YES: &str = "はい";
/// Seed 001.
pub const NO: &str = "いいえ";
/// Ours: the sign-in screen's name in the frame.
pub const SCREEN_SIGN_IN: &str = "ログイン";
/// Seed 003 (the sign-in box).
pub const LABEL_PASSWORD: &str = "パスワード";
/// Seeds 000, 003.
pub const SIGN_IN_BUTTON: &str = "ログイン";
/// Ours: the training accounts panel on the sign-in page.
pub const TRAINING_ACCOUNTS_TITLE: &str = "研修用アカウント";
/// Ours: the panel's explanation.
pub const TRAINING_ACCOUNTS_NOTE: &str = "研修モードでは次のアカウントでログインできます。「入力」を押すとユーザIDとパスワードが入力されます。";
/// Ours: fills the sign-in form with a training account.
pub const TRAINING_ACCOUNTS_FILL: &str = "入力";
/// Seed 002's account table.
pub const LABEL_ACCOUNT_KIND: &str = "アカウントの種類";
/// Seed 003 (ユーザ設定情報).
pub const LABEL_USER_NAME: &str = "ユーザ名";
