//! Canned training data from the seeds (decisions.md D2, D10).
//!
//! Training mode and the reference endpoint's `--training` start from [`training_store`]. The values
//! are the seeds' own (with D10's corrections) and tests compare them with literal strings from the
//! seeds, never with values read back from here.

pub mod medical;
pub mod people;
pub mod synthetic;

use chrono::NaiveDate;

use crate::{
    account::AccountKind,
    codes::{CodeTable, TreatmentKind},
    store::{
        AccountRecord, CardKey, Change, ConsentChoices, ConsentRecord, DisasterRecord,
        InstitutionRecord, MemoryStore, ReaderMode, ReaderRecord, ReferenceRecord, Store,
    },
    time::Timestamp,
};

/// D2: the seeds' 1234567890 with a valid check digit.
pub const INSTITUTION_CODE: &str = "1234567897";
/// Seeds 000, 001: the sample institution's name.
pub const INSTITUTION_NAME: &str = "サンプル医療機関";

/// A training account as the sign-in page lists it for trainees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainingAccount {
    pub user_id: &'static str,
    /// Public on purpose: these are the guides' 【初期設定例】 and D2's training passwords.
    pub password: &'static str,
    pub kind: AccountKind,
    pub name: &'static str,
    /// Argon2id of `password` at the standard cost, computed once so that training mode does not spend
    /// a second hashing five passwords at start-up. A test checks each against its password.
    password_hash: &'static str,
}

/// The training accounts of D2, in the order the sign-in page lists them.
pub const TRAINING_ACCOUNTS: [TrainingAccount; 5] = [
    TrainingAccount {
        user_id: "002",
        password: "Onshi*002*002",
        kind: AccountKind::General,
        // D2; seed 000 shows 「スタッフ11」 in the same place.
        name: "スタッフ002",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$5U/RQHbOvEgxKvRCLhVVWg$2AC49qrFOApBl9KMQxQccaQuJeMeXpqmxUhltGKarHY",
    },
    TrainingAccount {
        user_id: "003",
        password: "Onshi*003*003",
        kind: AccountKind::MedicalViewer,
        // Ours: D2 gives no name for this account.
        name: "医療情報閲覧003",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$FXAz/hxr8KEajhRFnKr5Zw$/SRo9/+iCHzA7Bt20Ra3UPUG4XfkSpwzN5REhBsXSsc",
    },
    TrainingAccount {
        user_id: "admin01",
        password: "Onshi*admin*01",
        kind: AccountKind::Admin,
        // D2; seed 000 prints it as 「医療機関管理 0 1」.
        name: "医療機関管理 01",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$7wPBu3vOVFMiI8eKGFUWrg$Kk4qwOq3aS3IHbhUBfXrhwa8W/8z9TU7z4nW4de4VKM",
    },
    TrainingAccount {
        user_id: "master",
        password: "Onshi*master*00",
        kind: AccountKind::Master,
        // Seed 003 (ユーザ設定情報: ユーザ名 マスタアカウント).
        name: "マスタアカウント",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$rEBd2/5J4a29b7SgP/LH9Q$s4egrYI1RTncA5SCBMIsETvo4JdSPz5b6B0oqY7tC3U",
    },
    TrainingAccount {
        user_id: "renkei01",
        password: "Onshi*renkei*01",
        kind: AccountKind::System,
        // Seed 002's account table (連携アプリ用アカウント).
        name: "連携アプリ用",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$hnBkUDsNOKn1bO1BhF/nnA$pfWUxHTd067WTmmq3hTXkMBTGHBAD1lX1he+58FLAQU",
    },
];

/// Seed 000 Case3: the two face-authentication readers with their labels.
pub const READERS: [(&str, &str, &str); 2] = [
    (
        "reader-1",
        "Identiv CLOUD 3701 F Contactless Reader 0",
        "外科受付用",
    ),
    ("reader-2", "Sony FeliCa Port/PaSoRi 3.0 0", "内科受付用"),
];

/// Seed 000 Case2: 新橋 太郎's 照会番号, registered before training starts.
pub const TARO_REFERENCE_NUMBER: &str = "12345678901";

/// Seed 003: the area of the disaster notice it quotes (ours: open without an end in training, so the
/// screen can be rehearsed any day).
pub const DISASTER_AREA: &str = "山形県鶴岡市";

fn instant(y: i32, m: u32, d: u32, h: u32) -> Timestamp {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| Timestamp::from_jst(date, h, 0, 0))
        .expect("the canned instants are real times")
}

/// The changes that put the canned data into an empty store: the institution, the accounts, the
/// readers, 新橋 太郎's 照会番号, two consents for 訪問診療等 / オンライン診療等, and the disaster notice.
pub fn training_changes() -> Vec<Change> {
    let mut changes = vec![Change::PutInstitution(InstitutionRecord {
        code: INSTITUTION_CODE.to_owned(),
        name: INSTITUTION_NAME.to_owned(),
    })];
    changes.extend(TRAINING_ACCOUNTS.iter().map(|a| {
        Change::PutAccount(AccountRecord {
            user_id: a.user_id.to_owned(),
            name: a.name.to_owned(),
            kind: a.kind,
            password_hash: a.password_hash.to_owned(),
            must_change_password: false,
        })
    }));
    changes.extend(READERS.iter().map(|(id, device, label)| {
        Change::PutReader(ReaderRecord {
            id: (*id).to_owned(),
            device_name: (*device).to_owned(),
            label: (*label).to_owned(),
            mode: ReaderMode::Unattended,
            version: 1,
            pending_check: None,
            completed_check: None,
        })
    }));
    let card = |id: &str| {
        people::person(id)
            .map(|p| (CardKey::of(&p.card), p.name, p.birthdate))
            .expect("the canned people include every person named here")
    };
    let (taro, _, _) = card("shinbashi-taro");
    changes.push(Change::PutReference(ReferenceRecord {
        card: taro,
        reference_number: TARO_REFERENCE_NUMBER.to_owned(),
        registered_at: instant(2026, 4, 1, 9),
        user_id: "002".to_owned(),
        claimed_by: None,
    }));
    for (id, person, treatment, at, choices) in [
        (
            "consent-1",
            "minato-haru",
            TreatmentKind::HomeVisit,
            instant(2026, 11, 1, 10),
            ConsentChoices {
                medical: true,
                checkups: true,
                limit: true,
            },
        ),
        (
            "consent-2",
            "kawasaki-kenichi",
            TreatmentKind::Online,
            instant(2026, 11, 10, 15),
            ConsentChoices {
                medical: true,
                checkups: false,
                limit: true,
            },
        ),
    ] {
        let (key, name, birthdate) = card(person);
        changes.push(Change::PutConsent(ConsentRecord {
            id: id.to_owned(),
            card: key,
            name: name.to_owned(),
            birthdate,
            treatment: treatment.code().to_owned(),
            consented_at: at,
            choices,
            revoked_at: None,
            revoked_by: None,
            revoke_claimed_by: None,
        }));
    }
    changes.push(Change::PutDisaster(DisasterRecord {
        open: true,
        areas: vec![DISASTER_AREA.to_owned()],
        until: None,
    }));
    changes
}

/// A fresh training store holding the canned data.
pub fn training_store() -> MemoryStore {
    let mut store = MemoryStore::new();
    let mut changes = Some(training_changes());
    store
        .transaction(&mut |_| Ok(changes.take().unwrap_or_default()))
        .expect("the memory store cannot fail");
    store
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{password, store::StoreRead};

    #[test]
    fn training_accounts_are_d2s() {
        let rows: Vec<(&str, &str, &str)> = TRAINING_ACCOUNTS
            .iter()
            .map(|a| (a.user_id, a.password, a.kind.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("002", "Onshi*002*002", "general"),
                ("003", "Onshi*003*003", "medical_viewer"),
                ("admin01", "Onshi*admin*01", "admin"),
                ("master", "Onshi*master*00", "master"),
                ("renkei01", "Onshi*renkei*01", "system"),
            ]
        );
    }

    #[test]
    fn every_canned_hash_matches_its_password_and_no_other() {
        for a in TRAINING_ACCOUNTS {
            assert!(
                password::verify(a.password, a.password_hash),
                "{}",
                a.user_id
            );
            assert!(
                !password::verify("Onshi*002*003", a.password_hash),
                "{}",
                a.user_id
            );
        }
    }

    #[test]
    fn training_store_holds_the_institution_and_accounts() {
        let store = training_store();
        let institution = store.institution().expect("read").expect("present");
        assert_eq!(institution.code, "1234567897");
        assert_eq!(institution.name, "サンプル医療機関");
        let staff = store.account("002").expect("read").expect("present");
        assert_eq!(staff.name, "スタッフ002");
        assert_eq!(
            store.account("admin01").expect("read").map(|a| a.name),
            Some("医療機関管理 01".to_owned())
        );
    }
}
