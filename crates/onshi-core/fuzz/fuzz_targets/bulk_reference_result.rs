//! Fuzzes the decoder of OQSmuimm02res: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    let _ = wire::BulkReferenceResult::decode_with_limit(data, wire::BULK_LIMIT);
});
