//! The My Number card's sequences (`card::mynumber`) against the virtual card and against small
//! scripted cards, with the research's byte sequences (docs/card-reader.md §3) as golden vectors
//! for what goes over the link.

use std::{
    future::Future,
    pin::pin,
    task::{Context, Poll, Waker},
};

use onshi_core::{
    canned::people::{people, person},
    card::{
        apdu::{CommandApdu, ResponseApdu, StatusWord},
        mynumber::{
            self, BasicFour, CardError, Pin, PinFormatError, is_valid_my_number,
            my_number_check_digit,
        },
        reader::{CardLink, LinkError},
        testpki,
        virtual_card::{DirectLink, Iso7816Card, VirtualCard, VirtualCardData},
    },
};
use rsa::{Pkcs1v15Sign, RsaPublicKey, pkcs1::DecodeRsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::{Certificate, der::Decode};

/// Runs a future that never waits on anything outside itself (links to software cards answer at
/// once); gives up rather than spin if it ever did wait.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the future kept waiting on something a software card never provides");
}

/// Bytes from hex written with spaces, as the research writes APDUs.
pub fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|byte| u8::from_str_radix(byte, 16).expect("test hex is valid"))
        .collect()
}

/// The SHA-256 DigestInfo prefix, written from the research (aruneko `src/MessagePacket.ts`).
pub const SHA256_PREFIX: &str = "30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20";

/// The RSA public key of a DER certificate.
pub fn public_key(certificate: &[u8]) -> RsaPublicKey {
    let certificate = Certificate::from_der(certificate).expect("a test certificate");
    let key = certificate
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .expect("a whole number of bytes");
    RsaPublicKey::from_pkcs1_der(key).expect("an RSA key")
}

/// A card with known, literal contents (the PINs differ, so that their counters can be told apart).
pub fn literal_data() -> VirtualCardData {
    let test_card = testpki::card("shinbashi-taro").expect("新橋 太郎 has a test card");
    VirtualCardData {
        auth_certificate: test_card.certificate.to_vec(),
        auth_key: test_card.key.to_vec(),
        auth_pin: "4071".to_owned(),
        support_pin: "5286".to_owned(),
        my_number: "983205673214".to_owned(),
        basic_four: BasicFour {
            name: "新橋　太郎".to_owned(),
            address: "東京都港区〇〇5丁目500-1".to_owned(),
            birthdate: "19540326".to_owned(),
            sex: "1".to_owned(),
        },
    }
}

/// A link to a fresh card with `literal_data`, activated.
fn literal_link() -> DirectLink<VirtualCard> {
    activated(VirtualCard::new(literal_data()))
}

fn activated<C: Iso7816Card>(card: C) -> DirectLink<C> {
    let mut link = DirectLink::new(card);
    assert_eq!(block_on(link.activate()), Ok(true));
    link
}

fn pin(text: &str) -> Pin {
    Pin::parse(text).expect("test PINs are 4 digits")
}

/// A link that records every command it passes on, as bytes.
struct Recording<L> {
    inner: L,
    sent: Vec<Vec<u8>>,
}

impl<L: CardLink> CardLink for Recording<L> {
    async fn open(&mut self) -> Result<(), LinkError> {
        self.inner.open().await
    }

    async fn activate(&mut self) -> Result<bool, LinkError> {
        self.inner.activate().await
    }

    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError> {
        self.sent
            .push(command.encode().expect("the sequences send short APDUs"));
        self.inner.transmit(command).await
    }

    async fn close(&mut self) -> Result<(), LinkError> {
        self.inner.close().await
    }
}

fn recording(link: DirectLink<VirtualCard>) -> Recording<DirectLink<VirtualCard>> {
    Recording {
        inner: link,
        sent: Vec::new(),
    }
}

fn sent_hex(sent: &[Vec<u8>]) -> Vec<String> {
    sent.iter()
        .map(|bytes| {
            bytes
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// A card that answers every SELECT and VERIFY with `90 00` (or with `select_status` for the
/// applications) and READ BINARY from whichever file was selected last, for data no virtual card
/// would hold.
struct FileCard {
    files: Vec<([u8; 2], Vec<u8>)>,
    select_status: StatusWord,
    current: Option<usize>,
}

impl FileCard {
    /// A card with these EFs and the 券面事項入力補助 PIN EF (which accepts any PIN).
    fn new(mut files: Vec<([u8; 2], Vec<u8>)>) -> FileCard {
        files.push(([0x00, 0x11], Vec::new()));
        FileCard {
            files,
            select_status: StatusWord::OK,
            current: None,
        }
    }
}

impl Iso7816Card for FileCard {
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        match command {
            [0x00, 0xA4, 0x04, ..] => vec![self.select_status.0, self.select_status.1],
            [0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo] => {
                match self.files.iter().position(|(fid, _)| *fid == [*hi, *lo]) {
                    Some(i) => {
                        self.current = Some(i);
                        hex("90 00")
                    }
                    None => hex("6A 82"),
                }
            }
            [0x00, 0x20, ..] => hex("90 00"),
            [0x00, 0xB0, hi, lo, le] => {
                let Some(i) = self.current else {
                    return hex("69 86");
                };
                let file = &self.files[i].1;
                let offset = usize::from(*hi) << 8 | usize::from(*lo);
                let end = file.len().min(offset + usize::from(*le));
                let mut out = file.get(offset..end).unwrap_or_default().to_vec();
                out.extend_from_slice(&[0x90, 0x00]);
                out
            }
            _ => hex("6D 00"),
        }
    }

    fn power_off(&mut self) {
        self.current = None;
    }
}

#[test]
fn a_pin_is_exactly_four_ascii_digits_and_never_shown() {
    assert_eq!(pin("0000").as_bytes(), b"0000");
    assert_eq!(pin("4071").as_bytes(), hex("34 30 37 31").as_slice());
    let cases = [
        ("", PinFormatError::Length { chars: 0 }),
        ("123", PinFormatError::Length { chars: 3 }),
        ("12345", PinFormatError::Length { chars: 5 }),
        (" 1234", PinFormatError::Length { chars: 5 }),
        ("12a4", PinFormatError::NotDigit { position: 3 }),
        ("１２３４", PinFormatError::NotDigit { position: 1 }),
        ("123 ", PinFormatError::NotDigit { position: 4 }),
    ];
    for (text, expected) in cases {
        assert_eq!(Pin::parse(text), Err(expected), "{text:?}");
    }
    assert_eq!(format!("{:?}", pin("9876")), "Pin(****)");
    // Neither the error's text nor its debug form repeats what was typed.
    let error = Pin::parse("98７6").expect_err("a full-width digit is not a PIN digit");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains('9') && !shown.contains('８'), "{shown}");
    }
}

#[test]
fn the_my_number_check_digit_follows_the_ordinance() {
    // 983205673214: an example published as valid (qiita ekzemplaro, 2024); by hand, weights
    // 6 5 4 3 2 7 6 5 4 3 2 over 9 8 3 2 0 5 6 7 3 2 1 sum to 238, 238 mod 11 = 7, 11 − 7 = 4.
    assert_eq!(my_number_check_digit("98320567321"), Some(4));
    assert!(is_valid_my_number("983205673214"));
    assert!(!is_valid_my_number("983205673210"));
    // 12345678901: 6+10+12+12+10+42+42+40+36+0+2 = 212, 212 mod 11 = 3 → 8.
    assert!(is_valid_my_number("123456789018"));
    assert!(!is_valid_my_number("123456789010"));
    // A remainder of 0 or 1 gives 0: all zeros (0), and 6 in the last place (6 × 2 = 12 → 1).
    assert_eq!(my_number_check_digit("00000000000"), Some(0));
    assert_eq!(my_number_check_digit("00000000006"), Some(0));
    // The leftmost of the 11 digits weighs Q11 = 11 − 5 = 6: 11 − 6 = 5.
    assert_eq!(my_number_check_digit("10000000000"), Some(5));
    // The 7th from the right weighs Q7 = 2: 11 − 2 = 9; the 6th weighs Q6 = 7: 11 − 7 = 4.
    assert_eq!(my_number_check_digit("00001000000"), Some(9));
    assert_eq!(my_number_check_digit("00000100000"), Some(4));
    for bad in [
        "",
        "1234567890",
        "123456789012",
        "1234567890a",
        "１2345678901",
    ] {
        assert_eq!(my_number_check_digit(bad), None, "{bad:?}");
    }
    for bad in [
        "98320567321",
        "9832056732140",
        "98320567321a",
        "９83205673214",
    ] {
        assert!(!is_valid_my_number(bad), "{bad:?}");
    }
}

#[test]
fn the_jpki_sequences_send_the_researched_bytes() {
    let mut link = recording(literal_link());
    block_on(mynumber::check_card(&mut link)).expect("a My Number card");
    assert_eq!(
        sent_hex(&link.sent),
        [
            "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
            "00 A4 02 0C 02 00 06",
            "00 B0 00 00 20",
        ]
    );
    link.sent.clear();
    assert_eq!(block_on(mynumber::auth_pin_tries(&mut link)), Ok(3));
    assert_eq!(
        sent_hex(&link.sent),
        [
            "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
            "00 A4 02 0C 02 00 18",
            "00 20 00 80",
        ]
    );
    link.sent.clear();
    block_on(mynumber::verify_auth_pin(&mut link, &pin("4071"))).expect("the right PIN");
    assert_eq!(
        sent_hex(&link.sent),
        [
            "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
            "00 A4 02 0C 02 00 18",
            "00 20 00 80 04 34 30 37 31",
        ]
    );
    link.sent.clear();
    let digest_info = hex(&format!("{SHA256_PREFIX} {}", ["AB"; 32].join(" ")));
    block_on(mynumber::sign_auth(&mut link, &digest_info)).expect("a signature");
    assert_eq!(
        sent_hex(&link.sent),
        [
            "00 A4 02 0C 02 00 17".to_owned(),
            format!("80 2A 00 80 33 {SHA256_PREFIX} {} 00", ["AB"; 32].join(" ")),
        ]
    );
}

#[test]
fn the_certificate_is_read_in_chunks_of_at_most_255_bytes_and_no_further() {
    let mut link = recording(literal_link());
    let certificate = block_on(mynumber::read_auth_certificate(&mut link)).expect("readable");
    let expected = testpki::card("shinbashi-taro")
        .expect("a test card")
        .certificate;
    assert_eq!(certificate, expected);
    // 884 bytes: a 7-byte head, then 255 + 255 + 255 + 112 from offsets 7, 262, 517 and 772.
    assert_eq!(expected.len(), 884, "the test certificate changed size");
    assert_eq!(
        sent_hex(&link.sent),
        [
            "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
            "00 A4 02 0C 02 00 0A",
            "00 B0 00 00 07",
            "00 B0 00 07 FF",
            "00 B0 01 06 FF",
            "00 B0 02 05 FF",
            "00 B0 03 04 70",
        ]
    );
}

#[test]
fn the_card_info_sequences_send_the_researched_bytes() {
    let mut link = recording(literal_link());
    let number = block_on(mynumber::read_my_number(&mut link, &pin("5286"))).expect("readable");
    assert_eq!(number, "983205673214");
    assert_eq!(
        sent_hex(&link.sent),
        [
            "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08",
            "00 A4 02 0C 02 00 11",
            "00 20 00 80 04 35 32 38 36",
            "00 A4 02 0C 02 00 01",
            "00 B0 00 00 07",
            "00 B0 00 07 08",
        ]
    );
    link.sent.clear();
    let basic_four = block_on(mynumber::read_basic_four(&mut link, &pin("5286"))).expect("ok");
    assert_eq!(basic_four, literal_data().basic_four);
    let sent = sent_hex(&link.sent);
    assert_eq!(
        sent[..5],
        [
            "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08",
            "00 A4 02 0C 02 00 11",
            "00 20 00 80 04 35 32 38 36",
            "00 A4 02 0C 02 00 02",
            "00 B0 00 00 07",
        ]
    );
    assert!(sent[5].starts_with("00 B0 00 07 "), "{sent:?}");
}

#[test]
fn the_pin_counts_down_blocks_and_stays_blocked() {
    for (blocked, card) in [
        (StatusWord(0x69, 0x84), VirtualCard::new(literal_data())),
        (
            StatusWord(0x69, 0x83),
            VirtualCard::new(literal_data()).with_blocked_status(StatusWord(0x69, 0x83)),
        ),
    ] {
        let mut link = activated(card);
        let wrong = pin("1111");
        assert_eq!(block_on(mynumber::auth_pin_tries(&mut link)), Ok(3));
        assert_eq!(
            block_on(mynumber::verify_auth_pin(&mut link, &wrong)),
            Err(CardError::PinWrong { tries_left: 2 })
        );
        assert_eq!(
            block_on(mynumber::verify_auth_pin(&mut link, &wrong)),
            Err(CardError::PinWrong { tries_left: 1 })
        );
        assert_eq!(block_on(mynumber::auth_pin_tries(&mut link)), Ok(1));
        // The third wrong PIN (63 C0) blocks it.
        assert_eq!(
            block_on(mynumber::verify_auth_pin(&mut link, &wrong)),
            Err(CardError::PinBlocked)
        );
        assert_eq!(
            block_on(mynumber::verify_auth_pin(&mut link, &pin("4071"))),
            Err(CardError::PinBlocked),
            "{blocked}"
        );
        assert_eq!(
            block_on(mynumber::auth_pin_tries(&mut link)),
            Err(CardError::PinBlocked)
        );
        // Taking the card away and back does not unblock it.
        assert_eq!(block_on(link.activate()), Ok(true));
        assert_eq!(
            block_on(mynumber::verify_auth_pin(&mut link, &pin("4071"))),
            Err(CardError::PinBlocked)
        );
        assert_eq!(link.card().map(VirtualCard::auth_tries_left), Some(0));
        // The other PIN has its own counter.
        assert_eq!(
            block_on(mynumber::read_my_number(&mut link, &pin("5286"))),
            Ok("983205673214".to_owned())
        );
    }
}

#[test]
fn a_right_pin_resets_the_count() {
    let mut link = literal_link();
    for _ in 0..2 {
        assert!(matches!(
            block_on(mynumber::verify_auth_pin(&mut link, &pin("0000"))),
            Err(CardError::PinWrong { .. })
        ));
    }
    block_on(mynumber::verify_auth_pin(&mut link, &pin("4071"))).expect("the right PIN");
    assert_eq!(block_on(mynumber::auth_pin_tries(&mut link)), Ok(3));
    assert_eq!(
        block_on(mynumber::read_basic_four(&mut link, &pin("0000"))),
        Err(CardError::PinWrong { tries_left: 2 })
    );
}

#[test]
fn signing_needs_the_pin_in_the_same_card_session() {
    let mut link = literal_link();
    let digest_info = hex(&format!("{SHA256_PREFIX} {}", ["01"; 32].join(" ")));
    block_on(mynumber::check_card(&mut link)).expect("a My Number card");
    assert_eq!(
        block_on(mynumber::sign_auth(&mut link, &digest_info)),
        Err(CardError::Refused {
            step: "COMPUTE DIGITAL SIGNATURE",
            sw: StatusWord(0x69, 0x82)
        })
    );
    block_on(mynumber::verify_auth_pin(&mut link, &pin("4071"))).expect("the right PIN");
    let signature = block_on(mynumber::sign_auth(&mut link, &digest_info)).expect("signed");
    assert_eq!(signature.len(), 256);
    // A new activation is a new card session.
    assert_eq!(block_on(link.activate()), Ok(true));
    block_on(mynumber::check_card(&mut link)).expect("a My Number card");
    assert!(matches!(
        block_on(mynumber::sign_auth(&mut link, &digest_info)),
        Err(CardError::Refused { .. })
    ));
    assert_eq!(
        block_on(mynumber::sign_auth(&mut link, &[])),
        Err(CardError::Malformed { what: "DigestInfo" })
    );
}

#[test]
fn the_card_info_pin_guards_basic_four_and_my_number() {
    let mut link = literal_link();
    assert_eq!(
        block_on(mynumber::read_my_number(&mut link, &pin("4071"))),
        Err(CardError::PinWrong { tries_left: 2 })
    );
    assert_eq!(link.card().map(VirtualCard::support_tries_left), Some(2));
    assert_eq!(link.card().map(VirtualCard::auth_tries_left), Some(3));
    assert_eq!(
        block_on(mynumber::read_basic_four(&mut link, &pin("5286"))),
        Ok(literal_data().basic_four)
    );
}

#[test]
fn a_card_that_is_not_a_my_number_card_is_named_so() {
    let padded = |token: &str| {
        let mut bytes = token.as_bytes().to_vec();
        bytes.resize(32, b' ');
        bytes
    };
    // A 住基カード and a smartphone's certificate answer with other tokens.
    for token in ["JPKIAPICCTOKEN", "JPKIAPGPSETOKEN", ""] {
        let mut link = activated(FileCard::new(vec![([0x00, 0x06], padded(token))]));
        assert_eq!(
            block_on(mynumber::check_card(&mut link)),
            Err(CardError::NotMyNumberCard),
            "{token:?}"
        );
    }
    // No JPKI application at all.
    let mut card = FileCard::new(vec![([0x00, 0x06], padded("JPKIAPICCTOKEN2"))]);
    card.select_status = StatusWord(0x6A, 0x82);
    let mut link = activated(card);
    assert_eq!(
        block_on(mynumber::check_card(&mut link)),
        Err(CardError::NotMyNumberCard)
    );
    // And the scripted card itself passes when it holds the right token.
    let mut link = activated(FileCard::new(vec![(
        [0x00, 0x06],
        padded("JPKIAPICCTOKEN2"),
    )]));
    assert_eq!(block_on(mynumber::check_card(&mut link)), Ok(()));
}

#[test]
fn basic_four_is_read_whatever_the_order_of_its_children() {
    let file = hex(concat!(
        "FF 20 82 00 29 ",
        "DF 25 01 32 ",
        "DF 24 08 32 30 30 31 30 32 30 33 ",
        // 港　ハル in UTF-8: E6 B8 AF, E3 80 80, E3 83 8F, E3 83 AB.
        "DF 22 0C E6 B8 AF E3 80 80 E3 83 8F E3 83 AB ",
        "DF 23 03 E6 B8 AF ",
        "DF 21 02 00 00"
    ));
    let mut link = activated(FileCard::new(vec![([0x00, 0x02], file)]));
    assert_eq!(
        block_on(mynumber::read_basic_four(&mut link, &pin("1234"))),
        Ok(BasicFour {
            name: "港　ハル".to_owned(),
            address: "港".to_owned(),
            birthdate: "20010203".to_owned(),
            sex: "2".to_owned(),
        })
    );
}

#[test]
fn malformed_card_data_is_refused_not_guessed() {
    let cases: &[(&str, &str, &str)] = &[
        // Not FF 20.
        ("基本4情報", "basic four", "FF 21 03 DF 25 00"),
        // 氏名 missing.
        (
            "氏名",
            "basic four",
            "FF 20 13 DF 23 01 41 DF 24 08 31 39 39 30 30 31 30 31 DF 25 01 31",
        ),
        // 氏名 twice.
        (
            "氏名",
            "basic four",
            "FF 20 1B DF 22 01 41 DF 22 01 42 DF 23 01 41 DF 24 08 31 39 39 30 30 31 30 31 DF 25 01 31",
        ),
        // 氏名 not UTF-8.
        (
            "氏名",
            "basic four",
            "FF 20 17 DF 22 01 FF DF 23 01 41 DF 24 08 31 39 39 30 30 31 30 31 DF 25 01 31",
        ),
        // 生年月日 not 8 digits.
        (
            "生年月日",
            "basic four",
            "FF 20 16 DF 22 01 41 DF 23 01 41 DF 24 07 31 39 39 30 30 31 30 DF 25 01 31",
        ),
        // 性別 not one digit.
        (
            "性別",
            "basic four",
            "FF 20 16 DF 22 01 41 DF 23 01 41 DF 24 08 31 39 39 30 30 31 30 31 DF 25 00",
        ),
        // The file ends before its value does.
        ("基本4情報", "basic four", "FF 20 82 01 00 DF 22 01 41"),
        // A wrong check digit.
        (
            "個人番号",
            "my number",
            "FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 30",
        ),
        // Eleven digits.
        (
            "個人番号",
            "my number",
            "FF 10 0B 39 38 33 32 30 35 36 37 33 32 31",
        ),
        // Another tag.
        (
            "個人番号",
            "my number",
            "FF 11 0C 39 38 33 32 30 35 36 37 33 32 31 34",
        ),
    ];
    for (what, file, bytes) in cases {
        let fid = if *file == "my number" {
            [0x00, 0x01]
        } else {
            [0x00, 0x02]
        };
        let mut link = activated(FileCard::new(vec![(fid, hex(bytes))]));
        let got = if *file == "my number" {
            block_on(mynumber::read_my_number(&mut link, &pin("1234"))).map(|_| ())
        } else {
            block_on(mynumber::read_basic_four(&mut link, &pin("1234"))).map(|_| ())
        };
        assert_eq!(got, Err(CardError::Malformed { what }), "{bytes}");
    }
    // A certificate that is not a DER SEQUENCE.
    let mut link = activated(FileCard::new(vec![([0x00, 0x0A], hex("31 03 02 01 00"))]));
    assert_eq!(
        block_on(mynumber::read_auth_certificate(&mut link)),
        Err(CardError::Malformed {
            what: "利用者証明用証明書"
        })
    );
}

#[test]
fn no_card_and_a_removed_card_are_link_errors() {
    let mut empty = DirectLink::<VirtualCard>::empty();
    assert_eq!(block_on(empty.activate()), Ok(false));
    assert_eq!(
        block_on(mynumber::check_card(&mut empty)),
        Err(CardError::Link(LinkError::NoCard))
    );
    let mut link = literal_link();
    block_on(mynumber::check_card(&mut link)).expect("a My Number card");
    let card = link.remove().expect("the card was there");
    assert_eq!(
        block_on(mynumber::read_auth_certificate(&mut link)),
        Err(CardError::Link(LinkError::CardRemoved))
    );
    // Put back, it answers again once activated; its counters came along.
    link.place(card);
    assert_eq!(
        block_on(mynumber::check_card(&mut link)),
        Err(CardError::Link(LinkError::NoCard))
    );
    assert_eq!(block_on(link.activate()), Ok(true));
    assert_eq!(block_on(mynumber::auth_pin_tries(&mut link)), Ok(3));
}

#[test]
fn every_canned_person_has_a_card_that_reads_back() {
    let everyone = people();
    assert_eq!(everyone.len(), testpki::CARDS.len());
    let mut numbers = Vec::new();
    for p in &everyone {
        let data = VirtualCardData::for_person(p)
            .unwrap_or_else(|| panic!("{} has no virtual card", p.id));
        assert_eq!(data.auth_pin, "1234", "{}", p.id);
        assert_eq!(data.support_pin, "1234", "{}", p.id);
        let mut link = activated(VirtualCard::new(data.clone()));
        block_on(mynumber::check_card(&mut link)).expect("a My Number card");
        let certificate = block_on(mynumber::read_auth_certificate(&mut link)).expect("readable");
        assert_eq!(
            Some(certificate.as_slice()),
            testpki::card(&p.id).map(|c| c.certificate),
            "{}",
            p.id
        );
        let basic_four =
            block_on(mynumber::read_basic_four(&mut link, &pin("1234"))).expect("readable");
        assert_eq!(basic_four, data.basic_four, "{}", p.id);
        assert_eq!(basic_four.name, p.name);
        assert!(!basic_four.address.is_empty(), "{}", p.id);
        if let Some(address) = &p.address {
            assert_eq!(&basic_four.address, address);
        }
        let number = block_on(mynumber::read_my_number(&mut link, &pin("1234"))).expect("readable");
        assert!(is_valid_my_number(&number), "{}: {number}", p.id);
        numbers.push(number);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        everyone.len(),
        "every person's 個人番号 differs"
    );
}

#[test]
fn the_canned_cards_hold_the_national_data() {
    // Literal values from the seeds (seed 000 Case2) and ours for the synthetic address.
    let taro =
        VirtualCardData::for_person(&person("shinbashi-taro").expect("canned")).expect("a card");
    assert_eq!(
        taro.basic_four,
        BasicFour {
            name: "新橋　太郎".to_owned(),
            address: "東京都港区〇〇5丁目500-1".to_owned(),
            birthdate: "19540326".to_owned(),
            sex: "1".to_owned(),
        }
    );
    let jiro =
        VirtualCardData::for_person(&person("shinagawa-jiro").expect("canned")).expect("a card");
    assert_eq!(jiro.basic_four.address, "東京都品川区〇〇2丁目20-2");
    let hanako =
        VirtualCardData::for_person(&person("shinbashi-hanako").expect("canned")).expect("a card");
    assert_eq!(hanako.basic_four.sex, "2");
    // The same person always gets the same 個人番号.
    assert_eq!(
        VirtualCardData::for_person(&person("shinbashi-taro").expect("canned"))
            .map(|d| d.my_number),
        Some(taro.my_number)
    );
}

#[test]
fn debug_output_keeps_pins_keys_and_personal_data_out() {
    let data = literal_data();
    let card = VirtualCard::new(data.clone());
    let link = DirectLink::new(card.clone());
    for shown in [
        format!("{data:?}"),
        format!("{card:?}"),
        format!("{link:?}"),
    ] {
        for secret in ["4071", "5286", "983205673214", "新橋", "東京都", "19540326"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}

#[test]
fn shinbashi_taro_proves_his_card_through_a_virtual_rcs380() {
    use onshi_core::card::{
        reader::Rcs380,
        virtual_reader::{Shared, VirtualRcs380},
    };

    let taro = person("shinbashi-taro").expect("canned");
    let data = VirtualCardData::for_person(&taro).expect("新橋 太郎 has a card");
    let device = Shared::new(VirtualRcs380::new());
    device.with(|d| d.place(Box::new(VirtualCard::new(data))));
    let mut link = Rcs380::new(device.clone());
    block_on(link.open()).expect("the reader opens");
    assert_eq!(block_on(link.activate()), Ok(true));

    block_on(mynumber::check_card(&mut link)).expect("a My Number card");
    assert_eq!(block_on(mynumber::auth_pin_tries(&mut link)), Ok(3));
    let certificate = block_on(mynumber::read_auth_certificate(&mut link)).expect("readable");
    assert_eq!(
        Some(certificate.as_slice()),
        testpki::card("shinbashi-taro").map(|c| c.certificate)
    );
    assert_eq!(
        block_on(mynumber::verify_auth_pin(&mut link, &pin("9999"))),
        Err(CardError::PinWrong { tries_left: 2 })
    );
    block_on(mynumber::verify_auth_pin(&mut link, &pin(&taro.pin))).expect("his PIN");
    let nonce = [0x5Au8; 32];
    let hash = Sha256::digest(nonce);
    let mut digest_info = hex(SHA256_PREFIX);
    digest_info.extend_from_slice(&hash);
    let signature = block_on(mynumber::sign_auth(&mut link, &digest_info)).expect("signed");
    block_on(link.close()).expect("the reader closes");

    public_key(&certificate)
        .verify(Pkcs1v15Sign::new::<Sha256>(), &hash, &signature)
        .expect("the signature verifies with the certificate read from the card");
    assert_eq!(
        device.with(|d| d.violations().to_vec()),
        Vec::<String>::new()
    );
}
