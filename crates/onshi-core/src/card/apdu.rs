//! ISO 7816-4 command and response APDUs and their status words.

use thiserror::Error;

/// A command APDU (short form: Lc and Le up to 255 / 256).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandApdu {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Vec<u8>,
    /// Expected response length; `Some(0)` encodes as Le `00` (up to 256 bytes).
    pub le: Option<u8>,
}

/// A command that cannot be encoded as a short APDU.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("command data of {len} bytes does not fit a short APDU")]
pub struct TooLong {
    pub len: usize,
}

impl CommandApdu {
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> CommandApdu {
        CommandApdu {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> CommandApdu {
        self.data = data.into();
        self
    }

    pub fn with_le(mut self, le: u8) -> CommandApdu {
        self.le = Some(le);
        self
    }

    /// The bytes on the wire: cases 1–4 of ISO 7816-3, short form.
    pub fn encode(&self) -> Result<Vec<u8>, TooLong> {
        let mut out = vec![self.cla, self.ins, self.p1, self.p2];
        if !self.data.is_empty() {
            let lc = u8::try_from(self.data.len())
                .ok()
                .filter(|&n| n > 0)
                .ok_or(TooLong {
                    len: self.data.len(),
                })?;
            out.push(lc);
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            out.push(le);
        }
        Ok(out)
    }
}

/// A status word (SW1 SW2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u8, pub u8);

impl StatusWord {
    pub const OK: StatusWord = StatusWord(0x90, 0x00);

    pub fn is_ok(self) -> bool {
        self == StatusWord::OK
    }

    /// `63 Cx`: a wrong PIN or a retry query, with `x` tries left.
    pub fn tries_left(self) -> Option<u8> {
        (self.0 == 0x63 && self.1 & 0xF0 == 0xC0).then_some(self.1 & 0x0F)
    }

    /// A blocked PIN: `69 84` (what public My Number code reports) or `69 83` (other card families);
    /// docs/card-reader.md §3 says to accept both.
    pub fn is_blocked(self) -> bool {
        matches!(self, StatusWord(0x69, 0x83) | StatusWord(0x69, 0x84))
    }
}

impl std::fmt::Display for StatusWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02X} {:02X}", self.0, self.1)
    }
}

/// A response APDU: data and the status word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseApdu {
    pub data: Vec<u8>,
    pub sw: StatusWord,
}

/// A response shorter than its status word.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("a response APDU needs a status word; got {bytes:02X?}")]
pub struct NoStatusWord {
    pub bytes: Vec<u8>,
}

impl ResponseApdu {
    pub fn parse(bytes: &[u8]) -> Result<ResponseApdu, NoStatusWord> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(ResponseApdu {
                data: data.to_vec(),
                sw: StatusWord(*sw1, *sw2),
            }),
            _ => Err(NoStatusWord {
                bytes: bytes.to_vec(),
            }),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend_from_slice(&[self.sw.0, self.sw.1]);
        out
    }
}
