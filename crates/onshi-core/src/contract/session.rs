//! The `session` group: sign-in, sign-out, activity and password change.

use serde::{Deserialize, Serialize};

use crate::account::AccountKind;

/// `POST /session`.
///
/// Missing fields decode as empty so that validation, not the JSON decoder, reports them with a
/// message fit for the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub password: String,
    /// True after staff answered 「はい」 to the forced-login prompt: ends the ID's other sessions.
    #[serde(default)]
    pub force: bool,
}

/// The answer to a successful sign-in (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub token: String,
    pub account: AccountView,
    pub institution: InstitutionView,
    /// Seconds without an authenticated request after which the session ends (1800).
    pub idle_timeout_s: u32,
    /// The password was issued by the system and must be changed before anything else (seed 003).
    #[serde(default)]
    pub must_change_password: bool,
}

/// An account as the frame shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub kind: AccountKind,
}

/// The medical institution the endpoint serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionView {
    /// 医療機関コード, 10 digits.
    pub code: String,
    pub name: String,
}

/// `PUT /session/password`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new: String,
}
