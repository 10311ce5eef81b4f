//! The menu's tiles (S2; seed 004's menu tree) and who sees which.
//!
//! Each tile names the [`Action`] it needs, so the menu shows exactly what the endpoint would allow
//! (decisions.md D2), and the screen it opens. A tile whose screen is not built yet has no screen and
//! is shown disabled with 「準備中」 (D9), never as a stand-in page.

use onshi_core::{
    account::{AccountKind, Action},
    catalogue,
};

use crate::route::Route;

/// One tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    pub label: &'static str,
    pub action: Action,
    /// The screen it opens; `None` while that screen is 準備中.
    pub screen: Option<Route>,
}

/// Tiles shown together, under a heading when the guide gives one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub heading: Option<&'static str>,
    pub tiles: Vec<Tile>,
}

const fn tile(label: &'static str, action: Action) -> Tile {
    Tile {
        label,
        action,
        screen: None,
    }
}

/// Every group and tile, in the guide's order.
fn catalogue_groups() -> Vec<Group> {
    use Action::*;
    vec![
        Group {
            heading: None,
            tiles: vec![
                tile(catalogue::TILE_MY_NUMBER, QualificationInquiry),
                tile(catalogue::TILE_INSURANCE_CARD, QualificationInquiry),
                tile(catalogue::TILE_HISTORY, History),
                tile(catalogue::TILE_READER, ReaderModes),
            ],
        },
        Group {
            heading: Some(catalogue::GROUP_HOME_VISIT),
            tiles: vec![
                tile(catalogue::TILE_CONSENTED, Consents),
                tile(catalogue::TILE_QUALIFICATION_INQUIRY, QualificationInquiry),
                tile(catalogue::TILE_BULK_INQUIRY, Bulk),
                tile(catalogue::TILE_BULK_INQUIRY_RESULT, Bulk),
                tile(catalogue::TILE_CONSENT_REVOCATION, Consents),
            ],
        },
        Group {
            heading: Some(catalogue::GROUP_BULK_INQUIRY),
            tiles: vec![
                tile(catalogue::TILE_BULK_INQUIRY, Bulk),
                tile(catalogue::TILE_BULK_INQUIRY_RESULT, Bulk),
            ],
        },
        Group {
            heading: Some(catalogue::GROUP_BULK_REFERENCE),
            tiles: vec![
                tile(catalogue::TILE_BULK_REFERENCE, ReferenceNumbers),
                tile(catalogue::TILE_BULK_REFERENCE_RESULT, ReferenceNumbers),
            ],
        },
        Group {
            heading: Some(catalogue::GROUP_DELEGATED),
            tiles: vec![tile(catalogue::TILE_DELEGATED, Bulk)],
        },
        Group {
            heading: Some(catalogue::GROUP_ACCOUNT),
            tiles: vec![
                tile(catalogue::TILE_PASSWORD_CHANGE, OwnPassword),
                tile(catalogue::TILE_ACCOUNT_MANAGEMENT, ManageAccounts),
            ],
        },
        Group {
            heading: Some(catalogue::TILE_PASSCODE),
            tiles: vec![tile(catalogue::TILE_PASSCODE, OwnPasscode)],
        },
        Group {
            heading: Some(catalogue::TILE_DISASTER),
            tiles: vec![tile(catalogue::TILE_DISASTER, DisasterMedicalInfo)],
        },
        Group {
            heading: Some(catalogue::TILE_MEDICAL_INFO),
            tiles: vec![tile(catalogue::TILE_MEDICAL_INFO, MedicalInfo)],
        },
    ]
}

/// The groups `kind` sees: only tiles it may use, and no empty groups.
pub fn menu_for(kind: AccountKind) -> Vec<Group> {
    catalogue_groups()
        .into_iter()
        .map(|group| Group {
            tiles: group
                .tiles
                .into_iter()
                .filter(|t| kind.may(t.action))
                .collect(),
            ..group
        })
        .filter(|group| !group.tiles.is_empty())
        .collect()
}
