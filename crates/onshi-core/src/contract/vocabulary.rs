//! The contract's words, spelled once: its feature groups and the headers it defines or relies on.
//! The dispatcher, the client, the app, the server and the tests all use these, so that a name
//! cannot drift between layers.

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
