//! A real endpoint's first run: its institution and the マスタアカウント that manages the rest
//! (decisions.md D2). Training endpoints start from [`crate::canned`] instead.

use crate::{
    account::AccountKind,
    catalogue,
    domain::InstitutionCode,
    password::{self, HashCost, PasswordError},
    random::{self, Random},
    store::{AccountRecord, Change, InstitutionRecord},
};

/// The user ID of the first account.
pub const MASTER_USER_ID: &str = "master";

/// What a first run writes, and the master account's initial password, to be shown once.
#[derive(Debug)]
pub struct FirstRun {
    pub changes: Vec<Change>,
    pub master_password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("the institution has no name")]
    NoName,
    #[error("the institution code {code:?} is not a valid 医療機関コード")]
    InstitutionCode { code: String },
    #[error("hashing the initial password failed: {0}")]
    Password(#[from] PasswordError),
}

/// The institution and its master account, whose system-issued password must be changed at first
/// sign-in like every other (seed 003).
pub fn first_run(
    institution_code: &str,
    institution_name: &str,
    cost: HashCost,
    random: &mut dyn Random,
) -> Result<FirstRun, SetupError> {
    let code =
        InstitutionCode::parse(institution_code).map_err(|_| SetupError::InstitutionCode {
            code: institution_code.to_owned(),
        })?;
    let name = institution_name.trim();
    if name.is_empty() {
        return Err(SetupError::NoName);
    }
    let master_password = random::initial_password(random);
    let password_hash = password::hash(&master_password, cost, random)?;
    Ok(FirstRun {
        changes: vec![
            Change::PutInstitution(InstitutionRecord {
                code: code.as_str().to_owned(),
                name: name.to_owned(),
            }),
            Change::PutAccount(AccountRecord {
                user_id: MASTER_USER_ID.to_owned(),
                // Seed 003 names the first account so (ユーザ設定情報: ユーザ名 マスタアカウント).
                name: catalogue::KIND_NAME_MASTER.to_owned(),
                kind: AccountKind::Master,
                password_hash,
                must_change_password: true,
            }),
        ],
        master_password,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn a_first_run_makes_the_institution_and_a_master_that_must_change_its_password() {
        let run = first_run(
            "1234567897",
            " 新橋クリニック ",
            HashCost::CHEAP,
            &mut SeededRandom::new(1),
        )
        .expect("valid");
        assert!(password::verify(&run.master_password, {
            let Change::PutAccount(account) = &run.changes[1] else {
                panic!("the second change is the account")
            };
            assert!(account.must_change_password);
            assert_eq!(account.kind, AccountKind::Master);
            &account.password_hash
        }));
        let Change::PutInstitution(institution) = &run.changes[0] else {
            panic!("the first change is the institution")
        };
        assert_eq!(institution.name, "新橋クリニック");
        assert!(matches!(
            first_run(
                "1234567890",
                "x",
                HashCost::CHEAP,
                &mut SeededRandom::new(1)
            ),
            Err(SetupError::InstitutionCode { .. })
        ));
        assert!(matches!(
            first_run(
                "1234567897",
                " ",
                HashCost::CHEAP,
                &mut SeededRandom::new(1)
            ),
            Err(SetupError::NoName)
        ));
    }
}
