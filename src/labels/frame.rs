//! The labels of `components/frame.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000.
pub const LOGOUT: &str = "ログアウト";
/// Ours: the permanent banner of training mode.
pub const TRAINING_BANNER: &str = "研修モード";
/// Ours: the banner's explanation.
pub const TRAINING_BANNER_NOTE: &str =
    "研修用のデータで動作しています。実際の資格確認は行われません。";
/// Ours: seed 000 shows an announcement answered with 「OK」 but does not word it.
pub const LOGOUT_CONFIRM: &str = "ログアウトします。よろしいですか？";
/// Ours: the frame's list of readers and their modes.
pub const FRAME_READERS: &str = "カードリーダー";
/// Ours: the frame's prompt after a visual check (seed 000 ⑪: staff switch back to 無人運転).
pub fn reader_return_prompt(label: &str) -> String {
    format!("「{label}」の目視確認が完了しました。無人運転モードに戻してください。")
}
/// Ours.
pub const READER_RETURN: &str = "無人運転に戻す";
/// Ours: the frame's button that shows the panel.
pub const PANEL_OPEN: &str = "カードリーダー（患者側）を表示";
/// Ours.
pub const PANEL_CLOSE: &str = "カードリーダー（患者側）を閉じる";
/// Ours: the frame's badge.
pub fn outbox_badge(n: usize) -> String {
    format!("未送信の登録 {n}件")
}
/// Ours: logout with writes not yet sent (D4: send now / keep for later).
pub const OUTBOX_LOGOUT_TITLE: &str = "未送信の登録があります";
/// Ours.
pub fn outbox_logout_message(n: usize) -> String {
    format!(
        "未送信の登録が{n}件あります。今すぐ送信するか、この端末に保持してログアウトするかを選んでください（保持した登録は、次にログインした同じ医療機関の利用者の操作で送信されます）。"
    )
}
/// Ours.
pub const OUTBOX_SEND_NOW: &str = "今すぐ送信";
/// Ours.
pub const OUTBOX_KEEP_AND_LOGOUT: &str = "保持してログアウト";
