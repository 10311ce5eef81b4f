//! Fuzzes the decoder of OQSsiquc01req: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = wire::QualificationRequest::decode(data) {
        let _ = onshi_core::domain::Inquiry::from_wire(&m);
    }
});
