//! A stand-in for the page's `fetch`, written in JavaScript so that it is built from the Fetch
//! standard's own objects (`Request`, `Response`, `ReadableStream`) and not from the code under test.
//!
//! A test installs a script of answers, one per call in order (the last one repeats), and reads back
//! every request the app made. An answer with a `match` field instead answers every request whose
//! URL contains that text (e.g. the capabilities the app reads when it starts), out of order. Answers honour the request's `AbortSignal` the way a real `fetch`
//! does: an aborted request, or the body of one, fails with an `AbortError`.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let calls = [];
let script = [];
let routes = [];
let original = null;

function abortError() {
  return new DOMException('The operation was aborted.', 'AbortError');
}

export function install(answers) {
  calls = [];
  routes = answers.filter((a) => a.match !== undefined);
  script = answers.filter((a) => a.match === undefined);
  if (original === null) original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const call = { url: request.url, method: request.method, headers: {}, body: '', aborted: false };
    request.headers.forEach((value, name) => { call.headers[name] = value; });
    calls.push(call);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      call.body = await request.clone().text();
    }
    const routed = routes.find((a) => request.url.includes(a.match));
    const answer = routed ?? (script.length > 1 ? script.shift() : script[0]);
    return respond(answer, request.signal, call);
  };
}

function respond(answer, signal, call) {
  return new Promise((resolve, reject) => {
    const onAbort = () => { call.aborted = true; reject(abortError()); };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    if (answer.fail) return reject(new TypeError('Failed to fetch'));
    if (answer.cspRefused) {
      // As Chromium does: the fetch fails with a bare TypeError, and the violation report reaches the
      // document as a task of its own, after the failure.
      setTimeout(() => document.dispatchEvent(new SecurityPolicyViolationEvent('securitypolicyviolation', {
        documentURI: location.href,
        blockedURI: call.url,
        violatedDirective: 'connect-src',
        effectiveDirective: 'connect-src',
        originalPolicy: "connect-src 'self'",
        disposition: 'enforce',
        statusCode: 200,
      })), 0);
      return reject(new TypeError('Failed to fetch'));
    }
    if (answer.hang) return;
    let body = answer.body ?? null;
    if (answer.chunks) {
      // One chunk per read, as a network delivers them; the end (or the break) comes only after the
      // last chunk was read, as it would on a real connection.
      const encoder = new TextEncoder();
      let next = 0;
      body = new ReadableStream({
        start(controller) {
          signal.addEventListener('abort', () => {
            try { controller.error(abortError()); } catch (e) { /* already closed */ }
          });
        },
        pull(controller) {
          if (next < answer.chunks.length) {
            const chunk = answer.chunks[next++];
            controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : new Uint8Array(chunk));
            return;
          }
          if (answer.then === 'close') return controller.close();
          if (answer.then === 'error') return controller.error(new TypeError('network error'));
          // Otherwise the stream stays open, silent, like an endpoint that stopped sending.
          return new Promise(() => {});
        },
      }, { highWaterMark: 0 });
    }
    resolve(new Response(body, { status: answer.status ?? 200, headers: answer.headers ?? {} }));
  });
}

export function calls_json() {
  return JSON.stringify(calls);
}

export function restore() {
  if (original !== null) globalThis.fetch = original;
}
"#)]
extern "C" {
    fn install(answers: JsValue);
    fn calls_json() -> String;
    fn restore();
}

/// One request the app made.
#[derive(Clone, Debug, Deserialize)]
pub struct Call {
    pub url: String,
    pub method: String,
    /// Lower-case names, as `Headers` gives them.
    pub headers: std::collections::BTreeMap<String, String>,
    pub body: String,
    pub aborted: bool,
}

impl Call {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// The installed fake; dropping it puts the real `fetch` back.
pub struct FakeFetch;

impl FakeFetch {
    /// Installs `answers` (see the module comment for their shape).
    pub fn install(answers: Vec<Value>) -> FakeFetch {
        let json = Value::Array(answers).to_string();
        install(js_sys::JSON::parse(&json).expect("answers are JSON"));
        FakeFetch
    }

    pub fn calls(&self) -> Vec<Call> {
        serde_json::from_str(&calls_json()).expect("calls are JSON")
    }
}

impl Drop for FakeFetch {
    fn drop(&mut self) {
        restore();
    }
}

/// A JSON answer.
pub fn json(status: u16, body: &Value) -> Value {
    serde_json::json!({
        "status": status,
        "headers": { "Content-Type": "application/json" },
        "body": body.to_string(),
    })
}

/// A problem answer.
pub fn problem(status: u16, code: &str, title: &str) -> Value {
    serde_json::json!({
        "status": status,
        "headers": { "Content-Type": "application/problem+json" },
        "body": serde_json::json!({
            "type": format!("https://onshi.example/problems/{code}"),
            "title": title,
            "status": status,
            "code": code,
        }).to_string(),
    })
}

/// An event stream delivered in exactly these chunks, then `then`: `close`, `error` (a broken
/// connection) or `hang` (open and silent).
pub fn stream(chunks: Vec<Value>, then: &str) -> Value {
    serde_json::json!({
        "status": 200,
        "headers": { "Content-Type": "text/event-stream", "Cache-Control": "no-store" },
        "chunks": chunks,
        "then": then,
    })
}

/// `fetch` fails as it does without a network or with nothing listening.
pub fn network_failure() -> Value {
    serde_json::json!({ "fail": true })
}

/// A connection the page's Content-Security-Policy (`connect-src`) refuses: a failed fetch, then the
/// browser's violation report.
pub fn csp_refusal() -> Value {
    serde_json::json!({ "cspRefused": true })
}

/// No answer ever (until the request is aborted).
pub fn silence() -> Value {
    serde_json::json!({ "hang": true })
}

/// The capabilities of an endpoint, answering `GET /onshi/v1/capabilities` whenever it is asked.
pub fn capabilities(version: &str, groups: &[&str], training: bool) -> Value {
    routed(
        "/onshi/v1/capabilities",
        json(
            200,
            &serde_json::json!({ "contract_version": version, "groups": groups, "training": training }),
        ),
    )
}

/// `answer` for every request whose URL contains `url_part`.
pub fn routed(url_part: &str, mut answer: Value) -> Value {
    answer["match"] = Value::from(url_part);
    answer
}

/// Every group the reference endpoint offers with the simulated national side (without `training`
/// and `card`), in the core's spelling.
pub const ALL_GROUPS: [&str; 12] = {
    use onshi_core::contract::FeatureGroup::*;
    [
        Session.as_str(),
        Qualification.as_str(),
        History.as_str(),
        Events.as_str(),
        ReferenceNumbers.as_str(),
        Bulk.as_str(),
        Readers.as_str(),
        Passcode.as_str(),
        Consents.as_str(),
        MedicalInfo.as_str(),
        Disaster.as_str(),
        Accounts.as_str(),
    ]
};
