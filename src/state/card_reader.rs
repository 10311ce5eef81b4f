//! The general-purpose card reader the reception screen drives: a reader over WebUSB, or in
//! training a virtual Sony RC-S380. Either is wrapped by the same core driver
//! (`card::reader::driver`), so training exercises exactly the bytes a real reader would get.
//!
//! The virtual cards of training live for the life of the app (see [`CardReaderContext`]), so a PIN a
//! trainee locks stays locked while they rehearse, as a real card's would.

use std::{cell::RefCell, collections::HashMap, rc::Rc, time::Duration};

use leptos::prelude::*;

use onshi_core::{
    canned::people::Person,
    card::{
        reader::{AnyReader, PipeError, ReaderModel, UsbPipe, driver},
        virtual_card::{Iso7816Card, VirtualCard, VirtualCardData},
        virtual_reader::{Shared, VirtualRcs380},
    },
};

use crate::{
    labels,
    platform::{
        timer::Delay,
        usb::{self, UnplugWatch, UsbError, UsbReader, WebUsbPipe},
    },
};

/// The bulk endpoints a driver talks through: a WebUSB interface or the virtual reader.
pub enum Pipe {
    Usb(WebUsbPipe),
    Virtual(Shared<VirtualRcs380>),
}

impl UsbPipe for Pipe {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        match self {
            Pipe::Usb(pipe) => pipe.send(bytes).await,
            Pipe::Virtual(pipe) => pipe.send(bytes).await,
        }
    }

    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        match self {
            Pipe::Usb(pipe) => pipe.receive(max_len, timeout_ms).await,
            Pipe::Virtual(pipe) => pipe.receive(max_len, timeout_ms).await,
        }
    }
}

/// A connected reader: its driver, and what to close when done.
pub struct Connected {
    /// APDU exchanges with the card on the reader.
    pub link: AnyReader<Pipe>,
    /// What the status line calls the reader (「接続中：…」).
    pub name: String,
    usb: Option<UsbReader>,
    _unplug: Option<UnplugWatch>,
}

/// The name staff see for a model.
fn model_name(model: ReaderModel, product: Option<String>) -> String {
    match model {
        ReaderModel::Rcs380 => labels::CARD_READER_MODEL_RCS380.to_owned(),
        ReaderModel::Rcs300 => labels::CARD_READER_MODEL_RCS300.to_owned(),
        ReaderModel::Ccid => product.unwrap_or_else(|| labels::CARD_READER_MODEL_CCID.to_owned()),
    }
}

/// Asks the browser for a reader (its chooser), opens it and claims its interface. `unplugged` is
/// called if the device is disconnected later.
pub async fn connect_usb(unplugged: impl Fn() + 'static) -> Result<Connected, UsbError> {
    let reader = usb::request_reader().await?;
    let model = reader.model();
    let watch = reader.watch_unplug(unplugged);
    Ok(Connected {
        link: driver(model, Pipe::Usb(reader.pipe())),
        name: model_name(model, reader.product_name()),
        usb: Some(reader),
        _unplug: Some(watch),
    })
}

/// Training's virtual RC-S380, driven by the RC-S380 driver.
pub fn connect_virtual(device: &Shared<VirtualRcs380>) -> Connected {
    Connected {
        link: driver(ReaderModel::Rcs380, Pipe::Virtual(device.clone())),
        name: labels::CARD_READER_MODEL_VIRTUAL.to_owned(),
        usb: None,
        _unplug: None,
    }
}

impl Connected {
    /// Lets the device go, once the session has left the reader idle (`card::session::run` does).
    pub async fn close(self) {
        if let Some(reader) = &self.usb {
            reader.close().await;
        }
    }
}

/// Waits `ms` milliseconds (the page's timer, so tests and `page.clock` control it).
pub async fn pause(ms: u32) {
    Delay::new(Duration::from_millis(ms.into())).await;
}

/// Whether this browser offers WebUSB at all.
pub fn usb_available() -> bool {
    usb::available()
}

/// Training's virtual cards, one per canned person, made the first time it is placed and kept for
/// the life of the app: its PIN counters are the card's, so a PIN locked while rehearsing stays locked
/// until the page is reloaded, as a real card would stay locked. Provided at the app's root by
/// [`crate::state::provide_app_state`].
#[derive(Clone, Copy)]
pub struct CardReaderContext {
    cards: StoredValue<HashMap<String, Rc<RefCell<VirtualCard>>>, LocalStorage>,
}

pub fn use_card_reader() -> CardReaderContext {
    expect_context::<CardReaderContext>()
}

/// Provided by [`crate::state::provide_app_state`].
pub(crate) fn provide() {
    provide_context(CardReaderContext {
        cards: StoredValue::new_local(HashMap::new()),
    });
}

impl CardReaderContext {
    /// `person`'s virtual card, made on first use; `None` for someone without test keys.
    pub fn virtual_card(&self, person: &Person) -> Option<Rc<RefCell<VirtualCard>>> {
        if let Some(card) = self
            .cards
            .with_value(|cards| cards.get(&person.id).cloned())
        {
            return Some(card);
        }
        let card = Rc::new(RefCell::new(VirtualCard::new(VirtualCardData::for_person(
            person,
        )?)));
        self.cards
            .update_value(|cards| drop(cards.insert(person.id.clone(), card.clone())));
        Some(card)
    }

    /// How many tries the 利用者証明用 PIN of `person_id`'s virtual card has left, if the card was
    /// made.
    pub fn virtual_auth_tries_left(&self, person_id: &str) -> Option<u8> {
        self.cards.with_value(|cards| {
            cards
                .get(person_id)
                .map(|card| card.borrow().auth_tries_left())
        })
    }

    /// A virtual reader whose cards are these.
    pub fn virtual_reader(&self) -> VirtualReader {
        VirtualReader {
            device: Shared::new(VirtualRcs380::new()),
            cards: *self,
        }
    }
}

/// A kept virtual card as the reader holds it: the reader gets a handle, the page keeps the card.
struct KeptCard(Rc<RefCell<VirtualCard>>);

impl Iso7816Card for KeptCard {
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        self.0.borrow_mut().process(command)
    }

    fn power_off(&mut self) {
        self.0.borrow_mut().power_off();
    }
}

/// Training's virtual reader and whose card lies on it.
#[derive(Clone)]
pub struct VirtualReader {
    device: Shared<VirtualRcs380>,
    /// Where the cards placed on it are kept.
    cards: CardReaderContext,
}

impl VirtualReader {
    /// The device, for [`connect_virtual`].
    pub fn device(&self) -> &Shared<VirtualRcs380> {
        &self.device
    }

    /// Places `person`'s card (taking off any card already there); `false` when they have none.
    pub fn place(&self, person: &Person) -> bool {
        let Some(card) = self.cards.virtual_card(person) else {
            return false;
        };
        let mut device = self.device.0.borrow_mut();
        drop(device.remove());
        device.place(Box::new(KeptCard(card)));
        true
    }

    /// Takes the card off the reader.
    pub fn take(&self) {
        drop(self.device.0.borrow_mut().remove());
    }

    /// The canned people whose cards the trainer can place (training data).
    pub fn card_holders() -> Vec<Person> {
        onshi_core::card::virtual_card::card_holders()
    }

    pub fn has_card(&self) -> bool {
        self.device.0.borrow().has_card()
    }
}
