//! Fuzzes the decoder of OQSsiquc01res and face results: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = wire::QualificationResult::decode(data) {
        let _ = onshi_core::domain::QualificationResult::from_wire(&m);
    }
});
