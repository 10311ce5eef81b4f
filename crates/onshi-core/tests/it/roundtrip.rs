//! Every message round-trips through our encoder and decoder in both encodings, with every field
//! exercised; decoding never panics on arbitrary or mangled bytes (property tests).

use onshi_core::{
    random::{Random, SeededRandom},
    wire::{self, EncodeError, Encoding, Sample, Sampler},
};
use proptest::prelude::*;

/// Characters both encodings carry, including the XML specials and the national system's own
/// (half-width kana, ●, CP932's extensions such as 髙 and ①).
const COMMON: &str = "aZ09 <>&'\"/-_.:\n\tあいうアイウｶﾞｼﾝﾊﾞｼ新橋太郎花子髙﨑渡●〇１２ＡＢ①②～、。";
/// Characters only UTF-8 carries.
const UTF8_ONLY: &str = "𠮷😀é";

/// Fills messages from a seeded source.
struct Seeded {
    random: SeededRandom,
    encoding: Encoding,
    alphabet: Vec<char>,
    /// Every optional element present and every list with two items (the full sample).
    full: bool,
}

impl Seeded {
    fn new(seed: u64, encoding: Encoding, full: bool) -> Seeded {
        let mut alphabet: Vec<char> = COMMON.chars().collect();
        if encoding == Encoding::Utf8 {
            alphabet.extend(UTF8_ONLY.chars());
        }
        Seeded {
            random: SeededRandom::new(seed),
            encoding,
            alphabet,
            full,
        }
    }

    fn byte(&mut self) -> u8 {
        let mut b = [0u8; 1];
        self.random.fill(&mut b);
        b[0]
    }
}

impl Sampler for Seeded {
    fn text(&mut self, tag: &'static str) -> Option<String> {
        if !self.full && self.byte() < 64 {
            return None;
        }
        // The identifier describes the bytes; the writer always writes the true one.
        if tag == "CharacterCodeIdentifier" {
            return Some(self.encoding.identifier().to_owned());
        }
        let length = usize::from(self.byte() % 12);
        let text = (0..length)
            .map(|_| {
                let at = onshi_core::random::index(&mut self.random, self.alphabet.len().min(256));
                self.alphabet[at]
            })
            .collect();
        Some(text)
    }

    fn present(&mut self, _tag: &'static str) -> bool {
        self.full || self.byte() >= 96
    }

    fn count(&mut self, _tag: &'static str) -> usize {
        if self.full {
            2
        } else {
            usize::from(self.byte() % 3)
        }
    }
}

/// Encodes a sample in `encoding` and decodes it back.
fn round_trip<M>(seed: u64, encoding: Encoding, full: bool) -> Result<(), String>
where
    M: Sample + PartialEq + std::fmt::Debug,
    M: RoundTrip,
{
    let message = M::sample(&mut Seeded::new(seed, encoding, full));
    let bytes = message.encode_as(encoding).map_err(|e| e.to_string())?;
    let (back, found) = M::decode_back(&bytes).map_err(|e| e.to_string())?;
    if found != encoding {
        return Err(format!("decoded as {found:?}"));
    }
    if back != message {
        return Err(format!(
            "{back:#?}\n!=\n{message:#?}\n{}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok(())
}

/// What the round trip needs of a message type.
trait RoundTrip: Sized {
    fn encode_as(&self, encoding: Encoding) -> Result<Vec<u8>, EncodeError>;
    fn decode_back(bytes: &[u8]) -> Result<(Self, Encoding), wire::DecodeError>;
}

impl<H, B> RoundTrip for wire::Message<H, B>
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    fn encode_as(&self, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
        self.encode(encoding)
    }

    fn decode_back(bytes: &[u8]) -> Result<(Self, Encoding), wire::DecodeError> {
        wire::Message::decode_with_encoding(bytes, wire::BULK_LIMIT)
    }
}

/// Runs `$check::<Type>` for every message type of the interface.
macro_rules! every_message {
    ($check:ident $(, $arg:expr)*) => {{
        let outcomes: Vec<(&str, Result<(), String>)> = vec![
            ("QualificationRequest", $check::<wire::QualificationRequest>($($arg),*)),
            ("QualificationResult", $check::<wire::QualificationResult>($($arg),*)),
            ("BulkRequest", $check::<wire::BulkRequest>($($arg),*)),
            ("BulkReceipt", $check::<wire::BulkReceipt>($($arg),*)),
            ("DownloadRequest", $check::<wire::DownloadRequest>($($arg),*)),
            ("BulkResult", $check::<wire::BulkResult>($($arg),*)),
            ("ReferenceRequest", $check::<wire::ReferenceRequest>($($arg),*)),
            ("ReferenceResult", $check::<wire::ReferenceResult>($($arg),*)),
            ("BulkReferenceRequest", $check::<wire::BulkReferenceRequest>($($arg),*)),
            ("BulkReferenceResult", $check::<wire::BulkReferenceResult>($($arg),*)),
            ("MedicalInfoRequest", $check::<wire::MedicalInfoRequest>($($arg),*)),
            ("DrugResult", $check::<wire::DrugResult>($($arg),*)),
            ("CheckupResult", $check::<wire::CheckupResult>($($arg),*)),
        ];
        outcomes
    }};
}

fn all_ok(outcomes: Vec<(&str, Result<(), String>)>) -> Result<(), String> {
    let failures: Vec<String> = outcomes
        .into_iter()
        .filter_map(|(name, outcome)| outcome.err().map(|e| format!("{name}: {e}")))
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

#[test]
fn every_field_of_every_message_round_trips_in_both_encodings() {
    for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
        for seed in 0..8 {
            if let Err(e) = all_ok(every_message!(round_trip, seed, encoding, true)) {
                panic!("{encoding:?} seed {seed}: {e}");
            }
        }
    }
}

#[test]
fn shift_jis_refuses_what_it_cannot_carry_naming_the_element() {
    let mut message = wire::QualificationResult::default();
    message.body.results.push(wire::QualificationRecord {
        name: Some("𠮷田　花子".to_owned()),
        ..wire::QualificationRecord::default()
    });
    assert_eq!(
        message.encode(Encoding::ShiftJis),
        Err(EncodeError::Unrepresentable {
            element: "Name".to_owned(),
            character: '𠮷',
        })
    );
    assert!(message.encode(Encoding::Utf8).is_ok(), "UTF-8 carries it");
}

/// Decodes `bytes` as every message type; the point is that none of them panics.
fn decode_everything(bytes: &[u8]) {
    let _ = wire::QualificationRequest::decode(bytes);
    let _ = wire::QualificationResult::decode(bytes);
    let _ = wire::BulkRequest::decode_with_limit(bytes, wire::BULK_LIMIT);
    let _ = wire::BulkReceipt::decode(bytes);
    let _ = wire::DownloadRequest::decode(bytes);
    let _ = wire::BulkResult::decode_with_limit(bytes, wire::BULK_LIMIT);
    let _ = wire::ReferenceRequest::decode(bytes);
    let _ = wire::ReferenceResult::decode(bytes);
    let _ = wire::BulkReferenceRequest::decode(bytes);
    let _ = wire::BulkReferenceResult::decode(bytes);
    let _ = wire::MedicalInfoRequest::decode(bytes);
    if let Ok(m) = wire::DrugResult::decode(bytes) {
        let _ = onshi_core::domain::medical::DrugHistory::from_wire(&m, &mut Default::default());
    }
    if let Ok(m) = wire::CheckupResult::decode(bytes) {
        let _ = onshi_core::domain::medical::CheckupReport::from_wire(&m, &mut Default::default());
    }
    if let Ok(m) = wire::QualificationResult::decode(bytes) {
        let _ = onshi_core::domain::QualificationResult::from_wire(&m);
    }
}

fn sample_bytes(seed: u64) -> Vec<u8> {
    let message = wire::QualificationResult::sample(&mut Seeded::new(seed, Encoding::Utf8, true));
    message.encode(Encoding::Utf8).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_messages_round_trip(seed in any::<u64>()) {
        prop_assert_eq!(all_ok(every_message!(round_trip, seed, Encoding::Utf8, false)), Ok(()));
        prop_assert_eq!(all_ok(every_message!(round_trip, seed, Encoding::ShiftJis, false)), Ok(()));
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        decode_everything(&bytes);
    }

    #[test]
    fn decoding_mangled_messages_never_panics(seed in any::<u64>(), cuts in prop::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..8)) {
        let mut bytes = sample_bytes(seed);
        for (at, byte, how) in cuts {
            let at = usize::from(at) % (bytes.len() + 1);
            match how {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = byte,
                _ => {}
            }
        }
        decode_everything(&bytes);
    }
}
