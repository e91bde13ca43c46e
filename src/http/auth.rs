//! Bearer tokens: compared in constant time, never logged, never echoed.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::config::Secret;

/// Whether `Authorization: Bearer <token>` carries exactly `token`.
pub(super) fn bearer_matches(headers: &HeaderMap, token: &Secret) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, given)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer") && same(given.trim().as_bytes(), token.expose().as_bytes())
}

/// Equal bytes, taking the same time wherever the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 401 with the challenge and a reason that names no secret.
pub(super) fn unauthorized(reason: &str) -> Response {
    let mut response = super::intake::refusal(StatusCode::UNAUTHORIZED, reason.to_string());
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"watchdesk\""),
    );
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_passes() {
        let token = Secret::new("s3cret");
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            h
        };
        assert!(bearer_matches(&with("Bearer s3cret"), &token));
        assert!(bearer_matches(&with("bearer  s3cret "), &token));
        assert!(!bearer_matches(&with("Bearer s3cre"), &token));
        assert!(!bearer_matches(&with("Bearer s3cretX"), &token));
        assert!(!bearer_matches(&with("Basic s3cret"), &token));
        assert!(!bearer_matches(&with("s3cret"), &token));
        assert!(!bearer_matches(&HeaderMap::new(), &token));
    }
}
