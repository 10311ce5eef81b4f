//! The general-purpose card reader the reception screen drives: a reader over WebUSB, or in
//! training the training world's virtual Sony RC-S380 in the service worker
//! ([`crate::platform::training_reader`]). Either is wrapped by the same core driver
//! (`card::reader::driver`), so training exercises exactly the bytes a real reader would get.
//!
//! The virtual cards of training live in the service worker, not in the page, so a PIN a trainee
//! locks stays locked while they rehearse, as a real card's would.

use std::time::Duration;

use onshi_core::card::reader::{AnyReader, PipeError, ReaderModel, UsbPipe, driver};

use crate::{
    labels,
    platform::{
        timer::Delay,
        training_reader::{self, TrainingPipe, TrainingReaderError},
        usb::{self, UnplugWatch, UsbError, UsbReader, WebUsbPipe},
    },
};

pub use crate::platform::training_reader::Holder;

/// The bulk endpoints a driver talks through: a WebUSB interface or training's virtual reader.
pub enum Pipe {
    Usb(WebUsbPipe),
    Training(TrainingPipe),
}

impl UsbPipe for Pipe {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        match self {
            Pipe::Usb(pipe) => pipe.send(bytes).await,
            Pipe::Training(pipe) => pipe.send(bytes).await,
        }
    }

    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        match self {
            Pipe::Usb(pipe) => pipe.receive(max_len, timeout_ms).await,
            Pipe::Training(pipe) => pipe.receive(max_len, timeout_ms).await,
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
    training: Option<TrainingPipe>,
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
        training: None,
        _unplug: Some(watch),
    })
}

/// Opens a virtual RC-S380 in the training world, driven by the RC-S380 driver; the returned
/// [`TrainingReader`] is the trainer's hand on it.
pub async fn connect_training() -> Result<(Connected, TrainingReader), TrainingReaderError> {
    let pipe = training_reader::open().await?;
    let connected = Connected {
        link: driver(ReaderModel::Rcs380, Pipe::Training(pipe.clone())),
        name: labels::CARD_READER_MODEL_VIRTUAL.to_owned(),
        usb: None,
        training: Some(pipe.clone()),
        _unplug: None,
    };
    Ok((connected, TrainingReader(pipe)))
}

impl Connected {
    /// Lets the device go, once the session has left the reader idle (`card::session::run` does).
    pub async fn close(self) {
        if let Some(reader) = &self.usb {
            reader.close().await;
        }
        if let Some(reader) = &self.training {
            // A worker that no longer knows the reader has nothing to let go.
            let _ = reader.close().await;
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

/// The canned people whose cards the trainer can place, with whether each card's PIN is locked
/// (the training world's cards, shared by every tab).
pub async fn training_holders() -> Result<Vec<Holder>, TrainingReaderError> {
    training_reader::holders().await
}

/// The trainer's hand on training's virtual reader: places and takes the cards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingReader(TrainingPipe);

impl TrainingReader {
    /// Places the card of the person with `person_id` (taking off any card already there); `false`
    /// when they have none.
    pub async fn place(&self, person_id: &str) -> Result<bool, TrainingReaderError> {
        self.0.place(person_id).await
    }

    /// Takes the card off the reader.
    pub async fn take(&self) -> Result<(), TrainingReaderError> {
        self.0.take().await
    }
}
