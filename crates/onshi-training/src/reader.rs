//! Training's general card reader, over messages: the page's driver talks Port-100 to a virtual
//! Sony RC-S380 held here, in the worker, so that the page holds no virtual card.
//!
//! A request is `{onshi: "reader", call, op, ...}` and its reply `{onshi: "reader", call, ok: true,
//! ...}` or `{onshi: "reader", call, ok: false, error: "<code>"}`. Operations: `open` (a new reader:
//! `{reader}`), `send {reader, bytes}`, `receive {reader, max_len, timeout_ms}` (`{bytes}` or
//! `{timeout: true}`: the virtual device answers at once, so nothing queued means nothing will come),
//! `place {reader, person}` (`{placed}`), `take {reader}`, `holders` (`{holders: [{id, name, kana,
//! locked}]}`) and `close {reader}`. A reader this worker does not know (the worker was restarted)
//! answers `unknown_reader`, which the page treats as an unplugged reader.
//!
//! The virtual cards — one per canned person, with their PIN counters — live as long as the worker,
//! so a PIN locked while rehearsing stays locked as a real card's would.

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    rc::Rc,
};

use js_sys::{Array, Object, Reflect, Uint8Array};
use onshi_core::card::{
    reader::PipeError,
    virtual_card::{Iso7816Card, VirtualCard, VirtualCardData, card_holders},
    virtual_reader::{VirtualDevice, VirtualRcs380},
};
use wasm_bindgen::{JsCast, JsValue};

/// The `onshi` field of the reader's messages.
pub const TAG: &str = "reader";

/// Why a reader message was not carried out; the reply's `error` is its code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReaderError {
    #[error("no reader {reader:?} in this worker")]
    UnknownReader { reader: String },
    #[error("no operation {op:?}")]
    UnknownOp { op: String },
    #[error("the message lacks {field:?}")]
    Missing { field: &'static str },
    #[error("no card holder {person:?}")]
    UnknownPerson { person: String },
    #[error("the virtual reader was unplugged")]
    Disconnected,
    #[error("the transfer failed: {message}")]
    Transfer { message: String },
}

impl ReaderError {
    pub fn code(&self) -> &'static str {
        match self {
            ReaderError::UnknownReader { .. } => "unknown_reader",
            ReaderError::UnknownOp { .. } => "unknown_op",
            ReaderError::Missing { .. } => "bad_message",
            ReaderError::UnknownPerson { .. } => "unknown_person",
            ReaderError::Disconnected => "disconnected",
            ReaderError::Transfer { .. } => "transfer_failed",
        }
    }
}

/// A kept virtual card as a reader holds it: the reader gets a handle, the worker keeps the card.
struct KeptCard(Rc<RefCell<VirtualCard>>);

impl Iso7816Card for KeptCard {
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        self.0.borrow_mut().process(command)
    }

    fn power_off(&mut self) {
        self.0.borrow_mut().power_off();
    }
}

/// The worker's virtual readers and cards.
#[derive(Default)]
pub struct Readers {
    readers: RefCell<HashMap<String, VirtualRcs380>>,
    cards: RefCell<HashMap<String, Rc<RefCell<VirtualCard>>>>,
    next: Cell<u64>,
}

impl Readers {
    /// Carries out one message and makes its reply (`call` echoed; `ok` and the operation's fields,
    /// or `ok: false` and `error`).
    pub fn message(&self, message: &JsValue) -> JsValue {
        let reply = Object::new();
        set(&reply, "onshi", &TAG.into());
        set(&reply, "call", &field(message, "call"));
        match self.run(message, &reply) {
            Ok(()) => set(&reply, "ok", &true.into()),
            Err(error) => {
                set(&reply, "ok", &false.into());
                set(&reply, "error", &error.code().into());
            }
        }
        reply.into()
    }

    fn run(&self, message: &JsValue, reply: &Object) -> Result<(), ReaderError> {
        let op = string(message, "op")?;
        match op.as_str() {
            "open" => {
                let id = format!("virtual-rcs380-{}", self.next.get() + 1);
                self.next.set(self.next.get() + 1);
                self.readers
                    .borrow_mut()
                    .insert(id.clone(), VirtualRcs380::new());
                set(reply, "reader", &id.into());
            }
            "holders" => {
                let holders = Array::new();
                for person in card_holders() {
                    let holder = Object::new();
                    let locked = self
                        .cards
                        .borrow()
                        .get(&person.id)
                        .is_some_and(|card| card.borrow().auth_tries_left() == 0);
                    set(&holder, "id", &person.id.into());
                    set(&holder, "name", &person.name.into());
                    set(&holder, "kana", &person.kana.into());
                    set(&holder, "locked", &locked.into());
                    holders.push(&holder);
                }
                set(reply, "holders", &holders);
            }
            "send" => {
                let bytes = field(message, "bytes")
                    .dyn_into::<Uint8Array>()
                    .map_err(|_| ReaderError::Missing { field: "bytes" })?
                    .to_vec();
                self.with_reader(message, |device| device.bulk_out(&bytes))?
                    .map_err(pipe_error)?;
            }
            "receive" => {
                let max_len = number(message, "max_len")?;
                match self.with_reader(message, |device| device.bulk_in(max_len))? {
                    Ok(bytes) => set(reply, "bytes", &Uint8Array::from(bytes.as_slice()).into()),
                    Err(PipeError::Timeout(_)) => set(reply, "timeout", &true.into()),
                    Err(error) => return Err(pipe_error(error)),
                }
            }
            "place" => {
                let person = string(message, "person")?;
                let card = self.card(&person)?;
                let placed = card.is_some();
                self.with_reader(message, |device| {
                    drop(device.remove());
                    if let Some(card) = card {
                        device.place(Box::new(KeptCard(card)));
                    }
                })?;
                set(reply, "placed", &placed.into());
            }
            "take" => {
                self.with_reader(message, |device| drop(device.remove()))?;
            }
            "close" => {
                let reader = string(message, "reader")?;
                if self.readers.borrow_mut().remove(&reader).is_none() {
                    return Err(ReaderError::UnknownReader { reader });
                }
            }
            _ => return Err(ReaderError::UnknownOp { op }),
        }
        Ok(())
    }

    fn with_reader<T>(
        &self,
        message: &JsValue,
        work: impl FnOnce(&mut VirtualRcs380) -> T,
    ) -> Result<T, ReaderError> {
        let reader = string(message, "reader")?;
        let mut readers = self.readers.borrow_mut();
        let device = readers
            .get_mut(&reader)
            .ok_or(ReaderError::UnknownReader { reader })?;
        Ok(work(device))
    }

    /// `person`'s virtual card, made on first use; `None` for a card holder without test keys, an
    /// error for someone who is not a card holder.
    fn card(&self, person: &str) -> Result<Option<Rc<RefCell<VirtualCard>>>, ReaderError> {
        if let Some(card) = self.cards.borrow().get(person) {
            return Ok(Some(Rc::clone(card)));
        }
        let holder = card_holders()
            .into_iter()
            .find(|p| p.id == person)
            .ok_or_else(|| ReaderError::UnknownPerson {
                person: person.to_owned(),
            })?;
        let Some(data) = VirtualCardData::for_person(&holder) else {
            return Ok(None);
        };
        let card = Rc::new(RefCell::new(VirtualCard::new(data)));
        self.cards
            .borrow_mut()
            .insert(person.to_owned(), Rc::clone(&card));
        Ok(Some(card))
    }
}

fn pipe_error(error: PipeError) -> ReaderError {
    match error {
        PipeError::Disconnected => ReaderError::Disconnected,
        other => ReaderError::Transfer {
            message: other.to_string(),
        },
    }
}

fn field(message: &JsValue, name: &str) -> JsValue {
    Reflect::get(message, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn string(message: &JsValue, name: &'static str) -> Result<String, ReaderError> {
    field(message, name)
        .as_string()
        .ok_or(ReaderError::Missing { field: name })
}

fn number(message: &JsValue, name: &'static str) -> Result<usize, ReaderError> {
    field(message, name)
        .as_f64()
        .filter(|n| *n >= 0.0)
        .map(|n| n as usize)
        .ok_or(ReaderError::Missing { field: name })
}

fn set(target: &Object, name: &str, value: &JsValue) {
    // Setting a field on a plain object this module made cannot fail.
    let _ = Reflect::set(target, &name.into(), value);
}
