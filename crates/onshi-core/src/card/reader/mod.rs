//! The general-purpose readers as the app meets them: which USB devices to ask for, which interface
//! to claim, the pipe a driver talks through, and the drivers that turn a reader's framing into APDU
//! exchanges with the card on it.

use thiserror::Error;

use super::apdu::{CommandApdu, ResponseApdu, TooLong};
use super::ccid::{self, CommandStatus, IccStatus, Reply};
use super::iso14443b::{Atqb, IsoDep, IsoDepError, SENSB_REQ, Step, attrib, check_attrib_answer};
use super::port100::{self, Frame};
use super::rcs300 as rcs300_protocol;

// The drivers, one file each.
mod ccid_driver;
mod rcs300;
mod rcs380;

pub use ccid_driver::Ccid;
pub use rcs300::Rcs300;
pub use rcs380::Rcs380;

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

/// The readers `navigator.usb.requestDevice` offers: the PaSoRi models by id (card-reader.md §2), and any
/// device with a smart-card interface, so that staff who pick a plain CCID reader are told why it
/// cannot work rather than never seeing it.
pub const KNOWN_READERS: &[(UsbId, ReaderModel)] = &[
    (
        UsbId {
            vendor: 0x054C,
            product: 0x06C1,
        },
        ReaderModel::Rcs380,
    ),
    (
        UsbId {
            vendor: 0x054C,
            product: 0x06C3,
        },
        ReaderModel::Rcs380,
    ),
    (
        UsbId {
            vendor: 0x054C,
            product: 0x0DC8,
        },
        ReaderModel::Rcs300,
    ),
    (
        UsbId {
            vendor: 0x054C,
            product: 0x0DC9,
        },
        ReaderModel::Rcs300,
    ),
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

// The drivers. Each turns one reader's framing into `CardLink`; the two PaSoRi drivers move RF frames
// and run Type B activation and ISO-DEP themselves (`iso14443b`), the CCID driver leaves that to the
// reader and exchanges APDUs.

/// Bytes asked for per bulk-IN transfer. A Port-100 answer carrying a full 256-byte ISO-DEP frame is
/// about 270 bytes (nfcpy reads 300), more than one 64-byte USB packet; a transfer gathers packets up
/// to this size, and the drivers read on when a frame's header says more is to come.
const TRANSFER_MAX: usize = 512;
/// How long the reader may take to acknowledge or answer a set-up command (nfcpy waits 100 ms for an
/// ACK; the answer to a set-up command follows at once on real hardware).
const ACK_TIMEOUT_MS: u32 = 100;
const COMMAND_TIMEOUT_MS: u32 = 500;
/// Slack on top of an RF wait for the USB round trip before the reader's answer counts as lost.
const USB_MARGIN_MS: u32 = 200;
/// How long the card has to answer SENSB_REQ (aruneko and nfcpy: 30 ms).
const SENSB_WAIT_US: u32 = 30_000;
/// How long a CCID reader may stay silent before its answer (or a time extension) counts as lost.
const CCID_TIMEOUT_MS: u32 = 5_000;
/// The most bytes a single reader message may take before the driver stops reading and reports it.
const MESSAGE_MAX: usize = 70_000;
/// How many stale transfers `open` throws away (a session killed mid-command leaves answers queued).
const DRAIN_MAX: usize = 16;

/// Whole milliseconds, rounded up, for a wait in microseconds.
fn ms_from_us(us: u32) -> u32 {
    us.div_ceil(1000)
}

/// Reads one message that may span several transfers: `total` says how long the message starting
/// with the bytes so far is (`None` when it cannot tell, and parsing will say what is wrong).
async fn read_message<P: UsbPipe>(
    pipe: &mut P,
    timeout_ms: u32,
    total: fn(&[u8]) -> Option<usize>,
) -> Result<Vec<u8>, LinkError> {
    let mut bytes = pipe.receive(TRANSFER_MAX, timeout_ms).await?;
    while let Some(needed) = total(&bytes) {
        if needed <= bytes.len() || bytes.len() >= MESSAGE_MAX {
            break;
        }
        let more = pipe.receive(TRANSFER_MAX, timeout_ms).await?;
        if more.is_empty() {
            break;
        }
        bytes.extend_from_slice(&more);
    }
    Ok(bytes)
}

fn protocol(what: &'static str, bytes: &[u8]) -> LinkError {
    LinkError::Protocol {
        what,
        bytes: bytes.to_vec(),
    }
}

/// A reader that moves raw ISO 14443 frames: the part the PaSoRi drivers share.
trait RfLink {
    /// Sends one frame (CRC added by the reader) and returns the card's answer, or `None` when none
    /// came within `wait_us` or it arrived damaged.
    async fn transceive(
        &mut self,
        frame: &[u8],
        wait_us: u32,
    ) -> Result<Option<Vec<u8>>, LinkError>;
}

/// Polls once for a Type B card (SENSB_REQ) and reads its ATQB; `None` when no card answered or the
/// answer was not an ATQB (another kind of card, or a collision).
async fn sense_type_b<R: RfLink>(rf: &mut R) -> Result<Option<Atqb>, LinkError> {
    let Some(answer) = rf.transceive(&SENSB_REQ, SENSB_WAIT_US).await? else {
        return Ok(None);
    };
    let Ok(atqb) = Atqb::parse(&answer) else {
        return Ok(None);
    };
    if !atqb.iso_dep {
        // A Type B card that does not speak ISO 14443-4 cannot take APDUs: not a My Number card.
        return Err(protocol("ATQB of a card without ISO-DEP", &answer));
    }
    Ok(Some(atqb))
}

/// Selects the card with ATTRIB; `None` when it left before answering.
async fn attrib_type_b<R: RfLink>(rf: &mut R, atqb: &Atqb) -> Result<Option<IsoDep>, LinkError> {
    let wait = atqb.fwt_us().max(SENSB_WAIT_US);
    let Some(answer) = rf.transceive(&attrib(atqb.pupi), wait).await? else {
        return Ok(None);
    };
    check_attrib_answer(&answer).map_err(|e| protocol("answer to ATTRIB", &e.bytes))?;
    Ok(Some(IsoDep::new(atqb)))
}

/// One APDU to the activated card, if any. After a failed exchange the block numbers are unknown,
/// so the card must be activated again.
async fn activated_transmit<R: RfLink>(
    rf: &mut R,
    card: &mut Option<IsoDep>,
    command: &CommandApdu,
) -> Result<ResponseApdu, LinkError> {
    let session = card.as_mut().ok_or(LinkError::NoCard)?;
    let result = iso_dep_transmit(rf, session, command).await;
    if result.is_err() {
        *card = None;
    }
    result
}

/// One APDU over ISO-DEP: chaining both ways, waiting-time extensions, retransmissions.
async fn iso_dep_transmit<R: RfLink>(
    rf: &mut R,
    session: &mut IsoDep,
    command: &CommandApdu,
) -> Result<ResponseApdu, LinkError> {
    let mut exchange = session.exchange(command.encode()?);
    let mut step = exchange.start();
    loop {
        match step {
            Step::Done(bytes) => {
                return ResponseApdu::parse(&bytes)
                    .map_err(|e| protocol("response APDU without a status word", &e.bytes));
            }
            Step::Send { block, wait_us } => {
                let answer = rf.transceive(&block, wait_us).await?;
                let next = match answer {
                    Some(bytes) => exchange.received(&bytes),
                    None => exchange.no_answer(),
                };
                step = next.map_err(|e| match e {
                    IsoDepError::Mute => LinkError::CardRemoved,
                    IsoDepError::Protocol { what, bytes } => LinkError::Protocol { what, bytes },
                })?;
            }
        }
    }
}

/// Any of the drivers, chosen at run time from the device the user picked.
pub enum AnyReader<P> {
    Rcs380(Rcs380<P>),
    Rcs300(Rcs300<P>),
    Ccid(Ccid<P>),
}

impl<P> AnyReader<P> {
    /// Which model this driver speaks to (for the status line 「接続中：…」).
    pub fn model(&self) -> ReaderModel {
        match self {
            AnyReader::Rcs380(_) => ReaderModel::Rcs380,
            AnyReader::Rcs300(_) => ReaderModel::Rcs300,
            AnyReader::Ccid(_) => ReaderModel::Ccid,
        }
    }
}

/// The driver for a reader model.
pub fn driver<P: UsbPipe>(model: ReaderModel, pipe: P) -> AnyReader<P> {
    match model {
        ReaderModel::Rcs380 => AnyReader::Rcs380(Rcs380::new(pipe)),
        ReaderModel::Rcs300 => AnyReader::Rcs300(Rcs300::new(pipe)),
        ReaderModel::Ccid => AnyReader::Ccid(Ccid::new(pipe)),
    }
}

impl<P: UsbPipe> CardLink for AnyReader<P> {
    async fn open(&mut self) -> Result<(), LinkError> {
        match self {
            AnyReader::Rcs380(r) => r.open().await,
            AnyReader::Rcs300(r) => r.open().await,
            AnyReader::Ccid(r) => r.open().await,
        }
    }

    async fn activate(&mut self) -> Result<bool, LinkError> {
        match self {
            AnyReader::Rcs380(r) => r.activate().await,
            AnyReader::Rcs300(r) => r.activate().await,
            AnyReader::Ccid(r) => r.activate().await,
        }
    }

    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError> {
        match self {
            AnyReader::Rcs380(r) => r.transmit(command).await,
            AnyReader::Rcs300(r) => r.transmit(command).await,
            AnyReader::Ccid(r) => r.transmit(command).await,
        }
    }

    async fn close(&mut self) -> Result<(), LinkError> {
        match self {
            AnyReader::Rcs380(r) => r.close().await,
            AnyReader::Rcs300(r) => r.close().await,
            AnyReader::Ccid(r) => r.close().await,
        }
    }
}
