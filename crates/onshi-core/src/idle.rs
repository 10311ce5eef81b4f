//! The idle rule: a session ends after 30 minutes without an authenticated request (seed 001 FAQ 7),
//! and the app warns in the last minute.
//!
//! The dispatcher uses it to refuse an idled-out token; the app uses the same rule to count down, so
//! both sides agree to the second.

use chrono::TimeDelta;

use crate::time::Timestamp;

/// Seed 001, FAQ 3 and 7: 30 minutes without any operation.
pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(30);
/// Ours: warn in the last minute.
pub const IDLE_WARNING: TimeDelta = TimeDelta::minutes(1);

/// Where a session stands, seen from `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdleState {
    Active,
    /// The last minute: warn, with the whole seconds left (rounded up).
    Warning {
        seconds_left: i64,
    },
    Expired,
}

/// The state of a session whose last authenticated request was at `last_touch`.
pub fn idle_state(last_touch: Timestamp, now: Timestamp, timeout: TimeDelta) -> IdleState {
    let left = (last_touch + timeout).since(now).num_milliseconds();
    if left <= 0 {
        IdleState::Expired
    } else if left <= IDLE_WARNING.num_milliseconds() {
        IdleState::Warning {
            seconds_left: (left + 999) / 1000,
        }
    } else {
        IdleState::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(elapsed_ms: i64, expected: IdleState) {
        let start = Timestamp::from_millis(1_000_000);
        let now = Timestamp::from_millis(1_000_000 + elapsed_ms);
        assert_eq!(
            idle_state(start, now, IDLE_TIMEOUT),
            expected,
            "after {elapsed_ms} ms"
        );
    }

    #[test]
    fn thirty_minutes_with_a_last_minute_warning() {
        check(0, IdleState::Active);
        check(29 * 60_000 - 1, IdleState::Active);
        check(29 * 60_000, IdleState::Warning { seconds_left: 60 });
        check(29 * 60_000 + 1, IdleState::Warning { seconds_left: 60 });
        check(30 * 60_000 - 1_000, IdleState::Warning { seconds_left: 1 });
        check(30 * 60_000 - 1, IdleState::Warning { seconds_left: 1 });
        check(30 * 60_000, IdleState::Expired);
        check(10 * 3_600_000, IdleState::Expired);
    }
}
