//! Onshi's training world: the contract dispatcher on training data, run in the app's service worker
//! (`public/sw.js`) and reached by the app with the ordinary HTTP transport (decisions.md D3).
//!
//! The app's training endpoint is the page origin + `/training`; the service worker hands every
//! request under `/training/onshi/v1/` to [`handle`], which answers it as the reference endpoint
//! would — the same dispatcher (`Config::training()`, its business time moved by the training clock
//! kept in the store, decisions.md D1), the same bytes, the same Server-Sent Events framing for
//! `GET /events` — against the training store kept in IndexedDB `onshi-training`, apart from anything
//! real. The service worker also forwards the page's virtual card reader messages to
//! [`reader_message`]: the virtual RC-S380 and its cards live here, not in the page.
//!
//! The JavaScript API (wasm-bindgen `--target web`; `default` is the glue's `init`):
//! `handle(request: Request): Promise<Response>`, `reader_message(message: object):
//! Promise<object>` and, for tests, `write_count(): Promise<number>` (IndexedDB readwrite
//! transactions the worker's world has committed).
//!
//! Modules: `world` (the dispatcher over an in-memory mirror, one request at a time, sign-in's
//! password check outside the lock, writes of other worlds on the same database applied from the
//! broadcast channel), `persist` (one object store per record kind and `meta`; the version-1 layout
//! migrated or refused), `idb` (the IndexedDB plumbing, the crate `onshi-platform`'s), `http` (fetch
//! requests and responses), `events` (the event stream), `reader` (the reader messages), `platform`
//! (what the global scope provides).
//!
//! Invariants: a request that changes nothing writes nothing, and a write writes only the records it
//! changed; a change is answered only once it is written (a session's activity stamp alone waits,
//! at most a minute, for the next write); training data that does not read is refused (503
//! `training_data_unreadable`), never silently replaced; nothing here logs patient data or
//! credentials.

mod events;
mod http;
mod persist;
pub mod platform;
mod reader;
mod world;

// The IndexedDB plumbing, shared with the app.
pub use onshi_platform::idb;

use std::{cell::RefCell, rc::Rc};

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use js_sys::Promise;
use wasm_bindgen::{JsValue, prelude::wasm_bindgen};
use wasm_bindgen_futures::future_to_promise;

pub use persist::Refusal;
pub use reader::Readers;
pub use world::{CHANNEL, DATABASE, World};

thread_local! {
    /// The worker's world, opened once by its first request (later requests wait for the same
    /// opening).
    static WORLD: RefCell<Option<Shared<LocalBoxFuture<'static, Rc<World>>>>> =
        const { RefCell::new(None) };
    /// The worker's virtual readers and cards.
    static READERS: Readers = Readers::default();
}

/// The worker's world on [`DATABASE`].
async fn world() -> Rc<World> {
    let opening = WORLD.with(|world| {
        world
            .borrow_mut()
            .get_or_insert_with(|| {
                async { Rc::new(World::open(DATABASE).await) }
                    .boxed_local()
                    .shared()
            })
            .clone()
    });
    opening.await
}

impl World {
    /// Answers an intercepted fetch `Request`: the event stream, or the dispatcher's answer with
    /// status, headers and bytes unchanged.
    pub async fn respond(
        self: &Rc<Self>,
        request: &web_sys::Request,
    ) -> Result<web_sys::Response, JsValue> {
        let answer = match http::contract_request(request).await {
            Err(error) => error.into_response(),
            Ok(request) if events::wants_stream(&request) => {
                match events::open(Rc::clone(self), &request).await {
                    events::Answer::Stream(response) => return Ok(response),
                    events::Answer::Plain(response) => response,
                }
            }
            Ok(request) => self.answer(&request).await,
        };
        http::fetch_response(&answer).map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

/// Answers a request the service worker intercepted under `/training/onshi/v1/` (JavaScript:
/// `handle(request: Request): Promise<Response>`). Anything else under `/training` is a 404 problem.
#[wasm_bindgen]
pub fn handle(request: web_sys::Request) -> Promise {
    future_to_promise(async move {
        let world = world().await;
        world.respond(&request).await.map(JsValue::from)
    })
}

/// Carries out one virtual card reader message (JavaScript: `reader_message(message: object):
/// Promise<object>`; see the `reader` module for the protocol).
#[wasm_bindgen]
pub fn reader_message(message: JsValue) -> Promise {
    let reply = READERS.with(|readers| readers.message(&message));
    Promise::resolve(&reply)
}

/// IndexedDB readwrite transactions the worker's world has committed (JavaScript:
/// `write_count(): Promise<number>`), for tests.
#[wasm_bindgen]
pub fn write_count() -> Promise {
    future_to_promise(async move {
        let world = world().await;
        Ok(JsValue::from_f64(world.writes().await as f64))
    })
}
