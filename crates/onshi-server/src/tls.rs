//! HTTPS: the server's certificate chain and key, read from PEM files, as the rustls configuration
//! the serving loop hands each connection to.
//!
//! Why TLS at all: the other PCs of a clinic reach the endpoint by a name, not as loopback, and a
//! browser gives a page WebUSB, WebCrypto's `crypto.subtle` and service workers only in a secure
//! context, which over the network means HTTPS. The README says how a clinic makes its own CA and
//! the terminal's certificate.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use tokio_rustls::rustls::{
    self, ServerConfig,
    crypto::ring,
    pki_types::{
        CertificateDer, PrivateKeyDer,
        pem::{self, PemObject},
    },
};

/// Why the certificate or the key cannot be used; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate file {path}: {source}")]
    Certificate { path: PathBuf, source: pem::Error },
    #[error("{path} holds no certificate (a PEM \"CERTIFICATE\" block)")]
    NoCertificate { path: PathBuf },
    #[error(
        "cannot read the private key file {path}: {source} (a PEM \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\" block)"
    )]
    Key { path: PathBuf, source: pem::Error },
    #[error("the key {key} cannot be used with the certificate {certificate}: {source}")]
    Mismatch {
        certificate: PathBuf,
        key: PathBuf,
        source: rustls::Error,
    },
}

/// The server's TLS configuration: the chain in `certificate` (the server's certificate first, then
/// any intermediates), the private key in `key`, TLS 1.2 and 1.3 with ring's safe defaults, and
/// HTTP/1.1 as the only protocol offered (the serving loop speaks HTTP/1).
pub fn server_config(certificate: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let chain = CertificateDer::pem_file_iter(certificate)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(|source| TlsError::Certificate {
            path: certificate.to_owned(),
            source,
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: certificate.to_owned(),
        });
    }
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|source| TlsError::Key {
        path: key.to_owned(),
        source,
    })?;
    let mismatch = |source| TlsError::Mismatch {
        certificate: certificate.to_owned(),
        key: key.to_owned(),
        source,
    };
    // rustls 0.23.48 deprecates ring's provider because it has no post-quantum key exchange; ring
    // still gives TLS 1.3 with X25519 and builds here with the C compiler alone, while aws-lc-rs (the
    // one with post-quantum groups) needs a much larger C build. Worth revisiting with rustls 0.24.
    #[allow(deprecated)]
    let provider = ring::default_provider();
    // `with_single_cert` checks that the key is usable and that its public key is the certificate's.
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .expect("ring's default provider offers the safe default protocol versions")
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(mismatch)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
