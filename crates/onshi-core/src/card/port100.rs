//! Sony's Port-100 framing, spoken by the RC-S380 over its vendor-class interface
//! (docs/card-reader.md §2.1; nfcpy `rcs380.py`, aruneko/WebUSB-MyNumberCard).
//!
//! Every exchange is a command frame from the host, answered by an ACK frame and then a data frame
//! (or the error frame). A frame is `00 00 FF FF FF` + LEN (2, little-endian) + LCS + data + DCS + `00`,
//! where LCS makes the two length bytes sum to zero and DCS does the same for the data. Command data
//! starts `D6 <cmd>`, response data `D7 <cmd + 1>`. The same codec serves the driver (commands out,
//! responses in) and the virtual reader (the other way round).

use thiserror::Error;

/// The ACK frame: the device's "command received", and the host's soft reset / cancel.
pub const ACK: [u8; 6] = [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00];
/// The error frame the device sends instead of a data frame when it cannot take a command.
pub const ERROR_FRAME: [u8; 5] = [0x00, 0x00, 0xFF, 0xFF, 0xFF];
/// The preamble and start code every frame begins with.
const START: [u8; 3] = [0x00, 0x00, 0xFF];
/// Command frames' data start with this byte, then the command code.
pub const COMMAND: u8 = 0xD6;
/// Response frames' data start with this byte, then the command code plus one.
pub const RESPONSE: u8 = 0xD7;
/// The bytes around a data frame's data: start code, extended-frame marker, LEN, LCS; DCS and postamble.
const DATA_HEADER_LEN: usize = 8;
const DATA_TRAILER_LEN: usize = 2;

/// The command codes this app uses (nfcpy's `Chipset.CMD` names).
pub mod cmd {
    /// Sets the RF technology and bit rates (for Type B at 106 kbit/s: `TYPE_B_106`).
    pub const IN_SET_RF: u8 = 0x00;
    /// Sets protocol options as (key, value) pairs.
    pub const IN_SET_PROTOCOL: u8 = 0x02;
    /// Sends an RF frame to the card and returns its answer.
    pub const IN_COMM_RF: u8 = 0x04;
    /// Switches the field: `00` off, `01` on.
    pub const SWITCH_RF: u8 = 0x06;
    /// Reads the firmware version.
    pub const GET_FIRMWARE_VERSION: u8 = 0x20;
    /// Selects the command set; the app uses type `01`.
    pub const SET_COMMAND_TYPE: u8 = 0x2A;
}

/// InSetRF parameters for ISO 14443 Type B at 106 kbit/s, both directions (nfcpy "106B": 3, 7, 15, 7;
/// aruneko sends the same four bytes).
pub const TYPE_B_106: [u8; 4] = [0x03, 0x07, 0x0F, 0x07];

/// nfcpy's and aruneko's InSetProtocol defaults, sent before every technology's own settings.
pub const PROTOCOL_DEFAULTS: [u8; 38] = [
    0x00, 0x18, 0x01, 0x01, 0x02, 0x01, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x08,
    0x08, 0x00, 0x09, 0x00, 0x0A, 0x00, 0x0B, 0x00, 0x0C, 0x00, 0x0E, 0x04, 0x0F, 0x00, 0x10, 0x00,
    0x11, 0x00, 0x12, 0x00, 0x13, 0x06,
];

/// The Type B settings on top of the defaults: add and check SOF and EOF, initial guard time 20
/// (nfcpy `sense_ttb`; aruneko sends these bytes in this order).
pub const PROTOCOL_TYPE_B: [u8; 10] = [0x0B, 0x01, 0x09, 0x01, 0x0C, 0x01, 0x0A, 0x01, 0x00, 0x14];

/// InSetProtocol keys, nfcpy's `in_set_protocol` names.
pub mod protocol_key {
    pub const INITIAL_GUARD_TIME: u8 = 0x00;
    pub const ADD_CRC: u8 = 0x01;
    pub const CHECK_CRC: u8 = 0x02;
    pub const ADD_SOF: u8 = 0x09;
    pub const CHECK_SOF: u8 = 0x0A;
    pub const ADD_EOF: u8 = 0x0B;
    pub const CHECK_EOF: u8 = 0x0C;
    /// The highest key the chip knows (`guard_time`).
    pub const LAST: u8 = 0x13;
}

/// InCommRF error word bits (nfcpy `CommunicationError`).
pub mod comm_error {
    pub const PROTOCOL: u32 = 0x0000_0001;
    pub const PARITY: u32 = 0x0000_0002;
    pub const CRC: u32 = 0x0000_0004;
    pub const COLLISION: u32 = 0x0000_0008;
    pub const OVERFLOW: u32 = 0x0000_0010;
    /// The card did not answer in time: no card, or the card left.
    pub const RECEIVE_TIMEOUT: u32 = 0x0000_0080;
    pub const RF_OFF: u32 = 0x0000_0400;
    pub const RECEIVE_LENGTH: u32 = 0x8000_0000;
}

/// Status bytes of the set-up commands (nfcpy `StatusError`): `00` success.
pub mod status {
    pub const SUCCESS: u8 = 0x00;
    pub const PARAMETER_ERROR: u8 = 0x01;
    pub const COMMAND_TYPE_ERROR: u8 = 0x07;
}

/// A frame as read from the device (or, for the virtual reader, from the host).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    Ack,
    Error,
    /// A data frame's data (between LCS and DCS), checksums verified.
    Data(&'a [u8]),
}

/// Bytes that are not a valid Port-100 frame. Each variant carries the bytes for the log.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("not a Port-100 frame: {bytes:02X?}")]
    NotAFrame { bytes: Vec<u8> },
    #[error("Port-100 frame cut short ({have} of {needed} bytes): {bytes:02X?}")]
    Truncated {
        needed: usize,
        have: usize,
        bytes: Vec<u8>,
    },
    #[error("Port-100 length checksum wrong: {bytes:02X?}")]
    LengthChecksum { bytes: Vec<u8> },
    #[error("Port-100 data checksum wrong: {bytes:02X?}")]
    DataChecksum { bytes: Vec<u8> },
    #[error("Port-100 frame without its 00 postamble, or with bytes after it: {bytes:02X?}")]
    Postamble { bytes: Vec<u8> },
}

/// The byte that makes `bytes` sum to zero modulo 256 (both LCS and DCS).
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .fold(0u8, |sum, &b| sum.wrapping_add(b))
        .wrapping_neg()
}

/// Wraps `data` (`D6 …` or `D7 …`) in a data frame. Port-100 data stays far below 64 KiB (LEN is two
/// bytes); anything longer would get LEN `FFFF` and fail the receiver's length check.
pub fn frame(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap_or(u16::MAX).to_le_bytes();
    let mut out = Vec::with_capacity(DATA_HEADER_LEN + data.len() + DATA_TRAILER_LEN);
    out.extend_from_slice(&[0x00, 0x00, 0xFF, 0xFF, 0xFF]);
    out.extend_from_slice(&len);
    out.push(checksum(&len));
    out.extend_from_slice(data);
    out.push(checksum(data));
    out.push(0x00);
    out
}

/// A command frame: `D6 <cmd> <params>`.
pub fn command(code: u8, params: &[u8]) -> Vec<u8> {
    let mut data = vec![COMMAND, code];
    data.extend_from_slice(params);
    frame(&data)
}

/// A response frame to command `code`: `D7 <code + 1> <payload>`.
pub fn response(code: u8, payload: &[u8]) -> Vec<u8> {
    let mut data = vec![RESPONSE, code.wrapping_add(1)];
    data.extend_from_slice(payload);
    frame(&data)
}

/// How many bytes the frame starting with `head` takes, once enough of it is there to tell; `None`
/// while `head` is too short. Port-100 answers can exceed one 64-byte USB packet, so a reader that
/// receives a frame in pieces reads on until it has this many bytes.
pub fn frame_len(head: &[u8]) -> Option<usize> {
    if head == ERROR_FRAME {
        return Some(ERROR_FRAME.len());
    }
    match head {
        [0x00, 0x00, 0xFF, 0x00, 0xFF, ..] => Some(ACK.len()),
        [0x00, 0x00, 0xFF, 0xFF, 0xFF, lo, hi, ..] => {
            Some(DATA_HEADER_LEN + usize::from(u16::from_le_bytes([*lo, *hi])) + DATA_TRAILER_LEN)
        }
        _ => None,
    }
}

/// Reads one whole frame, verifying the checksums and the postamble.
pub fn parse_frame(bytes: &[u8]) -> Result<Frame<'_>, FrameError> {
    let owned = || bytes.to_vec();
    if bytes == ACK {
        return Ok(Frame::Ack);
    }
    if bytes == ERROR_FRAME {
        return Ok(Frame::Error);
    }
    if !bytes.starts_with(&START) || bytes.get(3..5) != Some(&[0xFF, 0xFF][..]) {
        return Err(FrameError::NotAFrame { bytes: owned() });
    }
    let needed = frame_len(bytes).unwrap_or(DATA_HEADER_LEN + DATA_TRAILER_LEN);
    if bytes.len() < needed {
        return Err(FrameError::Truncated {
            needed,
            have: bytes.len(),
            bytes: owned(),
        });
    }
    if checksum(&bytes[5..7]) != bytes[7] {
        return Err(FrameError::LengthChecksum { bytes: owned() });
    }
    let data = &bytes[DATA_HEADER_LEN..needed - DATA_TRAILER_LEN];
    if checksum(data) != bytes[needed - 2] {
        return Err(FrameError::DataChecksum { bytes: owned() });
    }
    if bytes[needed - 1] != 0x00 || bytes.len() != needed {
        return Err(FrameError::Postamble { bytes: owned() });
    }
    Ok(Frame::Data(data))
}

/// A data frame's content that is not the response the host waited for.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("expected a D7 {expected:02X} response, got {data:02X?}")]
pub struct WrongResponse {
    pub expected: u8,
    pub data: Vec<u8>,
}

/// The payload of the response to command `code`: the data after `D7 <code + 1>`.
pub fn response_payload(code: u8, data: &[u8]) -> Result<&[u8], WrongResponse> {
    let expected = code.wrapping_add(1);
    match data {
        [RESPONSE, got, payload @ ..] if *got == expected => Ok(payload),
        _ => Err(WrongResponse {
            expected,
            data: data.to_vec(),
        }),
    }
}

/// InCommRF's timeout parameter (0.1 ms units) for a wait of `ms` milliseconds, as nfcpy computes it:
/// `(ms + 1) × 10`, at most `FFFF`.
pub fn comm_timeout(ms: u32) -> u16 {
    let units = (u64::from(ms) + u64::from(ms > 0)) * 10;
    u16::try_from(units).unwrap_or(u16::MAX)
}

/// InCommRF's parameters: the timeout (LE16, 0.1 ms units) and the RF frame for the card.
pub fn in_comm_rf(timeout: u16, rf_frame: &[u8]) -> Vec<u8> {
    let mut params = timeout.to_le_bytes().to_vec();
    params.extend_from_slice(rf_frame);
    params
}

/// InCommRF's answer: the error word and the card's bytes (CRC already checked and removed by the chip).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommResult<'a> {
    /// `comm_error` bits; zero when the card answered.
    pub error: u32,
    pub data: &'a [u8],
}

/// An InCommRF payload shorter than its error word and the byte after it.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("InCommRF answer too short: {payload:02X?}")]
pub struct ShortCommResult {
    pub payload: Vec<u8>,
}

/// Reads InCommRF's payload (after `D7 05`): LE32 error word, one byte, then the card's answer.
pub fn parse_comm_result(payload: &[u8]) -> Result<CommResult<'_>, ShortCommResult> {
    match payload {
        [e0, e1, e2, e3, _, data @ ..] => Ok(CommResult {
            error: u32::from_le_bytes([*e0, *e1, *e2, *e3]),
            data,
        }),
        _ => Err(ShortCommResult {
            payload: payload.to_vec(),
        }),
    }
}

/// InCommRF's payload as a device sends it (for the virtual reader).
pub fn comm_result(error: u32, data: &[u8]) -> Vec<u8> {
    let mut payload = error.to_le_bytes().to_vec();
    payload.push(0x00);
    payload.extend_from_slice(data);
    payload
}
