//! 資格確認履歴照会 (S3, S4): `GET /qualifications` with the search of decisions.md D9, and
//! `GET /qualifications/{id}` with the result message as it was given.

use chrono::{NaiveDate, NaiveDateTime};

use crate::{
    account::Action,
    catalogue,
    codes::{CodeTable, QualificationValidity, ReferenceClassification, Sex},
    contract::{
        Headers, Problem, ProblemCode, Request, Response,
        groups::{HistoryItem, HistoryPage},
    },
    dispatch::{Cx, Handled, caller, coded, query, query_param, refuse_findings},
    era,
    store::{HistoryQuery, HistoryRecord, Narrow},
    time::{Rfc3339, Timestamp},
    validate::Finding,
};

/// Rows per page when the request names none (D9: 20).
const DEFAULT_PER_PAGE: usize = 20;
/// The most rows one page may hold (a download pages through in steps of this).
const MAX_PER_PAGE: usize = 1000;

pub(super) fn search(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::History)?;
    let params = query(request);
    let mut findings = Vec::new();
    let today = cx.now.jst_date();
    let from = match query_param(&params, "from") {
        Some(raw) => instant("from", raw).map_err(|f| findings.push(f)).ok(),
        None => Timestamp::from_jst(today, 0, 0, 0),
    };
    let to = match query_param(&params, "to") {
        Some(raw) => instant("to", raw).map_err(|f| findings.push(f)).ok(),
        None => Some(cx.now),
    };
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            findings.push(Finding::new("from", catalogue::HISTORY_FROM_AFTER_TO));
        } else if from < cx.now + -cx.config.history_window {
            findings.push(Finding::new("from", catalogue::HISTORY_TWO_YEARS));
        }
    }
    let classification = match query_param(&params, "kind").unwrap_or("all") {
        "all" => None,
        "my_number_card" => Some(ReferenceClassification::MyNumberCard.code().to_owned()),
        "insurance_card" => Some(ReferenceClassification::InsuranceCard.code().to_owned()),
        _ => {
            findings.push(Finding::new("kind", catalogue::HISTORY_KIND));
            None
        }
    };
    let narrow = match query_param(&params, "narrow").map(Narrow::parse) {
        None => Narrow::All,
        Some(Some(narrow)) => narrow,
        Some(None) => {
            findings.push(Finding::new("narrow", catalogue::HISTORY_NARROW));
            Narrow::All
        }
    };
    let page = number(&params, "page", 1, usize::MAX, &mut findings);
    let per_page = number(
        &params,
        "per_page",
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
        &mut findings,
    );
    refuse_findings(findings)?;
    let (Some(from), Some(to)) = (from, to) else {
        // Unreachable: a missing bound was reported as a finding above.
        return Err(ProblemCode::InvalidRequest.into());
    };
    let history_query = HistoryQuery {
        from,
        to,
        classification,
        narrow,
        login_id: query_param(&params, "login_id").map(str::to_owned),
        reference_number: query_param(&params, "reference_number").map(str::to_owned),
        offset: (page - 1).saturating_mul(per_page),
        limit: per_page,
    };
    let (total, records) = cx.read.history_query(&history_query)?;
    Ok(Response::json(
        200,
        &HistoryPage {
            total,
            page,
            per_page,
            items: records.iter().map(item).collect(),
        },
    ))
}

/// A page number or size: a whole number in `1..=max`, or `default` when absent.
fn number(
    params: &[(String, String)],
    name: &'static str,
    default: usize,
    max: usize,
    findings: &mut Vec<Finding>,
) -> usize {
    match query_param(params, name) {
        None => default,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                findings.push(Finding::new(name, catalogue::history_page_number(max)));
                default
            }
        },
    }
}

/// A search bound: RFC 3339, or a Tokyo wall-clock `YYYY-MM-DDTHH:MM[:SS]`, or a date in any form
/// staff type (its midnight).
fn instant(field: &'static str, raw: &str) -> Result<Timestamp, Finding> {
    if let Ok(t) = Timestamp::parse_rfc3339(raw) {
        return Ok(t);
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Timestamp::from_jst_naive(local));
        }
    }
    era::parse(raw)
        .ok()
        .and_then(|d: NaiveDate| Timestamp::from_jst(d, 0, 0, 0))
        .ok_or_else(|| Finding::new(field, catalogue::HISTORY_INSTANT))
}

fn item(record: &HistoryRecord) -> HistoryItem {
    HistoryItem {
        id: record.id,
        confirmed_at: Rfc3339(record.at),
        login_id: record.login_id.clone(),
        reference_number: record.reference_number.clone(),
        classification: coded(&ReferenceClassification::from_code(&record.classification)),
        validity: record
            .validity
            .as_deref()
            .map(|v| coded(&QualificationValidity::from_code(v))),
        insurer_number: record.insurer_number.clone(),
        symbol: record.symbol.clone(),
        number: record.number.clone(),
        branch: record.branch.clone(),
        name: record.name.clone(),
        kana: record.kana.clone(),
        sex: record.sex.as_deref().map(|s| coded(&Sex::from_code(s))),
        birthdate: record.birthdate,
        reader_id: record.reader_id.clone(),
    }
}

/// `GET /qualifications/{id}`: the result message exactly as it was given, in its own encoding.
pub(super) fn detail(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    caller(cx, request, Action::History)?;
    let not_found =
        || Problem::new(ProblemCode::NotFound).with_detail(format!("no history entry {id}"));
    let record = match id.parse::<u64>() {
        Ok(n) => cx.read.history(n)?,
        Err(_) => None,
    }
    .ok_or_else(not_found)?;
    let body = record.message;
    let mut headers = Headers::new();
    headers.set("Content-Type", crate::contract::XML);
    headers.set("Cache-Control", "no-store");
    Ok(Response {
        status: 200,
        headers,
        body,
    })
}
