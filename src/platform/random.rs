//! The browser's cryptographic random source, `crypto.getRandomValues`.

use onshi_core::random::Random;

/// `crypto.getRandomValues`, handed to the training dispatcher (decisions.md D3).
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserRandom;

impl Random for BrowserRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        let crypto = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .expect("every browser the app supports has window.crypto");
        // getRandomValues fills at most 65,536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            crypto
                .get_random_values_with_u8_array(chunk)
                .expect("getRandomValues does not fail for chunks of at most 65,536 bytes");
        }
    }
}
