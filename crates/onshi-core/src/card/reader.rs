//! The general-purpose readers as the app meets them: which USB devices to ask for, which interface
//! to claim, the pipe a driver talks through, and the drivers that turn a reader's framing into APDU
//! exchanges with the card on it.

use thiserror::Error;

use super::apdu::{CommandApdu, ResponseApdu, TooLong};

/// A reader model the app knows how to drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReaderModel {
    /// Sony RC-S380 (Port-100 over its vendor-class interface).
    Rcs380,
    /// Sony RC-S300 (CCID-framed escape commands over its vendor-class interface).
    Rcs300,
    /// A plain CCID reader (interface class 0x0B), which Chrome protects from web pages.
    Ccid,
}

/// A USB vendor and product id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UsbId {
    pub vendor: u16,
    pub product: u16,
}

/// The USB interface class Chrome refuses to let a web page claim (smart card, CCID).
pub const SMART_CARD_CLASS: u8 = 0x0B;
/// The vendor-specific interface class the PaSoRi readers expose.
pub const VENDOR_CLASS: u8 = 0xFF;

/// The readers `navigator.usb.requestDevice` offers: the PaSoRi models by id (research §2), and any
/// device with a smart-card interface, so that staff who pick a plain CCID reader are told why it
/// cannot work rather than never seeing it.
pub const KNOWN_READERS: &[(UsbId, ReaderModel)] = &[
    (UsbId { vendor: 0x054C, product: 0x06C1 }, ReaderModel::Rcs380),
    (UsbId { vendor: 0x054C, product: 0x06C3 }, ReaderModel::Rcs380),
    (UsbId { vendor: 0x054C, product: 0x0DC8 }, ReaderModel::Rcs300),
    (UsbId { vendor: 0x054C, product: 0x0DC9 }, ReaderModel::Rcs300),
];

/// A USB endpoint's direction, from the host's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

/// A USB endpoint's transfer type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferType {
    Bulk,
    Interrupt,
    Isochronous,
}

/// An endpoint as the device's configuration describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndpointInfo {
    pub number: u8,
    pub direction: Direction,
    pub kind: TransferType,
    pub packet_size: u16,
}

/// An interface (its first alternate setting) as the device's configuration describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceInfo {
    pub number: u8,
    pub class: u8,
    pub endpoints: Vec<EndpointInfo>,
}

/// The interface a driver claims and its bulk endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    pub interface: u8,
    pub endpoint_in: u8,
    pub endpoint_out: u8,
    pub packet_size: u16,
}

/// Why no interface of a device suits a driver.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ChooseError {
    #[error("no interface of class {class:#04X} with bulk IN and OUT endpoints")]
    NoInterface { class: u8 },
}

impl ReaderModel {
    /// The model of a device with this id and these interfaces, or `None` for a device this app
    /// cannot drive at all.
    pub fn of(id: UsbId, interfaces: &[InterfaceInfo]) -> Option<ReaderModel> {
        KNOWN_READERS
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, model)| *model)
            .or_else(|| {
                interfaces
                    .iter()
                    .any(|i| i.class == SMART_CARD_CLASS)
                    .then_some(ReaderModel::Ccid)
            })
    }

    /// The interface class this model's driver claims.
    pub fn interface_class(self) -> u8 {
        match self {
            ReaderModel::Rcs380 | ReaderModel::Rcs300 => VENDOR_CLASS,
            ReaderModel::Ccid => SMART_CARD_CLASS,
        }
    }

    /// The interface to claim and its bulk endpoints.
    pub fn choose(self, interfaces: &[InterfaceInfo]) -> Result<Claim, ChooseError> {
        let class = self.interface_class();
        interfaces
            .iter()
            .filter(|i| i.class == class)
            .find_map(|i| {
                let bulk = |direction| {
                    i.endpoints
                        .iter()
                        .find(|e| e.kind == TransferType::Bulk && e.direction == direction)
                };
                let (input, output) = (bulk(Direction::In)?, bulk(Direction::Out)?);
                Some(Claim {
                    interface: i.number,
                    endpoint_in: input.number,
                    endpoint_out: output.number,
                    packet_size: input.packet_size,
                })
            })
            .ok_or(ChooseError::NoInterface { class })
    }
}

/// A failure of the USB pipe itself.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PipeError {
    /// The device was unplugged (WebUSB `NotFoundError`).
    #[error("the device was disconnected")]
    Disconnected,
    /// Nothing arrived in time.
    #[error("no answer within {0} ms")]
    Timeout(u32),
    /// The transfer failed (a stall, `NetworkError`, …); the text is the browser's.
    #[error("transfer failed: {0}")]
    Transfer(String),
}

/// One USB device's bulk endpoints, as a driver sees them. The app implements it over WebUSB
/// (`src/platform/usb.rs`), `virtual_reader` in software.
// Drivers are used single-threaded (wasm) and only through generics, so the futures' auto traits do
// not matter.
#[allow(async_fn_in_trait)]
pub trait UsbPipe {
    /// Writes one bulk-OUT transfer.
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError>;
    /// Reads one bulk-IN transfer of at most `max_len` bytes; `PipeError::Timeout` after
    /// `timeout_ms`.
    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError>;
}

/// A failure between the app and the card.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum LinkError {
    #[error(transparent)]
    Pipe(#[from] PipeError),
    /// No card has been activated (or the last one left).
    #[error("no card on the reader")]
    NoCard,
    /// The card stopped answering mid-exchange: taken off the reader.
    #[error("the card was removed during an exchange")]
    CardRemoved,
    /// The reader or card answered bytes this driver cannot read.
    #[error("unexpected {what}: {bytes:02X?}")]
    Protocol { what: &'static str, bytes: Vec<u8> },
    #[error(transparent)]
    Command(#[from] TooLong),
}

/// A reader with a card on it, as APDU exchanges.
#[allow(async_fn_in_trait)]
pub trait CardLink {
    /// Prepares the reader (for Port-100: ACK, SetCommandType, RF off).
    async fn open(&mut self) -> Result<(), LinkError>;
    /// Looks for a card once and activates it; `Ok(false)` when none is there.
    async fn activate(&mut self) -> Result<bool, LinkError>;
    /// Exchanges one APDU with the activated card.
    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError>;
    /// Switches the field off and leaves the reader idle.
    async fn close(&mut self) -> Result<(), LinkError>;
}
