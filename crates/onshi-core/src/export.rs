//! Files staff download: 資格確認履歴 as CSV (S3's ダウンロード; decisions.md D6, D9).
//!
//! The list on the screen and the CSV share one text form of a row, [`HistoryRow`], so the file holds
//! exactly the columns staff see. The CSV is UTF-8 with a BOM, or CP932 for Excel; a character CP932
//! lacks (e.g. 𠮷) refuses the CP932 file with the row and the character, and is never replaced
//! (D6). Written by hand rather than with a CSV crate: RFC 4180 quoting is a few lines.

use std::borrow::Cow;

use crate::{
    catalogue,
    contract::groups::{Coded, HistoryItem},
    domain::Card,
    wire::xml::for_shift_jis,
};

/// The list's columns in the screen's order (seed 000 Case1 ⑤), the CSV's header.
pub const HISTORY_COLUMNS: [&str; 11] = [
    catalogue::COLUMN_NUMBER,
    catalogue::COLUMN_CONFIRMED_AT,
    catalogue::LABEL_LOGIN_ID,
    catalogue::LABEL_REFERENCE_NUMBER,
    catalogue::COLUMN_CLASSIFICATION,
    catalogue::COLUMN_RESULT,
    catalogue::LABEL_INSURER_NUMBER,
    catalogue::COLUMN_SYMBOL_NUMBER_BRANCH,
    catalogue::COLUMN_NAME,
    catalogue::COLUMN_SEX,
    catalogue::LABEL_BIRTHDATE,
];

/// One history entry as the list shows it: every cell as text, empty where the entry has nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    /// 項目: the row's number in the whole search, from 1.
    pub number: usize,
    /// 資格確認日時 in Tokyo with milliseconds, e.g. `2021/01/06 13:33:34.005`.
    pub confirmed_at: String,
    pub login_id: String,
    pub reference_number: String,
    /// 確認区分: マイナンバーカード or 被保険者証.
    pub classification: String,
    /// 資格確認結果, e.g. 資格有効.
    pub result: String,
    pub insurer_number: String,
    /// 記号・番号・枝番 separated by spaces, e.g. `9000 10001 01`.
    pub symbol_number_branch: String,
    pub name: String,
    pub sex: String,
    /// 生年月日 in 西暦, `yyyy/mm/dd`.
    pub birthdate: String,
}

impl HistoryRow {
    /// The row numbered `number` for `item`.
    pub fn of(number: usize, item: &HistoryItem) -> HistoryRow {
        let card = Card {
            insurer_number: None,
            symbol: item.symbol.clone(),
            number: item.number.clone(),
            branch: item.branch.clone(),
        };
        HistoryRow {
            number,
            confirmed_at: item
                .confirmed_at
                .0
                .jst()
                .format("%Y/%m/%d %H:%M:%S%.3f")
                .to_string(),
            login_id: item.login_id.clone(),
            reference_number: item.reference_number.clone().unwrap_or_default(),
            classification: classification_label(&item.classification),
            result: result_label(item.validity.as_ref()),
            insurer_number: item.insurer_number.clone().unwrap_or_default(),
            symbol_number_branch: card.symbol_number_branch(),
            name: item.name.clone().unwrap_or_default(),
            sex: item
                .sex
                .as_ref()
                .map(|s| s.label.clone())
                .unwrap_or_default(),
            birthdate: item
                .birthdate
                .map(|d| d.format("%Y/%m/%d").to_string())
                .unwrap_or_default(),
        }
    }

    /// The cells in [`HISTORY_COLUMNS`]' order.
    pub fn cells(&self) -> [Cow<'_, str>; 11] {
        [
            Cow::Owned(self.number.to_string()),
            Cow::Borrowed(&self.confirmed_at),
            Cow::Borrowed(&self.login_id),
            Cow::Borrowed(&self.reference_number),
            Cow::Borrowed(&self.classification),
            Cow::Borrowed(&self.result),
            Cow::Borrowed(&self.insurer_number),
            Cow::Borrowed(&self.symbol_number_branch),
            Cow::Borrowed(&self.name),
            Cow::Borrowed(&self.sex),
            Cow::Borrowed(&self.birthdate),
        ]
    }
}

/// 確認区分 as the list prints it (OQSCD002; seed 000 prints 被保険者証 for code 2).
pub fn classification_label(classification: &Coded) -> String {
    match classification.code.as_str() {
        "1" => catalogue::CLASSIFICATION_MY_NUMBER_CARD.to_owned(),
        "2" => catalogue::CLASSIFICATION_INSURANCE_CARD.to_owned(),
        _ => classification.label.clone(),
    }
}

/// 資格確認結果 as the list prints it (OQSCD006; seed 000 prints 資格有効). An entry without a
/// validity is an inquiry the national side answered with an error.
pub fn result_label(validity: Option<&Coded>) -> String {
    let Some(validity) = validity else {
        return catalogue::RESULT_COLUMN_ERROR.to_owned();
    };
    match validity.code.as_str() {
        "1" => catalogue::RESULT_COLUMN_VALID,
        "2" => catalogue::RESULT_COLUMN_INVALID,
        "3" => catalogue::RESULT_COLUMN_INVALID_WITH_NEW,
        "4" => catalogue::RESULT_COLUMN_NO_QUALIFICATION,
        "5" => catalogue::RESULT_COLUMN_MULTIPLE,
        "6" => catalogue::RESULT_COLUMN_VALID_UNREGISTERED,
        _ => return validity.label.clone(),
    }
    .to_owned()
}

/// The character set of a CSV download, chosen by staff (D9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CsvEncoding {
    /// UTF-8 with a byte order mark, which Excel needs to read it as UTF-8.
    #[default]
    Utf8Bom,
    /// Windows' Shift_JIS (CP932), which every Excel reads.
    Cp932,
}

impl CsvEncoding {
    pub const ALL: [CsvEncoding; 2] = [CsvEncoding::Utf8Bom, CsvEncoding::Cp932];

    pub fn label(self) -> &'static str {
        match self {
            CsvEncoding::Utf8Bom => catalogue::CSV_UTF8,
            CsvEncoding::Cp932 => catalogue::CSV_CP932,
        }
    }

    /// The media type the file is saved with.
    pub fn media_type(self) -> &'static str {
        match self {
            CsvEncoding::Utf8Bom => "text/csv;charset=utf-8",
            CsvEncoding::Cp932 => "text/csv;charset=shift_jis",
        }
    }
}

/// Why a CSV could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A character CP932 cannot carry, in the row numbered `row` (its 項目) and the column `column`.
    #[error("row {row}, column {column}: {character:?} has no CP932 form")]
    NotCp932 {
        row: usize,
        column: &'static str,
        character: char,
    },
}

impl ExportError {
    /// What staff are told, next to the download button.
    pub fn message(&self) -> String {
        match self {
            ExportError::NotCp932 {
                row,
                column,
                character,
            } => catalogue::csv_not_cp932(*row, column, *character),
        }
    }
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The history as a CSV file: the header, then one line per row, each ended by CRLF (RFC 4180).
pub fn history_csv(rows: &[HistoryRow], encoding: CsvEncoding) -> Result<Vec<u8>, ExportError> {
    let mut text = String::new();
    line(&mut text, HISTORY_COLUMNS.iter().map(|c| Cow::Borrowed(*c)));
    for row in rows {
        let cells = row.cells();
        match encoding {
            CsvEncoding::Utf8Bom => line(&mut text, cells.into_iter()),
            CsvEncoding::Cp932 => {
                // Checked per cell, so that a refusal names where the character is; the JIS
                // spellings of CP932's characters come back in CP932's spelling.
                let mut carried = Vec::with_capacity(cells.len());
                for (cell, column) in cells.iter().zip(HISTORY_COLUMNS) {
                    let cell = for_shift_jis(cell).map_err(|character| ExportError::NotCp932 {
                        row: row.number,
                        column,
                        character,
                    })?;
                    carried.push(Cow::Owned(cell.into_owned()));
                }
                line(&mut text, carried.into_iter());
            }
        }
    }
    Ok(match encoding {
        CsvEncoding::Utf8Bom => [BOM, text.as_bytes()].concat(),
        // Every cell was checked above and the header is the catalogue's (CP932 all through, as the
        // golden file shows), so encoding_rs has nothing to replace.
        CsvEncoding::Cp932 => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
    })
}

fn line<'a>(out: &mut String, cells: impl Iterator<Item = Cow<'a, str>>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, &cell);
    }
    out.push_str("\r\n");
}

/// Characters that make a spreadsheet read a cell as a formula when they lead it.
const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One field: quoted when it holds a comma, a quote or a line break (quotes doubled), and led by an
/// apostrophe when a spreadsheet would otherwise run it as a formula (staff type 照会番号 freely).
fn field(out: &mut String, cell: &str) {
    let guarded = cell.starts_with(FORMULA_LEADS);
    let quoted = guarded || cell.contains([',', '"', '\r', '\n']);
    if quoted {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::time::{Rfc3339, Timestamp};

    fn coded(code: &str, label: &str) -> Coded {
        Coded {
            code: code.to_owned(),
            label: label.to_owned(),
        }
    }

    /// Seed 000 Case1 ⑤: 新橋 太郎, checked by staff11 with his insurance card.
    fn taro() -> HistoryItem {
        HistoryItem {
            id: 7,
            confirmed_at: Rfc3339(
                Timestamp::parse_rfc3339("2021-01-06T04:33:34.005Z").expect("time"),
            ),
            login_id: "staff11".to_owned(),
            reference_number: None,
            classification: coded("2", "被保険者証情報"),
            validity: Some(coded("1", "有効")),
            insurer_number: Some("06139000".to_owned()),
            symbol: Some("9000".to_owned()),
            number: Some("10001".to_owned()),
            branch: Some("01".to_owned()),
            name: Some("新橋 太郎".to_owned()),
            kana: Some("ｼﾝﾊﾞｼ ﾀﾛｳ".to_owned()),
            sex: Some(coded("1", "男")),
            birthdate: NaiveDate::from_ymd_opt(1954, 3, 26),
            reader_id: None,
        }
    }

    #[test]
    fn a_row_reads_as_the_guides_print_it() {
        let row = HistoryRow::of(1, &taro());
        assert_eq!(
            row.cells().map(Cow::into_owned),
            [
                "1",
                "2021/01/06 13:33:34.005",
                "staff11",
                "",
                "被保険者証",
                "資格有効",
                "06139000",
                "9000 10001 01",
                "新橋 太郎",
                "男",
                "1954/03/26",
            ]
            .map(str::to_owned)
        );
    }

    #[test]
    fn labels_of_every_classification_and_result() {
        let check = |code: Option<&str>, expected: &str| {
            let validity = code.map(|c| coded(c, "ラベル"));
            assert_eq!(result_label(validity.as_ref()), expected, "{code:?}");
        };
        check(Some("1"), "資格有効");
        check(Some("2"), "資格無効");
        check(Some("3"), "資格無効（新しい資格あり）");
        check(Some("4"), "該当資格なし");
        check(Some("5"), "複数該当");
        check(Some("6"), "資格有効（未登録）");
        check(Some("9"), "ラベル");
        check(None, "エラー");
        assert_eq!(
            classification_label(&coded("1", "マイナンバーカード")),
            "マイナンバーカード"
        );
        assert_eq!(
            classification_label(&coded("2", "被保険者証情報")),
            "被保険者証"
        );
        assert_eq!(classification_label(&coded("7", "不明")), "不明");
    }

    #[test]
    fn fields_are_quoted_only_where_needed_and_formulas_are_defused() {
        let check = |cell: &str, expected: &str| {
            let mut out = String::new();
            field(&mut out, cell);
            assert_eq!(out, expected, "{cell:?}");
        };
        check("", "");
        check("新橋 太郎", "新橋 太郎");
        check("a,b", "\"a,b\"");
        check("say \"hi\"", "\"say \"\"hi\"\"\"");
        check("two\r\nlines", "\"two\r\nlines\"");
        check("=1+2", "\"'=1+2\"");
        check("+81", "\"'+81\"");
        check("-5", "\"'-5\"");
        check("@SUM(A1)", "\"'@SUM(A1)\"");
        check("a=b", "a=b");
    }

    /// The rows of the golden files: seed 000's 新橋 太郎, a 複数該当 by face reader with a 照会番号,
    /// and an entry whose cells need quoting.
    fn golden_rows() -> Vec<HistoryRow> {
        let mut shinagawa = taro();
        shinagawa.confirmed_at =
            Rfc3339(Timestamp::parse_rfc3339("2026-11-22T09:00:00.120+09:00").expect("time"));
        shinagawa.login_id = "002".to_owned();
        shinagawa.reference_number = Some("12345678901".to_owned());
        shinagawa.classification = coded("1", "マイナンバーカード");
        shinagawa.validity = Some(coded("5", "複数該当"));
        shinagawa.insurer_number = Some("01130012".to_owned());
        shinagawa.symbol = Some("1357913".to_owned());
        shinagawa.number = Some("24".to_owned());
        shinagawa.branch = Some("00".to_owned());
        shinagawa.name = Some("品川　次郎".to_owned());
        let mut odd = taro();
        odd.reference_number = Some("=A1,\"x\"".to_owned());
        odd.validity = None;
        odd.insurer_number = None;
        odd.symbol = None;
        odd.number = None;
        odd.branch = None;
        odd.name = Some("髙橋　〜".to_owned());
        odd.sex = None;
        odd.birthdate = None;
        [shinagawa, taro(), odd]
            .iter()
            .enumerate()
            .map(|(i, item)| HistoryRow::of(i + 1, item))
            .collect()
    }

    #[test]
    fn the_csv_matches_the_golden_files_in_both_encodings() {
        let check = |encoding: CsvEncoding, golden: &[u8]| {
            let made = history_csv(&golden_rows(), encoding).expect("encodable");
            assert_eq!(made, golden, "{encoding:?}");
        };
        check(
            CsvEncoding::Utf8Bom,
            include_bytes!("../tests/fixtures/export/history-utf8.csv"),
        );
        check(
            CsvEncoding::Cp932,
            include_bytes!("../tests/fixtures/export/history-cp932.csv"),
        );
        // No rows: the header alone.
        let empty = history_csv(&[], CsvEncoding::Utf8Bom).expect("encodable");
        assert_eq!(
            empty,
            "\u{FEFF}項目,資格確認日時,ログインID,照会番号,確認区分,資格確認結果,保険者番号,記号番号枝番,氏名,性別,生年月日\r\n".as_bytes()
        );
    }

    #[test]
    fn cp932_refuses_what_it_cannot_carry_naming_the_row_and_the_character() {
        let check = |name: &str, expected: Result<(), ExportError>| {
            let mut rows = golden_rows();
            rows[1].name = name.to_owned();
            assert_eq!(
                history_csv(&rows, CsvEncoding::Cp932).map(|_| ()),
                expected,
                "{name}"
            );
            // UTF-8 carries everything.
            assert!(history_csv(&rows, CsvEncoding::Utf8Bom).is_ok());
        };
        let refused = |character| {
            Err(ExportError::NotCp932 {
                row: 2,
                column: "氏名",
                character,
            })
        };
        check("𠮷田　太郎", refused('𠮷'));
        check("笑顔😀", refused('😀'));
        check("¥", refused('¥'));
        check("髙橋　①", Ok(()));
        check("ｼﾝﾊﾞｼ", Ok(()));
        assert_eq!(
            ExportError::NotCp932 {
                row: 2,
                column: "氏名",
                character: '𠮷'
            }
            .message(),
            "2件目の氏名に、Shift_JIS（CP932）で表せない文字「𠮷」があります。UTF-8（BOM付き）で保存してください。"
        );
    }
}
