//! Password hashing: salted Argon2id in PHC strings.
//!
//! The cost is a parameter so that the reference endpoint uses the standard cost while tests use a
//! cheap one (decisions.md D8). Verification reads the cost from the stored string, so changing the
//! standard never locks anyone out.

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHasher, Version,
    password_hash::{Output, PasswordHash, Salt, SaltString},
};

use crate::random::Random;

/// Argon2id parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashCost {
    /// OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    pub const STANDARD: HashCost = HashCost {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
    };

    /// Fast enough for tests that create many accounts; never used outside tests.
    #[cfg(any(test, feature = "test-support"))]
    pub const CHEAP: HashCost = HashCost {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("invalid Argon2 parameters {cost:?}")]
    Parameters { cost: HashCost },
    #[error("hashing failed: {message}")]
    Hashing { message: String },
}

/// Hashes `password` with a fresh 16-byte salt from `random`.
pub fn hash(
    password: &str,
    cost: HashCost,
    random: &mut dyn Random,
) -> Result<String, PasswordError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|_| PasswordError::Parameters { cost })?;
    let mut salt = [0u8; 16];
    random.fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hashing {
        message: e.to_string(),
    })?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hashing {
            message: e.to_string(),
        })
}

/// Whether `password` matches the PHC string. A malformed stored string never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    Verifier::default().verify(password, phc)
}

/// Checks passwords with one Argon2 working memory kept from check to check.
///
/// Each check at the standard cost works through 19 MiB. Allocated afresh every time, those blocks
/// end up spread over the allocator's per-thread arenas and stay there: a flood of sign-ins took
/// the endpoint to gigabytes. A verifier that lives as long as its thread keeps exactly one such
/// block of memory.
#[derive(Default)]
pub struct Verifier {
    memory: Vec<Block>,
}

impl Verifier {
    /// Whether `password` matches the PHC string, with the cost the string names. A malformed stored
    /// string never matches. The comparison takes the same time wherever the hashes differ.
    pub fn verify(&mut self, password: &str, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from) {
            None => Version::V0x13,
            Some(Ok(version)) => version,
            Some(Err(_)) => return false,
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
        let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let blocks = params.block_count();
        if self.memory.len() < blocks {
            self.memory.resize(blocks, Block::default());
        }
        let mut computed = vec![0u8; expected.len()];
        let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut computed,
            &mut self.memory[..blocks],
        );
        // `Output`'s equality is constant-time.
        hashed.is_ok() && Output::new(&computed).is_ok_and(|computed| computed == expected)
    }
}

/// A hash of a password nobody knows, at the standard cost: checked against when the user ID does not
/// exist, so that a wrong ID takes as long to refuse as a wrong password.
pub const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$H23jR53j6EdBqVDDULd/bQ$RLXfU33iuU1AYEAq4AXS2qjLMgHtai0DFR0pzutdOVw";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn hashes_verify_and_salts_differ() {
        let mut random = SeededRandom::new(3);
        let a = hash("Onshi*002*002", HashCost::CHEAP, &mut random).expect("hash");
        let b = hash("Onshi*002*002", HashCost::CHEAP, &mut random).expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{a}");
        assert_ne!(a, b);
        assert!(verify("Onshi*002*002", &a));
        assert!(verify("Onshi*002*002", &b));
        assert!(!verify("onshi*002*002", &a));
        assert!(!verify("", &a));
    }

    /// One verifier, its memory kept, checks hashes of different costs in turn exactly as the
    /// argon2 crate's own verification does (a standard-cost hash made by that crate included).
    #[test]
    fn a_kept_verifier_agrees_with_the_crates_own_check_across_costs() {
        use argon2::PasswordVerifier;
        let mut random = SeededRandom::new(5);
        let cheap = hash("Onshi*002*002", HashCost::CHEAP, &mut random).expect("hash");
        let standard = hash("Onshi*002*002", HashCost::STANDARD, &mut random).expect("hash");
        let mut verifier = Verifier::default();
        for (password, phc) in [
            ("Onshi*002*002", standard.as_str()),
            ("Onshi*002*002", cheap.as_str()),
            ("Onshi*002*003", standard.as_str()),
            ("Onshi*002*002", standard.as_str()),
            ("Onshi*002*003", cheap.as_str()),
            ("", DECOY_HASH),
        ] {
            let parsed = PasswordHash::new(phc).expect("parses");
            let theirs = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            assert_eq!(verifier.verify(password, phc), theirs, "{password} {phc}");
        }
        assert!(verifier.verify("Onshi*002*002", &standard));
    }

    #[test]
    fn malformed_hashes_never_match() {
        assert!(!verify("x", ""));
        assert!(!verify("x", "$argon2id$v=19$garbage"));
    }

    #[test]
    fn decoy_hash_is_well_formed_at_the_standard_cost() {
        let parsed = PasswordHash::new(DECOY_HASH).expect("decoy parses");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(
            parsed.params.get_decimal("m"),
            Some(HashCost::STANDARD.memory_kib)
        );
        assert!(!verify("", DECOY_HASH));
    }
}
