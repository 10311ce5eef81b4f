//! The message catalogue: every string a person using Onshi reads.
//!
//! One place for all user-facing Japanese (decisions.md D9). Each entry says where its wording comes
//! from: a seed guide (by file number, e.g. "seed 000") when the official guides word it, or "Ours" when
//! they do not and the wording is this project's. Keep the guides' wording exactly, including their
//! punctuation and full-width characters.

// ---------------------------------------------------------------------------------------------------
// The frame shared by every screen.

/// Seed 000: the title on every screen.
pub const SYSTEM_TITLE: &str = "オンライン資格確認等システム";
/// Seed 000.
pub const LOGOUT: &str = "ログアウト";
/// Seed 000: the bottom button back to the menu.
pub const MENU: &str = "メニュー";
/// Seed 000.
pub const BACK: &str = "戻る";
/// Seed 000.
pub const REQUIRED_NOTE: &str = "* 必須項目";
/// Ours: the permanent banner of training mode.
pub const TRAINING_BANNER: &str = "研修モード";
/// Ours: the banner's explanation.
pub const TRAINING_BANNER_NOTE: &str =
    "研修用のデータで動作しています。実際の資格確認は行われません。";
/// Seed 000.
pub const OK: &str = "OK";
/// Seed 000.
pub const CANCEL: &str = "キャンセル";
/// Seed 001.
pub const YES: &str = "はい";
/// Seed 001.
pub const NO: &str = "いいえ";
/// Ours: a tile whose screen is not built yet.
pub const COMING_SOON: &str = "準備中";
/// Ours: the page shown for an address that names no screen.
pub const NOT_FOUND_PAGE: &str = "指定された画面は存在しません。";
/// Ours: a code the official tables do not know (shown where its label would be).
pub fn unknown_code(code: &str) -> String {
    format!("不明なコード（{code}）")
}
/// Ours: a busy indicator.
pub const PROCESSING: &str = "処理中です…";

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

/// Seeds 000, 001, 004: the start page's button.
pub const START_BUTTON: &str = "システムの利用を始める";
/// Ours: the sign-in screen's name in the frame.
pub const SCREEN_SIGN_IN: &str = "ログイン";
/// Seed 003 (the sign-in box).
pub const LABEL_USER_ID: &str = "ユーザID";
/// Seed 003 (the sign-in box).
pub const LABEL_PASSWORD: &str = "パスワード";
/// Seeds 000, 003.
pub const SIGN_IN_BUTTON: &str = "ログイン";
/// Seed 004 (printed under the sign-in box), followed by ours: an administrator's パスワード初期化
/// (seeds 002, 003) lifts the lock at once.
pub const LOCKOUT_NOTE: &str = "※パスワードを5回間違えると、ログインができなくなります。その場合は30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。";
/// Seed 001, FAQ 3.
pub const FORCE_SIGN_IN_PROMPT: &str = "前回正常にログアウトされていなかった可能性があります。または、該当ユーザは既に使用されています。強制的にログインしますか？";
/// Ours: seed 000 shows an announcement answered with 「OK」 but does not word it.
pub const LOGOUT_CONFIRM: &str = "ログアウトします。よろしいですか？";
/// Ours: the idle warning shown in the last minute.
pub const IDLE_WARNING_TITLE: &str = "自動ログアウトの確認";
/// Ours: the button that keeps the session alive.
pub const IDLE_CONTINUE: &str = "操作を続ける";
/// Ours, after seed 001 FAQ 7 (「ログイン後30分間無操作の状態が続くとセキュリティ管理の為にログアウトされます。」).
pub const SIGNED_OUT_IDLE: &str =
    "30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。";
/// Ours: shown when another terminal signed in with the same ID and answered 「はい」.
pub const SIGNED_OUT_REVOKED: &str =
    "同じユーザIDで別の場所からログインされたため、ログアウトしました。";
/// Ours: the training accounts panel on the sign-in page.
pub const TRAINING_ACCOUNTS_TITLE: &str = "研修用アカウント";
/// Ours: the panel's explanation.
pub const TRAINING_ACCOUNTS_NOTE: &str = "研修モードでは次のアカウントでログインできます。「入力」を押すとユーザIDとパスワードが入力されます。";
/// Ours: fills the sign-in form with a training account.
pub const TRAINING_ACCOUNTS_FILL: &str = "入力";
/// Seed 002's account table.
pub const LABEL_ACCOUNT_KIND: &str = "アカウントの種類";
/// Seed 003 (ユーザ設定情報).
pub const LABEL_USER_NAME: &str = "ユーザ名";

/// Ours: the idle warning's text, with the seconds left.
pub fn idle_warning(seconds_left: i64) -> String {
    format!("操作が行われていないため、あと{seconds_left}秒で自動的にログアウトします。")
}

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
/// Ours: 新しいパスワード（確認） left empty.
pub const PASSWORD_CONFIRM_REQUIRED: &str =
    "確認のため、新しいパスワードをもう一度入力してください。";
/// Ours: 新しいパスワード（確認） differs from 新しいパスワード.
pub const PASSWORD_CONFIRM_MISMATCH: &str =
    "新しいパスワード（確認）が新しいパスワードと一致しません。";

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

/// Seed 000 Case1 ⑥.
pub const SCREEN_HISTORY_DETAIL: &str = "資格確認履歴詳細";
/// Seed 000 Case1: the heading of the conditions.
pub const HISTORY_CONDITIONS: &str = "検索条件：資格確認履歴照会";
/// Seed 000 Case1.
pub const LABEL_INSTITUTION_CODE: &str = "医療機関コード";
/// Seed 000 Case1 (the seed prints 期間 for the start and 時間 for the end).
pub const LABEL_HISTORY_FROM: &str = "資格確認対象期間(自)";
/// Seed 000 Case1.
pub const LABEL_HISTORY_TO: &str = "資格確認対象時間(至)";
/// Seed 000 Case1 (also the label on 資格確認履歴詳細).
pub const LABEL_HISTORY_KIND: &str = "資格確認区分";
/// Seed 000 Case1.
pub const LABEL_HISTORY_NARROW: &str = "資格確認区分絞り込み";
/// Seed 000 Case1.
pub const LABEL_LOGIN_ID: &str = "ログインID";
/// Ours: the accessible names of a bound's two inputs.
pub const LABEL_DATE: &str = "日付";
/// Ours.
pub const LABEL_TIME: &str = "時刻";
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
/// Seed 000 Case1.
pub const CLEAR: &str = "クリア";
/// Ours.
pub const HISTORY_TIME: &str = "時刻は「09:30」のように時と分で入力してください。";
/// Ours.
pub const HISTORY_LOGIN_ID_TOO_LONG: &str = "ログインIDは64文字以内で入力してください。";
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
/// Seed 000 Case1 ⑤: the column and the button of each row.
pub const DETAIL: &str = "詳細";
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
/// Ours: the choice of the CSV's character set.
pub const CSV_ENCODING: &str = "文字コード";
/// Ours.
pub const CSV_UTF8: &str = "UTF-8（BOM付き）";
/// Ours.
pub const CSV_CP932: &str = "Shift_JIS（Excel用）";
/// Ours: saves the refused CSV as UTF-8 instead (decisions.md D6).
pub const CSV_SAVE_UTF8: &str = "UTF-8（BOM付き）で保存";
/// Ours: a CP932 download refused (decisions.md D6), with the row (its 項目) and the character.
pub fn csv_not_cp932(row: usize, column: &str, character: char) -> String {
    format!(
        "{row}件目の{column}に、Shift_JIS（CP932）で表せない文字「{character}」があります。UTF-8（BOM付き）で保存してください。"
    )
}
/// Ours: the CSV's name, with the time it was made (`yyyymmddhhmmss`).
pub fn history_csv_name(made_at: &str) -> String {
    format!("資格確認履歴_{made_at}.csv")
}
// The consent table of 資格確認履歴詳細 uses the reception screen's CONSENT_*_VIEW labels below.
/// Seed 000 Case1 ⑥.
pub const LABEL_PRESCRIPTION_ISSUE: &str = "処方箋発行形態選択";
/// Seed 000 Case1 ⑥.
pub const PRESCRIPTION_NOT_CHOSEN: &str = "未選択";
/// Ours: what the detail's download leaves out.
pub const HISTORY_DETAIL_BLACK_CIRCLE: &str = "「●」は変換できない文字です。●を含む項目は、ダウンロードするレセコン用の資格情報に含めません。";

// S7: reader modes (seed 000 Case3).

/// Seed 000.
pub const MODE_UNATTENDED: &str = "無人運転";
/// Seed 000.
pub const MODE_PIN_ONLY: &str = "暗証番号認証固定";
/// Seed 000.
pub const MODE_VISUAL: &str = "目視確認";
/// Seed 000 Case3 ⑤: the table's heading.
pub const READERS_COLUMN: &str = "カードリーダー名 / 現在のモード";
/// Seed 000 Case3 ⑤, followed by the selected reader's mode (decisions.md D9).
pub const READERS_SELECTED_MODE: &str = "※選択中のモード：";
/// Seed 000 Case3 ⑤.
pub const READERS_RELOAD: &str = "再読み込み";
/// Ours: the radio that selects a reader row (decisions.md D9: the screen acts on the selected one).
pub const READERS_SELECT: &str = "選択";
/// Ours.
pub const READERS_NONE: &str = "カードリーダーが登録されていません。";
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
/// Ours: the frame's list of readers and their modes.
pub const FRAME_READERS: &str = "カードリーダー";
/// Ours: the frame's prompt after a visual check (seed 000 ⑪: staff switch back to 無人運転).
pub fn reader_return_prompt(label: &str) -> String {
    format!("「{label}」の目視確認が完了しました。無人運転モードに戻してください。")
}
/// Ours.
pub const READER_RETURN: &str = "無人運転に戻す";

// S14: パスワード変更 (seed 002: 「新旧パスワードを入力して変更を実行」; seed 003: the initial
// password is changed at first sign-in). The screen's name is the menu tile's, TILE_PASSWORD_CHANGE.

/// Ours: the first field (seed 002 names the step, not its fields).
pub const LABEL_CURRENT_PASSWORD: &str = "現在のパスワード";
/// Ours.
pub const LABEL_NEW_PASSWORD: &str = "新しいパスワード";
/// Ours.
pub const LABEL_NEW_PASSWORD_CONFIRM: &str = "新しいパスワード（確認）";
/// Ours: the button that runs the change (seed 002 「変更を実行」).
pub const PASSWORD_CHANGE_BUTTON: &str = "変更";
/// Seed 003 (※1 under the issued master password): shown while the password must be changed.
pub const PASSWORD_CHANGE_FIRST: &str =
    "安全管理上、初回ログイン時にはパスワードを変更してください。";
/// Ours: why the other screens lead back here until then.
pub const PASSWORD_CHANGE_FIRST_NOTE: &str = "パスワードを変更するまで、他の画面は利用できません。";
/// Ours: the heading of the policy.
pub const PASSWORD_POLICY_TITLE: &str = "パスワードの条件";
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
/// Ours, after seed 002 (「④ 変更を完了」).
pub const PASSWORD_CHANGED: &str = "パスワードを変更しました。";

// S8: 目視確認用パスコード発行 (seed 004).

/// Seed 004 step 5.
pub const PASSCODE_EXPLANATION: &str = "顔認証装置で職員モード(目視確認)に切り替えて資格確認を実施する際に必要となる4桁のパスコードを発行します。目視確認用パスコードは変更不可であり、再発行のみ可能です。※再発行の場合、既に発行した目視確認用パスコードは利用できなくなります。";
/// Seed 004 step 5.
pub const PASSCODE_ISSUE: &str = "発行";
/// Seed 004 step 6: 「目視確認用パスコードを発行します。よろしいですか? ユーザID:ons」.
pub fn passcode_confirm(user_id: &str) -> String {
    format!("目視確認用パスコードを発行します。よろしいですか?\nユーザID:{user_id}")
}
/// Seed 004 step 7: the code's label.
pub const PASSCODE_LABEL: &str = "パスコード";
/// Seed 004 step 7.
pub const PASSCODE_REMEMBER: &str =
    "パスコードは目視確認モードを使用する際に、入力することになるため忘れないようにして下さい。";
/// Ours: the code is shown once (decisions.md D2).
pub const PASSCODE_SHOWN_ONCE: &str =
    "この表示を閉じると、パスコードは再表示できません。忘れた場合は再発行してください。";

// S9: the patient side of the reader, simulated in training (seeds 002, 004).

/// Ours: the panel is the trainer's, not part of the real terminal.
pub const PANEL_HEADING: &str = "研修用：顔認証付きカードリーダー（患者側の画面）";
/// Ours.
pub const PANEL_NOTE: &str = "研修用の画面です。実際の資格確認端末にはありません。患者役・職員役として、カードリーダーの画面を操作します。";
/// Ours: the frame's button that shows the panel.
pub const PANEL_OPEN: &str = "カードリーダー（患者側）を表示";
/// Ours.
pub const PANEL_CLOSE: &str = "カードリーダー（患者側）を閉じる";
/// decisions.md S9.
pub const READER_SCREEN_INITIALIZING: &str = "初期化しています";
/// Seed 002.
pub const READER_SCREEN_PLACE_CARD: &str = "マイナンバーカードを置いてください";
/// Ours: the trainer chooses whose card is placed.
pub const READER_SCREEN_CARD: &str = "置くカード";
/// Ours.
pub const READER_SCREEN_PLACE: &str = "カードを置く";
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
/// Ours.
pub const READER_SCREEN_ENTER_PIN: &str = "暗証番号（4桁）を入力してください";
/// Ours.
pub const READER_SCREEN_CONFIRM_INPUT: &str = "確定";
/// Seed 002.
pub const READER_SCREEN_CONSENT_PURPOSE: &str =
    "この情報はあなたの診察や健康管理のために使用します。";
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
/// Seed 004.
pub const READER_SCREEN_STOP: &str = "中止";
/// Ours: the panel's choice of which reader it plays.
pub const PANEL_READER: &str = "操作するカードリーダー";
/// Ours: the label of the reader's PIN field.
pub const READER_SCREEN_PIN_FIELD: &str = "暗証番号";

// The general-purpose card reader on 「マイナンバーカードで確認」. Every string here is ours:
// the guides describe only the face readers.

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
/// Ours: what staff do about a blocked PIN (目視確認 does not unblock it; only the municipal office
/// can).
pub const CARD_PIN_BLOCKED_GUIDANCE: &str = "職員の方へ：この患者さまは暗証番号で確認できません。顔認証付きカードリーダーの目視確認モードで本人確認を行うか、保険証/処方箋で確認してください。暗証番号のロックはお住まいの市区町村の窓口で解除できます。";
/// Ours: the links under the guidance.
pub const CARD_TO_READERS: &str = "顔認証付きカードリーダー操作へ";
/// Ours.
pub const CARD_TO_INQUIRY: &str = "保険証/処方箋で確認へ";
/// Ours.
pub const CARD_FAILED: &str =
    "カードを読み取れませんでした。カードをいったん取り、置き直してください。";
/// Ours.
pub const CARD_READER_FAILED: &str =
    "カードリーダーとの通信に失敗しました。カードをいったん取り、置き直してください。";
/// Ours.
pub const CARD_READER_UNPLUGGED: &str =
    "カードリーダーが取り外されました。接続し直してから「カードリーダーを接続」を押してください。";
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
// S2: the menu (seed 004's menu tree; seed 000 names the tiles).

/// Ours: the menu screen's name in the frame (seed 000 calls it the トップ画面).
pub const SCREEN_MENU: &str = "メニュー";
/// Seeds 000, 004.
pub const TILE_MY_NUMBER: &str = "マイナンバーカードで確認";
/// Seeds 000, 004.
pub const TILE_INSURANCE_CARD: &str = "保険証/処方箋で確認";
/// Seeds 000, 004.
pub const TILE_HISTORY: &str = "資格確認履歴照会";
/// Seeds 000, 004.
pub const TILE_READER: &str = "顔認証付きカードリーダー操作";
/// Seed 004.
pub const GROUP_HOME_VISIT: &str = "訪問診療等・オンライン診療等";
/// Seed 004.
pub const TILE_CONSENTED: &str = "同意済資格情報取得";
/// Seed 004.
pub const TILE_QUALIFICATION_INQUIRY: &str = "資格情報照会";
/// Seed 004.
pub const TILE_BULK_INQUIRY: &str = "資格情報一括照会";
/// Seed 004.
pub const TILE_BULK_INQUIRY_RESULT: &str = "資格情報一括照会結果";
/// Seed 004.
pub const TILE_CONSENT_REVOCATION: &str = "同意取消照会";
/// Seed 004.
pub const GROUP_BULK_INQUIRY: &str = "資格情報一括照会";
/// Seed 004.
pub const GROUP_BULK_REFERENCE: &str = "照会番号一括登録";
/// Seed 004.
pub const TILE_BULK_REFERENCE: &str = "照会番号一括登録";
/// Seed 004.
pub const TILE_BULK_REFERENCE_RESULT: &str = "照会番号一括登録結果";
/// Seed 004.
pub const GROUP_DELEGATED: &str = "委託先資格情報一括取得";
/// Seed 004.
pub const TILE_DELEGATED: &str = "委託先資格情報一括取得";
/// Seed 004.
pub const GROUP_ACCOUNT: &str = "アカウント情報管理";
/// Seed 004.
pub const TILE_PASSWORD_CHANGE: &str = "パスワード変更";
/// Seed 002 (アカウント管理（登録）/（更新）).
pub const TILE_ACCOUNT_MANAGEMENT: &str = "アカウント登録/更新";
/// Seed 004.
pub const TILE_PASSCODE: &str = "目視確認用パスコード発行";
/// Seed 003.
pub const TILE_DISASTER: &str = "災害時医療情報閲覧";
/// Seeds 001, 003.
pub const TILE_MEDICAL_INFO: &str = "医療情報閲覧";

// ---------------------------------------------------------------------------------------------------
// The endpoint: the settings screen, capabilities, and answers that never came.

/// Ours: the settings screen's name, and the link to it from the start and sign-in pages.
pub const SCREEN_SETTINGS: &str = "接続先の設定";
/// Ours: the settings screen's explanation.
pub const SETTINGS_INTRO: &str = "資格確認に使う接続先を選んでください。接続先を変更すると、ログイン中の利用者はログアウトします。";
/// Ours: the heading of the endpoint in use.
pub const SETTINGS_CURRENT: &str = "現在の接続先";
/// Ours: the heading of the choices.
pub const SETTINGS_CHOICES: &str = "接続先";
/// Ours: the choice of the in-page training endpoint (the default).
pub const ENDPOINT_TRAINING: &str = "研修モード";
/// Ours: what the training choice means.
pub const ENDPOINT_TRAINING_NOTE: &str =
    "研修用のデータで、このブラウザの中だけで動作します。接続先は不要です。";
/// Ours: the choice of the endpoint that served this page.
pub const ENDPOINT_THIS_SERVER: &str = "このサーバ";
/// Ours: what the "this server" choice means.
pub const ENDPOINT_THIS_SERVER_NOTE: &str = "この画面を配信しているサーバを接続先にします。";
/// Ours: the choice of an endpoint typed in.
pub const ENDPOINT_OTHER: &str = "別の接続先";
/// Ours: what the "other" choice means.
pub const ENDPOINT_OTHER_NOTE: &str =
    "接続先のURLを入力します。このアプリのサーバ設定で許可された接続先だけに接続できます。";
/// Ours: the label of the endpoint's URL.
pub const LABEL_ENDPOINT_URL: &str = "接続先のURL";
/// Ours: the button that checks and then uses the chosen endpoint.
pub const SETTINGS_SAVE: &str = "この接続先を使う";
/// Ours: shown once the new endpoint is in use.
pub const SETTINGS_SAVED: &str = "接続先を変更しました。";
/// Ours: the link from the settings screen back to sign-in.
pub const GO_TO_SIGN_IN: &str = "ログイン画面へ";
/// Ours: the endpoint's contract version, shown on the settings screen.
pub const LABEL_CONTRACT_VERSION: &str = "契約バージョン";
/// Ours: the label of the endpoint in the version message.
pub const LABEL_THE_ENDPOINT: &str = "接続先";
/// Ours: the label of this app in the version message.
pub const LABEL_THIS_APP: &str = "このアプリ";
/// Ours: the endpoint's state while its capabilities are being read.
pub const ENDPOINT_CHECKING: &str = "接続先を確認しています…";
/// Ours: the endpoint answered its capabilities.
pub const ENDPOINT_AVAILABLE: &str = "接続できます";
/// Ours: an endpoint that works on training data (an HTTP endpoint started with `--training`).
pub const ENDPOINT_TRAINING_DATA: &str = "研修用のデータ";

// Validation of the typed URL (shown next to the field; nothing is sent).

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

// Why an endpoint was refused (probing `GET /onshi/v1/capabilities`).

/// Ours: no answer at all (the endpoint is down, the address is wrong, or the network failed).
pub const ENDPOINT_UNREACHABLE: &str =
    "接続先に接続できませんでした。接続先が起動しているか、URLが正しいか確認してください。";
/// Ours: the app's Content-Security-Policy (connect-src, set by the server that delivers the app)
/// does not list the endpoint, so the browser refuses to connect to it.
pub const ENDPOINT_NOT_ALLOWED: &str = "この接続先は、このアプリの配信元サーバで接続が許可されていないため、利用できません。システム管理者に接続先の許可を依頼してください。";
/// Ours: an answer, but not the contract's.
pub const ENDPOINT_NOT_CONTRACT: &str =
    "接続先からオンライン資格確認の応答が得られませんでした。URLが正しいか確認してください。";
/// Ours: a contract of another major version.
pub const ENDPOINT_INCOMPATIBLE: &str =
    "接続先の契約バージョンがこのアプリと互換性がないため、利用できません。";
/// Ours: an endpoint without the session group cannot be signed in to.
pub const ENDPOINT_NO_SIGN_IN: &str = "この接続先はログインに対応していないため、利用できません。";
/// Ours: a menu tile whose feature group the endpoint does not advertise.
pub const TILE_UNAVAILABLE: &str = "この接続先では利用できません";

/// Ours: a request that got no answer in time.
pub const TRANSPORT_TIMEOUT: &str =
    "接続先から一定時間内に応答がありませんでした。しばらくしてから再度お試しください。";

// ---------------------------------------------------------------------------------------------------
// 保険証/処方箋で確認 (S5) and 資格情報確認 (S6).

/// Seeds 000, 001: the menu tile and the form's screen.
pub const SCREEN_INQUIRY: &str = "保険証/処方箋で確認";
/// Seed 000 Case2 ③: the result's screen.
pub const SCREEN_QUALIFICATION_CHECK: &str = "資格情報確認";
/// Seed 000: the tabs of the inquiry screens.
pub const TAB_MY_NUMBER_CARD: &str = "マイナンバーカード";
/// Seed 000.
pub const TAB_INSURANCE_CARD: &str = "保険証";
/// Ours: what the form is for.
pub const INQUIRY_INTRO: &str =
    "保険証（または処方箋）に記載された情報を入力し、「検索」を選択してください。";
/// Seed 000.
pub const LABEL_INSURER_NUMBER: &str = "保険者番号";
/// Seed 000.
pub const LABEL_INSURER_NAME: &str = "保険者名";
/// Seed 000.
pub const LABEL_SYMBOL: &str = "記号";
/// Seed 000.
pub const LABEL_NUMBER: &str = "番号";
/// Seed 000.
pub const LABEL_BRANCH: &str = "枝番";
/// Seed 000.
pub const LABEL_BIRTHDATE: &str = "生年月日";
/// Seed 002.
pub const LABEL_CONFIRMATION_DATE: &str = "資格確認日";
/// Seed 002.
pub const LABEL_TREATMENT: &str = "診療区分";
/// Ours: the patient's answer about 限度額 information (OQSCD001).
pub const LABEL_LIMIT_CONSENT: &str = "限度額適用認定証提供同意";
/// Ours.
pub const LIMIT_CONSENT_YES: &str = "同意あり";
/// Ours.
pub const LIMIT_CONSENT_NO: &str = "同意なし";
/// Ours: how dates may be typed.
pub const DATE_HINT: &str = "例：S29.3.26、昭和29年3月26日、1954/03/26";
/// Ours: 枝番 is printed on cards issued since 2021; 後期高齢 cards have none.
pub const BRANCH_HINT: &str = "2桁（後期高齢者医療の被保険者証は入力不要）";
/// Seeds 000, 001.
pub const SEARCH_BUTTON: &str = "検索";

/// Seed 000 Case2 ③.
pub const RESULT_VALID: &str = "この資格は有効です。";
/// Seed 000 「その他の判定結果」.
pub const RESULT_INVALID: &str = "この資格は無効です。";
/// Seed 000 「その他の判定結果」.
pub const RESULT_INVALID_WITH_NEW: &str =
    "この資格は無効です。新しい資格が存在するので確認してください。";
/// Ours (OQSCD006 4 該当資格なし).
pub const RESULT_NO_QUALIFICATION: &str =
    "該当する資格がありません。入力した保険証の情報と生年月日を確認してください。";
/// Ours (OQSCD006 5 複数該当).
pub const RESULT_MULTIPLE: &str = "複数の資格が該当しました。患者に保険証を確認してください。";
/// Ours (OQSCD006 6, 医療扶助).
pub const RESULT_VALID_UNREGISTERED: &str = "この資格は有効です（未登録）。";
/// Ours: the national side answered with an error inside the message (ProcessingResultStatus 2).
pub const RESULT_ERROR: &str = "資格確認でエラーが発生しました。";
/// Ours: a 資格有効性 this build does not know.
pub const RESULT_UNKNOWN: &str = "資格確認の結果を判定できませんでした。";
/// Seed 000.
pub const LABEL_REFERENCE_NUMBER: &str = "照会番号";
/// Seed 000.
pub const LABEL_NAME_ON_CARD: &str = "氏名(券面)";
/// Seed 000.
pub const LABEL_NAME_OTHER: &str = "氏名(その他)";
/// Seed 000.
pub const LABEL_SEX_FRONT: &str = "性別(表面)";
/// Seed 000.
pub const LABEL_CARD_CLASSIFICATION: &str = "証区分";
/// Seed 000.
pub const LABEL_PARTIAL_RATIO: &str = "一部負担金割合";
/// Seed 000.
pub const LABEL_VALID_FROM: &str = "有効開始日";
/// Seed 000.
pub const LABEL_VALID_UNTIL: &str = "有効終了日";
/// Seed 000.
pub const LABEL_REASON_OF_LOSS: &str = "資格喪失事由";
/// Seed 000.
pub const LABEL_PERSONAL_FAMILY: &str = "本人・家族の別";
/// Seed 000.
pub const LABEL_INSURED_NAME: &str = "被保険者氏名";
/// Seed 000.
pub const LABEL_POST_NUMBER: &str = "郵便番号";
/// Seed 000.
pub const LABEL_ADDRESS: &str = "住所";
/// Seed 000.
pub const ELDERLY_CERTIFICATE: &str = "高齢受給者証";
/// Seed 000.
pub const LIMIT_CERTIFICATE: &str = "限度額適用認定証";
/// Seed 000: the button that reveals the 限度額 details.
pub const SHOW_INFORMATION: &str = "情報表示";
/// Seed 000 (the guides print 関する once and 関わる once; we settle on 関する).
pub const PRIVACY_WARNING: &str =
    "プライバシーに関する情報のため、患者の同意にもとづきご参照ください。";
/// Ours: 情報表示 where the patient did not consent.
pub const LIMIT_NOT_CONSENTED: &str =
    "患者の同意がないため、限度額適用認定証の情報は表示できません。";
/// Ours: consented, but the insurer has no certificate.
pub const LIMIT_NONE: &str = "限度額適用認定証の情報はありません。";
/// Ours: 限度額適用認定証's fields.
pub const LABEL_LIMIT_CLASSIFICATION: &str = "適用区分";
/// Ours.
pub const LABEL_ISSUED: &str = "交付年月日";
/// Ours.
pub const LABEL_LONG_TERM: &str = "長期入院該当年月日";
/// Ours: the 特定疾病療養受療証 block.
pub const DISEASE_CERTIFICATE: &str = "特定疾病療養受療証";
/// Ours.
pub const LABEL_DISEASE: &str = "認定疾病名";
/// Ours.
pub const LABEL_SELF_PAY: &str = "自己負担限度額";
/// Seed 001 FAQ 2, reworded for the screen: what ● means and what to do.
pub const BLACK_CIRCLE_WARNING: &str = "「●」は変換できない文字です。●を含む項目はチェックを外した状態にしています。レセコンには反映されません。";
/// Ours: the per-item checkbox's meaning.
pub const HAND_OVER_HINT: &str = "チェックした項目をレセコンに反映します。";
/// Ours: a decoded value that failed a check (a check digit, a missing element).
pub const RESULT_FINDINGS: &str = "受信した資格情報に確認が必要な項目があります：";
/// Seed 000.
pub const DOWNLOAD: &str = "ダウンロード";
/// Seed 000.
pub const NEXT_PATIENT_CARD: &str = "次の患者へ(マイナンバーカード)";
/// Seed 000.
pub const NEXT_PATIENT_INSURANCE: &str = "次の患者へ(保険証)";
/// Ours: the count of qualifications in a 複数該当 result.
pub fn qualification_count(n: usize) -> String {
    format!("該当した資格：{n}件")
}
/// Ours: 自己負担限度額 in yen.
pub fn yen(amount: u32) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}円")
}
/// Ours: a request message that could not be written (never staff's input).
pub const REQUEST_UNENCODABLE: &str = "送信する電文を作成できませんでした。";
/// Ours: a file the browser would not save.
pub const DOWNLOAD_FAILED: &str = "ファイルを保存できませんでした。";
/// Ours: the seeds print the kana above the name without a label.
pub const LABEL_KANA: &str = "カナ";
/// Ours.
pub const LABEL_KANA_OTHER: &str = "カナ(その他)";

// ---------------------------------------------------------------------------------------------------
// 「マイナンバーカードで確認」: the reception screen with the live feed of reader results
// (decisions.md D9), and the patient's answers on the reader's screens (seed 002), which training's
// reader panel (S9) shows.

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
/// Seed 000 (資格確認履歴詳細).
pub const CONSENT_LIMIT_VIEW: &str = "限度額適用認定証閲覧同意";
/// Seed 000.
pub const CONSENT_DISEASE_VIEW: &str = "特定疾病療養受療証閲覧同意";
/// Seed 000.
pub const CONSENT_CHECKUPS_VIEW: &str = "特定健診情報閲覧同意";
/// Seed 000.
pub const CONSENT_PHARMACY_VIEW: &str = "薬剤情報閲覧同意";
/// Seed 000.
pub const CONSENT_DIAGNOSIS_VIEW: &str = "診療情報閲覧同意";
/// Ours: decisions.md D9 shows all six flags; the seed's table prints five.
pub const CONSENT_OPERATION_VIEW: &str = "手術情報閲覧同意";
/// Seed 000.
pub const CONSENT_GIVEN: &str = "あり";
/// Seed 000.
pub const CONSENT_NOT_GIVEN: &str = "なし";

/// Ours: a canned person whose card PIN is locked.
pub const TRAINER_PIN_LOCKED: &str = "（暗証番号ロック中）";
/// Seed 002.
pub const TRAINER_FACE: &str = "顔認証を行う";
/// Seed 002.
pub const TRAINER_PIN: &str = "暗証番号を入力";
/// Ours, after seed 002's question about 特定健診等情報 (decisions.md D9's first question).
pub const TRAINER_ASK_MEDICAL: &str =
    "過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。";
/// Seed 002.
pub const TRAINER_ASK_CHECKUPS: &str = "過去の特定健診等情報を当機関に提供することに同意しますか。";
/// Seed 002.
pub const TRAINER_ASK_LIMIT: &str = "限度額情報や特定疾病療養受療証情報を提供しますか。";
/// Seed 002.
pub const TRAINER_AGREE: &str = "同意する";
/// Seed 002.
pub const TRAINER_DISAGREE: &str = "同意しない";
/// Seed 002.
pub const TRAINER_PROVIDE: &str = "提供する";
/// Seed 002.
pub const TRAINER_NOT_PROVIDE: &str = "提供しない";
/// Seed 002: the reader's last screen.
pub const TRAINER_DONE: &str = "確認が完了しました";
/// Ours: after a wrong PIN at the reader.
pub fn pin_tries_left(n: u32) -> String {
    format!("あと{n}回間違えると暗証番号がロックされます。")
}

// --- 照会番号 「編集」 (S6, S11 single) and the outbox (decisions.md D4) ---------------------------
/// Seed 000 (the button beside 照会番号 on 資格情報確認).
pub const EDIT: &str = "編集";
/// Ours: the button that sends a 照会番号 registration.
pub const REGISTER: &str = "登録";
/// Ours.
pub const REFERENCE_SENDING: &str = "照会番号を送信しています…";
/// Ours.
pub const REFERENCE_REGISTERED: &str = "照会番号を登録しました。";
/// Ours: the national side refused the registration inside its answer (shown, never retried).
pub const REFERENCE_REFUSED: &str = "照会番号を登録できませんでした。";
/// Ours: the registration got no answer; it is kept in the outbox and sent again.
pub const REFERENCE_KEPT: &str = "接続先から応答がありませんでした。この登録は未送信の登録として端末に保持し、自動で再送します。";
/// Ours: the same registration is still with the national side; it is kept and sent again under the
/// same key until its answer comes. Not a failure.
pub const REFERENCE_AWAITING_ANSWER: &str = "照会番号の登録はオンライン資格確認等システムの回答待ちです。未送信の登録として端末に保持し、回答を受け取るまで自動で再送します。";
/// Ours: the registration could not even be kept, so it was not sent.
pub const OUTBOX_NOT_KEPT: &str =
    "登録内容を端末に保存できなかったため、送信していません。もう一度お試しください。";
/// Ours: the outbox screen.
pub const SCREEN_OUTBOX: &str = "未送信の登録";
/// Ours: the frame's badge.
pub fn outbox_badge(n: usize) -> String {
    format!("未送信の登録 {n}件")
}
/// Ours.
pub const OUTBOX_EMPTY: &str = "未送信の登録はありません。";
/// Ours.
pub const OUTBOX_HINT: &str = "接続先から応答がなかった登録です。同じ登録が二重に反映されることはありません。この端末で同じ医療機関の利用者がログインしている間、自動で再送します。";
/// Ours.
pub const OUTBOX_CREATED_AT: &str = "作成日時";
/// Ours.
pub const OUTBOX_USER: &str = "作成者";
/// Ours.
pub const OUTBOX_CONTENT: &str = "内容";
/// Ours.
pub const OUTBOX_STATE: &str = "状態";
/// Ours.
pub const OUTBOX_PENDING: &str = "送信待ち";
/// Ours.
pub const OUTBOX_SENDING: &str = "送信中";
/// Ours: the endpoint has the same write with the national side, whose answer has not come yet;
/// nothing failed.
pub const OUTBOX_AWAITING_ANSWER: &str =
    "回答待ち（オンライン資格確認等システムの回答を待っています。自動で再送します）";
/// Ours.
pub const OUTBOX_FAILED: &str = "送信できませんでした（自動で再送します）";
/// Ours: D4's 要確認 (older than six days, not replayed automatically).
pub const OUTBOX_NEEDS_CHECK: &str = "要確認：作成から6日以上経過したため自動では再送しません。現在の登録内容を確認してから送り直してください。";
/// Ours.
pub const OUTBOX_DONE: &str = "送信済み";
/// Ours: a queued write for another endpoint or institution, which this session does not send.
pub const OUTBOX_OTHER_SCOPE: &str = "別の接続先または医療機関の登録のため、ここでは送信しません";
/// Ours.
pub const OUTBOX_RESEND_NOW: &str = "今すぐ再送";
/// Ours.
pub const OUTBOX_SEND_AGAIN: &str = "新しく送り直す";
/// Ours.
pub const OUTBOX_DISMISS: &str = "確認済み";
/// Ours.
pub const OUTBOX_DISCARD: &str = "破棄";
/// Ours.
pub const OUTBOX_DISCARD_CONFIRM: &str = "この登録を送信せずに破棄します。よろしいですか。";
/// Ours.
pub const OUTBOX_UNREADABLE: &str = "未送信の登録を読み出せませんでした。";
/// Ours: a registration's content in the outbox list.
pub fn outbox_registration(reference_number: &str, card: &str) -> String {
    format!("照会番号登録：{reference_number}（{card}）")
}
/// Ours.
pub const OUTBOX_OTHER_WRITE: &str = "登録";
/// Ours: logout with writes not yet sent (D4: send now / keep for later).
pub const OUTBOX_LOGOUT_TITLE: &str = "未送信の登録があります";
/// Ours.
pub fn outbox_logout_message(n: usize) -> String {
    format!(
        "未送信の登録が{n}件あります。今すぐ送信するか、この端末に保持してログアウトするかを選んでください（保持した登録は、次にログインした同じ医療機関の利用者の操作で送信されます）。"
    )
}
/// Ours.
pub const OUTBOX_SEND_NOW: &str = "今すぐ送信";
/// Ours.
pub const OUTBOX_KEEP_AND_LOGOUT: &str = "保持してログアウト";

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
