//! The My Number card's own sequences over a `CardLink` (docs/card-reader.md §3).
//!
//! Two of the card's applications matter here:
//! - 公的個人認証 (JPKI): the 利用者証明用 certificate (readable without a PIN) and a signature with its
//!   key, allowed once the 4-digit 利用者証明用 PIN (EF 0018) has been verified in the same card
//!   session. This is how the app proves the card to the endpoint (decisions.md D7).
//! - 券面事項入力補助: 基本4情報 and the 個人番号, behind their own 4-digit PIN (EF 0011).
//!
//! Every function is generic over the link, so the same code runs over WebUSB in the app and over
//! `virtual_card::DirectLink` or the virtual readers in tests. The byte sequences follow the
//! research's table verbatim; the constants below are written from it, not shared with the virtual
//! card, so that each checks the other.

use std::fmt;

use sha2::{Digest, Sha256};
use thiserror::Error;

use super::{
    apdu::{CommandApdu, ResponseApdu, StatusWord},
    reader::{CardLink, LinkError},
    tlv,
};

/// The DER header of a SHA-256 `DigestInfo` (docs/card-reader.md §3: `30 31 30 0D 06 09 60 86 48
/// 01 65 03 04 02 01 05 00 04 20`), which the 32-byte hash follows.
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// What the card is given to sign for `message`: the SHA-256 `DigestInfo` (prefix, then the hash).
pub fn digest_info_sha256(message: &[u8]) -> Vec<u8> {
    let mut digest_info = SHA256_DIGEST_INFO_PREFIX.to_vec();
    digest_info.extend_from_slice(&Sha256::digest(message));
    digest_info
}

/// The 公的個人認証 (JPKI) application's AID.
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// The 券面事項入力補助 application's AID (the one four independent public sources agree on).
pub const CARD_INFO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];

/// JPKI EF 0006: the token naming what answers as the JPKI application.
const EF_TOKEN: [u8; 2] = [0x00, 0x06];
/// JPKI EF 000A: the 利用者証明用 certificate.
const EF_AUTH_CERTIFICATE: [u8; 2] = [0x00, 0x0A];
/// JPKI EF 0017: the 利用者証明用 private key.
const EF_AUTH_KEY: [u8; 2] = [0x00, 0x17];
/// JPKI EF 0018: the 利用者証明用 PIN.
const EF_AUTH_PIN: [u8; 2] = [0x00, 0x18];
/// 券面事項入力補助 EF 0001: the 個人番号.
const EF_MY_NUMBER: [u8; 2] = [0x00, 0x01];
/// 券面事項入力補助 EF 0002: 基本4情報.
const EF_BASIC_FOUR: [u8; 2] = [0x00, 0x02];
/// 券面事項入力補助 EF 0011: its PIN.
const EF_CARD_INFO_PIN: [u8; 2] = [0x00, 0x11];

/// The token of a My Number card. A 住基カード says `JPKIAPICCTOKEN` and a smartphone's
/// certificate `JPKIAPGPSETOKEN`; neither is what a reader at reception expects.
pub const MY_NUMBER_CARD_TOKEN: &str = "JPKIAPICCTOKEN2";

/// How many wrong PINs in a row the card accepts before blocking (both 4-digit PINs).
pub const PIN_TRIES: u8 = 3;

/// The most a READ BINARY asks for at once. `00` would mean 256, but some readers and frame sizes
/// handle that badly, so the card's files are read in chunks of at most 255 bytes.
const READ_CHUNK: u8 = 0xFF;
/// How many bytes the first READ BINARY of a TLV file asks for: enough for any tag and length the
/// card uses (`30 82 LL LL`, `FF 20 82 hh ll`), as public readers do.
const READ_HEAD: u8 = 7;
/// READ BINARY addresses offsets in P1 (bit 8 clear, or it would name a short EF) and P2.
const MAX_OFFSET: usize = 0x7FFF;

/// A 4-digit PIN as the card compares it: ASCII digits. `Debug` hides the digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin([u8; 4]);

/// Why text is not a 4-digit PIN. Neither variant carries the text itself: a PIN (even a mistyped
/// one, such as a full-width digit) must not reach a log through an error.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PinFormatError {
    /// The PIN has `chars` characters instead of 4.
    #[error("a PIN is 4 digits; {chars} characters were given")]
    Length { chars: usize },
    /// The character at `position` (counting from 1) is not an ASCII digit.
    #[error("a PIN is 4 ASCII digits; character {position} is not one")]
    NotDigit { position: usize },
}

impl Pin {
    /// Exactly 4 ASCII digits, nothing else (no trimming, no full-width digits: the patient types on
    /// a pad that gives ASCII, and anything else is a mistake to report, not to repair).
    pub fn parse(text: &str) -> Result<Pin, PinFormatError> {
        let chars = text.chars().count();
        if chars != 4 {
            return Err(PinFormatError::Length { chars });
        }
        let mut digits = [0u8; 4];
        for (i, (slot, c)) in digits.iter_mut().zip(text.chars()).enumerate() {
            if !c.is_ascii_digit() {
                return Err(PinFormatError::NotDigit { position: i + 1 });
            }
            // An ASCII digit is one byte.
            *slot = c as u8;
        }
        Ok(Pin(digits))
    }

    /// The bytes VERIFY sends.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// 基本4情報 as EF 0002 of 券面事項入力補助 holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicFour {
    /// 氏名.
    pub name: String,
    /// 住所.
    pub address: String,
    /// 生年月日 as on the card, `YYYYMMDD`.
    pub birthdate: String,
    /// 性別 as on the card (ISO 5218): "1" 男性, "2" 女性, "9" 適用不能.
    pub sex: String,
}

/// A failure reading or using the card.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CardError {
    #[error(transparent)]
    Link(#[from] LinkError),
    /// The card has no JPKI application, or its token is not a My Number card's.
    #[error("not a My Number card")]
    NotMyNumberCard,
    /// The PIN was wrong; the card allows `tries_left` more attempts.
    #[error("wrong PIN; {tries_left} tries left")]
    PinWrong { tries_left: u8 },
    /// The PIN is blocked (now or before); only the municipal office can unblock it.
    #[error("the PIN is blocked")]
    PinBlocked,
    /// The card answered a step with a status word this sequence does not expect.
    #[error("the card refused {step}: {sw}")]
    Refused { step: &'static str, sw: StatusWord },
    /// The card's data is not in the form the card's specification gives.
    #[error("malformed {what} on the card")]
    Malformed { what: &'static str },
}

/// 個人番号's 検査用数字 from its first 11 digits (総務省令第八十五号 第五条): with Pn the n-th of those
/// digits counted from the right and Qn = n + 1 for n ≤ 6, n − 5 for n ≥ 7, the check digit is
/// 11 − (Σ Pn × Qn mod 11), or 0 when that remainder is 0 or 1. `None` unless given 11 ASCII digits.
pub fn my_number_check_digit(first_eleven: &str) -> Option<u8> {
    let digits = first_eleven.as_bytes();
    if digits.len() != 11 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .zip(1u32..)
        .map(|(&d, n)| u32::from(d - b'0') * if n <= 6 { n + 1 } else { n - 5 })
        .sum();
    let remainder = sum % 11;
    // A remainder of 0 or 1 would give 11 or 10, which are not digits.
    let check = if remainder <= 1 { 0 } else { 11 - remainder };
    u8::try_from(check).ok()
}

/// Whether `number` is 12 ASCII digits whose last is the 検査用数字 of the first 11.
pub fn is_valid_my_number(number: &str) -> bool {
    let bytes = number.as_bytes();
    // All ASCII, so slicing at 11 is at a character boundary.
    bytes.len() == 12
        && bytes.iter().all(u8::is_ascii_digit)
        && my_number_check_digit(&number[..11]) == Some(bytes[11] - b'0')
}

/// Sends one command and reads the card's answer.
async fn exchange<L: CardLink>(
    link: &mut L,
    command: CommandApdu,
) -> Result<ResponseApdu, CardError> {
    Ok(link.transmit(&command).await?)
}

/// Fails with `Refused` unless the card answered `90 00`.
fn expect_ok(response: &ResponseApdu, step: &'static str) -> Result<(), CardError> {
    if response.sw.is_ok() {
        Ok(())
    } else {
        Err(CardError::Refused {
            step,
            sw: response.sw,
        })
    }
}

/// SELECT an application by AID: `00 A4 04 0C 0A <AID>`.
fn select_application(aid: &[u8; 10]) -> CommandApdu {
    CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(aid.to_vec())
}

/// SELECT an EF of the current application: `00 A4 02 0C 02 <FID>`.
async fn select_file<L: CardLink>(
    link: &mut L,
    fid: [u8; 2],
    step: &'static str,
) -> Result<(), CardError> {
    let response = exchange(
        link,
        CommandApdu::new(0x00, 0xA4, 0x02, 0x0C).with_data(fid.to_vec()),
    )
    .await?;
    expect_ok(&response, step)
}

/// READ BINARY `00 B0 <offset hi> <offset lo> <Le>`. `62 82` (end of file reached before `Le` bytes)
/// is a normal answer for a short file, so it counts as success with whatever data came.
async fn read_binary<L: CardLink>(
    link: &mut L,
    offset: usize,
    le: u8,
    step: &'static str,
) -> Result<Vec<u8>, CardError> {
    let [hi, lo] = u16::try_from(offset)
        .ok()
        .filter(|&o| usize::from(o) <= MAX_OFFSET)
        .ok_or(CardError::Malformed { what: "file size" })?
        .to_be_bytes();
    let response = exchange(link, CommandApdu::new(0x00, 0xB0, hi, lo).with_le(le)).await?;
    if response.sw.is_ok() || response.sw == StatusWord(0x62, 0x82) {
        Ok(response.data)
    } else {
        Err(CardError::Refused {
            step,
            sw: response.sw,
        })
    }
}

/// Reads the selected EF's TLV, exactly as many bytes as its header says: the head first, then the
/// rest in chunks. The files are often larger than what they hold, so reading to the end of the
/// file would add padding.
async fn read_tlv_file<L: CardLink>(
    link: &mut L,
    step: &'static str,
    what: &'static str,
) -> Result<Vec<u8>, CardError> {
    let mut bytes = read_binary(link, 0, READ_HEAD, step).await?;
    let (_, total) =
        tlv::header_len_and_total(&bytes).map_err(|_| CardError::Malformed { what })?;
    if total > MAX_OFFSET + 1 {
        return Err(CardError::Malformed { what });
    }
    bytes.truncate(total);
    while bytes.len() < total {
        let want = (total - bytes.len()).min(usize::from(READ_CHUNK));
        let le = u8::try_from(want).unwrap_or(READ_CHUNK);
        let chunk = read_binary(link, bytes.len(), le, step).await?;
        // A card that answers a read inside its own TLV with nothing would loop forever.
        if chunk.is_empty() {
            return Err(CardError::Malformed { what });
        }
        let take = chunk.len().min(total - bytes.len());
        bytes.extend_from_slice(&chunk[..take]);
    }
    Ok(bytes)
}

/// VERIFY `00 20 00 80 04 <PIN>` on the selected PIN EF, with the card's answer read as PIN
/// semantics: `63 Cx` is a wrong PIN with `x` tries left (`63 C0`: that was the last, the PIN is now
/// blocked), `69 83` / `69 84` a blocked PIN.
async fn verify_selected_pin<L: CardLink>(
    link: &mut L,
    pin: &Pin,
    step: &'static str,
) -> Result<(), CardError> {
    let response = exchange(
        link,
        CommandApdu::new(0x00, 0x20, 0x00, 0x80).with_data(pin.as_bytes().to_vec()),
    )
    .await?;
    match response.sw {
        sw if sw.is_ok() => Ok(()),
        sw if sw.is_blocked() => Err(CardError::PinBlocked),
        sw => match sw.tries_left() {
            Some(0) => Err(CardError::PinBlocked),
            Some(tries_left) => Err(CardError::PinWrong { tries_left }),
            None => Err(CardError::Refused { step, sw }),
        },
    }
}

/// Checks that the card is a My Number card: SELECT the JPKI application, SELECT EF 0006 and read its
/// 32 bytes, which are the token padded with spaces.
pub async fn check_card<L: CardLink>(link: &mut L) -> Result<(), CardError> {
    let response = exchange(link, select_application(&JPKI_AID)).await?;
    if !response.sw.is_ok() {
        return Err(CardError::NotMyNumberCard);
    }
    let response = exchange(
        link,
        CommandApdu::new(0x00, 0xA4, 0x02, 0x0C).with_data(EF_TOKEN.to_vec()),
    )
    .await?;
    if !response.sw.is_ok() {
        return Err(CardError::NotMyNumberCard);
    }
    let token = read_binary(link, 0, 0x20, "READ BINARY EF 0006").await?;
    let end = token
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |last| last + 1);
    if &token[..end] == MY_NUMBER_CARD_TOKEN.as_bytes() {
        Ok(())
    } else {
        Err(CardError::NotMyNumberCard)
    }
}

/// How many tries the 利用者証明用 PIN has left, asked without spending one: VERIFY with no data
/// (`00 20 00 80`). A blocked PIN is `Err(PinBlocked)`.
pub async fn auth_pin_tries<L: CardLink>(link: &mut L) -> Result<u8, CardError> {
    let response = exchange(link, select_application(&JPKI_AID)).await?;
    expect_ok(&response, "SELECT JPKI AP")?;
    select_file(link, EF_AUTH_PIN, "SELECT EF 0018").await?;
    let response = exchange(link, CommandApdu::new(0x00, 0x20, 0x00, 0x80)).await?;
    match response.sw {
        // Already verified in this card session: a success resets the counter, so it is full.
        sw if sw.is_ok() => Ok(PIN_TRIES),
        sw if sw.is_blocked() => Err(CardError::PinBlocked),
        sw => match sw.tries_left() {
            Some(0) => Err(CardError::PinBlocked),
            Some(tries) => Ok(tries),
            None => Err(CardError::Refused {
                step: "VERIFY EF 0018 (tries)",
                sw,
            }),
        },
    }
}

/// The 利用者証明用 certificate (DER), which needs no PIN: SELECT JPKI, SELECT EF 000A, then the
/// certificate's own length from its first bytes decides how much to read.
pub async fn read_auth_certificate<L: CardLink>(link: &mut L) -> Result<Vec<u8>, CardError> {
    const WHAT: &str = "利用者証明用証明書";
    let response = exchange(link, select_application(&JPKI_AID)).await?;
    expect_ok(&response, "SELECT JPKI AP")?;
    select_file(link, EF_AUTH_CERTIFICATE, "SELECT EF 000A").await?;
    let bytes = read_tlv_file(link, "READ BINARY EF 000A", WHAT).await?;
    // A certificate is a DER SEQUENCE.
    match tlv::parse_one(&bytes) {
        Ok((outer, _)) if outer.tag == 0x30 => Ok(bytes),
        _ => Err(CardError::Malformed { what: WHAT }),
    }
}

/// Verifies the 利用者証明用 PIN (JPKI EF 0018). On success the card allows `sign_auth` until it
/// leaves the reader.
pub async fn verify_auth_pin<L: CardLink>(link: &mut L, pin: &Pin) -> Result<(), CardError> {
    let response = exchange(link, select_application(&JPKI_AID)).await?;
    expect_ok(&response, "SELECT JPKI AP")?;
    select_file(link, EF_AUTH_PIN, "SELECT EF 0018").await?;
    verify_selected_pin(link, pin, "VERIFY EF 0018").await
}

/// Signs a DigestInfo with the 利用者証明用 key: SELECT EF 0017, then `80 2A 00 80 Lc <DigestInfo> 00`.
/// The card adds the PKCS#1 v1.5 padding itself. Call it after `verify_auth_pin` in the same card
/// session, with no other application selected in between.
pub async fn sign_auth<L: CardLink>(
    link: &mut L,
    digest_info: &[u8],
) -> Result<Vec<u8>, CardError> {
    if digest_info.is_empty() {
        return Err(CardError::Malformed { what: "DigestInfo" });
    }
    select_file(link, EF_AUTH_KEY, "SELECT EF 0017").await?;
    let response = exchange(
        link,
        CommandApdu::new(0x80, 0x2A, 0x00, 0x80)
            .with_data(digest_info.to_vec())
            .with_le(0x00),
    )
    .await?;
    expect_ok(&response, "COMPUTE DIGITAL SIGNATURE")?;
    if response.data.is_empty() {
        return Err(CardError::Malformed { what: "署名" });
    }
    Ok(response.data)
}

/// Selects 券面事項入力補助 and verifies its PIN (EF 0011).
async fn open_card_info<L: CardLink>(link: &mut L, pin: &Pin) -> Result<(), CardError> {
    let response = exchange(link, select_application(&CARD_INFO_AID)).await?;
    expect_ok(&response, "SELECT 券面事項入力補助 AP")?;
    select_file(link, EF_CARD_INFO_PIN, "SELECT EF 0011").await?;
    verify_selected_pin(link, pin, "VERIFY EF 0011").await
}

/// 基本4情報 from 券面事項入力補助 EF 0002: `FF 20 {DF 21 offsets, DF 22 氏名, DF 23 住所, DF 24 生年月日,
/// DF 25 性別}`, read with a generic BER parser (the outer length is long-form) and the children
/// taken by tag, in whatever order the card writes them.
pub async fn read_basic_four<L: CardLink>(link: &mut L, pin: &Pin) -> Result<BasicFour, CardError> {
    const WHAT: &str = "基本4情報";
    open_card_info(link, pin).await?;
    select_file(link, EF_BASIC_FOUR, "SELECT EF 0002").await?;
    let bytes = read_tlv_file(link, "READ BINARY EF 0002", WHAT).await?;
    let malformed = CardError::Malformed { what: WHAT };
    let (outer, _) = tlv::parse_one(&bytes).map_err(|_| malformed.clone())?;
    if outer.tag != 0xFF20 {
        return Err(malformed);
    }
    let children = outer.children().map_err(|_| malformed.clone())?;
    let text = |tag: u32, what: &'static str| -> Result<String, CardError> {
        let mut found = children.iter().filter(|c| c.tag == tag);
        match (found.next(), found.next()) {
            (Some(child), None) => {
                String::from_utf8(child.value.to_vec()).map_err(|_| CardError::Malformed { what })
            }
            // Missing, or there twice (which of the two would be the patient's?).
            _ => Err(CardError::Malformed { what }),
        }
    };
    let basic_four = BasicFour {
        name: text(0xDF22, "氏名")?,
        address: text(0xDF23, "住所")?,
        birthdate: text(0xDF24, "生年月日")?,
        sex: text(0xDF25, "性別")?,
    };
    if basic_four.birthdate.len() != 8 || !basic_four.birthdate.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(CardError::Malformed {
            what: "生年月日"
        });
    }
    if basic_four.sex.len() != 1 || !basic_four.sex.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardError::Malformed { what: "性別" });
    }
    Ok(basic_four)
}

/// The 12-digit 個人番号 from 券面事項入力補助 EF 0001 (`FF 10 0C` + 12 ASCII digits), checked
/// against its 検査用数字.
pub async fn read_my_number<L: CardLink>(link: &mut L, pin: &Pin) -> Result<String, CardError> {
    const WHAT: &str = "個人番号";
    open_card_info(link, pin).await?;
    select_file(link, EF_MY_NUMBER, "SELECT EF 0001").await?;
    let bytes = read_tlv_file(link, "READ BINARY EF 0001", WHAT).await?;
    let malformed = CardError::Malformed { what: WHAT };
    let (number, _) = tlv::parse_one(&bytes).map_err(|_| malformed.clone())?;
    if number.tag != 0xFF10 {
        return Err(malformed);
    }
    let digits = std::str::from_utf8(number.value).map_err(|_| malformed.clone())?;
    if is_valid_my_number(digits) {
        Ok(digits.to_owned())
    } else {
        Err(malformed)
    }
}
