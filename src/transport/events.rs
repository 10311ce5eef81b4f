//! Following the endpoint's events (decisions.md D3, D5).
//!
//! An endpoint (training mode's world included) streams `GET /events` as Server-Sent Events, read
//! with `fetch` so that the `Authorization` header is sent (no token ever goes into a URL). A dropped
//! connection is reconnected with a growing pause and `Last-Event-ID`, so nothing is lost or
//! repeated; a stream silent for longer than the endpoint's keep-alive counts as dropped. An endpoint
//! that answers the backlog as JSON instead of a stream is polled.
//!
//! The feed stops for good on the stream's `end` event or a 401 (the session is over), and
//! when its [`Subscription`] is dropped. Reading events never counts as activity (D5).

use onshi_core::contract::header;
use std::{rc::Rc, time::Duration};

use futures::future::{AbortHandle, Abortable, Either, select};
use onshi_core::{
    client,
    contract::{
        Problem, Response,
        groups::{Event, EventsPage},
    },
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::{
    platform::{js_message, timer::Delay},
    transport::{
        Endpoint, TransportError,
        http::{HttpTransport, headers_of},
        sse::SseParser,
    },
};

/// The media type of an event stream.
pub const EVENT_STREAM: &str = "text/event-stream";

/// What a feed reports, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedItem {
    /// The feed reached the endpoint (first, and again after each interruption).
    Connected,
    /// A new entry of the backlog.
    Event(Event),
    /// The feed lost the endpoint and tries again after `retry_in`.
    Interrupted {
        reason: Interruption,
        retry_in: Duration,
    },
    /// The feed has stopped for good; nothing follows.
    Ended(FeedEnd),
}

/// Why a feed lost the endpoint for a while.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interruption {
    /// No answer: the network, a timeout, or a connection the browser refused.
    NoAnswer(TransportError),
    /// A server error (5xx), or an endpoint too busy to answer (408, 429).
    Status(u16),
    /// The stream broke off, or ended without `end`.
    Dropped { message: String },
    /// Nothing arrived, not even a keep-alive, for the stall time.
    Stalled,
}

/// Why a feed stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedEnd {
    /// The session is over (a 401, or an `end` event carrying one): sign in again.
    SessionEnded(Option<Box<Problem>>),
    /// The endpoint ended the stream for another reason (an `end` event with another problem).
    Closed(Option<Box<Problem>>),
    /// The endpoint refused the feed (403 for a kind that may not read events, 404 without the
    /// events group, ...).
    Refused {
        status: u16,
        problem: Option<Box<Problem>>,
    },
}

/// The feed's timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedOptions {
    /// The first pause after an interruption; it doubles with each failed attempt.
    pub retry_initial: Duration,
    /// The longest pause between attempts.
    pub retry_max: Duration,
    /// How long a stream may stay silent before it counts as dropped. The reference endpoint sends a
    /// keep-alive comment every 15 seconds.
    pub stall: Duration,
    /// How often a backlog is read from an endpoint that answers it as JSON rather than a stream.
    pub poll: Duration,
}

impl Default for FeedOptions {
    fn default() -> FeedOptions {
        FeedOptions {
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(30),
            stall: Duration::from_secs(45),
            poll: Duration::from_secs(2),
        }
    }
}

/// Receives a feed's items.
pub type FeedSink = Rc<dyn Fn(FeedItem)>;

/// A running feed; dropping it stops the feed and aborts its connection.
#[must_use = "the feed stops when its subscription is dropped"]
pub struct Subscription(AbortHandle);

impl Drop for Subscription {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Endpoint {
    /// Follows the events after `after` (an event id; 0 for the whole backlog) with the session's
    /// `token`, handing every item to `sink` until the feed ends or the subscription is dropped.
    pub fn follow_events(
        &self,
        token: &str,
        after: u64,
        options: FeedOptions,
        sink: FeedSink,
    ) -> Subscription {
        let feed = Feed {
            token: token.to_owned(),
            after,
            options,
            sink,
            connected: false,
            failures: 0,
            retry_initial: options.retry_initial,
        };
        let run = match self {
            Endpoint::Http(transport) => feed.follow_http(transport.clone()),
        };
        let (handle, registration) = AbortHandle::new_pair();
        wasm_bindgen_futures::spawn_local(async move {
            // An aborted feed simply stops; its guards abort the request and clear the timers.
            let _ = Abortable::new(run, registration).await;
        });
        Subscription(handle)
    }
}

/// What to do after one attempt.
enum Step {
    /// Read again after the poll interval (or at once when `more` are waiting).
    Poll { more: bool },
    /// Try again after a pause.
    Retry(Interruption),
    /// Stop.
    End(FeedEnd),
}

struct Feed {
    token: String,
    /// The last event id handed on: where to resume.
    after: u64,
    options: FeedOptions,
    sink: FeedSink,
    connected: bool,
    /// Attempts failed in a row, for the growing pause.
    failures: u32,
    /// The first pause, which a stream's `retry:` field may change.
    retry_initial: Duration,
}

impl Feed {
    async fn follow_http(mut self, transport: Rc<HttpTransport>) {
        let mut reconnecting = false;
        loop {
            let mut request = client::events(&self.token, self.after);
            request.headers.set("Accept", EVENT_STREAM);
            if reconnecting {
                request
                    .headers
                    .set(header::LAST_EVENT_ID, self.after.to_string());
            }
            reconnecting = true;
            let step = match transport.open(&request).await {
                Err(e) => Step::Retry(Interruption::NoAnswer(e)),
                Ok((response, _abort)) => {
                    let streams = response
                        .headers()
                        .get("Content-Type")
                        .is_some_and(|t| t.starts_with(EVENT_STREAM));
                    match (response.status(), response.body()) {
                        (200, Some(body)) if streams => self.read_stream(body).await,
                        // Anything else is an ordinary answer: the backlog as JSON, or a refusal.
                        _ => match self.read_whole(&response).await {
                            Ok(answer) => self.take_page(&answer),
                            Err(reason) => Step::Retry(reason),
                        },
                    }
                    // `_abort` drops here and closes whatever is left of the connection.
                }
            };
            match step {
                Step::Poll { more: false } => Delay::new(self.options.poll).await,
                step => {
                    if !self.settle(step).await {
                        return;
                    }
                }
            }
        }
    }

    /// Reports an interruption and waits, or reports the end; false when the feed is over. A poll
    /// step is the caller's to wait for.
    async fn settle(&mut self, step: Step) -> bool {
        match step {
            Step::End(end) => {
                (self.sink)(FeedItem::Ended(end));
                false
            }
            Step::Retry(reason) => {
                self.connected = false;
                let retry_in = self.pause();
                self.failures = self.failures.saturating_add(1);
                (self.sink)(FeedItem::Interrupted { reason, retry_in });
                Delay::new(retry_in).await;
                true
            }
            Step::Poll { .. } => true,
        }
    }

    /// The pause before the next attempt: the first pause, doubled for each failure in a row.
    fn pause(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.failures.min(16));
        self.retry_initial
            .saturating_mul(factor)
            .min(self.options.retry_max)
    }

    fn connected(&mut self) {
        self.failures = 0;
        if !self.connected {
            self.connected = true;
            (self.sink)(FeedItem::Connected);
        }
    }

    /// An ordinary answer to `GET /events`: the backlog page, or why there is none.
    fn take_page(&mut self, answer: &Response) -> Step {
        match answer.status {
            200 => match client::expect_json::<EventsPage>(answer, 200) {
                Ok(page) => {
                    self.connected();
                    // More pages follow while this one ends before the newest event there is.
                    // (`last_id` is this page's own last event, so it cannot tell that.)
                    let more = page.events.last().is_some_and(|e| e.id < page.newest());
                    for event in page.events {
                        self.after = self.after.max(event.id);
                        (self.sink)(FeedItem::Event(event));
                    }
                    Step::Poll { more }
                }
                Err(e) => Step::Retry(Interruption::Dropped {
                    message: e.to_string(),
                }),
            },
            401 => Step::End(FeedEnd::SessionEnded(problem_of(answer))),
            status @ (408 | 429 | 500..) => Step::Retry(Interruption::Status(status)),
            status => Step::End(FeedEnd::Refused {
                status,
                problem: problem_of(answer),
            }),
        }
    }

    /// Reads an event stream until it ends, breaks off or stalls.
    async fn read_stream(&mut self, body: web_sys::ReadableStream) -> Step {
        self.connected();
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut parser = SseParser::new();
        loop {
            let read = JsFuture::from(reader.read());
            let chunk = match select(read, Delay::new(self.options.stall)).await {
                Either::Right(_) => return Step::Retry(Interruption::Stalled),
                Either::Left((Err(e), _)) => {
                    return Step::Retry(Interruption::Dropped {
                        message: js_message(&e),
                    });
                }
                Either::Left((Ok(result), _)) => {
                    let result: web_sys::ReadableStreamReadResult = result.unchecked_into();
                    if result.get_done().unwrap_or(true) {
                        return Step::Retry(Interruption::Dropped {
                            message: "the stream ended without `end`".to_owned(),
                        });
                    }
                    js_sys::Uint8Array::new(&result.get_value()).to_vec()
                }
            };
            for frame in parser.push(&chunk) {
                if let Some(ms) = parser.retry_ms() {
                    self.retry_initial = Duration::from_millis(u64::from(ms));
                }
                if frame.event == "end" {
                    let problem = serde_json::from_str::<Problem>(&frame.data)
                        .ok()
                        .map(Box::new);
                    return Step::End(match problem {
                        Some(p) if p.status == 401 => FeedEnd::SessionEnded(Some(p)),
                        other => FeedEnd::Closed(other),
                    });
                }
                // An event this build cannot read is skipped; the stream goes on.
                let Ok(event) = serde_json::from_str::<Event>(&frame.data) else {
                    continue;
                };
                let id = frame
                    .id
                    .as_deref()
                    .and_then(|id| id.parse::<u64>().ok())
                    .unwrap_or(event.id);
                self.after = self.after.max(id);
                (self.sink)(FeedItem::Event(event));
            }
        }
    }

    /// Reads a whole ordinary answer, within the stall time.
    async fn read_whole(
        &self,
        response: &gloo_net::http::Response,
    ) -> Result<Response, Interruption> {
        let body = Box::pin(response.binary());
        match select(body, Delay::new(self.options.stall)).await {
            Either::Left((Ok(body), _)) => Ok(Response {
                status: response.status(),
                headers: headers_of(response),
                body,
            }),
            Either::Left((Err(e), _)) => Err(Interruption::Dropped {
                message: e.to_string(),
            }),
            Either::Right(_) => Err(Interruption::Stalled),
        }
    }
}

/// The problem body of a refusal, if it has one.
fn problem_of(answer: &Response) -> Option<Box<Problem>> {
    match client::expect_no_content(answer) {
        Err(client::ClientError::Problem(problem)) => Some(problem),
        _ => None,
    }
}
