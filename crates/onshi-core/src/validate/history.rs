//! The conditions of 資格確認履歴照会 (S3; seed 000 Case1, decisions.md D9): the period with its
//! defaults (today 00:00 to now) and the two-year window (seed 001 FAQ 5), 資格確認区分, 絞り込み,
//! ログインID and 照会番号, turned into the contract's search.
//!
//! The rules are the dispatcher's (`dispatch::history`), checked here first so that staff see the
//! message at the field before anything is sent. Findings use the contract's field names (`from`,
//! `to`, `login_id`, `reference_number`), so the endpoint's own findings land on the same fields.

use chrono::{NaiveDate, NaiveTime, TimeDelta, Timelike};

use crate::{
    catalogue,
    client::HistorySearch,
    era,
    store::Narrow,
    time::Timestamp,
    validate::{Finding, insurance},
};

/// The longest ログインID searched for (the contract's user IDs are at most 64 characters).
const LOGIN_ID_MAX_CHARS: usize = 64;

/// 資格確認区分 (D9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HistoryKind {
    /// 全て.
    #[default]
    All,
    /// マイナンバーカード.
    MyNumberCard,
    /// 被保険者証等.
    InsuranceCard,
}

impl HistoryKind {
    /// In the screen's order.
    pub const ALL: [HistoryKind; 3] = [
        HistoryKind::All,
        HistoryKind::MyNumberCard,
        HistoryKind::InsuranceCard,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HistoryKind::All => catalogue::HISTORY_KIND_ALL,
            HistoryKind::MyNumberCard => catalogue::HISTORY_KIND_MY_NUMBER,
            HistoryKind::InsuranceCard => catalogue::HISTORY_KIND_INSURANCE,
        }
    }

    /// The contract's `kind`, or `None` for all.
    pub fn contract_value(self) -> Option<&'static str> {
        match self {
            HistoryKind::All => None,
            HistoryKind::MyNumberCard => Some("my_number_card"),
            HistoryKind::InsuranceCard => Some("insurance_card"),
        }
    }
}

/// 資格確認区分絞り込み in the screen's order (D9).
pub const NARROWS: [Narrow; 4] = Narrow::ALL;

/// The label of a 絞り込み option.
pub fn narrow_label(narrow: Narrow) -> &'static str {
    match narrow {
        Narrow::All => catalogue::HISTORY_NARROW_ALL,
        Narrow::Valid => catalogue::HISTORY_NARROW_VALID,
        Narrow::Invalid => catalogue::HISTORY_NARROW_INVALID,
        Narrow::NotFoundOrMultiple => catalogue::HISTORY_NARROW_NOT_FOUND_OR_MULTIPLE,
    }
}

/// The conditions as typed. Dates are what a date picker gives (`2026-11-22`) or any form staff type
/// (和暦 too); times are `hh:mm`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryForm {
    pub from_date: String,
    pub from_time: String,
    pub to_date: String,
    pub to_time: String,
    pub kind: HistoryKind,
    pub narrow: Narrow,
    pub login_id: String,
    pub reference_number: String,
}

impl HistoryForm {
    /// The screen's defaults at `now`: today 00:00 to now, everything else unrestricted.
    pub fn defaults(now: Timestamp) -> HistoryForm {
        let today = picker_date(now.jst_date());
        HistoryForm {
            from_date: today.clone(),
            from_time: "00:00".to_owned(),
            to_date: today,
            to_time: now_minute(now),
            ..HistoryForm::default()
        }
    }
}

/// A date as a date picker holds it (`2026-11-22`).
pub fn picker_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The minute of `now` in Tokyo, as a time picker holds it (`09:05`).
pub fn now_minute(now: Timestamp) -> String {
    now.jst().format("%H:%M").to_string()
}

/// The period's end for "now": the last millisecond of the current minute, as the contract takes it
/// (the end a search whose 至 was left at its default moves to when it runs again).
pub fn until_now(now: Timestamp) -> String {
    let end = bound(
        "to",
        catalogue::LABEL_HISTORY_TO,
        &picker_date(now.jst_date()),
        &now_minute(now),
        Edge::End,
    );
    // The date and the minute were just formatted from a real instant, so they always read back.
    end.map_or(now, |t| t).to_rfc3339()
}

/// The earliest day the search may start on at `now` (for the date picker's lower bound).
pub fn earliest_day(now: Timestamp, window: TimeDelta) -> NaiveDate {
    (now + -window).jst_date()
}

/// Checks the conditions at `now`, with the endpoint's two-year `window`: every finding, or the search
/// to send (its first page). The period's end is inclusive to the end of its minute, so 「至 13:33」
/// finds a result of 13:33:34.005 (seed 000 Case1 ⑤).
pub fn history(
    form: &HistoryForm,
    now: Timestamp,
    window: TimeDelta,
) -> Result<HistorySearch, Vec<Finding>> {
    let mut findings = Vec::new();
    let from = bound(
        "from",
        catalogue::LABEL_HISTORY_FROM,
        &form.from_date,
        &form.from_time,
        Edge::Start,
    )
    .map_err(|f| findings.push(f))
    .ok();
    let to = bound(
        "to",
        catalogue::LABEL_HISTORY_TO,
        &form.to_date,
        &form.to_time,
        Edge::End,
    )
    .map_err(|f| findings.push(f))
    .ok();
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            findings.push(Finding::new("from", catalogue::HISTORY_FROM_AFTER_TO));
        } else if from < now + -window {
            findings.push(Finding::new("from", catalogue::HISTORY_TWO_YEARS));
        }
    }
    let login_id = form.login_id.trim();
    if login_id.chars().count() > LOGIN_ID_MAX_CHARS {
        findings.push(Finding::new(
            "login_id",
            catalogue::HISTORY_LOGIN_ID_TOO_LONG,
        ));
    }
    let reference_number = if form.reference_number.trim().is_empty() {
        None
    } else {
        insurance::reference_number("reference_number", &form.reference_number)
            .map_err(|f| findings.push(f))
            .ok()
    };
    let (Some(from), Some(to), true) = (from, to, findings.is_empty()) else {
        return Err(findings);
    };
    Ok(HistorySearch {
        from: Some(from.to_rfc3339()),
        to: Some(to.to_rfc3339()),
        kind: form.kind.contract_value().map(str::to_owned),
        narrow: form.narrow,
        login_id: (!login_id.is_empty()).then(|| login_id.to_owned()),
        reference_number,
        page: None,
        per_page: None,
    })
}

/// Which end of the period a bound is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// The first millisecond of the minute; an empty time is the day's start.
    Start,
    /// The last millisecond of the minute; an empty time is the day's end.
    End,
}

fn bound(
    field: &'static str,
    label: &str,
    date: &str,
    time: &str,
    edge: Edge,
) -> Result<Timestamp, Finding> {
    if date.trim().is_empty() {
        return Err(Finding::new(field, catalogue::date_required(label)));
    }
    let day = era::parse(date).map_err(|e| Finding::new(field, e.message()))?;
    let time = time.trim();
    let minute = if time.is_empty() {
        match edge {
            Edge::Start => NaiveTime::MIN,
            Edge::End => NaiveTime::from_hms_opt(23, 59, 0).expect("23:59 is a time"),
        }
    } else {
        ["%H:%M", "%H:%M:%S"]
            .iter()
            .find_map(|format| NaiveTime::parse_from_str(time, format).ok())
            .ok_or_else(|| Finding::new(field, catalogue::HISTORY_TIME))?
    };
    // Seconds a picker may add are dropped: the screen works in whole minutes.
    let minute = minute.with_second(0).unwrap_or(minute);
    let start = Timestamp::from_jst_naive(day.and_time(minute));
    Ok(match edge {
        Edge::Start => start,
        Edge::End => start + TimeDelta::milliseconds(59_999),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-22 09:05:30.250 in Tokyo.
    fn now() -> Timestamp {
        Timestamp::parse_rfc3339("2026-11-22T09:05:30.250+09:00").expect("time")
    }

    const WINDOW: TimeDelta = TimeDelta::days(731);

    fn form(from: (&str, &str), to: (&str, &str)) -> HistoryForm {
        HistoryForm {
            from_date: from.0.to_owned(),
            from_time: from.1.to_owned(),
            to_date: to.0.to_owned(),
            to_time: to.1.to_owned(),
            ..HistoryForm::default()
        }
    }

    #[test]
    fn the_defaults_are_today_from_midnight_to_this_minute() {
        assert_eq!(
            HistoryForm::defaults(now()),
            form(("2026-11-22", "00:00"), ("2026-11-22", "09:05"))
        );
        assert_eq!(until_now(now()), "2026-11-22T09:05:59.999+09:00");
        assert_eq!(
            earliest_day(now(), WINDOW),
            NaiveDate::from_ymd_opt(2024, 11, 21).expect("date")
        );
    }

    #[test]
    fn the_period_becomes_rfc3339_bounds_with_the_end_minute_inclusive() {
        let check = |typed: HistoryForm, from: &str, to: &str| {
            let search = history(&typed, now(), WINDOW).expect("valid");
            assert_eq!(
                (search.from.as_deref(), search.to.as_deref()),
                (Some(from), Some(to)),
                "{typed:?}"
            );
        };
        check(
            HistoryForm::defaults(now()),
            "2026-11-22T00:00:00.000+09:00",
            "2026-11-22T09:05:59.999+09:00",
        );
        // Seed 000 Case1 ⑤, searched on its day: 2021/01/06 00:00 ~ 13:33 finds 13:33:34.005.
        let case1 = Timestamp::parse_rfc3339("2021-01-06T13:33:40+09:00").expect("time");
        let search = history(
            &form(("2021-01-06", "00:00"), ("2021-01-06", "13:33")),
            case1,
            WINDOW,
        )
        .expect("valid");
        assert_eq!(
            (search.from.as_deref(), search.to.as_deref()),
            (
                Some("2021-01-06T00:00:00.000+09:00"),
                Some("2021-01-06T13:33:59.999+09:00")
            )
        );
        // 和暦 and slashes are read as anywhere else; an empty time is the whole day.
        check(
            form(("令和8年11月1日", ""), ("2026/11/02", "")),
            "2026-11-01T00:00:00.000+09:00",
            "2026-11-02T23:59:59.999+09:00",
        );
        check(
            form(("2026-11-22", "08:00:45"), ("2026-11-22", "08:00:10")),
            "2026-11-22T08:00:00.000+09:00",
            "2026-11-22T08:00:59.999+09:00",
        );
    }

    #[test]
    fn every_finding_is_at_its_field() {
        let check = |typed: HistoryForm, expected: &[(&str, &str)]| {
            let found = history(&typed, now(), WINDOW).expect_err("refused");
            let found: Vec<(&str, &str)> = found
                .iter()
                .map(|f| (f.field, f.message.as_str()))
                .collect();
            assert_eq!(found, expected, "{typed:?}");
        };
        check(
            form(("", "00:00"), ("", "")),
            &[
                ("from", "資格確認対象期間(自)を入力してください。"),
                ("to", "資格確認対象時間(至)を入力してください。"),
            ],
        );
        check(
            form(("2026-11-22", "10:00"), ("2026-11-22", "09:59")),
            &[("from", catalogue::HISTORY_FROM_AFTER_TO)],
        );
        // Two years back (seed 001 FAQ 5): 731 days before 09:05:30 is still allowed from 09:06.
        check(
            form(("2024-11-21", "09:05"), ("2026-11-22", "09:00")),
            &[("from", "資格確認履歴は過去2年間の範囲で検索してください。")],
        );
        assert!(
            history(
                &form(("2024-11-21", "09:06"), ("2026-11-22", "09:00")),
                now(),
                WINDOW
            )
            .is_ok()
        );
        check(
            form(("2020-01-01", "00:00"), ("2020-01-02", "00:00")),
            &[("from", catalogue::HISTORY_TWO_YEARS)],
        );
        check(
            form(("2026-02-30", "00:00"), ("2026-11-22", "25:00")),
            &[
                ("from", catalogue::DATE_NO_SUCH_DATE),
                ("to", catalogue::HISTORY_TIME),
            ],
        );
        check(
            form(("きのう", "9時"), ("2026-11-22", "09:00")),
            &[("from", catalogue::DATE_UNRECOGNISED)],
        );
        let mut long = HistoryForm::defaults(now());
        long.login_id = "a".repeat(65);
        long.reference_number = "9".repeat(51);
        check(
            long,
            &[
                ("login_id", catalogue::HISTORY_LOGIN_ID_TOO_LONG),
                ("reference_number", catalogue::REFERENCE_NUMBER_TOO_LONG),
            ],
        );
    }

    #[test]
    fn the_other_conditions_are_trimmed_and_left_out_when_empty() {
        let mut typed = HistoryForm::defaults(now());
        let search = history(&typed, now(), WINDOW).expect("valid");
        assert_eq!(
            (
                search.kind,
                search.narrow,
                search.login_id,
                search.reference_number
            ),
            (None, Narrow::All, None, None)
        );
        typed.kind = HistoryKind::MyNumberCard;
        typed.narrow = Narrow::NotFoundOrMultiple;
        typed.login_id = " staff11 ".to_owned();
        typed.reference_number = " 12345678901 ".to_owned();
        let search = history(&typed, now(), WINDOW).expect("valid");
        assert_eq!(
            (
                search.kind.as_deref(),
                search.narrow,
                search.login_id.as_deref(),
                search.reference_number.as_deref()
            ),
            (
                Some("my_number_card"),
                Narrow::NotFoundOrMultiple,
                Some("staff11"),
                Some("12345678901")
            )
        );
        assert_eq!(
            HistoryKind::ALL.map(HistoryKind::label),
            ["全て", "マイナンバーカード", "被保険者証等"]
        );
        assert_eq!(
            NARROWS.map(narrow_label),
            ["全て表示", "資格有効", "資格無効", "該当資格なし・複数該当"]
        );
    }
}
