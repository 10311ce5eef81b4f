//! The labels of `pages/outbox.rs`, `state/outbox.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours.
pub const OUTBOX_EMPTY: &str = "未送信の登録はありません。";
/// Ours.
pub const OUTBOX_HINT: &str = "接続先から応答がなかった登録です。同じ登録が二重に反映されることはありません。この端末で同じ医療機関の利用者がログインしている間、自動で再送します。";
/// Ours.
pub const OUTBOX_CREATED_AT: &str = "作成日時";
/// Ours.
pub const OUTBOX_USER: &str = "作成者";
/// Ours.
pub const OUTBOX_CONTENT: &str = "内容";
/// Ours.
pub const OUTBOX_STATE: &str = "状態";
/// Ours.
pub const OUTBOX_PENDING: &str = "送信待ち";
/// Ours.
pub const OUTBOX_SENDING: &str = "送信中";
/// Ours: the endpoint has the same write with the national side, whose answer has not come yet;
/// nothing failed.
pub const OUTBOX_AWAITING_ANSWER: &str =
    "回答待ち（オンライン資格確認等システムの回答を待っています。自動で再送します）";
/// Ours.
pub const OUTBOX_FAILED: &str = "送信できませんでした（自動で再送します）";
/// Ours: D4's 要確認 (older than six days, not replayed automatically).
pub const OUTBOX_NEEDS_CHECK: &str = "要確認：作成から6日以上経過したため自動では再送しません。現在の登録内容を確認してから送り直してください。";
/// Ours: a queued write for another endpoint or institution, which this session does not send.
pub const OUTBOX_OTHER_SCOPE: &str = "別の接続先または医療機関の登録のため、ここでは送信しません";
/// Ours.
pub const OUTBOX_RESEND_NOW: &str = "今すぐ再送";
/// Ours.
pub const OUTBOX_SEND_AGAIN: &str = "新しく送り直す";
/// Ours.
pub const OUTBOX_DISMISS: &str = "確認済み";
/// Ours.
pub const OUTBOX_DISCARD: &str = "破棄";
/// Ours.
pub const OUTBOX_DISCARD_CONFIRM: &str = "この登録を送信せずに破棄します。よろしいですか。";
/// Ours.
pub const OUTBOX_UNREADABLE: &str = "未送信の登録を読み出せませんでした。";
