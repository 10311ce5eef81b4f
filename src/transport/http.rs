//! The HTTP transport: contract requests to an endpoint with `fetch` (gloo-net), answers returned as
//! they came (status, headers, body bytes), for [`onshi_core::client`] to read.
//!
//! Training mode's endpoint is the training world in the page's service worker. Until a worker
//! controls the page, a request to it would reach the network, where nothing answers that address;
//! so the first request to it waits until one does ([`service_worker::controlled`]), and fails with
//! [`TransportError::NoServiceWorker`] where none can.
//!
//! Every request has a deadline. `fetch` itself never gives up on a silent endpoint, so the transport
//! races it against a [`Delay`] and aborts it (`AbortController`) when time runs out. Dropping a
//! request's future aborts it too.
//!
//! An endpoint that relays requests to the national side (the folder bridge) waits up to its own
//! national timeout for those (its capabilities' `national_timeout_s`). The transport learns
//! it when the capabilities are read and gives such requests longer than that, so that the endpoint's
//! answer (a result, or its own timeout) arrives instead of the app giving up first and staff sending
//! again what may still be on its way.

use std::{cell::Cell, time::Duration};

use futures::future::{Either, select};
use onshi_core::contract::{self, Headers, Method, Request, Response};
use wasm_bindgen::JsValue;

use crate::{
    platform::{js_message, service_worker, timer::Delay},
    transport::{TransportError, url::EndpointUrl},
};

/// How long the transport waits for answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    /// Any request but a bulk upload: from sending to the last byte of the answer.
    pub timeout: Duration,
    /// A bulk upload (`POST /bulk/...`, up to 64 MB, decisions.md D7) on a slow clinic line.
    pub bulk_timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            timeout: Duration::from_secs(30),
            bulk_timeout: Duration::from_secs(300),
        }
    }
}

/// How much longer than the endpoint's national timeout the app waits for a relayed request: the
/// endpoint's own work around the exchange and the trip back.
pub const NATIONAL_MARGIN: Duration = Duration::from_secs(30);

/// Whether the endpoint may relay `request` to the national side (contract/openapi.yaml: the
/// operations the folder bridge answers with files): 資格確認, 照会番号 registration, bulk submissions and
/// their results, and medical information.
pub fn is_relayed(request: &Request) -> bool {
    let Some(path) = request.path().strip_prefix(contract::PREFIX) else {
        return false;
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        (&request.method, segments.as_slice()),
        (
            Method::Post,
            ["qualifications"]
                | ["reference-numbers"]
                | ["bulk", _]
                | ["medical-info", "drugs" | "checkups"]
        ) | (Method::Get, ["bulk", _, _])
    )
}

/// The deadline of `request`: the bulk upload's or the usual one, and for a request the endpoint
/// relays to the national side, at least the endpoint's national timeout plus [`NATIONAL_MARGIN`]
/// when the endpoint gave one.
pub fn deadline(
    options: &HttpOptions,
    national_timeout: Option<Duration>,
    request: &Request,
) -> Duration {
    let bulk = format!("{}/bulk/", contract::PREFIX);
    let usual = match request.method == Method::Post && request.path().starts_with(&bulk) {
        true => options.bulk_timeout,
        false => options.timeout,
    };
    match national_timeout {
        Some(national) if is_relayed(request) => {
            usual.max(national.saturating_add(NATIONAL_MARGIN))
        }
        _ => usual,
    }
}

/// An endpoint at a base URL.
pub struct HttpTransport {
    base: EndpointUrl,
    options: HttpOptions,
    /// The endpoint's national timeout, once its capabilities were read (`None` for an endpoint that
    /// relays nothing, or before they were read).
    national_timeout: Cell<Option<Duration>>,
    /// Whether requests may go out: true from the start for an endpoint on the network, and for the
    /// training world once a service worker controls the page (a page stays controlled).
    worker_ready: Cell<bool>,
}

impl HttpTransport {
    pub fn new(base: EndpointUrl, options: HttpOptions) -> HttpTransport {
        HttpTransport {
            worker_ready: Cell::new(!base.is_training()),
            base,
            options,
            national_timeout: Cell::new(None),
        }
    }

    /// Waits, for the training world, until a service worker controls the page; at once after the
    /// first time, and for any other endpoint.
    async fn worker_ready(&self, url: &str) -> Result<(), TransportError> {
        if self.worker_ready.get() {
            return Ok(());
        }
        service_worker::controlled()
            .await
            .map_err(|reason| TransportError::NoServiceWorker {
                url: url.to_owned(),
                reason,
            })?;
        self.worker_ready.set(true);
        Ok(())
    }

    /// Learns how long the endpoint waits for the national side (its capabilities'
    /// `national_timeout_s`), so that relayed requests wait longer than it does.
    pub fn learn_national_timeout(&self, seconds: Option<u64>) {
        self.national_timeout.set(seconds.map(Duration::from_secs));
    }

    /// The endpoint's base URL.
    pub fn base(&self) -> &EndpointUrl {
        &self.base
    }

    /// The absolute URL of a contract request.
    pub fn url_of(&self, request: &Request) -> String {
        format!("{}{}", self.base.as_str(), request.target)
    }

    /// The deadline of a request: longer for bulk uploads, and for relayed requests longer than the
    /// endpoint's national timeout ([`deadline`]).
    pub fn timeout_of(&self, request: &Request) -> Duration {
        deadline(&self.options, self.national_timeout.get(), request)
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(&self, request: &Request) -> Result<Response, TransportError> {
        let url = self.url_of(request);
        self.worker_ready(&url).await?;
        let timeout = self.timeout_of(request);
        let abort = AbortOnDrop::new(&url)?;
        let fetch = Box::pin(async {
            let response = fetch(&url, request, abort.signal()).await?;
            let body = response
                .binary()
                .await
                .map_err(|e| TransportError::Network {
                    url: url.clone(),
                    message: e.to_string(),
                })?;
            Ok(Response {
                status: response.status(),
                headers: headers_of(&response),
                body,
            })
        });
        match select(fetch, Delay::new(timeout)).await {
            Either::Left((answer, _)) => answer,
            Either::Right(((), _)) => Err(TransportError::Timeout {
                url: url.clone(),
                after: timeout,
            }),
        }
        // `abort` drops here: a request that timed out is aborted, one that finished is left alone.
    }

    /// Starts a request whose body is read as it arrives (the event stream): waits, at most the usual
    /// timeout, for the status and headers only. The returned guard aborts the request when dropped.
    pub async fn open(
        &self,
        request: &Request,
    ) -> Result<(gloo_net::http::Response, AbortOnDrop), TransportError> {
        let url = self.url_of(request);
        self.worker_ready(&url).await?;
        let abort = AbortOnDrop::new(&url)?;
        let started = {
            let fetch = Box::pin(fetch(&url, request, abort.signal()));
            match select(fetch, Delay::new(self.options.timeout)).await {
                Either::Left((started, _)) => Some(started),
                Either::Right(((), _)) => None,
            }
        };
        match started {
            Some(Ok(response)) => Ok((response, abort)),
            Some(Err(e)) => Err(e),
            None => Err(TransportError::Timeout {
                url,
                after: self.options.timeout,
            }),
        }
    }
}

/// Issues the request. gloo-net sends it and wraps the answer, but the request is built here with
/// web-sys: gloo-net 0.6's builder appends a stray `&` to an address that already has a query
/// (`/events?after=40&`), and it unwraps `Headers.append`, so a header value a browser cannot send
/// (a token with a line break, say) would panic instead of being an error.
async fn fetch(
    url: &str,
    request: &Request,
    signal: &web_sys::AbortSignal,
) -> Result<gloo_net::http::Response, TransportError> {
    let unsendable = |e: JsValue| TransportError::Unsendable {
        url: url.to_owned(),
        message: js_message(&e),
    };
    let headers = web_sys::Headers::new().map_err(unsendable)?;
    for (name, value) in request.headers.iter() {
        headers.append(name, value).map_err(unsendable)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_headers(&headers);
    // Answers hold patient data and the endpoint marks them no-store; never serve one from cache.
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_signal(Some(signal));
    if !request.body.is_empty() {
        init.set_body(&js_sys::Uint8Array::from(request.body.as_slice()));
    }
    let built = web_sys::Request::new_with_str_and_init(url, &init).map_err(unsendable)?;
    // A failed fetch is a TypeError whatever the cause: no network, nothing listening, a name that
    // does not resolve, or a connection the page's CSP (connect-src) or the endpoint's CORS refused.
    // The browser keeps the cause from the page on purpose, so all of them are "no answer".
    gloo_net::http::Request::from(built)
        .send()
        .await
        .map_err(|e| TransportError::Network {
            url: url.to_owned(),
            message: e.to_string(),
        })
}

/// Every header of an answer that the page may read (cross-origin answers show only the safelisted
/// ones and those the endpoint exposes).
pub fn headers_of(response: &gloo_net::http::Response) -> Headers {
    let mut headers = Headers::new();
    for (name, value) in response.headers().entries() {
        headers.append(&name, value);
    }
    headers
}

/// An `AbortController` that aborts its request when dropped: a request whose caller stopped waiting
/// (a timeout, a closed event feed) does not go on using the connection.
pub struct AbortOnDrop {
    controller: web_sys::AbortController,
    signal: web_sys::AbortSignal,
}

impl AbortOnDrop {
    fn new(url: &str) -> Result<AbortOnDrop, TransportError> {
        let controller =
            web_sys::AbortController::new().map_err(|e| TransportError::Unsendable {
                url: url.to_owned(),
                message: js_message(&e),
            })?;
        let signal = controller.signal();
        Ok(AbortOnDrop { controller, signal })
    }

    fn signal(&self) -> &web_sys::AbortSignal {
        &self.signal
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        // Aborting a request that already finished does nothing.
        self.controller.abort();
    }
}
