//! The message catalogue: the Japanese the contract and the files carry — problem titles, findings
//! next to fields, CSV headers and labels, the notices the core's client words — and the few labels
//! the core itself renders (account kinds, reader modes). The screens' own labels live with the
//! screens, in the app's `labels` (decisions.md D9).
//!
//! Each entry says where its wording comes from: a guide by its key (e.g. "seed 000") when the
//! official guides word it, or "Ours" when they do not and the wording is this project's. Keep the
//! guides' wording exactly, including their punctuation and full-width characters.

// ---------------------------------------------------------------------------------------------------
// The frame shared by every screen.

/// Seed 000.
pub const OK: &str = "OK";
/// Ours: a code the official tables do not know (shown where its label would be).
pub fn unknown_code(code: &str) -> String {
    format!("不明なコード（{code}）")
}

// ---------------------------------------------------------------------------------------------------
// Account kinds (decisions.md D2; seed 002's account table).

/// D2.
pub const KIND_LABEL_MASTER: &str = "マスタ";
/// D2; seed 000 shows 「管理者」 in the frame.
pub const KIND_LABEL_ADMIN: &str = "管理者";
/// D2; seed 000 shows 「一般」 in the frame.
pub const KIND_LABEL_GENERAL: &str = "一般";
/// D2.
pub const KIND_LABEL_MEDICAL_VIEWER: &str = "医療情報閲覧";
/// Ours: never shown in the frame, since system accounts cannot sign in.
pub const KIND_LABEL_SYSTEM: &str = "システム";
/// Seed 002.
pub const KIND_NAME_MASTER: &str = "マスタアカウント";
/// Seed 002.
pub const KIND_NAME_ADMIN: &str = "管理アカウント";
/// Seed 002.
pub const KIND_NAME_GENERAL: &str = "一般アカウント";
/// Seed 002.
pub const KIND_NAME_MEDICAL_VIEWER: &str = "医療情報閲覧アカウント";
/// Ours: seed 002 lists 連携アプリ用アカウント, WebAPI用アカウント and 顔認証用アカウント together.
pub const KIND_NAME_SYSTEM: &str = "システムアカウント";

// ---------------------------------------------------------------------------------------------------
// S1: start page, sign-in, session.

/// Seed 004 (printed under the sign-in box), followed by ours: an administrator's パスワード初期化
/// (seeds 002, 003) lifts the lock at once.
pub const LOCKOUT_NOTE: &str = "※パスワードを5回間違えると、ログインができなくなります。その場合は30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。";
/// Seed 001, FAQ 3.
pub const FORCE_SIGN_IN_PROMPT: &str = "前回正常にログアウトされていなかった可能性があります。または、該当ユーザは既に使用されています。強制的にログインしますか？";
/// Ours, after seed 001 FAQ 7 (「ログイン後30分間無操作の状態が続くとセキュリティ管理の為にログアウトされます。」).
pub const SIGNED_OUT_IDLE: &str =
    "30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。";
/// Ours: shown when another terminal signed in with the same ID and answered 「はい」.
pub const SIGNED_OUT_REVOKED: &str =
    "同じユーザIDで別の場所からログインされたため、ログアウトしました。";

/// Ours: how many more wrong passwords the ID can take before it locks.
pub fn remaining_attempts(count: u32) -> String {
    format!("あと{count}回間違えると、30分間ログインできなくなります。")
}

/// Ours: when a locked ID can sign in again (hh:mm in Tokyo).
pub fn locked_until(hh_mm: &str) -> String {
    format!("{hh_mm}以降に再度ログインしてください。")
}

// ---------------------------------------------------------------------------------------------------
// Findings: messages shown next to a field.

/// Ours.
pub const USER_ID_REQUIRED: &str = "ユーザIDを入力してください。";
/// Ours.
pub const USER_ID_TOO_LONG: &str = "ユーザIDは64文字以内で入力してください。";
/// Ours: catches typing with the input method still on.
pub const USER_ID_NOT_ASCII: &str = "ユーザIDは半角英数字・記号で入力してください。";
/// Ours.
pub const PASSWORD_REQUIRED: &str = "パスワードを入力してください。";
/// Ours.
pub const PASSWORD_TOO_LONG: &str = "パスワードは128文字以内で入力してください。";
/// Ours: catches typing with the input method still on.
pub const PASSWORD_NOT_ASCII: &str =
    "パスワードに全角文字が含まれています。半角で入力してください。";
/// Ours: a tab or another control character, which no keyboard types into a password field.
pub const PASSWORD_CONTROL: &str = "パスワードに使用できない文字が含まれています。";
/// Ours: the new-password rule (the official rule is not public).
pub const PASSWORD_WEAK: &str = "新しいパスワードは8文字以上で、英大文字・英小文字・数字・記号のうち3種類以上を含めてください。";
/// Ours.
pub const PASSWORD_UNCHANGED: &str = "現在のパスワードと異なるパスワードを入力してください。";
/// Ours.
pub const CURRENT_PASSWORD_WRONG: &str = "現在のパスワードが正しくありません。";

// Insurance-card fields (S5). All ours: the guides show the form but not its messages.

/// Ours.
pub const INSURER_NUMBER_REQUIRED: &str = "保険者番号を入力してください。";
/// Ours.
pub const INSURER_NUMBER_NOT_DIGITS: &str = "保険者番号は数字で入力してください。";
/// Ours.
pub const INSURER_NUMBER_LENGTH: &str = "保険者番号は6桁または8桁で入力してください。";
/// Ours.
pub const INSURER_NUMBER_PREFECTURE: &str =
    "保険者番号の都道府県番号（01～47）が正しくありません。";
/// Ours.
pub const INSURER_NUMBER_CHECK_DIGIT: &str =
    "保険者番号の検証番号が一致しません。保険証の記載をご確認ください。";
/// Ours.
pub const INSTITUTION_CODE_REQUIRED: &str = "医療機関コードを入力してください。";
/// Ours.
pub const INSTITUTION_CODE_FORMAT: &str = "医療機関コードは10桁の数字で入力してください。";
/// Ours.
pub const INSTITUTION_CODE_PREFECTURE: &str =
    "医療機関コードの都道府県番号（01～47）が正しくありません。";
/// Ours.
pub const INSTITUTION_CODE_FEE_SCHEDULE: &str =
    "医療機関コードの点数表番号（医科1・歯科3・調剤4）が正しくありません。";
/// Ours.
pub const INSTITUTION_CODE_CHECK_DIGIT: &str = "医療機関コードの検証番号が一致しません。";
/// Ours: a request whose 医療機関コード is not the endpoint's own (the national side would refuse it).
pub const INSTITUTION_CODE_MISMATCH: &str = "医療機関コードが一致しません。";
/// Ours.
pub const SYMBOL_TOO_LONG: &str = "記号は20文字以内で入力してください。";
/// Ours.
pub const NUMBER_REQUIRED: &str = "番号を入力してください。";
/// Ours.
pub const NUMBER_TOO_LONG: &str = "番号は20文字以内で入力してください。";
/// Ours.
pub const SYMBOL_NO_LETTER_OR_DIGIT: &str = "記号には文字または数字を入力してください。";
/// Ours.
pub const NUMBER_NO_LETTER_OR_DIGIT: &str = "番号には文字または数字を入力してください。";
/// Ours: a control character (pasted, or sent by a scanner), which the request cannot carry.
pub const SYMBOL_CONTROL: &str = "記号に使用できない文字が含まれています。";
/// Ours: as for 記号.
pub const NUMBER_CONTROL: &str = "番号に使用できない文字が含まれています。";
/// Ours: 後期高齢者医療 (法別番号 39) cards carry no 記号 (domain.md §3.4).
pub const LATE_ELDERLY_NO_SYMBOL: &str =
    "後期高齢者医療の被保険者証には記号がありません。記号は空欄にしてください。";
/// Ours.
pub const LATE_ELDERLY_NUMBER_FORMAT: &str =
    "後期高齢者医療の被保険者番号は8桁の数字で入力してください。";
/// Ours.
pub const LATE_ELDERLY_NUMBER_CHECK_DIGIT: &str =
    "被保険者番号が正しくありません（検証番号が一致しません）。入力内容を確認してください。";
/// Ours: seed 001 says 枝番 is entered only where the card prints it; 後期高齢 cards have none.
pub const BRANCH_REQUIRED: &str =
    "枝番を入力してください。（後期高齢者医療の保険証には枝番はありません）";
/// Ours.
pub const BRANCH_FORMAT: &str = "枝番は2桁の数字で入力してください。";
/// Ours.
pub const REFERENCE_NUMBER_REQUIRED: &str = "照会番号を入力してください。";
/// Ours.
pub const REFERENCE_NUMBER_TOO_LONG: &str = "照会番号は50文字以内で入力してください。";
/// Ours.
pub const REFERENCE_NUMBER_CONTROL: &str = "照会番号に使用できない文字が含まれています。";
/// Ours.
pub const CONFIRMATION_BEFORE_BIRTH: &str = "資格確認日は生年月日以降の日付を入力してください。";

/// Ours: a date field left empty, e.g. 「生年月日を入力してください。」.
pub fn date_required(label: &str) -> String {
    format!("{label}を入力してください。")
}

/// Ours.
pub fn date_in_future(label: &str) -> String {
    format!("{label}に未来の日付は入力できません。")
}

/// Ours.
pub fn date_before_meiji(label: &str) -> String {
    format!("{label}は明治以降の日付で入力してください。")
}

/// Ours: a date field left empty, where the field's name is not known.
pub const DATE_REQUIRED: &str = "日付を入力してください。";
/// Ours: a date that does not read in any form staff type.
pub const DATE_UNRECOGNISED: &str =
    "日付の形式が正しくありません。（例：昭和29年3月26日、S29.3.26、1954-03-26）";
/// Ours.
pub const DATE_UNKNOWN_ERA: &str = "元号が正しくありません。";
/// Ours.
pub const DATE_NO_SUCH_DATE: &str = "存在しない日付です。";
/// Ours: a date outside the era it is written in, with the era's span.
pub fn date_outside_era(era: &str, first: &str, last: Option<&str>) -> String {
    match last {
        Some(last) => format!("{era}は{first}から{last}までです。"),
        None => format!("{era}は{first}からです。"),
    }
}

/// Ours: a Shift_JIS message carries, through a character reference, a character Shift_JIS cannot.
pub fn not_shift_jis(character: char) -> String {
    format!("「{character}」はShift_JISで表せない文字です。UTF-8で送信してください。")
}

/// Ours: a part of a received message whose layout is not public, kept but not shown.
pub fn decode_not_shown(element: &str) -> String {
    format!("{element}の情報は表示できません（受信した内容は保存されています）。")
}

/// Ours: a received message lacks a required element.
pub fn decode_missing(element: &str) -> String {
    format!("受信データに {element} がありません。")
}

/// Ours: a received value that does not read.
pub fn decode_unreadable(element: &str, value: &str) -> String {
    format!("受信データの {element} の値「{value}」を読み取れません。")
}

/// Ours: a received number whose check digit fails (decisions.md D6: shown, with a warning).
pub fn decode_check_digit(element: &str, value: &str) -> String {
    format!("受信データの {element} 「{value}」の検証番号が一致しません。内容をご確認ください。")
}

// 資格確認履歴照会 (S3). Ours, but for the two-year rule (seed 001 FAQ 5).

/// Ours.
pub const HISTORY_FROM_AFTER_TO: &str =
    "資格確認対象期間(自)は資格確認対象時間(至)より前の日時を指定してください。";
/// Seed 001 FAQ 5: 「過去2年間の履歴を検索可能です。」
pub const HISTORY_TWO_YEARS: &str = "資格確認履歴は過去2年間の範囲で検索してください。";
/// Ours.
pub const HISTORY_KIND: &str = "資格確認区分が正しくありません。";
/// Ours.
pub const HISTORY_NARROW: &str = "資格確認区分絞り込みが正しくありません。";
/// Ours.
pub const HISTORY_INSTANT: &str = "日時の形式が正しくありません。（例：2026-11-22T09:00）";

/// Ours.
pub const EVENTS_AFTER: &str = "イベントIDは0以上の整数で指定してください。";
/// Ours.
pub const EVENTS_KIND: &str = "イベントの種類は qualification, reader, visual_check, bulk, face_unreadable のいずれかで指定してください。";

/// Ours.
pub fn history_page_number(max: usize) -> String {
    format!("1から{max}までの数値を指定してください。")
}

// The screens 資格確認履歴照会 (S3) and 資格確認履歴詳細 (S4).

/// Seed 000 Case1 (the seed prints 期間 for the start and 時間 for the end).
pub const LABEL_HISTORY_FROM: &str = "資格確認対象期間(自)";
/// Seed 000 Case1.
pub const LABEL_HISTORY_TO: &str = "資格確認対象時間(至)";
/// Seed 000 Case1.
pub const LABEL_LOGIN_ID: &str = "ログインID";
/// Seed 000 Case1.
pub const HISTORY_KIND_ALL: &str = "全て";
/// Decisions.md D9.
pub const HISTORY_KIND_MY_NUMBER: &str = "マイナンバーカード";
/// Decisions.md D9.
pub const HISTORY_KIND_INSURANCE: &str = "被保険者証等";
/// Seed 000 Case1.
pub const HISTORY_NARROW_ALL: &str = "全て表示";
/// Decisions.md D9.
pub const HISTORY_NARROW_VALID: &str = "資格有効";
/// Decisions.md D9.
pub const HISTORY_NARROW_INVALID: &str = "資格無効";
/// Decisions.md D9.
pub const HISTORY_NARROW_NOT_FOUND_OR_MULTIPLE: &str = "該当資格なし・複数該当";
/// Ours.
pub const HISTORY_TIME: &str = "時刻は「09:30」のように時と分で入力してください。";
/// Ours.
pub const HISTORY_LOGIN_ID_TOO_LONG: &str = "ログインIDは64文字以内で入力してください。";
/// Seed 000 Case1 ⑤: the list's columns.
pub const COLUMN_NUMBER: &str = "項目";
/// Seed 000 Case1 ⑤ (also the label on 資格確認履歴詳細).
pub const COLUMN_CONFIRMED_AT: &str = "資格確認日時";
/// Seed 000 Case1 ⑤.
pub const COLUMN_CLASSIFICATION: &str = "確認区分";
/// Seed 000 Case1 ⑤.
pub const COLUMN_RESULT: &str = "資格確認結果";
/// Seed 000 Case1 ⑤ (its OCR prints 「証記番号枝番」; we read 記号番号枝番).
pub const COLUMN_SYMBOL_NUMBER_BRANCH: &str = "記号番号枝番";
/// Seed 000 Case1 ⑤.
pub const COLUMN_NAME: &str = "氏名";
/// Seed 000 Case1 ⑤.
pub const COLUMN_SEX: &str = "性別";
/// Decisions.md D9 (OQSCD002 1).
pub const CLASSIFICATION_MY_NUMBER_CARD: &str = "マイナンバーカード";
/// Seed 000 Case1 ⑥ (OQSCD002 2).
pub const CLASSIFICATION_INSURANCE_CARD: &str = "被保険者証";
/// Seed 000 Case1 ⑤.
pub const RESULT_COLUMN_VALID: &str = "資格有効";
/// Decisions.md D9.
pub const RESULT_COLUMN_INVALID: &str = "資格無効";
/// Ours (OQSCD006 3).
pub const RESULT_COLUMN_INVALID_WITH_NEW: &str = "資格無効（新しい資格あり）";
/// Decisions.md D9 (OQSCD006 4).
pub const RESULT_COLUMN_NO_QUALIFICATION: &str = "該当資格なし";
/// Decisions.md D9 (OQSCD006 5).
pub const RESULT_COLUMN_MULTIPLE: &str = "複数該当";
/// Ours (OQSCD006 6).
pub const RESULT_COLUMN_VALID_UNREGISTERED: &str = "資格有効（未登録）";
/// Ours: an inquiry the national side answered with an error.
pub const RESULT_COLUMN_ERROR: &str = "エラー";
/// Ours.
pub const CSV_UTF8: &str = "UTF-8（BOM付き）";
/// Ours.
pub const CSV_CP932: &str = "Shift_JIS（Excel用）";
/// Ours: a CP932 download refused (decisions.md D6), with the row (its 項目) and the character.
pub fn csv_not_cp932(row: usize, column: &str, character: char) -> String {
    format!(
        "{row}件目の{column}に、Shift_JIS（CP932）で表せない文字「{character}」があります。UTF-8（BOM付き）で保存してください。"
    )
}
// S7: reader modes (seed 000 Case3).

/// Seed 000.
pub const MODE_UNATTENDED: &str = "無人運転";
/// Seed 000.
pub const MODE_PIN_ONLY: &str = "暗証番号認証固定";
/// Seed 000.
pub const MODE_VISUAL: &str = "目視確認";

// S14: パスワード変更 (seed 002: 「新旧パスワードを入力して変更を実行」; seed 003: the initial
// password is changed at first sign-in).

/// Ours: the policy, item by item, from the rules `validate::password_change` applies (so the
/// numbers cannot drift from them).
pub fn password_policy() -> [String; 4] {
    use crate::validate::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
    [
        format!("{PASSWORD_MIN_CHARS}文字以上、{PASSWORD_MAX_CHARS}文字以内"),
        "英大文字・英小文字・数字・記号のうち3種類以上を含む".to_owned(),
        "半角英数字・記号のみ（全角文字は使用できません）".to_owned(),
        "現在のパスワードと異なる".to_owned(),
    ]
}

// The general-purpose card reader on 「マイナンバーカードで確認」. Every string here is ours:
// the guides describe only the face readers.

/// Ours.
pub const CARD_REMOVED: &str = "カードが取り外されました。もう一度カードを置いてください。";
/// Ours.
pub const CARD_NOT_MY_NUMBER: &str =
    "マイナンバーカードではありません。マイナンバーカードを置いてください。";
/// Ours: a wrong PIN at the general reader.
pub fn card_pin_wrong(n: u8) -> String {
    format!("暗証番号が違います。残り回数：{n}回")
}
/// Ours.
pub const CARD_PIN_BLOCKED: &str = "暗証番号がロックされています。";
/// Ours.
pub const CARD_FAILED: &str =
    "カードを読み取れませんでした。カードをいったん取り、置き直してください。";
/// Ours.
pub const CARD_READER_FAILED: &str =
    "カードリーダーとの通信に失敗しました。カードをいったん取り、置き直してください。";
/// Ours.
pub const CARD_READER_UNPLUGGED: &str =
    "カードリーダーが取り外されました。接続し直してから「カードリーダーを接続」を押してください。";

/// Ours.
pub const READER_MODE_UNKNOWN: &str =
    "モードは unattended、pin_only、visual のいずれかを指定してください。";

/// Ours.
pub const CONSENT_TREATMENT: &str = "診療区分は home_visit または online を指定してください。";
/// Ours; seed 001: 「医療情報は患者が同意後24時間以内のみ閲覧可能です。」
pub const MEDICAL_NO_CONSENT: &str =
    "閲覧同意が確認できません。医療情報は患者が同意後24時間以内のみ閲覧可能です。";
/// Ours.
pub const MEDICAL_NO_PATIENT: &str = "該当する患者が見つかりません。";
/// Ours; seed 003: consent, or 「同意なし」 for a patient who cannot answer.
pub const DISASTER_CONSENT: &str =
    "閲覧同意（同意、または本人が回答できないための同意なし）を選択してください。";
/// Ours.
pub const DISASTER_NAME: &str = "氏名、または保険者番号と番号を入力してください。";
/// Ours.
pub const ACCOUNT_NAME_REQUIRED: &str = "ユーザ名を入力してください。";
/// Ours.
pub const ACCOUNT_NAME_FORMAT: &str = "ユーザ名は40文字以内で入力してください。";
/// Ours.
pub const ACCOUNT_KIND: &str = "アカウントの種類を選択してください。";
/// Ours (training's reader visit).
pub const VISIT_METHOD: &str = "本人確認の方法（face、pin、visual のいずれか）を指定してください。";
/// Ours; seed 002 shows the reader's 4-digit PIN.
pub const PIN_FORMAT: &str = "暗証番号は4桁の数字で入力してください。";
/// Ours; seed 004: the 目視確認用パスコード has 4 digits.
pub const PASSCODE_FORMAT: &str = "パスコードは4桁の数字で入力してください。";
/// Ours (the card group, decisions.md D7).
pub const CARD_NONCE_FORMAT: &str =
    "nonce には発行された確認要求の値（32バイトをbase64で表したもの）を指定してください。";
/// Ours.
pub const CARD_CERTIFICATE_FORMAT: &str =
    "certificate にはカードの利用者証明用電子証明書（DER）をbase64で指定してください。";
/// Ours.
pub const CARD_SIGNATURE_FORMAT: &str = "signature にはカードの署名をbase64で指定してください。";
/// Ours; the codes are OQSCD028's.
pub const CARD_TREATMENT: &str = "診療区分は 1（外来）、2（訪問診療等）、3（オンライン診療等）、4（救急時）のいずれかを指定してください。";

// ---------------------------------------------------------------------------------------------------
// Problem titles: what the endpoint says when it refuses (the `title` of a problem+json body).

/// Ours.
pub const PROBLEM_INVALID_CREDENTIALS: &str = "ユーザIDまたはパスワードが正しくありません。";
/// Ours, after seed 004's note: [`ACCOUNT_LOCKED_WAIT`] then [`ACCOUNT_LOCKED_RESET`] (the app puts
/// the time the lock ends between the two when the endpoint gives it).
pub const PROBLEM_ACCOUNT_LOCKED: &str = "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。";
/// Ours, after seed 004's note: why a locked ID cannot sign in, and that the lock passes.
pub const ACCOUNT_LOCKED_WAIT: &str = "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。";
/// Ours, in the guides' words for a reset (seed 002 「パスワード初期化」, seed 003 「パスワード初期化時」):
/// an administrator's reset lifts the lock at once.
pub const ACCOUNT_LOCKED_RESET: &str =
    "お急ぎの場合は、管理者にパスワードの初期化を依頼してください。";
/// Seed 001, FAQ 3.
pub const PROBLEM_SESSION_IN_USE: &str = FORCE_SIGN_IN_PROMPT;
/// Ours.
pub const PROBLEM_SYSTEM_ACCOUNT: &str =
    "このアカウントはシステム連携用のため、画面からはログインできません。";
/// Ours.
pub const PROBLEM_UNAUTHENTICATED: &str = "ログインしてください。";
/// Ours.
pub const PROBLEM_SESSION_EXPIRED: &str = SIGNED_OUT_IDLE;
/// Ours.
pub const PROBLEM_SESSION_REVOKED: &str = SIGNED_OUT_REVOKED;
/// Ours.
pub const PROBLEM_FORBIDDEN: &str = "この操作を行う権限がありません。";
/// Ours.
pub const PROBLEM_NOT_FOUND: &str = "指定された情報が見つかりません。";
/// Ours.
pub const PROBLEM_METHOD_NOT_ALLOWED: &str = "この操作は利用できません。";
/// Ours.
pub const PROBLEM_MALFORMED_BODY: &str = "送信された内容を読み取れませんでした。";
/// Ours.
pub const PROBLEM_INVALID_REQUEST: &str = "入力内容に誤りがあります。";
/// Ours.
pub const PROBLEM_PAYLOAD_TOO_LARGE: &str = "送信するデータが大きすぎます。";
/// Ours.
pub const PROBLEM_UNSUPPORTED_MEDIA_TYPE: &str = "送信するデータの形式が正しくありません。";
/// Ours.
pub const PROBLEM_IDEMPOTENCY_KEY_REUSED: &str = "同じ識別キーで異なる内容が送信されました。";
/// Ours.
pub const IDEMPOTENCY_KEY_FORMAT: &str =
    "識別キー（Idempotency-Key）は255文字以内の半角英数字・記号で指定してください。";
/// Ours; seed 003 says a system-issued password is changed at first sign-in.
pub const PROBLEM_PASSWORD_CHANGE_REQUIRED: &str =
    "初期パスワードのままです。パスワードを変更してください。";
/// Ours.
pub const PROBLEM_PRECONDITION_REQUIRED: &str = "最新の状態を読み込んでから操作してください。";
/// Ours: decisions.md D7 (another terminal changed the mode).
pub const PROBLEM_PRECONDITION_FAILED: &str =
    "他の端末で変更されたため、操作を完了できませんでした。最新の状態を読み込み直しました。";
/// Ours.
pub const PROBLEM_READER_NOT_IN_VISUAL_MODE: &str =
    "カードリーダーが目視確認モードではありません。";
/// Ours.
pub const PROBLEM_VISUAL_CHECK_PENDING: &str =
    "このカードリーダーでは目視確認による資格照会が実行中です。";
/// Ours.
pub const PROBLEM_NO_PENDING_VISUAL_CHECK: &str = "目視確認による資格照会が開始されていません。";
/// Ours.
pub const PROBLEM_READER_MODE_CONFLICT: &str =
    "カードリーダーの現在のモードではこの操作はできません。";
/// Ours.
pub const PROBLEM_PIN_WRONG: &str = "暗証番号が正しくありません。";
/// Ours: with a blocked PIN, staff switch to 目視確認 (domain.md §2).
pub const PROBLEM_PIN_LOCKED: &str =
    "暗証番号がロックされています。目視確認モードで本人確認を行ってください。";
/// Ours.
pub const PROBLEM_PASSCODE_INVALID: &str = "パスコードが正しくありません。";
/// Ours.
pub const PROBLEM_DISASTER_CLOSED: &str = "災害時医療情報閲覧は現在利用できません。";
/// Ours.
pub const PROBLEM_ACCOUNT_EXISTS: &str = "このユーザIDは既に登録されています。";
/// Ours.
pub const PROBLEM_OWN_ACCOUNT: &str = "ログイン中のアカウントに対してはこの操作はできません。";
/// Ours (the card group, decisions.md D7): a nonce never issued to this session, or already used.
pub const PROBLEM_CHALLENGE_UNKNOWN: &str =
    "カードの確認要求が見つからないか、既に使用されています。もう一度カードで確認してください。";
/// Ours: the nonce's 60 seconds are over.
pub const PROBLEM_CHALLENGE_EXPIRED: &str =
    "カードの確認要求の有効期限（60秒）が切れました。もう一度カードで確認してください。";
/// Ours.
pub const PROBLEM_SIGNATURE_INVALID: &str = "マイナンバーカードの署名を確認できませんでした。カードを置き直して確認し、続けて失敗する場合は保険証/処方箋で確認してください。";
/// Ours: an untrusted or expired certificate, or one no person holds.
pub const PROBLEM_CERTIFICATE_UNKNOWN: &str = "このマイナンバーカードの電子証明書は確認できません（有効期限切れ、または対象外の証明書です）。保険証/処方箋で確認してください。";
/// Ours.
/// Ours: the national system answered the request with an error file.
pub const PROBLEM_NATIONAL_ERROR: &str =
    "オンライン資格確認等システムからエラーが返されました。時間をおいて再度お試しください。";
/// Ours: the national system did not answer in time.
pub const PROBLEM_NATIONAL_TIMEOUT: &str = "オンライン資格確認等システムから応答がありません。資格確認端末の状態を確認し、時間をおいて再度お試しください。";
/// Ours: an answer file that is not this request's, does not read, or never came though the request
/// was taken. The request did reach the national system, so it must not simply be sent again.
pub const PROBLEM_NATIONAL_ANSWER_REFUSED: &str = "オンライン資格確認等システムからの回答を確認できませんでした。要求は送信済みのため、再送せずに処理結果を確認してください（資格確認端末の状態を確認し、解決しない場合は資格確認端末の販売業者にお問い合わせください）。";
/// Ours: the same write is still waiting for the national system's answer.
pub const PROBLEM_IDEMPOTENCY_IN_PROGRESS: &str =
    "同じ内容の送信がオンライン資格確認等システムの回答待ちです。しばらくしてから再度送信します。";
/// Ours: the endpoint could not write into the 資格確認端末's shared folder.
pub const PROBLEM_SHARE_UNAVAILABLE: &str = "資格確認端末の共有フォルダに要求を書き込めませんでした。資格確認端末の電源とネットワーク接続を確認してください。要求は送信されていません。";
/// Ours: a training endpoint whose stored training data cannot be read.
pub const PROBLEM_TRAINING_DATA_UNREADABLE: &str = "研修データを読み込めません";
/// Sign-in: too many sign-ins wait for their password check at once.
pub const PROBLEM_SIGN_IN_BUSY: &str =
    "ただいまログインが混み合っています。しばらく待ってから、再度ログインしてください。";
/// Sign-in: this terminal failed to sign in too often within a minute.
pub const PROBLEM_TOO_MANY_SIGN_INS: &str = "この端末からのログインの失敗が続いたため、しばらくログインできません。1分ほど待ってから、再度ログインしてください。";
/// Ours: the request named a host this endpoint does not answer for, e.g. a page of another site
/// reaching it through DNS rebinding, or a terminal name the endpoint was not given.
pub const PROBLEM_MISDIRECTED_REQUEST: &str =
    "この接続先はこのアドレスでは利用できません。接続先の設定を確認してください。";
pub const PROBLEM_INTERNAL: &str =
    "システムエラーが発生しました。しばらくしてから再度お試しください。";

// ---------------------------------------------------------------------------------------------------
// Failures the app meets before any endpoint answers.

/// Ours.
pub const TRANSPORT_FAILED: &str =
    "通信エラーが発生しました。ネットワークの接続を確認してから再度お試しください。";
/// Ours.
pub const TRAINING_STORAGE_FAILED: &str = "研修データの読み書きに失敗しました。ブラウザの設定でサイトデータの保存が許可されているか確認してください。";
/// Ours.
pub const UNEXPECTED_RESPONSE: &str =
    "予期しない応答を受け取りました。しばらくしてから再度お試しください。";

// ---------------------------------------------------------------------------------------------------
// The endpoint: the settings screen, capabilities, and answers that never came.

/// Ours: the label of the endpoint in the version message.
pub const LABEL_THE_ENDPOINT: &str = "接続先";
/// Ours: the label of this app in the version message.
pub const LABEL_THIS_APP: &str = "このアプリ";

// Why an endpoint was refused (probing `GET /onshi/v1/capabilities`).

/// Ours: a contract of another major version.
pub const ENDPOINT_INCOMPATIBLE: &str =
    "接続先の契約バージョンがこのアプリと互換性がないため、利用できません。";

/// Ours: a request that got no answer in time.
pub const TRANSPORT_TIMEOUT: &str =
    "接続先から一定時間内に応答がありませんでした。しばらくしてから再度お試しください。";

// ---------------------------------------------------------------------------------------------------
// 保険証/処方箋で確認 (S5) and 資格情報確認 (S6).

/// Seed 000.
pub const LABEL_INSURER_NUMBER: &str = "保険者番号";
/// Seed 000.
pub const LABEL_BIRTHDATE: &str = "生年月日";

/// Seed 000.
pub const LABEL_REFERENCE_NUMBER: &str = "照会番号";
/// Ours: a request message that could not be written (never staff's input).
pub const REQUEST_UNENCODABLE: &str = "送信する電文を作成できませんでした。";

// ---------------------------------------------------------------------------------------------------
// 「マイナンバーカードで確認」: the reception screen with the live feed of reader results
// (decisions.md D9), and the patient's answers on the reader's screens (seed 002), which training's
// reader panel (S9) shows.

/// Ours: why, for `encrypted`. The endpoint cannot tell the two causes apart (the file is not
/// text), so both are named.
pub const RECEPTION_FACE_UNREADABLE_ENCRYPTED: &str = "資格確認端末の設定でファイルが暗号化されている、またはファイルが壊れているため、内容を読み取れません。";
/// Ours: why, for `encoding` (e.g. Shift_JIS bytes in a file that declares UTF-8).
pub const RECEPTION_FACE_UNREADABLE_ENCODING: &str = "ファイルの文字コードが、ファイル内で指定された文字コードと一致しないため、内容を読み取れません。";
/// Ours: why, for `broken` (not a whole XML document).
pub const RECEPTION_FACE_UNREADABLE_BROKEN: &str =
    "ファイルが途中で途切れているか壊れているため、内容を読み取れません。";
/// Ours: why, for `not_a_message` (XML, but not a 資格確認 result).
pub const RECEPTION_FACE_UNREADABLE_NOT_A_MESSAGE: &str =
    "ファイルが資格確認結果の形式ではないため、内容を読み取れません。";
/// Ours: why, for `too_large`.
pub const RECEPTION_FACE_UNREADABLE_TOO_LARGE: &str =
    "ファイルが大きすぎるため、内容を読み取れません。";
/// Ours: why, for a reason this build does not know (a newer endpoint's).
pub const RECEPTION_FACE_UNREADABLE_OTHER: &str = "ファイルの内容を読み取れません。";

/// Ours: after a wrong PIN at the reader.
pub fn pin_tries_left(n: u32) -> String {
    format!("あと{n}回間違えると暗証番号がロックされます。")
}

// --- 照会番号 「編集」 (S6, S11 single) and the outbox (decisions.md D4) ---------------------------
/// Ours.
pub const REFERENCE_REGISTERED: &str = "照会番号を登録しました。";
/// Ours: the national side refused the registration inside its answer (shown, never retried).
pub const REFERENCE_REFUSED: &str = "照会番号を登録できませんでした。";
/// Ours.
pub const OUTBOX_DONE: &str = "送信済み";
/// Ours: a registration's content in the outbox list.
pub fn outbox_registration(reference_number: &str, card: &str) -> String {
    format!("照会番号登録：{reference_number}（{card}）")
}
/// Ours.
pub const OUTBOX_OTHER_WRITE: &str = "登録";

#[cfg(test)]
mod tests {
    use super::*;

    /// The app shows the lock in two parts with the time between them; without a time it shows the
    /// problem's title, which must say the same.
    #[test]
    fn the_lock_title_is_its_two_parts() {
        assert_eq!(
            PROBLEM_ACCOUNT_LOCKED,
            format!("{ACCOUNT_LOCKED_WAIT}{ACCOUNT_LOCKED_RESET}")
        );
        assert!(LOCKOUT_NOTE.ends_with(ACCOUNT_LOCKED_RESET));
    }

    /// The policy shown on パスワード変更 names the validator's limits.
    #[test]
    fn the_password_policy_names_the_validators_limits() {
        assert_eq!(password_policy()[0], "8文字以上、128文字以内");
    }
}
