use std::error::Error as StdError;
use std::net::SocketAddr;

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

fn lazy() -> Arc<LazyVerifier> {
    Arc::new(LazyVerifier::new(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    )))
}

fn client(verifier: &Arc<LazyVerifier>) -> reqwest::Client {
    let config = config_with(verifier.clone()).unwrap();
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .no_proxy()
        .build()
        .unwrap()
}

/// Answers one request on each connection with a 200 and `ok`.
async fn http_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    addr
}

/// A TLS server for `localhost` with a self-signed certificate no system trusts.
async fn self_signed_server() -> SocketAddr {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // The client refuses the certificate; the handshake fails here too.
            let _ = acceptor.accept(stream).await;
        }
    });
    addr
}

/// The rustls error inside a request error (io errors carry it as their payload, not as a source).
fn rustls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(found) = err.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        next = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => err.source(),
        };
    }
    None
}

#[tokio::test]
async fn a_plain_http_request_reads_no_root_certificates() {
    let verifier = lazy();
    let addr = http_server().await;
    let response = client(&verifier)
        .get(format!("http://{addr}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
    assert!(!verifier.roots_loaded(), "{verifier:?}");
}

#[tokio::test]
async fn the_first_https_server_loads_the_roots_and_an_untrusted_certificate_is_refused() {
    let verifier = lazy();
    let addr = self_signed_server().await;
    let error = client(&verifier)
        .get(format!("https://localhost:{}/", addr.port()))
        .send()
        .await
        .unwrap_err();
    assert!(verifier.roots_loaded(), "{verifier:?}");
    match rustls_error(&error) {
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) => {}
        // A machine with no CA bundle at all refuses every certificate, saying so.
        Some(rustls::Error::General(why)) => assert!(why.contains("No CA certificates"), "{why}"),
        other => panic!("expected the certificate refused, got {other:?} from {error:?}"),
    }
}

#[test]
fn handshake_signatures_are_checked_without_reading_the_roots() {
    let verifier = lazy();
    let schemes = verifier.supported_verify_schemes();
    assert!(
        schemes.contains(&SignatureScheme::ECDSA_NISTP256_SHA256),
        "{schemes:?}"
    );
    assert!(schemes.contains(&SignatureScheme::RSA_PSS_SHA256), "{schemes:?}");
    assert!(!verifier.roots_loaded());
}

#[test]
fn every_client_shares_one_tls_set_up_offering_http_1_1() {
    let config = tls_config().unwrap();
    assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    let again = tls_config().unwrap();
    // Built once: a second client gets the same parts, not a new set-up.
    assert!(Arc::ptr_eq(config.crypto_provider(), again.crypto_provider()));
}
