//! Sign-in and password fields.

use crate::{catalogue, validate::Finding};

/// The longest user ID accepted (ours: the official limit is not public).
pub const USER_ID_MAX_CHARS: usize = 64;
/// The longest password accepted (ours).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// The shortest new password accepted (ours).
pub const PASSWORD_MIN_CHARS: usize = 8;

/// Checks the sign-in form: both fields present, within length, and typed in half-width characters.
pub fn sign_in(user_id: &str, password: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    if user_id.is_empty() {
        findings.push(Finding::new("user_id", catalogue::USER_ID_REQUIRED));
    } else if user_id.chars().count() > USER_ID_MAX_CHARS {
        findings.push(Finding::new("user_id", catalogue::USER_ID_TOO_LONG));
    } else if !user_id.chars().all(|c| c.is_ascii_graphic()) {
        findings.push(Finding::new("user_id", catalogue::USER_ID_NOT_ASCII));
    }
    findings.extend(password_field("password", password));
    findings
}

/// Checks a password change: the current password given, and a new one that meets the policy.
pub fn password_change(current: &str, new: &str) -> Vec<Finding> {
    let mut findings: Vec<Finding> = password_field("current", current).into_iter().collect();
    findings.extend(password_field("new", new));
    if findings.iter().any(|f| f.field == "new") {
        return findings;
    }
    if new.chars().count() < PASSWORD_MIN_CHARS || character_classes(new) < 3 {
        findings.push(Finding::new("new", catalogue::PASSWORD_WEAK));
    } else if new == current {
        findings.push(Finding::new("new", catalogue::PASSWORD_UNCHANGED));
    }
    findings
}

fn password_field(field: &'static str, password: &str) -> Option<Finding> {
    if password.is_empty() {
        Some(Finding::new(field, catalogue::PASSWORD_REQUIRED))
    } else if password.chars().count() > PASSWORD_MAX_CHARS {
        Some(Finding::new(field, catalogue::PASSWORD_TOO_LONG))
    } else if password.chars().any(char::is_control) {
        Some(Finding::new(field, catalogue::PASSWORD_CONTROL))
    } else if !password.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        Some(Finding::new(field, catalogue::PASSWORD_NOT_ASCII))
    } else {
        None
    }
}

/// How many of upper case, lower case, digits and symbols the password uses.
fn character_classes(password: &str) -> usize {
    let classes: [fn(char) -> bool; 4] = [
        |c| c.is_ascii_uppercase(),
        |c| c.is_ascii_lowercase(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_punctuation() || c == ' ',
    ];
    classes
        .iter()
        .filter(|class| password.chars().any(class))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(user_id: &str, password: &str, expected: &[(&str, &str)]) {
        let actual: Vec<(&str, String)> = sign_in(user_id, password)
            .into_iter()
            .map(|f| (f.field, f.message))
            .collect();
        let expected: Vec<(&str, String)> = expected
            .iter()
            .map(|(f, m)| (*f, (*m).to_owned()))
            .collect();
        assert_eq!(actual, expected, "sign_in({user_id:?}, {password:?})");
    }

    #[test]
    fn sign_in_findings() {
        check("002", "Onshi*002*002", &[]);
        check("staff11", "a b", &[]);
        check(
            "staff11",
            "a\tb",
            &[("password", "パスワードに使用できない文字が含まれています。")],
        );
        check(
            "",
            "",
            &[
                ("user_id", "ユーザIDを入力してください。"),
                ("password", "パスワードを入力してください。"),
            ],
        );
        check("", "x", &[("user_id", "ユーザIDを入力してください。")]);
        check(&"a".repeat(64), "x", &[]);
        check(
            &"a".repeat(65),
            "x",
            &[("user_id", "ユーザIDは64文字以内で入力してください。")],
        );
        check(
            "００２",
            "x",
            &[("user_id", "ユーザIDは半角英数字・記号で入力してください。")],
        );
        check(
            "0 02",
            "x",
            &[("user_id", "ユーザIDは半角英数字・記号で入力してください。")],
        );
        check(
            "002\t",
            "x",
            &[("user_id", "ユーザIDは半角英数字・記号で入力してください。")],
        );
        check("002", &"p".repeat(128), &[]);
        check(
            "002",
            &"p".repeat(129),
            &[("password", "パスワードは128文字以内で入力してください。")],
        );
        check(
            "002",
            "Ｏｎｓｈｉ",
            &[(
                "password",
                "パスワードに全角文字が含まれています。半角で入力してください。",
            )],
        );
        check(
            "スタッフ",
            "パス",
            &[
                ("user_id", "ユーザIDは半角英数字・記号で入力してください。"),
                (
                    "password",
                    "パスワードに全角文字が含まれています。半角で入力してください。",
                ),
            ],
        );
    }

    #[test]
    fn password_change_findings() {
        let fields = |c: &str, n: &str| -> Vec<(&'static str, String)> {
            password_change(c, n)
                .into_iter()
                .map(|f| (f.field, f.message))
                .collect()
        };
        assert_eq!(fields("Onshi*002*002", "Kotoshi*2026"), Vec::new());
        assert_eq!(
            fields("", ""),
            vec![
                ("current", "パスワードを入力してください。".to_owned()),
                ("new", "パスワードを入力してください。".to_owned()),
            ]
        );
        let weak = catalogue::PASSWORD_WEAK.to_owned();
        assert_eq!(fields("x", "Short*1"), vec![("new", weak.clone())]);
        assert_eq!(fields("x", "alllowercase"), vec![("new", weak.clone())]);
        assert_eq!(fields("x", "lower123"), vec![("new", weak)]);
        assert_eq!(fields("x", "lower123!"), Vec::new());
        assert_eq!(
            fields("Onshi*002*002", "Onshi*002*002"),
            vec![("new", catalogue::PASSWORD_UNCHANGED.to_owned())]
        );
    }
}
