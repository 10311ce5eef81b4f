//! A stand-in for `navigator.serviceWorker`, written in JavaScript so that it is built from the
//! page's own objects (`EventTarget`, `Promise`, `Uint8Array`) and not from the code under test.
//!
//! It replaces the container for the test (an own property of `navigator` hides the browser's), with
//! a controller or without one, and a `ready` promise that resolves or never does. The controller's
//! `postMessage` records every message and answers the training reader's calls from a script: for
//! each `op`, the fields of the answer (`ok`, `reader`, `bytes` as an array of numbers, `error`, ...),
//! or `"silent"` for no answer at all; or a function that answers each message (the training world
//! in the page, `world`). Answers arrive as the browser delivers a worker's messages:
//! later, as a `message` event whose `data` carries the call's number.

use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let state = null;

function dispatch(kind, event) {
  for (const listener of [...(state.listeners[kind] ?? [])]) listener(event);
}

function makeController(generation) {
  return {
    generation,
    postMessage(message) {
      const copy = structuredClone(message);
      state.posted.push(copy);
      if (copy.onshi !== 'reader') return;
      if (state.serve) {
        // A worker that carries the message out itself (the training world in the page).
        Promise.resolve(state.serve(copy)).then((answer) => dispatch('message', { data: answer }));
        return;
      }
      const scripted = state.script[copy.op];
      if (scripted === undefined || scripted === 'silent') return;
      const answer = { onshi: 'reader', call: copy.call };
      for (const [name, value] of Object.entries(scripted)) {
        answer[name] = name === 'bytes' ? new Uint8Array(value) : value;
      }
      setTimeout(() => dispatch('message', { data: answer }), 0);
    },
  };
}

export function install(controlled, ready, script, serve) {
  state = { listeners: {}, posted: [], script, serve, generation: 0, started: false };
  state.controller = controlled ? makeController(0) : null;
  let resolveReady;
  const readyPromise = new Promise((resolve) => { resolveReady = resolve; });
  if (ready) resolveReady({ active: {} });
  state.resolveReady = resolveReady;
  const container = {
    get controller() { return state.controller; },
    get ready() { return readyPromise; },
    addEventListener(kind, listener) { (state.listeners[kind] ??= []).push(listener); },
    removeEventListener(kind, listener) {
      state.listeners[kind] = (state.listeners[kind] ?? []).filter((l) => l !== listener);
    },
    startMessages() { state.started = true; },
  };
  Object.defineProperty(navigator, 'serviceWorker', { value: container, configurable: true });
}

export function remove_container() {
  Object.defineProperty(navigator, 'serviceWorker', { value: undefined, configurable: true });
}

export function take_control() {
  state.resolveReady({ active: {} });
  state.generation += 1;
  state.controller = makeController(state.generation);
  dispatch('controllerchange', {});
}

export function announce(message) {
  dispatch('message', { data: message });
}

export function listeners(kind) {
  return (state.listeners[kind] ?? []).length;
}

export function posted_json() {
  return JSON.stringify(state.posted, (name, value) => value instanceof Uint8Array ? [...value] : value);
}

export function restore() {
  delete navigator.serviceWorker;
}
"#)]
extern "C" {
    fn install(controlled: bool, ready: bool, script: JsValue, serve: JsValue);
    fn remove_container();
    fn take_control();
    fn announce(message: JsValue);
    fn listeners(kind: &str) -> u32;
    fn posted_json() -> String;
    fn restore();
}

/// The installed stand-in; dropping it gives the page its own `navigator.serviceWorker` back.
pub struct FakeWorker;

impl FakeWorker {
    /// A worker that already controls the page, answering the reader's calls from `script` (an
    /// object: op → answer fields, or `"silent"`).
    pub fn controlling(script: Value) -> FakeWorker {
        install(true, true, to_js(&script), JsValue::UNDEFINED);
        FakeWorker
    }

    /// A worker that already controls the page and answers the reader's calls with `serve`
    /// (a function from the message to its answer, or a promise of it).
    pub fn serving(serve: &js_sys::Function) -> FakeWorker {
        install(true, true, to_js(&serde_json::json!({})), serve.into());
        FakeWorker
    }

    /// A worker registered and ready (or not yet, when `ready` is false) that does not control the
    /// page until [`FakeWorker::take_control`].
    pub fn not_controlling(ready: bool) -> FakeWorker {
        install(
            false,
            ready,
            to_js(&serde_json::json!({})),
            JsValue::UNDEFINED,
        );
        FakeWorker
    }

    /// A page without service workers at all (an insecure context).
    pub fn unavailable() -> FakeWorker {
        remove_container();
        FakeWorker
    }

    /// A (new) worker takes control of the page: `controllerchange`.
    pub fn take_control(&self) {
        take_control();
    }

    /// Delivers `message` to the page as a worker's message.
    pub fn announce(&self, message: Value) {
        announce(to_js(&message));
    }

    /// How many listeners of `kind` the page keeps on the container.
    pub fn listeners(&self, kind: &str) -> u32 {
        listeners(kind)
    }

    /// Every message the page posted to the controller, bytes as arrays of numbers.
    pub fn posted(&self) -> Vec<Value> {
        serde_json::from_str(&posted_json()).expect("messages are JSON")
    }
}

impl Drop for FakeWorker {
    fn drop(&mut self) {
        restore();
    }
}

fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("JSON")
}
