//! The labels of `components/idle.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: the idle warning shown in the last minute.
pub const IDLE_WARNING_TITLE: &str = "自動ログアウトの確認";
/// Ours: the button that keeps the session alive.
pub const IDLE_CONTINUE: &str = "操作を続ける";
/// Ours: the idle warning's text, with the seconds left.
pub fn idle_warning(seconds_left: i64) -> String {
    format!("操作が行われていないため、あと{seconds_left}秒で自動的にログアウトします。")
}
