//! ISO 14443 Type B activation and the ISO-DEP block protocol (ISO 14443-4), as the PaSoRi drivers run
//! them: the readers only move RF frames, so the driver itself polls (SENSB_REQ), selects (ATTRIB) and
//! wraps APDUs in blocks (docs/card-reader.md §2.1, aruneko's `Type4B.ts`, nfcpy `sense_ttb`).
//!
//! Sans I/O: `IsoDep::exchange` returns an `Exchange` that says which block to send next and how long
//! to wait, and is told what came back (or that nothing did). The drivers in `reader` do the moving.
//! Frames here exclude the CRC, which both readers add and check themselves.

use thiserror::Error;

/// SENSB_REQ: APf `05`, AFI `00` (all families), PARAM `10` (extended ATQB supported, one slot).
pub const SENSB_REQ: [u8; 3] = [0x05, 0x00, 0x10];
/// The first byte of an ATQB (SENSB_RES).
pub const ATQB: u8 = 0x50;
/// ATTRIB's command byte.
pub const ATTRIB: u8 = 0x1D;
/// ATTRIB's parameters after the PUPI, as aruneko sends them: `00` (default TR0/TR1, SOF/EOF
/// required), `08` (106 kbit/s both ways, FSD 256), `01` (ISO 14443-4 compliant), `00` (CID 0).
pub const ATTRIB_PARAMS: [u8; 4] = [0x00, 0x08, 0x01, 0x00];

/// The frame sizes (FSC and FSD, including PCB and CRC) by their 4-bit codes (ISO 14443-4 Table 1;
/// codes above 8 were reserved in the first edition and mean 256 here, the most a short APDU needs).
pub fn frame_size(code: u8) -> usize {
    match code {
        0 => 16,
        1 => 24,
        2 => 32,
        3 => 40,
        4 => 48,
        5 => 64,
        6 => 96,
        7 => 128,
        _ => 256,
    }
}

/// A PICC's answer to SENSB_REQ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atqb {
    /// The card's identifier for this activation; a My Number card makes up a new one each time, so it
    /// identifies nothing beyond the session (card-reader.md §2.2).
    pub pupi: [u8; 4],
    pub application_data: [u8; 4],
    /// Protocol Info byte 1: the bit rates the card supports.
    pub bit_rates: u8,
    /// Max_Frame_Size code: the card's FSC, the largest block it takes.
    pub max_frame_code: u8,
    /// Whether the card speaks ISO 14443-4 (Protocol_Type bit 1).
    pub iso_dep: bool,
    /// Frame Waiting Integer: how long the card may take to answer a block.
    pub fwi: u8,
}

/// An ATQB that cannot be read.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("not an ATQB: {bytes:02X?}")]
pub struct BadAtqb {
    pub bytes: Vec<u8>,
}

impl Atqb {
    /// Reads `50 <PUPI> <application data> <protocol info (3 bytes, or 4 in the extended form)>`.
    pub fn parse(bytes: &[u8]) -> Result<Atqb, BadAtqb> {
        match bytes {
            [
                ATQB,
                p0,
                p1,
                p2,
                p3,
                a0,
                a1,
                a2,
                a3,
                rates,
                size_type,
                fwi_fo,
                ..,
            ] if bytes.len() <= 13 => Ok(Atqb {
                pupi: [*p0, *p1, *p2, *p3],
                application_data: [*a0, *a1, *a2, *a3],
                bit_rates: *rates,
                max_frame_code: size_type >> 4,
                iso_dep: size_type & 0x01 != 0,
                fwi: fwi_fo >> 4,
            }),
            _ => Err(BadAtqb {
                bytes: bytes.to_vec(),
            }),
        }
    }

    /// The card's FSC in bytes.
    pub fn fsc(&self) -> usize {
        frame_size(self.max_frame_code)
    }

    /// The frame waiting time in microseconds.
    pub fn fwt_us(&self) -> u32 {
        fwt_us(self.fwi)
    }
}

/// FWT = (256 × 16 / fc) × 2^FWI plus ΔFWT (49152 / fc), fc = 13.56 MHz, rounded up to whole
/// microseconds. FWI 15 is reserved and read as the default 4.
pub fn fwt_us(fwi: u8) -> u32 {
    const FC_HZ: u64 = 13_560_000;
    let fwi = if fwi > 14 { 4 } else { fwi };
    let cycles = (4096u64 << fwi) + 49_152;
    u32::try_from((cycles * 1_000_000).div_ceil(FC_HZ)).unwrap_or(u32::MAX)
}

/// ATTRIB for the card with this PUPI: `1D <PUPI> 00 08 01 00`.
pub fn attrib(pupi: [u8; 4]) -> Vec<u8> {
    let mut out = vec![ATTRIB];
    out.extend_from_slice(&pupi);
    out.extend_from_slice(&ATTRIB_PARAMS);
    out
}

/// An answer to ATTRIB this driver cannot use.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("unexpected answer to ATTRIB: {bytes:02X?}")]
pub struct BadAttribAnswer {
    pub bytes: Vec<u8>,
}

/// Checks the answer to ATTRIB: `<MBLI | CID>` (and optional higher-layer bytes). The driver asked
/// for CID 0, so any other CID means the card did not take this ATTRIB.
pub fn check_attrib_answer(bytes: &[u8]) -> Result<(), BadAttribAnswer> {
    match bytes.first() {
        Some(first) if first & 0x0F == 0 => Ok(()),
        _ => Err(BadAttribAnswer {
            bytes: bytes.to_vec(),
        }),
    }
}

/// PCB bits (ISO 14443-4 §7.1.1): an I-block is `000C 001N` with C the chaining bit, an R-block
/// `101A 001N` with A set for NAK, an S-block `11xx 0010` with `xx` = `00` DESELECT or `11` WTX.
pub mod pcb {
    pub const I_BLOCK: u8 = 0x02;
    pub const CHAINING: u8 = 0x10;
    pub const R_ACK: u8 = 0xA2;
    pub const R_NAK: u8 = 0xB2;
    pub const S_DESELECT: u8 = 0xC2;
    pub const S_WTX: u8 = 0xF2;
    /// CID follows the PCB.
    pub const CID: u8 = 0x08;
    /// NAD follows the PCB (I-blocks only).
    pub const NAD: u8 = 0x04;
}

/// One ISO-DEP block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block<'a> {
    I {
        number: u8,
        chaining: bool,
        inf: &'a [u8],
    },
    RAck {
        number: u8,
    },
    RNak {
        number: u8,
    },
    /// A waiting-time extension: request from the card, or the reader's answer; `wtxm` is bits 1–6.
    Wtx {
        wtxm: u8,
    },
    Deselect,
}

/// Bytes that are no ISO-DEP block.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("not an ISO-DEP block: {bytes:02X?}")]
pub struct BadBlock {
    pub bytes: Vec<u8>,
}

impl<'a> Block<'a> {
    /// Reads a block, skipping a CID (and for I-blocks a NAD) byte where the PCB says one follows.
    pub fn parse(bytes: &'a [u8]) -> Result<Block<'a>, BadBlock> {
        let bad = || BadBlock {
            bytes: bytes.to_vec(),
        };
        let (&pcb_byte, rest) = bytes.split_first().ok_or_else(bad)?;
        let cid_len = usize::from(pcb_byte & pcb::CID != 0);
        let number = pcb_byte & 0x01;
        match pcb_byte & 0xC0 {
            0x00 if pcb_byte & 0x22 == 0x02 => {
                let nad_len = usize::from(pcb_byte & pcb::NAD != 0);
                let inf = rest.get(cid_len + nad_len..).ok_or_else(bad)?;
                Ok(Block::I {
                    number,
                    chaining: pcb_byte & pcb::CHAINING != 0,
                    inf,
                })
            }
            0x80 if pcb_byte & 0x26 == 0x22 && rest.len() == cid_len => {
                if pcb_byte & 0x10 == 0 {
                    Ok(Block::RAck { number })
                } else {
                    Ok(Block::RNak { number })
                }
            }
            0xC0 if pcb_byte & 0x07 == 0x02 => match (pcb_byte & 0x30, rest.get(cid_len..)) {
                (0x30, Some([inf])) => Ok(Block::Wtx { wtxm: inf & 0x3F }),
                (0x00, Some([])) => Ok(Block::Deselect),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    /// The block's bytes (no CID, no NAD: this app addresses one card with CID 0).
    pub fn encode(&self) -> Vec<u8> {
        match *self {
            Block::I {
                number,
                chaining,
                inf,
            } => {
                let pcb_byte = pcb::I_BLOCK | number & 1 | if chaining { pcb::CHAINING } else { 0 };
                let mut out = vec![pcb_byte];
                out.extend_from_slice(inf);
                out
            }
            Block::RAck { number } => vec![pcb::R_ACK | number & 1],
            Block::RNak { number } => vec![pcb::R_NAK | number & 1],
            Block::Wtx { wtxm } => vec![pcb::S_WTX, wtxm & 0x3F],
            Block::Deselect => vec![pcb::S_DESELECT],
        }
    }
}

/// Why an exchange failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum IsoDepError {
    /// The card stopped answering, even after the retransmissions the protocol allows: it has left
    /// the field.
    #[error("the card stopped answering")]
    Mute,
    /// The card answered in a way the protocol does not allow at this point.
    #[error("unexpected ISO-DEP block {bytes:02X?} ({what})")]
    Protocol { what: &'static str, bytes: Vec<u8> },
}

/// How often in a row a block is repeated (R(NAK), R(ACK) or the last I-block) before the card is
/// taken as gone. ISO 14443-4 leaves the number to the reader; two is what PC/SC readers commonly use.
pub const MAX_RETRIES: u8 = 2;

/// The reader's side of an activated card's ISO-DEP session: the block number and the card's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsoDep {
    /// The reader's current block number (0 right after ATTRIB).
    number: u8,
    /// The card's FSC: the largest block it accepts, PCB and CRC included.
    fsc: usize,
    fwt_us: u32,
}

impl IsoDep {
    /// A session with a card just activated with ATTRIB.
    pub fn new(atqb: &Atqb) -> IsoDep {
        IsoDep::with_limits(atqb.fsc(), atqb.fwt_us())
    }

    /// A session with explicit limits (FSC in bytes, FWT in microseconds).
    pub fn with_limits(fsc: usize, fwt_us: u32) -> IsoDep {
        IsoDep {
            number: 0,
            fsc,
            fwt_us,
        }
    }

    /// The most INF bytes one block to the card may carry: FSC less PCB and the two CRC bytes.
    pub fn max_inf(&self) -> usize {
        self.fsc.saturating_sub(3).max(1)
    }

    /// Starts sending one command APDU (its bytes) and collecting the response.
    pub fn exchange(&mut self, apdu: Vec<u8>) -> Exchange<'_> {
        Exchange {
            session: self,
            command: apdu,
            sent: 0,
            last_i_block: Vec::new(),
            last_sent: Vec::new(),
            response: Vec::new(),
            state: State::Start,
            retries: 0,
        }
    }
}

/// What to do next in an exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this block and wait up to `wait_us` for the card's answer.
    Send { block: Vec<u8>, wait_us: u32 },
    /// The exchange is over: the response APDU's bytes (data and status word).
    Done(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    /// An I-block went out; `last` says whether it ended the command.
    SentI {
        last: bool,
    },
    /// An R(ACK) went out asking for the next block of a chained response.
    SentAck,
    /// A retransmission request (R(NAK)) went out after an I-block; `last` as in `SentI`.
    SentNak {
        last: bool,
    },
    Done,
}

/// One APDU exchange in progress. Drive it with `start`, then `received` / `no_answer` until `Done`.
#[derive(Debug)]
pub struct Exchange<'s> {
    session: &'s mut IsoDep,
    command: Vec<u8>,
    /// How many command bytes have gone out in I-blocks so far.
    sent: usize,
    /// The last I-block sent, for retransmission (ISO 14443-4 rule 6).
    last_i_block: Vec<u8>,
    /// The last block sent of any kind, repeated when the card's answer is lost.
    last_sent: Vec<u8>,
    response: Vec<u8>,
    state: State,
    retries: u8,
}

impl Exchange<'_> {
    /// The first block: the command, or its first part when it is longer than the card's FSC allows.
    pub fn start(&mut self) -> Step {
        self.send_next_i_block()
    }

    fn fwt(&self) -> u32 {
        self.session.fwt_us
    }

    fn send(&mut self, block: Vec<u8>, wait_us: u32) -> Step {
        self.last_sent = block.clone();
        Step::Send { block, wait_us }
    }

    fn send_next_i_block(&mut self) -> Step {
        let end = (self.sent + self.session.max_inf()).min(self.command.len());
        let last = end == self.command.len();
        let block = Block::I {
            number: self.session.number,
            chaining: !last,
            inf: &self.command[self.sent..end],
        }
        .encode();
        self.sent = end;
        self.state = State::SentI { last };
        self.last_i_block = block.clone();
        self.send(block, self.fwt())
    }

    /// The card's block arrived.
    pub fn received(&mut self, bytes: &[u8]) -> Result<Step, IsoDepError> {
        let protocol = |what: &'static str| IsoDepError::Protocol {
            what,
            bytes: bytes.to_vec(),
        };
        let Ok(block) = Block::parse(bytes) else {
            // Rule 4/5: an invalid block counts as a lost one.
            return self.no_answer();
        };
        let number = self.session.number;
        match (self.state, block) {
            (State::Start | State::Done, _) => Err(protocol("a block outside an exchange")),
            // A waiting-time extension: answer with the same multiplier and wait that much longer
            // for the next block; the block number does not change.
            (_, Block::Wtx { wtxm }) => {
                if !(1..=59).contains(&wtxm) {
                    return Err(protocol("a WTXM outside 1–59"));
                }
                self.retries = 0;
                let wait = self.fwt().saturating_mul(u32::from(wtxm));
                Ok(self.send(Block::Wtx { wtxm }.encode(), wait))
            }
            // The card acknowledged a chained part: continue with the next one (rule 7).
            (
                State::SentI { last: false } | State::SentNak { last: false },
                Block::RAck { number: n },
            ) if n == number => {
                self.retries = 0;
                self.session.number ^= 1;
                Ok(self.send_next_i_block())
            }
            // An R(ACK) with the other number: the card missed our last I-block; send it again
            // (rule 6).
            (State::SentI { last } | State::SentNak { last }, Block::RAck { number: n })
                if n != number =>
            {
                self.retry()?;
                self.state = State::SentI { last };
                let block = self.last_i_block.clone();
                Ok(self.send(block, self.fwt()))
            }
            // A response block (whole, or one part of a chain).
            (
                State::SentI { last: true } | State::SentNak { last: true } | State::SentAck,
                Block::I {
                    number: n,
                    chaining,
                    inf,
                },
            ) => {
                if n != number {
                    return Err(protocol("an I-block with the wrong block number"));
                }
                self.retries = 0;
                self.response.extend_from_slice(inf);
                self.session.number ^= 1;
                if chaining {
                    self.state = State::SentAck;
                    let ack = Block::RAck {
                        number: self.session.number,
                    }
                    .encode();
                    Ok(self.send(ack, self.fwt()))
                } else {
                    self.state = State::Done;
                    Ok(Step::Done(std::mem::take(&mut self.response)))
                }
            }
            (_, Block::I { .. }) => {
                Err(protocol("an I-block while the command was still going out"))
            }
            (_, Block::RNak { .. }) => Err(protocol("an R(NAK) from the card")),
            (_, Block::RAck { .. }) => Err(protocol("an R(ACK) out of turn")),
            (_, Block::Deselect) => Err(protocol("an S(DESELECT) from the card")),
        }
    }

    /// Nothing (or garbage) came back within the wait: ask again (rules 4 and 5), or give up once the
    /// card has stayed silent `MAX_RETRIES` times in a row.
    pub fn no_answer(&mut self) -> Result<Step, IsoDepError> {
        self.retry()?;
        let number = self.session.number;
        let block = match self.state {
            State::Start | State::Done => return Err(IsoDepError::Mute),
            // In the card's chaining we repeat the R(ACK) (rule 5).
            State::SentAck => Block::RAck { number }.encode(),
            State::SentI { last } | State::SentNak { last } => {
                self.state = State::SentNak { last };
                Block::RNak { number }.encode()
            }
        };
        Ok(self.send(block, self.fwt()))
    }

    fn retry(&mut self) -> Result<(), IsoDepError> {
        if self.retries >= MAX_RETRIES {
            self.state = State::Done;
            return Err(IsoDepError::Mute);
        }
        self.retries += 1;
        Ok(())
    }

    /// The block sent last (for logs and tests).
    pub fn last_sent(&self) -> &[u8] {
        &self.last_sent
    }
}
