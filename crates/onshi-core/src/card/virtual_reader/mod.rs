//! Card readers in software: the RC-S380 (Port-100), the RC-S300 (escape interface) and a plain CCID
//! reader, each as a USB device with bulk endpoints, holding a card (`Iso7816Card`) in its field.
//! Host tests drive the real drivers through them, and training mode's virtual reader uses them in
//! the browser.
//!
//! Each model checks what the host sends the way the device would — checksums, lengths, the order of
//! set-up commands, ISO-DEP block numbers — and answers with the device's framing. What a real device
//! would silently refuse is also written to `violations()`, so that tests can insist a driver made
//! none. The card's contactless side (ATQB, ATTRIB, the card's half of ISO-DEP) is written here
//! independently of the reader's half in `iso14443b`, so the two check each other.
//!
//! The models answer at once: nothing waits, and a lost answer is simply one that is never queued.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::reader::{PipeError, UsbPipe};
use super::virtual_card::Iso7816Card;

/// A USB device as its driver's pipe reaches it.
pub trait VirtualDevice {
    /// The host wrote one bulk-OUT transfer.
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError>;
    /// The host reads one bulk-IN transfer of at most `max_len` bytes; with nothing queued, a
    /// `PipeError::Timeout`.
    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError>;
}

/// A device shared between the driver's pipe and whoever places and removes cards (a test, the
/// training screen). Single-threaded, as the app is.
pub struct Shared<D>(pub Rc<RefCell<D>>);

impl<D> Shared<D> {
    pub fn new(device: D) -> Shared<D> {
        Shared(Rc::new(RefCell::new(device)))
    }

    /// Runs `f` on the device (to place or remove a card, turn a knob, read the violations).
    pub fn with<R>(&self, f: impl FnOnce(&mut D) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}

impl<D> Clone for Shared<D> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<D: VirtualDevice> UsbPipe for Shared<D> {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        self.0.borrow_mut().bulk_out(bytes)
    }

    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        // The device cannot know how long the host meant to wait; the timeout it reports is the host's.
        match self.0.borrow_mut().bulk_in(max_len) {
            Err(PipeError::Timeout(_)) => Err(PipeError::Timeout(timeout_ms)),
            other => other,
        }
    }
}

/// The bulk-IN side every model shares: queued transfers, unplugging, a packet limit.
#[derive(Default)]
struct Endpoint {
    queue: VecDeque<Vec<u8>>,
    unplugged: bool,
    /// When set, a transfer carries at most this many bytes, as if the host read one packet at a time.
    packet_limit: Option<usize>,
}

impl Endpoint {
    fn plugged(&self) -> Result<(), PipeError> {
        if self.unplugged {
            Err(PipeError::Disconnected)
        } else {
            Ok(())
        }
    }

    fn push(&mut self, bytes: Vec<u8>) {
        self.queue.push_back(bytes);
    }

    fn pop(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.plugged()?;
        let mut bytes = self.queue.pop_front().ok_or(PipeError::Timeout(0))?;
        let limit = self.packet_limit.unwrap_or(usize::MAX).min(max_len).max(1);
        if bytes.len() > limit {
            // The rest stays for the next transfer, as a device's FIFO keeps it.
            let rest = bytes.split_off(limit);
            self.queue.push_front(rest);
        }
        Ok(bytes)
    }

    fn unplug(&mut self) {
        self.unplugged = true;
        self.queue.clear();
    }
}

/// How the virtual Type B card behaves on the air: its limits and the test knobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeBOptions {
    /// The Max_Frame_Size code the ATQB advertises (the card's FSC; 8 = 256 bytes). A small one makes
    /// the reader chain long commands.
    pub max_frame_code: u8,
    /// The FWI the ATQB advertises.
    pub fwi: u8,
    /// The most INF bytes the card puts in one response block, below what the reader's FSD allows;
    /// a small one makes the card chain its responses.
    pub response_inf_max: Option<usize>,
    /// How many S(WTX) requests the card sends before each response.
    pub wtx_requests: u8,
    /// The multiplier in those requests (1–59).
    pub wtxm: u8,
}

impl Default for TypeBOptions {
    fn default() -> Self {
        TypeBOptions {
            max_frame_code: 8,
            fwi: 8,
            response_inf_max: None,
            wtx_requests: 0,
            wtxm: 1,
        }
    }
}

/// Where a Type B card is in its activation (ISO 14443-3 §7 states, reduced to what is modelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PiccState {
    /// No field, or no card.
    Unpowered,
    /// In the field, waiting for SENSB_REQ.
    Idle,
    /// Answered SENSB_REQ, waiting for ATTRIB.
    Ready,
    /// Selected: speaks ISO-DEP.
    Active,
    /// Deselected: silent until the field is reset.
    Halted,
}

/// The card's contactless half: activation and the card's side of ISO-DEP, around an APDU card.
struct Picc {
    card: Option<Box<dyn Iso7816Card>>,
    /// A card that left the field on its own (`remove_after_blocks`), kept for `remove()`.
    lifted: Option<Box<dyn Iso7816Card>>,
    field: bool,
    state: PiccState,
    pupi: [u8; 4],
    /// The next PUPI: real cards make a random one per activation; a counter keeps tests repeatable
    /// while still changing from one activation to the next.
    pupi_counter: u32,
    /// The reader's FSD from ATTRIB.
    fsd: usize,
    /// The card's current block number (ISO 14443-4 §7.5.4.3: 1 after activation).
    number: u8,
    /// A command arriving in chained I-blocks.
    command: Vec<u8>,
    /// The response being sent, and how much of it has gone out.
    response: Vec<u8>,
    response_sent: usize,
    /// A response held back behind S(WTX) requests, and how many more requests to send.
    held: Option<Vec<u8>>,
    wtx_left: u8,
    /// The last block sent, for retransmission.
    last_sent: Vec<u8>,
    options: TypeBOptions,
    blocks_until_removal: Option<usize>,
    /// Every RF frame the reader sent while the field was on, in order (for tests).
    frames: Vec<Vec<u8>>,
}

impl Picc {
    fn new() -> Picc {
        Picc {
            card: None,
            lifted: None,
            field: false,
            state: PiccState::Unpowered,
            pupi: [0; 4],
            pupi_counter: 0x4D4E_0001,
            fsd: 256,
            number: 1,
            command: Vec::new(),
            response: Vec::new(),
            response_sent: 0,
            held: None,
            wtx_left: 0,
            last_sent: Vec::new(),
            options: TypeBOptions::default(),
            blocks_until_removal: None,
            frames: Vec::new(),
        }
    }

    /// The card loses power: selections and verified PINs are gone.
    fn power_down(&mut self) {
        let was_powered = self.state != PiccState::Unpowered;
        self.reset_session();
        if was_powered && let Some(card) = self.card.as_mut() {
            card.power_off();
        }
    }

    /// Forgets the activation and any half-sent command or response.
    fn reset_session(&mut self) {
        self.state = PiccState::Unpowered;
        self.command.clear();
        self.response.clear();
        self.response_sent = 0;
        self.held = None;
    }

    fn field_off(&mut self) {
        self.field = false;
        self.power_down();
    }

    fn field_on(&mut self) {
        self.field = true;
        if self.state == PiccState::Unpowered && self.card.is_some() {
            self.state = PiccState::Idle;
        }
    }

    fn place(&mut self, card: Box<dyn Iso7816Card>) {
        self.remove();
        self.card = Some(card);
        if self.field {
            self.state = PiccState::Idle;
        }
    }

    fn remove(&mut self) -> Option<Box<dyn Iso7816Card>> {
        self.reset_session();
        let mut card = self.card.take().or_else(|| self.lifted.take());
        if let Some(card) = card.as_mut() {
            card.power_off();
        }
        card
    }

    /// The card leaves the field on its own, mid-exchange.
    fn lift(&mut self) {
        self.power_down();
        self.lifted = self.card.take();
        self.blocks_until_removal = None;
    }

    fn atqb(&self) -> Vec<u8> {
        let mut out = vec![0x50];
        out.extend_from_slice(&self.pupi);
        // Application data: AFI 00, no application CRC, no application count.
        out.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]);
        // Protocol info: 106 kbit/s only; FSC code and "ISO 14443-4 compliant"; FWI, ADC 0, no NAD/CID.
        out.push(0x00);
        out.push(self.options.max_frame_code << 4 | 0x01);
        out.push(self.options.fwi << 4);
        out
    }

    /// One RF frame from the reader; the answer, or `None` for silence.
    fn rf(&mut self, frame: &[u8], violations: &mut Vec<String>) -> Option<Vec<u8>> {
        if !self.field {
            return None;
        }
        self.frames.push(frame.to_vec());
        // No card in the field: nobody answers.
        self.card.as_ref()?;
        match self.state {
            PiccState::Unpowered | PiccState::Halted => None,
            PiccState::Idle | PiccState::Ready => self.activation(frame, violations),
            PiccState::Active => {
                if let Some(left) = self.blocks_until_removal {
                    if left == 0 {
                        self.lift();
                        return None;
                    }
                    self.blocks_until_removal = Some(left - 1);
                }
                let answer = self.block(frame, violations)?;
                self.last_sent = answer.clone();
                Some(answer)
            }
        }
    }

    fn activation(&mut self, frame: &[u8], violations: &mut Vec<String>) -> Option<Vec<u8>> {
        match frame {
            // SENSB_REQ (REQB): APf 05, AFI 00 = every family.
            [0x05, afi, param] => {
                if *afi != 0x00 {
                    violations.push(format!("SENSB_REQ for AFI {afi:02X}, not all families"));
                    return None;
                }
                if param & 0x07 != 0 {
                    violations.push(format!("SENSB_REQ with {param:02X}: more than one slot"));
                }
                if self.state == PiccState::Idle {
                    self.pupi = self.pupi_counter.to_be_bytes();
                    self.pupi_counter = self.pupi_counter.wrapping_add(1);
                    self.state = PiccState::Ready;
                }
                Some(self.atqb())
            }
            [0x1D, p0, p1, p2, p3, param1, param2, param3, param4, ..] => {
                if self.state != PiccState::Ready || [*p0, *p1, *p2, *p3] != self.pupi {
                    violations.push(format!("ATTRIB for another card: {frame:02X?}"));
                    return None;
                }
                if *param1 != 0x00 || param2 >> 4 != 0 || *param3 != 0x01 || *param4 != 0x00 {
                    violations.push(format!(
                        "ATTRIB parameters this card does not take: {frame:02X?}"
                    ));
                    return None;
                }
                self.fsd = match param2 & 0x0F {
                    0 => 16,
                    1 => 24,
                    2 => 32,
                    3 => 40,
                    4 => 48,
                    5 => 64,
                    6 => 96,
                    7 => 128,
                    _ => 256,
                };
                self.state = PiccState::Active;
                self.number = 1;
                // MBLI 0 (no limit given), CID 0.
                Some(vec![0x00])
            }
            _ => {
                violations.push(format!(
                    "RF frame {frame:02X?} to a card that is not activated"
                ));
                None
            }
        }
    }

    /// The card's side of ISO-DEP (ISO 14443-4 §7.5.4.3, rules 9–13).
    fn block(&mut self, frame: &[u8], violations: &mut Vec<String>) -> Option<Vec<u8>> {
        let (&pcb, inf) = frame.split_first()?;
        let n = pcb & 0x01;
        match pcb {
            // I-block, with or without chaining; no CID or NAD were agreed.
            0x02 | 0x03 | 0x12 | 0x13 => {
                if self.response_sent < self.response.len() {
                    violations.push(format!(
                        "I-block {frame:02X?} while the card was still chaining its response"
                    ));
                    return None;
                }
                if self.held.is_some() {
                    violations.push(format!("I-block {frame:02X?} instead of the S(WTX) answer"));
                    return None;
                }
                if n == self.number {
                    violations.push(format!(
                        "I-block {frame:02X?} with the block number the card used last (not toggled)"
                    ));
                    return None;
                }
                self.number = n;
                self.command.extend_from_slice(inf);
                if pcb & 0x10 != 0 {
                    return Some(vec![0xA2 | n]);
                }
                let command = std::mem::take(&mut self.command);
                let response = self.card.as_mut()?.process(&command);
                if self.options.wtx_requests > 0 {
                    self.held = Some(response);
                    self.wtx_left = self.options.wtx_requests - 1;
                    return Some(vec![0xF2, self.options.wtxm]);
                }
                Some(self.start_response(response))
            }
            // R(ACK): the reader wants the next part of a chained response, or (same number) the
            // last block again.
            0xA2 | 0xA3 => {
                if n == self.number {
                    return Some(self.last_sent.clone());
                }
                if self.response_sent < self.response.len() {
                    self.number = n;
                    return Some(self.next_response_block());
                }
                violations.push(format!("R(ACK) {frame:02X?} with nothing to continue"));
                None
            }
            // R(NAK): the reader lost the card's last block (same number: send it again), or the
            // card missed the reader's (other number: acknowledge so the reader repeats it).
            0xB2 | 0xB3 => {
                if n == self.number {
                    Some(self.last_sent.clone())
                } else {
                    Some(vec![0xA2 | self.number])
                }
            }
            // The reader's answer to S(WTX): it must repeat the multiplier.
            0xF2 => {
                let Some(held) = self.held.take() else {
                    violations.push(format!("S(WTX) answer {frame:02X?} nobody asked for"));
                    return None;
                };
                if inf.first().map(|b| b & 0x3F) != Some(self.options.wtxm) || inf.len() != 1 {
                    violations.push(format!("S(WTX) answer {frame:02X?} with another WTXM"));
                    self.held = Some(held);
                    return None;
                }
                if self.wtx_left > 0 {
                    self.wtx_left -= 1;
                    self.held = Some(held);
                    return Some(vec![0xF2, self.options.wtxm]);
                }
                Some(self.start_response(held))
            }
            0xC2 => {
                self.state = PiccState::Halted;
                Some(vec![0xC2])
            }
            _ => {
                violations.push(format!("block {frame:02X?} this card does not understand"));
                None
            }
        }
    }

    fn start_response(&mut self, response: Vec<u8>) -> Vec<u8> {
        self.response = response;
        self.response_sent = 0;
        self.next_response_block()
    }

    fn next_response_block(&mut self) -> Vec<u8> {
        // FSD counts the PCB and the two CRC bytes.
        let room = self
            .fsd
            .saturating_sub(3)
            .min(self.options.response_inf_max.unwrap_or(usize::MAX))
            .max(1);
        let end = (self.response_sent + room).min(self.response.len());
        let chaining = end < self.response.len();
        let mut block = vec![0x02 | self.number | if chaining { 0x10 } else { 0x00 }];
        block.extend_from_slice(&self.response[self.response_sent..end]);
        self.response_sent = end;
        if !chaining {
            self.response.clear();
            self.response_sent = 0;
        }
        block
    }
}

/// The card-handling and knob methods the two PaSoRi models share.
macro_rules! type_b_reader_methods {
    () => {
        /// Puts a card on the reader (taking off any card already there).
        pub fn place(&mut self, card: Box<dyn Iso7816Card>) {
            self.picc.place(card);
        }

        /// Takes the card off the reader; it loses power.
        pub fn remove(&mut self) -> Option<Box<dyn Iso7816Card>> {
            self.picc.remove()
        }

        pub fn has_card(&self) -> bool {
            self.picc.card.is_some()
        }

        /// The USB cable is pulled: every later transfer fails with `PipeError::Disconnected`.
        pub fn unplug(&mut self) {
            self.usb.unplug();
        }

        /// How the card behaves on the air (frame sizes, waiting-time extensions).
        pub fn set_card_options(&mut self, options: TypeBOptions) {
            self.picc.options = options;
        }

        /// The card answers `blocks` more ISO-DEP blocks, then leaves the field mid-exchange.
        pub fn remove_after_blocks(&mut self, blocks: usize) {
            self.picc.blocks_until_removal = Some(blocks);
        }

        /// Each bulk-IN transfer carries at most `bytes` (one USB packet), so frames arrive in pieces.
        pub fn set_packet_limit(&mut self, bytes: usize) {
            self.usb.packet_limit = Some(bytes);
        }

        /// What the host sent that the device would refuse (empty for a well-behaved driver).
        pub fn violations(&self) -> &[String] {
            &self.violations
        }

        /// Every RF frame the reader put on the air while the field was on.
        pub fn rf_frames(&self) -> &[Vec<u8>] {
            &self.picc.frames
        }
    };
}

// The models, one file each; after the macro above, which they use.
mod ccid_reader;
mod rcs300;
mod rcs380;

pub use ccid_reader::{JPKI_ATR, VirtualCcid};
pub use rcs300::VirtualRcs300;
pub use rcs380::VirtualRcs380;
