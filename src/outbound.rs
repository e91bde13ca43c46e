//! The HTTP clients watchdesk reaches out with (http checks, node_exporter scrapes, notification channels)
//! share one TLS set-up, and the system's root certificates are read only when the first https server has
//! to be verified. A platform watched over plain http never loads or parses the CA bundle, and one watched
//! over https loads it once for every client instead of once per client.
//!
//! Verification is the same as reqwest's own rustls default: the platform verifier (the system's roots,
//! webpki's checks) with the process's rustls provider, TLS 1.2 and 1.3, SNI on, ALPN `http/1.1`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// A client builder with the shared TLS set-up; everything else is reqwest's default.
pub fn client_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    match tls_config() {
        Ok(config) => builder.tls_backend_preconfigured(config),
        // A provider without TLS 1.2 or 1.3: reqwest's own set-up then says so when the client is built.
        Err(_) => builder,
    }
}

/// An error and its causes, each said once: a client library's own message ("error sending request") hides
/// the useful part, the system's error at the end of the chain.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// The process's TLS client configuration (cheap to clone: its parts are shared).
fn tls_config() -> Result<ClientConfig, rustls::Error> {
    static CONFIG: OnceLock<Result<ClientConfig, rustls::Error>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            // The provider installed for the process if any, else aws-lc-rs's default (as reqwest does).
            let provider = CryptoProvider::get_default()
                .cloned()
                .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
            config_with(Arc::new(LazyVerifier::new(provider)))
        })
        .clone()
}

/// TLS 1.2 and 1.3 with the verifier's provider, no client certificate, ALPN `http/1.1`.
fn config_with(verifier: Arc<LazyVerifier>) -> Result<ClientConfig, rustls::Error> {
    let mut config = ClientConfig::builder_with_provider(verifier.provider.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform verifier, built (the system's roots read) at the first certificate it is asked to check.
/// Handshake signatures need no roots and are checked with the provider's algorithms, as the platform
/// verifier does.
struct LazyVerifier {
    provider: Arc<CryptoProvider>,
    platform: OnceLock<Result<Verifier, rustls::Error>>,
}

impl LazyVerifier {
    fn new(provider: Arc<CryptoProvider>) -> LazyVerifier {
        LazyVerifier {
            provider,
            platform: OnceLock::new(),
        }
    }

    /// Whether the system's roots have been read.
    fn roots_loaded(&self) -> bool {
        self.platform.get().is_some()
    }

    fn platform(&self) -> Result<&Verifier, rustls::Error> {
        self.platform
            .get_or_init(|| Verifier::new(self.provider.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl fmt::Debug for LazyVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyVerifier")
            .field("roots_loaded", &self.roots_loaded())
            .finish()
    }
}

impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.platform()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests;
