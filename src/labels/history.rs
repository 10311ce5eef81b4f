//! The labels of `pages/history.rs`, `pages/history/conditions.rs`,
//! `pages/history/csv_download.rs`, `pages/history/results.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000 Case1 ⑥.
pub const SCREEN_HISTORY_DETAIL: &str = "資格確認履歴詳細";
/// Seed 000 Case1: the heading of the conditions.
pub const HISTORY_CONDITIONS: &str = "検索条件：資格確認履歴照会";
/// Seed 000 Case1.
pub const LABEL_INSTITUTION_CODE: &str = "医療機関コード";
/// Seed 000 Case1.
pub const LABEL_HISTORY_NARROW: &str = "資格確認区分絞り込み";
/// Ours: the accessible names of a bound's two inputs.
pub const LABEL_DATE: &str = "日付";
/// Ours.
pub const LABEL_TIME: &str = "時刻";
/// Seed 000 Case1.
pub const CLEAR: &str = "クリア";
/// Seed 000 Case1 ⑤: 「検索結果：1件 1-1件表示」.
pub fn history_summary(total: usize, first: usize, last: usize) -> String {
    format!("検索結果：{total}件 {first}-{last}件表示")
}
/// Seed 000 Case1 ⑤.
pub const PAGE_PREVIOUS: &str = "<<前へ";
/// Seed 000 Case1 ⑤.
pub const PAGE_NEXT: &str = "次へ>>";
/// Ours: the accessible name of the page links.
pub const PAGES: &str = "ページ";
/// Ours.
pub const HISTORY_NONE: &str = "条件に該当する資格確認履歴はありません。";
/// Ours: results that arrived through the live feed since the search, now in the list.
pub fn history_new_rows(count: usize) -> String {
    format!("検索後に新しい資格確認結果が{count}件届きました。")
}
/// Ours: the badge on a row the live feed brought.
pub const HISTORY_NEW_BADGE: &str = "新着";
/// Seed 000 Case1 ⑤: the column and the button of each row.
pub const DETAIL: &str = "詳細";
/// Ours: the choice of the CSV's character set.
pub const CSV_ENCODING: &str = "文字コード";
/// Ours: saves the refused CSV as UTF-8 instead (decisions.md D6).
pub const CSV_SAVE_UTF8: &str = "UTF-8（BOM付き）で保存";
/// Ours: the CSV's name, with the time it was made (`yyyymmddhhmmss`).
pub fn history_csv_name(made_at: &str) -> String {
    format!("資格確認履歴_{made_at}.csv")
}
