//! The endpoint's side of the card proof (decisions.md D7): the DigestInfo the card signs, and the
//! verification of a 利用者証明用 certificate against a trust anchor and of a signature with it.
//!
//! The card signs with PKCS#1 v1.5 and RSA-2048: the terminal hands it the DER `DigestInfo` of
//! SHA-256 over the message (the endpoint's nonce), and the card adds the padding itself
//! (docs/card-reader.md §3). So a verifier checks an ordinary `sha256WithRSAEncryption`
//! signature over the message, which is also what the certificate's own signature is.
//!
//! Only what the My Number card uses is accepted: RSA keys, and certificates signed with
//! sha256WithRSAEncryption. Anything else is refused rather than half-checked.

use chrono::{DateTime, Utc};
use rsa::{Pkcs1v15Sign, RsaPublicKey, pkcs1::DecodeRsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::{
    Certificate,
    der::{
        self, Decode, Encode, Reader, SliceReader,
        asn1::{AnyRef, ObjectIdentifier},
    },
    ext::pkix::BasicConstraints,
    spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned},
    time::Time,
};

// What a card signs is the card's side (`mynumber`), which a client needs without this module.
pub use super::mynumber::{SHA256_DIGEST_INFO_PREFIX, digest_info_sha256};

/// `rsaEncryption` (PKCS #1), the only key algorithm accepted.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `sha256WithRSAEncryption` (PKCS #1), the only certificate signature algorithm accepted.
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// A certificate that passed [`verify_certificate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// The serial number in upper-case hex without colons or leading zero bytes (as
    /// `openssl x509 -serial` prints it), e.g. `1001`.
    pub serial: String,
}

/// Why a certificate or a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    /// The bytes do not read as a DER X.509 certificate.
    #[error("the {what} does not read as a DER X.509 certificate: {reason}")]
    Malformed { what: &'static str, reason: String },
    /// A certificate's key is not an RSA key.
    #[error("the {what}'s key is {algorithm}, not RSA")]
    UnsupportedKey {
        what: &'static str,
        algorithm: String,
    },
    /// The certificate is signed with another algorithm than sha256WithRSAEncryption.
    #[error("the certificate is signed with {algorithm}, not sha256WithRSAEncryption")]
    UnsupportedAlgorithm { algorithm: String },
    /// The certificate names another issuer than the trust anchor.
    #[error("the certificate was issued by {issuer:?}, not by the trust anchor {anchor:?}")]
    UnknownIssuer { issuer: String, anchor: String },
    /// The certificate names the anchor as its issuer, but the anchor's key did not sign it (a forged
    /// or altered certificate).
    #[error("the certificate's signature does not verify with the trust anchor's key")]
    BadIssuerSignature,
    /// The certificate is a CA's, not a card's.
    #[error("the certificate is a certification authority's, not a card's")]
    NotEndEntity,
    /// The validity window ended before the time of the check.
    #[error("the certificate expired at {not_after} (checked at {at})")]
    Expired {
        not_after: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// The validity window begins after the time of the check.
    #[error("the certificate is valid only from {not_before} (checked at {at})")]
    NotYetValid {
        not_before: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// The signature does not verify with the certificate's key over the message.
    #[error("the signature does not verify with the certificate's key")]
    BadSignature,
}

/// Checks that `certificate_der` was issued by the trust anchor `anchor_der` and is valid at `at`:
/// its issuer is the anchor's subject, the anchor's RSA key verifies its sha256WithRSAEncryption
/// signature over the certificate's TBS bytes as they came, it is not a CA certificate, and its
/// validity window (both ends included, RFC 5280 §4.1.2.5) contains `at`.
///
/// The anchor is trusted as configured: its own validity and issuer are not checked.
pub fn verify_certificate(
    anchor_der: &[u8],
    certificate_der: &[u8],
    at: DateTime<Utc>,
) -> Result<VerifiedCertificate, PkiError> {
    let anchor = parse("trust anchor", anchor_der)?;
    let certificate = parse("certificate", certificate_der)?;
    let tbs = &certificate.tbs_certificate;

    let anchor_subject = der_of("trust anchor", &anchor.tbs_certificate.subject)?;
    let issuer = der_of("certificate", &tbs.issuer)?;
    if issuer != anchor_subject {
        return Err(PkiError::UnknownIssuer {
            issuer: tbs.issuer.to_string(),
            anchor: anchor.tbs_certificate.subject.to_string(),
        });
    }

    // The outer algorithm and the one inside the signed part must agree (RFC 5280 §4.1.1.2), so
    // that nobody can swap the unsigned one.
    check_signature_algorithm(&certificate.signature_algorithm)?;
    if tbs.signature != certificate.signature_algorithm {
        return Err(PkiError::UnsupportedAlgorithm {
            algorithm: format!(
                "{} outside and {} inside",
                certificate.signature_algorithm.oid, tbs.signature.oid
            ),
        });
    }
    let anchor_key = rsa_key(
        "trust anchor",
        &anchor.tbs_certificate.subject_public_key_info,
    )?;
    let signature = certificate
        .signature
        .as_bytes()
        .ok_or(PkiError::BadIssuerSignature)?;
    let signed = tbs_bytes(certificate_der)?;
    anchor_key
        .verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(signed),
            signature,
        )
        .map_err(|_| PkiError::BadIssuerSignature)?;

    let is_ca = tbs
        .get::<BasicConstraints>()
        .map_err(|e| malformed("certificate", e))?
        .is_some_and(|(_, constraints)| constraints.ca);
    if is_ca {
        return Err(PkiError::NotEndEntity);
    }

    let not_before = instant(tbs.validity.not_before);
    let not_after = instant(tbs.validity.not_after);
    if at < not_before {
        return Err(PkiError::NotYetValid { not_before, at });
    }
    if at > not_after {
        return Err(PkiError::Expired { not_after, at });
    }
    // The certificate's key must be one a card could sign with, or every later signature check
    // would fail for a reason the caller cannot see here.
    rsa_key("certificate", &tbs.subject_public_key_info)?;

    Ok(VerifiedCertificate {
        serial: serial_hex(tbs.serial_number.as_bytes()),
    })
}

/// A certificate's serial number as [`VerifiedCertificate::serial`] spells it, without checking
/// anything else (for matching a certificate already verified against known ones).
pub fn certificate_serial(certificate_der: &[u8]) -> Result<String, PkiError> {
    let certificate = parse("certificate", certificate_der)?;
    Ok(serial_hex(
        certificate.tbs_certificate.serial_number.as_bytes(),
    ))
}

/// Checks that `signature` is the certificate's key's PKCS#1 v1.5 signature of SHA-256 over
/// `message` (what a card makes from [`digest_info_sha256`]). The certificate itself is not
/// checked here; [`verify_certificate`] does that.
pub fn verify_signature(
    certificate_der: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), PkiError> {
    let certificate = parse("certificate", certificate_der)?;
    let key = rsa_key(
        "certificate",
        &certificate.tbs_certificate.subject_public_key_info,
    )?;
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(message),
        signature,
    )
    .map_err(|_| PkiError::BadSignature)
}

fn malformed(what: &'static str, error: impl std::fmt::Display) -> PkiError {
    PkiError::Malformed {
        what,
        reason: error.to_string(),
    }
}

fn parse(what: &'static str, bytes: &[u8]) -> Result<Certificate, PkiError> {
    Certificate::from_der(bytes).map_err(|e| malformed(what, e))
}

fn der_of(what: &'static str, value: &impl Encode) -> Result<Vec<u8>, PkiError> {
    value.to_der().map_err(|e| malformed(what, e))
}

/// The signed part exactly as it came: the first element inside the outer SEQUENCE. Encoding the
/// parsed value again could differ from what the issuer signed.
fn tbs_bytes(certificate_der: &[u8]) -> Result<&[u8], PkiError> {
    let read = || -> der::Result<&[u8]> {
        let outer = AnyRef::from_der(certificate_der)?;
        SliceReader::new(outer.value())?.tlv_bytes()
    };
    read().map_err(|e| malformed("certificate", e))
}

fn check_signature_algorithm(algorithm: &AlgorithmIdentifierOwned) -> Result<(), PkiError> {
    let parameters_null = algorithm.parameters.as_ref().is_none_or(|p| p.is_null());
    if algorithm.oid != SHA256_WITH_RSA || !parameters_null {
        return Err(PkiError::UnsupportedAlgorithm {
            algorithm: algorithm.oid.to_string(),
        });
    }
    Ok(())
}

fn rsa_key(what: &'static str, info: &SubjectPublicKeyInfoOwned) -> Result<RsaPublicKey, PkiError> {
    if info.algorithm.oid != RSA_ENCRYPTION {
        return Err(PkiError::UnsupportedKey {
            what,
            algorithm: info.algorithm.oid.to_string(),
        });
    }
    let bits = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| malformed(what, "the public key is not a whole number of bytes"))?;
    RsaPublicKey::from_pkcs1_der(bits).map_err(|e| malformed(what, e))
}

/// A validity bound as an instant. X.509 times run from 1950 (UTCTime) or year 0 (GeneralizedTime),
/// but this crate counts them from 1970, so every bound it reads fits.
fn instant(time: Time) -> DateTime<Utc> {
    let since_epoch = time.to_unix_duration();
    i64::try_from(since_epoch.as_secs())
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, since_epoch.subsec_nanos()))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn serial_hex(bytes: &[u8]) -> String {
    let significant = match bytes.iter().position(|b| *b != 0) {
        Some(first) => &bytes[first..],
        None => &bytes[bytes.len().saturating_sub(1)..],
    };
    significant.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_drop_leading_zero_bytes() {
        assert_eq!(serial_hex(&[0x10, 0x01]), "1001");
        assert_eq!(serial_hex(&[0x00, 0x80, 0x0A]), "800A");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[]), "");
    }
}
