//! `card::pki` against the committed test PKI (scripts/gen-test-pki): the research's DigestInfo bytes
//! as a golden vector, certificates of the test CA good, expired, forged or foreign, and signatures
//! made the card's way with the rsa crate directly (a DigestInfo written out from the research, padded
//! by the private-key operation, as the card pads it).

use chrono::{DateTime, TimeZone, Utc};
use onshi_core::card::{
    pki::{
        self, PkiError, SHA256_DIGEST_INFO_PREFIX, VerifiedCertificate, digest_info_sha256,
        verify_certificate, verify_signature,
    },
    testpki::{self, CA_CERTIFICATE, CARDS, EXPIRED, ROGUE},
};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, pkcs1::DecodeRsaPrivateKey};
use sha2::{Digest, Sha256};

/// docs/card-reader.md §3, copied byte for byte: the DER header of a SHA-256 DigestInfo.
const RESEARCH_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// Signs `message` as the My Number card does: the terminal sends the DigestInfo (written here from
/// the research's bytes, not from the code under test), and the card pads it (PKCS#1 v1.5 type 1)
/// and applies its private key.
pub fn sign_like_a_card(key_der: &[u8], message: &[u8]) -> Vec<u8> {
    let key = RsaPrivateKey::from_pkcs1_der(key_der).expect("a test key in PKCS#1 DER");
    let mut digest_info = RESEARCH_PREFIX.to_vec();
    digest_info.extend_from_slice(&Sha256::digest(message));
    key.sign(Pkcs1v15Sign::new_unprefixed(), &digest_info)
        .expect("the test key signs")
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s)
        .single()
        .expect("a valid time")
}

/// The day the dispatcher tests run on.
fn today() -> DateTime<Utc> {
    utc(2026, 11, 22, 0, 0, 0)
}

fn taro() -> testpki::TestCard {
    testpki::card("shinbashi-taro").expect("新橋 太郎 has a test card")
}

/// The bytes with the one occurrence of `from` replaced by `to`.
fn replaced(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at: Vec<usize> = bytes
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "{from:02X?} occurs {} times", at.len());
    let mut out = bytes.to_vec();
    out[at[0]..at[0] + from.len()].copy_from_slice(to);
    out
}

#[test]
fn the_digest_info_is_the_researchs_prefix_and_the_sha256() {
    assert_eq!(SHA256_DIGEST_INFO_PREFIX, RESEARCH_PREFIX);
    // SHA-256("abc") from FIPS 180-2's example.
    let abc: [u8; 32] = [
        0xBA, 0x78, 0x16, 0xBF, 0x8F, 0x01, 0xCF, 0xEA, 0x41, 0x41, 0x40, 0xDE, 0x5D, 0xAE, 0x22,
        0x23, 0xB0, 0x03, 0x61, 0xA3, 0x96, 0x17, 0x7A, 0x9C, 0xB4, 0x10, 0xFF, 0x61, 0xF2, 0x00,
        0x15, 0xAD,
    ];
    let expected: Vec<u8> = RESEARCH_PREFIX.iter().chain(abc.iter()).copied().collect();
    assert_eq!(digest_info_sha256(b"abc"), expected);
    assert_eq!(digest_info_sha256(&[0u8; 32]).len(), 51);
}

/// The card's way (DigestInfo padded by the key) and the rsa crate's own PKCS#1 v1.5 with SHA-256
/// agree: the research's prefix is the one the standard names.
#[test]
fn a_card_signature_is_an_ordinary_pkcs1_v15_sha256_signature() {
    let nonce = [7u8; 32];
    let key = RsaPrivateKey::from_pkcs1_der(taro().key).expect("key");
    let standard = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(nonce))
        .expect("signs");
    let card = sign_like_a_card(taro().key, &nonce);
    assert_eq!(card.len(), 256, "RSA-2048");
    assert_eq!(card, standard);
    assert_eq!(verify_signature(taro().certificate, &nonce, &card), Ok(()));
}

#[test]
fn every_canned_card_is_the_test_cas_with_its_serial() {
    let serials: Vec<String> = CARDS
        .iter()
        .map(|card| {
            verify_certificate(CA_CERTIFICATE, card.certificate, today())
                .unwrap_or_else(|e| panic!("{}: {e}", card.person_id))
                .serial
        })
        .collect();
    // scripts/gen-test-pki numbers the people's cards from 0x1001 in canned order.
    assert_eq!(
        serials,
        [
            "1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "100A", "100B",
            "100C"
        ]
    );
    assert_eq!(
        pki::certificate_serial(taro().certificate),
        Ok("1001".to_owned())
    );
}

#[test]
fn the_validity_window_includes_both_ends() {
    // scripts/gen-test-pki: 20250101000000Z to 20351231235959Z.
    let check = |at| verify_certificate(CA_CERTIFICATE, taro().certificate, at);
    let valid = Ok(VerifiedCertificate {
        serial: "1001".to_owned(),
    });
    assert_eq!(check(utc(2025, 1, 1, 0, 0, 0)), valid);
    assert_eq!(check(utc(2035, 12, 31, 23, 59, 59)), valid);
    assert_eq!(
        check(utc(2024, 12, 31, 23, 59, 59)),
        Err(PkiError::NotYetValid {
            not_before: utc(2025, 1, 1, 0, 0, 0),
            at: utc(2024, 12, 31, 23, 59, 59),
        })
    );
    assert_eq!(
        check(utc(2036, 1, 1, 0, 0, 0)),
        Err(PkiError::Expired {
            not_after: utc(2035, 12, 31, 23, 59, 59),
            at: utc(2036, 1, 1, 0, 0, 0),
        })
    );
}

#[test]
fn an_expired_certificate_is_refused_though_its_key_still_signs() {
    assert_eq!(
        verify_certificate(CA_CERTIFICATE, EXPIRED.certificate, today()),
        Err(PkiError::Expired {
            not_after: utc(2020, 12, 31, 23, 59, 59),
            at: today(),
        })
    );
    // In its own time it was good, with its own serial.
    assert_eq!(
        verify_certificate(
            CA_CERTIFICATE,
            EXPIRED.certificate,
            utc(2018, 6, 1, 0, 0, 0)
        ),
        Ok(VerifiedCertificate {
            serial: "0FFF".to_owned()
        })
    );
    let signature = sign_like_a_card(EXPIRED.key, b"nonce");
    assert_eq!(
        verify_signature(EXPIRED.certificate, b"nonce", &signature),
        Ok(())
    );
}

#[test]
fn a_certificate_of_another_ca_is_an_unknown_issuer() {
    match verify_certificate(CA_CERTIFICATE, ROGUE.certificate, today()) {
        Err(PkiError::UnknownIssuer { issuer, anchor }) => {
            assert!(issuer.contains("Onshi Rogue CA"), "{issuer}");
            assert!(
                anchor.contains("Onshi Test JPKI User Authentication CA"),
                "{anchor}"
            );
        }
        other => panic!("expected an unknown issuer, got {other:?}"),
    }
    // Nor does a card certificate stand in for the anchor.
    assert!(matches!(
        verify_certificate(ROGUE.certificate, taro().certificate, today()),
        Err(PkiError::UnknownIssuer { .. })
    ));
}

#[test]
fn a_tampered_certificate_fails_the_issuers_signature() {
    let original = taro().certificate;
    // The serial INTEGER 0x1001 made 0x1002 (新橋 花子's), the rest untouched.
    let other_serial = replaced(
        original,
        &[0x02, 0x02, 0x10, 0x01],
        &[0x02, 0x02, 0x10, 0x02],
    );
    assert_eq!(
        verify_certificate(CA_CERTIFICATE, &other_serial, today()),
        Err(PkiError::BadIssuerSignature)
    );
    // The last byte belongs to the issuer's signature value.
    let mut signature_byte = original.to_vec();
    let last = signature_byte.len() - 1;
    signature_byte[last] ^= 0x01;
    assert_eq!(
        verify_certificate(CA_CERTIFICATE, &signature_byte, today()),
        Err(PkiError::BadIssuerSignature)
    );
    // A byte of the subject's name.
    let renamed = replaced(original, b"Onshi Test Card 1001", b"Onshi Test Card 1002");
    assert_eq!(
        verify_certificate(CA_CERTIFICATE, &renamed, today()),
        Err(PkiError::BadIssuerSignature)
    );
}

#[test]
fn the_ca_certificate_is_not_a_card() {
    assert_eq!(
        verify_certificate(CA_CERTIFICATE, CA_CERTIFICATE, today()),
        Err(PkiError::NotEndEntity)
    );
}

#[test]
fn truncated_or_garbage_der_is_malformed() {
    let cert = taro().certificate;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", cert[..cert.len() - 10].to_vec()),
        ("the header only", cert[..4].to_vec()),
        ("garbage", b"this is not a certificate".to_vec()),
        (
            "trailing bytes",
            cert.iter().copied().chain([0u8, 0u8]).collect(),
        ),
    ];
    for (what, bytes) in &cases {
        assert!(
            matches!(
                verify_certificate(CA_CERTIFICATE, bytes, today()),
                Err(PkiError::Malformed {
                    what: "certificate",
                    ..
                })
            ),
            "{what}"
        );
        assert!(
            matches!(
                verify_signature(bytes, b"x", &[0u8; 256]),
                Err(PkiError::Malformed { .. })
            ),
            "{what}"
        );
    }
    assert!(matches!(
        verify_certificate(b"garbage", cert, today()),
        Err(PkiError::Malformed {
            what: "trust anchor",
            ..
        })
    ));
}

#[test]
fn a_signature_must_be_over_the_message_by_the_certificates_key() {
    let nonce = [0x5Au8; 32];
    let good = sign_like_a_card(taro().key, &nonce);
    assert_eq!(verify_signature(taro().certificate, &nonce, &good), Ok(()));

    let mut other = nonce;
    other[31] ^= 1;
    let over_another = sign_like_a_card(taro().key, &other);
    assert_eq!(
        verify_signature(taro().certificate, &nonce, &over_another),
        Err(PkiError::BadSignature)
    );

    let hanako = testpki::card("shinbashi-hanako").expect("新橋 花子's card");
    let by_another_card = sign_like_a_card(hanako.key, &nonce);
    assert_eq!(
        verify_signature(taro().certificate, &nonce, &by_another_card),
        Err(PkiError::BadSignature)
    );

    assert_eq!(
        verify_signature(taro().certificate, &nonce, &good[..255]),
        Err(PkiError::BadSignature)
    );
    assert_eq!(
        verify_signature(taro().certificate, &nonce, &[]),
        Err(PkiError::BadSignature)
    );
    let mut flipped = good.clone();
    flipped[100] ^= 0x80;
    assert_eq!(
        verify_signature(taro().certificate, &nonce, &flipped),
        Err(PkiError::BadSignature)
    );
}
