//! Fuzzes the decoder of the generic XML tree reader: no input may panic, loop or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = onshi_core::wire::xml::parse(data, 1 << 20);
});
