//! The labels of `components/card_reader.rs`, `state/card_reader.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: the section's heading.
pub const CARD_READER_HEADING: &str = "汎用カードリーダー";
/// Ours.
pub const CARD_READER_INTRO: &str = "顔認証付きカードリーダーがない場合は、USB接続の汎用カードリーダー（Sony PaSoRi RC-S380）でマイナンバーカードを読み取り、患者さまに暗証番号を入力していただいて確認します。";
/// Ours: the endpoint does not advertise the `card` group.
pub const CARD_READER_UNAVAILABLE: &str =
    "この接続先は汎用カードリーダーによる確認に対応していないため、利用できません。";
/// Ours: the button that opens the browser's chooser.
pub const CARD_READER_CONNECT: &str = "カードリーダーを接続";
/// Ours: training's virtual reader.
pub const CARD_READER_VIRTUAL: &str = "仮想カードリーダーを使う";
/// Ours.
pub const CARD_READER_CONNECTING: &str = "カードリーダーに接続しています…";
/// Ours: the reader's status line.
pub fn card_reader_connected(name: &str) -> String {
    format!("接続中：{name}")
}
/// Ours.
pub const CARD_READER_DISCONNECT: &str = "切断";
/// Ours: the model names staff see (the products' own names).
pub const CARD_READER_MODEL_RCS380: &str = "Sony RC-S380";
/// Ours.
pub const CARD_READER_MODEL_RCS300: &str = "Sony RC-S300";
/// Ours.
pub const CARD_READER_MODEL_CCID: &str = "CCID カードリーダー";
/// Ours.
pub const CARD_READER_MODEL_VIRTUAL: &str = "仮想カードリーダー（研修用・Sony RC-S380 相当）";
/// Ours: the trainer's controls of the virtual reader.
pub const CARD_READER_VIRTUAL_NOTE: &str = "研修用の仮想カードリーダーです。患者役としてカードを置き、暗証番号を入力します（研修用のカードの暗証番号は 1234 です）。";
/// Ours: the trainer's choice of whose card to place.
pub const CARD_READER_CARD: &str = "カード";
/// Ours.
pub const CARD_READER_TAKE: &str = "カードを取る";
/// Ours: whose card lies on the virtual reader.
pub fn card_reader_on_reader(name: &str) -> String {
    format!("カードリーダー上のカード：{name}")
}
/// Ours: the patient-facing panel's accessible name.
pub const CARD_PATIENT_SCREEN: &str = "患者さま向け画面";
/// Ours.
pub const CARD_PLACE: &str = "マイナンバーカードをカードリーダーに置いてください";
/// Ours.
pub const CARD_READING: &str = "カードを読み取っています。カードを動かさないでください。";
/// Ours: the PIN pad's tries left.
pub fn card_pin_tries_left(n: u8) -> String {
    format!("残り回数：{n}回")
}
/// Ours.
pub const CARD_VERIFYING: &str = "暗証番号を確認しています…";
/// Ours.
pub const CARD_CHECKING: &str = "確認しています…";
/// Ours.
pub const CARD_TAKE: &str = "カードをカードリーダーから取ってください";
/// Ours: what staff do about a blocked PIN (目視確認 does not unblock it; only the municipal office
/// can).
pub const CARD_PIN_BLOCKED_GUIDANCE: &str = "職員の方へ：この患者さまは暗証番号で確認できません。顔認証付きカードリーダーの目視確認モードで本人確認を行うか、保険証/処方箋で確認してください。暗証番号のロックはお住まいの市区町村の窓口で解除できます。";
/// Ours: the links under the guidance.
pub const CARD_TO_READERS: &str = "顔認証付きカードリーダー操作へ";
/// Ours.
pub const CARD_TO_INQUIRY: &str = "保険証/処方箋で確認へ";
