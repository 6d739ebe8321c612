//! HTTPS for `guestbook serve --tls-cert FILE --tls-key FILE`: rustls (on ring, the provider
//! the remote client already uses), TLS 1.2 and 1.3 only, HTTP/1.1 as over plain TCP.
//!
//! The certificate and key are read here, before the server starts, so a file that is
//! missing, unreadable or not PEM is refused with one sentence naming it, never a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::i18n::{Lang, Msg};

/// The protocol versions the server speaks: TLS 1.3 and 1.2, nothing older.
pub static PROTOCOL_VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// Why the certificate or key could not be used.
#[derive(Debug)]
pub enum TlsFileError {
    /// The file is missing or unreadable.
    Unreadable { file: PathBuf, reason: String },
    /// The certificate file holds no PEM certificate.
    NoCertificate { file: PathBuf },
    /// The key file holds no PEM private key.
    NoKey { file: PathBuf },
    /// The CA file (`--ca`) holds no PEM certificate.
    NoCa { file: PathBuf },
    /// The key does not belong to the certificate, or rustls refuses them.
    Refused { cert: PathBuf, key: PathBuf },
}

impl TlsFileError {
    /// The error as one sentence in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        match self {
            TlsFileError::Unreadable { file, reason } => Msg::TlsFileUnreadable
                .fill_in(lang, &[("file", &file.display()), ("reason", reason)]),
            TlsFileError::NoCertificate { file } => {
                Msg::TlsNoCertificate.fill_in(lang, &[("file", &file.display())])
            }
            TlsFileError::NoKey { file } => {
                Msg::TlsNoKey.fill_in(lang, &[("file", &file.display())])
            }
            TlsFileError::NoCa { file } => {
                Msg::TlsCaUnusable.fill_in(lang, &[("file", &file.display())])
            }
            TlsFileError::Refused { cert, key } => Msg::TlsPairRefused
                .fill_in(lang, &[("cert", &cert.display()), ("key", &key.display())]),
        }
    }
}

impl std::fmt::Display for TlsFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text_in(crate::i18n::lang()))
    }
}

impl std::error::Error for TlsFileError {}

fn read(file: &Path) -> Result<Vec<u8>, TlsFileError> {
    std::fs::read(file).map_err(|e| TlsFileError::Unreadable {
        file: file.to_path_buf(),
        reason: crate::i18n::io_reason(&e),
    })
}

/// The server's TLS configuration from a PEM certificate chain (the server's certificate
/// first) and a PEM private key (PKCS#8, PKCS#1 or SEC1).
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsFileError> {
    let cert_pem = read(cert)?;
    let key_pem = read(key)?;
    let no_cert = || TlsFileError::NoCertificate {
        file: cert.to_path_buf(),
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, pem::Error>>()
        .map_err(|_| no_cert())?;
    if chain.is_empty() {
        return Err(no_cert());
    }
    let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsFileError::NoKey {
        file: key.to_path_buf(),
    })?;
    let refused = |e: rustls::Error| {
        crate::store::debug_log(&e);
        TlsFileError::Refused {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
        }
    };
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(PROTOCOL_VERSIONS)
    .map_err(refused)?
    .with_no_client_auth()
    .with_single_cert(chain, private)
    .map_err(refused)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
