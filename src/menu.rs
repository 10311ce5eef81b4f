//! The menu's tiles (S2; seed 004's menu tree) and who sees which.
//!
//! Each tile names the [`Action`] it needs, so the menu shows exactly what the endpoint would allow
//! (decisions.md D2), and the screen it opens. A tile whose screen is not built yet has no screen and
//! is shown disabled with 「準備中」 (D9), never as a stand-in page. A tile whose feature group the
//! endpoint does not advertise is shown disabled with 「この接続先では利用できません」.

use onshi_core::account::{AccountKind, Action};

use crate::{labels, route::Route, state::FeatureGroup};

/// One tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    pub label: &'static str,
    pub action: Action,
    /// The screen it opens; `None` while that screen is 準備中.
    pub screen: Option<Route>,
}

/// How a tile is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileState {
    /// A link to its screen.
    Opens(Route),
    /// Disabled: the screen is not built yet (「準備中」).
    ComingSoon,
    /// Disabled: the endpoint does not offer the feature group the tile needs.
    Unavailable,
}

impl Tile {
    /// How the tile is shown, given whether the endpoint offers a group (`None`: not known, e.g.
    /// while the capabilities are read; the tile is then shown as if offered, and the endpoint
    /// refuses what it lacks with its own message).
    pub fn state(&self, offers: impl Fn(FeatureGroup) -> Option<bool>) -> TileState {
        if offers(feature_group(self.action)) == Some(false) {
            return TileState::Unavailable;
        }
        match self.screen {
            Some(route) => TileState::Opens(route),
            None => TileState::ComingSoon,
        }
    }
}

/// The contract feature group each action needs (contract/openapi.yaml). This is the one place that
/// ties the menu to capabilities: an endpoint that does not advertise the group cannot serve the
/// tile's screen, whoever is signed in. Own-password changes are part of the session group
/// (`PUT /session/password`); everything else has a group of its own.
pub fn feature_group(action: Action) -> FeatureGroup {
    match action {
        Action::QualificationInquiry => FeatureGroup::Qualification,
        Action::History => FeatureGroup::History,
        Action::ReferenceNumbers => FeatureGroup::ReferenceNumbers,
        Action::ReaderModes => FeatureGroup::Readers,
        Action::OwnPasscode => FeatureGroup::Passcode,
        Action::Bulk => FeatureGroup::Bulk,
        Action::Consents => FeatureGroup::Consents,
        Action::OwnPassword => FeatureGroup::Session,
        Action::MedicalInfo => FeatureGroup::MedicalInfo,
        Action::DisasterMedicalInfo => FeatureGroup::Disaster,
        Action::ManageAccounts => FeatureGroup::Accounts,
    }
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

/// A tile whose screen exists.
const fn opens(label: &'static str, action: Action, screen: Route) -> Tile {
    Tile {
        label,
        action,
        screen: Some(screen),
    }
}

/// Every group and tile, in the guide's order.
fn catalogue_groups() -> Vec<Group> {
    use Action::*;
    vec![
        Group {
            heading: None,
            tiles: vec![
                opens(
                    labels::TILE_MY_NUMBER,
                    QualificationInquiry,
                    Route::Reception,
                ),
                opens(
                    labels::TILE_INSURANCE_CARD,
                    QualificationInquiry,
                    Route::Inquiry,
                ),
                opens(labels::TILE_HISTORY, History, Route::History),
                opens(labels::TILE_READER, ReaderModes, Route::Readers),
            ],
        },
        Group {
            heading: Some(labels::GROUP_HOME_VISIT),
            tiles: vec![
                tile(labels::TILE_CONSENTED, Consents),
                tile(labels::TILE_QUALIFICATION_INQUIRY, QualificationInquiry),
                tile(labels::TILE_BULK_INQUIRY, Bulk),
                tile(labels::TILE_BULK_INQUIRY_RESULT, Bulk),
                tile(labels::TILE_CONSENT_REVOCATION, Consents),
            ],
        },
        Group {
            heading: Some(labels::GROUP_BULK_INQUIRY),
            tiles: vec![
                tile(labels::TILE_BULK_INQUIRY, Bulk),
                tile(labels::TILE_BULK_INQUIRY_RESULT, Bulk),
            ],
        },
        Group {
            heading: Some(labels::GROUP_BULK_REFERENCE),
            tiles: vec![
                tile(labels::TILE_BULK_REFERENCE, ReferenceNumbers),
                tile(labels::TILE_BULK_REFERENCE_RESULT, ReferenceNumbers),
            ],
        },
        Group {
            heading: Some(labels::GROUP_DELEGATED),
            tiles: vec![tile(labels::TILE_DELEGATED, Bulk)],
        },
        Group {
            heading: Some(labels::GROUP_ACCOUNT),
            tiles: vec![
                opens(
                    labels::TILE_PASSWORD_CHANGE,
                    OwnPassword,
                    Route::PasswordChange,
                ),
                tile(labels::TILE_ACCOUNT_MANAGEMENT, ManageAccounts),
            ],
        },
        Group {
            heading: Some(labels::TILE_PASSCODE),
            tiles: vec![opens(labels::TILE_PASSCODE, OwnPasscode, Route::Passcode)],
        },
        Group {
            heading: Some(labels::TILE_DISASTER),
            tiles: vec![tile(labels::TILE_DISASTER, DisasterMedicalInfo)],
        },
        Group {
            heading: Some(labels::TILE_MEDICAL_INFO),
            tiles: vec![tile(labels::TILE_MEDICAL_INFO, MedicalInfo)],
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
