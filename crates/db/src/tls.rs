//! TLS as libpq's `sslmode` says: `disable` plain; `prefer` and `require`
//! encrypted without checking the server's certificate (libpq's meaning:
//! intranet servers often have self-signed ones); `verify-ca` checks it
//! against the root certificates, `verify-full` also that it names the
//! host. Roots: `sslrootcert`, else `~/.postgresql/root.crt`, else the
//! system's.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};

use crate::DbError;

/// How much of the server's certificate is checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verify {
    /// Encrypted, certificate not checked (`prefer`, `require`).
    #[default]
    Nothing,
    /// Signed by a trusted root (`verify-ca`).
    Ca,
    /// Signed by a trusted root and naming the host (`verify-full`).
    Full,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The connector for `verify`, with roots from `root_file` when checking.
pub fn connector(
    verify: Verify,
    root_file: Option<&PathBuf>,
    home: Option<PathBuf>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, DbError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::BadUrl(format!("TLS: {e}")))?;
    let config = match verify {
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider.signature_verification_algorithms)))
            .with_no_client_auth(),
        Verify::Ca | Verify::Full => {
            let roots = Arc::new(roots(root_file, home)?);
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|e| DbError::BadUrl(format!("TLS: {e}")))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Checked { inner: webpki, names: verify == Verify::Full }))
                .with_no_client_auth()
        }
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

fn roots(root_file: Option<&PathBuf>, home: Option<PathBuf>) -> Result<RootCertStore, DbError> {
    let mut store = RootCertStore::empty();
    let file = root_file.cloned().or_else(|| home.map(|h| h.join(".postgresql/root.crt")).filter(|p| p.exists()));
    match file {
        Some(f) => {
            let bad = |detail: String| DbError::File { path: f.display().to_string(), detail };
            for cert in CertificateDer::pem_file_iter(&f).map_err(|e| bad(e.to_string()))? {
                store.add(cert.map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = store.add(cert);
            }
        }
    }
    if store.is_empty() {
        return Err(DbError::BadUrl("sslmode=verify-…: no root certificate to check the server's against".into()));
    }
    Ok(store)
}

/// `prefer`/`require`: any certificate, but the handshake's signatures are
/// still checked (it is still TLS, only the server's identity is not).
#[derive(Debug)]
struct AnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca` and `verify-full`: the web PKI's check, the host name only
/// for `verify-full`.
#[derive(Debug)]
struct Checked {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    names: bool,
}

impl ServerCertVerifier for Checked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(Error::InvalidCertificate(CertificateError::NotValidForName))
            | Err(Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. }))
                if !self.names =>
            {
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
