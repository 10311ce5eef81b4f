//! The labels of `components/new_version.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: a new version of the app took over while the page ran.
pub const NEW_VERSION_NOTICE: &str =
    "新しいバージョンに更新されました。再読み込みすると反映されます。";
