//! The dispatcher's state, behind a synchronous storage trait (decisions.md D3).
//!
//! A dispatch reads through [`StoreRead`] and describes its writes as a list of [`Change`]s. The store
//! applies that list in the same transaction as the reads, so one dispatch is one transaction by
//! construction: the in-memory store applies it in one go, the reference endpoint's SQLite store wraps
//! reads and writes in `BEGIN IMMEDIATE … COMMIT`. A dispatch that fails part-way returns no changes,
//! so nothing half-done is ever stored.
//!
//! The records here are the storage schema: serializable, and separate from both the contract's JSON
//! shapes and the official XML wire types.

mod memory;
#[cfg(any(test, feature = "test-support"))]
pub mod suite;

use serde::{Deserialize, Serialize};

pub use memory::MemoryStore;

use crate::{account::AccountKind, time::Timestamp};

/// The medical institution an endpoint serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionRecord {
    /// 医療機関コード, 10 digits.
    pub code: String,
    pub name: String,
}

/// An account that may sign in (or, for system accounts, may not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub user_id: String,
    pub name: String,
    pub kind: AccountKind,
    /// A PHC string (Argon2id with its own salt and parameters).
    pub password_hash: String,
}

/// Consecutive wrong passwords for one user ID, and the lock they caused.
///
/// Kept for IDs that do not exist too, so that a wrong ID and a wrong password look the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFailures {
    pub user_id: String,
    pub count: u32,
    pub locked_until: Option<Timestamp>,
}

/// How a session ended, when it ended by anything other than idling out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// 「ログアウト」 was pressed.
    LoggedOut,
    /// Another sign-in with the same ID answered 「はい」 to the forced-login prompt.
    Revoked,
}

/// A signed-in session. The token itself is never stored, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: Timestamp,
    /// The last authenticated request; idle time counts from here.
    pub last_seen: Timestamp,
    /// `None` while the session has not been ended explicitly (it may still have idled out).
    pub ended: Option<SessionEnd>,
}

/// A write a dispatch asks the store to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    PutInstitution(InstitutionRecord),
    PutAccount(AccountRecord),
    PutLoginFailures(LoginFailures),
    ClearLoginFailures { user_id: String },
    PutSession(SessionRecord),
    DeleteSession { token_hash: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("the storage backend failed: {message}")]
    Backend { message: String },
    #[error("stored data is corrupt: {what}")]
    Corrupt { what: String },
}

/// Reads a dispatch may make.
pub trait StoreRead {
    fn institution(&self) -> Result<Option<InstitutionRecord>, StoreError>;
    fn account(&self, user_id: &str) -> Result<Option<AccountRecord>, StoreError>;
    fn login_failures(&self, user_id: &str) -> Result<Option<LoginFailures>, StoreError>;
    fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Every stored session of one user ID, oldest first.
    fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>, StoreError>;
}

/// One transaction's work: reads through the view it is given, returns the changes to apply.
pub type Work<'w> = dyn FnMut(&dyn StoreRead) -> Result<Vec<Change>, StoreError> + 'w;

/// A store: reads and the changes they lead to, in one transaction.
pub trait Store {
    /// Runs `work` against a consistent view and applies the changes it returns atomically. When
    /// `work` fails, nothing is applied and its error is returned.
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError>;
}
