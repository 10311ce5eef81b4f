//! Whether an endpoint's contract version fits this build's (`contract::VERSION`).
//!
//! Versions are `MAJOR.MINOR.PATCH` (semver): only the major version breaks compatibility, so an
//! endpoint of the same major version fits whatever its minor and patch say (a client ignores
//! groups and fields it does not know). Only the major version is read.

/// How an endpoint's contract version relates to ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// The same major version: the endpoint speaks our contract.
    Compatible,
    /// An older major version than ours.
    TooOld,
    /// A newer major version than ours.
    TooNew,
    /// Not a version at all (its major version is no plain number).
    Malformed,
}

/// Compares an endpoint's contract version (`theirs`) with this build's (`ours`).
pub fn fit(theirs: &str, ours: &str) -> Fit {
    match (major(theirs), major(ours)) {
        (Some(theirs), Some(ours)) if theirs == ours => Fit::Compatible,
        (Some(theirs), Some(ours)) if theirs < ours => Fit::TooOld,
        (Some(_), Some(_)) => Fit::TooNew,
        _ => Fit::Malformed,
    }
}

/// The major version: the digits before the first dot, without a leading zero (semver's rule), so
/// that two spellings never name the same version.
fn major(version: &str) -> Option<u64> {
    let digits = version.split('.').next()?;
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    plain.then(|| digits.parse().ok()).flatten()
}
