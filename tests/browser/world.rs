//! Training mode's world in this page, for the tests that need a real training endpoint: the
//! training world crate's `World` answers every request under `/training/onshi/v1/` (a `fetch`
//! stand-in hands them over, everything else goes to the network), and its `Readers` answer the
//! virtual card reader's messages through a stand-in worker that controls the page. Each world has
//! its own IndexedDB database, so tests do not see each other's data. The readers and cards are one
//! set for the whole test page, as they are one set for a service worker's life: reader ids never
//! repeat, so a reader a finished test closes late is never another test's. (A card's PIN counter
//! lasts as long, so each test plays its own canned people.)

use std::rc::Rc;

use onshi::transport::Endpoint;
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
}

impl Drop for InPageWorld {
    fn drop(&mut self) {
        unroute();
    }
}
