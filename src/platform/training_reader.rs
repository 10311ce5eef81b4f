//! Training's general-purpose card reader: a virtual Sony RC-S380 and the canned people's virtual
//! cards, kept by the training world in the service worker and reached by messages (ARCHITECTURE.md).
//!
//! Each call posts `{onshi: "reader", call, op, ...}` to the worker controlling the page; the worker
//! answers the page with `{onshi: "reader", call, ok: true, ...}` or `{..., ok: false, error}`, matched
//! here by the call's number. The cards live in the worker, so a PIN a trainee locks stays locked for
//! every tab while the worker runs, as a real card's would. A worker that was restarted no longer
//! knows the reader (`unknown_reader`): to the driver that is an unplugged reader.
//!
//! [`TrainingPipe`] is the reader's bulk endpoints as the core's drivers see them ([`UsbPipe`]), so
//! training exercises exactly the bytes a real reader would get.

use std::{cell::RefCell, collections::HashMap, time::Duration};

use futures::{
    channel::oneshot,
    future::{Either, select},
};
use js_sys::{Object, Reflect, Uint8Array};
use onshi_core::card::reader::{PipeError, UsbPipe};
use wasm_bindgen::{JsCast, JsValue};

use super::{
    service_worker::{self, Listener, ServiceWorkerError},
    timer::Delay,
};

/// How long a call other than `receive` may wait for the worker's answer.
pub const REPLY_WAIT: Duration = Duration::from_secs(5);

/// How much longer than its own timeout a `receive` waits for the worker's answer: the message's
/// trip both ways, and a worker the browser had to wake.
pub const RECEIVE_MARGIN: Duration = Duration::from_secs(2);

/// The error code of a reader the worker does not know (it was restarted since the reader opened).
pub const UNKNOWN_READER: &str = "unknown_reader";

/// Why a call to the training reader failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrainingReaderError {
    /// No service worker to ask.
    #[error(transparent)]
    ServiceWorker(#[from] ServiceWorkerError),
    /// The worker did not answer in time.
    #[error("the service worker did not answer {op} within {} ms", .after.as_millis())]
    NoReply { op: String, after: Duration },
    /// The worker no longer knows the reader (it was restarted).
    #[error("the service worker does not know reader {reader:?}")]
    UnknownReader { reader: String },
    /// The worker refused the call with another error code.
    #[error("the service worker refused {op}: {code}")]
    Refused { op: String, code: String },
    /// An answer without what the call answers.
    #[error("the service worker's answer to {op} lacks {field}")]
    Malformed { op: String, field: &'static str },
}

/// A canned person whose card the trainer can place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub id: String,
    /// 氏名.
    pub name: String,
    /// 氏名カナ.
    pub kana: String,
    /// Whether the card's 利用者証明用 PIN has no tries left.
    pub locked: bool,
}

/// The calls waiting for their answers, and the listener that hands the answers over.
#[derive(Default)]
struct Calls {
    next: u64,
    waiting: HashMap<u64, oneshot::Sender<JsValue>>,
    /// The listener and the container it listens on: a new container (a test's stand-in) needs a
    /// new listener.
    listener: Option<(JsValue, Listener)>,
}

thread_local! {
    static CALLS: RefCell<Calls> = RefCell::new(Calls::default());
}

/// Hands an answer to the call it names; anything else on the channel is not ours.
fn deliver(data: JsValue) {
    let field = |name: &str| Reflect::get(&data, &name.into()).ok();
    if field("onshi").and_then(|v| v.as_string()).as_deref() != Some("reader") {
        return;
    }
    let Some(call) = field("call").and_then(|v| v.as_f64()) else {
        return;
    };
    let sender = CALLS.with(|calls| calls.borrow_mut().waiting.remove(&(call as u64)));
    if let Some(sender) = sender {
        // A caller that stopped waiting is no error.
        let _ = sender.send(data);
    }
}

/// Listens on the current container, unless already listening there.
fn ensure_listening() -> Result<(), ServiceWorkerError> {
    let current = service_worker::current_container().ok_or(ServiceWorkerError::Unavailable)?;
    let listening = CALLS.with(|calls| {
        calls
            .borrow()
            .listener
            .as_ref()
            .is_some_and(|(on, _)| *on == current)
    });
    if !listening {
        let listener = service_worker::listen_messages(deliver)?;
        CALLS.with(|calls| calls.borrow_mut().listener = Some((current, listener)));
    }
    Ok(())
}

/// Drops the entry of a call that ended without its answer.
struct Forget(u64);

impl Drop for Forget {
    fn drop(&mut self) {
        CALLS.with(|calls| drop(calls.borrow_mut().waiting.remove(&self.0)));
    }
}

/// Sends one call with `fields` and waits at most `within` for its answer, which it returns when
/// the worker says `ok`.
async fn call(
    op: &str,
    fields: &[(&str, JsValue)],
    within: Duration,
) -> Result<JsValue, TrainingReaderError> {
    service_worker::controlled().await?;
    ensure_listening()?;
    let (sender, receiver) = oneshot::channel();
    let id = CALLS.with(|calls| {
        let mut calls = calls.borrow_mut();
        calls.next += 1;
        let id = calls.next;
        calls.waiting.insert(id, sender);
        id
    });
    let _forget = Forget(id);
    let message = Object::new();
    let set = |name: &str, value: &JsValue| {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&message, &name.into(), value);
    };
    set("onshi", &"reader".into());
    set("call", &JsValue::from_f64(id as f64));
    set("op", &op.into());
    for (name, value) in fields {
        set(name, value);
    }
    service_worker::post(&message)?;
    let answer = match select(receiver, Delay::new(within)).await {
        Either::Left((Ok(answer), _)) => answer,
        // The sender went with the entry: nobody will answer.
        Either::Left((Err(_), _)) | Either::Right(_) => {
            return Err(TrainingReaderError::NoReply {
                op: op.to_owned(),
                after: within,
            });
        }
    };
    if Reflect::get(&answer, &"ok".into())
        .ok()
        .and_then(|v| v.as_bool())
        == Some(true)
    {
        return Ok(answer);
    }
    let code = Reflect::get(&answer, &"error".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    Err(match code.as_str() {
        UNKNOWN_READER => TrainingReaderError::UnknownReader {
            reader: fields
                .iter()
                .find(|(name, _)| *name == "reader")
                .and_then(|(_, v)| v.as_string())
                .unwrap_or_default(),
        },
        _ => TrainingReaderError::Refused {
            op: op.to_owned(),
            code,
        },
    })
}

/// A string field of an answer.
fn text(answer: &JsValue, op: &str, field: &'static str) -> Result<String, TrainingReaderError> {
    Reflect::get(answer, &field.into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| TrainingReaderError::Malformed {
            op: op.to_owned(),
            field,
        })
}

/// Opens a new virtual RC-S380 in the worker.
pub async fn open() -> Result<TrainingPipe, TrainingReaderError> {
    let answer = call("open", &[], REPLY_WAIT).await?;
    Ok(TrainingPipe {
        reader: text(&answer, "open", "reader")?,
    })
}

/// The canned people whose cards the trainer can place, with whether each card's PIN is locked.
pub async fn holders() -> Result<Vec<Holder>, TrainingReaderError> {
    let answer = call("holders", &[], REPLY_WAIT).await?;
    let list = Reflect::get(&answer, &"holders".into())
        .ok()
        .filter(js_sys::Array::is_array)
        .ok_or_else(|| TrainingReaderError::Malformed {
            op: "holders".to_owned(),
            field: "holders",
        })?;
    js_sys::Array::from(&list)
        .iter()
        .map(|holder| {
            Ok(Holder {
                id: text(&holder, "holders", "id")?,
                name: text(&holder, "holders", "name")?,
                kana: text(&holder, "holders", "kana")?,
                locked: Reflect::get(&holder, &"locked".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// A virtual reader in the worker, named by the id the worker gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingPipe {
    reader: String,
}

impl TrainingPipe {
    /// The worker's id of the reader.
    pub fn id(&self) -> &str {
        &self.reader
    }

    fn reader_field(&self) -> (&'static str, JsValue) {
        ("reader", JsValue::from_str(&self.reader))
    }

    /// Places `person`'s card on the reader (taking off any card there); `false` when they have no
    /// card.
    pub async fn place(&self, person: &str) -> Result<bool, TrainingReaderError> {
        let answer = call(
            "place",
            &[self.reader_field(), ("person", person.into())],
            REPLY_WAIT,
        )
        .await?;
        Reflect::get(&answer, &"placed".into())
            .ok()
            .and_then(|v| v.as_bool())
            .ok_or_else(|| TrainingReaderError::Malformed {
                op: "place".to_owned(),
                field: "placed",
            })
    }

    /// Takes the card off the reader.
    pub async fn take(&self) -> Result<(), TrainingReaderError> {
        call("take", &[self.reader_field()], REPLY_WAIT)
            .await
            .map(drop)
    }

    /// Lets the worker forget the reader.
    pub async fn close(&self) -> Result<(), TrainingReaderError> {
        call("close", &[self.reader_field()], REPLY_WAIT)
            .await
            .map(drop)
    }
}

/// A failed call as the driver sees it: an unknown reader was unplugged; an answer that did not come
/// is a transfer that did not complete.
fn pipe_error(error: TrainingReaderError) -> PipeError {
    match error {
        TrainingReaderError::UnknownReader { .. } => PipeError::Disconnected,
        other => PipeError::Transfer(other.to_string()),
    }
}

impl UsbPipe for TrainingPipe {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        let bytes: JsValue = Uint8Array::from(bytes).into();
        call("send", &[self.reader_field(), ("bytes", bytes)], REPLY_WAIT)
            .await
            .map(drop)
            .map_err(pipe_error)
    }

    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        let within = Duration::from_millis(timeout_ms.into()) + RECEIVE_MARGIN;
        let fields = [
            self.reader_field(),
            ("max_len", JsValue::from_f64(max_len as f64)),
            ("timeout_ms", JsValue::from_f64(timeout_ms.into())),
        ];
        let answer = match call("receive", &fields, within).await {
            Ok(answer) => answer,
            // The worker's silence past the margin counts as the reader's.
            Err(TrainingReaderError::NoReply { .. }) => return Err(PipeError::Timeout(timeout_ms)),
            Err(other) => return Err(pipe_error(other)),
        };
        if Reflect::get(&answer, &"timeout".into())
            .ok()
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            return Err(PipeError::Timeout(timeout_ms));
        }
        let bytes = Reflect::get(&answer, &"bytes".into())
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| PipeError::Transfer("the answer to receive lacks bytes".to_owned()))?;
        // A device that sends more than was asked for babbles, and WebUSB fails the transfer.
        match bytes.length() as usize <= max_len {
            true => Ok(bytes.to_vec()),
            false => Err(PipeError::Transfer("babble".to_owned())),
        }
    }
}
