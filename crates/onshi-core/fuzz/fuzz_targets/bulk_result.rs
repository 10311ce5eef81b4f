//! Fuzzes the decoder of OQSmu…02res: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = wire::BulkResult::decode_with_limit(data, wire::BULK_LIMIT) {
        let mut findings = onshi_core::domain::Findings::default();
        for unit in &m.body.units {
            for record in &unit.results {
                let _ = onshi_core::domain::Qualification::from_wire(record, &mut findings);
            }
        }
    }
});
