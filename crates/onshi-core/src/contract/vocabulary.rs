//! The contract's words, spelled once: its feature groups, the values its fields and queries take,
//! and the headers it defines or relies on. The dispatcher, the client, the app, the server and the
//! tests all use these, so that a name cannot drift between layers.
//!
//! The store keeps its own copies of the values it records ([`store::EventKind`],
//! [`store::ReaderMode`]): its schema is not the contract, and the two convert one to one here.

use serde::{Deserialize, Serialize};

use crate::store;

/// A feature group of the contract: the tags of `contract/openapi.yaml`, listed by
/// `GET /capabilities` for the groups an endpoint implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeatureGroup {
    Session,
    Qualification,
    History,
    Events,
    ReferenceNumbers,
    Bulk,
    Readers,
    Passcode,
    Card,
    Consents,
    MedicalInfo,
    Disaster,
    Accounts,
    Training,
}

impl FeatureGroup {
    pub const ALL: [FeatureGroup; 14] = [
        FeatureGroup::Session,
        FeatureGroup::Qualification,
        FeatureGroup::History,
        FeatureGroup::Events,
        FeatureGroup::ReferenceNumbers,
        FeatureGroup::Bulk,
        FeatureGroup::Readers,
        FeatureGroup::Passcode,
        FeatureGroup::Card,
        FeatureGroup::Consents,
        FeatureGroup::MedicalInfo,
        FeatureGroup::Disaster,
        FeatureGroup::Accounts,
        FeatureGroup::Training,
    ];

    /// The group's name in `capabilities.groups` and the OpenAPI tags.
    pub const fn as_str(self) -> &'static str {
        match self {
            FeatureGroup::Session => "session",
            FeatureGroup::Qualification => "qualification",
            FeatureGroup::History => "history",
            FeatureGroup::Events => "events",
            FeatureGroup::ReferenceNumbers => "reference_numbers",
            FeatureGroup::Bulk => "bulk",
            FeatureGroup::Readers => "readers",
            FeatureGroup::Passcode => "passcode",
            FeatureGroup::Card => "card",
            FeatureGroup::Consents => "consents",
            FeatureGroup::MedicalInfo => "medical_info",
            FeatureGroup::Disaster => "disaster",
            FeatureGroup::Accounts => "accounts",
            FeatureGroup::Training => "training",
        }
    }

    /// The group a name in `capabilities.groups` stands for; `None` for a name this build does not
    /// know (a newer endpoint's group, which the app ignores).
    pub fn parse(name: &str) -> Option<FeatureGroup> {
        FeatureGroup::ALL.into_iter().find(|g| g.as_str() == name)
    }
}

/// 資格確認区分絞り込み (decisions.md D9), on 資格有効性: `GET /qualifications?narrow=`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Narrow {
    /// 全て表示.
    #[default]
    All,
    /// 資格有効.
    Valid,
    /// 資格無効 (無効, 無効（新しい資格あり）).
    Invalid,
    /// 該当資格なし・複数該当.
    NotFoundOrMultiple,
}

impl Narrow {
    pub const ALL: [Narrow; 4] = [
        Narrow::All,
        Narrow::Valid,
        Narrow::Invalid,
        Narrow::NotFoundOrMultiple,
    ];

    /// The query value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Narrow::All => "all",
            Narrow::Valid => "valid",
            Narrow::Invalid => "invalid",
            Narrow::NotFoundOrMultiple => "not_found_or_multiple",
        }
    }

    /// The narrowing a query value names; `None` for any other value.
    pub fn parse(value: &str) -> Option<Narrow> {
        Narrow::ALL.into_iter().find(|n| n.as_str() == value)
    }

    /// Whether a result of 資格有効性 `validity` (OQSCD code) is kept.
    pub fn matches(self, validity: Option<&str>) -> bool {
        match self {
            Narrow::All => true,
            Narrow::Valid => matches!(validity, Some("1" | "6")),
            Narrow::Invalid => matches!(validity, Some("2" | "3")),
            Narrow::NotFoundOrMultiple => matches!(validity, Some("4" | "5")),
        }
    }
}

/// The headers the contract defines or relies on, as it spells them (HTTP header names are
/// case-insensitive; `Headers` compares them so).
pub mod header {
    pub const AUTHORIZATION: &str = "Authorization";
    pub const CONTENT_TYPE: &str = "Content-Type";
    /// A write's key: the same key and request run once, and its answer is replayed (D7).
    pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
    /// On a replayed answer: `true`.
    pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
    /// On a replay of the outbox for another user: who made the write, kept as a claim (D4).
    pub const ORIGINAL_USER: &str = "Onshi-Original-User";
    /// The reader's version a mode change is made against.
    pub const IF_MATCH: &str = "If-Match";
    pub const ETAG: &str = "ETag";
    /// Seconds to wait before sending again (409 `idempotency_in_progress`, 429, 503).
    pub const RETRY_AFTER: &str = "Retry-After";
    /// The event stream resumes after this event id.
    pub const LAST_EVENT_ID: &str = "Last-Event-ID";
}

/// An enum of the contract's values: each variant's wire name (the JSON value, snake_case), a list of
/// them all, and parsing from the wire name.
macro_rules! contract_values {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value as the contract spells it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    };
}

contract_values! {
    /// What an event of `GET /events` is about (its `kind`, and the `kind` query).
    EventKind {
        /// A new qualification result (an inquiry, or a patient at a reader).
        Qualification => "qualification",
        /// A reader's mode changed.
        Reader => "reader",
        /// A visual check finished or was cancelled.
        VisualCheck => "visual_check",
        /// A bulk job's result is ready.
        Bulk => "bulk",
        /// A face reader's file arrived that could not be read (folder bridge).
        FaceUnreadable => "face_unreadable",
    }
}

contract_values! {
    /// A face-authentication reader's operating mode (S7).
    ReaderMode {
        /// 無人運転.
        Unattended => "unattended",
        /// 暗証番号認証固定.
        PinOnly => "pin_only",
        /// 目視確認.
        Visual => "visual",
    }
}

contract_values! {
    /// How a patient proved who they are at a reader (`POST /training/reader-visits`).
    VisitMethod {
        /// 顔認証を行う.
        Face => "face",
        /// 暗証番号を入力.
        Pin => "pin",
        /// 目視確認 by staff.
        Visual => "visual",
    }
}

/// Converts one to one between a contract enum and the store's copy of it.
macro_rules! same_values {
    ($contract:ident <=> $store:path { $($variant:ident),+ }) => {
        impl From<$contract> for $store {
            fn from(value: $contract) -> $store {
                match value {
                    $($contract::$variant => <$store>::$variant,)+
                }
            }
        }

        impl From<$store> for $contract {
            fn from(value: $store) -> $contract {
                match value {
                    $(<$store>::$variant => $contract::$variant,)+
                }
            }
        }
    };
}

same_values!(EventKind <=> store::EventKind {
    Qualification,
    Reader,
    VisualCheck,
    Bulk,
    FaceUnreadable
});
same_values!(ReaderMode <=> store::ReaderMode { Unattended, PinOnly, Visual });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_reads_back_from_its_name_and_names_are_distinct() {
        for group in FeatureGroup::ALL {
            assert_eq!(FeatureGroup::parse(group.as_str()), Some(group));
        }
        let mut names: Vec<&str> = FeatureGroup::ALL.iter().map(|g| g.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FeatureGroup::ALL.len());
        assert_eq!(FeatureGroup::parse("somewhere_new"), None);
        for narrow in Narrow::ALL {
            assert_eq!(Narrow::parse(narrow.as_str()), Some(narrow));
        }
        assert_eq!(Narrow::parse("valid "), None);
    }

    /// Each value's wire name is what serde writes and reads, and converting to the store's copy and
    /// back gives the value again.
    #[test]
    fn values_read_back_from_their_wire_names_and_through_the_store() {
        fn check<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
        where
            T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
        {
            for &value in all {
                let wire = as_str(value);
                assert_eq!(parse(wire), Some(value));
                assert_eq!(serde_json::to_value(value).expect("a value"), wire);
                let read: T = serde_json::from_value(serde_json::json!(wire)).expect("its name");
                assert_eq!(read, value);
            }
            assert_eq!(parse("Visual"), None, "names are case-sensitive");
        }
        check(EventKind::ALL, EventKind::as_str, EventKind::parse);
        check(ReaderMode::ALL, ReaderMode::as_str, ReaderMode::parse);
        check(VisitMethod::ALL, VisitMethod::as_str, VisitMethod::parse);
        for &kind in EventKind::ALL {
            assert_eq!(EventKind::from(store::EventKind::from(kind)), kind);
            assert_eq!(store::EventKind::from(kind).as_str(), kind.as_str());
        }
        for &mode in ReaderMode::ALL {
            assert_eq!(ReaderMode::from(store::ReaderMode::from(mode)), mode);
            assert_eq!(store::ReaderMode::from(mode).as_str(), mode.as_str());
        }
    }

    /// The tags of the OpenAPI document are exactly the groups.
    #[test]
    fn the_openapi_documents_tags_are_the_groups() {
        let document = include_str!("../../../../contract/openapi.yaml");
        let mut tags: Vec<&str> = document
            .lines()
            .filter_map(|l| l.trim().strip_prefix("tags: ["))
            .filter_map(|l| l.strip_suffix(']'))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        let mut groups: Vec<&str> = FeatureGroup::ALL.iter().map(|g| g.as_str()).collect();
        groups.sort_unstable();
        assert_eq!(tags, groups);
    }
}
