//! Input validation that reports every finding at once, each with a Japanese message fit to show next
//! to its field.
//!
//! Validators never stop at the first problem: staff fix a form in one pass. Decoded data is never
//! validated here (decisions.md D6); these rules are for what people type.

mod account;
pub mod history;
pub mod insurance;
pub mod reader;

pub use account::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, password_change, sign_in};

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The field's name as the contract spells it, e.g. `user_id`.
    pub field: &'static str,
    /// The Japanese message for that field.
    pub message: String,
}

impl Finding {
    pub fn new(field: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            field,
            message: message.into(),
        }
    }
}

/// The first message about `field`, if any: what a form shows under that field.
pub fn message_for<'a>(findings: &'a [Finding], field: &str) -> Option<&'a str> {
    findings
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.message.as_str())
}
