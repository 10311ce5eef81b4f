//! The bulk result of `crates/onshi-core/benches/decode.rs`, built and decoded in the page.

use chrono::NaiveDate;
use onshi_core::{
    canned::{self, synthetic},
    domain::{Findings, Qualification},
    random::SeededRandom,
    simulator::{AnswerContext, NationalSide},
    wire::{self, Encoding},
};

use crate::BenchError;

/// The host benchmark's message: `units` synthetic people (seed 7) answered by the simulator on
/// 2026-11-22 at 09:00, in UTF-8.
pub fn bulk_message(units: usize) -> Result<Vec<u8>, BenchError> {
    let side = NationalSide::with_people(synthetic::people(units, &mut SeededRandom::new(7)));
    let now = NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .ok_or(BenchError::Time {
            what: "2026-11-22 09:00",
        })?;
    let context = AnswerContext {
        now,
        institution_code: canned::INSTITUTION_CODE.to_owned(),
        reference_number: None,
    };
    Ok(synthetic::bulk_result(&side, &context).encode(Encoding::Utf8)?)
}

/// Decodes `bytes` into wire types (the tolerant tree reader, then the message's own types); answers
/// the number of units.
pub fn decode_wire(bytes: &[u8]) -> Result<usize, BenchError> {
    Ok(
        wire::BulkResult::decode_with_limit(bytes, wire::BULK_LIMIT)?
            .body
            .units
            .len(),
    )
}

/// Decodes `bytes` and converts every qualification into domain values, as the bulk screen will;
/// answers the number of qualifications converted.
pub fn decode_wire_and_domain(bytes: &[u8]) -> Result<usize, BenchError> {
    let decoded = wire::BulkResult::decode_with_limit(bytes, wire::BULK_LIMIT)?;
    let mut findings = Findings::default();
    Ok(decoded
        .body
        .units
        .iter()
        .flat_map(|u| u.results.iter())
        .map(|r| Qualification::from_wire(r, &mut findings))
        .count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bulk_message_decodes_to_its_units_and_their_qualifications() {
        let bytes = bulk_message(60).expect("builds");
        assert!(bytes.starts_with(b"<?xml"), "a document");
        assert_eq!(decode_wire(&bytes).expect("decodes"), 60);
        // About one in twenty synthetic people has no qualification to convert.
        let converted = decode_wire_and_domain(&bytes).expect("decodes");
        assert!(converted > 45 && converted < 60, "{converted}");
        assert!(matches!(
            decode_wire(&bytes[..bytes.len() / 2]),
            Err(BenchError::Decode(_))
        ));
    }
}
