//! Fuzzes the decoder of OQSmuimm01req: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    let _ = wire::BulkReferenceRequest::decode_with_limit(data, wire::BULK_LIMIT);
});
