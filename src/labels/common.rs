//! Labels several screens share: the frame, buttons, and words more than one screen uses.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Seed 000: the title on every screen.
pub const SYSTEM_TITLE: &str = "オンライン資格確認等システム";
/// Seed 000: the bottom button back to the menu.
pub const MENU: &str = "メニュー";
/// Seed 000.
pub const BACK: &str = "戻る";
/// Seed 000.
pub const REQUIRED_NOTE: &str = "* 必須項目";
/// Seed 000.
pub const CANCEL: &str = "キャンセル";
/// Ours: a busy indicator.
pub const PROCESSING: &str = "処理中です…";
/// Seeds 000, 001, 004: the start page's button.
pub const START_BUTTON: &str = "システムの利用を始める";
/// Seed 003 (the sign-in box).
pub const LABEL_USER_ID: &str = "ユーザID";
/// Seed 000 Case1 (also the label on 資格確認履歴詳細).
pub const LABEL_HISTORY_KIND: &str = "資格確認区分";
/// Ours.
pub const READERS_NONE: &str = "カードリーダーが登録されていません。";
/// Seed 004 step 7: the code's label.
pub const PASSCODE_LABEL: &str = "パスコード";
/// Ours.
pub const READER_SCREEN_PLACE: &str = "カードを置く";
/// Ours.
pub const READER_SCREEN_ENTER_PIN: &str = "暗証番号（4桁）を入力してください";
/// Ours.
pub const READER_SCREEN_CONFIRM_INPUT: &str = "確定";
/// Seed 004.
pub const READER_SCREEN_STOP: &str = "中止";
/// Ours: the label of the reader's PIN field.
pub const READER_SCREEN_PIN_FIELD: &str = "暗証番号";
/// Seeds 000, 004.
pub const TILE_MY_NUMBER: &str = "マイナンバーカードで確認";
/// Seeds 000, 004.
pub const TILE_HISTORY: &str = "資格確認履歴照会";
/// Seeds 000, 004.
pub const TILE_READER: &str = "顔認証付きカードリーダー操作";
/// Seed 004.
pub const TILE_PASSWORD_CHANGE: &str = "パスワード変更";
/// Seed 004.
pub const TILE_PASSCODE: &str = "目視確認用パスコード発行";
/// Ours: the settings screen's name, and the link to it from the start and sign-in pages.
pub const SCREEN_SETTINGS: &str = "接続先の設定";
/// Ours: the heading of the endpoint in use.
pub const SETTINGS_CURRENT: &str = "現在の接続先";
/// Ours: the choice of training mode, the training world in the service worker (the default).
pub const ENDPOINT_TRAINING: &str = "研修モード";
/// Ours: the choice of the endpoint that served this page.
pub const ENDPOINT_THIS_SERVER: &str = "このサーバ";
/// Ours: the choice of an endpoint typed in.
pub const ENDPOINT_OTHER: &str = "別の接続先";
/// Seeds 000, 001: the menu tile and the form's screen.
pub const SCREEN_INQUIRY: &str = "保険証/処方箋で確認";
/// Seed 000 Case2 ③: the result's screen.
pub const SCREEN_QUALIFICATION_CHECK: &str = "資格情報確認";
/// Seed 000: the tabs of the inquiry screens.
pub const TAB_MY_NUMBER_CARD: &str = "マイナンバーカード";
/// Seed 000.
pub const TAB_INSURANCE_CARD: &str = "保険証";
/// Seed 000.
pub const LABEL_SYMBOL: &str = "記号";
/// Seed 000.
pub const LABEL_NUMBER: &str = "番号";
/// Seed 000.
pub const LABEL_BRANCH: &str = "枝番";
/// Seed 002.
pub const LABEL_CONFIRMATION_DATE: &str = "資格確認日";
/// Seeds 000, 001.
pub const SEARCH_BUTTON: &str = "検索";
/// Seed 000.
pub const LABEL_NAME_ON_CARD: &str = "氏名(券面)";
/// Seed 000.
pub const LABEL_PARTIAL_RATIO: &str = "一部負担金割合";
/// Seed 000.
pub const LABEL_VALID_FROM: &str = "有効開始日";
/// Seed 000.
pub const LABEL_VALID_UNTIL: &str = "有効終了日";
/// Ours: a decoded value that failed a check (a check digit, a missing element).
pub const RESULT_FINDINGS: &str = "受信した資格情報に確認が必要な項目があります：";
/// Seed 000.
pub const DOWNLOAD: &str = "ダウンロード";
/// Ours: a file the browser would not save.
pub const DOWNLOAD_FAILED: &str = "ファイルを保存できませんでした。";
/// Seed 000.
pub const CONSENT_GIVEN: &str = "あり";
/// Seed 000.
pub const CONSENT_NOT_GIVEN: &str = "なし";
/// Ours: a canned person whose card PIN is locked.
pub const TRAINER_PIN_LOCKED: &str = "（暗証番号ロック中）";
/// Ours: the registration got no answer; it is kept in the outbox and sent again.
pub const REFERENCE_KEPT: &str = "接続先から応答がありませんでした。この登録は未送信の登録として端末に保持し、自動で再送します。";
/// Ours: the same registration is still with the national side; it is kept and sent again under the
/// same key until its answer comes. Not a failure.
pub const REFERENCE_AWAITING_ANSWER: &str = "照会番号の登録はオンライン資格確認等システムの回答待ちです。未送信の登録として端末に保持し、回答を受け取るまで自動で再送します。";
/// Ours: the outbox screen.
pub const SCREEN_OUTBOX: &str = "未送信の登録";
