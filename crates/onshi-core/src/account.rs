//! Account kinds and what each may do (decisions.md D2).
//!
//! The dispatcher enforces these rules and the app's menu mirrors them from the same table, so a tile
//! and the endpoint can never disagree about who may do what.

use serde::{Deserialize, Serialize};

use crate::catalogue;

/// The kind of an account, as the contract spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// マスタアカウント.
    Master,
    /// 管理アカウント.
    Admin,
    /// 一般アカウント.
    General,
    /// 医療情報閲覧アカウント.
    MedicalViewer,
    /// 連携アプリ用 / WebAPI用 / 顔認証用: endpoint-to-endpoint use only, never the UI.
    System,
}

/// Something an account may or may not do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Qualification inquiry by insurance-card data or My Number card.
    QualificationInquiry,
    /// 資格確認履歴照会.
    History,
    /// 照会番号 registration, single and bulk.
    ReferenceNumbers,
    /// Reading and switching face-reader modes, and the 目視確認 flow (routine reception work, seed 002).
    ReaderModes,
    /// Issuing one's own 目視確認用パスコード.
    OwnPasscode,
    /// Bulk inquiries (一括照会, 訪問診療等・オンライン診療等, 委託先資格情報一括取得).
    Bulk,
    /// 同意済資格情報取得 and 同意取消照会.
    Consents,
    /// Changing one's own password.
    OwnPassword,
    /// 医療情報閲覧 (drug and checkup information).
    MedicalInfo,
    /// 災害時医療情報閲覧.
    DisasterMedicalInfo,
    /// アカウント登録/更新 of at least one kind (see [`AccountKind::may_manage`]).
    ManageAccounts,
}

impl AccountKind {
    pub const ALL: [AccountKind; 5] = [
        AccountKind::Master,
        AccountKind::Admin,
        AccountKind::General,
        AccountKind::MedicalViewer,
        AccountKind::System,
    ];

    /// The contract value, e.g. `medical_viewer`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Master => "master",
            AccountKind::Admin => "admin",
            AccountKind::General => "general",
            AccountKind::MedicalViewer => "medical_viewer",
            AccountKind::System => "system",
        }
    }

    /// The label the frame shows beside the account name (D2), e.g. 「管理者」.
    pub fn frame_label(self) -> &'static str {
        match self {
            AccountKind::Master => catalogue::KIND_LABEL_MASTER,
            AccountKind::Admin => catalogue::KIND_LABEL_ADMIN,
            AccountKind::General => catalogue::KIND_LABEL_GENERAL,
            AccountKind::MedicalViewer => catalogue::KIND_LABEL_MEDICAL_VIEWER,
            AccountKind::System => catalogue::KIND_LABEL_SYSTEM,
        }
    }

    /// The account kind's full name as the guides write it, e.g. 「一般アカウント」.
    pub fn full_name(self) -> &'static str {
        match self {
            AccountKind::Master => catalogue::KIND_NAME_MASTER,
            AccountKind::Admin => catalogue::KIND_NAME_ADMIN,
            AccountKind::General => catalogue::KIND_NAME_GENERAL,
            AccountKind::MedicalViewer => catalogue::KIND_NAME_MEDICAL_VIEWER,
            AccountKind::System => catalogue::KIND_NAME_SYSTEM,
        }
    }

    /// Whether this kind signs in to the UI at all.
    pub fn is_interactive(self) -> bool {
        self != AccountKind::System
    }

    /// Whether this kind may do `action` (D2).
    pub fn may(self, action: Action) -> bool {
        use AccountKind::*;
        match action {
            Action::QualificationInquiry
            | Action::History
            | Action::ReferenceNumbers
            | Action::ReaderModes
            | Action::OwnPasscode
            | Action::Bulk
            | Action::Consents
            | Action::OwnPassword => matches!(self, Master | Admin | General | MedicalViewer),
            Action::MedicalInfo => self == MedicalViewer,
            Action::DisasterMedicalInfo => matches!(self, Master | Admin | MedicalViewer),
            Action::ManageAccounts => matches!(self, Master | Admin),
        }
    }

    /// Whether this kind may register, update, reset or delete accounts of kind `target` (D2, D7):
    /// マスタ manages 管理 (and, since it may everything 管理 may, 一般 and 医療情報閲覧); 管理 manages
    /// 一般 and 医療情報閲覧.
    pub fn may_manage(self, target: AccountKind) -> bool {
        use AccountKind::*;
        match self {
            Master => matches!(target, Admin | General | MedicalViewer),
            Admin => matches!(target, General | MedicalViewer),
            General | MedicalViewer | System => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AccountKind::*, *};

    /// One row per action: which of master, admin, general, medical viewer, system may do it.
    #[test]
    fn permission_table_follows_d2() {
        let table = [
            (
                Action::QualificationInquiry,
                [true, true, true, true, false],
            ),
            (Action::History, [true, true, true, true, false]),
            (Action::ReferenceNumbers, [true, true, true, true, false]),
            (Action::ReaderModes, [true, true, true, true, false]),
            (Action::OwnPasscode, [true, true, true, true, false]),
            (Action::Bulk, [true, true, true, true, false]),
            (Action::Consents, [true, true, true, true, false]),
            (Action::OwnPassword, [true, true, true, true, false]),
            (Action::MedicalInfo, [false, false, false, true, false]),
            (
                Action::DisasterMedicalInfo,
                [true, true, false, true, false],
            ),
            (Action::ManageAccounts, [true, true, false, false, false]),
        ];
        for (action, expected) in table {
            let actual = AccountKind::ALL.map(|kind| kind.may(action));
            assert_eq!(actual, expected, "{action:?}");
        }
    }

    #[test]
    fn who_manages_whom() {
        assert!(Master.may_manage(Admin));
        assert!(Admin.may_manage(General));
        assert!(Admin.may_manage(MedicalViewer));
        assert!(!Admin.may_manage(Admin));
        assert!(!Admin.may_manage(Master));
        assert!(!General.may_manage(General));
        assert!(!Master.may_manage(System));
    }

    #[test]
    fn frame_labels_are_the_guides() {
        let labels = AccountKind::ALL.map(AccountKind::frame_label);
        assert_eq!(
            labels,
            ["マスタ", "管理者", "一般", "医療情報閲覧", "システム"]
        );
    }

    #[test]
    fn contract_values_round_trip() {
        for kind in AccountKind::ALL {
            let json = serde_json::to_string(&kind).expect("serialize");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(
                serde_json::from_str::<AccountKind>(&json).expect("parse"),
                kind
            );
        }
    }
}
