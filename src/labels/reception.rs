//! The labels of `pages/reception.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: what the screen does.
pub const RECEPTION_INTRO: &str = "患者が顔認証付きカードリーダーで確認を終えると、結果がここに表示されます。結果を選ぶと資格情報確認を表示します。";
/// Ours: the feed is connected.
pub const RECEPTION_WAITING: &str = "カードリーダーからの結果を待っています。";
/// Ours: the feed is being opened.
pub const RECEPTION_CONNECTING: &str = "結果の受信を開始しています…";
/// Ours: the feed lost the endpoint and tries again.
pub const RECEPTION_INTERRUPTED: &str = "接続が途切れました。再接続しています…";
/// Ours: the feed stopped for good (not because the session ended: that returns to sign-in).
pub const RECEPTION_ENDED: &str = "結果の受信が停止しました。この画面を開き直してください。";
/// Ours.
pub const RECEPTION_EMPTY: &str = "本日のカードリーダーでの確認結果はまだありません。";
/// Ours: the list's caption.
pub const RECEPTION_LIST: &str = "本日のカードリーダーでの確認結果（新しい順）";
/// Ours.
pub const RECEPTION_COL_TIME: &str = "確認時刻";
/// Seed 000 Case3 (カードリーダー名).
pub const RECEPTION_COL_READER: &str = "カードリーダー";
/// Seed 000 (the history list's column).
pub const RECEPTION_COL_NAME: &str = "氏名";
/// Seed 000 (the history list's column).
pub const RECEPTION_COL_RESULT: &str = "資格確認結果";
/// Seed 000: the history list's button that opens one result.
pub const RECEPTION_OPEN: &str = "詳細";
/// Ours: the badge of a result that arrived while the screen was open.
pub const RECEPTION_NEW: &str = "新着";
/// Ours: a result without a name (該当資格なし).
pub const RECEPTION_NO_NAME: &str = "（氏名なし）";
/// Ours: what a screen reader announces when a result arrives.
pub fn reception_arrived(name: &str, outcome: &str) -> String {
    format!("新しい確認結果が届きました：{name}　{outcome}")
}
/// Ours: a face reader's result file arrived at `time` (HH:MM:SS) but the endpoint could not read
/// it, so its patient is in no list. Nothing of the patient is said: nothing of them was read.
pub fn reception_face_unreadable(time: &str) -> String {
    format!(
        "{time}　顔認証付きカードリーダーから確認結果が届きましたが、読み取れませんでした。この患者は一覧に表示されません。"
    )
}
/// Ours: what to do, before the link to 保険証/処方箋で確認.
pub const RECEPTION_FACE_UNREADABLE_ACTION_BEFORE: &str = "この患者の資格は「";
/// Ours: what to do, after the link to 保険証/処方箋で確認.
pub const RECEPTION_FACE_UNREADABLE_ACTION_AFTER: &str =
    "」で確認してください。繰り返し発生する場合は、資格確認端末の販売業者にお問い合わせください。";
/// Ours: the file's name, shown small for the vendor.
pub const RECEPTION_FACE_UNREADABLE_FILE: &str = "ファイル名：";
/// Ours: the notices' list, for screen readers.
pub const RECEPTION_FACE_UNREADABLE_LIST: &str = "読み取れなかった確認結果";
/// Ours: the heading of the patient's viewing consents shown with a reader result.
pub const CONSENTS_HEADING: &str = "閲覧同意";
