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

use super::ccid::{self, CommandStatus, IccStatus, Status};
use super::port100::{self, Frame};
use super::reader::{PipeError, UsbPipe};
use super::tlv;
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

/// A Sony RC-S380: Port-100 frames over bulk endpoints.
pub struct VirtualRcs380 {
    usb: Endpoint,
    picc: Picc,
    violations: Vec<String>,
    /// Whether the host has sent its ACK (the soft reset drivers start with).
    reset: bool,
    command_type: Option<u8>,
    /// Whether InSetRF chose Type B 106 kbit/s since the field was last switched off.
    rf_set: bool,
    /// InSetProtocol settings since InSetRF, by key.
    protocol: [Option<u8>; 0x14],
}

impl Default for VirtualRcs380 {
    fn default() -> Self {
        VirtualRcs380::new()
    }
}

impl VirtualRcs380 {
    pub fn new() -> VirtualRcs380 {
        VirtualRcs380 {
            usb: Endpoint::default(),
            picc: Picc::new(),
            violations: Vec::new(),
            reset: false,
            command_type: None,
            rf_set: false,
            protocol: [None; 0x14],
        }
    }

    type_b_reader_methods!();

    /// Answers one command with its response payload, or `None` for the error frame.
    fn command(&mut self, code: u8, params: &[u8]) -> Option<Vec<u8>> {
        use port100::{cmd, status};
        if !self.reset {
            self.violations
                .push(format!("command {code:02X} before the host's opening ACK"));
        }
        if code == cmd::SET_COMMAND_TYPE {
            if params != [0x01] {
                self.violations.push(format!(
                    "SetCommandType {params:02X?}: this model speaks type 01"
                ));
                return Some(vec![status::PARAMETER_ERROR]);
            }
            self.command_type = Some(0x01);
            return Some(vec![status::SUCCESS]);
        }
        if code == cmd::GET_FIRMWARE_VERSION {
            return Some(vec![0x11, 0x01]);
        }
        if self.command_type.is_none() {
            self.violations
                .push(format!("command {code:02X} before SetCommandType"));
            return Some(vec![status::COMMAND_TYPE_ERROR]);
        }
        match code {
            cmd::SWITCH_RF => match params {
                [0x00] => {
                    self.picc.field_off();
                    self.rf_set = false;
                    self.protocol = [None; 0x14];
                    Some(vec![status::SUCCESS])
                }
                [0x01] => {
                    self.picc.field_on();
                    Some(vec![status::SUCCESS])
                }
                _ => {
                    self.violations.push(format!("SwitchRF {params:02X?}"));
                    Some(vec![status::PARAMETER_ERROR])
                }
            },
            cmd::IN_SET_RF => {
                if params != port100::TYPE_B_106 {
                    self.violations.push(format!(
                        "InSetRF {params:02X?}: this model does Type B 106 kbit/s only"
                    ));
                    return Some(vec![status::PARAMETER_ERROR]);
                }
                self.rf_set = true;
                self.protocol = [None; 0x14];
                self.picc.field_on();
                Some(vec![status::SUCCESS])
            }
            cmd::IN_SET_PROTOCOL => {
                let pairs = params.chunks_exact(2);
                if !pairs.remainder().is_empty()
                    || pairs.clone().any(|p| p[0] > port100::protocol_key::LAST)
                {
                    self.violations.push(format!(
                        "InSetProtocol {params:02X?}: not (key, value) pairs"
                    ));
                    return Some(vec![status::PARAMETER_ERROR]);
                }
                for pair in pairs {
                    self.protocol[usize::from(pair[0])] = Some(pair[1]);
                }
                Some(vec![status::SUCCESS])
            }
            cmd::IN_COMM_RF => Some(self.in_comm_rf(params)),
            _ => {
                self.violations
                    .push(format!("command {code:02X} this model does not know"));
                None
            }
        }
    }

    fn in_comm_rf(&mut self, params: &[u8]) -> Vec<u8> {
        use port100::{comm_error, protocol_key as key};
        let [_, _, frame @ ..] = params else {
            self.violations
                .push(format!("InCommRF {params:02X?} without a timeout"));
            return port100::comm_result(comm_error::PROTOCOL, &[]);
        };
        if !self.rf_set {
            self.violations
                .push("InCommRF before InSetRF chose Type B".to_owned());
            return port100::comm_result(comm_error::RF_OFF, &[]);
        }
        let framing = [
            key::ADD_CRC,
            key::CHECK_CRC,
            key::ADD_SOF,
            key::CHECK_SOF,
            key::ADD_EOF,
            key::CHECK_EOF,
        ];
        if framing
            .iter()
            .any(|&k| self.protocol[usize::from(k)] != Some(0x01))
        {
            self.violations.push(
                "InCommRF before InSetProtocol set Type B framing (CRC, SOF, EOF)".to_owned(),
            );
            return port100::comm_result(comm_error::PROTOCOL, &[]);
        }
        match self.picc.rf(frame, &mut self.violations) {
            Some(answer) => port100::comm_result(0, &answer),
            None => port100::comm_result(comm_error::RECEIVE_TIMEOUT, &[]),
        }
    }
}

impl VirtualDevice for VirtualRcs380 {
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        self.usb.plugged()?;
        match port100::parse_frame(bytes) {
            Ok(Frame::Ack) => {
                // The host's ACK cancels whatever was pending: a soft reset.
                self.usb.queue.clear();
                self.reset = true;
            }
            Ok(Frame::Data([port100::COMMAND, code, params @ ..])) => {
                let (code, params) = (*code, params.to_vec());
                self.usb.push(port100::ACK.to_vec());
                match self.command(code, &params) {
                    Some(payload) => self.usb.push(port100::response(code, &payload)),
                    None => self.usb.push(port100::ERROR_FRAME.to_vec()),
                }
            }
            Ok(other) => {
                self.violations
                    .push(format!("{other:02X?} is not a command frame"));
                self.usb.push(port100::ERROR_FRAME.to_vec());
            }
            Err(e) => {
                self.violations.push(e.to_string());
                self.usb.push(port100::ERROR_FRAME.to_vec());
            }
        }
        Ok(())
    }

    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.usb.pop(max_len)
    }
}

/// The generic error status of a successful pseudo-APDU: no failing object, `90 00`.
const ESCAPE_OK: [u8; 5] = [0xC0, 0x03, 0x00, 0x90, 0x00];

/// A Sony RC-S300's vendor interface: CCID escape messages carrying pseudo-APDUs. How the real
/// reader answers a Type B transparent exchange is not public; this model answers the way it answers
/// FeliCa (`C0` status, `96` status, `97` data, SW), and a silent card with the generic status
/// `01 64 01` (the transceive object failed: no response) — an inference, unproven on hardware.
pub struct VirtualRcs300 {
    usb: Endpoint,
    picc: Picc,
    violations: Vec<String>,
    session: bool,
    /// The standard and layer chosen by switch protocol.
    protocol: Option<(u8, u8)>,
    time_extensions: u8,
}

impl Default for VirtualRcs300 {
    fn default() -> Self {
        VirtualRcs300::new()
    }
}

impl VirtualRcs300 {
    pub fn new() -> VirtualRcs300 {
        VirtualRcs300 {
            usb: Endpoint::default(),
            picc: Picc::new(),
            violations: Vec::new(),
            session: false,
            protocol: None,
            time_extensions: 0,
        }
    }

    type_b_reader_methods!();

    /// The reader asks for more time (`bStatus` 0x80) this many times before each answer.
    pub fn set_time_extensions(&mut self, count: u8) {
        self.time_extensions = count;
    }

    /// Answers one pseudo-APDU with the escape response's data.
    fn pseudo_apdu(&mut self, apdu: &[u8]) -> Vec<u8> {
        use super::rcs300::{function, protocol, session};
        let refused = |sw: [u8; 2]| {
            let mut out = vec![0xC0, 0x03, 0x01, sw[0], sw[1]];
            out.extend_from_slice(&[0x90, 0x00]);
            out
        };
        let ok = || {
            let mut out = ESCAPE_OK.to_vec();
            out.extend_from_slice(&[0x90, 0x00]);
            out
        };
        match apdu {
            [
                0xFF,
                0x50,
                0x00,
                function::MANAGE_SESSION,
                0x02,
                object,
                0x00,
                0x00,
            ] => {
                match *object {
                    session::START_TRANSPARENT => self.session = true,
                    session::END_TRANSPARENT => {
                        self.session = false;
                        self.protocol = None;
                        self.picc.field_off();
                    }
                    session::RF_OFF | session::RF_ON if !self.session => {
                        self.violations
                            .push(format!("RF {object:02X} outside a transparent session"));
                        return refused([0x6A, 0x81]);
                    }
                    session::RF_OFF => self.picc.field_off(),
                    session::RF_ON => self.picc.field_on(),
                    _ => {
                        self.violations
                            .push(format!("manage session object {object:02X}"));
                        return refused([0x6A, 0x81]);
                    }
                }
                ok()
            }
            [
                0xFF,
                0x50,
                0x00,
                function::SWITCH_PROTOCOL,
                0x04,
                0x8F,
                0x02,
                standard,
                layer,
                0x00,
            ] => {
                if !self.session {
                    self.violations
                        .push("switch protocol outside a transparent session".to_owned());
                    return refused([0x6A, 0x81]);
                }
                if (*standard, *layer) != (protocol::TYPE_B, protocol::LAYER_3) {
                    self.violations.push(format!(
                        "switch protocol to {standard:02X} {layer:02X}: this model does Type B layer 3 only"
                    ));
                    return refused([0x6A, 0x81]);
                }
                self.protocol = Some((*standard, *layer));
                ok()
            }
            [
                0xFF,
                0x50,
                0x00,
                function::TRANSPARENT_EXCHANGE,
                0x00,
                hi,
                lo,
                rest @ ..,
            ] => {
                let lc = usize::from(u16::from_be_bytes([*hi, *lo]));
                let (Some(objects), Some(&[0x00, 0x00, 0x00])) = (rest.get(..lc), rest.get(lc..))
                else {
                    self.violations
                        .push(format!("transparent exchange with a wrong Lc: {apdu:02X?}"));
                    return refused([0x67, 0x00]);
                };
                self.transparent_exchange(objects)
            }
            _ => {
                self.violations
                    .push(format!("pseudo-APDU this model does not know: {apdu:02X?}"));
                vec![0x6D, 0x00]
            }
        }
    }

    fn transparent_exchange(&mut self, objects: &[u8]) -> Vec<u8> {
        let refused = |sw: [u8; 2]| vec![0xC0, 0x03, 0x01, sw[0], sw[1], 0x90, 0x00];
        let Ok(objects) = tlv::parse_all(objects) else {
            self.violations.push(format!(
                "transparent exchange objects are not BER-TLV: {objects:02X?}"
            ));
            return refused([0x67, 0x00]);
        };
        let timer = objects.iter().find(|o| o.tag == 0x5F46).map(|o| o.value);
        let frame = objects.iter().find(|o| o.tag == 0x95).map(|o| o.value);
        let (Some([_, _, _, _]), Some(frame)) = (timer, frame) else {
            self.violations
                .push("transparent exchange without a 4-byte timer and a frame".to_owned());
            return refused([0x67, 0x00]);
        };
        if !self.session || self.protocol.is_none() || !self.picc.field {
            self.violations.push(
                "transparent exchange before session, Type B protocol and field were set up"
                    .to_owned(),
            );
            return refused([0x69, 0x85]);
        }
        match self.picc.rf(frame, &mut self.violations) {
            Some(answer) => {
                let mut out = ESCAPE_OK.to_vec();
                out.extend_from_slice(&[0x96, 0x02, 0x00, 0x00]);
                out.extend_from_slice(&tlv::encode(0x97, &answer));
                out.extend_from_slice(&[0x90, 0x00]);
                out
            }
            None => vec![0xC0, 0x03, 0x01, 0x64, 0x01, 0x90, 0x00],
        }
    }

    /// The escape replies' `bStatus`: the card counts as present and active while it is on the reader.
    fn status(&self, command: CommandStatus) -> Status {
        let icc = if self.picc.card.is_some() {
            IccStatus::Active
        } else {
            IccStatus::Absent
        };
        Status { icc, command }
    }
}

impl VirtualDevice for VirtualRcs300 {
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        self.usb.plugged()?;
        let message = match ccid::parse(bytes) {
            Ok(message) => message,
            Err(e) => {
                // A real CCID device ignores a malformed message; the host then times out.
                self.violations.push(e.to_string());
                return Ok(());
            }
        };
        let h = message.header;
        if h.message_type != ccid::message::ESCAPE {
            self.violations.push(format!(
                "CCID message {:02X} on the vendor interface",
                h.message_type
            ));
            let reply = ccid::reply(
                ccid::message::SLOT_STATUS,
                h.slot,
                h.seq,
                self.status(CommandStatus::Failed),
                ccid::error_code::COMMAND_NOT_SUPPORTED,
                &[],
            );
            self.usb.push(reply);
            return Ok(());
        }
        if h.slot != ccid::SLOT || h.specific != [0x00; 3] {
            self.violations
                .push(format!("escape header {:02X?}", &bytes[..ccid::HEADER_LEN]));
            let reply = ccid::reply(
                ccid::message::ESCAPE_RESPONSE,
                h.slot,
                h.seq,
                self.status(CommandStatus::Failed),
                ccid::error_code::BAD_SLOT,
                &[],
            );
            self.usb.push(reply);
            return Ok(());
        }
        let data = message.data.to_vec();
        let answer = self.pseudo_apdu(&data);
        for _ in 0..self.time_extensions {
            let wait = ccid::reply(
                ccid::message::ESCAPE_RESPONSE,
                h.slot,
                h.seq,
                self.status(CommandStatus::TimeExtension),
                0x01,
                &[],
            );
            self.usb.push(wait);
        }
        let reply = ccid::reply(
            ccid::message::ESCAPE_RESPONSE,
            h.slot,
            h.seq,
            self.status(CommandStatus::Ok),
            0x00,
            &answer,
        );
        self.usb.push(reply);
        Ok(())
    }

    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.usb.pop(max_len)
    }
}

/// The ATR the virtual CCID reader reports: the JPKI card's contact ATR (card-reader.md §3, OpenSC
/// `card-jpki.c`).
pub const JPKI_ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// A plain CCID reader that exchanges APDUs (XfrBlock at APDU level) and runs the contactless side
/// itself.
pub struct VirtualCcid {
    usb: Endpoint,
    card: Option<Box<dyn Iso7816Card>>,
    /// A card that left on its own (`remove_after_commands`), kept for `remove()`.
    lifted: Option<Box<dyn Iso7816Card>>,
    powered: bool,
    violations: Vec<String>,
    time_extensions: u8,
    commands_until_removal: Option<usize>,
}

impl Default for VirtualCcid {
    fn default() -> Self {
        VirtualCcid::new()
    }
}

impl VirtualCcid {
    pub fn new() -> VirtualCcid {
        VirtualCcid {
            usb: Endpoint::default(),
            card: None,
            lifted: None,
            powered: false,
            violations: Vec::new(),
            time_extensions: 0,
            commands_until_removal: None,
        }
    }

    pub fn place(&mut self, card: Box<dyn Iso7816Card>) {
        self.remove();
        self.card = Some(card);
    }

    pub fn remove(&mut self) -> Option<Box<dyn Iso7816Card>> {
        self.powered = false;
        let mut card = self.card.take().or_else(|| self.lifted.take());
        if let Some(card) = card.as_mut() {
            card.power_off();
        }
        card
    }

    pub fn has_card(&self) -> bool {
        self.card.is_some()
    }

    pub fn unplug(&mut self) {
        self.usb.unplug();
    }

    /// The reader sends this many time extensions (`bStatus` 0x80) before each XfrBlock answer.
    pub fn set_time_extensions(&mut self, count: u8) {
        self.time_extensions = count;
    }

    /// The card answers `commands` more XfrBlocks, then leaves.
    pub fn remove_after_commands(&mut self, commands: usize) {
        self.commands_until_removal = Some(commands);
    }

    /// Each bulk-IN transfer carries at most `bytes`.
    pub fn set_packet_limit(&mut self, bytes: usize) {
        self.usb.packet_limit = Some(bytes);
    }

    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    fn icc(&self) -> IccStatus {
        match (&self.card, self.powered) {
            (None, _) => IccStatus::Absent,
            (Some(_), true) => IccStatus::Active,
            (Some(_), false) => IccStatus::Inactive,
        }
    }

    fn status(&self, command: CommandStatus) -> Status {
        Status {
            icc: self.icc(),
            command,
        }
    }

    fn xfr_block(&mut self, slot: u8, seq: u8, apdu: &[u8]) -> Vec<u8> {
        use ccid::message::DATA_BLOCK;
        if let Some(left) = self.commands_until_removal {
            if left == 0 {
                self.powered = false;
                if let Some(card) = self.card.as_mut() {
                    card.power_off();
                }
                self.lifted = self.card.take();
                self.commands_until_removal = None;
            } else {
                self.commands_until_removal = Some(left - 1);
            }
        }
        let failed = self.status(CommandStatus::Failed);
        if self.card.is_none() {
            return ccid::reply(
                DATA_BLOCK,
                slot,
                seq,
                failed,
                ccid::error_code::ICC_MUTE,
                &[],
            );
        }
        if !self.powered {
            self.violations
                .push("XfrBlock to a card that is not powered".to_owned());
            let code = ccid::error_code::DEACTIVATED_PROTOCOL;
            return ccid::reply(DATA_BLOCK, slot, seq, failed, code, &[]);
        }
        if apdu.len() < 4 {
            self.violations
                .push(format!("XfrBlock with {apdu:02X?}, not an APDU"));
        }
        let response = match self.card.as_mut() {
            Some(card) => card.process(apdu),
            None => Vec::new(),
        };
        for _ in 0..self.time_extensions {
            let wait = self.status(CommandStatus::TimeExtension);
            self.usb
                .push(ccid::reply(DATA_BLOCK, slot, seq, wait, 0x01, &[]));
        }
        let ok = self.status(CommandStatus::Ok);
        ccid::reply(DATA_BLOCK, slot, seq, ok, 0x00, &response)
    }
}

impl VirtualDevice for VirtualCcid {
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        use ccid::message;
        self.usb.plugged()?;
        let parsed = match ccid::parse(bytes) {
            Ok(m) => m,
            Err(e) => {
                self.violations.push(e.to_string());
                return Ok(());
            }
        };
        let (h, data) = (parsed.header, parsed.data.to_vec());
        if h.slot != ccid::SLOT {
            self.violations.push(format!("CCID slot {}", h.slot));
            let failed = self.status(CommandStatus::Failed);
            let reply = ccid::reply(
                message::SLOT_STATUS,
                h.slot,
                h.seq,
                failed,
                ccid::error_code::BAD_SLOT,
                &[],
            );
            self.usb.push(reply);
            return Ok(());
        }
        let reply = match h.message_type {
            message::ICC_POWER_ON => {
                if h.specific[0] > 3 {
                    self.violations.push(format!(
                        "IccPowerOn with bPowerSelect {:02X}",
                        h.specific[0]
                    ));
                }
                match self.card.as_mut() {
                    Some(card) => {
                        // Powering on again is a reset: the card starts over.
                        if self.powered {
                            card.power_off();
                        }
                        self.powered = true;
                        let ok = self.status(CommandStatus::Ok);
                        ccid::reply(message::DATA_BLOCK, h.slot, h.seq, ok, 0x00, &JPKI_ATR)
                    }
                    None => {
                        let failed = self.status(CommandStatus::Failed);
                        let code = ccid::error_code::ICC_MUTE;
                        ccid::reply(message::DATA_BLOCK, h.slot, h.seq, failed, code, &[])
                    }
                }
            }
            message::ICC_POWER_OFF => {
                if self.powered
                    && let Some(card) = self.card.as_mut()
                {
                    card.power_off();
                }
                self.powered = false;
                let ok = self.status(CommandStatus::Ok);
                ccid::reply(message::SLOT_STATUS, h.slot, h.seq, ok, 0x00, &[])
            }
            message::GET_SLOT_STATUS => {
                let ok = self.status(CommandStatus::Ok);
                ccid::reply(message::SLOT_STATUS, h.slot, h.seq, ok, 0x00, &[])
            }
            message::XFR_BLOCK => self.xfr_block(h.slot, h.seq, &data),
            other => {
                self.violations
                    .push(format!("CCID message {other:02X} this model does not know"));
                let failed = self.status(CommandStatus::Failed);
                let code = ccid::error_code::COMMAND_NOT_SUPPORTED;
                ccid::reply(message::SLOT_STATUS, h.slot, h.seq, failed, code, &[])
            }
        };
        self.usb.push(reply);
        Ok(())
    }

    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.usb.pop(max_len)
    }
}
