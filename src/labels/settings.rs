//! The labels of `pages/settings.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: the settings screen's explanation.
pub const SETTINGS_INTRO: &str = "資格確認に使う接続先を選んでください。接続先を変更すると、ログイン中の利用者はログアウトします。";
/// Ours: the heading of the choices.
pub const SETTINGS_CHOICES: &str = "接続先";
/// Ours: what the training choice means.
pub const ENDPOINT_TRAINING_NOTE: &str =
    "研修用のデータで、このブラウザの中だけで動作します。接続先は不要です。";
/// Ours: what the "this server" choice means.
pub const ENDPOINT_THIS_SERVER_NOTE: &str = "この画面を配信しているサーバを接続先にします。";
/// Ours: what the "other" choice means.
pub const ENDPOINT_OTHER_NOTE: &str =
    "接続先のURLを入力します。このアプリのサーバ設定で許可された接続先だけに接続できます。";
/// Ours: the label of the endpoint's URL.
pub const LABEL_ENDPOINT_URL: &str = "接続先のURL";
/// Ours: the button that checks and then uses the chosen endpoint.
pub const SETTINGS_SAVE: &str = "この接続先を使う";
/// Ours: shown once the new endpoint is in use.
pub const SETTINGS_SAVED: &str = "接続先を変更しました。";
/// Ours: the link from the settings screen back to sign-in.
pub const GO_TO_SIGN_IN: &str = "ログイン画面へ";
/// Ours: the endpoint's contract version, shown on the settings screen.
pub const LABEL_CONTRACT_VERSION: &str = "契約バージョン";
/// Ours: the endpoint's state while its capabilities are being read.
pub const ENDPOINT_CHECKING: &str = "接続先を確認しています…";
/// Ours: the endpoint answered its capabilities.
pub const ENDPOINT_AVAILABLE: &str = "接続できます";
/// Ours: an endpoint that works on training data (an HTTP endpoint started with `--training`).
pub const ENDPOINT_TRAINING_DATA: &str = "研修用のデータ";
