//! Fuzzes the decoder of the YZK XML result: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = wire::DrugResult::decode(data) {
        let _ = onshi_core::domain::medical::DrugHistory::from_wire(&m, &mut Default::default());
    }
});
