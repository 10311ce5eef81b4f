//! What the world takes from its global scope — a `ServiceWorkerGlobalScope` in production, a
//! `Window` in the browser tests — reached through `globalThis` so the same code runs in both: the
//! IndexedDB factory, the clock, `crypto.getRandomValues` and timers.

use js_sys::{Promise, Reflect};
use onshi_core::{random::Random, time::Timestamp};
pub use onshi_platform::js_message;
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, IdbFactory};

#[wasm_bindgen]
extern "C" {
    // `setTimeout` of whichever global scope runs the module (window and workers both have it).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;
}

/// The global scope's `indexedDB`: `WorkerGlobalScope.indexedDB` in the service worker,
/// `window.indexedDB` in a page.
pub fn indexed_db() -> Result<IdbFactory, String> {
    let value = Reflect::get(&js_sys::global(), &"indexedDB".into()).map_err(|e| js_message(&e))?;
    value
        .dyn_into::<IdbFactory>()
        .map_err(|_| "IndexedDB is not available in this scope".to_owned())
}

/// Now, by the global scope's clock. The training dispatcher moves it by the training clock kept in
/// the store (decisions.md D1), so this is the real time.
pub fn now() -> Timestamp {
    // Milliseconds since the epoch fit an i64 exactly for the next quarter of a million years.
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// `crypto.getRandomValues` of the global scope, handed to the dispatcher (decisions.md D3: tokens,
/// salts and passcodes must never be predictable).
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalRandom;

impl Random for GlobalRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        // Without a random source nothing secret can be made; every scope the world runs in has one.
        let crypto: Crypto = Reflect::get(&js_sys::global(), &"crypto".into())
            .ok()
            .and_then(|c| c.dyn_into::<Crypto>().ok())
            .expect("every scope the training world runs in has crypto");
        // getRandomValues fills at most 65,536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            crypto
                .get_random_values_with_u8_array(chunk)
                .expect("getRandomValues does not fail for chunks of at most 65,536 bytes");
        }
    }
}

/// Resolves after `ms` milliseconds. Nothing cancels it: a timer that outlives its waiter only
/// resolves a promise no one reads.
pub async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, i32::try_from(ms).unwrap_or(i32::MAX));
    });
    // A timer's promise never rejects.
    let _ = JsFuture::from(promise).await;
}
