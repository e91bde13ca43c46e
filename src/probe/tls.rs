//! tls checks: how many days are left on the certificate a server presents. The date must be read even when
//! the certificate is self-signed or already expired (that is exactly when the engineer needs it), so the
//! handshake accepts any certificate; whether browsers trust it is the http check's business.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::time::timeout_at;
use tokio_rustls::TlsConnector;

use super::{Budget, Outcome, Phase, Reason, Waiting, down, tcp};

pub(super) async fn run(address: &str, warn_days: u32, critical_days: u32, budget: Budget) -> Outcome {
    let config = match client_config() {
        Ok(config) => config,
        Err(error) => return down(Phase::Tls, Reason::TlsSetup { error }),
    };
    let host = address.rsplit_once(':').map_or(address, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = match ServerName::try_from(host.to_string()) {
        Ok(name) => name,
        Err(e) => {
            return down(
                Phase::Tls,
                Reason::BadServerName {
                    host: host.to_string(),
                    error: e.to_string(),
                },
            );
        }
    };
    let stream = match tcp::connect(address, budget).await {
        Ok(stream) => stream,
        Err(outcome) => return outcome,
    };
    let tls = match timeout_at(
        budget.deadline,
        TlsConnector::from(config).connect(server_name, stream),
    )
    .await
    {
        Err(_) => return budget.timed_out(Waiting::Handshake),
        Ok(Err(e)) => {
            return down(
                Phase::Tls,
                Reason::HandshakeFailed {
                    address: address.to_string(),
                    error: e.to_string(),
                },
            );
        }
        Ok(Ok(tls)) => tls,
    };
    let Some(leaf) = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.first())
    else {
        return down(
            Phase::Tls,
            Reason::NoCertificate {
                address: address.to_string(),
            },
        );
    };
    match not_after(leaf) {
        Ok(expires) => judge(expires, Utc::now(), warn_days, critical_days),
        Err(reason) => down(Phase::Certificate, reason),
    }
}

/// Whether the server at `address` presents a self-signed certificate (issuer and subject the same name):
/// asked after an http check's handshake was refused for an untrusted issuer, to say which it is. `None`
/// when the certificate cannot be read this time.
pub(super) async fn presents_self_signed(address: &str, host: &str, budget: Budget) -> Option<bool> {
    let config = client_config().ok()?;
    let server_name = ServerName::try_from(host.to_string()).ok()?;
    let stream = tcp::connect(address, budget).await.ok()?;
    let tls = timeout_at(
        budget.deadline,
        TlsConnector::from(config).connect(server_name, stream),
    )
    .await
    .ok()?
    .ok()?;
    let leaf = tls.get_ref().1.peer_certificates()?.first()?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref()).ok()?;
    Some(cert.issuer().as_raw() == cert.subject().as_raw())
}

/// Up, Degraded under `warn_days` left, Down under `critical_days` or once expired.
pub(crate) fn judge(
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
    warn_days: u32,
    critical_days: u32,
) -> Outcome {
    let days = days_left(expires, now);
    let date = expires.format("%Y-%m-%d").to_string();
    if days < 0 {
        down(Phase::Certificate, Reason::CertExpired { days: -days, date })
    } else if days < i64::from(critical_days) {
        down(
            Phase::Certificate,
            Reason::CertExpiring {
                days,
                date,
                under: critical_days,
                critical: true,
            },
        )
    } else if days < i64::from(warn_days) {
        Outcome::Degraded {
            reason: Reason::CertExpiring {
                days,
                date,
                under: warn_days,
                critical: false,
            },
        }
    } else {
        Outcome::Up {
            detail: Reason::CertValid { days, date },
        }
    }
}

/// Whole days until `expires`, rounded down: an hour left is 0, an hour past is -1.
pub(crate) fn days_left(expires: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (expires - now).num_seconds().div_euclid(86_400)
}

/// The certificate's notAfter.
pub(crate) fn not_after(der: &CertificateDer<'_>) -> Result<DateTime<Utc>, Reason> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|e| Reason::CertUnreadable { error: e.to_string() })?;
    let timestamp = cert.validity().not_after.timestamp();
    DateTime::from_timestamp(timestamp, 0).ok_or(Reason::CertDateOutOfRange { timestamp })
}

/// One config for every tls check; building it loads nothing from disk.
fn client_config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let verifier = AcceptAnyCertificate {
                algorithms: provider.signature_verification_algorithms,
            };
            ClientConfig::builder_with_provider(Arc::clone(&provider))
                .with_safe_default_protocol_versions()
                .map(|builder| {
                    Arc::new(
                        builder
                            .dangerous()
                            .with_custom_certificate_verifier(Arc::new(verifier))
                            .with_no_client_auth(),
                    )
                })
                .map_err(|e| e.to_string())
        })
        .clone()
}

/// Accepts whatever certificate the server shows, but still checks that the server holds its key (the
/// handshake signature), so what we read really is that server's certificate.
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn days_left_round_down_so_an_expired_certificate_is_negative() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).single().unwrap();
        assert_eq!(days_left(now + Duration::hours(1), now), 0);
        assert_eq!(days_left(now - Duration::hours(1), now), -1);
        assert_eq!(days_left(now + Duration::days(30), now), 30);
        assert_eq!(days_left(now - Duration::days(400), now), -400);
    }

    #[test]
    fn thresholds_are_strictly_under() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).single().unwrap();
        let at = |days| judge(now + Duration::days(days), now, 30, 7);
        assert_eq!(at(30).label(), "up");
        assert_eq!(at(29).label(), "degraded");
        assert_eq!(at(7).label(), "degraded");
        assert!(matches!(
            at(6),
            Outcome::Down {
                phase: Phase::Certificate,
                ..
            }
        ));
        assert!(matches!(
            at(-1),
            Outcome::Down {
                phase: Phase::Certificate,
                ..
            }
        ));
    }
}
