//! The labels of `components/mode_switch.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000 Case3 ③.
pub const MODE_SWITCH_TITLE: &str = "モード切替";
/// Seed 000 Case3 ③ and ⑫: 「目視確認モードに切り替えます。よろしいですか？ カードリーダー：…」.
pub fn mode_switch_confirm(mode: &str, device: &str) -> String {
    format!("{mode}モードに切り替えます。よろしいですか？\nカードリーダー：{device}")
}
/// Seed 000 Case3 ④ and ⑬.
pub fn mode_switched(mode: &str, device: &str) -> String {
    format!("{mode}モードに切り替えました。\nカードリーダー：{device}")
}
/// Ours: decisions.md D7 (a stale ETag: another terminal changed the reader first).
pub const READER_CHANGED_ELSEWHERE: &str =
    "他の端末でモードが変更されました。最新の状態を読み込み直しました。";
/// Ours: the reader was removed while the screen showed it.
pub const READER_GONE: &str =
    "選択したカードリーダーが見つかりません。カードリーダーの一覧を読み込み直しました。";
