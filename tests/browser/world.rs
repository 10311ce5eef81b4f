//! Training mode's world in this page, for the tests that need a real training endpoint: the
//! training world crate's `World` answers every request under `/training/onshi/v1/` (a `fetch`
//! stand-in hands them over, everything else goes to the network), and its `Readers` answer the
//! virtual card reader's messages through a stand-in worker that controls the page. Each world has
//! its own IndexedDB database, so tests do not see each other's data. The readers and cards are one
//! set for the whole test page, as they are one set for a service worker's life: reader ids never
//! repeat, so a reader a finished test closes late is never another test's. (A card's PIN counter
//! lasts as long, so each test plays its own canned people.)
//!
//! The world keeps real time unless a test stands its clock still (`PUT /training/clock {now,
//! fixed}`): the tests that compare the times the world stamps with the page's manual clock fix it
//! at the same instant, before they sign in, so their sessions start at that time too.

use std::rc::Rc;

use onshi::transport::Endpoint;
use onshi_core::{
    client,
    contract::{Method, Request, groups::TrainingClock},
    time::Timestamp,
};
use onshi_training::{Readers, World};
use wasm_bindgen::{JsCast, JsValue, closure::Closure, prelude::wasm_bindgen};
use wasm_bindgen_futures::future_to_promise;

use crate::{fake_worker::FakeWorker, support::fresh_database};

thread_local! {
    /// The page's one set of virtual readers and cards (see the module comment).
    static READERS: Readers = Readers::default();
}

#[wasm_bindgen(inline_js = r#"
let original = null;

export function route(handler) {
  if (original === null) original = globalThis.fetch;
  const network = original;
  globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (new URL(request.url).pathname.startsWith('/training/onshi/v1/')) return handler(request);
    return network(request);
  };
}

export function unroute() {
  if (original !== null) globalThis.fetch = original;
}
"#)]
extern "C" {
    fn route(handler: &js_sys::Function);
    fn unroute();
}

/// The world, reachable as training mode's endpoint while this lives.
pub struct InPageWorld {
    _respond: Closure<dyn FnMut(web_sys::Request) -> js_sys::Promise>,
    _read: Closure<dyn FnMut(JsValue) -> JsValue>,
    _worker: FakeWorker,
}

impl InPageWorld {
    /// Opens a world on a fresh database named after `test`.
    pub async fn open(test: &str) -> InPageWorld {
        let world = Rc::new(World::open(&fresh_database(test)).await);
        let respond = Closure::<dyn FnMut(web_sys::Request) -> js_sys::Promise>::new(
            move |request: web_sys::Request| {
                let world = Rc::clone(&world);
                future_to_promise(async move { world.respond(&request).await.map(JsValue::from) })
            },
        );
        route(respond.as_ref().unchecked_ref());
        let read = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |message: JsValue| {
            READERS.with(|readers| readers.message(&message))
        });
        let worker = FakeWorker::serving(read.as_ref().unchecked_ref());
        InPageWorld {
            _respond: respond,
            _read: read,
            _worker: worker,
        }
    }

    /// Training mode's endpoint, which this world answers.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::training()
    }

    /// Stands the world's clock still at `instant`, set by the session of `token`.
    pub async fn fix_clock(&self, token: &str, instant: Timestamp) {
        let request = Request::new(Method::Put, "/training/clock")
            .with_bearer(token)
            .with_json(&TrainingClock {
                now: instant.to_rfc3339(),
                fixed: true,
            });
        let response = self
            .endpoint()
            .send(request)
            .await
            .expect("the world answers");
        assert_eq!(
            response.status,
            204,
            "the clock is set: {}",
            String::from_utf8_lossy(&response.body)
        );
    }

    /// Stands the world's clock still at `instant` before the test signs in: the clock needs a
    /// session, so the training `master` signs in (forcing out any earlier session of its own), sets
    /// it and signs out again, and the page's session storage is left as it was.
    pub async fn fix_clock_at(&self, instant: Timestamp) {
        let endpoint = self.endpoint();
        let signed_in = endpoint
            .send(client::sign_in("master", "Onshi*master*00", true))
            .await
            .expect("the world answers");
        let token = client::expect_json::<onshi_core::contract::session::SignedIn>(&signed_in, 201)
            .expect("master signed in")
            .token;
        self.fix_clock(&token, instant).await;
        let signed_out = endpoint
            .send(client::sign_out(&token))
            .await
            .expect("the world answers");
        assert_eq!(signed_out.status, 204, "master signed out");
    }
}

impl Drop for InPageWorld {
    fn drop(&mut self) {
        unroute();
    }
}
