//! BER-TLV as ISO 7816-4 files use it (docs/card-reader.md §3, "TLV layouts").
//!
//! The My Number card's files are private-class BER: `FF 20` (基本4情報) with `DF 21`…`DF 25` inside,
//! `FF 10` (個人番号), `FF 40` with `82`-form lengths, `7F 21` / `5F 4E` in the CA certificate. Public
//! code that slices at fixed offsets breaks on long-form lengths, so this parser reads tags and lengths
//! generically. It is strict: an indefinite length (which DER and these cards never use) and a value that
//! runs past the end of the input are errors that carry where they happened, because a silently short
//! value would turn into a wrong name or number on screen.

use thiserror::Error;

/// One TLV: its tag, whether it is constructed (its value is more TLVs), and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag bytes read big-endian: `DF 21` is `0xDF21`, `5F 4E` is `0x5F4E`, `30` is `0x30`.
    pub tag: u32,
    /// Bit 6 of the first tag byte: the value is itself a sequence of TLVs.
    pub constructed: bool,
    pub value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The TLVs inside a constructed TLV's value.
    pub fn children(&self) -> Result<Vec<Tlv<'a>>, TlvError> {
        parse_all(self.value)
    }
}

/// Why bytes are not a TLV. Offsets count from the start of the bytes given to the function that failed;
/// `Truncated` says that the part starting at `offset` (the header, or the value) needs `needed` bytes
/// and only `available` are there.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TlvError {
    /// The input ended inside a tag, a length or a value.
    #[error("TLV truncated at offset {offset}: {needed} bytes needed, {available} available")]
    Truncated {
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// Length byte `80`: BER's indefinite form, which no card file uses.
    #[error("indefinite length at offset {offset}")]
    IndefiniteLength { offset: usize },
    /// A length of more than four bytes (or the reserved `FF`); no card file is that long.
    #[error("unsupported length form {byte:#04X} at offset {offset}")]
    LengthForm { offset: usize, byte: u8 },
    /// A tag of more than four bytes, which does not fit `Tlv::tag`.
    #[error("tag too long at offset {offset}: {bytes:02X?}")]
    TagTooLong { offset: usize, bytes: Vec<u8> },
}

/// The longest tag `Tlv::tag` can hold.
const MAX_TAG_BYTES: usize = 4;
/// The longest long-form length accepted (`84 xx xx xx xx`).
const MAX_LENGTH_BYTES: usize = 4;

/// A parsed header: tag, constructed flag, header length, value length.
struct Header {
    tag: u32,
    constructed: bool,
    header_len: usize,
    value_len: usize,
}

/// Reads the tag and length at the start of `bytes`.
fn header(bytes: &[u8]) -> Result<Header, TlvError> {
    // A header cut short: the header, starting at 0, needs `needed` bytes so far.
    let truncated = |needed: usize| TlvError::Truncated {
        offset: 0,
        needed,
        available: bytes.len(),
    };
    let first = *bytes.first().ok_or_else(|| truncated(1))?;
    let mut tag = u32::from(first);
    let mut at = 1;
    // Low five bits all set: the tag number continues in following bytes, each with bit 8 set except
    // the last (ISO 7816-4 §5.2.2.1).
    if first & 0x1F == 0x1F {
        loop {
            let byte = *bytes.get(at).ok_or_else(|| truncated(at + 1))?;
            at += 1;
            if at > MAX_TAG_BYTES {
                return Err(TlvError::TagTooLong {
                    offset: 0,
                    bytes: bytes[..at].to_vec(),
                });
            }
            tag = tag << 8 | u32::from(byte);
            if byte & 0x80 == 0 {
                break;
            }
        }
    }
    let length_at = at;
    let first_len = *bytes.get(at).ok_or_else(|| truncated(at + 1))?;
    at += 1;
    let value_len = match first_len {
        0x00..=0x7F => usize::from(first_len),
        0x80 => return Err(TlvError::IndefiniteLength { offset: length_at }),
        _ => {
            let count = usize::from(first_len & 0x7F);
            if count > MAX_LENGTH_BYTES {
                return Err(TlvError::LengthForm {
                    offset: length_at,
                    byte: first_len,
                });
            }
            let digits = bytes
                .get(at..at + count)
                .ok_or_else(|| truncated(at + count))?;
            at += count;
            // At most four bytes, which fit usize on the 32-bit (wasm) and 64-bit targets.
            digits
                .iter()
                .fold(0usize, |acc, &digit| acc << 8 | usize::from(digit))
        }
    };
    Ok(Header {
        tag,
        constructed: first & 0x20 != 0,
        header_len: at,
        value_len,
    })
}

/// Reads the first TLV of `bytes` and returns it with the bytes after it.
pub fn parse_one(bytes: &[u8]) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    let h = header(bytes)?;
    let end = h
        .header_len
        .checked_add(h.value_len)
        .filter(|&end| end <= bytes.len())
        .ok_or(TlvError::Truncated {
            offset: h.header_len,
            needed: h.value_len,
            available: bytes.len() - h.header_len,
        })?;
    Ok((
        Tlv {
            tag: h.tag,
            constructed: h.constructed,
            value: &bytes[h.header_len..end],
        },
        &bytes[end..],
    ))
}

/// Reads every TLV in `bytes`, which must end exactly where the last one does.
pub fn parse_all(bytes: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let (tlv, after) = parse_one(rest).map_err(|e| shift(e, offset))?;
        out.push(tlv);
        rest = after;
    }
    Ok(out)
}

/// Moves an error's offset from a sub-slice's start to the whole input's.
fn shift(error: TlvError, by: usize) -> TlvError {
    match error {
        TlvError::Truncated {
            offset,
            needed,
            available,
        } => TlvError::Truncated {
            offset: offset + by,
            needed,
            available,
        },
        TlvError::IndefiniteLength { offset } => TlvError::IndefiniteLength {
            offset: offset + by,
        },
        TlvError::LengthForm { offset, byte } => TlvError::LengthForm {
            offset: offset + by,
            byte,
        },
        TlvError::TagTooLong { offset, bytes } => TlvError::TagTooLong {
            offset: offset + by,
            bytes,
        },
    }
}

/// From the first bytes of a TLV (at least its tag and length), how long its header is and how many
/// bytes the whole TLV takes. A file is read in chunks: READ BINARY a few bytes, learn the total, then
/// read the rest (`FF 20 82 01 2C …` → header 5, total 305).
pub fn header_len_and_total(head: &[u8]) -> Result<(usize, usize), TlvError> {
    let h = header(head)?;
    let total = h
        .header_len
        .checked_add(h.value_len)
        .ok_or(TlvError::Truncated {
            offset: h.header_len,
            needed: h.value_len,
            available: head.len() - h.header_len,
        })?;
    Ok((h.header_len, total))
}

/// One TLV as bytes: the tag's bytes without leading zeros (tag `0` is the byte `00`), then the
/// shortest length form.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let tag_bytes = tag.to_be_bytes();
    let skip = tag_bytes
        .iter()
        .take(MAX_TAG_BYTES - 1)
        .take_while(|&&b| b == 0)
        .count();
    let mut out = tag_bytes[skip..].to_vec();
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let len_bytes = (len as u64).to_be_bytes();
        let skip = len_bytes.iter().take_while(|&&b| b == 0).count();
        let digits = &len_bytes[skip..];
        out.push(0x80 | digits.len() as u8);
        out.extend_from_slice(digits);
    }
    out.extend_from_slice(value);
    out
}
