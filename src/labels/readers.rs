//! The labels of `pages/readers.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000 Case3 ⑤: the table's heading.
pub const READERS_COLUMN: &str = "カードリーダー名 / 現在のモード";
/// Seed 000 Case3 ⑤, followed by the selected reader's mode (decisions.md D9).
pub const READERS_SELECTED_MODE: &str = "※選択中のモード：";
/// Seed 000 Case3 ⑤.
pub const READERS_RELOAD: &str = "再読み込み";
/// Ours: the radio that selects a reader row (decisions.md D9: the screen acts on the selected one).
pub const READERS_SELECT: &str = "選択";
/// Seed 000 Case3 ⑤.
pub const VISUAL_ITEMS_HEADING: &str = "目視確認時利用項目";
/// Seed 000 Case3 ⑤.
pub const IDENTITY_HEADING: &str = "本人確認";
/// Seed 000 Case3 ⑤.
pub const IDENTITY_BY_CARD_FACE: &str = "マイナンバーカードの券面で目視確認";
/// Seed 000 Case3 ⑤.
pub const IDENTITY_CONFIRMED: &str = "目視で本人確認完了";
/// Seed 000 Case3 ⑧.
pub const VISUAL_RUN_TITLE: &str = "目視確認実行";
/// Seed 000 Case3 ⑧.
pub const VISUAL_RUN_CONFIRM: &str = "目視確認による資格照会を行います。\n目視で本人確認を行いましたら「OK」ボタンを押してください。";
/// Seed 000 Case3 ⑨.
pub const VISUAL_RUN_WAITING: &str = "患者にマイナンバーカードを顔認証付きカードリーダーに置いてもらい、画面指示に従い操作していただきます。";
/// Seed 000 Case3 ⑩.
pub const VISUAL_RUN_DONE: &str = "目視による資格確認が完了しました。";
/// Ours: the pending check ended without a result (the reader's mode was changed or 「中止」).
pub const VISUAL_RUN_CANCELLED: &str =
    "目視確認による資格照会は中止されました。カードリーダーのモードが変更されています。";
/// Ours: 目視確認実行 needs the selected reader in 目視確認.
pub const VISUAL_RUN_NEEDS_MODE: &str =
    "選択中のカードリーダーを目視確認モードに切り替えてから実行してください。";
/// Ours: 目視確認実行 needs a reader selected.
pub const VISUAL_RUN_NEEDS_READER: &str = "カードリーダーを選択してください。";
