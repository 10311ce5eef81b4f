//! The event backlog read page after page for a Server-Sent Events stream: the part of `GET /events`
//! as a stream that the reference endpoint and the training world share (decisions.md D3). Each
//! adapter keeps its own waiting (a change notification, a recheck timer) and its own framing of the
//! bytes; what to ask the dispatcher next, and what its answer means, is decided here.

use std::collections::VecDeque;

use crate::contract::{
    self, Headers, Method, Problem, ProblemCode, Request, Response,
    groups::{Event, EventsPage},
    header,
};

/// Where a stream is in the backlog: after which event, whether the last page was not its end, and
/// the events read but not yet sent.
#[derive(Debug)]
pub struct Backlog {
    /// The caller's own headers for every read (so the stream ends when the session does), without
    /// `Accept` (the backlog is JSON; only the stream asked for text/event-stream) and
    /// `Last-Event-ID` (the position is `after`).
    headers: Headers,
    after: u64,
    more: bool,
    pending: VecDeque<Event>,
}

impl Backlog {
    /// A stream asked for with `headers` and the query string `query`: it resumes after
    /// `Last-Event-ID`, else after the `after` parameter, else from the start.
    pub fn resuming(headers: &Headers, query: Option<&str>) -> Backlog {
        let after = headers
            .get(header::LAST_EVENT_ID)
            .map(str::to_owned)
            .or_else(|| {
                form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                    .find(|(key, _)| key == "after")
                    .map(|(_, value)| value.into_owned())
            })
            .and_then(|value| value.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let mut kept = Headers::new();
        for (name, value) in headers.iter() {
            if !name.eq_ignore_ascii_case("Accept")
                && !name.eq_ignore_ascii_case(header::LAST_EVENT_ID)
            {
                kept.append(name, value);
            }
        }
        Backlog {
            headers: kept,
            after,
            more: false,
            pending: VecDeque::new(),
        }
    }

    /// The next read: `GET /events?after=` the last event taken.
    pub fn request(&self) -> Request {
        Request {
            method: Method::Get,
            target: format!("{}/events?after={}", contract::PREFIX, self.after),
            headers: self.headers.clone(),
            body: Vec::new(),
        }
    }

    /// Takes in the answer to [`Backlog::request`]. A page resumes after its own last event
    /// (decisions.md D7), so a backlog longer than a page is read page after page with nothing
    /// skipped. Anything but a page — a refusal once the session ended, or an answer that does not
    /// read — is the problem to end the stream with.
    pub fn take(&mut self, response: &Response) -> Result<(), Response> {
        if response.status != 200 {
            return Err(response.clone());
        }
        let page: EventsPage = serde_json::from_slice(&response.body).map_err(|e| {
            Problem::new(ProblemCode::Internal)
                .with_detail(e.to_string())
                .into_response()
        })?;
        self.after = page.last_id.max(self.after);
        self.more = page.newest_id > self.after;
        self.pending.extend(page.events);
        Ok(())
    }

    /// The next event to send, oldest first.
    pub fn next_event(&mut self) -> Option<Event> {
        self.pending.pop_front()
    }

    /// Whether the last page was not the backlog's end, so the stream reads on without waiting.
    pub fn more(&self) -> bool {
        self.more
    }

    /// Makes the stream read again at once (after a keep-alive went out in place of a read).
    pub fn read_on(&mut self) {
        self.more = true;
    }
}
