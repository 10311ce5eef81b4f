//! The insurance-card inquiry form (S5) and the other insurance fields: insurer number, 医療機関コード,
//! 記号, 番号, 枝番, birthdate, 資格確認日 and 照会番号. Each field's rules live in
//! `domain::identifiers` and `era`; this module turns their errors into findings for the form.

use chrono::NaiveDate;

use crate::{
    catalogue,
    codes::{LimitConsentFlag, TreatmentKind},
    domain::{
        Card, Inquiry, InstitutionCode, InsurerNumber, Search,
        identifiers::{
            self, BranchError, CardFieldError, InstitutionCodeError, InsurerNumberError,
            LateElderlyNumberError, ReferenceNumberError,
        },
    },
    era::{self, EraError},
    validate::Finding,
};

/// The inquiry form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InquiryForm {
    pub insurer_number: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub birthdate: String,
    pub confirmation_date: String,
}

/// A form that passed: the card as it will be sent, and the two dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidInquiry {
    pub card: Card,
    pub birthdate: NaiveDate,
    pub confirmation_date: NaiveDate,
}

impl ValidInquiry {
    /// The inquiry to send (`OQSsiquc01req`) for the institution `institution_code`, with the patient's
    /// 限度額 consent and the 診療区分 (外来 is written as absent, decisions.md D6).
    pub fn to_inquiry(
        &self,
        institution_code: &str,
        limit_consent: LimitConsentFlag,
        treatment: TreatmentKind,
    ) -> Inquiry {
        Inquiry {
            confirmation_date: Some(self.confirmation_date),
            institution_code: Some(institution_code.to_owned()),
            arbitrary_file_identifier: None,
            search: Search {
                card: self.card.clone(),
                birthdate: Some(self.birthdate),
                limit_consent: Some(limit_consent),
                treatment: (treatment != TreatmentKind::Outpatient).then_some(treatment),
                ..Search::default()
            },
        }
    }
}

/// Checks every field of the inquiry form against `today` (Tokyo), reporting every finding.
pub fn inquiry(form: &InquiryForm, today: NaiveDate) -> Result<ValidInquiry, Vec<Finding>> {
    let mut findings = Vec::new();
    let insurer = insurer_number("insurer_number", &form.insurer_number)
        .map_err(|f| findings.push(f))
        .ok();
    // 後期高齢 cards carry no 記号 and no 枝番, and their 番号 is 8 digits with a check digit.
    let late_elderly = insurer.as_ref().is_some_and(InsurerNumber::is_late_elderly);
    let symbol = match identifiers::card_field(&form.symbol) {
        Ok(_) if late_elderly => {
            findings.push(Finding::new("symbol", catalogue::LATE_ELDERLY_NO_SYMBOL));
            None
        }
        Ok(symbol) => Some(symbol),
        Err(CardFieldError::Empty) => None,
        Err(CardFieldError::TooLong { .. }) => {
            findings.push(Finding::new("symbol", catalogue::SYMBOL_TOO_LONG));
            None
        }
        Err(CardFieldError::NoLetterOrDigit { .. }) => {
            findings.push(Finding::new("symbol", catalogue::SYMBOL_NO_LETTER_OR_DIGIT));
            None
        }
        Err(CardFieldError::ControlCharacter { .. }) => {
            findings.push(Finding::new("symbol", catalogue::SYMBOL_CONTROL));
            None
        }
    };
    let number = match identifiers::card_field(&form.number) {
        Ok(number) if late_elderly => match identifiers::late_elderly_number(&number) {
            Ok(()) => Some(number),
            Err(LateElderlyNumberError::NotEightDigits { .. }) => {
                findings.push(Finding::new(
                    "number",
                    catalogue::LATE_ELDERLY_NUMBER_FORMAT,
                ));
                None
            }
            Err(LateElderlyNumberError::CheckDigit { .. }) => {
                findings.push(Finding::new(
                    "number",
                    catalogue::LATE_ELDERLY_NUMBER_CHECK_DIGIT,
                ));
                None
            }
        },
        Ok(number) => Some(number),
        Err(CardFieldError::Empty) => {
            findings.push(Finding::new("number", catalogue::NUMBER_REQUIRED));
            None
        }
        Err(CardFieldError::TooLong { .. }) => {
            findings.push(Finding::new("number", catalogue::NUMBER_TOO_LONG));
            None
        }
        Err(CardFieldError::NoLetterOrDigit { .. }) => {
            findings.push(Finding::new("number", catalogue::NUMBER_NO_LETTER_OR_DIGIT));
            None
        }
        Err(CardFieldError::ControlCharacter { .. }) => {
            findings.push(Finding::new("number", catalogue::NUMBER_CONTROL));
            None
        }
    };
    let branch = match identifiers::branch_number(&form.branch) {
        Ok(branch) => Some(branch),
        Err(BranchError::Empty) if late_elderly => None,
        Err(BranchError::Empty) => {
            findings.push(Finding::new("branch", catalogue::BRANCH_REQUIRED));
            None
        }
        Err(BranchError::NotTwoDigits { .. }) => {
            findings.push(Finding::new("branch", catalogue::BRANCH_FORMAT));
            None
        }
    };
    let birthdate = date("birthdate", "生年月日", &form.birthdate, today)
        .map_err(|f| findings.push(f))
        .ok();
    let confirmation_date = date(
        "confirmation_date",
        "資格確認日",
        &form.confirmation_date,
        today,
    )
    .map_err(|f| findings.push(f))
    .ok();
    if let (Some(birth), Some(confirmation)) = (birthdate, confirmation_date)
        && confirmation < birth
    {
        findings.push(Finding::new(
            "confirmation_date",
            catalogue::CONFIRMATION_BEFORE_BIRTH,
        ));
    }
    match (insurer, number, birthdate, confirmation_date) {
        (Some(insurer), Some(number), Some(birthdate), Some(confirmation_date))
            if findings.is_empty() =>
        {
            Ok(ValidInquiry {
                card: Card {
                    insurer_number: Some(insurer),
                    symbol,
                    number: Some(number),
                    branch,
                },
                birthdate,
                confirmation_date,
            })
        }
        _ => Err(findings),
    }
}

/// A 保険者番号 field.
pub fn insurer_number(field: &'static str, input: &str) -> Result<InsurerNumber, Finding> {
    InsurerNumber::parse(input).map_err(|e| {
        Finding::new(
            field,
            match e {
                InsurerNumberError::Empty => catalogue::INSURER_NUMBER_REQUIRED,
                InsurerNumberError::NotDigits { .. } => catalogue::INSURER_NUMBER_NOT_DIGITS,
                InsurerNumberError::WrongLength { .. } => catalogue::INSURER_NUMBER_LENGTH,
                InsurerNumberError::NoSuchPrefecture { .. } => catalogue::INSURER_NUMBER_PREFECTURE,
                InsurerNumberError::CheckDigit { .. } => catalogue::INSURER_NUMBER_CHECK_DIGIT,
            },
        )
    })
}

/// A 医療機関コード field.
pub fn institution_code(field: &'static str, input: &str) -> Result<InstitutionCode, Finding> {
    InstitutionCode::parse(input).map_err(|e| {
        Finding::new(
            field,
            match e {
                InstitutionCodeError::Empty => catalogue::INSTITUTION_CODE_REQUIRED,
                InstitutionCodeError::NotTenDigits { .. } => catalogue::INSTITUTION_CODE_FORMAT,
                InstitutionCodeError::NoSuchPrefecture { .. } => {
                    catalogue::INSTITUTION_CODE_PREFECTURE
                }
                InstitutionCodeError::NoSuchFeeSchedule { .. } => {
                    catalogue::INSTITUTION_CODE_FEE_SCHEDULE
                }
                InstitutionCodeError::CheckDigit { .. } => catalogue::INSTITUTION_CODE_CHECK_DIGIT,
            },
        )
    })
}

/// A date field in any form staff type: a real date, inside an era (明治 onward), not after `today`.
pub fn date(
    field: &'static str,
    label: &str,
    input: &str,
    today: NaiveDate,
) -> Result<NaiveDate, Finding> {
    let date = era::parse(input).map_err(|e| {
        Finding::new(
            field,
            match e {
                EraError::Empty => catalogue::date_required(label),
                other => other.message(),
            },
        )
    })?;
    if era::Era::of(date).is_none() {
        return Err(Finding::new(field, catalogue::date_before_meiji(label)));
    }
    if date > today {
        return Err(Finding::new(field, catalogue::date_in_future(label)));
    }
    Ok(date)
}

/// A 照会番号 field.
pub fn reference_number(field: &'static str, input: &str) -> Result<String, Finding> {
    identifiers::reference_number(input).map_err(|e| {
        Finding::new(
            field,
            match e {
                ReferenceNumberError::Empty => catalogue::REFERENCE_NUMBER_REQUIRED,
                ReferenceNumberError::TooLong { .. } => catalogue::REFERENCE_NUMBER_TOO_LONG,
                ReferenceNumberError::ControlCharacter { .. } => {
                    catalogue::REFERENCE_NUMBER_CONTROL
                }
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    fn form(
        insurer: &str,
        symbol: &str,
        number: &str,
        branch: &str,
        birth: &str,
        confirmation: &str,
    ) -> InquiryForm {
        InquiryForm {
            insurer_number: insurer.to_owned(),
            symbol: symbol.to_owned(),
            number: number.to_owned(),
            branch: branch.to_owned(),
            birthdate: birth.to_owned(),
            confirmation_date: confirmation.to_owned(),
        }
    }

    /// The findings for a form, as (field, message) pairs.
    fn check(form: InquiryForm, expected: &[(&str, &str)]) {
        let actual: Vec<(&str, String)> = match inquiry(&form, today()) {
            Ok(_) => Vec::new(),
            Err(findings) => findings.into_iter().map(|f| (f.field, f.message)).collect(),
        };
        let expected: Vec<(&str, String)> = expected
            .iter()
            .map(|(f, m)| (*f, (*m).to_owned()))
            .collect();
        assert_eq!(actual, expected, "{form:?}");
    }

    #[test]
    fn the_seed_cards_pass() {
        let valid = inquiry(
            &form(
                "06139000",
                "9000",
                "10001",
                "01",
                "昭和29年3月26日",
                "2026-11-22",
            ),
            today(),
        )
        .expect("新橋 太郎's card");
        assert_eq!(
            valid.card.insurer_number.map(|n| n.to_wire()).as_deref(),
            Some("06139000")
        );
        assert_eq!(
            valid.birthdate,
            NaiveDate::from_ymd_opt(1954, 3, 26).expect("date")
        );
        check(
            form("31130842", "2022", "010001", "01", "H23.1.1", "20261122"),
            &[],
        );
        check(
            form(
                "１３８０５７",
                "",
                "１２３‐４５",
                "1",
                "s290326",
                "令和8年11月22日",
            ),
            &[],
        );
        // 後期高齢 (法別 39): no 記号, no 枝番.
        check(
            form("39131156", "", "12345674", "", "1940-05-05", "2026-11-22"),
            &[],
        );
        // A 6-digit 国保 number zero-padded to 8, as some systems print it.
        let padded = inquiry(
            &form("00138057", "", "12345", "01", "s290326", "2026-11-22"),
            today(),
        )
        .expect("valid");
        assert_eq!(
            padded.card.insurer_number.as_ref().map(|n| n.digits()),
            Some("138057")
        );
    }

    /// Regression (found in review): a 後期高齢 被保険者番号 was not checked, and a 記号 or 番号 of
    /// hyphens alone passed.
    #[test]
    fn late_elderly_numbers_and_fields_without_letters() {
        let late = |symbol: &str, number: &str| {
            form("39131156", symbol, number, "", "1940-05-05", "2026-11-22")
        };
        check(
            late("", "12345670"),
            &[(
                "number",
                "被保険者番号が正しくありません（検証番号が一致しません）。入力内容を確認してください。",
            )],
        );
        check(
            late("", "1234567"),
            &[(
                "number",
                "後期高齢者医療の被保険者番号は8桁の数字で入力してください。",
            )],
        );
        check(
            late("123", "12345674"),
            &[(
                "symbol",
                "後期高齢者医療の被保険者証には記号がありません。記号は空欄にしてください。",
            )],
        );
        check(
            form("06139000", "ー", "--", "01", "1954-03-26", "2026-11-22"),
            &[
                ("symbol", "記号には文字または数字を入力してください。"),
                ("number", "番号には文字または数字を入力してください。"),
            ],
        );
        // Kanji are letters: 品川 is a 記号.
        check(
            form("131094", "品川", "56789", "01", "1970-07-07", "2026-11-22"),
            &[],
        );
    }

    /// Regression (found by the S5 bad-input tests): a control character in 記号 or 番号 passed the
    /// form, and sending then failed with a message far from the field.
    #[test]
    fn issue_5_control_characters_are_found_at_their_field() {
        check(
            form(
                "06139000",
                "9000\u{1}",
                "\u{1d}10001",
                "01",
                "1954-03-26",
                "2026-11-22",
            ),
            &[
                ("symbol", "記号に使用できない文字が含まれています。"),
                ("number", "番号に使用できない文字が含まれています。"),
            ],
        );
    }

    #[test]
    fn every_field_reports_at_once() {
        check(
            form("", "", "", "", "", ""),
            &[
                ("insurer_number", "保険者番号を入力してください。"),
                ("number", "番号を入力してください。"),
                (
                    "branch",
                    "枝番を入力してください。（後期高齢者医療の保険証には枝番はありません）",
                ),
                ("birthdate", "生年月日を入力してください。"),
                ("confirmation_date", "資格確認日を入力してください。"),
            ],
        );
    }

    #[test]
    fn bad_values_per_field() {
        let base = |f: &dyn Fn(&mut InquiryForm)| {
            let mut x = form(
                "06139000",
                "9000",
                "10001",
                "01",
                "1954-03-26",
                "2026-11-22",
            );
            f(&mut x);
            x
        };
        check(
            base(&|f| f.insurer_number = "0613900".into()),
            &[(
                "insurer_number",
                "保険者番号は6桁または8桁で入力してください。",
            )],
        );
        check(
            base(&|f| f.insurer_number = "06139001".into()),
            &[(
                "insurer_number",
                "保険者番号の検証番号が一致しません。保険証の記載をご確認ください。",
            )],
        );
        check(
            base(&|f| f.insurer_number = "０６１３９ＡＢＣ".into()),
            &[("insurer_number", "保険者番号は数字で入力してください。")],
        );
        check(
            base(&|f| f.insurer_number = "06989000".into()),
            &[(
                "insurer_number",
                "保険者番号の都道府県番号（01～47）が正しくありません。",
            )],
        );
        check(
            base(&|f| f.symbol = "記".repeat(21)),
            &[("symbol", "記号は20文字以内で入力してください。")],
        );
        check(
            base(&|f| f.number = "1".repeat(21)),
            &[("number", "番号は20文字以内で入力してください。")],
        );
        check(
            base(&|f| f.branch = "001".into()),
            &[("branch", "枝番は2桁の数字で入力してください。")],
        );
        check(
            base(&|f| f.branch = "ab".into()),
            &[("branch", "枝番は2桁の数字で入力してください。")],
        );
        check(
            base(&|f| f.birthdate = "2027-01-01".into()),
            &[("birthdate", "生年月日に未来の日付は入力できません。")],
        );
        check(
            base(&|f| f.birthdate = "平成1年1月7日".into()),
            &[(
                "birthdate",
                "平成は平成元年1月8日から平成31年4月30日までです。",
            )],
        );
        check(
            base(&|f| f.birthdate = "昭和29年2月30日".into()),
            &[("birthdate", "存在しない日付です。")],
        );
        check(
            base(&|f| f.birthdate = "1860-01-01".into()),
            &[("birthdate", "生年月日は明治以降の日付で入力してください。")],
        );
        check(
            base(&|f| f.birthdate = "あした".into()),
            &[(
                "birthdate",
                "日付の形式が正しくありません。（例：昭和29年3月26日、S29.3.26、1954-03-26）",
            )],
        );
        check(
            base(&|f| f.confirmation_date = "2026-11-23".into()),
            &[(
                "confirmation_date",
                "資格確認日に未来の日付は入力できません。",
            )],
        );
        check(
            base(&|f| f.confirmation_date = "1950-01-01".into()),
            &[(
                "confirmation_date",
                "資格確認日は生年月日以降の日付を入力してください。",
            )],
        );
    }

    #[test]
    fn institution_codes_and_reference_numbers() {
        assert!(institution_code("code", "1234567897").is_ok());
        assert_eq!(
            institution_code("code", "1234567890").map_err(|f| f.message),
            Err("医療機関コードの検証番号が一致しません。".to_owned())
        );
        assert_eq!(
            reference_number("reference_number", "12345678901"),
            Ok("12345678901".to_owned())
        );
        assert_eq!(
            reference_number("reference_number", &"9".repeat(51)).map_err(|f| f.message),
            Err("照会番号は50文字以内で入力してください。".to_owned())
        );
    }
}
