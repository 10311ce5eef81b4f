//! A My Number card in software (docs/card-reader.md §3 and §6): an ISO 7816-4 state machine
//! with the JPKI and 券面事項入力補助 applications, synthetic 基本4情報 and 個人番号, the project's test
//! key and certificate, and PIN counters that reset only on a successful VERIFY.
//!
//! It is written from the research's byte sequences, not from `mynumber` (which it exists to test),
//! so its AIDs, file ids and contents are spelled out here again.
//!
//! Where the research gives no behaviour, the choices are ours and marked so:
//! - selecting another application forgets which PINs were verified (leaving a DF);
//! - the certificate files are longer than the certificates (padding `FF`), so a reader has to take
//!   the size from the DER header, as public readers do;
//! - a READ BINARY asking for more than the file holds answers what is there with `62 82`;
//! - DF 21 of 基本4情報 holds the file offsets of DF 22–25 as 2-byte big-endian numbers.

use std::fmt;

use rsa::{Pkcs1v15Sign, RsaPrivateKey, pkcs1::DecodeRsaPrivateKey, traits::PublicKeyParts};
use sha2::{Digest, Sha256};

use super::{
    apdu::{CommandApdu, ResponseApdu, StatusWord},
    mynumber::{BasicFour, my_number_check_digit},
    reader::{CardLink, LinkError},
    testpki, tlv,
};
use crate::{
    canned::people::{self, Person},
    codes::Sex,
};

/// A contact/contactless card as a virtual reader sees it: APDUs in, responses out.
pub trait Iso7816Card {
    /// Answers one command APDU (its bytes) with a response APDU (data and status word).
    fn process(&mut self, command: &[u8]) -> Vec<u8>;
    /// The field went off or the card left the reader: selections and verified PINs are forgotten,
    /// PIN counters are kept.
    fn power_off(&mut self);
}

/// The JPKI application (card-reader.md §3).
const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// The 券面事項入力補助 application (card-reader.md §3).
const CARD_INFO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// EF 0006's token, space-padded to the file's 32 bytes as public readers trim it.
const TOKEN: &[u8] = b"JPKIAPICCTOKEN2";
const TOKEN_FILE_LEN: usize = 32;
/// The size of the certificate files (ours): larger than a 2048-bit certificate.
const CERTIFICATE_FILE_LEN: usize = 2048;
/// Both 4-digit PINs allow three wrong tries (card-reader.md §3).
const PIN_TRIES: u8 = 3;

/// The status words the card answers with.
mod sw {
    use super::StatusWord;

    pub const OK: StatusWord = StatusWord(0x90, 0x00);
    /// End of file reached before reading Le bytes.
    pub const END_OF_FILE: StatusWord = StatusWord(0x62, 0x82);
    pub const WRONG_LENGTH: StatusWord = StatusWord(0x67, 0x00);
    /// Command incompatible with the file's structure (READ BINARY on a PIN, VERIFY on a key…).
    pub const INCOMPATIBLE_FILE: StatusWord = StatusWord(0x69, 0x81);
    /// Security status not satisfied: the PIN has not been verified.
    pub const SECURITY: StatusWord = StatusWord(0x69, 0x82);
    /// A blocked PIN, as public My Number code reports it.
    pub const BLOCKED: StatusWord = StatusWord(0x69, 0x84);
    /// Command not allowed: no current EF.
    pub const NO_CURRENT_EF: StatusWord = StatusWord(0x69, 0x86);
    pub const NOT_FOUND: StatusWord = StatusWord(0x6A, 0x82);
    pub const WRONG_P1P2: StatusWord = StatusWord(0x6A, 0x86);
    pub const WRONG_OFFSET: StatusWord = StatusWord(0x6B, 0x00);
    pub const WRONG_INS: StatusWord = StatusWord(0x6D, 0x00);
    pub const WRONG_CLA: StatusWord = StatusWord(0x6E, 0x00);
    /// No precise diagnosis (the test key does not load).
    pub const NO_DIAGNOSIS: StatusWord = StatusWord(0x6F, 0x00);

    /// `63 Cx`: a wrong PIN or a tries query, `x` tries left.
    pub fn tries(left: u8) -> StatusWord {
        StatusWord(0x63, 0xC0 | (left & 0x0F))
    }
}

/// What a virtual card holds.
#[derive(Clone, PartialEq, Eq)]
pub struct VirtualCardData {
    /// The 利用者証明用 certificate (DER), JPKI EF 000A.
    pub auth_certificate: Vec<u8>,
    /// Its private key (PKCS#1 DER), JPKI EF 0017.
    pub auth_key: Vec<u8>,
    /// The 利用者証明用 PIN, JPKI EF 0018.
    pub auth_pin: String,
    /// The 券面事項入力補助 PIN, EF 0011.
    pub support_pin: String,
    /// The 12-digit 個人番号, 券面事項入力補助 EF 0001.
    pub my_number: String,
    /// 基本4情報, 券面事項入力補助 EF 0002.
    pub basic_four: BasicFour,
}

/// Only the certificate's size: PINs, the key, the 個人番号 and 基本4情報 stay out of logs.
impl fmt::Debug for VirtualCardData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualCardData")
            .field("auth_certificate_len", &self.auth_certificate.len())
            .finish_non_exhaustive()
    }
}

/// The canned people who have a virtual card, in the canned order: whose cards training's virtual
/// reader offers the trainer.
pub fn card_holders() -> Vec<Person> {
    people::people()
        .into_iter()
        .filter(|person| testpki::card(&person.id).is_some())
        .collect()
}

impl VirtualCardData {
    /// A canned person's card: their test key and certificate (`testpki`), their PIN for both PINs,
    /// 基本4情報 as the national system knows them (an address of ours where the canned data has
    /// none) and a synthetic 個人番号. `None` for a person without a test card.
    pub fn for_person(person: &Person) -> Option<VirtualCardData> {
        let test_card = testpki::card(&person.id)?;
        let address = person
            .address
            .clone()
            .unwrap_or_else(|| synthetic_address(&person.id).to_owned());
        Some(VirtualCardData {
            auth_certificate: test_card.certificate.to_vec(),
            auth_key: test_card.key.to_vec(),
            auth_pin: person.pin.clone(),
            support_pin: person.pin.clone(),
            my_number: synthetic_my_number(&person.id),
            basic_four: BasicFour {
                name: person.name.clone(),
                address,
                birthdate: person.birthdate.format("%Y%m%d").to_string(),
                sex: sex_code(&person.sex).to_owned(),
            },
        })
    }
}

/// Addresses (ours) for the canned people the national data gives none, in the seeds' style with
/// 〇〇 standing for the town so that none is a real address.
const SYNTHETIC_ADDRESSES: &[(&str, &str)] = &[
    ("shinagawa-jiro", "東京都品川区〇〇2丁目20-2"),
    ("meguro-saburo", "東京都目黒区〇〇3丁目30-3"),
    ("kawasaki-kenichi", "神奈川県川崎市川崎区〇〇1丁目10-1"),
    ("yokohama-toru", "神奈川県横浜市中区〇〇4丁目40-4"),
];

/// A card always has an address; this is the one for a person the canned data gives none.
fn synthetic_address(person_id: &str) -> &'static str {
    SYNTHETIC_ADDRESSES
        .iter()
        .find(|(id, _)| *id == person_id)
        .map_or("東京都千代田区〇〇1丁目1-1", |(_, address)| {
            address
        })
}

/// A stable 個人番号 per person: 11 digits from SHA-256 of the id, then the 検査用数字.
fn synthetic_my_number(person_id: &str) -> String {
    let hash = Sha256::digest(format!("onshi synthetic 個人番号 {person_id}").as_bytes());
    let mut number: String = hash
        .iter()
        .take(11)
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    let check = my_number_check_digit(&number).expect("11 ASCII digits always have a check digit");
    number.push(char::from(b'0' + check));
    number
}

/// 性別 as the card writes it (ISO 5218): 1 男性, 2 女性, 9 適用不能.
fn sex_code(sex: &Sex) -> &'static str {
    match sex {
        Sex::Male => "1",
        Sex::Female => "2",
        // 未設定 and codes the table does not know: the card's "not applicable".
        Sex::Unset | Sex::Unknown(_) => "9",
    }
}

/// The card's applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Application {
    Jpki,
    CardInfo,
}

/// The card's EFs, each inside one application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum File {
    /// JPKI 0006.
    Token,
    /// JPKI 000A.
    AuthCertificate,
    /// JPKI 000B.
    AuthCa,
    /// JPKI 0017.
    AuthKey,
    /// JPKI 0018.
    AuthPin,
    /// 券面事項入力補助 0001.
    MyNumber,
    /// 券面事項入力補助 0002.
    BasicFour,
    /// 券面事項入力補助 0011.
    CardInfoPin,
}

impl File {
    fn find(application: Application, fid: [u8; 2]) -> Option<File> {
        match (application, fid) {
            (Application::Jpki, [0x00, 0x06]) => Some(File::Token),
            (Application::Jpki, [0x00, 0x0A]) => Some(File::AuthCertificate),
            (Application::Jpki, [0x00, 0x0B]) => Some(File::AuthCa),
            (Application::Jpki, [0x00, 0x17]) => Some(File::AuthKey),
            (Application::Jpki, [0x00, 0x18]) => Some(File::AuthPin),
            (Application::CardInfo, [0x00, 0x01]) => Some(File::MyNumber),
            (Application::CardInfo, [0x00, 0x02]) => Some(File::BasicFour),
            (Application::CardInfo, [0x00, 0x11]) => Some(File::CardInfoPin),
            _ => None,
        }
    }
}

/// One PIN: its value, its counter (kept across card sessions) and whether it was verified in this
/// session.
#[derive(Clone)]
struct PinState {
    value: Vec<u8>,
    tries_left: u8,
    verified: bool,
}

impl PinState {
    fn new(value: &str) -> PinState {
        PinState {
            value: value.as_bytes().to_vec(),
            tries_left: PIN_TRIES,
            verified: false,
        }
    }
}

/// A command APDU split into its parts (short form only, as the card's readers send).
struct Command<'a> {
    p1: u8,
    p2: u8,
    data: &'a [u8],
    /// Ne: Le `00` is 256.
    le: Option<usize>,
}

/// The body after CLA INS P1 P2: nothing (case 1), Le (case 2), Lc data (case 3), Lc data Le
/// (case 4). Lc `00` would start an extended length, which this card does not take.
fn parse_body(body: &[u8]) -> Option<(&[u8], Option<usize>)> {
    let ne = |le: u8| if le == 0 { 256 } else { usize::from(le) };
    match body {
        [] => Some((&[], None)),
        [le] => Some((&[], Some(ne(*le)))),
        [lc, rest @ ..] => {
            let lc = usize::from(*lc);
            if lc == 0 {
                None
            } else if rest.len() == lc {
                Some((rest, None))
            } else if rest.len() == lc + 1 {
                Some((&rest[..lc], Some(ne(rest[lc]))))
            } else {
                None
            }
        }
    }
}

/// A My Number card in software.
#[derive(Clone)]
pub struct VirtualCard {
    token_file: Vec<u8>,
    certificate_file: Vec<u8>,
    ca_file: Vec<u8>,
    basic_four_file: Vec<u8>,
    my_number_file: Vec<u8>,
    /// `None` when the data's key does not load; signing then answers `6F 00`.
    key: Option<RsaPrivateKey>,
    auth_pin: PinState,
    card_info_pin: PinState,
    blocked_status: StatusWord,
    application: Option<Application>,
    file: Option<File>,
}

/// The card's state, never its PINs, key or personal data.
impl fmt::Debug for VirtualCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualCard")
            .field("application", &self.application)
            .field("file", &self.file)
            .field("auth_tries_left", &self.auth_pin.tries_left)
            .field("auth_verified", &self.auth_pin.verified)
            .field("support_tries_left", &self.card_info_pin.tries_left)
            .field("support_verified", &self.card_info_pin.verified)
            .field("blocked_status", &self.blocked_status)
            .finish_non_exhaustive()
    }
}

impl VirtualCard {
    pub fn new(data: VirtualCardData) -> VirtualCard {
        let mut token_file = TOKEN.to_vec();
        token_file.resize(TOKEN_FILE_LEN, b' ');
        VirtualCard {
            token_file,
            certificate_file: padded_certificate(&data.auth_certificate),
            ca_file: padded_certificate(testpki::CA_CERTIFICATE),
            basic_four_file: basic_four_file(&data.basic_four),
            my_number_file: tlv::encode(0xFF10, data.my_number.as_bytes()),
            key: RsaPrivateKey::from_pkcs1_der(&data.auth_key).ok(),
            auth_pin: PinState::new(&data.auth_pin),
            card_info_pin: PinState::new(&data.support_pin),
            blocked_status: sw::BLOCKED,
            application: None,
            file: None,
        }
    }

    /// The status word for VERIFY on a blocked PIN: `69 84` by default, `69 83` as other card
    /// families answer (card-reader.md §3 says to support both).
    pub fn with_blocked_status(mut self, status: StatusWord) -> VirtualCard {
        self.blocked_status = status;
        self
    }

    /// The 利用者証明用 PIN's counter.
    pub fn auth_tries_left(&self) -> u8 {
        self.auth_pin.tries_left
    }

    /// The 券面事項入力補助 PIN's counter.
    pub fn support_tries_left(&self) -> u8 {
        self.card_info_pin.tries_left
    }

    /// The response to one command: data and status word.
    fn respond(&mut self, command: &[u8]) -> (Vec<u8>, StatusWord) {
        let [cla, ins, p1, p2, body @ ..] = command else {
            return fail(sw::WRONG_LENGTH);
        };
        let handler: fn(&mut VirtualCard, Command<'_>) -> (Vec<u8>, StatusWord) = match (cla, ins) {
            (0x00, 0xA4) => VirtualCard::select,
            (0x00, 0xB0) => VirtualCard::read_binary,
            (0x00, 0x20) => VirtualCard::verify,
            (0x80, 0x2A) => VirtualCard::sign,
            // A known instruction under the wrong class.
            (_, 0xA4 | 0xB0 | 0x20 | 0x2A) => return fail(sw::WRONG_CLA),
            (0x00 | 0x80, _) => return fail(sw::WRONG_INS),
            _ => return fail(sw::WRONG_CLA),
        };
        match parse_body(body) {
            Some((data, le)) => handler(
                self,
                Command {
                    p1: *p1,
                    p2: *p2,
                    data,
                    le,
                },
            ),
            None => fail(sw::WRONG_LENGTH),
        }
    }

    /// SELECT by AID (`00 A4 04 0C`) or by file id in the selected application (`00 A4 02 0C`).
    fn select(&mut self, command: Command<'_>) -> (Vec<u8>, StatusWord) {
        if command.p2 != 0x0C {
            return fail(sw::WRONG_P1P2);
        }
        match command.p1 {
            0x04 => {
                let application = match command.data {
                    [] => return fail(sw::WRONG_LENGTH),
                    aid if aid == JPKI_AID => Application::Jpki,
                    aid if aid == CARD_INFO_AID => Application::CardInfo,
                    _ => return fail(sw::NOT_FOUND),
                };
                if self.application != Some(application) {
                    // Leaving an application leaves its security state behind (ours).
                    self.auth_pin.verified = false;
                    self.card_info_pin.verified = false;
                }
                self.application = Some(application);
                self.file = None;
                ok(Vec::new())
            }
            0x02 => {
                let &[hi, lo] = command.data else {
                    return fail(sw::WRONG_LENGTH);
                };
                // Without an application the master file is current, and it holds none of these.
                match self.application.and_then(|a| File::find(a, [hi, lo])) {
                    Some(file) => {
                        self.file = Some(file);
                        ok(Vec::new())
                    }
                    None => fail(sw::NOT_FOUND),
                }
            }
            _ => fail(sw::WRONG_P1P2),
        }
    }

    /// READ BINARY `00 B0 <offset> <Le>` of the current EF.
    fn read_binary(&mut self, command: Command<'_>) -> (Vec<u8>, StatusWord) {
        let Some(le) = command.le.filter(|_| command.data.is_empty()) else {
            return fail(sw::WRONG_LENGTH);
        };
        // P1 bit 8 would address a file by short EF id, which this card does not take.
        if command.p1 & 0x80 != 0 {
            return fail(sw::WRONG_P1P2);
        }
        let Some(file) = self.file else {
            return fail(sw::NO_CURRENT_EF);
        };
        let contents: &[u8] = match file {
            File::Token => &self.token_file,
            File::AuthCertificate => &self.certificate_file,
            File::AuthCa => &self.ca_file,
            File::MyNumber | File::BasicFour if !self.card_info_pin.verified => {
                return fail(sw::SECURITY);
            }
            File::MyNumber => &self.my_number_file,
            File::BasicFour => &self.basic_four_file,
            File::AuthKey | File::AuthPin | File::CardInfoPin => {
                return fail(sw::INCOMPATIBLE_FILE);
            }
        };
        let offset = usize::from(command.p1) << 8 | usize::from(command.p2);
        if offset >= contents.len() {
            return fail(sw::WRONG_OFFSET);
        }
        let end = contents.len().min(offset + le);
        let status = if end - offset < le {
            sw::END_OF_FILE
        } else {
            sw::OK
        };
        (contents[offset..end].to_vec(), status)
    }

    /// VERIFY `00 20 00 80` against the current PIN EF: without data, how many tries are left;
    /// with data, a try.
    fn verify(&mut self, command: Command<'_>) -> (Vec<u8>, StatusWord) {
        if command.p1 != 0x00 || command.p2 != 0x80 {
            return fail(sw::WRONG_P1P2);
        }
        if command.le.is_some() {
            return fail(sw::WRONG_LENGTH);
        }
        let blocked_status = self.blocked_status;
        let pin = match self.file {
            None => return fail(sw::NO_CURRENT_EF),
            Some(File::AuthPin) => &mut self.auth_pin,
            Some(File::CardInfoPin) => &mut self.card_info_pin,
            Some(_) => return fail(sw::INCOMPATIBLE_FILE),
        };
        if pin.tries_left == 0 {
            return fail(blocked_status);
        }
        if command.data.is_empty() {
            return fail(sw::tries(pin.tries_left));
        }
        // A PIN of another length is a malformed command, not a try (ours).
        if command.data.len() != pin.value.len() {
            return fail(sw::WRONG_LENGTH);
        }
        if command.data == pin.value.as_slice() {
            // Only a success resets the counter (card-reader.md §3; jpki/myna's dummy card does not).
            pin.tries_left = PIN_TRIES;
            pin.verified = true;
            ok(Vec::new())
        } else {
            pin.tries_left -= 1;
            pin.verified = false;
            fail(sw::tries(pin.tries_left))
        }
    }

    /// COMPUTE DIGITAL SIGNATURE `80 2A 00 80 Lc <DigestInfo> 00` with the 利用者証明用 key (EF 0017
    /// current, its PIN verified): PKCS#1 v1.5 type-1 padding added by the card, then the private
    /// key operation.
    fn sign(&mut self, command: Command<'_>) -> (Vec<u8>, StatusWord) {
        if command.p1 != 0x00 || command.p2 != 0x80 {
            return fail(sw::WRONG_P1P2);
        }
        if command.data.is_empty() {
            return fail(sw::WRONG_LENGTH);
        }
        match self.file {
            None => return fail(sw::NO_CURRENT_EF),
            Some(File::AuthKey) => {}
            Some(_) => return fail(sw::INCOMPATIBLE_FILE),
        }
        if !self.auth_pin.verified {
            return fail(sw::SECURITY);
        }
        let Some(key) = &self.key else {
            return fail(sw::NO_DIAGNOSIS);
        };
        let size = key.size();
        // Padding needs 11 bytes; and the whole signature must fit what the reader asked for.
        if command.data.len() + 11 > size || command.le.is_some_and(|ne| ne < size) {
            return fail(sw::WRONG_LENGTH);
        }
        match key.sign(Pkcs1v15Sign::new_unprefixed(), command.data) {
            Ok(signature) => ok(signature),
            Err(_) => fail(sw::NO_DIAGNOSIS),
        }
    }
}

impl Iso7816Card for VirtualCard {
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        let (data, sw) = self.respond(command);
        ResponseApdu { data, sw }.encode()
    }

    fn power_off(&mut self) {
        self.application = None;
        self.file = None;
        self.auth_pin.verified = false;
        self.card_info_pin.verified = false;
    }
}

fn ok(data: Vec<u8>) -> (Vec<u8>, StatusWord) {
    (data, sw::OK)
}

fn fail(status: StatusWord) -> (Vec<u8>, StatusWord) {
    (Vec::new(), status)
}

/// A certificate file: the DER, then `FF` up to the file's size.
fn padded_certificate(der: &[u8]) -> Vec<u8> {
    let mut file = der.to_vec();
    file.resize(CERTIFICATE_FILE_LEN.max(der.len()), 0xFF);
    file
}

/// EF 0002: `FF 20 82 hh ll {DF 21 offsets, DF 22 氏名, DF 23 住所, DF 24 生年月日, DF 25 性別}`. The
/// outer length is always in the `82` form, as a real card's header is observed to be, even when a
/// shorter form would do.
fn basic_four_file(basic_four: &BasicFour) -> Vec<u8> {
    const OUTER_HEADER_LEN: usize = 5;
    // DF 21 08 and four 2-byte offsets.
    const OFFSETS_LEN: usize = 3 + 8;
    let fields = [
        tlv::encode(0xDF22, basic_four.name.as_bytes()),
        tlv::encode(0xDF23, basic_four.address.as_bytes()),
        tlv::encode(0xDF24, basic_four.birthdate.as_bytes()),
        tlv::encode(0xDF25, basic_four.sex.as_bytes()),
    ];
    let mut offsets = Vec::with_capacity(8);
    let mut at = OUTER_HEADER_LEN + OFFSETS_LEN;
    for field in &fields {
        // Card files are far below 64 KiB; a larger offset could not be written anyway.
        offsets.extend_from_slice(&u16::try_from(at).unwrap_or(u16::MAX).to_be_bytes());
        at += field.len();
    }
    let mut value = tlv::encode(0xDF21, &offsets);
    for field in &fields {
        value.extend_from_slice(field);
    }
    let [hi, lo] = u16::try_from(value.len()).unwrap_or(u16::MAX).to_be_bytes();
    let mut file = vec![0xFF, 0x20, 0x82, hi, lo];
    file.extend_from_slice(&value);
    file
}

/// A `CardLink` straight to a card, no reader in between, for tests of the card sequences.
/// `activate` starts a new card session (the card is powered off and on, as a reader's field
/// would), so verified PINs do not survive it.
#[derive(Debug)]
pub struct DirectLink<C: Iso7816Card> {
    card: Option<C>,
    active: bool,
}

impl<C: Iso7816Card> DirectLink<C> {
    /// A link with this card on it, not yet activated.
    pub fn new(card: C) -> DirectLink<C> {
        DirectLink {
            card: Some(card),
            active: false,
        }
    }

    /// A link with no card.
    pub fn empty() -> DirectLink<C> {
        DirectLink {
            card: None,
            active: false,
        }
    }

    pub fn card(&self) -> Option<&C> {
        self.card.as_ref()
    }

    /// Puts a card on the link (it answers once activated).
    pub fn place(&mut self, card: C) {
        if let Some(mut old) = self.card.replace(card) {
            old.power_off();
        }
        self.active = false;
    }

    /// Takes the card off: a transmit before the next activation is `CardRemoved`.
    pub fn remove(&mut self) -> Option<C> {
        let mut card = self.card.take()?;
        card.power_off();
        Some(card)
    }
}

impl<C: Iso7816Card> CardLink for DirectLink<C> {
    async fn open(&mut self) -> Result<(), LinkError> {
        Ok(())
    }

    async fn activate(&mut self) -> Result<bool, LinkError> {
        self.active = match &mut self.card {
            Some(card) => {
                card.power_off();
                true
            }
            None => false,
        };
        Ok(self.active)
    }

    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError> {
        if !self.active {
            return Err(LinkError::NoCard);
        }
        let card = self.card.as_mut().ok_or(LinkError::CardRemoved)?;
        let bytes = command.encode()?;
        ResponseApdu::parse(&card.process(&bytes)).map_err(|e| LinkError::Protocol {
            what: "response APDU",
            bytes: e.bytes,
        })
    }

    async fn close(&mut self) -> Result<(), LinkError> {
        if let Some(card) = &mut self.card {
            card.power_off();
        }
        self.active = false;
        Ok(())
    }
}
