//! What is typed on a face reader's own screen (training's reader panel, S9): the card's PIN and the
//! 職員用ボタン's user ID and 目視確認用パスコード. Checking them before anything is sent keeps a
//! mistyped PIN from counting against the card's three tries.

use crate::{
    catalogue,
    validate::{Finding, account::USER_ID_MAX_CHARS},
};

/// How many digits a card's PIN and a 目視確認用パスコード have (seeds 002 and 004).
pub const DIGITS: usize = 4;

/// Whether `text` is exactly four ASCII digits (full-width digits are refused, as the reader's own
/// keypad cannot type them and the endpoint compares bytes).
fn four_digits(text: &str) -> bool {
    text.len() == DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a PIN entered at the reader; the finding is for the field `pin`.
pub fn pin(pin: &str) -> Option<Finding> {
    (!four_digits(pin)).then(|| Finding::new("pin", catalogue::PIN_FORMAT))
}

/// Checks the 職員用ボタン's form: a user ID, and a 4-digit passcode.
pub fn staff_mode(user_id: &str, passcode: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let user_id = user_id.trim();
    if user_id.is_empty() {
        findings.push(Finding::new("user_id", catalogue::USER_ID_REQUIRED));
    } else if user_id.chars().count() > USER_ID_MAX_CHARS {
        findings.push(Finding::new("user_id", catalogue::USER_ID_TOO_LONG));
    } else if !user_id.chars().all(|c| c.is_ascii_graphic()) {
        findings.push(Finding::new("user_id", catalogue::USER_ID_NOT_ASCII));
    }
    if !four_digits(passcode) {
        findings.push(Finding::new("passcode", catalogue::PASSCODE_FORMAT));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins() {
        let format = Some(("pin", catalogue::PIN_FORMAT.to_owned()));
        let cases: &[(&str, bool)] = &[
            ("1234", true),
            ("0000", true),
            ("9999", true),
            ("", false),
            ("123", false),
            ("12345", false),
            ("12a", false),
            ("12a4", false),
            (" 1234", false),
            ("1234 ", false),
            ("12 4", false),
            ("１２３４", false),
            ("٣٣٣٣", false),
            ("-123", false),
        ];
        for (entered, valid) in cases {
            let finding = pin(entered).map(|f| (f.field, f.message));
            let expected = if *valid { None } else { format.clone() };
            assert_eq!(finding, expected, "pin({entered:?})");
        }
    }

    #[test]
    fn staff_mode_findings() {
        let passcode = ("passcode", catalogue::PASSCODE_FORMAT);
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            ("002", "0421", &[]),
            (" 002 ", "0000", &[]),
            ("002", "", &[passcode]),
            ("002", "042", &[passcode]),
            ("002", "04211", &[passcode]),
            ("002", "０４２１", &[passcode]),
            ("002", "04a1", &[passcode]),
            ("", "0421", &[("user_id", catalogue::USER_ID_REQUIRED)]),
            ("  ", "0421", &[("user_id", catalogue::USER_ID_REQUIRED)]),
            (
                "００２",
                "0421",
                &[("user_id", catalogue::USER_ID_NOT_ASCII)],
            ),
            (
                &"a".repeat(USER_ID_MAX_CHARS + 1),
                "0421",
                &[("user_id", catalogue::USER_ID_TOO_LONG)],
            ),
            (
                "",
                "",
                &[("user_id", catalogue::USER_ID_REQUIRED), passcode],
            ),
        ];
        for (user_id, code, expected) in cases {
            let actual: Vec<(&str, String)> = staff_mode(user_id, code)
                .into_iter()
                .map(|f| (f.field, f.message))
                .collect();
            let expected: Vec<(&str, String)> = expected
                .iter()
                .map(|(f, m)| (*f, (*m).to_owned()))
                .collect();
            assert_eq!(actual, expected, "staff_mode({user_id:?}, {code:?})");
        }
    }
}
