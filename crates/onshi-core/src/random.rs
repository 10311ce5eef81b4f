//! The random source the dispatcher is handed.
//!
//! Tokens, salts, initial passwords, passcodes and nonces all come from one injected source
//! (decisions.md D3): the reference endpoint passes the operating system's, the browser passes
//! `crypto.getRandomValues`. A seeded source exists only for tests, so nothing predictable can reach a
//! real deployment.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// A source of cryptographically strong random bytes.
pub trait Random {
    fn fill(&mut self, buf: &mut [u8]);
}

/// A bearer token: 32 random bytes in URL-safe base64 (43 characters).
pub fn token(random: &mut dyn Random) -> String {
    let mut bytes = [0u8; 32];
    random.fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `count` decimal digits, each uniform over 0–9 (rejection sampling avoids the modulo bias).
pub fn digits(random: &mut dyn Random, count: usize) -> String {
    let mut out = String::with_capacity(count);
    let mut byte = [0u8; 1];
    while out.len() < count {
        random.fill(&mut byte);
        // 250 is the largest multiple of 10 that fits in a byte; bytes above it would favour 0–5.
        if byte[0] < 250 {
            out.push(char::from(b'0' + byte[0] % 10));
        }
    }
    out
}

/// A uniform index in `0..n` (rejection sampling avoids the modulo bias); 0 when `n` is 0.
pub fn index(random: &mut dyn Random, n: usize) -> usize {
    let Ok(n) = u64::try_from(n) else { return 0 };
    if n == 0 {
        return 0;
    }
    // Values at or above the largest multiple of n would favour the small indexes.
    let limit = u64::MAX - u64::MAX % n;
    let mut bytes = [0u8; 8];
    loop {
        random.fill(&mut bytes);
        let value = u64::from_le_bytes(bytes);
        if value < limit {
            // The remainder is below n, which came from a usize.
            return usize::try_from(value % n).unwrap_or(0);
        }
    }
}

/// A system-issued password (seed 003: changed at first sign-in): 12 characters, three each of upper
/// case, lower case, digits and symbols, without look-alike characters, shuffled.
pub fn initial_password(random: &mut dyn Random) -> String {
    const CLASSES: [&str; 4] = [
        "ABCDEFGHJKLMNPQRSTUVWXYZ",
        "abcdefghijkmnpqrstuvwxyz",
        "23456789",
        "*#+-=?",
    ];
    let mut chars: Vec<char> = CLASSES
        .iter()
        .flat_map(|class| {
            let class: Vec<char> = class.chars().collect();
            (0..3)
                .map(|_| class[index(random, class.len())])
                .collect::<Vec<_>>()
        })
        .collect();
    for i in (1..chars.len()).rev() {
        chars.swap(i, index(random, i + 1));
    }
    chars.into_iter().collect()
}

/// A deterministic source for tests only (splitmix64). Never compiled into a release build.
#[cfg(any(test, feature = "test-support"))]
#[derive(Clone, Debug)]
pub struct SeededRandom(u64);

#[cfg(any(test, feature = "test-support"))]
impl SeededRandom {
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Random for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_differ() {
        let mut random = SeededRandom::new(7);
        let a = token(&mut random);
        let b = token(&mut random);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a, b);
    }

    #[test]
    fn initial_passwords_meet_the_policy_and_differ() {
        let mut random = SeededRandom::new(5);
        let a = initial_password(&mut random);
        let b = initial_password(&mut random);
        assert_ne!(a, b);
        for p in [&a, &b] {
            assert_eq!(p.chars().count(), 12);
            assert!(crate::validate::password_change("x", p).is_empty(), "{p}");
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
        }
    }

    #[test]
    fn digits_are_digits_and_cover_all_ten() {
        let mut random = SeededRandom::new(1);
        let many = digits(&mut random, 2000);
        assert_eq!(many.len(), 2000);
        for d in '0'..='9' {
            let n = many.chars().filter(|c| *c == d).count();
            // Each digit should appear about 200 times; 120 is far outside chance for a fair source.
            assert!(n > 120, "digit {d} appeared only {n} times");
        }
    }
}
