//! The labels of `pages/not_found.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: the page shown for an address that names no screen.
pub const NOT_FOUND_PAGE: &str = "指定された画面は存在しません。";
