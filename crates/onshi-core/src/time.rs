//! Time as the business sees it.
//!
//! Every date and time the system reasons about (today, 資格確認日, lockout, idle logout) is in
//! Asia/Tokyo, +09:00, which has had no daylight saving since 1951 (decisions.md D1). Nothing here reads
//! a clock: the current instant is always handed in, so tests pin it and nothing depends on the
//! machine's zone.

use std::{fmt, ops::Add};

use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeDelta, TimeZone, Utc,
};
use serde::{Deserialize, Serialize};

/// An instant, as milliseconds since the Unix epoch.
///
/// Stored as a plain integer so that stores and the browser's `Date.now()` exchange it without loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// The instant of a wall-clock time in Tokyo, or `None` when the fields do not form a real time.
    pub fn from_jst(date: NaiveDate, hour: u32, minute: u32, second: u32) -> Option<Timestamp> {
        let local = date.and_hms_opt(hour, minute, second)?;
        Some(Timestamp::from_jst_naive(local))
    }

    /// The instant of a naive Tokyo wall-clock time (always unambiguous: +09:00 has no transitions).
    /// A time within nine hours of the calendar's first instant saturates to it rather than failing:
    /// such a time can only come from odd input, and the earliest instant refuses it wherever it
    /// matters (the history window, for one).
    pub fn from_jst_naive(local: NaiveDateTime) -> Timestamp {
        let utc = local
            .checked_sub_signed(TimeDelta::hours(9))
            .unwrap_or(NaiveDateTime::MIN);
        Timestamp(utc.and_utc().timestamp_millis())
    }

    /// This instant in Tokyo.
    pub fn jst(self) -> DateTime<FixedOffset> {
        Utc.timestamp_millis_opt(self.0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
            .with_timezone(&jst())
    }

    /// The Tokyo calendar date of this instant: "today" for every business rule.
    pub fn jst_date(self) -> NaiveDate {
        self.jst().date_naive()
    }

    /// RFC 3339 in Tokyo time with milliseconds, the form the contract uses on the wire.
    pub fn to_rfc3339(self) -> String {
        self.jst().to_rfc3339_opts(SecondsFormat::Millis, false)
    }

    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimeError> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| Timestamp(t.timestamp_millis()))
            .map_err(|_| TimeError::NotRfc3339 {
                text: text.to_owned(),
            })
    }

    /// The time from `earlier` to `self` (negative when `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> TimeDelta {
        TimeDelta::milliseconds(self.0 - earlier.0)
    }
}

impl Add<TimeDelta> for Timestamp {
    type Output = Timestamp;

    fn add(self, delta: TimeDelta) -> Timestamp {
        Timestamp(self.0.saturating_add(delta.num_milliseconds()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// A timestamp that crosses the contract as RFC 3339 text rather than as milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rfc3339(pub Timestamp);

impl Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse_rfc3339(&text)
            .map(Rfc3339)
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("not an RFC 3339 date-time: {text:?}")]
    NotRfc3339 { text: String },
}

/// The +09:00 offset of Asia/Tokyo.
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("nine hours is a valid offset")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(millis: i64, expected: &str) {
        let t = Timestamp::from_millis(millis);
        assert_eq!(t.to_rfc3339(), expected);
        assert_eq!(Timestamp::parse_rfc3339(expected), Ok(t));
    }

    #[test]
    fn formats_in_tokyo_whatever_the_machine_zone() {
        check(0, "1970-01-01T09:00:00.000+09:00");
        // 2026-11-22 15:00:00 UTC is midnight of the 23rd in Tokyo.
        check(1_795_359_600_000, "2026-11-23T00:00:00.000+09:00");
        check(1_795_359_599_999, "2026-11-22T23:59:59.999+09:00");
    }

    #[test]
    fn today_is_the_tokyo_date() {
        let before_midnight = Timestamp::from_millis(1_795_359_599_999);
        let midnight = Timestamp::from_millis(1_795_359_600_000);
        assert_eq!(
            before_midnight.jst_date(),
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
        );
        assert_eq!(
            midnight.jst_date(),
            NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
        );
    }

    #[test]
    fn wall_clock_round_trip() {
        let date = NaiveDate::from_ymd_opt(2021, 1, 6).expect("date");
        let t = Timestamp::from_jst(date, 13, 33, 34).expect("time");
        assert_eq!(t.to_rfc3339(), "2021-01-06T13:33:34.000+09:00");
        assert_eq!(Timestamp::from_jst(date, 24, 0, 0), None);
    }

    #[test]
    fn parses_other_offsets_to_the_same_instant() {
        let a = Timestamp::parse_rfc3339("2026-11-22T06:00:00Z").expect("utc");
        let b = Timestamp::parse_rfc3339("2026-11-22T15:00:00+09:00").expect("jst");
        assert_eq!(a, b);
        assert!(Timestamp::parse_rfc3339("2026-11-22 15:00").is_err());
    }

    /// Regression (found in review): the calendar's first day used to panic on the way to UTC.
    #[test]
    fn the_first_representable_day_saturates_instead_of_panicking() {
        let first = NaiveDateTime::MIN;
        assert_eq!(
            Timestamp::from_jst_naive(first),
            Timestamp(first.and_utc().timestamp_millis())
        );
    }
}
