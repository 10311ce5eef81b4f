//! The virtual My Number card as raw APDUs: tables of command → response written from
//! docs/card-reader.md §3 (its byte sequences are the golden vectors), the PIN semantics of §3
//! and §6, and a signature checked with the certificate's public key.

use onshi_core::card::{
    apdu::StatusWord,
    testpki,
    virtual_card::{Iso7816Card, VirtualCard},
};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256};

use crate::mynumber::{SHA256_PREFIX, hex, literal_data, public_key};

/// A command and the whole response the card must give, both as spaced hex.
type Step<'a> = (&'a str, &'a str);

fn spaced(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sends each command and compares the whole response.
fn run(card: &mut VirtualCard, steps: &[Step<'_>]) {
    for (i, (command, expected)) in steps.iter().enumerate() {
        let got = card.process(&hex(command));
        assert_eq!(spaced(&got), spaced(&hex(expected)), "step {i}: {command}");
    }
}

fn card() -> VirtualCard {
    VirtualCard::new(literal_data())
}

const SELECT_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
const SELECT_CARD_INFO: &str = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08";
/// "JPKIAPICCTOKEN2" in ASCII.
const TOKEN: &str = "4A 50 4B 49 41 50 49 43 43 54 4F 4B 45 4E 32";
/// The token's padding to 32 bytes: 17 spaces.
const TOKEN_PADDING: &str = "20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20";

#[test]
fn jpki_answers_as_the_research_reads_it() {
    let token_32 = format!("{TOKEN} {TOKEN_PADDING} 90 00");
    let token_15 = format!("{TOKEN} 90 00");
    let padding_eof = format!("{TOKEN_PADDING} 62 82");
    let sign_unverified = format!("80 2A 00 80 33 {SHA256_PREFIX} {} 00", ["5A"; 32].join(" "));
    run(
        &mut card(),
        &[
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 06", "90 00"),
            ("00 B0 00 00 20", &token_32),
            ("00 B0 00 00 0F", &token_15),
            // Le 00 asks for 256: what is left, with "end of file reached".
            ("00 B0 00 0F 00", &padding_eof),
            ("00 B0 00 20 01", "6B 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80", "63 C3"),
            // A PIN is not a file to read.
            ("00 B0 00 00 01", "69 81"),
            ("00 A4 02 0C 02 00 17", "90 00"),
            (&sign_unverified, "69 82"),
            ("00 20 00 80", "69 81"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80 04 34 30 37 31", "90 00"),
            ("00 20 00 80", "63 C3"),
        ],
    );
}

#[test]
fn card_info_answers_as_the_research_reads_it() {
    // 基本4情報 of the literal card: FF 20 82 00 50, DF 21 with the offsets of DF 22–25 in the
    // file (16, 34, 70, 81), 新橋　太郎 (15 bytes of UTF-8), 東京都港区〇〇5丁目500-1 (33 bytes),
    // 19540326, 1.
    let basic_four = concat!(
        "FF 20 82 00 50 ",
        "DF 21 08 00 10 00 22 00 46 00 51 ",
        "DF 22 0F E6 96 B0 E6 A9 8B E3 80 80 E5 A4 AA E9 83 8E ",
        "DF 23 21 E6 9D B1 E4 BA AC E9 83 BD E6 B8 AF E5 8C BA E3 80 87 E3 80 87 35 E4 B8 81 ",
        "E7 9B AE 35 30 30 2D 31 ",
        "DF 24 08 31 39 35 34 30 33 32 36 ",
        "DF 25 01 31"
    );
    let my_number = "FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 34";
    run(
        &mut card(),
        &[
            (SELECT_CARD_INFO, "90 00"),
            ("00 A4 02 0C 02 00 02", "90 00"),
            ("00 B0 00 00 07", "69 82"),
            ("00 A4 02 0C 02 00 01", "90 00"),
            ("00 B0 00 00 11", "69 82"),
            ("00 A4 02 0C 02 00 11", "90 00"),
            ("00 20 00 80", "63 C3"),
            ("00 20 00 80 04 31 32 33 34", "63 C2"),
            ("00 20 00 80 04 35 32 38 36", "90 00"),
            ("00 20 00 80", "63 C3"),
            ("00 A4 02 0C 02 00 01", "90 00"),
            // jpki-rs and myna read 17 bytes; the file holds 15.
            ("00 B0 00 00 11", &format!("{my_number} 62 82")),
            ("00 B0 00 00 0F", &format!("{my_number} 90 00")),
            ("00 B0 00 03 03", "39 38 33 90 00"),
            ("00 B0 00 0F 01", "6B 00"),
            ("00 A4 02 0C 02 00 02", "90 00"),
            ("00 B0 00 00 07", "FF 20 82 00 50 DF 21 90 00"),
            ("00 B0 00 00 00", &format!("{basic_four} 62 82")),
            ("00 B0 00 55 01", "6B 00"),
        ],
    );
}

#[test]
fn malformed_and_misplaced_commands_get_their_status_words() {
    let wrong_aid_length = "00 A4 04 0C 0C D3 92 F0 00 26 01 00 00 00 01";
    run(
        &mut card(),
        &[
            // Nothing selected yet.
            ("00 B0 00 00 07", "69 86"),
            ("00 20 00 80", "69 86"),
            ("80 2A 00 80 01 00 00", "69 86"),
            // Without an application the master file is current, and it holds none of these.
            ("00 A4 02 0C 02 00 0A", "6A 82"),
            // The wrong 券面事項入力補助 AID some public repos use (card-reader.md §3).
            ("00 A4 04 0C 0A D3 92 10 00 00 01 00 01 04 08", "6A 82"),
            ("", "67 00"),
            ("00 A4 04", "67 00"),
            ("00 A4 04 0C", "67 00"),
            (wrong_aid_length, "67 00"),
            // Lc 00 would start an extended length.
            ("00 A4 04 0C 00 0A D3 92", "67 00"),
            ("00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01", "6A 86"),
            ("00 A4 08 0C 02 00 06", "6A 86"),
            ("00 CA 01 01 00", "6D 00"),
            ("00 84 00 00 08", "6D 00"),
            ("10 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", "6E 00"),
            ("80 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", "6E 00"),
            ("00 2A 00 80 01 00 00", "6E 00"),
            ("A0 B0 00 00 01", "6E 00"),
            (SELECT_JPKI, "90 00"),
            // An unknown EF, and one of the other application's.
            ("00 A4 02 0C 02 00 99", "6A 82"),
            ("00 A4 02 0C 02 00 11", "6A 82"),
            ("00 A4 02 0C 01 00", "67 00"),
            ("00 A4 02 0C 02 00 06", "90 00"),
            ("00 B0 00 00", "67 00"),
            ("00 B0 00 00 01 00 01", "67 00"),
            ("00 B0 80 00 01", "6A 86"),
            ("00 B0 7F FF 01", "6B 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 81", "6A 86"),
            ("00 20 01 80", "6A 86"),
            // A PIN of the wrong length is refused without counting as a try.
            ("00 20 00 80 03 34 30 37", "67 00"),
            ("00 20 00 80 04 34 30 37 31 00", "67 00"),
            ("00 20 00 80", "63 C3"),
            ("80 2A 00 80 01 00 00", "69 81"),
        ],
    );
}

/// Three wrong 利用者証明用 PINs, then the right one: `blocked` is the status a blocked PIN answers.
fn blocking_steps(blocked: &str) -> Vec<(String, String)> {
    let blocked = blocked.to_owned();
    [
        (SELECT_JPKI, "90 00"),
        ("00 A4 02 0C 02 00 18", "90 00"),
        ("00 20 00 80", "63 C3"),
        ("00 20 00 80 04 31 32 33 34", "63 C2"),
        ("00 20 00 80 04 31 32 33 34", "63 C1"),
        ("00 20 00 80", "63 C1"),
        ("00 20 00 80 04 31 32 33 34", "63 C0"),
        ("00 20 00 80 04 34 30 37 31", &blocked),
        ("00 20 00 80", &blocked),
        ("00 20 00 80 04 31 32 33 34", &blocked),
    ]
    .iter()
    .map(|(c, r)| ((*c).to_owned(), (*r).to_owned()))
    .collect()
}

fn run_owned(card: &mut VirtualCard, steps: &[(String, String)]) {
    let borrowed: Vec<Step<'_>> = steps
        .iter()
        .map(|(c, r)| (c.as_str(), r.as_str()))
        .collect();
    run(card, &borrowed);
}

#[test]
fn three_wrong_pins_block_and_the_block_stays() {
    let mut default = card();
    run_owned(&mut default, &blocking_steps("69 84"));
    assert_eq!(default.auth_tries_left(), 0);
    // Power cycles do not unblock.
    default.power_off();
    run(
        &mut default,
        &[
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80 04 34 30 37 31", "69 84"),
        ],
    );
    // The 券面事項入力補助 PIN keeps its own counter.
    run(
        &mut default,
        &[
            (SELECT_CARD_INFO, "90 00"),
            ("00 A4 02 0C 02 00 11", "90 00"),
            ("00 20 00 80", "63 C3"),
            ("00 20 00 80 04 35 32 38 36", "90 00"),
        ],
    );
    assert_eq!(default.support_tries_left(), 3);

    let mut other = card().with_blocked_status(StatusWord(0x69, 0x83));
    run_owned(&mut other, &blocking_steps("69 83"));
}

#[test]
fn a_right_pin_resets_the_counter_and_nothing_else_does() {
    let mut card = card();
    run(
        &mut card,
        &[
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80 04 39 39 39 39", "63 C2"),
            ("00 20 00 80 04 39 39 39 39", "63 C1"),
            ("00 20 00 80 04 34 30 37 31", "90 00"),
            ("00 20 00 80", "63 C3"),
            ("00 20 00 80 04 39 39 39 39", "63 C2"),
        ],
    );
    // Not a power cycle, not selecting again.
    card.power_off();
    run(
        &mut card,
        &[
            (SELECT_JPKI, "90 00"),
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80", "63 C2"),
        ],
    );
    assert_eq!(card.auth_tries_left(), 2);
}

#[test]
fn verified_pins_last_one_session_in_one_application() {
    let sign = format!("80 2A 00 80 33 {SHA256_PREFIX} {} 00", ["11"; 32].join(" "));
    let mut card = card();
    // Verified, the card signs (256 bytes and 90 00); after a power cycle it does not.
    run(
        &mut card,
        &[
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80 04 34 30 37 31", "90 00"),
            // Selecting the same application again keeps the state.
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 17", "90 00"),
        ],
    );
    let response = card.process(&hex(&sign));
    assert_eq!((response.len(), &response[256..]), (258, &[0x90, 0x00][..]));
    card.power_off();
    run(
        &mut card,
        &[
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 17", "90 00"),
            (&sign, "69 82"),
            // Verified, then another application selected: the JPKI PIN must be verified again.
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80 04 34 30 37 31", "90 00"),
            (SELECT_CARD_INFO, "90 00"),
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 17", "90 00"),
            (&sign, "69 82"),
        ],
    );
    // 券面事項入力補助's PIN, likewise, lasts until the next power cycle.
    run(
        &mut card,
        &[
            (SELECT_CARD_INFO, "90 00"),
            ("00 A4 02 0C 02 00 11", "90 00"),
            ("00 20 00 80 04 35 32 38 36", "90 00"),
            ("00 A4 02 0C 02 00 01", "90 00"),
            ("00 B0 00 00 03", "FF 10 0C 90 00"),
        ],
    );
    card.power_off();
    run(
        &mut card,
        &[
            ("00 B0 00 00 03", "69 86"),
            (SELECT_CARD_INFO, "90 00"),
            ("00 A4 02 0C 02 00 01", "90 00"),
            ("00 B0 00 00 03", "69 82"),
        ],
    );
}

/// Reads the current EF from `0` to `len` in 255-byte READ BINARYs.
fn read(card: &mut VirtualCard, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < len {
        let [hi, lo] = u16::try_from(out.len())
            .expect("test files are small")
            .to_be_bytes();
        let le = u8::try_from((len - out.len()).min(0xFF)).expect("at most 255");
        let response = card.process(&[0x00, 0xB0, hi, lo, le]);
        let (data, status) = response.split_at(response.len() - 2);
        assert_eq!(status, [0x90, 0x00], "at offset {}", out.len());
        out.extend_from_slice(data);
    }
    out
}

#[test]
fn the_certificates_need_no_pin_and_are_the_test_pki_bytes() {
    let taro = testpki::card("shinbashi-taro").expect("a test card");
    let mut card = card();
    run(
        &mut card,
        &[(SELECT_JPKI, "90 00"), ("00 A4 02 0C 02 00 0A", "90 00")],
    );
    // A DER certificate starts 30 82 LL LL; its length gives the rest.
    let head = card.process(&hex("00 B0 00 00 07"));
    assert_eq!(&head[..2], [0x30, 0x82]);
    assert_eq!(&head[7..], [0x90, 0x00]);
    let total = 4 + (usize::from(head[2]) << 8 | usize::from(head[3]));
    assert_eq!(total, taro.certificate.len());
    assert_eq!(read(&mut card, total), taro.certificate);
    // The file goes on past the certificate (padding), so the length has to come from the DER.
    assert_eq!(read(&mut card, total + 4)[total..], [0xFF; 4]);
    run(&mut card, &[("00 A4 02 0C 02 00 0B", "90 00")]);
    assert_eq!(
        read(&mut card, testpki::CA_CERTIFICATE.len()),
        testpki::CA_CERTIFICATE
    );
}

#[test]
fn the_signature_verifies_with_the_certificates_public_key() {
    let message = b"a 32-byte nonce from the endpoint";
    let hash = Sha256::digest(message);
    let digest_info = format!("{SHA256_PREFIX} {}", spaced(&hash));
    let mut card = card();
    run(
        &mut card,
        &[
            (SELECT_JPKI, "90 00"),
            ("00 A4 02 0C 02 00 18", "90 00"),
            ("00 20 00 80 04 34 30 37 31", "90 00"),
            ("00 A4 02 0C 02 00 17", "90 00"),
            // The whole signature must fit what the reader asks for; a DigestInfo too long to pad
            // (more than 256 − 11 bytes) is refused.
            (&format!("80 2A 00 80 33 {digest_info} 80"), "67 00"),
            (
                &format!("80 2A 00 80 F6 {} 00", ["00"; 246].join(" ")),
                "67 00",
            ),
        ],
    );
    let response = card.process(&hex(&format!("80 2A 00 80 33 {digest_info} 00")));
    let (signature, status) = response.split_at(response.len() - 2);
    assert_eq!(status, [0x90, 0x00]);
    assert_eq!(signature.len(), 256);
    let certificate = literal_data().auth_certificate;
    let key = public_key(&certificate);
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &hash, signature)
        .expect("the card's signature verifies with its certificate");
    // And it is a signature of exactly that hash.
    let other = Sha256::digest(b"another nonce");
    assert!(
        key.verify(Pkcs1v15Sign::new::<Sha256>(), &other, signature)
            .is_err()
    );
    // Another person's certificate does not verify it.
    let hanako = testpki::card("shinbashi-hanako").expect("a test card");
    assert!(
        public_key(hanako.certificate)
            .verify(Pkcs1v15Sign::new::<Sha256>(), &hash, signature)
            .is_err()
    );
}
