//! The project's test PKI (`scripts/gen-test-pki`, files in `crates/onshi-core/testpki/`): a test CA
//! standing in for J-LIS's 利用者証明用 CA, and one RSA-2048 key and 利用者証明用 certificate per canned
//! person, for the virtual cards. Public test material: nothing real may trust this CA, and the
//! simulator trusts it only in training data.

/// One canned person's virtual card: their 利用者証明用 certificate (DER) and its private key (PKCS#1
/// DER).
#[derive(Clone, Copy, Debug)]
pub struct TestCard {
    pub person_id: &'static str,
    pub certificate: &'static [u8],
    pub key: &'static [u8],
}

macro_rules! test_cards {
    ($($id:literal),* $(,)?) => {
        &[$(TestCard {
            person_id: $id,
            certificate: include_bytes!(concat!("../../testpki/", $id, ".crt.der")),
            key: include_bytes!(concat!("../../testpki/", $id, ".key.der")),
        }),*]
    };
}

/// The test CA's certificate, the simulator's trust anchor for 利用者証明用 certificates.
pub const CA_CERTIFICATE: &[u8] = include_bytes!("../../testpki/ca.crt.der");

/// Every canned person's card, in `canned::people()`'s order.
pub const CARDS: &[TestCard] = test_cards!(
    "shinbashi-taro",
    "shinbashi-hanako",
    "shinbashi-ichiro",
    "shinbashi-taro-sample",
    "shinagawa-jiro",
    "meguro-saburo",
    "watanabe-misaki",
    "ota-kazuko",
    "minato-haru",
    "kawasaki-kenichi",
    "yokohama-toru",
    "nakahara-sakura",
);

/// 新橋 太郎's previous card: his key, with a certificate of the test CA that expired on 2020-12-31.
pub const EXPIRED: TestCard = TestCard {
    person_id: "shinbashi-taro",
    certificate: include_bytes!("../../testpki/expired.crt.der"),
    key: include_bytes!("../../testpki/shinbashi-taro.key.der"),
};

/// A card of a CA nobody trusts ("Onshi Rogue CA"), for refusing an unknown certificate.
pub const ROGUE: TestCard = TestCard {
    person_id: "rogue",
    certificate: include_bytes!("../../testpki/rogue.crt.der"),
    key: include_bytes!("../../testpki/rogue.key.der"),
};

/// The canned person's card, if they have one.
pub fn card(person_id: &str) -> Option<TestCard> {
    CARDS.iter().find(|c| c.person_id == person_id).copied()
}
