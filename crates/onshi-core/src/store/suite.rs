//! The shared store test suite: every [`Store`] must pass it (decisions.md D3).
//!
//! Each check is a public function taking a fresh, empty store; [`store_suite!`](crate::store_suite)
//! turns them into one `#[test]` each for a given store constructor, so the memory store here and the
//! SQLite store of the reference endpoint run exactly the same checks.

use crate::{
    account::AccountKind,
    store::{
        AccountRecord, Change, InstitutionRecord, LoginFailures, SessionEnd, SessionRecord, Store,
        StoreError,
    },
    time::Timestamp,
};

/// Expands to one `#[test]` per suite check, each starting from the store `$make` builds.
#[macro_export]
macro_rules! store_suite {
    ($make:expr) => {
        $crate::store_suite!(@tests $make;
            institution_round_trip,
            accounts_round_trip,
            login_failures_put_and_clear,
            sessions_by_token_and_by_user,
            delete_session,
            later_transactions_see_earlier_changes,
            failed_work_applies_nothing,
            changes_apply_in_order,
        );
    };
    (@tests $make:expr; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                let mut store = $make;
                $crate::store::suite::$check(&mut store);
            }
        )*
    };
}

fn apply(store: &mut dyn Store, changes: Vec<Change>) {
    let mut pending = Some(changes);
    store
        .transaction(&mut |_| Ok(pending.take().unwrap_or_default()))
        .expect("the transaction applies");
}

fn read<T>(
    store: &mut dyn Store,
    f: impl Fn(&dyn crate::store::StoreRead) -> Result<T, StoreError>,
) -> T {
    let mut out = None;
    store
        .transaction(&mut |r| {
            out = Some(f(r)?);
            Ok(Vec::new())
        })
        .expect("the read succeeds");
    out.expect("the work ran")
}

fn account(user_id: &str, kind: AccountKind) -> AccountRecord {
    AccountRecord {
        user_id: user_id.to_owned(),
        name: format!("{user_id} の名前"),
        kind,
        password_hash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
    }
}

fn session(token_hash: &str, user_id: &str, created: i64) -> SessionRecord {
    SessionRecord {
        token_hash: token_hash.to_owned(),
        user_id: user_id.to_owned(),
        created_at: Timestamp::from_millis(created),
        last_seen: Timestamp::from_millis(created + 5),
        ended: None,
    }
}

/// Puts two accounts, `a1` and `a2`, in one transaction (also used by the stores' own tests).
pub fn seed_two_accounts(store: &mut dyn Store) {
    apply(
        store,
        vec![
            Change::PutAccount(account("a1", AccountKind::General)),
            Change::PutAccount(account("a2", AccountKind::Admin)),
        ],
    );
}

pub fn institution_round_trip(store: &mut dyn Store) {
    assert_eq!(read(store, |r| r.institution()), None);
    let record = InstitutionRecord {
        code: "1234567897".to_owned(),
        name: "サンプル医療機関".to_owned(),
    };
    apply(store, vec![Change::PutInstitution(record.clone())]);
    assert_eq!(read(store, |r| r.institution()), Some(record));
}

pub fn accounts_round_trip(store: &mut dyn Store) {
    seed_two_accounts(store);
    assert_eq!(
        read(store, |r| r.account("a1")),
        Some(account("a1", AccountKind::General))
    );
    assert_eq!(read(store, |r| r.account("missing")), None);
    let mut changed = account("a1", AccountKind::MedicalViewer);
    changed.name = "新橋 太郎".to_owned();
    apply(store, vec![Change::PutAccount(changed.clone())]);
    assert_eq!(read(store, |r| r.account("a1")), Some(changed));
    assert_eq!(
        read(store, |r| r.account("a2")),
        Some(account("a2", AccountKind::Admin))
    );
}

pub fn login_failures_put_and_clear(store: &mut dyn Store) {
    let record = LoginFailures {
        user_id: "nobody".to_owned(),
        count: 5,
        locked_until: Some(Timestamp::from_millis(1_800_000)),
    };
    apply(store, vec![Change::PutLoginFailures(record.clone())]);
    assert_eq!(read(store, |r| r.login_failures("nobody")), Some(record));
    apply(
        store,
        vec![Change::ClearLoginFailures {
            user_id: "nobody".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.login_failures("nobody")), None);
    // Clearing what is not there is not an error.
    apply(
        store,
        vec![Change::ClearLoginFailures {
            user_id: "nobody".to_owned(),
        }],
    );
}

pub fn sessions_by_token_and_by_user(store: &mut dyn Store) {
    let mut ended = session("h3", "u1", 300);
    ended.ended = Some(SessionEnd::LoggedOut);
    apply(
        store,
        vec![
            Change::PutSession(session("h2", "u1", 200)),
            Change::PutSession(session("h1", "u1", 100)),
            Change::PutSession(ended.clone()),
            Change::PutSession(session("h9", "u2", 50)),
        ],
    );
    assert_eq!(
        read(store, |r| r.session("h2")),
        Some(session("h2", "u1", 200))
    );
    assert_eq!(read(store, |r| r.session("nope")), None);
    let of_u1 = read(store, |r| r.sessions_of("u1"));
    let hashes: Vec<&str> = of_u1.iter().map(|s| s.token_hash.as_str()).collect();
    assert_eq!(hashes, ["h1", "h2", "h3"], "oldest first");
    assert_eq!(of_u1[2], ended);
    assert_eq!(read(store, |r| r.sessions_of("nobody")), Vec::new());
}

pub fn delete_session(store: &mut dyn Store) {
    apply(store, vec![Change::PutSession(session("h1", "u1", 100))]);
    apply(
        store,
        vec![Change::DeleteSession {
            token_hash: "h1".to_owned(),
        }],
    );
    assert_eq!(read(store, |r| r.session("h1")), None);
    assert_eq!(read(store, |r| r.sessions_of("u1")), Vec::new());
}

pub fn later_transactions_see_earlier_changes(store: &mut dyn Store) {
    seed_two_accounts(store);
    let mut seen = None;
    store
        .transaction(&mut |r| {
            seen = r.account("a2")?;
            Ok(vec![Change::PutSession(session("h1", "a2", 1))])
        })
        .expect("transaction");
    assert_eq!(seen, Some(account("a2", AccountKind::Admin)));
    assert_eq!(
        read(store, |r| r.session("h1")).map(|s| s.user_id),
        Some("a2".to_owned())
    );
}

pub fn failed_work_applies_nothing(store: &mut dyn Store) {
    seed_two_accounts(store);
    let error = StoreError::Backend {
        message: "work failed".to_owned(),
    };
    let result = store.transaction(&mut |r| {
        r.account("a1")?;
        Err(error.clone())
    });
    assert_eq!(result, Err(error));
    assert_eq!(
        read(store, |r| r.account("a1")),
        Some(account("a1", AccountKind::General))
    );
    assert_eq!(read(store, |r| r.sessions_of("a1")), Vec::new());
}

pub fn changes_apply_in_order(store: &mut dyn Store) {
    let mut renamed = account("a1", AccountKind::General);
    renamed.name = "後".to_owned();
    apply(
        store,
        vec![
            Change::PutAccount(account("a1", AccountKind::General)),
            Change::PutAccount(renamed.clone()),
            Change::PutSession(session("h1", "a1", 1)),
            Change::DeleteSession {
                token_hash: "h1".to_owned(),
            },
        ],
    );
    assert_eq!(read(store, |r| r.account("a1")), Some(renamed));
    assert_eq!(read(store, |r| r.session("h1")), None);
}
