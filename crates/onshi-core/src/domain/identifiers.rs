//! The identifiers on an insurance card and of an institution, as checked values.
//!
//! Each type parses what a person typed (folding full-width characters and hyphen variants, which
//! staff type without meaning to) and refuses what cannot be right, with an error that carries the
//! input. Check digits follow docs/domain.md §3.3 and §3.5. Values decoded from the national
//! system are never refused for a check digit (decisions.md D6): [`InsurerNumber::from_wire`] keeps
//! what arrived and [`InsurerNumber::check_digit_ok`] lets the screen warn.

use std::fmt;

use crate::text;

/// The Luhn-style check digit of 保険者番号 and 医療機関コード: from the rightmost digit of `body`
/// leftwards, weights 2, 1, 2, 1…; a product of 10 or more counts as the sum of its digits.
pub fn check_digit(body: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in body.chars().rev().enumerate() {
        let digit = c.to_digit(10)?;
        let product = if i % 2 == 0 { digit * 2 } else { digit };
        sum += product / 10 + product % 10;
    }
    Some((10 - sum % 10) % 10)
}

/// Full-width digits and letters folded to ASCII, hyphen variants to `-`, whitespace removed.
fn fold(input: &str) -> String {
    text::number_key(input)
}

/// 保険者番号: 6 digits (国民健康保険) or 8 (everything else: 法別 2 + 都道府県 2 + 保険者 3 + 検証 1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InsurerNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsurerNumberError {
    #[error("no insurer number")]
    Empty,
    #[error("{input:?} has characters other than digits")]
    NotDigits { input: String },
    #[error("{input:?} has neither 6 nor 8 digits")]
    WrongLength { input: String },
    #[error("{input:?} names no prefecture (01–47)")]
    NoSuchPrefecture { input: String },
    #[error("{input:?} fails its check digit")]
    CheckDigit { input: String },
}

impl InsurerNumber {
    /// Parses a typed insurer number. Eight digits beginning 00 are a 6-digit 国民健康保険 number
    /// zero-padded as some systems print it (domain.md §3.3): there is no 法別番号 00, so the padding
    /// is removed rather than the number stored under another key.
    pub fn parse(input: &str) -> Result<InsurerNumber, InsurerNumberError> {
        let folded = fold(input);
        let digits = match folded.strip_prefix("00") {
            Some(six) if folded.len() == 8 => six.to_owned(),
            _ => folded,
        };
        if digits.is_empty() {
            return Err(InsurerNumberError::Empty);
        }
        let input = input.to_owned();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(InsurerNumberError::NotDigits { input });
        }
        let prefecture = match digits.len() {
            6 => &digits[0..2],
            8 => &digits[2..4],
            _ => return Err(InsurerNumberError::WrongLength { input }),
        };
        if !is_prefecture(prefecture) {
            return Err(InsurerNumberError::NoSuchPrefecture { input });
        }
        let number = InsurerNumber(digits);
        if !number.check_digit_ok() {
            return Err(InsurerNumberError::CheckDigit { input });
        }
        Ok(number)
    }

    /// What the national system sent, with its padding removed; not checked.
    pub fn from_wire(text: &str) -> InsurerNumber {
        InsurerNumber(text.trim().to_owned())
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The 8-character wire form: shorter numbers right-aligned with spaces (oqs-interface.md §1).
    pub fn to_wire(&self) -> String {
        format!("{:>8}", self.0)
    }

    /// Whether the last digit is the check digit of the others.
    pub fn check_digit_ok(&self) -> bool {
        let Some((body, last)) = self.0.split_at_checked(self.0.len().saturating_sub(1)) else {
            return false;
        };
        matches!((check_digit(body), last.parse::<u32>()), (Some(expected), Ok(actual)) if body.len() >= 5 && expected == actual)
    }

    /// 後期高齢者医療 (法別番号 39): no 枝番, no 本人・家族.
    pub fn is_late_elderly(&self) -> bool {
        self.0.len() == 8 && self.0.starts_with("39")
    }
}

impl fmt::Display for InsurerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_prefecture(two_digits: &str) -> bool {
    two_digits
        .parse::<u32>()
        .is_ok_and(|p| (1..=47).contains(&p))
}

/// 医療機関コード: 都道府県 2 + 点数表 1 + 郡市区 2 + 機関番号 4 + 検証 1 (domain.md §3.5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InstitutionCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstitutionCodeError {
    #[error("no institution code")]
    Empty,
    #[error("{input:?} is not 10 digits")]
    NotTenDigits { input: String },
    #[error("{input:?} names no prefecture (01–47)")]
    NoSuchPrefecture { input: String },
    #[error("{input:?} names no fee schedule (1 医科, 3 歯科, 4 調剤)")]
    NoSuchFeeSchedule { input: String },
    #[error("{input:?} fails its check digit")]
    CheckDigit { input: String },
}

impl InstitutionCode {
    pub fn parse(input: &str) -> Result<InstitutionCode, InstitutionCodeError> {
        let digits = fold(input);
        if digits.is_empty() {
            return Err(InstitutionCodeError::Empty);
        }
        let input = input.to_owned();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(InstitutionCodeError::NotTenDigits { input });
        }
        if !is_prefecture(&digits[0..2]) {
            return Err(InstitutionCodeError::NoSuchPrefecture { input });
        }
        if !matches!(&digits[2..3], "1" | "3" | "4") {
            return Err(InstitutionCodeError::NoSuchFeeSchedule { input });
        }
        if check_digit(&digits[..9]) != digits[9..].parse().ok() {
            return Err(InstitutionCodeError::CheckDigit { input });
        }
        Ok(InstitutionCode(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstitutionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest 記号 or 番号 (oqs-interface.md §8, quoting the interface).
pub const CARD_FIELD_MAX_CHARS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardFieldError {
    #[error("no value")]
    Empty,
    #[error("{input:?} is longer than {CARD_FIELD_MAX_CHARS} characters")]
    TooLong { input: String },
    #[error("{input:?} has no letter or digit")]
    NoLetterOrDigit { input: String },
    #[error("{input:?} contains a control character")]
    ControlCharacter { input: String },
}

/// 記号 or 番号 as typed: width and hyphens folded, whitespace removed, at most 20 characters, with
/// at least one letter or digit (kanji count: 記号 such as 品川 are common), and no control character.
pub fn card_field(input: &str) -> Result<String, CardFieldError> {
    let folded = fold(input);
    if folded.is_empty() {
        Err(CardFieldError::Empty)
    } else if folded.chars().any(is_unsendable) {
        Err(CardFieldError::ControlCharacter {
            input: input.to_owned(),
        })
    } else if !folded.chars().any(char::is_alphanumeric) {
        Err(CardFieldError::NoLetterOrDigit {
            input: input.to_owned(),
        })
    } else if folded.chars().count() > CARD_FIELD_MAX_CHARS {
        Err(CardFieldError::TooLong {
            input: input.to_owned(),
        })
    } else {
        Ok(folded)
    }
}

/// Whether a character left after folding cannot go into the request: a control character (a paste or
/// a scanner can bring one, and XML 1.0 forbids most of them) or one of the two noncharacters XML 1.0
/// leaves out. Without this check the form would pass the value and the request would fail to encode,
/// with a message far from the field.
fn is_unsendable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// A 後期高齢者医療 被保険者番号: 8 digits, the last the check digit of the others (domain.md §3.3,
/// §3.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LateElderlyNumberError {
    #[error("{number:?} is not 8 digits")]
    NotEightDigits { number: String },
    #[error("{number:?} fails its check digit")]
    CheckDigit { number: String },
}

/// Checks a folded 番号 of a 後期高齢 card.
pub fn late_elderly_number(number: &str) -> Result<(), LateElderlyNumberError> {
    if number.len() != 8 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LateElderlyNumberError::NotEightDigits {
            number: number.to_owned(),
        });
    }
    let (body, last) = number.split_at(7);
    if check_digit(body) == last.parse().ok() {
        Ok(())
    } else {
        Err(LateElderlyNumberError::CheckDigit {
            number: number.to_owned(),
        })
    }
}

/// 枝番: two digits; a single digit is padded with 0 (as the cards print it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BranchError {
    #[error("no branch number")]
    Empty,
    #[error("{input:?} is not one or two digits")]
    NotTwoDigits { input: String },
}

pub fn branch_number(input: &str) -> Result<String, BranchError> {
    let digits = fold(input);
    match digits.len() {
        0 => Err(BranchError::Empty),
        1 | 2 if digits.chars().all(|c| c.is_ascii_digit()) => Ok(format!("{digits:0>2}")),
        _ => Err(BranchError::NotTwoDigits {
            input: input.to_owned(),
        }),
    }
}

/// The longest 照会番号 (oqs-interface.md §8).
pub const REFERENCE_NUMBER_MAX_CHARS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceNumberError {
    #[error("no reference number")]
    Empty,
    #[error("{input:?} is longer than {REFERENCE_NUMBER_MAX_CHARS} characters")]
    TooLong { input: String },
    #[error("{input:?} contains a control character")]
    ControlCharacter { input: String },
}

/// 照会番号: whatever the clinic uses, trimmed, at most 50 characters.
pub fn reference_number(input: &str) -> Result<String, ReferenceNumberError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Err(ReferenceNumberError::Empty)
    } else if trimmed.chars().count() > REFERENCE_NUMBER_MAX_CHARS {
        Err(ReferenceNumberError::TooLong {
            input: input.to_owned(),
        })
    } else if trimmed.chars().any(char::is_control) {
        Err(ReferenceNumberError::ControlCharacter {
            input: input.to_owned(),
        })
    } else {
        Ok(trimmed.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The research's worked examples (domain.md §3.3, §3.5) and the seeds' numbers.
    #[test]
    fn check_digits_golden_vectors() {
        let cases = [
            ("0113001", 2),
            ("3913115", 6),
            ("13805", 7),
            ("0613900", 0),
            ("3113084", 2),
            ("011011371", 9),
            ("271420638", 6),
            ("123456789", 7),
        ];
        for (body, expected) in cases {
            assert_eq!(check_digit(body), Some(expected), "{body}");
        }
        assert_eq!(check_digit("12a"), None);
    }

    fn insurer(input: &str) -> Result<String, InsurerNumberError> {
        InsurerNumber::parse(input).map(|n| n.digits().to_owned())
    }

    #[test]
    fn insurer_numbers() {
        assert_eq!(insurer("06139000"), Ok("06139000".to_owned()));
        assert_eq!(insurer("31130842"), Ok("31130842".to_owned()));
        assert_eq!(insurer("138057"), Ok("138057".to_owned()));
        assert_eq!(insurer("39131156"), Ok("39131156".to_owned()));
        assert_eq!(insurer("０６１３９０００"), Ok("06139000".to_owned()));
        assert_eq!(insurer(" 0613 9000 "), Ok("06139000".to_owned()));
        assert_eq!(insurer(""), Err(InsurerNumberError::Empty));
        assert_eq!(
            insurer("0613900a"),
            Err(InsurerNumberError::NotDigits {
                input: "0613900a".to_owned()
            })
        );
        assert_eq!(
            insurer("0613900"),
            Err(InsurerNumberError::WrongLength {
                input: "0613900".to_owned()
            })
        );
        assert_eq!(
            insurer("06489000"),
            Err(InsurerNumberError::NoSuchPrefecture {
                input: "06489000".to_owned()
            })
        );
        assert_eq!(
            insurer("06139001"),
            Err(InsurerNumberError::CheckDigit {
                input: "06139001".to_owned()
            })
        );
        assert_eq!(
            insurer("138058"),
            Err(InsurerNumberError::CheckDigit {
                input: "138058".to_owned()
            })
        );
    }

    #[test]
    fn insurer_number_wire_form_pads_with_spaces() {
        assert_eq!(
            InsurerNumber::parse("138057").expect("valid").to_wire(),
            "  138057"
        );
        assert_eq!(
            InsurerNumber::parse("06139000").expect("valid").to_wire(),
            "06139000"
        );
        let received = InsurerNumber::from_wire("  123456");
        assert_eq!(received.digits(), "123456");
        assert!(
            !received.check_digit_ok(),
            "kept as received, flagged for a warning"
        );
        assert!(InsurerNumber::from_wire("39131156").is_late_elderly());
        assert!(!InsurerNumber::from_wire("06139000").is_late_elderly());
    }

    #[test]
    fn institution_codes() {
        let ok = |s: &str| InstitutionCode::parse(s).map(|c| c.as_str().to_owned());
        assert_eq!(ok("1234567897"), Ok("1234567897".to_owned()));
        assert_eq!(ok("0110113719"), Ok("0110113719".to_owned()));
        assert_eq!(ok("2714206386"), Ok("2714206386".to_owned()));
        assert_eq!(
            ok("1234567890"),
            Err(InstitutionCodeError::CheckDigit {
                input: "1234567890".to_owned()
            })
        );
        assert_eq!(
            ok("123456789"),
            Err(InstitutionCodeError::NotTenDigits {
                input: "123456789".to_owned()
            })
        );
        assert_eq!(
            ok("4812345678"),
            Err(InstitutionCodeError::NoSuchPrefecture {
                input: "4812345678".to_owned()
            })
        );
        assert_eq!(
            ok("1224567897"),
            Err(InstitutionCodeError::NoSuchFeeSchedule {
                input: "1224567897".to_owned()
            })
        );
        assert_eq!(ok(""), Err(InstitutionCodeError::Empty));
    }

    #[test]
    fn card_fields_fold_width_and_hyphens() {
        assert_eq!(card_field("９０００"), Ok("9000".to_owned()));
        assert_eq!(card_field("１２３‐４５６"), Ok("123-456".to_owned()));
        assert_eq!(card_field("練馬 ２"), Ok("練馬2".to_owned()));
        assert_eq!(card_field(&"1".repeat(20)), Ok("1".repeat(20)));
        assert_eq!(
            card_field(&"1".repeat(21)),
            Err(CardFieldError::TooLong {
                input: "1".repeat(21)
            })
        );
        assert_eq!(card_field("  "), Err(CardFieldError::Empty));
    }

    /// Regression (the S5 bad-input tests): a 記号 or 番号 holding a control character passed,
    /// and the request then failed to encode with a message far from the field.
    #[test]
    fn issue_5_card_fields_refuse_control_characters() {
        for input in [
            "9000\u{1}",
            "\u{1d}10001",
            "10\u{7f}01",
            "1\u{9f}",
            "9000\u{ffff}",
        ] {
            assert_eq!(
                card_field(input),
                Err(CardFieldError::ControlCharacter {
                    input: input.to_owned()
                }),
                "{input:?}"
            );
        }
        // Whitespace controls are folded away as before: a tab or a line break is no error.
        assert_eq!(card_field("90\t00\n"), Ok("9000".to_owned()));
    }

    #[test]
    fn branch_numbers() {
        assert_eq!(branch_number("01"), Ok("01".to_owned()));
        assert_eq!(branch_number("1"), Ok("01".to_owned()));
        assert_eq!(branch_number("０３"), Ok("03".to_owned()));
        assert_eq!(branch_number(""), Err(BranchError::Empty));
        assert_eq!(
            branch_number("123"),
            Err(BranchError::NotTwoDigits {
                input: "123".to_owned()
            })
        );
        assert_eq!(
            branch_number("a1"),
            Err(BranchError::NotTwoDigits {
                input: "a1".to_owned()
            })
        );
    }

    #[test]
    fn reference_numbers() {
        assert_eq!(
            reference_number(" 12345678901 "),
            Ok("12345678901".to_owned())
        );
        assert_eq!(reference_number(&"x".repeat(50)), Ok("x".repeat(50)));
        assert_eq!(
            reference_number(&"x".repeat(51)),
            Err(ReferenceNumberError::TooLong {
                input: "x".repeat(51)
            })
        );
        assert_eq!(reference_number(""), Err(ReferenceNumberError::Empty));
        assert_eq!(
            reference_number("a\tb"),
            Err(ReferenceNumberError::ControlCharacter {
                input: "a\tb".to_owned()
            })
        );
    }
}
