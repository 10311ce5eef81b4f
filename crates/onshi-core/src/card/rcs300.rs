//! The RC-S300's vendor-class interface: CCID `PC_to_RDR_Escape` messages carrying PC/SC 2.0 Part 3
//! style pseudo-APDUs with INS `50` (docs/card-reader.md §2.2; xcx-pasorich `s300-driver.js`,
//! marimelon/rcs300-poc `RCS300.ts`).
//!
//! Public code uses this interface for FeliCa only. **Type B over it is unproven on hardware**: this
//! app switches the reader to ISO 14443 Type B layer 3 (`8F 02 01 03`) and then runs its own SENSB,
//! ATTRIB and ISO-DEP (`iso14443b`) through transparent exchanges, so the RC-S300 shares the block
//! protocol code with the RC-S380. Test it with a real reader before relying on it.

use thiserror::Error;

use super::apdu::StatusWord;
use super::ccid;
use super::tlv;

/// The pseudo-APDUs' class and instruction bytes.
pub const CLA: u8 = 0xFF;
pub const INS: u8 = 0x50;

/// P2 of the three pseudo-APDUs (P1 is `00`).
pub mod function {
    pub const MANAGE_SESSION: u8 = 0x00;
    pub const TRANSPARENT_EXCHANGE: u8 = 0x01;
    pub const SWITCH_PROTOCOL: u8 = 0x02;
}

/// Manage-session data objects (each with an empty value).
pub mod session {
    pub const START_TRANSPARENT: u8 = 0x81;
    pub const END_TRANSPARENT: u8 = 0x82;
    pub const RF_OFF: u8 = 0x83;
    pub const RF_ON: u8 = 0x84;
}

/// Data-object tags of requests and responses.
pub mod tag {
    /// Switch protocol: `8F 02 <standard> <layer>`.
    pub const SWITCH_PROTOCOL: u32 = 0x8F;
    /// The transparent exchange's timer: four bytes, microseconds, little-endian.
    pub const TIMER: u32 = 0x5F46;
    /// Transmit a frame and receive the answer.
    pub const TRANSCEIVE: u32 = 0x95;
    /// Response status.
    pub const RESPONSE_STATUS: u32 = 0x96;
    /// The card's answer.
    pub const RESPONSE_DATA: u32 = 0x97;
    /// Generic error status: `<index of the failing object> <SW1> <SW2>`.
    pub const GENERIC_STATUS: u32 = 0xC0;
}

/// Switch-protocol standards and layers.
pub mod protocol {
    pub const TYPE_A: u8 = 0x00;
    pub const TYPE_B: u8 = 0x01;
    pub const FELICA: u8 = 0x03;
    /// ISO 14443-3: the reader handles the RF framing and CRC, the host sends SENSB/ATTRIB/blocks.
    pub const LAYER_3: u8 = 0x03;
}

/// `FF 50 00 00 02 <object> 00 00`: start or end the transparent session, switch the field off or on.
pub fn manage_session(object: u8) -> Vec<u8> {
    vec![
        CLA,
        INS,
        0x00,
        function::MANAGE_SESSION,
        0x02,
        object,
        0x00,
        0x00,
    ]
}

/// `FF 50 00 02 04 8F 02 <standard> <layer> 00`.
pub fn switch_protocol(standard: u8, layer: u8) -> Vec<u8> {
    vec![
        CLA,
        INS,
        0x00,
        function::SWITCH_PROTOCOL,
        0x04,
        0x8F,
        0x02,
        standard,
        layer,
        0x00,
    ]
}

/// `FF 50 00 01 00 <Lc hi lo> 5F 46 04 <timeout µs LE32> 95 82 <len hi lo> <frame> 00 00 00`: send
/// one RF frame and wait up to `timeout_us` for the card's answer. RF frames are far below 64 KiB.
pub fn transparent_exchange(timeout_us: u32, frame: &[u8]) -> Vec<u8> {
    let frame_len = u16::try_from(frame.len()).unwrap_or(u16::MAX);
    let mut objects = vec![0x5F, 0x46, 0x04];
    objects.extend_from_slice(&timeout_us.to_le_bytes());
    objects.extend_from_slice(&[0x95, 0x82]);
    objects.extend_from_slice(&frame_len.to_be_bytes());
    objects.extend_from_slice(frame);
    let lc = u16::try_from(objects.len()).unwrap_or(u16::MAX);
    let mut out = vec![CLA, INS, 0x00, function::TRANSPARENT_EXCHANGE, 0x00];
    out.extend_from_slice(&lc.to_be_bytes());
    out.extend_from_slice(&objects);
    out.extend_from_slice(&[0x00, 0x00, 0x00]);
    out
}

/// A pseudo-APDU wrapped in `PC_to_RDR_Escape`.
pub fn escape(seq: u8, pseudo_apdu: &[u8]) -> Vec<u8> {
    ccid::escape(seq, pseudo_apdu)
}

/// The reader's answer to a pseudo-APDU (the `RDR_to_PC_Escape` data): data objects, then a status word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapeResponse<'a> {
    /// `C0`: the index of the object that failed and its status word; `None` when absent.
    pub generic_status: Option<&'a [u8]>,
    /// `96`.
    pub response_status: Option<&'a [u8]>,
    /// `97`: the card's answer to a transparent exchange.
    pub data: Option<&'a [u8]>,
    pub sw: StatusWord,
}

impl EscapeResponse<'_> {
    /// Whether the reader reports success: SW `90 00`, and a generic status (if any) of `xx 90 00`.
    pub fn ok(&self) -> bool {
        self.sw.is_ok()
            && self
                .generic_status
                .is_none_or(|s| s.get(1..) == Some(&[0x90, 0x00]))
    }
}

/// An escape response that cannot be read.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("unreadable RC-S300 response: {bytes:02X?}")]
pub struct BadEscapeResponse {
    pub bytes: Vec<u8>,
}

/// Reads an escape response's data: BER-TLV objects followed by SW1 SW2.
pub fn parse_response(bytes: &[u8]) -> Result<EscapeResponse<'_>, BadEscapeResponse> {
    let bad = || BadEscapeResponse {
        bytes: bytes.to_vec(),
    };
    let [objects @ .., sw1, sw2] = bytes else {
        return Err(bad());
    };
    let objects = tlv::parse_all(objects).map_err(|_| bad())?;
    let find = |t: u32| objects.iter().find(|o| o.tag == t).map(|o| o.value);
    Ok(EscapeResponse {
        generic_status: find(tag::GENERIC_STATUS),
        response_status: find(tag::RESPONSE_STATUS),
        data: find(tag::RESPONSE_DATA),
        sw: StatusWord(*sw1, *sw2),
    })
}
