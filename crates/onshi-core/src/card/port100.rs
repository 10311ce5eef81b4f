//! (issue 7: to be written; see card/mod.rs)
