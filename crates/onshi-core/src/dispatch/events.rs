//! `GET /events`: the backlog after an id (decisions.md D3). Reading it does not count as operation
//! (D5), so an open live feed never keeps an idle session alive.

use crate::{
    account::Action,
    contract::{
        self, Request, Response,
        groups::{Event, EventsPage},
    },
    dispatch::{Activity, Cx, Handled, caller_with, query, query_param, refuse_findings},
    store,
    time::Rfc3339,
    validate::Finding,
};

/// The most events one answer carries; a client asks again from the last id.
const MAX_EVENTS: usize = 1000;

pub(super) fn backlog(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller_with(cx, request, Action::History, Activity::Quiet)?;
    let params = query(request);
    let mut findings = Vec::new();
    let after = match query_param(&params, "after") {
        None => 0,
        Some(raw) => raw.parse::<u64>().unwrap_or_else(|_| {
            findings.push(Finding::new("after", crate::catalogue::EVENTS_AFTER));
            0
        }),
    };
    let limit = match query_param(&params, "limit") {
        None => MAX_EVENTS,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_EVENTS).contains(&n) => n,
            _ => {
                findings.push(Finding::new(
                    "limit",
                    crate::catalogue::history_page_number(MAX_EVENTS),
                ));
                MAX_EVENTS
            }
        },
    };
    let kind = match query_param(&params, "kind") {
        None => None,
        Some(raw) => {
            // The query speaks the contract's word; the store is asked in its own.
            let kind = contract::EventKind::parse(raw).map(store::EventKind::from);
            if kind.is_none() {
                findings.push(Finding::new("kind", crate::catalogue::EVENTS_KIND));
            }
            kind
        }
    };
    refuse_findings(findings)?;
    let records = match kind {
        None => cx.read.events_after(after, limit)?,
        Some(kind) => cx.read.events_of_kind_after(kind, after, limit)?,
    };
    // A page resumes after its own last event (decisions.md D7): a client that asks again from
    // `last_id` misses nothing and sees nothing twice, however long the backlog.
    let last_id = records.last().map_or(after, |e| e.id);
    let newest_id = cx
        .read
        .last_event_id()?
        .max(cx.next_event.map_or(0, |n| n - 1));
    let events = records
        .into_iter()
        .map(|e| Event {
            id: e.id,
            at: Rfc3339(e.at),
            kind: e.kind.into(),
            data: e.data,
        })
        .collect();
    Ok(Response::json(
        200,
        &EventsPage {
            events,
            last_id,
            newest_id,
        },
    ))
}
