//! The in-memory store: a plain value that serializes as a whole.
//!
//! Training mode keeps it in the browser and persists it to its own IndexedDB database between
//! dispatches; host tests use it directly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::store::{
    AccountRecord, Change, InstitutionRecord, LoginFailures, SessionRecord, Store, StoreError,
    StoreRead, Work,
};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryStore {
    institution: Option<InstitutionRecord>,
    accounts: BTreeMap<String, AccountRecord>,
    login_failures: BTreeMap<String, LoginFailures>,
    sessions: BTreeMap<String, SessionRecord>,
    /// Counts the transactions that changed something; not part of the stored value.
    #[serde(skip)]
    revision: u64,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Increases with every transaction that changed something, so a caller can tell whether the
    /// value needs saving.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::PutInstitution(record) => self.institution = Some(record),
            Change::PutAccount(record) => {
                self.accounts.insert(record.user_id.clone(), record);
            }
            Change::PutLoginFailures(record) => {
                self.login_failures.insert(record.user_id.clone(), record);
            }
            Change::ClearLoginFailures { user_id } => {
                self.login_failures.remove(&user_id);
            }
            Change::PutSession(record) => {
                self.sessions.insert(record.token_hash.clone(), record);
            }
            Change::DeleteSession { token_hash } => {
                self.sessions.remove(&token_hash);
            }
        }
    }
}

impl StoreRead for MemoryStore {
    fn institution(&self) -> Result<Option<InstitutionRecord>, StoreError> {
        Ok(self.institution.clone())
    }

    fn account(&self, user_id: &str) -> Result<Option<AccountRecord>, StoreError> {
        Ok(self.accounts.get(user_id).cloned())
    }

    fn login_failures(&self, user_id: &str) -> Result<Option<LoginFailures>, StoreError> {
        Ok(self.login_failures.get(user_id).cloned())
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self.sessions.get(token_hash).cloned())
    }

    fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>, StoreError> {
        let mut sessions: Vec<SessionRecord> = self
            .sessions
            .values()
            .filter(|s| s.user_id == user_id)
            .cloned()
            .collect();
        sessions.sort_by_key(|s| (s.created_at, s.token_hash.clone()));
        Ok(sessions)
    }
}

impl Store for MemoryStore {
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError> {
        let changes = work(self)?;
        if !changes.is_empty() {
            self.revision += 1;
        }
        for change in changes {
            self.apply(change);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::store_suite!(MemoryStore::new());

    #[test]
    fn serializes_as_a_value_and_back() {
        let mut store = MemoryStore::new();
        crate::store::suite::seed_two_accounts(&mut store);
        let json = serde_json::to_string(&store).expect("serialize");
        let back: MemoryStore = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back.account("a1"), store.account("a1"));
        assert_eq!(
            back,
            MemoryStore {
                revision: 0,
                ..store
            }
        );
    }

    #[test]
    fn revision_counts_only_transactions_that_change_something() {
        let mut store = MemoryStore::new();
        store.transaction(&mut |_| Ok(Vec::new())).expect("empty");
        assert_eq!(store.revision(), 0);
        crate::store::suite::seed_two_accounts(&mut store);
        assert_eq!(store.revision(), 1);
    }
}
