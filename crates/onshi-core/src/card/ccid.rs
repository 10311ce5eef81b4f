//! CCID bulk messages (USB CCID 1.1; docs/card-reader.md §4, LudovicRousseau/CCID `ccid.h`).
//!
//! Every message, both directions, is a 10-byte header — `bMessageType`, `dwLength` (LE, the length
//! of the data after the header), `bSlot`, `bSeq`, three message-specific bytes — then the data. A
//! reply echoes the slot and sequence number of its command. Plain CCID readers are only reachable
//! where the browser lets a page claim class 0x0B; the RC-S300 wraps its vendor commands in the same
//! header (`rcs300`).

use thiserror::Error;

/// The header's length.
pub const HEADER_LEN: usize = 10;

/// Message types: host to reader (`PC_to_RDR_*`) and reader to host (`RDR_to_PC_*`).
pub mod message {
    pub const ICC_POWER_ON: u8 = 0x62;
    pub const ICC_POWER_OFF: u8 = 0x63;
    pub const GET_SLOT_STATUS: u8 = 0x65;
    pub const ESCAPE: u8 = 0x6B;
    pub const XFR_BLOCK: u8 = 0x6F;
    pub const DATA_BLOCK: u8 = 0x80;
    pub const SLOT_STATUS: u8 = 0x81;
    pub const ESCAPE_RESPONSE: u8 = 0x83;
}

/// `bError` values when a command failed (CCID §6.2.6).
pub mod error_code {
    /// The command is not supported (or `bError` names the offending header byte by its index).
    pub const COMMAND_NOT_SUPPORTED: u8 = 0x00;
    /// The index of `bSlot`: the slot does not exist.
    pub const BAD_SLOT: u8 = 0x05;
    pub const CMD_ABORTED: u8 = 0xFF;
    /// The card does not answer: none is there, or it left.
    pub const ICC_MUTE: u8 = 0xFE;
    pub const XFR_PARITY_ERROR: u8 = 0xFD;
    pub const XFR_OVERRUN: u8 = 0xFC;
    pub const HW_ERROR: u8 = 0xFB;
    pub const BAD_ATR_TS: u8 = 0xF8;
    pub const BAD_ATR_TCK: u8 = 0xF7;
    pub const ICC_PROTOCOL_NOT_SUPPORTED: u8 = 0xF6;
    pub const ICC_CLASS_NOT_SUPPORTED: u8 = 0xF5;
    pub const PROCEDURE_BYTE_CONFLICT: u8 = 0xF4;
    pub const DEACTIVATED_PROTOCOL: u8 = 0xF3;
    pub const BUSY_WITH_AUTO_SEQUENCE: u8 = 0xF2;
    pub const PIN_TIMEOUT: u8 = 0xF0;
    pub const PIN_CANCELLED: u8 = 0xEF;
    pub const CMD_SLOT_BUSY: u8 = 0xE0;
}

/// A message header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub message_type: u8,
    /// `dwLength`: the data's length.
    pub length: u32,
    pub slot: u8,
    pub seq: u8,
    /// The three message-specific bytes (for replies: `bStatus`, `bError`, and one more).
    pub specific: [u8; 3],
}

/// Bytes that are no CCID message.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CcidError {
    #[error("CCID message shorter than its header: {bytes:02X?}")]
    ShortHeader { bytes: Vec<u8> },
    #[error("CCID message of {have} bytes, its header says {needed}: {bytes:02X?}")]
    Length {
        needed: usize,
        have: usize,
        bytes: Vec<u8>,
    },
}

impl Header {
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let l = self.length.to_le_bytes();
        [
            self.message_type,
            l[0],
            l[1],
            l[2],
            l[3],
            self.slot,
            self.seq,
            self.specific[0],
            self.specific[1],
            self.specific[2],
        ]
    }

    pub fn parse(bytes: &[u8]) -> Result<Header, CcidError> {
        match bytes {
            [t, l0, l1, l2, l3, slot, seq, s0, s1, s2, ..] => Ok(Header {
                message_type: *t,
                length: u32::from_le_bytes([*l0, *l1, *l2, *l3]),
                slot: *slot,
                seq: *seq,
                specific: [*s0, *s1, *s2],
            }),
            _ => Err(CcidError::ShortHeader {
                bytes: bytes.to_vec(),
            }),
        }
    }
}

/// One whole message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    pub data: &'a [u8],
}

/// A message's bytes: the header (with `dwLength` from the data) and the data.
pub fn encode(message_type: u8, slot: u8, seq: u8, specific: [u8; 3], data: &[u8]) -> Vec<u8> {
    let header = Header {
        message_type,
        // CCID data is at most a few kilobytes (dwMaxCCIDMessageLength); u32 cannot overflow here.
        length: u32::try_from(data.len()).unwrap_or(u32::MAX),
        slot,
        seq,
        specific,
    };
    let mut out = header.encode().to_vec();
    out.extend_from_slice(data);
    out
}

/// How many bytes the message starting with `head` takes, once its header is there: a message can
/// span several USB packets.
pub fn message_len(head: &[u8]) -> Option<usize> {
    let header = Header::parse(head).ok()?;
    usize::try_from(header.length).ok()?.checked_add(HEADER_LEN)
}

/// Reads one whole message; its length must be exactly what the header says.
pub fn parse(bytes: &[u8]) -> Result<Message<'_>, CcidError> {
    let header = Header::parse(bytes)?;
    let needed = message_len(bytes).unwrap_or(usize::MAX);
    if bytes.len() != needed {
        return Err(CcidError::Length {
            needed,
            have: bytes.len(),
            bytes: bytes.to_vec(),
        });
    }
    Ok(Message {
        header,
        data: &bytes[HEADER_LEN..],
    })
}

/// The single slot of the readers this app drives.
pub const SLOT: u8 = 0;

/// `PC_to_RDR_IccPowerOn` with automatic voltage selection.
pub fn icc_power_on(seq: u8) -> Vec<u8> {
    encode(message::ICC_POWER_ON, SLOT, seq, [0x00, 0x00, 0x00], &[])
}

/// `PC_to_RDR_IccPowerOff`.
pub fn icc_power_off(seq: u8) -> Vec<u8> {
    encode(message::ICC_POWER_OFF, SLOT, seq, [0x00; 3], &[])
}

/// `PC_to_RDR_GetSlotStatus`.
pub fn get_slot_status(seq: u8) -> Vec<u8> {
    encode(message::GET_SLOT_STATUS, SLOT, seq, [0x00; 3], &[])
}

/// `PC_to_RDR_XfrBlock` carrying a command APDU (APDU-level readers; bBWI 0, wLevelParameter 0).
pub fn xfr_block(seq: u8, apdu: &[u8]) -> Vec<u8> {
    encode(message::XFR_BLOCK, SLOT, seq, [0x00; 3], apdu)
}

/// `PC_to_RDR_Escape` carrying vendor bytes.
pub fn escape(seq: u8, data: &[u8]) -> Vec<u8> {
    encode(message::ESCAPE, SLOT, seq, [0x00; 3], data)
}

/// `bStatus` bits 0–1: the card's state in the slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IccStatus {
    /// Present and powered.
    Active,
    /// Present, not powered.
    Inactive,
    Absent,
    /// The reserved value 3.
    Reserved,
}

/// `bStatus` bits 6–7: how the command went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandStatus {
    Ok,
    /// `bError` says why.
    Failed,
    /// The card asked for more time: the real reply (same `bSeq`) follows.
    TimeExtension,
    Reserved,
}

/// A reply's `bStatus` byte, split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub icc: IccStatus,
    pub command: CommandStatus,
}

impl Status {
    pub fn from_byte(b: u8) -> Status {
        Status {
            icc: match b & 0x03 {
                0 => IccStatus::Active,
                1 => IccStatus::Inactive,
                2 => IccStatus::Absent,
                _ => IccStatus::Reserved,
            },
            command: match b >> 6 {
                0 => CommandStatus::Ok,
                1 => CommandStatus::Failed,
                2 => CommandStatus::TimeExtension,
                _ => CommandStatus::Reserved,
            },
        }
    }

    pub fn to_byte(self) -> u8 {
        let icc = match self.icc {
            IccStatus::Active => 0,
            IccStatus::Inactive => 1,
            IccStatus::Absent => 2,
            IccStatus::Reserved => 3,
        };
        let command = match self.command {
            CommandStatus::Ok => 0x00,
            CommandStatus::Failed => 0x40,
            CommandStatus::TimeExtension => 0x80,
            CommandStatus::Reserved => 0xC0,
        };
        icc | command
    }
}

/// A reply from the reader (`DataBlock`, `SlotStatus`, `Escape`), with its status read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply<'a> {
    pub message_type: u8,
    pub seq: u8,
    pub status: Status,
    /// `bError`; meaningful when the command failed (for a time extension it is the BWI multiplier).
    pub error: u8,
    pub data: &'a [u8],
}

impl<'a> Reply<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Reply<'a>, CcidError> {
        let m = parse(bytes)?;
        Ok(Reply {
            message_type: m.header.message_type,
            seq: m.header.seq,
            status: Status::from_byte(m.header.specific[0]),
            error: m.header.specific[1],
            data: m.data,
        })
    }
}

/// A reply's bytes (for the virtual readers), echoing the command's slot and sequence number:
/// `bStatus`, `bError`, and zero for the third byte (`bChainParameter` of a DataBlock: no chaining;
/// `bClockStatus` of a SlotStatus: clock running; RFU for Escape).
pub fn reply(
    message_type: u8,
    slot: u8,
    seq: u8,
    status: Status,
    error: u8,
    data: &[u8],
) -> Vec<u8> {
    encode(
        message_type,
        slot,
        seq,
        [status.to_byte(), error, 0x00],
        data,
    )
}
