//! The page's service worker (`public/sw.js`): the only code that touches `navigator.serviceWorker`.
//!
//! Training mode's endpoint is the training world, which runs in the service worker and answers the
//! contract's requests under `/training` (ARCHITECTURE.md). A request sent before a worker controls
//! the page would go to the network and find nothing there, so the transport waits for
//! [`controlled`] first. `public/loader.js` registers the worker; this module only waits for it,
//! exchanges messages with it (the training card reader, [`super::training_reader`]) and notices a
//! new version taking over ([`watch_new_version`]).
//!
//! Every call goes through the objects' own properties and methods, never through `instanceof`
//! checks, so a scripted stand-in for `navigator.serviceWorker` (the browser tests) drives exactly
//! this code.

use std::time::Duration;

use futures::{
    channel::oneshot,
    future::{Either, select},
};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::EventTarget;

use super::{js_message, timer::Delay};

/// How long [`controlled`] waits for a worker to take control. The first visit installs the worker,
/// which first stores the app's files for offline use, so this allows for a slow line.
pub const CONTROL_WAIT: Duration = Duration::from_secs(30);

/// Why the page cannot reach its service worker.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceWorkerError {
    /// `navigator.serviceWorker` is missing: the page is not a secure context (https, or http on
    /// localhost), or the browser does not offer service workers (some private modes).
    #[error("service workers are not available here")]
    Unavailable,
    /// The browser refused to say whether a worker is ready (`ready` rejected).
    #[error("the service worker is not ready: {message}")]
    NotReady { message: String },
    /// No worker took control of the page in time: it could not be installed, or the page was
    /// reloaded bypassing the worker (a forced reload), which leaves it uncontrolled until the next
    /// ordinary load.
    #[error("no service worker controls the page after {} ms", .after.as_millis())]
    NotInControl { after: Duration },
    /// A message could not be handed to the worker (`postMessage` threw).
    #[error("a message to the service worker could not be sent: {message}")]
    Unsendable { message: String },
}

/// `navigator.serviceWorker`, when this browser and context offer it.
fn container() -> Option<EventTarget> {
    let navigator = web_sys::window()?.navigator();
    let container = Reflect::get(&navigator, &"serviceWorker".into()).ok()?;
    (!container.is_undefined() && !container.is_null()).then(|| container.unchecked_into())
}

/// Whether service workers can be used here at all.
pub fn available() -> bool {
    container().is_some()
}

/// The worker controlling the page, if any.
fn controller(container: &EventTarget) -> Option<JsValue> {
    Reflect::get(container, &"controller".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
}

/// Whether a service worker controls the page right now.
pub fn is_controlled() -> bool {
    container().is_some_and(|c| controller(&c).is_some())
}

/// An event listener that is removed when dropped.
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(JsValue)>,
}

impl Listener {
    fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(JsValue) + 'static,
    ) -> Self {
        let callback = Closure::<dyn FnMut(JsValue)>::new(callback);
        // A stand-in without `addEventListener` is no service worker container; the wait then
        // ends by its deadline.
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        Listener {
            target: target.clone(),
            kind,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// Resolves at the next `kind` event of `target`; the listener goes with the returned guard.
fn next_event(target: &EventTarget, kind: &'static str) -> (oneshot::Receiver<()>, Listener) {
    let (sender, receiver) = oneshot::channel();
    let mut sender = Some(sender);
    let listener = Listener::new(target, kind, move |_| {
        if let Some(sender) = sender.take() {
            let _ = sender.send(());
        }
    });
    (receiver, listener)
}

/// Resolves once a service worker controls the page: at once when one does, otherwise once a
/// worker is ready (`navigator.serviceWorker.ready`) and has taken control (`controller`, or the
/// next `controllerchange`). Fails when the page cannot have a service worker, or none takes control
/// within [`CONTROL_WAIT`].
pub async fn controlled() -> Result<(), ServiceWorkerError> {
    controlled_within(CONTROL_WAIT).await
}

/// [`controlled`] with another deadline (tests).
pub async fn controlled_within(after: Duration) -> Result<(), ServiceWorkerError> {
    let container = container().ok_or(ServiceWorkerError::Unavailable)?;
    if controller(&container).is_some() {
        return Ok(());
    }
    let wait = Box::pin(async {
        let ready = Reflect::get(&container, &"ready".into())
            .ok()
            .and_then(|r| r.dyn_into::<Promise>().ok())
            .ok_or_else(|| ServiceWorkerError::NotReady {
                message: "navigator.serviceWorker.ready is not a promise".to_owned(),
            })?;
        JsFuture::from(ready)
            .await
            .map_err(|e| ServiceWorkerError::NotReady {
                message: js_message(&e),
            })?;
        loop {
            // Listen before looking, so that a change in between is not missed.
            let (changed, _listener) = next_event(&container, "controllerchange");
            if controller(&container).is_some() {
                return Ok(());
            }
            // A listener dropped without firing would end the wait early; the deadline covers it.
            if changed.await.is_err() {
                return Err(ServiceWorkerError::NotInControl { after });
            }
        }
    });
    match select(wait, Delay::new(after)).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(ServiceWorkerError::NotInControl { after }),
    }
}

/// Posts `message` to the worker controlling the page.
pub(crate) fn post(message: &JsValue) -> Result<(), ServiceWorkerError> {
    let container = container().ok_or(ServiceWorkerError::Unavailable)?;
    let controller = controller(&container).ok_or(ServiceWorkerError::NotInControl {
        after: Duration::ZERO,
    })?;
    let post: Function = Reflect::get(&controller, &"postMessage".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| ServiceWorkerError::Unsendable {
            message: "the controller has no postMessage".to_owned(),
        })?;
    post.call1(&controller, message)
        .map(|_| ())
        .map_err(|e| ServiceWorkerError::Unsendable {
            message: js_message(&e),
        })
}

/// The container the page receives the workers' messages on, to tell whether a listener is still
/// on the current one (tests replace it).
pub(crate) fn current_container() -> Option<JsValue> {
    container().map(JsValue::from)
}

/// Calls `receive` with the data of every message a worker sends the page, until the returned
/// listener is dropped.
pub(crate) fn listen_messages(
    mut receive: impl FnMut(JsValue) + 'static,
) -> Result<Listener, ServiceWorkerError> {
    let container = container().ok_or(ServiceWorkerError::Unavailable)?;
    let listener = Listener::new(&container, "message", move |event: JsValue| {
        if let Ok(data) = Reflect::get(&event, &"data".into()) {
            receive(data);
        }
    });
    // Messages from a worker wait in a queue until the page starts it; a listener added with
    // `addEventListener` does not start it by itself before the document has loaded.
    if let Ok(start) = Reflect::get(&container, &"startMessages".into())
        && let Ok(start) = start.dyn_into::<Function>()
    {
        let _ = start.call0(&container);
    }
    Ok(listener)
}

/// Watches for a new version of the worker taking over a page that a worker already controlled
/// (a `controllerchange` after the page was controlled): the app's files are then the new version's,
/// while the page still runs the old one. The page's first worker taking control is no new version.
pub struct VersionWatch {
    _listener: Listener,
}

/// Calls `on_new` whenever a new version takes over (see [`VersionWatch`]); `None` where the page
/// cannot have a service worker.
pub fn watch_new_version(on_new: impl Fn() + 'static) -> Option<VersionWatch> {
    let container = container()?;
    let mut was_controlled = controller(&container).is_some();
    let listener = Listener::new(&container, "controllerchange", move |_| {
        if std::mem::replace(&mut was_controlled, true) {
            on_new();
        }
    });
    Some(VersionWatch {
        _listener: listener,
    })
}
