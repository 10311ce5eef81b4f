//! Fuzzes the decoder of OQSmu…01res: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi_core::wire;

fuzz_target!(|data: &[u8]| {
    let _ = wire::BulkReceipt::decode(data);
});
