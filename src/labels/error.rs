//! The labels of `error.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: no WebUSB (another browser, or a page not served over https or from localhost).
pub const CARD_USB_UNAVAILABLE: &str = "このブラウザでは汎用カードリーダーを利用できません。Google Chrome または Microsoft Edge で、https（または localhost）で開いたページから利用してください。";
/// Ours: the chooser was closed without a reader.
pub const CARD_USB_CANCELLED: &str = "カードリーダーが選択されませんでした。「カードリーダーを接続」を押し、表示される一覧からカードリーダーを選んでください。";
/// Ours.
pub const CARD_USB_DENIED: &str = "ブラウザがUSB機器の利用を許可しませんでした。ブラウザのサイトの設定（USBデバイス）を確認してください。";
/// Ours: a smart-card class reader (docs/card-reader.md §1).
pub const CARD_USB_PROTECTED: &str = "このカードリーダーは使用できません。Chrome は、スマートカード（CCID）クラスのカードリーダーをWebページから使うことを許可していません。Sony PaSoRi RC-S380 は使用できます（RC-S300 は実機での動作を確認していません）。";
/// Ours: the device is held by another program or the operating system's driver.
pub const CARD_USB_OPEN_FAILED: &str = "カードリーダーを開けませんでした。他のアプリケーションやドライバーが使用している可能性があります。他のアプリケーションを終了し、カードリーダーを挿し直してから、もう一度接続してください。";
/// Ours.
pub const CARD_USB_NO_INTERFACE: &str =
    "この機器は対応するカードリーダーではありません。Sony PaSoRi RC-S380 を接続してください。";
/// Ours.
pub const ENDPOINT_URL_REQUIRED: &str = "接続先のURLを入力してください。";
/// Ours: catches typing with the input method still on.
pub const ENDPOINT_URL_FULL_WIDTH: &str = "接続先のURLは半角で入力してください。";
/// Ours.
pub const ENDPOINT_URL_INVALID: &str =
    "接続先のURLを正しく入力してください（例：https://onshi.example.jp）。";
/// Ours.
pub const ENDPOINT_URL_SCHEME: &str = "接続先のURLは http:// または https:// で始めてください。";
/// Ours: credentials in an address end up in logs and histories.
pub const ENDPOINT_URL_CREDENTIALS: &str =
    "接続先のURLに利用者名やパスワードを含めないでください。";
/// Ours: the contract's paths are the app's to add.
pub const ENDPOINT_URL_PATH: &str =
    "接続先のURLにはパスや「?」「#」以降を含めないでください（例：https://onshi.example.jp）。";
/// Ours: no answer at all (the endpoint is down, the address is wrong, or the network failed).
pub const ENDPOINT_UNREACHABLE: &str =
    "接続先に接続できませんでした。接続先が起動しているか、URLが正しいか確認してください。";
/// Ours: the app's Content-Security-Policy (connect-src, set by the server that delivers the app)
/// does not list the endpoint, so the browser refuses to connect to it.
pub const ENDPOINT_NOT_ALLOWED: &str = "この接続先は、このアプリの配信元サーバで接続が許可されていないため、利用できません。システム管理者に接続先の許可を依頼してください。";
/// Ours: an answer, but not the contract's.
pub const ENDPOINT_NOT_CONTRACT: &str =
    "接続先からオンライン資格確認の応答が得られませんでした。URLが正しいか確認してください。";
/// Ours: an endpoint without the session group cannot be signed in to.
pub const ENDPOINT_NO_SIGN_IN: &str = "この接続先はログインに対応していないため、利用できません。";
/// Ours: the registration could not even be kept, so it was not sent.
pub const OUTBOX_NOT_KEPT: &str =
    "登録内容を端末に保存できなかったため、送信していません。もう一度お試しください。";
/// Ours: training mode's world runs in a service worker, which browsers offer only to pages served
/// over https or from localhost.
pub const TRAINING_NO_SERVICE_WORKER: &str = "このページでは研修モードを利用できません。研修モードは、https（または localhost）で開いたページで、Google Chrome または Microsoft Edge から利用してください。";
/// Ours: the service worker did not take control of the page (a reload that bypassed it, or an
/// installation that failed).
pub const TRAINING_NOT_READY: &str =
    "研修モードの準備ができませんでした。ページを再読み込みしてから、もう一度お試しください。";
/// Ours: training's virtual card reader did not answer, or answered with an error.
pub const TRAINING_READER_FAILED: &str = "仮想カードリーダーを利用できませんでした。ページを再読み込みしてから、もう一度お試しください。";
