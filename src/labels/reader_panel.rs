//! The labels of `components/reader_panel.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: the panel is the trainer's, not part of the real terminal.
pub const PANEL_HEADING: &str = "研修用：顔認証付きカードリーダー（患者側の画面）";
/// Ours.
pub const PANEL_NOTE: &str = "研修用の画面です。実際の資格確認端末にはありません。患者役・職員役として、カードリーダーの画面を操作します。";
/// decisions.md S9.
pub const READER_SCREEN_INITIALIZING: &str = "初期化しています";
/// Seed 002.
pub const READER_SCREEN_PLACE_CARD: &str = "マイナンバーカードを置いてください";
/// Ours: the trainer chooses whose card is placed.
pub const READER_SCREEN_CARD: &str = "置くカード";
/// Seed 002.
pub const READER_SCREEN_CHOOSE_METHOD: &str = "本人確認の方法を選んでください";
/// Seed 002.
pub const READER_SCREEN_QUIT: &str = "終了する";
/// Seed 002.
pub const READER_SCREEN_PRIVACY: &str = "本人確認の情報は、他の目的には使用しません。";
/// Seed 002.
pub const READER_SCREEN_FACE_FRAME: &str = "顔を枠内に入れてください";
/// Ours: the trainer's stand-in for the camera.
pub const READER_SCREEN_TAKE_PHOTO: &str = "撮影する";
/// Seed 004: the button on the reader's screen.
pub const READER_SCREEN_STAFF: &str = "職員用ボタン";
/// Ours.
pub const READER_SCREEN_ENTER_PASSCODE: &str = "目視確認用パスコード（4桁）を入力してください";
/// Seed 004.
pub const READER_SCREEN_VISUAL_START: &str =
    "資格確認を開始します。\n目視で本人確認を行いマイナンバーカードを置いてください。";
/// Ours: a reader in 目視確認 with no check open.
pub const READER_SCREEN_VISUAL_IDLE: &str =
    "目視確認モードです。職員用ボタンで資格確認を開始するか、「中止」で無人運転モードに戻します。";
/// Ours: the panel's choice of which reader it plays.
pub const PANEL_READER: &str = "操作するカードリーダー";
/// Seed 002.
pub const TRAINER_FACE: &str = "顔認証を行う";
/// Seed 002.
pub const TRAINER_PIN: &str = "暗証番号を入力";
/// Seed 002: the reader's last screen.
pub const TRAINER_DONE: &str = "確認が完了しました";
