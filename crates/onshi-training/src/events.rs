//! `GET /onshi/v1/events` as Server-Sent Events, framed exactly like the reference endpoint's
//! (decisions.md D3, D5): `id:`, `event:` and `data:` lines per event; the backlog after
//! `Last-Event-ID` (or the `after` query); then each new event as this world (or another, through the
//! broadcast channel) saves it; and `event: end` with the problem JSON once the session has ended.
//!
//! Every read goes through the world with the caller's own headers, so the stream ends when the
//! session does and, like the backlog, never counts as activity. Between events the stream reads
//! again every few seconds, so a session that idled out or another world's change is noticed even
//! without a wake-up, and sends a keep-alive comment now and then (the app counts a silent stream as
//! dropped).

use std::rc::Rc;

use futures::{
    StreamExt,
    channel::oneshot,
    future::{Either, select},
    stream,
};
use js_sys::Uint8Array;
use onshi_core::{
    client::backlog::Backlog,
    contract::{self, Headers, Method, Problem, ProblemCode, Request, Response, groups::Event},
};
use wasm_bindgen::JsValue;

use crate::{
    http::{HttpError, init_of},
    platform::{now, sleep},
    world::World,
};

/// The media type of an event stream.
pub const EVENT_STREAM: &str = "text/event-stream";
/// How often an idle stream reads again.
const RECHECK_MS: u32 = 5_000;
/// How long a stream stays silent at most before a keep-alive comment.
const KEEP_ALIVE_MS: i64 = 15_000;
/// The keep-alive comment, as the reference endpoint's (axum's empty comment) reads byte for byte.
const KEEP_ALIVE: &[u8] = b": \n\n";

/// Whether `request` asks for the event stream rather than a backlog page.
pub fn wants_stream(request: &Request) -> bool {
    request.method == Method::Get
        && request.path() == format!("{}/events", contract::PREFIX)
        && request
            .headers
            .get("Accept")
            .is_some_and(|a| a.contains(EVENT_STREAM))
}

/// The answer to an event stream request: a refusal as an ordinary problem, or the stream.
pub enum Answer {
    Plain(Response),
    Stream(web_sys::Response),
}

/// Opens the event stream for `request` (see [`wants_stream`]).
pub async fn open(world: Rc<World>, request: &Request) -> Answer {
    // Subscribed before the first read, so an event saved in between still wakes the stream.
    let changed = world.changed();
    let mut feed = Feed {
        world,
        backlog: Backlog::resuming(&request.headers, Some(request.query())),
        ended: false,
        changed: Some(changed),
        last_sent: now().millis(),
    };
    // The first read answers the request itself: a refusal (401, 403) is an ordinary problem.
    let first = feed.world.answer(&feed.backlog.request()).await;
    if let Err(refusal) = feed.backlog.take(&first) {
        return Answer::Plain(refusal);
    }
    let mut fields = Headers::new();
    fields.set("Content-Type", EVENT_STREAM);
    fields.set("Cache-Control", "no-store");
    let made = init_of(200, &fields).and_then(|init| {
        let chunks = feed
            .into_stream()
            .map(|bytes| Ok::<JsValue, JsValue>(Uint8Array::from(bytes.as_slice()).into()));
        let body = wasm_streams::ReadableStream::from_stream(chunks).into_raw();
        web_sys::Response::new_with_opt_readable_stream_and_init(Some(&body), &init).map_err(|e| {
            HttpError::Response {
                message: crate::platform::js_message(&e),
            }
        })
    });
    match made {
        Ok(response) => Answer::Stream(response),
        Err(error) => Answer::Plain(
            Problem::new(ProblemCode::Internal)
                .with_detail(error.to_string())
                .into_response(),
        ),
    }
}

/// One event stream's state.
struct Feed {
    world: Rc<World>,
    backlog: Backlog,
    ended: bool,
    /// Resolves on the next saved change; taken before each read so none is missed.
    changed: Option<oneshot::Receiver<()>>,
    /// When the stream last sent anything, in milliseconds since the epoch.
    last_sent: i64,
}

impl Feed {
    fn into_stream(self) -> impl futures::Stream<Item = Vec<u8>> {
        stream::unfold(self, |mut feed| async move {
            loop {
                if let Some(event) = feed.backlog.next_event() {
                    feed.last_sent = now().millis();
                    return Some((frame(&event), feed));
                }
                if feed.ended {
                    return None;
                }
                if !feed.backlog.more() {
                    let changed = match feed.changed.take() {
                        Some(changed) => changed,
                        None => feed.world.changed(),
                    };
                    // Wake on a saved change, or after a while to learn whether the session stands.
                    match select(changed, Box::pin(sleep(RECHECK_MS))).await {
                        Either::Left(_) => {}
                        Either::Right(_) => {
                            if now().millis() - feed.last_sent >= KEEP_ALIVE_MS {
                                feed.last_sent = now().millis();
                                // Read again on the next turn, after the comment has gone out.
                                feed.backlog.read_on();
                                return Some((KEEP_ALIVE.to_vec(), feed));
                            }
                        }
                    }
                }
                feed.changed = Some(feed.world.changed());
                let response = feed.world.answer(&feed.backlog.request()).await;
                if let Err(problem) = feed.backlog.take(&response) {
                    // The session ended (or the world failed): say why and close the stream.
                    feed.ended = true;
                    let problem = String::from_utf8_lossy(&problem.body).into_owned();
                    return Some((end_frame(&problem), feed));
                }
            }
        })
    }
}

/// An event as the reference endpoint frames it: `id:`, `event:` (its kind), `data:` (its JSON).
pub fn frame(event: &Event) -> Vec<u8> {
    let kind = serde_json::to_value(event.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let data = serde_json::to_string(event).unwrap_or_default();
    format!("id: {}\nevent: {kind}\n{}\n", event.id, data_lines(&data)).into_bytes()
}

/// The stream's last frame: `event: end` with the problem that ended it.
pub fn end_frame(problem: &str) -> Vec<u8> {
    format!("event: end\n{}\n", data_lines(problem)).into_bytes()
}

/// `data:` lines for a text that may hold line breaks (JSON from serde has none, a problem body
/// might).
fn data_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| format!("data: {line}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_the_reference_endpoints() {
        assert_eq!(end_frame("{}"), b"event: end\ndata: {}\n\n".to_vec());
        assert_eq!(data_lines("a\nb"), "data: a\ndata: b\n");
    }
}
